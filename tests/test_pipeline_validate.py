"""Tests of anchoring.intake.validate: every problem of a round at once, nothing written."""

from __future__ import annotations

import csv
import shutil

import pytest
import yaml

from _pipeline_fixtures import SIM_SCALE, tree_digest
from anchoring.cli import main
from anchoring.intake.round_config import load_round_config
from anchoring.intake.validate import validate_round
from anchoring.paths import RoundPaths
from anchoring.simulate import simulate_round


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    root = tmp_path_factory.mktemp("validate")
    simulate_round(root, "v1", seed=5, scale=SIM_SCALE)
    return root


def _csv_source(root):
    paths = RoundPaths(root, "v1")
    source = next(
        s for s in load_round_config(paths.config_file).sources if s.file.endswith(".csv")
    )
    return paths.raw_dir / source.file, source


def _edit_csv(path, delimiter, edit):
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream, delimiter=delimiter))
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, delimiter=delimiter, quoting=csv.QUOTE_ALL).writerows(rows)


def test_simulated_round_is_valid_and_nothing_is_written(simulated, capsys):
    before = tree_digest(simulated)
    assert validate_round(simulated, "v1") == []
    assert main(["validate", "--root", str(simulated), "--round", "v1"]) == 0
    assert "Round 'v1' is valid." in capsys.readouterr().out
    assert tree_digest(simulated) == before
    assert sorted(p.name for p in simulated.iterdir()) == ["data"]
    assert sorted(p.name for p in (simulated / "data").iterdir()) == ["raw"]


def test_every_problem_is_listed_at_once(simulated, tmp_path, capsys):
    root = tmp_path / "copy"
    shutil.copytree(simulated, root)
    export, source = _csv_source(root)
    item_column = next(c for f, c in source.columns.items() if "__" in f)
    org_column = source.columns["org_id"]

    def plant(rows):
        header = rows[0]
        rows[-1][header.index(item_column)] = "7"  # an answer code no label has
        rows[-2][header.index(org_column)] = "9999"  # no such municipality

    _edit_csv(export, source.delimiter or ";", plant)
    config_file = RoundPaths(root, "v1").config_file
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config["measures"] = ["pll", "no_such_measure"]
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    before = tree_digest(root)
    problems = validate_round(root, "v1")
    text = "\n".join(problems)
    assert "'no_such_measure' is not a measure of the instrument" in text
    assert "value '7'" in text and export.name in text
    assert "'9999'" in text and "municipality frame" in text
    assert len(problems) == 3
    assert main(["validate", "--root", str(root), "--round", "v1"]) == 1
    assert "3 problem(s) in round 'v1'." in capsys.readouterr().out
    assert tree_digest(root) == before


def test_unreadable_export_and_missing_config_are_reported(simulated, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(simulated, root)
    export, _source = _csv_source(root)
    export.unlink()
    problems = validate_round(root, "v1")
    assert len(problems) == 1 and export.name in problems[0]
    assert "round configuration not found" in validate_round(root, "nothing-here")[0]


# --- issue 19: configured paths resolve the same way in validate, cleaning and run ------------


def _with_config(root, change):
    paths = RoundPaths(root, "v1")
    config = yaml.safe_load(paths.config_file.read_text(encoding="utf-8"))
    change(config)
    paths.config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return paths


@pytest.mark.parametrize(
    ("frame", "fragment"),
    [("../shared/gp.csv", "leaves the round folder"), ("/etc/passwd", "absolute path")],
)
def test_frames_outside_the_round_folder_fail_validate_clean_and_run_alike(
    simulated, tmp_path, frame, fragment
):
    """Defect 3: a ``../`` frame validated (raw folder) but failed in run (staging folder)."""
    from anchoring.cleaning import clean_round
    from anchoring.exceptions import InputFileError
    from anchoring.pipeline.cache import collect_round_inputs

    root = tmp_path / "copy"
    shutil.copytree(simulated, root)
    shared = root / "data" / "raw" / "shared"
    shared.mkdir()
    (shared / "gp.csv").write_text("x\n", encoding="utf-8")
    paths = _with_config(root, lambda c: c.update(frames={"gp": frame}))
    problems = validate_round(root, "v1")
    assert any(fragment in p and "frames.gp" in p for p in problems), problems
    with pytest.raises(InputFileError, match=fragment):
        clean_round(root, "v1")
    with pytest.raises(InputFileError, match=fragment):  # run: before the staging root is made
        collect_round_inputs(paths, load_round_config(paths.config_file))
    assert not (root / "data" / "processed").exists()


def test_an_export_linking_outside_the_round_folder_is_refused_everywhere(simulated, tmp_path):
    """An export that is a symbolic link to a file outside the round folder was read silently."""
    import os

    from anchoring.cleaning import clean_round
    from anchoring.exceptions import InputFileError
    from anchoring.pipeline import run_round

    root = tmp_path / "copy"
    shutil.copytree(simulated, root)
    paths = RoundPaths(root, "v1")
    _, source = _csv_source(root)
    outside = tmp_path / "elsewhere.csv"
    os.replace(paths.raw_dir / source.file, outside)
    os.symlink(outside, paths.raw_dir / source.file)
    problems = validate_round(root, "v1")
    assert any("symbolic link to a file outside" in p for p in problems), problems
    with pytest.raises(InputFileError, match="symbolic link to a file outside"):
        clean_round(root, "v1")
    with pytest.raises(InputFileError, match="symbolic link to a file outside"):
        run_round(root, "v1", lang="nb")
    assert not (root / "data" / "processed").exists()
    assert not (root / ".anchoring-staging").exists()
