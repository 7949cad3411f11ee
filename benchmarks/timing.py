"""Timing and peak-memory measurement: medians of repetitions and measured subprocesses.

Wall-clock times use :func:`time.perf_counter`. A subprocess's peak resident set is read from
``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` (the largest single descendant that was
waited for) and, when ``psutil`` is importable, from polling the whole process tree every
50 ms (the sum over processes alive at the same moment, e.g. papermill plus its kernel).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Timing:
    """The repetitions of one timed operation, in seconds."""

    seconds: tuple[float, ...]
    cpu_seconds: tuple[float, ...] = ()

    @property
    def cpu_median(self) -> float:
        """Median CPU time of this process per repetition (NaN if not recorded)."""
        return statistics.median(self.cpu_seconds) if self.cpu_seconds else float("nan")

    @property
    def median(self) -> float:
        """Median of the repetitions."""
        return statistics.median(self.seconds)

    @property
    def reps(self) -> int:
        """Number of repetitions."""
        return len(self.seconds)


def time_call(function: Callable[[], Any], reps: int, warmup: int = 1) -> tuple[Timing, Any]:
    """Call ``function`` ``warmup`` times untimed, then ``reps`` times timed.

    Returns the timings and the result of the last call (so that callers can check it).
    """
    result = None
    for _ in range(warmup):
        result = function()
    seconds, cpu = [], []
    for _ in range(reps):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = function()
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return Timing(tuple(seconds), tuple(cpu)), result


def time_interleaved(
    functions: dict[str, Callable[[], Any]], reps: int, warmup: int = 1
) -> tuple[dict[str, Timing], dict[str, Any]]:
    """Time several functions on the same data in alternating order (A B C A B C ...).

    Interleaving spreads any drift of the machine (turbo, caches, other load) evenly over the
    contenders, so their ratio is fairer than timing one block after another.
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
class ProcessRun:
    """One measured subprocess: wall time, CPU time of all its processes, peak memory, output."""

    seconds: float
    cpu_seconds: float
    max_rss_bytes: int
    tree_peak_bytes: int | None
    returncode: int
    stdout: str
    stderr: str


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            continue
    return total


def _poll_tree(pid: int, stop: threading.Event, peak: list[int]) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], _tree_rss(pid))
        stop.wait(0.05)


def run_measured(
    command: Sequence[str | os.PathLike[str]],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 3600,
) -> ProcessRun:
    """Run a command in a fresh child process and measure its wall time and peak memory.

    ``ru_maxrss`` of ``RUSAGE_CHILDREN`` is a high-water mark over all children ever waited
    for, so the command is run from a short-lived Python wrapper whose own children are only
    this command: the wrapper reports the command's figure, not an earlier child's.
    """
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "rc = subprocess.call(sys.argv[1:])\n"
        "t = time.perf_counter() - t\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "sys.stderr.write(f'\\n__bench__ {t!r} {u.ru_maxrss} {u.ru_utime + u.ru_stime!r}\\n')\n"
        "sys.exit(rc)\n"
    )
    full_env = {**os.environ, **(env or {})}
    process = subprocess.Popen(
        [sys.executable, "-c", wrapper, *map(str, command)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=full_env,
        cwd=cwd,
    )
    peak = [0]
    stop = threading.Event()
    poller = None
    try:
        import psutil  # noqa: F401

        poller = threading.Thread(target=_poll_tree, args=(process.pid, stop, peak), daemon=True)
        poller.start()
    except ImportError:
        pass
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    finally:
        stop.set()
        if poller is not None:
            poller.join()
    seconds, max_rss_kib, cpu_seconds = _parse_wrapper_line(stderr)
    return ProcessRun(
        seconds=seconds,
        cpu_seconds=cpu_seconds,
        max_rss_bytes=max_rss_kib * 1024,
        tree_peak_bytes=peak[0] if poller is not None else None,
        returncode=process.returncode,
        stdout=stdout,
        stderr=stderr,
    )


def _parse_wrapper_line(stderr: str) -> tuple[float, int, float]:
    for line in reversed(stderr.splitlines()):
        if line.startswith("__bench__ "):
            _, seconds, rss, cpu = line.split()
            return float(seconds), int(rss), float(cpu)
    return float("nan"), 0, float("nan")


def self_max_rss_bytes() -> int:
    """Peak resident set of this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
