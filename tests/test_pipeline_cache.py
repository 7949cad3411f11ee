"""Tests of anchoring.pipeline.cache: what a fingerprint covers, when outputs are reused."""

from __future__ import annotations

import json

import pytest

import anchoring.pipeline.render
from _pipeline_fixtures import (
    TINY_ANALYSE,
    fake_render_report,
    write_notebook,
    write_tiny_notebooks,
    write_tiny_round,
)
from anchoring.intake.round_config import load_round_config
from anchoring.paths import RoundPaths
from anchoring.pipeline import run_round
from anchoring.pipeline.cache import (
    collect_round_inputs,
    earlier_rounds,
    reusable_outputs,
    stage_fingerprint,
)
from anchoring.pipeline.hashing import sha256_file


def _inputs(root, round_id="r1"):
    paths = RoundPaths(root, round_id)
    return collect_round_inputs(paths, load_round_config(paths.config_file))


def test_round_inputs_cover_raw_files_instrument_frames_and_package(tmp_path):
    write_tiny_round(tmp_path)
    inputs = _inputs(tmp_path)
    assert sorted(inputs.raw) == ["data/raw/r1/kommuner.csv", "data/raw/r1/round.yaml"]
    assert list(inputs.instrument) == ["anchoring/instrument/instrument.yaml"]
    assert "anchoring/frames/kommuner-2024.csv" in inputs.frames
    assert set(inputs.package) == {"version", "source"}
    first = inputs.digest()
    (tmp_path / "data/raw/r1/kommuner.csv").write_text("Kommunenummer\n4601\n")
    assert _inputs(tmp_path).digest() != first


def test_earlier_rounds_follow_previous_round_and_stop_at_a_cycle(tmp_path):
    for round_id, previous in (("r1", "r0"), ("r0", "r-1"), ("r-1", "r1")):
        raw = write_tiny_round(tmp_path, round_id)
        text = (raw / "round.yaml").read_text() + f"previous_round: {previous}\n"
        (raw / "round.yaml").write_text(text)
    paths = RoundPaths(tmp_path, "r1")
    assert earlier_rounds(paths, load_round_config(paths.config_file)) == ["r0", "r-1"]
    (tmp_path / "data/processed/r0").mkdir(parents=True)
    (tmp_path / "data/processed/r0/estimates.parquet").write_text("e")
    previous = _inputs(tmp_path).previous
    assert sorted(previous) == [
        "data/processed/r0/estimates.parquet",
        "data/raw/r-1/round.yaml",
        "data/raw/r0/round.yaml",
    ]


@pytest.mark.parametrize("changed", ["inputs", "notebook", "parameters", "upstream"])
def test_fingerprint_changes_with_each_component(changed):
    parts = {
        "inputs": "a",
        "notebook": "b",
        "parameters": [{"lang": "nb"}],
        "upstream": {"data/processed/r/x": "c"},
    }
    base = stage_fingerprint(
        parts["inputs"], parts["notebook"], parts["parameters"], parts["upstream"]
    )
    parts[changed] = {
        "inputs": "z",
        "notebook": "z",
        "parameters": [{"lang": "en"}],
        "upstream": {},
    }[changed]
    assert (
        stage_fingerprint(
            parts["inputs"], parts["notebook"], parts["parameters"], parts["upstream"]
        )
        != base
    )


def test_recorded_outputs_are_reused_only_when_intact(tmp_path):
    out = tmp_path / "data/processed/r1/estimates.parquet"
    out.parent.mkdir(parents=True)
    out.write_text("e")
    recorded = {
        "fingerprint": "f",
        "outputs": {"data/processed/r1/estimates.parquet": sha256_file(out)},
    }
    assert reusable_outputs(recorded, "f", tmp_path) == recorded["outputs"]
    assert reusable_outputs(recorded, "g", tmp_path) is None  # inputs changed
    assert reusable_outputs(None, "f", tmp_path) is None  # no earlier run
    out.write_text("tampered")
    assert reusable_outputs(recorded, "f", tmp_path) is None
    out.unlink()
    assert reusable_outputs(recorded, "f", tmp_path) is None


