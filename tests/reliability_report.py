"""Run the reliability and privacy campaign and write its figures to ``docs/reliability.md``.

Usage (from the checkout)::

    .venv/bin/python tests/reliability_report.py            # run the four suites, write the doc
    .venv/bin/python tests/reliability_report.py --check    # also exit 1 if any test failed

It runs ``tests/test_corpus.py``, ``tests/test_properties.py``, ``tests/test_faults.py`` and
``tests/test_disclosure.py`` with pytest, with ``ANCHORING_RELIABILITY_LOG`` pointing at a
temporary JSON-lines file. The tests append one record per case, mutation example, fault and
audit to it (:func:`record`); this script counts them and writes the tables of
``docs/reliability.md``. Nothing is typed in by hand: every figure comes from that run.
"""

from __future__ import annotations

import collections
import json
import os
from pathlib import Path

LOG_VARIABLE = "ANCHORING_RELIABILITY_LOG"
REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "reliability.md"
SUITES = ("test_corpus.py", "test_properties.py", "test_faults.py", "test_disclosure.py")


def record(kind: str, payload: dict) -> None:
    """Append one result record for the report (only when the report script runs the tests)."""
    target = os.environ.get(LOG_VARIABLE)
    if not target:
        return
    line = json.dumps({"kind": kind, **payload}, ensure_ascii=False, default=str)
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def load_records(path: Path) -> dict[str, list[dict]]:
    """The records of a run, grouped by kind."""
    grouped: dict[str, list[dict]] = collections.defaultdict(list)
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                grouped[item.pop("kind")].append(item)
    return grouped
