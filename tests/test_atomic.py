"""Atomic promotion of a stage's staged outputs."""

import pytest

from anchoring.atomic import promote_directory, staged_directory


def test_new_target_appears_whole(tmp_path):
    target = tmp_path / "processed" / "r1"
    with staged_directory(target) as staging:
        (staging / "a.parquet").write_bytes(b"a")
        (staging / "b.json").write_text("{}")
        assert not target.exists()
    assert sorted(p.name for p in target.iterdir()) == ["a.parquet", "b.json"]
    assert [p.name for p in target.parent.iterdir()] == ["r1"]


def test_existing_target_files_replaced_others_kept(tmp_path):
    target = tmp_path / "r1"
    target.mkdir()
    (target / "a.parquet").write_bytes(b"old")
    (target / "estimates.parquet").write_bytes(b"later stage")
    with staged_directory(target) as staging:
        (staging / "a.parquet").write_bytes(b"new")
    assert (target / "a.parquet").read_bytes() == b"new"
    assert (target / "estimates.parquet").read_bytes() == b"later stage"
    assert [p.name for p in tmp_path.iterdir()] == ["r1"]


def test_failure_leaves_target_untouched_and_no_staging(tmp_path):
    target = tmp_path / "r1"
    target.mkdir()
    (target / "a.parquet").write_bytes(b"old")
    with pytest.raises(RuntimeError), staged_directory(target) as staging:
        (staging / "a.parquet").write_bytes(b"half")
        raise RuntimeError("stage failed")
    assert (target / "a.parquet").read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["r1"]


def test_sub_folders_are_refused(tmp_path):
    staging = tmp_path / "staging"
    (staging / "sub").mkdir(parents=True)
    with pytest.raises(Exception, match="sub-folders"):
        promote_directory(staging, tmp_path / "target")