@pytest.mark.slow
def test_a_changed_notebook_reruns_its_stage_and_identical_outputs_spare_the_next(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(
        anchoring.pipeline.render, "render_report", fake_render_report, raising=False
    )
    notebooks = write_tiny_notebooks(tmp_path / "notebooks")
    write_tiny_round(tmp_path)
    first = run_round(tmp_path, "r1", lang="nb", notebooks_dir=notebooks)
    assert first.skipped_stages == []
    # the same computation, written differently: the analyse stage reruns, its outputs are
    # byte-identical, so the report stage (whose inputs are those outputs) is skipped
    write_notebook(notebooks / "02_analyse.ipynb", TINY_ANALYSE + "# reworded\n")
    second = run_round(tmp_path, "r1", lang="nb", notebooks_dir=notebooks)
    assert second.skipped_stages == ["clean", "report"]
    # a new report language reruns the report stage only
    third = run_round(tmp_path, "r1", lang="both", notebooks_dir=notebooks)
    assert third.skipped_stages == ["clean", "analyse"]
    assert [p.name for p in third.report_paths] == ["rapport.nb.html", "report.en.html"]
    assert all(p.is_file() for p in third.report_paths)


# --- issue 19: a tampered manifest.json reruns the stage as if uncached -----------------------


def _tamper(manifest_file, change):
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    change(manifest)
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")


def _outside_output(tmp_path):
    """``../../../A/s.txt`` from the project root, recorded with its true SHA-256."""
    outside = tmp_path / "A" / "s.txt"
    outside.parent.mkdir()
    outside.write_text("secret")
    return "../../../A/s.txt", sha256_file(outside)


@pytest.mark.slow
@pytest.mark.parametrize("tampering", ["stages_null", "absolute_output", "escaping_output"])
def test_a_tampered_manifest_reruns_every_stage_and_is_replaced(
    tampering, tmp_path, monkeypatch, caplog
):
    monkeypatch.setattr(
        anchoring.pipeline.render, "render_report", fake_render_report, raising=False
    )
    root = tmp_path / "a" / "b" / "c"
    notebooks = write_tiny_notebooks(tmp_path / "notebooks")
    write_tiny_round(root)
    run_round(root, "r1", lang="nb", notebooks_dir=notebooks)
    paths = RoundPaths(root, "r1")
    relative, digest = _outside_output(tmp_path)
    estimates = str(paths.estimates_file)
    changes = {
        "stages_null": lambda m: m.update(stages=None),
        "absolute_output": lambda m: m["stages"][1]["outputs"].update({estimates: "x"}),
        "escaping_output": lambda m: m["stages"][0]["outputs"].update({relative: digest}),
    }
    _tamper(paths.manifest_file, changes[tampering])
    with caplog.at_level("WARNING", logger="anchoring.pipeline.manifest"):
        again = run_round(root, "r1", lang="nb", notebooks_dir=notebooks)
    assert again.skipped_stages == []
    assert caplog.text.count("Ignoring damaged manifest") == 1
    written = paths.manifest_file.read_text(encoding="utf-8")
    assert "s.txt" not in written and estimates not in written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["A", "a", "notebooks"]
    assert sorted(p.name for p in (tmp_path / "A").iterdir()) == ["s.txt"]


def test_recorded_outputs_outside_the_root_are_never_reused(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    relative, digest = _outside_output(tmp_path)
    recorded = {"fingerprint": "f", "outputs": {"../A/s.txt": digest}}
    assert reusable_outputs(recorded, "f", root) is None
    (root / "link.txt").symlink_to(tmp_path / "A" / "s.txt")
    recorded = {"fingerprint": "f", "outputs": {"link.txt": digest}}
    assert reusable_outputs(recorded, "f", root) is None
    assert relative.startswith("../")
