"""notebooks/04_explore.ipynb and ``anchoring explore`` (anchoring.pipeline.explore).

The notebook runs by papermill on the session's small simulated round and must show at least six
figures; the command renders it to ``reports/<round>/explore.html`` and writes nothing else.
"""

from __future__ import annotations

import nbformat
import pytest

from _pipeline_fixtures import CURRENT, completed_rounds, copy_root, tree_digest
from anchoring.cli import main
from anchoring.paths import RoundPaths, notebooks_dir
from anchoring.pipeline.explore import EXPLORE_NOTEBOOK
from anchoring.pipeline.runner import NotebookRun, execute_notebook

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return completed_rounds(tmp_path_factory)


def _figures(notebook) -> int:
    return sum(
        1
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    )


def test_explore_notebook_shows_at_least_six_figures(root, tmp_path):
    executed = tmp_path / "explore.ipynb"
    parameters = {"round_id": CURRENT, "root": str(root), "measure": "pjd", "group": "gp"}
    execute_notebook(NotebookRun(notebooks_dir() / EXPLORE_NOTEBOOK, executed, parameters))
    notebook = nbformat.read(executed, as_version=4)
    assert _figures(notebook) >= 6
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    texts = "".join(str(o.get("data", {}).get("text/markdown", "")) for o in outputs)
    assert "IKKE skjult" in texts  # the banner: unsuppressed analyst views


def test_explore_command_writes_the_html_and_nothing_else(root, tmp_path, capsys):
    copy = copy_root(root, tmp_path / "copy")
    paths = RoundPaths(copy, CURRENT)
    before = tree_digest(paths.processed_dir)
    reports_before = set(tree_digest(paths.reports_dir))
    assert main(["explore", "--round", CURRENT, "--root", str(copy)]) == 0
    page = paths.reports_dir / "explore.html"
    assert capsys.readouterr().out.strip() == str(page)
    html = page.read_text(encoding="utf-8")
    assert html.count("data:image/png") >= 6
    assert "IKKE skjult" in html
    assert "<title>" in html
    assert tree_digest(paths.processed_dir) == before
    assert set(tree_digest(paths.reports_dir)) == reports_before | {"explore.html"}


def test_explore_without_a_recorded_run_is_one_message(tmp_path, capsys):
    (tmp_path / "data" / "raw" / "none").mkdir(parents=True)
    assert main(["explore", "--round", "none", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "anchoring run --round none" in err and "Traceback" not in err
