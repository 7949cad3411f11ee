"""Comparison 4: peak memory of a full ``anchoring run`` at each size.

The run is a child process (``anchoring run --round R --force``): cleaning, analysis and the
report notebooks, each notebook in its own Jupyter kernel. Two figures are taken:
``ru_maxrss`` of ``RUSAGE_CHILDREN`` (the largest single process of the run) and the peak of
the summed resident set of the whole process tree, polled every 50 ms with ``psutil``
(processes alive at the same time, e.g. papermill and its kernel). The target applies to the
larger of the two.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.results import Result
from benchmarks.rounds import anchoring_command
from benchmarks.timing import ProcessRun, run_measured

TARGET_GB = 3.0


def full_run(root: Path, round_id: str) -> ProcessRun:
    """Run the whole pipeline on a round from scratch (``--force``) in a measured child."""
    command = [*anchoring_command(), "run", "--root", str(root), "--round", round_id, "--force"]
    return run_measured(command)


def memory_row(size: str, run: ProcessRun, at_target: bool) -> Result:
    """The table row of one measured full run."""
    peak = max(run.max_rss_bytes, run.tree_peak_bytes or 0) / 1e9
    notes = [f"largest process {run.max_rss_bytes / 1e9:.2f} GB"]
    if run.tree_peak_bytes is not None:
        notes.append(f"process tree {run.tree_peak_bytes / 1e9:.2f} GB")
    notes.append(f"full run took {run.seconds:.1f} s")
    if run.returncode != 0:
        notes.append(f"run FAILED (exit {run.returncode}): {run.stderr.strip()[-300:]}")
    return Result(
        comparison="5. peak memory of a full anchoring run",
        size=size,
        figure=peak,
        unit="GB",
        target=f"< {TARGET_GB:g} GB" if at_target else "",
        met=(peak < TARGET_GB and run.returncode == 0) if at_target else None,
        ours_s=run.seconds,
        reps=1,
        notes=notes,
    )
