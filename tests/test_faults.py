"""Fault injection against ``anchoring run``: kills, a full disk, an unwritable folder, a hang.

Every test starts from a private copy of the round that ``test_disclosure.completed_round`` ran
once per session, so the round has previous outputs to protect. The command runs in a subprocess
(its own session, so SIGKILL reaches the notebook kernel too).

- **Kill during each stage** (``clean``, ``analyse``, ``report``): a forced run is SIGKILLed
  while the stage's notebook executes. The previous outputs stay byte-identical and readable, a
  second run meanwhile is refused with a clear lock message while the first is alive, the stale
  lock of the dead run is detected, and the next run completes normally.
- **Kill during promotion**: the state a kill between the two renames leaves (live folder moved
  to its trash name) is recreated; the next run restores the old outputs and completes.
- **Disk full**: the run's file-size limit (``RLIMIT_FSIZE``, the kernel inherits it) is set to
  48 KiB with ``SIGXFSZ`` ignored, so large writes fail with ``EFBIG`` as on a full disk. (A
  tiny tmpfs would need ``mount`` privileges that CI does not have; ``chmod`` does not stop root.)
- **Unwritable output folder**: a file named ``reports`` where the folder should be.
- **Hanging notebook**: a copy of the notebooks whose clean notebook sleeps; ``run_round`` with
  ``timeout_s=20`` must stop it with a clear message.

In every failure: exit status 1, one message, no traceback, previous outputs unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from anchoring.exceptions import PipelineError
from anchoring.paths import RoundPaths, notebooks_dir
from reliability_report import record
from test_disclosure import ANCHORING, LANG, ROUND_ID, copy_of_completed_round, run_cli

STAGE_WAIT_S = 600.0


def live_digest(root: Path) -> dict[str, str]:
    """SHA-256 of every file in the round's live output folders."""
    paths = RoundPaths(root, ROUND_ID)
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in (paths.processed_dir, paths.reports_dir)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def assert_outputs_readable(root: Path) -> None:
    """The live outputs parse: Parquet tables, the manifest, the report."""
    paths = RoundPaths(root, ROUND_ID)
    for name in ("responses", "exclusions", "estimates", "status"):
        assert len(pd.read_parquet(paths.processed_dir / f"{name}.parquet")) > 0
    manifest = json.loads(paths.manifest_file.read_text("utf-8"))
    assert manifest["round_id"] == ROUND_ID
    assert (paths.reports_dir / "rapport.nb.html").stat().st_size > 1000


def start_run(root: Path, *extra: str, **kwargs: object) -> subprocess.Popen:
    """Start ``anchoring run`` in its own session (so the kernel can be killed with it)."""
    return subprocess.Popen(
        [*ANCHORING, "run", "--root", str(root), "--round", ROUND_ID, "--lang", LANG, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **kwargs,
    )


def wait_for_stage(root: Path, process: subprocess.Popen, stage: str) -> None:
    """Wait until the run's log says the stage's notebook is running (its kernel started)."""
    log = root / ".anchoring-staging" / f"{ROUND_ID}-{process.pid}" / "reports" / ROUND_ID
    deadline = time.monotonic() + STAGE_WAIT_S
    marker = f"Stage {stage}: running"
    seen_at = None
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the run ended before stage {stage} was killed"
        text = (log / "run.log").read_text("utf-8") if (log / "run.log").is_file() else ""
        if marker in text:
            seen_at = seen_at or time.monotonic()
            # kill once the stage's kernel has logged, or 3 s into the stage
            if "[kernel" in text.split(marker, 1)[1] or time.monotonic() - seen_at > 3:
                return
        time.sleep(0.2)
    raise AssertionError(f"stage {stage} did not start within {STAGE_WAIT_S} s")


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL the run and everything in its session (kernel included)."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)


@pytest.fixture(scope="module")
def fault_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_of_completed_round(tmp_path_factory, "faults")


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["clean", "analyse", "report"])
def test_kill_during_stage_keeps_previous_outputs(fault_root: Path, stage: str) -> None:
    before = live_digest(fault_root)
    process = start_run(fault_root, "--force")
    wait_for_stage(fault_root, process, stage)
    second = run_cli("run", "--root", str(fault_root), "--round", ROUND_ID, "--lang", LANG)
    kill_group(process)
    after = live_digest(fault_root)
    record(
        "fault",
        {
            "fault": f"SIGKILL during stage {stage}",
            "outputs_intact": after == before,
            "second_run_exit": second.returncode,
        },
    )
    assert second.returncode == 1 and "being run by another process" in second.stderr
    assert "Traceback" not in second.stderr
    assert after == before
    assert_outputs_readable(fault_root)


