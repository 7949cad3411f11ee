"""Tests of anchoring.pipeline.manifest."""

from __future__ import annotations

from anchoring.pipeline.manifest import (
    StageRecord,
    build_manifest,
    environment_record,
    git_state,
    read_manifest,
    recorded_stage,
    write_manifest,
)


def test_git_state_is_unknown_outside_a_checkout(tmp_path):
    assert git_state(tmp_path) == {"commit": "unknown", "dirty": "unknown"}


def test_environment_names_python_and_key_packages():
    record = environment_record()
    assert record["python"].count(".") == 2
    assert {"pandas", "pyarrow", "papermill", "nbconvert"} <= set(record["packages"])


def test_manifest_round_trip_and_stage_lookup(tmp_path):
    stage = StageRecord(
        "clean",
        ["01_clean.ipynb"],
        "f" * 64,
        False,
        1.23456,
        {"data/processed/r/b": "2", "data/processed/r/a": "1"},
    )
    manifest = build_manifest(
        round_id="r",
        started_at="s",
        finished_at="e",
        parameters={"lang": ["nb"]},
        inputs={"raw": {}},
        inputs_digest="d" * 64,
        stages=[stage],
        notebook_templates={"01_clean.ipynb": "9"},
        outputs={"z": "1", "a": "2"},
    )
    path = tmp_path / "manifest.json"
    write_manifest(manifest, path)
    again = read_manifest(path)
    assert again == manifest
    assert list(again["outputs"]) == ["a", "z"]
    assert recorded_stage(again, "clean")["seconds"] == 1.235
    assert recorded_stage(again, "report") is None
    assert again["skipped_stages"] == []
    assert again["inputs_digest"] == "d" * 64


def test_unreadable_or_foreign_manifest_means_no_cache(tmp_path):
    path = tmp_path / "manifest.json"
    assert read_manifest(path) is None
    path.write_text("{broken")
    assert read_manifest(path) is None
    path.write_text('{"manifest_version": 999}')
    assert read_manifest(path) is None
