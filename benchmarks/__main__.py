"""Command line of the performance suite: ``python -m benchmarks [--quick] ...``.

Simulates a round of 10^5 respondents (a tiny one with ``--quick``), runs the comparisons,
prints one table and, on a full run, writes it with the machine description into
``docs/performance.md`` (between the markers; the hand-written text is kept).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.report import text_table, write_performance_doc
from benchmarks.results import Result, failed_result
from benchmarks.rounds import QUICK_SIZE, ROUND_SIZE, Size

log = logging.getLogger("benchmarks")

COMPARISONS = ("survey", "cleaning", "runs")
SURVEY_COPIES = 10
"""The survey estimators run on the round and on this many copies of it (10^6 rows)."""
DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one tiny round, one repetition")
    parser.add_argument(
        "--only", default=",".join(COMPARISONS), help=f"a subset of {','.join(COMPARISONS)}"
    )
    parser.add_argument("--reps", type=int, default=None, help="repetitions (default 5; 3 at 10^6)")
    parser.add_argument("--no-r", action="store_true", help="skip R even if Rscript is present")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="project root for the simulated rounds, reused between runs (default: "
        "anchoring-bench-cache under the system temp folder; --quick: a fresh temp folder)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="Markdown file to write (default: docs/performance.md; none with --quick)",
    )
    parser.add_argument(
        "--resimulate", action="store_true", help="remake rounds an older simulator made"
    )
    parser.add_argument("--strict", action="store_true", help="stop at the first failure")
    args = parser.parse_args(argv)
    unknown = set(args.only.split(",")) - set(COMPARISONS)
    if unknown:
        parser.error(f"--only: unknown {', '.join(sorted(unknown))}; choose from {COMPARISONS}")
    return args


class Suite:
    """One run of the suite: its options, work folder, results and notes."""

    def __init__(self, args: argparse.Namespace, root: Path) -> None:
        self.args = args
        self.root = root
        self.results: list[Result] = []
        self.notes: list[str] = []
        self.failures = 0

    @property
    def size(self) -> Size:
        """The simulated round's size: 10^5, or tiny with ``--quick``."""
        return QUICK_SIZE if self.args.quick else ROUND_SIZE

    def reps(self, rows: int) -> int:
        """Repetitions: the option, else 1 (quick), 3 from 10^6 rows and 5 below."""
        if self.args.reps:
            return self.args.reps
        if self.args.quick:
            return 1
        return 3 if rows >= 1_000_000 else 5

    def prepare(self, size: Size) -> str:
        """Simulate ``size``'s round unless a usable one is in the work folder; its id."""
        from benchmarks.rounds import simulate

        warning = simulate(self.root, size.round_id, size.scale, resimulate=self.args.resimulate)
        if warning and warning not in self.notes:
            self.notes.append(warning)
        return size.round_id

    def attempt(self, what: str, function: Callable[[], list[Result]]) -> None:
        """Run one comparison; on failure add a row saying so (or raise with --strict)."""
        start = time.perf_counter()
        log.info("%s ...", what)
        try:
            self.results.extend(function())
        except Exception as exc:
            if self.args.strict:
                raise
            self.failures += 1
            log.exception("%s failed", what)
            self.results.append(failed_result(what, repr(exc)))
        log.info("%s done in %.1f s", what, time.perf_counter() - start)


def _run_survey(suite: Suite) -> list[Result]:
    from benchmarks.rounds import ensure_cleaned
    from benchmarks.survey_compare import compare_survey, design_frame, r_available, replicate

    with_r = not suite.args.no_r and r_available()
    if not with_r:
        why = "--no-r was given" if suite.args.no_r else "Rscript or its survey package not found"
        suite.notes.append(f"R survey was not timed: {why}")
    frame = design_frame(ensure_cleaned(suite.root, suite.prepare(suite.size)))
    label = suite.size.label
    rows = []
    for copies, size in ((1, label), (SURVEY_COPIES, f"{label} × {SURVEY_COPIES}")):
        replicated = replicate(frame, copies)
        rows += compare_survey(replicated, size, suite.reps(len(replicated)), with_r)
    return rows


def _run_cleaning(suite: Suite) -> list[Result]:
    from benchmarks.cleaning import time_cleaning

    size = suite.size
    return time_cleaning(suite.root, suite.prepare(size), size.label, suite.reps(size.nominal))


def _run_runs(suite: Suite) -> list[Result]:
    from benchmarks.runs import compare_runs

    reps = 1 if suite.args.quick else (suite.args.reps or 3)
    return compare_runs(suite.root, {suite.size.label: suite.prepare(suite.size)}, reps)


RUNNERS: dict[str, tuple[str, Callable[[Suite], list[Result]]]] = {
    "survey": ("survey estimators vs svy and R", _run_survey),
    "cleaning": ("cleaning a round", _run_cleaning),
    "runs": ("anchoring run vs the Jupyter floor", _run_runs),
}


def _load_note(start: tuple[float, ...], end: tuple[float, ...]) -> str:
    return (
        f"load average (1 min) {start[0]:.1f} at the start, {end[0]:.1f} at the end, on "
        f"{os.cpu_count()} cores: other work slows every contender alike (they are interleaved), "
        "but the figures are cleanest on an idle machine"
    )


def run(argv: list[str] | None = None) -> int:
    """Run the suite; returns the exit status (1 if any comparison failed)."""
    from benchmarks.machine import describe_machine
    from benchmarks.rounds import ensure_workspace

    args = _parse(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    started, load_start = time.perf_counter(), os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="anchoring-bench-") as tmp:
        default = Path(tmp) if args.quick else Path(tempfile.gettempdir()) / "anchoring-bench-cache"
        suite = Suite(args, ensure_workspace((args.workdir or default).resolve()))
        machine = describe_machine()
        for name in args.only.split(","):
            what, runner = RUNNERS[name]
            suite.attempt(what, lambda runner=runner: runner(suite))
    suite.notes.append(f"the suite took {(time.perf_counter() - started) / 60:.1f} min")
    suite.notes.append(_load_note(load_start, os.getloadavg()))
    print(text_table(suite.results))
    out = args.out or (None if args.quick else DOC)
    if out is not None:
        write_performance_doc(out, suite.results, machine, suite.notes)
        print(f"\nwritten: {out}")
    return 1 if suite.failures else 0


if __name__ == "__main__":
    sys.exit(run())
