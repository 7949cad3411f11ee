"""``anchoring run`` as a user runs it, on the demo round and at 10^5, beside the Jupyter floor.

The demo rounds are simulated afresh (``simulate_demo_rounds``) and ``demo-previous`` is run
once, since ``demo`` compares with it. Then, interleaved, median of the repetitions, each a
fresh child process:

- the Jupyter floor, ``python -m benchmarks.jupyter_floor`` on the demo round: the same
  notebooks with every code cell emptied, executed and rendered by the pipeline's own runner
  and renderer (:mod:`benchmarks.jupyter_floor`), the cost of Jupyter itself;
- ``anchoring run --round demo --force``: every stage, both report languages; its budget is
  :data:`DEMO_BUDGET_S` on a 2-core machine;
- ``anchoring run --round bench-1e5 --force``: a whole round of 10^5 respondents.

The figure of each run is its time ÷ the floor's (context: what the notebooks' work adds to
Jupyter's own cost). The notes give the CPU time of all the run's processes and each stage's
seconds from the run's ``manifest.json``.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from benchmarks.results import Result
from benchmarks.rounds import anchoring_command, remove_round
from benchmarks.timing import CommandRun, Timing, checked, run_command

DEMO_BUDGET_S = 15.0
"""The demo round's whole run, in seconds on a 2-core machine (issue #16)."""
REPO = Path(__file__).resolve().parent.parent


def prepare_demo(root: Path) -> str:
    """Simulate the demo rounds afresh under ``root``, run the previous one, return ``demo``."""
    from anchoring.simulate import DEMO_PREVIOUS_ROUND, DEMO_ROUND, simulate_demo_rounds

    for round_id in (DEMO_PREVIOUS_ROUND, DEMO_ROUND):
        remove_round(root, round_id)
    *earlier, demo = simulate_demo_rounds(root)
    for round_id in earlier:
        checked(run_command(_run_command(root, round_id)), f"anchoring run --round {round_id}")
    return demo


def _run_command(root: Path, round_id: str) -> list[str]:
    return [*anchoring_command(), "run", "--root", str(root), "--round", round_id]


def _floor_command(root: Path, round_id: str, out: Path) -> list[str]:
    floor = [sys.executable, "-m", "benchmarks.jupyter_floor"]
    return [*floor, "--root", str(root), "--round", round_id, "--out", str(out)]


def _stage_seconds(root: Path, round_id: str) -> str:
    from anchoring.paths import RoundPaths

    manifest = json.loads(RoundPaths(root, round_id).manifest_file.read_text(encoding="utf-8"))
    return ", ".join(f"{s['name']} {s['seconds']:.1f} s" for s in manifest["stages"])


def _median(runs: list[CommandRun], attribute: str) -> float:
    return Timing(tuple(getattr(run, attribute) for run in runs)).median


def compare_runs(root: Path, round_ids: dict[str, str], reps: int) -> list[Result]:
    """Time the floor and ``anchoring run`` on the demo round and on ``round_ids`` (by size).

    ``round_ids`` maps a size label (``10^5``) to a simulated round; the demo round is added.
    """
    demo = prepare_demo(root)
    rounds = {"demo": demo, **round_ids}
    floor_out = root / "jupyter-floor"
    floor_runs: list[CommandRun] = []
    runs: dict[str, list[CommandRun]] = {size: [] for size in rounds}
    stages: dict[str, str] = {}
    for _ in range(reps):
        shutil.rmtree(floor_out, ignore_errors=True)
        floor = run_command(_floor_command(root, demo, floor_out), cwd=REPO)
        floor_runs.append(checked(floor, "the Jupyter floor"))
        for size, round_id in rounds.items():
            run = run_command([*_run_command(root, round_id), "--force"])
            runs[size].append(checked(run, f"anchoring run --round {round_id}"))
            stages[size] = _stage_seconds(root, round_id)
    floor_s = _median(floor_runs, "seconds")
    return [
        Result(
            comparison=f"anchoring run --round {rounds[size]} ÷ Jupyter floor",
            size=size,
            seconds=_median(size_runs, "seconds"),
            reps=len(size_runs),
            reference="empty notebooks",
            reference_s=floor_s,
            ratio=_median(size_runs, "seconds") / floor_s,
            budget_s=DEMO_BUDGET_S if size == "demo" else None,
            notes=[
                f"CPU time of all processes {_median(size_runs, 'cpu_seconds'):.1f} s "
                f"(floor {_median(floor_runs, 'cpu_seconds'):.1f} s)",
                f"stages of the last run: {stages[size]}",
            ],
        )
        for size, size_runs in runs.items()
    ]
