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

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

LOG_VARIABLE = "ANCHORING_RELIABILITY_LOG"
REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "reliability.md"
SUITES = (
    "test_corpus.py",
    "test_properties.py",
    "test_faults.py",
    "test_disclosure.py",
    "test_reader_limits.py",
)


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


def run_suites(log: Path, junit: Path) -> int:
    """Run the four suites with pytest, records going to ``log``; return pytest's exit status."""
    env = {**os.environ, LOG_VARIABLE: str(log)}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--junitxml={junit}",
        *[str(REPO / "tests" / s) for s in SUITES],
    ]
    return subprocess.run(command, cwd=REPO, env=env, check=False).returncode


def _failed_tests(junit: Path) -> list[tuple[str, str]]:
    import xml.etree.ElementTree as ElementTree

    failed = []
    if junit.is_file():
        for case in ElementTree.parse(junit).iter("testcase"):
            for problem in list(case.iter("failure")) + list(case.iter("error")):
                message = (problem.get("message") or "").splitlines()[0][:160]
                failed.append((f"{case.get('classname')}::{case.get('name')}", message))
    return failed


def _corpus_section(records: list[dict]) -> list[str]:
    counts = collections.Counter(
        (r["expected"], "as expected" if _as_expected(r) else f"got {r['outcome']}")
        for r in records
    )
    lines = [
        "## Hostile inputs (corpus)",
        "",
        f"{len(records)} cases from `tests/corpus/cases.yaml` (each a round with one or more "
        "exports) through `clean_round`, the analysis where the case asks for it, and "
        "`anchoring validate`.",
        "",
        "| expected | ended | cases |",
        "|---|---|---:|",
    ]
    lines += [f"| {e} | {how} | {n} |" for (e, how), n in sorted(counts.items())]
    lines += ["", "| case | expected | outcome | class | validate exit |", "|---|---|---|---|---:|"]
    for r in sorted(records, key=lambda r: r["case"]):
        lines.append(
            f"| {r['case']} | {r['expected']} | {r['outcome']} | "
            f"{r.get('error_class', '')} | {r['validate_exit']} |"
        )
    return [*lines, ""]


def _as_expected(record_: dict) -> bool:
    return record_["outcome"] == record_["expected"]


def _mutation_section(mutations: list[dict], roundtrips: list[dict]) -> list[str]:
    counts = collections.Counter(
        (r["format"] + (" (sheet XML)" if r.get("inner") else ""), r["outcome"]) for r in mutations
    )
    formats = collections.Counter(r["format"] for r in roundtrips)
    lines = [
        "## Property-based tests (hypothesis)",
        "",
        f"Round trips of random valid exports: {len(roundtrips)} examples passed "
        f"({', '.join(f'{k} {v}' for k, v in sorted(formats.items()))}); a failing example "
        "stops its test, so the count is of examples before the first failure.",
        "",
        f"Mutated exports run: {len(mutations)}.",
        "",
        "| seed export | ended as | examples |",
        "|---|---|---:|",
    ]
    lines += [f"| {f} | {o} | {n} |" for (f, o), n in sorted(counts.items())]
    return [*lines, ""]


def _fault_section(faults: list[dict]) -> list[str]:
    lines = ["## Faults injected", "", "| fault | result |", "|---|---|"]
    for r in faults:
        detail = ", ".join(f"{k}: {v}" for k, v in r.items() if k != "fault")
        lines.append(f"| {r['fault']} | {detail.replace('|', '/')} |")
    return [*lines, ""]


def _audit_section(audits: list[dict]) -> list[str]:
    lines = [
        "## Disclosure audit",
        "",
        "| check | looked for | in | small cells | hits |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in audits:
        looked = r.get("strings", r.get("cells", ""))
        lines.append(
            f"| {r['check']} | {looked} | {r.get('files', '')} | {r.get('small', '')} | "
            f"{r['hits']} |"
        )
    return [*lines, ""]


def _limits_section(measured: list[dict]) -> list[str]:
    from anchoring.readers import limits

    lines = [
        "## Reader limits and memory bound",
        "",
        f"Refused before reading: a file over {limits.MAX_FILE_BYTES >> 20:,} MiB; a table over "
        f"{limits.MAX_COLUMNS:,} columns, {limits.MAX_ROWS:,} rows or {limits.MAX_CELLS:,} cells "
        f"(xlsx: the declared dimension and the farthest cell; sav: rows × variables); a "
        f"workbook part over {limits.MAX_PART_BYTES >> 20:,} MiB inflated, all parts over "
        f"{limits.MAX_PACKAGE_BYTES >> 20:,} MiB, or a part beyond "
        f"{limits.INFLATE_GRACE_BYTES >> 10} KiB compressed more than "
        f"{1 / limits.MIN_INFLATE_RATIO:.0f} to 1 (`src/anchoring/readers/limits.py`). Memory "
        "therefore grows with the accepted size only: peak RSS measured in this run (a file "
        "in a subprocess; 'at the cell limit' scales the measured bytes per cell):",
        "",
        "| file | peak RSS (MiB) | bytes per cell | at the cell limit (MiB) |",
        "|---|---:|---:|---:|",
    ]
    for r in measured:
        limit = f"{r['at_cell_limit'] / 2**20:,.0f}" if "at_cell_limit" in r else ""
        lines.append(
            f"| {r['file']} | {r['peak_rss'] / 2**20:,.0f} | {r.get('bytes_per_cell', '')} | "
            f"{limit} |"
        )
    return [*lines, ""]


def write_document(records: dict[str, list[dict]], failed: list[tuple[str, str]]) -> str:
    """The Markdown of ``docs/reliability.md`` from one run's records."""
    lines = [
        "# Reliability and privacy campaign",
        "",
        "Generated by `.venv/bin/python tests/reliability_report.py` (do not edit by hand): it "
        "runs `tests/test_corpus.py`, `tests/test_properties.py`, `tests/test_faults.py`, "
        "`tests/test_disclosure.py` and `tests/test_reader_limits.py` and counts what they "
        "recorded. The corpus is regenerated with `.venv/bin/python tests/corpus/make_corpus.py`.",
        "",
        f"Tests failing in this run: {len(failed)}.",
        "",
    ]
    if failed:
        lines += ["| test | first line of the failure |", "|---|---|"]
        lines += [f"| `{name}` | {msg.replace('|', '/')} |" for name, msg in failed]
        lines.append("")
    lines += _corpus_section(records.get("corpus", []))
    lines += _mutation_section(records.get("mutation", []), records.get("roundtrip", []))
    lines += _fault_section(records.get("fault", []))
    lines += _audit_section(records.get("audit", []))
    lines += _limits_section(records.get("reader_limit", []))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the campaign, write ``docs/reliability.md``; with ``--check`` fail on failures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a test failed")
    parser.add_argument("--output", type=Path, default=DOC, help="where to write the document")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        log, junit = Path(folder) / "records.jsonl", Path(folder) / "junit.xml"
        status = run_suites(log, junit)
        records, failed = load_records(log), _failed_tests(junit)
    args.output.write_text(write_document(records, failed) + "\n", encoding="utf-8")
    print(f"wrote {args.output} ({len(failed)} failing tests)")
    return 1 if args.check and status != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
