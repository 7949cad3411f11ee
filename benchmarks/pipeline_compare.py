"""Comparison 4: ``anchoring run`` on the demo round against the Jupyter floor, and a rerun.

The demo rounds are simulated with ``simulate_demo_rounds`` and ``demo-previous`` is run once
(``demo`` compares with it). Then, interleaved, median of the repetitions, each a child
process as a user would run it:

- ``anchoring run --round demo --force`` (both report languages, every stage executed);
- the floor, ``python -m benchmarks.jupyter_floor``: the same notebooks, every code cell
  emptied, executed and rendered by the pipeline's own runner and renderer
  (:mod:`benchmarks.jupyter_floor`).

The figure is run ÷ floor. The rerun is ``anchoring run --round demo`` with nothing changed
(every stage cached), whose target is absolute: under 1.5 s of wall time on this machine,
including the interpreter's start-up.
"""

from __future__ import annotations

import logging
import shutil
import sys
from pathlib import Path

from benchmarks.results import Result
from benchmarks.rounds import anchoring_command, remove_round
from benchmarks.timing import Timing, run_measured

log = logging.getLogger(__name__)

RUN_TARGET = 2.0
RERUN_TARGET_S = 1.5


def prepare_demo(root: Path) -> str:
    """Simulate the demo rounds afresh under ``root`` and run the previous round once.

    ``root`` is the suite's own work folder: demo rounds left there by an earlier version of the
    simulator are removed first (they take seconds to remake, and raw data is never overwritten).
    """
    from anchoring.simulate import DEMO_PREVIOUS_ROUND, DEMO_ROUND, simulate_demo_rounds

    for round_id in (DEMO_PREVIOUS_ROUND, DEMO_ROUND):
        remove_round(root, round_id)
    rounds = simulate_demo_rounds(root)
    *earlier, demo = rounds
    for round_id in earlier:
        _check(
            run_measured([*anchoring_command(), "run", "--root", str(root), "--round", round_id])
        )
    return demo


def _check(run) -> None:
    if run.returncode != 0:
        raise RuntimeError(f"command failed (exit {run.returncode}):\n{run.stderr[-2000:]}")


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def _python_startup_s() -> float:
    runs = [run_measured([sys.executable, "-c", "pass"]).seconds for _ in range(3)]
    return sorted(runs)[1]


def compare_pipeline(root: Path, reps: int) -> list[Result]:
    """Time the demo run, the floor and the cached rerun; return the table rows."""
    demo = prepare_demo(root)
    run_cmd = [*anchoring_command(), "run", "--root", str(root), "--round", demo]
    floor_out = root / "jupyter-floor"
    floor_cmd = [
        sys.executable,
        "-m",
        "benchmarks.jupyter_floor",
        "--root",
        str(root),
        "--round",
        demo,
        "--out",
        str(floor_out),
    ]
    bench_dir = str(Path(__file__).resolve().parent.parent)
    run_s, floor_s, run_cpu, floor_cpu = [], [], [], []
    for _ in range(reps):
        run = run_measured([*run_cmd, "--force"])
        _check(run)
        run_s.append(run.seconds)
        run_cpu.append(run.cpu_seconds)
        shutil.rmtree(floor_out, ignore_errors=True)
        floor = run_measured(floor_cmd, env={"PYTHONPATH": bench_dir}, cwd=Path(bench_dir))
        _check(floor)
        floor_s.append(floor.seconds)
        floor_cpu.append(floor.cpu_seconds)
    rerun_s, rerun_cpu = [], []
    for _ in range(max(reps, 5)):
        rerun = run_measured(run_cmd)
        _check(rerun)
        rerun_s.append(rerun.seconds)
        rerun_cpu.append(rerun.cpu_seconds)
    run_t, floor_t, rerun_t = Timing(tuple(run_s)), Timing(tuple(floor_s)), Timing(tuple(rerun_s))
    ratio = run_t.median / floor_t.median
    startup = _python_startup_s()
    return [
        Result(
            comparison="4. anchoring run (demo) time / Jupyter floor time",
            size="demo",
            figure=ratio,
            unit="×",
            target=f"≤ {RUN_TARGET:g}×",
            met=ratio <= RUN_TARGET,
            ours_s=run_t.median,
            reference="empty notebooks + nbconvert",
            reference_s=floor_t.median,
            reps=run_t.reps,
            notes=[
                "both languages; each a fresh process",
                f"CPU time of all processes {_median(run_cpu):.1f} s vs {_median(floor_cpu):.1f} s"
                f" ({_median(run_cpu) / _median(floor_cpu):.2f}×)",
            ],
        ),
        Result(
            comparison="4. anchoring run rerun, nothing changed (this machine)",
            size="demo",
            figure=rerun_t.median,
            unit="s",
            target=f"< {RERUN_TARGET_S:g} s",
            met=rerun_t.median < RERUN_TARGET_S,
            ours_s=rerun_t.median,
            reference="python -c pass",
            reference_s=startup,
            reps=rerun_t.reps,
            notes=[
                f"{rerun_t.median / startup:.1f}× a bare interpreter start",
                f"CPU time {_median(rerun_cpu):.2f} s (one process: about "
                "the wall time on an idle machine)",
            ],
        ),
    ]
