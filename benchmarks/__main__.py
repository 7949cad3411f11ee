"""Command line of the performance suite: ``python -m benchmarks [--quick] ...``.

Simulates the rounds (10^4, 10^5, 10^6 respondents; one tiny round with ``--quick``), runs the
comparisons, prints one table and, on a full run, writes it with the machine description into
``docs/performance.md`` (between the markers; the hand-written preface is kept).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from benchmarks.report import text_table, write_performance_doc
from benchmarks.results import Result

log = logging.getLogger("benchmarks")

COMPARISONS = ("memory", "cleaning", "analysis", "survey", "pipeline")
REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "performance.md"


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one tiny round, few repetitions")
    parser.add_argument(
        "--only",
        default=",".join(COMPARISONS),
        help=f"comma-separated subset of {','.join(COMPARISONS)}",
    )
    parser.add_argument("--sizes", default=None, help="labels to run, e.g. 10^4,10^5")
    parser.add_argument("--reps", type=int, default=None, help="repetitions (default 5; 3 at 10^6)")
    parser.add_argument("--no-r", action="store_true", help="skip R even if Rscript is present")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="project root for the simulated rounds, reused between runs "
        "(default: a cache folder under the system temp folder; --quick: a fresh temp folder)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="Markdown file to write (default: docs/performance.md; none with --quick)",
    )
    parser.add_argument(
        "--resimulate",
        action="store_true",
        help="remake cached rounds that an earlier version of the simulator made",
    )
    parser.add_argument("--strict", action="store_true", help="stop at the first failure")
    return parser.parse_args(argv)


class Suite:
    """The state of one benchmark run: sizes, rounds, results and notes."""

    def __init__(self, args: argparse.Namespace, root: Path) -> None:
        from benchmarks.rounds import FULL_SIZES, QUICK_SIZES

        self.args = args
        self.root = root
        sizes = QUICK_SIZES if args.quick else FULL_SIZES
        if args.sizes:
            wanted = set(args.sizes.split(","))
            sizes = tuple(s for s in (*FULL_SIZES, *QUICK_SIZES) if s.label in wanted)
        self.sizes = sizes
        self.only = set(args.only.split(","))
        self.results: list[Result] = []
        self.notes: list[str] = []
        self.failures = 0

    def reps(self, nominal: int) -> int:
        """Repetitions for a size: the option, else 2 (quick), 3 at 10^6, 5 below."""
        if self.args.reps:
            return self.args.reps
        if self.args.quick:
            return 1
        return 3 if nominal >= 500_000 else 5

    @property
    def warmup(self) -> int:
        """Untimed calls before the timed ones (none with --quick, which only smoke-tests)."""
        return 0 if self.args.quick else 1

    def is_largest(self, size) -> bool:
        """Whether ``size`` is the largest of this run (where the 10^6 targets apply)."""
        return size.nominal >= 1_000_000 or (self.args.quick and size == self.sizes[-1])

    def attempt(self, what: str, function: Callable[[], list[Result]]) -> None:
        """Run one comparison; on failure record a row saying so (or raise with --strict)."""
        start = time.perf_counter()
        log.info("%s ...", what)
        try:
            self.results.extend(function())
        except Exception as exc:
            if self.args.strict:
                raise
            self.failures += 1
            log.error("%s failed:\n%s", what, traceback.format_exc())
            self.results.append(
                Result(what, "", float("nan"), "", "", False, notes=[f"FAILED: {exc!r}"[:300]])
            )
        log.info("%s done in %.1f s", what, time.perf_counter() - start)
        # The table so far, so that an interrupted run still leaves its results in the log.
        log.info("results so far:\n%s", text_table(_order(self.results)))


def _prepare_rounds(suite: Suite) -> None:
    from benchmarks.rounds import ensure_workspace, simulate

    ensure_workspace(suite.root)
    for size in suite.sizes:
        warning = simulate(suite.root, size.round_id, size.scale, resimulate=suite.args.resimulate)
        if warning:
            suite.notes.append(warning)


def _ensure_cleaned(suite: Suite, size) -> None:
    from anchoring.paths import RoundPaths

    if not RoundPaths(suite.root, size.round_id).responses_file.exists():
        from anchoring.cleaning import clean_round

        clean_round(suite.root, size.round_id)


def _run_memory(suite: Suite) -> list[Result]:
    from benchmarks.memory import full_run, memory_row

    rows = []
    for size in suite.sizes:
        run = full_run(suite.root, size.round_id)
        rows.append(memory_row(size.label, run, suite.is_largest(size)))
    return rows


def _run_cleaning(suite: Suite) -> list[Result]:
    from benchmarks.cleaning_compare import compare_cleaning

    size = suite.sizes[-1]
    reps = suite.reps(size.nominal)
    at_target = suite.is_largest(size)
    return compare_cleaning(
        suite.root,
        size.round_id,
        size.label,
        size.nominal,
        reps,
        at_target,
        # A warm-up only loads modules; at 10^6 a cleaning run takes long enough without.
        0 if size.nominal >= 500_000 else suite.warmup,
    )


def _run_analysis(suite: Suite) -> list[Result]:
    from benchmarks.analysis_scaling import analysis_rows, time_analysis

    timings = []
    for size in suite.sizes:
        _ensure_cleaned(suite, size)
        timings.append(
            time_analysis(
                suite.root, size.round_id, size.label, suite.reps(size.nominal), suite.warmup
            )
        )
    return analysis_rows(timings)


def _run_survey(suite: Suite) -> list[Result]:
    from anchoring.paths import RoundPaths
    from benchmarks.survey_compare import compare_survey, r_available

    r_skipped = None
    if suite.args.no_r:
        r_skipped = "--no-r was given"
    elif not r_available():
        r_skipped = "absent (Rscript or its survey package not found)"
    if r_skipped:
        suite.notes.append(f"R survey was not timed: {r_skipped}")
    rows = []
    for size in suite.sizes:
        _ensure_cleaned(suite, size)
        responses = RoundPaths(suite.root, size.round_id).responses_file
        rows += compare_survey(
            responses, size.label, suite.reps(size.nominal), suite.is_largest(size), r_skipped
        )
    return rows


def _run_pipeline(suite: Suite) -> list[Result]:
    from benchmarks.pipeline_compare import compare_pipeline

    return compare_pipeline(suite.root, 2 if suite.args.quick else 3)


RUNNERS = {
    "memory": ("5. peak memory of full runs", _run_memory),
    "cleaning": ("2. cleaning vs pyarrow", _run_cleaning),
    "analysis": ("3. all estimates of a round", _run_analysis),
    "survey": ("1. survey estimates vs svy and R", _run_survey),
    "pipeline": ("4. anchoring run vs Jupyter floor", _run_pipeline),
}


def _order(results: list[Result]) -> list[Result]:
    return sorted(results, key=lambda r: r.comparison.split(".")[0])


def run(argv: list[str] | None = None) -> int:
    """Run the suite; returns the exit status (1 if any comparison failed)."""
    from benchmarks.machine import describe_machine

    args = _parse(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    started = time.perf_counter()
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="anchoring-bench-") as tmp:
        root = args.workdir or (
            Path(tmp) if args.quick else Path(tempfile.gettempdir()) / "anchoring-bench-cache"
        )
        suite = Suite(args, root.resolve())
        machine = describe_machine()
        _prepare_rounds(suite)
        for name in COMPARISONS:
            if name in suite.only:
                what, runner = RUNNERS[name]
                suite.attempt(what, lambda runner=runner: runner(suite))
        load_end = os.getloadavg()
    results = _order(suite.results)
    minutes = (time.perf_counter() - started) / 60
    suite.notes.append(f"the whole suite took {minutes:.1f} min on this machine")
    suite.notes.append(
        f"load average (1 min) at the start {load_start[0]:.1f}, at the end {load_end[0]:.1f} "
        f"on {os.cpu_count()} cores: other work on the machine slows every contender, and "
        "interleaving spreads it evenly, but the ratios are cleanest on an idle machine"
    )
    print(text_table(results))
    out = args.out or (None if args.quick else DOC)
    if out is not None:
        write_performance_doc(out, results, machine, suite.notes)
        print(f"\nwritten: {out}")
    return 1 if suite.failures else 0


if __name__ == "__main__":
    sys.exit(run())
