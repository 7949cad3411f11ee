"""Tests of anchoring.pipeline.staging: staging root, promotion, failed runs, crash recovery."""

from __future__ import annotations

import os

from _pipeline_fixtures import tree_digest, write_tiny_round
from anchoring.paths import RoundPaths
from anchoring.pipeline.staging import (
    STAGING_DIR,
    Staging,
    failed_run_dir,
    recover_interrupted_promotion,
)


def _live_round(tmp_path):
    write_tiny_round(tmp_path, "r0")
    write_tiny_round(tmp_path, "r1")
    live = RoundPaths(tmp_path, "r1")
    live.processed_dir.mkdir(parents=True)
    (live.processed_dir / "estimates.parquet").write_text("old")
    live.reports_dir.mkdir(parents=True)
    (live.reports_dir / "manifest.json").write_text("{}")
    earlier = RoundPaths(tmp_path, "r0")
    earlier.processed_dir.mkdir(parents=True)
    (earlier.processed_dir / "estimates.parquet").write_text("r0")
    return live


def test_staging_mirrors_raw_and_earlier_rounds_with_hard_links(tmp_path):
    live = _live_round(tmp_path)
    abandoned = tmp_path / STAGING_DIR / "r1-99999999"  # left by a crashed run
    other_round = tmp_path / STAGING_DIR / "r1-2-99999999"  # a run of round 'r1-2'
    abandoned.mkdir(parents=True)
    other_round.mkdir()
    staging = Staging.create(live, ["r0"])
    assert not abandoned.exists() and other_round.exists()
    other_round.rmdir()
    staged_export = staging.staged.raw_dir / "kommuner.csv"
    assert staging.root == tmp_path / STAGING_DIR / f"r1-{os.getpid()}"
    assert os.path.samefile(staged_export, live.raw_dir / "kommuner.csv")
    assert (staging.root / "data/processed/r0/estimates.parquet").read_text() == "r0"
    assert list(staging.staged.processed_dir.iterdir()) == []
    staging.discard()
    assert not (tmp_path / STAGING_DIR).exists()


def test_promotion_replaces_both_folders_and_removes_staging(tmp_path):
    live = _live_round(tmp_path)
    staging = Staging.create(live, [])
    (staging.staged.processed_dir / "estimates.parquet").write_text("new")
    (staging.staged.reports_dir / "manifest.json").write_text('{"new": 1}')
    before = staging.snapshot()
    (staging.staged.processed_dir / "status.parquet").write_text("s")
    assert staging.changed_since(before) == ["data/processed/r1/status.parquet"]
    staging.promote()
    assert (live.processed_dir / "estimates.parquet").read_text() == "new"
    assert (live.reports_dir / "manifest.json").read_text() == '{"new": 1}'
    assert sorted(p.name for p in live.processed_dir.parent.iterdir()) == ["r0", "r1"]
    assert not (tmp_path / STAGING_DIR).exists()
    assert (live.raw_dir / "kommuner.csv").is_file()  # raw untouched


def test_failed_run_keeps_its_reports_aside_and_live_outputs_untouched(tmp_path):
    live = _live_round(tmp_path)
    before = tree_digest(tmp_path / "data") | tree_digest(tmp_path / "reports")
    staging = Staging.create(live, [])
    (staging.staged.processed_dir / "estimates.parquet").write_text("half")
    (staging.staged.reports_dir / "run.log").write_text("log")
    kept = staging.keep_failed()
    assert kept == failed_run_dir(live)
    assert (kept / "run.log").read_text() == "log"
    assert tree_digest(tmp_path / "data") | tree_digest(tmp_path / "reports") == before


def test_recovery_restores_a_folder_moved_aside_by_an_interrupted_promotion(tmp_path):
    live = _live_round(tmp_path)
    trash = live.processed_dir.with_name(f".trash-r1-{99999}")
    os.replace(live.processed_dir, trash)  # the crash came between the two renames
    other = live.processed_dir.with_name(".trash-r1-x-123")  # round 'r1-x': not ours
    other.mkdir()
    recover_interrupted_promotion(live)
    assert (live.processed_dir / "estimates.parquet").read_text() == "old"
    assert not trash.exists() and other.exists()
    leftover = live.reports_dir.with_name(".trash-r1-4")
    leftover.mkdir()
    recover_interrupted_promotion(live)
    assert not leftover.exists()


# --- issue 19: promotion of data/processed and reports is all or nothing ----------------------


def _staged_new_outputs(tmp_path):
    live = _live_round(tmp_path)
    staging = Staging.create(live, [])
    (staging.staged.processed_dir / "estimates.parquet").write_text("new")
    (staging.staged.reports_dir / "manifest.json").write_text('{"new": 1}')
    return live, staging


