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


# --- issue 19: inputs checked first; the temporary root removed on SIGTERM ----------------------


@pytest.fixture()
def tiny_recorded(tmp_path, monkeypatch):
    """A tiny round run once with the stand-in notebooks; returns (root, notebooks)."""
    import anchoring.pipeline.render
    from _pipeline_fixtures import fake_render_report, write_tiny_notebooks, write_tiny_round
    from anchoring.pipeline import run_round

    monkeypatch.setattr(
        anchoring.pipeline.render, "render_report", fake_render_report, raising=False
    )
    notebooks = write_tiny_notebooks(tmp_path / "notebooks")
    root = tmp_path / "root"
    write_tiny_round(root)
    run_round(root, "r1", lang="nb", notebooks_dir=notebooks)
    return root, notebooks


def test_an_export_changed_after_the_run_is_not_reproduced(tiny_recorded, monkeypatch):
    """An export changed after the run (an ``Email`` column added) still said "reproduced"."""
    import anchoring.pipeline.reproduce as reproduce

    root, notebooks = tiny_recorded
    export = RoundPaths(root, "r1").raw_dir / "kommuner.csv"
    export.write_text("Kommunenummer,Email\n0301,x\n", encoding="utf-8")
    monkeypatch.setattr(reproduce, "run_round", lambda *a, **k: pytest.fail("rerun anyway"))
    result = reproduce_round(root, "r1", lang="nb", notebooks_dir=notebooks)
    assert not result.ok
    lines = result.verdict_lines()
    assert "input differs: data/raw/r1/kommuner.csv" in lines
    assert "NOT reproduced" in lines[-1] and "raw input" in lines[-1]


def test_sigterm_during_reproduce_removes_the_temporary_root(tiny_recorded, monkeypatch):
    """SIGTERM left anchoring-reproduce-* behind with a full copy of the raw exports."""
    import os
    import signal

    import anchoring.pipeline.reproduce as reproduce
    from anchoring.pipeline.lock import lock_file

    root, notebooks = tiny_recorded
    seen = []

    def terminated_rerun(rerun_root, *args, **kwargs):
        seen.append(rerun_root)
        assert (rerun_root / "data" / "raw" / "r1" / "kommuner.csv").is_file()
        os.kill(os.getpid(), signal.SIGTERM)
        pytest.fail("SIGTERM did not stop the rerun")

    monkeypatch.setattr(reproduce, "run_round", terminated_rerun)
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt):
        reproduce_round(root, "r1", lang="nb", notebooks_dir=notebooks)
    assert seen and seen[0].name.startswith("anchoring-reproduce-r1-")
    assert not seen[0].exists()
    assert signal.getsignal(signal.SIGTERM) is before
    assert not lock_file(RoundPaths(root, "r1")).exists()
