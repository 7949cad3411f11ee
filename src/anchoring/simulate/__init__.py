"""Simulated survey rounds with known truth and planted problems (``anchoring simulate``).

:func:`simulate_round` writes ``data/raw/<round>/``: ``round.yaml``, three raw exports in three
real formats (Nettskjema CSV for municipalities, an Excel export for hospital trusts, SPSS for
GPs), ``truth.json`` with the finite-population true values and every planted problem, and, when
the GP sample outgrows the packaged frame, a round-supplied GP frame. With ``formats`` the
exports are written as Nettskjema (without codebook), Microsoft Forms or Qualtrics write them,
with organisations typed as names, tests, resubmissions, unfinished answers and «Annet» roles
planted (:mod:`~anchoring.simulate.formats`, :mod:`~anchoring.simulate.intake`).
:func:`simulate_demo_rounds` writes the two demo rounds. See ``docs/architecture.md`` and
the modules of this package for the model (:mod:`~anchoring.simulate.population`), the
exports (:mod:`~anchoring.simulate.exports`) and the truth (:mod:`~anchoring.simulate.truth`).

Raw data is immutable: a round folder that already holds files is never overwritten. Simulating
again with the same arguments is a no-op when every file would be byte-identical (so a script or
``make demo`` can be rerun); anything else is refused with an :class:`AnchoringError`.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from anchoring.exceptions import AnchoringError
from anchoring.groups import GROUPS
from anchoring.paths import RoundPaths
from anchoring.simulate import settings
from anchoring.simulate.assembly import RoundSpec, assemble_round
from anchoring.simulate.formats import DEFAULT_FORMATS, TOOL_FORMATS, check_formats
from anchoring.simulate.writer import compare_folders, write_round_files

log = logging.getLogger(__name__)

DEMO_PREVIOUS_ROUND = "demo-previous"
DEMO_ROUND = "demo"
DEMO_SEEDS = {DEMO_PREVIOUS_ROUND: 2025, DEMO_ROUND: 2026}
DEMO_POPULATION_SEED = 2025
DEMO_SHIFT: dict = {"municipality": {"pll": 0.5}, "gp": {"dho": -0.4}}
"""Latent shift of the demo round against the previous one: PLL up in the municipalities (about
+8 index points), data sharing for home follow-up down among GPs (about -6)."""

__all__ = ["simulate_demo_rounds", "simulate_round"]


def simulate_round(
    root: Path,
    round_id: str,
    seed: int,
    scale: float = 1.0,
    previous_round: str | None = None,
    shift: dict | None = None,
    formats: Sequence[str] | str = DEFAULT_FORMATS,
    responding: Mapping[str, int] | None = None,
) -> Path:
    """Write a synthetic survey round into ``data/raw/<round_id>`` under ``root``.

    Parameters
    ----------
    root
        Project or data root (see :class:`anchoring.paths.RoundPaths`).
    round_id
        The round's id (letters, digits, ``.``, ``_``, ``-``).
    seed
        Non-negative seed; the same seed and arguments give the same bytes. It seeds both the
        population (true values) and the survey (who answers, what, and the dirt).
    scale
        Size factor: municipalities and trusts get ``scale`` times more respondents each, GPs
        ``scale`` times more GPs (with a round-supplied GP frame when the sample would exceed
        the packaged one). About 1,800 raw rows at scale 1.
    previous_round
        Round to name as ``previous_round`` in ``round.yaml``.
    shift
        Latent shifts of true locations, ``{group: {measure: delta}}`` or
        ``{group: {measure: {dimension: delta}}}`` (one unit is about 24 index points).
    formats
        One export format per group, municipality, hospital, gp (a sequence or comma-separated
        text): the default ``nettskjema,excel,spss``, or the tool formats ``nettskjema-text``,
        ``forms``, ``qualtrics`` for any group, written as those tools write them with the
        intake problems of :mod:`anchoring.simulate.intake` planted
        (:mod:`anchoring.simulate.formats`).
    responding
        Groups cut down to this many responding organisations (GPs for ``gp``), taken from
        the planned ones stratum by stratum in sorted order, e.g. ``{"hospital": 2}``: a round
        in which the trusts' estimates must be hidden (fewer than ``estimation.min_orgs``,
        default 3), for the suppression tests. Recorded in ``truth.json`` (``responding``).
        A small group leaves fewer rows to plant problems in: the source then gets the first
        kinds of planted text only (:mod:`anchoring.simulate.dirt`).

    Returns
    -------
    pathlib.Path
        The round's raw folder.

    Raises
    ------
    AnchoringError
        Bad seed, scale, shift or formats; or the folder already holds files that differ from
        what this call would write (raw data is immutable: choose another round id or remove
        the folder).
    """
    spec = RoundSpec(
        round_id,
        seed,
        float(scale),
        previous_round,
        shift,
        settings.DEFAULT_YEAR,
        seed,
        check_formats(formats),
        tuple(sorted((responding or {}).items())),
    )
    return _simulate(Path(root), spec)


def simulate_demo_rounds(root: Path) -> list[str]:
    """Write the demo rounds ``demo-previous`` (2025) and ``demo`` (2026) with fixed seeds.

    Both rounds share one population (the same municipalities, trusts and GPs with the same
    attitudes); ``demo`` names ``demo-previous`` as its previous round and moves the true values
    by :data:`DEMO_SHIFT`, so the demo report shows real change. ``demo-previous`` is exported
    in the simulator's original formats, ``demo`` as Nettskjema (without codebook), Microsoft
    Forms and Qualtrics write exports (:data:`~anchoring.simulate.formats.TOOL_FORMATS`), with
    the analyst's decisions in its ``round.yaml``; the same people answer either way. Rerunning
    is a no-op.

    Returns
    -------
    list[str]
        ``["demo-previous", "demo"]``.
    """
    specs = [
        RoundSpec(
            DEMO_PREVIOUS_ROUND,
            DEMO_SEEDS[DEMO_PREVIOUS_ROUND],
            1.0,
            None,
            None,
            2025,
            DEMO_POPULATION_SEED,
        ),
        RoundSpec(
            DEMO_ROUND,
            DEMO_SEEDS[DEMO_ROUND],
            1.0,
            DEMO_PREVIOUS_ROUND,
            DEMO_SHIFT,
            2026,
            DEMO_POPULATION_SEED,
            TOOL_FORMATS,
        ),
    ]
    for spec in specs:
        _simulate(Path(root), spec)
    return [spec.round_id for spec in specs]


def _simulate(root: Path, spec: RoundSpec) -> Path:
    paths = RoundPaths(root, spec.round_id)
    target = paths.raw_dir
    existing = sorted(p.name for p in target.iterdir()) if target.is_dir() else []
    if target.exists() and not target.is_dir():
        raise AnchoringError(f"{target}: exists and is not a folder; remove it or pick a round id.")
    if existing:
        _refuse_if_other_simulation(target, spec)
    started = time.perf_counter()
    sim = assemble_round(spec)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{spec.round_id}.simulating-{os.getpid()}"
    if staging.exists():  # left by a crashed run of this process id
        shutil.rmtree(staging)
    staging.mkdir()
    try:
        write_round_files(sim, staging)
        if existing:
            differences = compare_folders(staging, target)
            if differences:
                raise _immutable(target, "; ".join(differences))
            log.info(
                "Round %s already simulated with identical files: nothing written (%s).",
                spec.round_id,
                target,
            )
            return target
        if target.is_dir():
            target.rmdir()  # an empty folder
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    rows = sum(len(s.table) for s in sim.sources)
    log.info(
        "Simulated round %s: %d raw rows in %s (%.1f s).",
        spec.round_id,
        rows,
        target,
        time.perf_counter() - started,
    )
    return target


def _immutable(target: Path, detail: str) -> AnchoringError:
    return AnchoringError(
        f"{target}: already holds a round that differs from this simulation ({detail}). Raw "
        "data is immutable: use another --round id, or delete the folder yourself if it is a "
        "simulation you no longer need."
    )


def _refuse_if_other_simulation(target: Path, spec: RoundSpec) -> None:
    """Refuse at once when the folder's truth.json names other arguments (no need to simulate)."""
    try:
        truth = json.loads((target / "truth.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # not a simulated round, or unreadable: the full comparison decides
    wanted = {
        "seed": spec.seed,
        "population_seed": spec.population_seed,
        "scale": spec.scale,
        "previous_round": spec.previous_round,
        "shift": spec.shift or {},
    }
    found = {key: truth.get(key) for key in wanted}
    found["shift"] = truth.get("model", {}).get("shift", {})
    wanted["formats"] = list(spec.formats)
    wanted["responding"] = dict(spec.responding)
    found["responding"] = truth.get("responding", {})
    default = dict(zip(GROUPS, DEFAULT_FORMATS, strict=True))
    found["formats"] = list(truth.get("formats", default).values())
    differing = [f"{k} {found[k]!r} there, {v!r} asked" for k, v in wanted.items() if found[k] != v]
    if differing:
        raise _immutable(target, "; ".join(differing))
