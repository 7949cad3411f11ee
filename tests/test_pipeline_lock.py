"""Tests of anchoring.pipeline.lock: one run per round; stale locks are taken over."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import textwrap

import pytest

from _pipeline_fixtures import write_tiny_notebooks, write_tiny_round
from anchoring.exceptions import LockError
from anchoring.paths import RoundPaths
from anchoring.pipeline import run_round
from anchoring.pipeline.lock import lock_file, pid_is_alive, read_lock_holder, round_lock

HOLD_LOCK = textwrap.dedent("""
    import sys, time
    from anchoring.paths import RoundPaths
    from anchoring.pipeline.lock import round_lock
    with round_lock(RoundPaths(sys.argv[1], sys.argv[2])):
        print("locked", flush=True)
        time.sleep(120)
""")


@pytest.fixture
def holder(tmp_path):
    """Another process holding the lock of round r1 under tmp_path."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(tmp_path), "r1"], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "locked"
    yield process
    process.kill()
    process.wait()


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_lock_is_recorded_and_removed(tmp_path):
    paths = RoundPaths(tmp_path, "r1")
    with round_lock(paths) as me:
        recorded = read_lock_holder(lock_file(paths))
        assert recorded == me
        assert me.pid == os.getpid()
    assert not lock_file(paths).exists()


def test_second_run_refused_while_a_live_process_holds_the_lock(tmp_path, holder):
    write_tiny_round(tmp_path, "r1")
    recorded = read_lock_holder(lock_file(RoundPaths(tmp_path, "r1")))
    with pytest.raises(LockError) as caught:
        run_round(tmp_path, "r1", notebooks_dir=write_tiny_notebooks(tmp_path / "notebooks"))
    message = str(caught.value)
    assert f"pid {holder.pid}" in message
    assert f"started {recorded.started_at}" in message
    assert "Wait for that run to finish" in message
    assert not (tmp_path / "data" / "processed").exists()  # nothing was written
    assert holder.poll() is None  # the holder is untouched


def test_lock_naming_a_live_pid_is_refused_even_without_flock(tmp_path):
    paths = RoundPaths(tmp_path, "r1")
    lock = lock_file(paths)
    lock.parent.mkdir(parents=True)
    record = {"pid": os.getpid(), "host": socket.gethostname(), "started_at": "2025-01-01T00:00"}
    lock.write_text(json.dumps(record))
    refused = pytest.raises(LockError, match=f"pid {os.getpid()} .*started 2025-01-01T00:00")
    with refused, round_lock(paths):
        pass
    assert lock.exists()  # a refused run leaves the holder's lock alone


def test_stale_lock_from_a_dead_process_is_taken_over_with_a_warning(tmp_path, caplog):
    paths = RoundPaths(tmp_path, "r1")
    dead = _dead_pid()
    assert not pid_is_alive(dead)
    lock = lock_file(paths)
    lock.parent.mkdir(parents=True)
    lock.write_text(
        json.dumps(
            {"pid": dead, "host": socket.gethostname(), "started_at": "2025-01-01T00:00:00+00:00"}
        )
    )
    with caplog.at_level(logging.WARNING, logger="anchoring"), round_lock(paths) as me:
        assert read_lock_holder(lock).pid == me.pid == os.getpid()
    assert f"stale lock of round 'r1' (pid {dead}" in caplog.text
    assert not lock.exists()


def test_garbled_lock_file_is_taken_over(tmp_path):
    paths = RoundPaths(tmp_path, "r1")
    lock_file(paths).parent.mkdir(parents=True)
    lock_file(paths).write_text("{not json")
    with round_lock(paths) as me:
        assert read_lock_holder(lock_file(paths)) == me