def _refuse_renames(monkeypatch, refused):
    """Make ``os.replace`` in staging fail for the (source, destination) pairs ``refused`` says."""
    import anchoring.pipeline.staging as staging_module

    real = os.replace

    def replace(source, destination):
        if refused(os.fspath(source), os.fspath(destination)):
            raise PermissionError(1, "Operation not permitted", os.fspath(destination))
        return real(source, destination)

    monkeypatch.setattr(staging_module.os, "replace", replace)


def _from_staging_to(live_dir):
    """New outputs moved from the staging root into ``live_dir`` (an immutable folder)."""
    return lambda source, destination: destination == os.fspath(live_dir) and STAGING_DIR in source


def test_a_failed_reports_swap_rolls_back_the_processed_swap(tmp_path, monkeypatch):
    """Defect 6: new processed files stayed beside the old reports; staging was left behind."""
    import pytest

    from anchoring.exceptions import PipelineError

    live, staging = _staged_new_outputs(tmp_path)
    before = tree_digest(tmp_path / "data") | tree_digest(tmp_path / "reports")
    _refuse_renames(monkeypatch, _from_staging_to(live.reports_dir))
    with pytest.raises(PipelineError) as caught:
        staging.promote()
    message = str(caught.value)
    assert tree_digest(tmp_path / "data") | tree_digest(tmp_path / "reports") == before
    assert "was rolled back" in message and "hold the previous outputs, unchanged" in message
    assert str(failed_run_dir(live)) in message
    assert sorted(p.name for p in (tmp_path / STAGING_DIR).iterdir()) == ["r1.failed"]
    assert (failed_run_dir(live) / "manifest.json").read_text() == '{"new": 1}'
    assert not [p for p in live.processed_dir.parent.iterdir() if p.name.startswith(".trash")]


def test_a_failed_rollback_says_which_folder_holds_what(tmp_path, monkeypatch):
    import pytest

    from anchoring.exceptions import PipelineError

    live, staging = _staged_new_outputs(tmp_path)
    reports_swap = _from_staging_to(live.reports_dir)

    def reports_swap_and_rollback(source, destination):
        rollback = source == os.fspath(live.processed_dir) and STAGING_DIR in destination
        return reports_swap(source, destination) or rollback

    _refuse_renames(monkeypatch, reports_swap_and_rollback)
    with pytest.raises(PipelineError, match="holds the NEW outputs while") as caught:
        staging.promote()
    assert (live.processed_dir / "estimates.parquet").read_text() == "new"
    assert (live.reports_dir / "manifest.json").read_text() == "{}"
    assert "reruns every stage" in str(caught.value)
    assert sorted(p.name for p in (tmp_path / STAGING_DIR).iterdir()) == ["r1.failed"]


def test_a_failed_processed_swap_changes_nothing(tmp_path, monkeypatch):
    import pytest

    from anchoring.exceptions import PipelineError

    live, staging = _staged_new_outputs(tmp_path)
    before = tree_digest(tmp_path / "data") | tree_digest(tmp_path / "reports")
    _refuse_renames(monkeypatch, _from_staging_to(live.processed_dir))
    with pytest.raises(PipelineError, match="hold the previous outputs, unchanged"):
        staging.promote()
    assert tree_digest(tmp_path / "data") | tree_digest(tmp_path / "reports") == before
    assert sorted(p.name for p in (tmp_path / STAGING_DIR).iterdir()) == ["r1.failed"]


def test_the_kept_failed_run_shows_no_personal_data(tmp_path):
    """A failing cell's error quoting a raw cell reached the executed notebook under .failed/."""
    import json

    import nbformat

    live = _live_round(tmp_path)
    staging = Staging.create(live, [])
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("clean_round(root, round_id)")
    cell.outputs = [
        nbformat.v4.new_output(
            "error",
            ename="KeyError",
            evalue="'kari@example.no'",
            traceback=["KeyError: organisation 01019012345 / 912 34 567"],
        ),
        nbformat.v4.new_output("stream", name="stderr", text="role kari@example.no\n"),
    ]
    notebook.cells = [cell]
    executed = staging.staged.reports_dir / "notebooks" / "01_clean.ipynb"
    executed.parent.mkdir(parents=True)
    nbformat.write(notebook, executed)
    (staging.staged.reports_dir / "run.log").write_text("unknown org 01019012345\n")
    kept = staging.keep_failed()
    text = (kept / "notebooks" / "01_clean.ipynb").read_text(encoding="utf-8")
    text += (kept / "run.log").read_text(encoding="utf-8")
    for personal in ("kari@example.no", "01019012345", "912 34 567"):
        assert personal not in text
    assert "[e-post]" in text and "[fødselsnummer]" in text and "[telefon]" in text
    nbformat.validate(nbformat.reads(json.dumps(json.loads(text.split("unknown org")[0])), 4))
