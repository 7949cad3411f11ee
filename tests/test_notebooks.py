"""Notebooks are templates: thin, parameterised, committed without outputs."""

import ast
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = ["01_clean.ipynb", "02_analyse.ipynb", "03_report.ipynb"]
FORBIDDEN = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.For,
    ast.While,
    ast.Lambda,
    ast.ListComp,
    ast.DictComp,
    ast.SetComp,
    ast.GeneratorExp,
)


def test_the_three_stage_notebooks_exist():
    assert [p.name for p in NOTEBOOKS] == EXPECTED


def _code_cells(path: Path):
    notebook = nbformat.read(path, as_version=4)
    return notebook, [c for c in notebook.cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    _, cells = _code_cells(path)
    dirty = [i for i, c in enumerate(cells) if c.get("outputs") or c.get("execution_count")]
    assert dirty == [], f"{path.name}: strip outputs (cells {dirty})"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_parameters_cell_of_plain_literals(path):
    _, cells = _code_cells(path)
    tagged = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: needs exactly one cell tagged 'parameters'"
    tree = ast.parse(tagged[0].source)
    names = set()
    for node in tree.body:
        assert isinstance(node, ast.Assign), f"{path.name}: parameters must be assignments"
        assert isinstance(node.value, ast.Constant), f"{path.name}: parameters must be literals"
        names.update(t.id for t in node.targets)
    assert {"round_id", "root"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_thin_no_definitions_or_loops(path):
    notebook, cells = _code_cells(path)
    for index, cell in enumerate(cells):
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, FORBIDDEN), (
                f"{path.name} cell {index}: {type(node).__name__} belongs in the package"
            )
    assert any(c.cell_type == "markdown" for c in notebook.cells), "explain in Markdown"
