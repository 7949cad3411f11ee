"""Tests of anchoring.pipeline.manifest."""

from __future__ import annotations

import json
import logging

import pytest

from anchoring.pipeline.manifest import (
    StageRecord,
    build_manifest,
    environment_record,
    git_state,
    is_confined_path,
    manifest_problem,
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


# --- issue 19: the manifest is untrusted data --------------------------------------------------


def _valid_manifest():
    return {
        "manifest_version": 1,
        "stages": [{"name": "clean", "fingerprint": "f", "outputs": {"data/processed/r1/x": "h"}}],
        "inputs": {"raw": {"data/raw/r1/round.yaml": "h"}, "previous_round": {}},
        "outputs": {"data/processed/r1/x": "h"},
    }


def _damaged(change):
    manifest = _valid_manifest()
    change(manifest)
    return manifest


DAMAGED = {
    "stages_null": _damaged(lambda m: m.update(stages=None)),
    "stage_not_object": _damaged(lambda m: m.update(stages=["clean"])),
    "fingerprint_number": _damaged(lambda m: m["stages"][0].update(fingerprint=3)),
    "outputs_list": _damaged(lambda m: m["stages"][0].update(outputs=["a"])),
    "absolute_output": _damaged(lambda m: m["stages"][0].update(outputs={"/etc/passwd": "h"})),
    "escaping_output": _damaged(lambda m: m.update(outputs={"../../../A/s.txt": "h"})),
    "escaping_raw_input": _damaged(lambda m: m["inputs"].update(raw={"data/../../x": "h"})),
    "digest_not_text": _damaged(lambda m: m.update(outputs={"data/x": None})),
    "inputs_null": _damaged(lambda m: m.update(inputs=None)),
}


def test_a_well_formed_manifest_has_no_problem():
    assert manifest_problem(_valid_manifest()) is None


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_a_damaged_manifest_is_ignored_with_one_clear_message(name, tmp_path, caplog):
    """Defect 7: ``"stages": null`` gave a TypeError on every run; bad paths were followed."""
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(DAMAGED[name]), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="anchoring.pipeline.manifest"):
        assert read_manifest(path) is None
    assert len(caplog.records) == 1
    assert "Ignoring damaged manifest" in caplog.text and "every stage will run" in caplog.text
    assert recorded_stage(read_manifest(path), "clean") is None


@pytest.mark.parametrize(
    ("relative", "confined"),
    [
        ("data/processed/r1/a.parquet", True),
        ("/abs", False),
        ("../x", False),
        ("data/../../x", False),
        ("C:/x", False),
        ("data\\..\\x", False),
        ("", False),
        (".", False),
        (None, False),
    ],
)
def test_recorded_paths_must_stay_under_the_root(relative, confined):
    assert is_confined_path(relative) is confined
