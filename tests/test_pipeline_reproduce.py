"""Tests of anchoring.pipeline.reproduce: rerun from raw exports alone, compare byte for byte."""

from __future__ import annotations

import pytest

from _pipeline_fixtures import CURRENT, PREVIOUS, completed_rounds, copy_root
from anchoring.cli import main
from anchoring.exceptions import ReproductionError
from anchoring.paths import RoundPaths
from anchoring.pipeline import reproduce_round
from anchoring.pipeline.reproduce import IDENTICAL

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return completed_rounds(tmp_path_factory)


def test_reproduce_passes_on_the_recorded_round(root, capsys):
    assert main(["reproduce", "--root", str(root), "--round", CURRENT]) == 0
    lines = capsys.readouterr().out.splitlines()
    processed = sorted(p.name for p in RoundPaths(root, CURRENT).processed_dir.iterdir())
    assert {
        "responses.parquet",
        "exclusions.parquet",
        "quality.json",
        "estimates.parquet",
        "status.parquet",
    } <= set(processed)
    for name in processed:
        assert f"identical: data/processed/{CURRENT}/{name}" in lines
    assert any(f"previous round '{PREVIOUS}'" in line and "SHA-256" in line for line in lines)
    n = len(processed)
    assert lines[-1] == f"round '{CURRENT}' reproduced: {n} of {n} processed file(s) identical."


def test_reproduce_fails_when_a_processed_file_was_altered(root, tmp_path):
    copy = copy_root(root, tmp_path / "copy")
    estimates = RoundPaths(copy, CURRENT).estimates_file
    estimates.write_bytes(estimates.read_bytes() + b"\0")
    result = reproduce_round(copy, CURRENT, lang="nb")
    assert not result.ok
    verdicts = {v.path: v.verdict for v in result.verdicts}
    assert verdicts.pop(f"data/processed/{CURRENT}/estimates.parquet") == "differs"
    assert set(verdicts.values()) == {IDENTICAL}
    assert f"differs: data/processed/{CURRENT}/estimates.parquet" in result.verdict_lines()
    assert "NOT reproduced" in result.verdict_lines()[-1]


def test_previous_round_files_are_checked_against_its_manifest(root, tmp_path):
    copy = copy_root(root, tmp_path / "copy")
    status = RoundPaths(copy, PREVIOUS).status_file
    status.write_bytes(b"tampered")
    with pytest.raises(
        ReproductionError,
        match=f"status.parquet: differs from the SHA-256 recorded in .*{PREVIOUS}/manifest.json",
    ):
        reproduce_round(copy, CURRENT, lang="nb")


def test_round_without_recorded_outputs_cannot_be_reproduced(root, tmp_path, capsys):
    copy = copy_root(root, tmp_path / "copy")
    for path in RoundPaths(copy, CURRENT).processed_dir.iterdir():
        path.unlink()
    assert main(["reproduce", "--root", str(copy), "--round", CURRENT]) == 1
    assert "has no recorded outputs" in capsys.readouterr().err
