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
