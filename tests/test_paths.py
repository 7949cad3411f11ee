"""Project root discovery and the folders of a round."""

from anchoring.paths import RoundPaths, find_project_root


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
