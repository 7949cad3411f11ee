"""Timing: medians of repetitions in this process, and commands timed as a user runs them.

Wall-clock times use :func:`time.perf_counter`. Contenders on the same data are timed
interleaved (A B A B …) so that drift of the machine (other load, turbo, caches) hits them
alike and their ratio stays fair. A command's CPU time is the growth of
``resource.getrusage(RUSAGE_CHILDREN)`` over its run: every process of the command that was
waited for (the ``anchoring`` process and its Jupyter kernels).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Timing:
    """The repetitions of one timed operation, in seconds."""

    seconds: tuple[float, ...]

    @property
    def median(self) -> float:
        """Median of the repetitions."""
        return statistics.median(self.seconds)

    @property
    def reps(self) -> int:
        """Number of repetitions."""
        return len(self.seconds)


def time_interleaved(
    functions: dict[str, Callable[[], Any]], reps: int, warmup: int = 1
) -> tuple[dict[str, Timing], dict[str, Any]]:
    """Call each function ``warmup`` times untimed, then ``reps`` times timed, in turn.

    Returns the timings by name and each function's last result (so callers can check it).
    """
    results: dict[str, Any] = {}
    for _ in range(warmup):
        for name, function in functions.items():
            results[name] = function()
    seconds: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(reps):
        for name, function in functions.items():
            start = time.perf_counter()
            results[name] = function()
            seconds[name].append(time.perf_counter() - start)
    return {name: Timing(tuple(s)) for name, s in seconds.items()}, results


@dataclass(frozen=True)
class CommandRun:
    """One timed command: wall time, CPU time of its processes, exit status, error output."""

    seconds: float
    cpu_seconds: float
    returncode: int
    stderr: str


def run_command(
    command: Sequence[str | os.PathLike[str]],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 3600,
) -> CommandRun:
    """Run ``command`` in a fresh child process, as a user would, and time it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=timeout,
        check=False,
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return CommandRun(seconds, cpu, done.returncode, done.stderr)


def checked(run: CommandRun, what: str) -> CommandRun:
    """``run``, or a RuntimeError with the end of its error output if it failed."""
    if run.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {run.returncode}):\n{run.stderr[-2000:]}")
    return run
