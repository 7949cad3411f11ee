"""Project root discovery and the folders of a round."""

import os

import pytest

from anchoring.exceptions import AnchoringError, InputFileError
from anchoring.paths import RoundPaths, check_round_id, find_project_root


def test_root_found_from_a_subfolder(repo_root):
    assert find_project_root(repo_root / "src" / "anchoring") == repo_root


def test_data_only_root(tmp_path):
    (tmp_path / "data" / "raw" / "r1").mkdir(parents=True)
    assert find_project_root(tmp_path / "data" / "raw" / "r1") == tmp_path


def test_round_paths_resolve_under_root(tmp_path):
    paths = RoundPaths(tmp_path, "r1")
    assert paths.raw_dir == tmp_path.resolve() / "data" / "raw" / "r1"
    assert paths.estimates_file.parent == tmp_path.resolve() / "data" / "processed" / "r1"
    assert paths.manifest_file == tmp_path.resolve() / "reports" / "r1" / "manifest.json"
    assert paths.for_round("r0").raw_dir.name == "r0"


# --- issue 19: the round id and configured paths are untrusted input ----------------------------
BAD_ROUND_IDS = [
    "../../../esc",
    "../raw/base",
    "R/data/raw/base",
    "/abs",
    "a\\b",
    "x y",
    "a\u202eb",  # right-to-left override
    "base\n",
    "tab\there",
    ".hidden",
    "..",
    "-rf",
    "",
    "a" * 65,
]


@pytest.mark.parametrize("round_id", BAD_ROUND_IDS)
def test_round_paths_refuse_an_id_that_is_a_path_or_odd_text(tmp_path, round_id):
    with pytest.raises(AnchoringError, match="is not a plain name"):
        RoundPaths(tmp_path, round_id)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("round_id", ["base", "2026-h1", "demo-previous", "r_1.2", "a" * 64])
def test_plain_round_ids_pass(round_id):
    assert check_round_id(round_id) == round_id
    assert RoundPaths("/x", round_id).raw_dir.name == round_id


def test_a_refused_id_is_shown_escaped(tmp_path):
    with pytest.raises(AnchoringError) as caught:
        check_round_id("a\u202eb\x1b[31m")
    assert "\u202e" not in str(caught.value) and "\x1b" not in str(caught.value)
    assert "'a\\u202eb\\x1b[31m'" in str(caught.value)


def test_init_round_with_an_escaping_id_writes_nothing(tmp_path):
    """Defect 1: init-round copied the export and wrote round.yaml three levels above."""
    from anchoring.intake.init_round import init_round

    project = tmp_path / "R"
    (project / "data" / "raw").mkdir(parents=True)
    export = tmp_path / "kommuner.csv"
    export.write_text("Kommunenummer\n0301\n", encoding="utf-8")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    with pytest.raises(AnchoringError, match="not a plain name"):
        init_round(project, "../../../esc", [export])
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


@pytest.fixture()
def round_with_outside_file(tmp_path):
    paths = RoundPaths(tmp_path / "root", "r1")
    paths.raw_dir.mkdir(parents=True)
    outside = tmp_path / "secret.csv"
    outside.write_text("x\n1\n", encoding="utf-8")
    return paths, outside


def test_configured_paths_resolve_inside_the_raw_folder(round_with_outside_file):
    paths, _ = round_with_outside_file
    (paths.raw_dir / "frames").mkdir()
    (paths.raw_dir / "frames" / "gp.csv").write_text("x", encoding="utf-8")
    assert paths.resolve_input("k.csv", "sources[k].file") == paths.raw_dir / "k.csv"
    frames = paths.resolve_frames({"gp": "frames/gp.csv"})
    assert frames == {"gp": paths.raw_dir / "frames" / "gp.csv"}
    os.symlink(paths.raw_dir / "frames" / "gp.csv", paths.raw_dir / "link.csv")
    assert paths.resolve_export("k", "link.csv") == paths.raw_dir / "link.csv"  # inside: fine


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("/etc/passwd", "absolute path"),
        ("C:/x.csv", "absolute path"),
        ("../other/k.csv", "leaves the round folder"),
        ("frames/../../k.csv", "leaves the round folder"),
        ("..\\k.csv", "leaves the round folder"),
    ],
)
def test_configured_paths_leaving_the_raw_folder_are_refused(
    round_with_outside_file, name, fragment
):
    paths, _ = round_with_outside_file
    with pytest.raises(InputFileError, match=fragment) as caught:
        paths.resolve_frames({"municipality": name})
    assert "frames.municipality" in str(caught.value)
    assert str(paths.config_file) in str(caught.value)


def test_an_export_that_links_outside_the_round_folder_is_refused(round_with_outside_file):
    paths, outside = round_with_outside_file
    os.symlink(outside, paths.raw_dir / "k.csv")
    with pytest.raises(InputFileError, match="symbolic link to a file outside") as caught:
        paths.resolve_export("kommuner", "k.csv")
    assert "sources[kommuner].file" in str(caught.value)
    os.symlink(outside.parent, paths.raw_dir / "sub")  # a linked folder on the way
    with pytest.raises(InputFileError, match="symbolic link"):
        paths.resolve_input("sub/secret.csv", "frames.gp")