@pytest.mark.slow
def test_next_run_after_kills_completes(fault_root: Path) -> None:
    """After the three kills (stale lock left by the last), a run completes normally."""
    lock = fault_root / "reports" / f".{ROUND_ID}.lock"
    stale = lock.is_file()
    done = run_cli("run", "--root", str(fault_root), "--round", ROUND_ID, "--lang", LANG)
    record(
        "fault",
        {"fault": "next run after the kills", "stale_lock_found": stale, "exit": done.returncode},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert not lock.exists()
    assert_outputs_readable(fault_root)


@pytest.mark.slow
def test_kill_during_promotion_is_repaired(tmp_path_factory: pytest.TempPathFactory) -> None:
    root = copy_of_completed_round(tmp_path_factory, "promotion")
    before = live_digest(root)
    paths = RoundPaths(root, ROUND_ID)
    # The state a SIGKILL between the two renames of the swap leaves: live moved to its trash.
    os.replace(paths.processed_dir, paths.processed_dir.with_name(f".trash-{ROUND_ID}-999999"))
    done = run_cli("run", "--root", str(root), "--round", ROUND_ID, "--lang", LANG)
    # What the interrupted promotion endangered is the processed data; the run's own records
    # (manifest, log, executed notebooks with their timings) are legitimately new.
    before = {k: v for k, v in before.items() if k.startswith("data/processed/")}
    after = {k: v for k, v in live_digest(root).items() if k in before}
    record(
        "fault",
        {
            "fault": "SIGKILL during promotion (simulated)",
            "exit": done.returncode,
            "outputs_intact": after == before,
        },
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert after == before
    assert_outputs_readable(root)


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (48 * 1024, 48 * 1024))


def _assert_clean_failure(
    done: subprocess.CompletedProcess | subprocess.Popen, stderr: str
) -> None:
    assert done.returncode == 1, stderr[-2000:]
    assert "Traceback" not in stderr, stderr[-3000:]
    assert stderr.count("error:") == 1, stderr[-3000:]


@pytest.mark.slow
def test_disk_full_fails_cleanly(tmp_path_factory: pytest.TempPathFactory) -> None:
    root = copy_of_completed_round(tmp_path_factory, "diskfull")
    before = live_digest(root)
    process = start_run(root, "--force", preexec_fn=_limit_file_size)
    _out, err = process.communicate(timeout=900)
    record(
        "fault",
        {
            "fault": "disk full (RLIMIT_FSIZE 48 KiB)",
            "exit": process.returncode,
            "outputs_intact": live_digest(root) == before,
            "message": err.strip().splitlines()[-1:],
        },
    )
    assert live_digest(root) == before
    _assert_clean_failure(process, err)


@pytest.mark.slow
def test_unwritable_reports_folder_fails_cleanly(tmp_path_factory: pytest.TempPathFactory) -> None:
    root = copy_of_completed_round(tmp_path_factory, "unwritable")
    shutil.rmtree(root / "reports")
    (root / "reports").write_text("not a folder", encoding="utf-8")
    before = live_digest(root)
    done = run_cli("run", "--root", str(root), "--round", ROUND_ID, "--lang", LANG)
    record(
        "fault",
        {
            "fault": "'reports' is a file",
            "exit": done.returncode,
            "message": done.stderr.strip().splitlines()[-1:],
        },
    )
    _assert_clean_failure(done, done.stderr)
    assert "reports" in done.stderr
    assert live_digest(root) == before


def _hanging_notebooks(folder: Path) -> Path:
    shutil.copytree(notebooks_dir(), folder)
    path = folder / "01_clean.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.insert(1, nbformat.v4.new_code_cell("import time\ntime.sleep(3600)"))
    nbformat.write(notebook, path)
    return folder


@pytest.mark.slow
def test_hanging_notebook_is_stopped(tmp_path_factory: pytest.TempPathFactory) -> None:
    from anchoring.pipeline import run_round

    root = copy_of_completed_round(tmp_path_factory, "hang")
    before = live_digest(root)
    notebooks = _hanging_notebooks(tmp_path_factory.mktemp("nb") / "notebooks")
    started = time.monotonic()
    with pytest.raises(PipelineError) as caught:
        run_round(root, ROUND_ID, lang="nb", force=True, notebooks_dir=notebooks, timeout_s=20)
    seconds = time.monotonic() - started
    record(
        "fault",
        {
            "fault": "hanging notebook (timeout 20 s)",
            "seconds": round(seconds),
            "message": str(caught.value)[:200],
        },
    )
    assert "limit of 20 s" in str(caught.value)
    assert seconds < 120
    assert live_digest(root) == before
