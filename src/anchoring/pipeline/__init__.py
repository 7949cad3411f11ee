"""The round pipeline: run the notebooks with papermill, cache stages, record, reproduce.

Modules: :mod:`.stages` (the three stages and their files), :mod:`.runner` (papermill execution
of one notebook), :mod:`.cache` (input fingerprints; skip unchanged stages), :mod:`.hashing`
(SHA-256 of files and records), :mod:`.manifest` (``manifest.json``), :mod:`.lock` (one run per
round), :mod:`.staging` (staging root and atomic promotion), :mod:`.run` (:func:`run_round`),
:mod:`.reproduce` (:func:`reproduce_round`), :mod:`.demo` (:func:`run_demo`). Validation is
intake's (:mod:`anchoring.intake.validate`).
"""

from __future__ import annotations

from anchoring.pipeline.demo import run_demo
from anchoring.pipeline.reproduce import ReproduceResult, reproduce_round
from anchoring.pipeline.run import RunResult, run_round

__all__ = [
    "ReproduceResult",
    "RunResult",
    "reproduce_round",
    "run_demo",
    "run_round",
]
