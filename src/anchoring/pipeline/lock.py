"""One run per round at a time: a lock file beside the round's reports.

The lock is ``reports/.<round>.lock``. Its holder keeps an exclusive ``flock`` on it and writes
its pid, host and start time into it. A second run refuses with :class:`LockError` naming the
holder. A lock file left by a process that no longer runs (a crash, a power cut) is *stale*: it is
detected (no ``flock`` held and the recorded pid is not alive) and taken over with a warning.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from anchoring.exceptions import LockError
from anchoring.paths import RoundPaths

log = logging.getLogger(__name__)

_ATTEMPTS = 5


@dataclass(frozen=True)
class LockHolder:
    """Who holds (or held) a round's lock."""

    pid: int
    host: str
    started_at: str

    def describe(self) -> str:
        """``pid 123 on host x, started 2025-01-01T10:00:00+00:00``."""
        return f"pid {self.pid} on host {self.host}, started {self.started_at}"


def lock_file(paths: RoundPaths) -> Path:
    """The lock file of a round: ``reports/.<round>.lock``."""
    return paths.reports_dir.parent / f".{paths.round_id}.lock"


def pid_is_alive(pid: int) -> bool:
    """True if a process with this id exists on this host (signal 0 probe)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def read_lock_holder(path: Path) -> LockHolder | None:
    """The holder recorded in a lock file, or ``None`` if the file is missing, empty or garbled."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        return LockHolder(int(record["pid"]), str(record["host"]), str(record["started_at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


@contextmanager
def round_lock(paths: RoundPaths) -> Iterator[LockHolder]:
    """Hold the round's lock for the duration of a ``with`` block.

    Parameters
    ----------
    paths
        The round.

    Yields
    ------
    LockHolder
        This process as the holder.

    Raises
    ------
    LockError
        Another live process holds the lock; the message names its pid and start time and
        what to do.
    """
    path = lock_file(paths)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, holder = _acquire(path, paths.round_id)
    try:
        yield holder
    finally:
        _release(path, fd)


def _acquire(path: Path, round_id: str) -> tuple[int, LockHolder]:
    for _ in range(_ATTEMPTS):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise _held_error(path, round_id, read_lock_holder(path)) from None
        if not _same_file(fd, path):  # unlinked by its releasing holder meanwhile: try again
            os.close(fd)
            continue
        try:
            _check_recorded_holder(path, round_id)
            holder = _write_holder(fd)
        except BaseException:
            os.close(fd)
            raise
        return fd, holder
    raise LockError(
        f"{path}: could not take the lock of round '{round_id}' after "
        f"{_ATTEMPTS} attempts; another run is starting or ending. Try again."
    )


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False


def _check_recorded_holder(path: Path, round_id: str) -> None:
    """Refuse if the recorded holder still runs; warn when taking over a stale lock."""
    recorded = read_lock_holder(path)
    if recorded is None:
        return
    here = socket.gethostname()
    if recorded.host != here or pid_is_alive(recorded.pid):
        raise _held_error(path, round_id, recorded)
    log.warning(
        "Taking over a stale lock of round '%s' (%s): that process no longer runs.",
        round_id,
        recorded.describe(),
    )


def _held_error(path: Path, round_id: str, holder: LockHolder | None) -> LockError:
    who = holder.describe() if holder else "a process that has not yet recorded itself"
    return LockError(
        f"round '{round_id}' is being run by another process ({who}); lock file {path}. "
        "Wait for that run to finish. If no such run exists, delete the lock file and retry."
    )


def _write_holder(fd: int) -> LockHolder:
    holder = LockHolder(
        os.getpid(), socket.gethostname(), dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    )
    data = json.dumps(
        {"pid": holder.pid, "host": holder.host, "started_at": holder.started_at}
    ).encode("utf-8")
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)
    os.fsync(fd)
    return holder


def _release(path: Path, fd: int) -> None:
    # Unlink while still holding the flock: a waiter that opened the old inode notices (inode
    # check) and starts again on a fresh file.
    try:
        path.unlink(missing_ok=True)
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
