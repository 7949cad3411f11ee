"""Notebooks are templates: thin, parameterised, committed without outputs.

Also: the stage notebooks run by hand (no injected parameters) only read a recorded round, and
write only with ``write = True``, through ``anchoring run``; ``make lab`` starts for any user.
"""

import ast
import json
import os
import shlex
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from anchoring.pipeline.run import injected_parameters, provenance_parameters
from anchoring.pipeline.stages import STAGES

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = ["01_clean.ipynb", "02_analyse.ipynb", "03_report.ipynb", "04_explore.ipynb"]
STAGE_NOTEBOOKS = [p for p in NOTEBOOKS if p.name in EXPECTED[:3]]
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


def test_the_stage_notebooks_and_the_workbench_exist():
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


def _parameters(path: Path) -> dict:
    _, cells = _code_cells(path)
    tagged = next(c for c in cells if "parameters" in c.metadata.get("tags", []))
    return {t.id: node.value.value for node in ast.parse(tagged.source).body for t in node.targets}


@pytest.mark.parametrize("path", STAGE_NOTEBOOKS, ids=lambda p: p.name)
def test_stage_notebooks_do_not_write_by_default(path):
    assert _parameters(path).get("write") is False


@pytest.mark.parametrize("stage", STAGES, ids=lambda s: s.name)
def test_the_pipeline_injects_only_parameters_the_notebook_declares(stage):
    declared = _parameters(ROOT / "notebooks" / stage.notebook)
    provenance = provenance_parameters("0" * 64, "2026-01-02T03:04:05+00:00")
    for execution in stage.executions("demo", ("nb", "en")):
        injected = injected_parameters(execution, Path("/tmp/staging"), provenance)
        assert set(injected) <= set(declared), set(injected) - set(declared)
    if stage.name == "report":  # by hand, without a run's record, the footer shows «–»
        assert injected["run_at"] == "2026-01-02 03:04:05 UTC"
        assert {declared[k] for k in provenance} == {""}


def test_explore_notebook_parameters():
    assert set(_parameters(ROOT / "notebooks" / "04_explore.ipynb")) == {
        "round_id",
        "root",
        "measure",
        "group",
        "lang",
    }


# --- by hand: nbclient, no papermill, no injected parameters --------------------------------


def _state(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _run_by_hand(root: Path, round_id: str, write: bool) -> nbformat.NotebookNode:
    """Execute 02_analyse as an analyst would: edit the parameters cell, run all cells."""
    from nbclient import NotebookClient

    notebook = nbformat.read(ROOT / "notebooks" / "02_analyse.ipynb", as_version=4)
    cell = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = f'round_id = "{round_id}"\nroot = ""\nwrite = {write}'
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(root)}}
    )
    client.execute()
    return notebook


@pytest.fixture(scope="module")
def completed(tmp_path_factory):
    from _pipeline_fixtures import completed_rounds

    return completed_rounds(tmp_path_factory)


@pytest.mark.slow
def test_analyse_by_hand_reads_and_leaves_processed_untouched(completed, tmp_path):
    from _pipeline_fixtures import CURRENT, copy_root

    root = copy_root(completed, tmp_path / "copy")
    processed = root / "data" / "processed" / CURRENT
    manifest = root / "reports" / CURRENT / "manifest.json"
    before, manifest_before = _state(processed), manifest.read_bytes()
    notebook = _run_by_hand(root, CURRENT, write=False)
    assert _state(processed) == before
    assert manifest.read_bytes() == manifest_before
    images = [
        o
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "image/png" in o.get("data", {})
    ]
    assert len(images) >= 1  # a figure or two
    html = "".join(
        o.get("data", {}).get("text/html", "")
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert "Kommuner" in html and "municipality:" not in html  # labels, not codes


@pytest.mark.slow
def test_analyse_by_hand_with_write_records_a_run(completed, tmp_path):
    from _pipeline_fixtures import CURRENT, copy_root
    from anchoring.pipeline.hashing import sha256_file

    root = copy_root(completed, tmp_path / "copy")
    processed = root / "data" / "processed" / CURRENT
    manifest_file = root / "reports" / CURRENT / "manifest.json"
    started_before = json.loads(manifest_file.read_text())["started_at"]
    (processed / "estimates.parquet").unlink()  # the recorded analysis is gone
    _run_by_hand(root, CURRENT, write=True)
    manifest = json.loads(manifest_file.read_text())
    assert manifest["started_at"] != started_before
    analyse = next(s for s in manifest["stages"] if s["name"] == "analyse")
    assert analyse["skipped"] is False
    recorded = f"data/processed/{CURRENT}/estimates.parquet"
    assert manifest["outputs"][recorded] == sha256_file(processed / "estimates.parquet")
    assert not (root / ".anchoring-staging").exists() or not any(
        (root / ".anchoring-staging").iterdir()
    )


# --- make lab ----------------------------------------------------------------------------------


def _lab_command(extra: str) -> list[str]:
    """The command ``make lab`` runs (``make -n``: printed, not run).

    Run as its own make, not as a sub-make of ``make test`` (whose MAKEFLAGS would print
    «make[1]: Entering directory» lines around the command).
    """
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    out = subprocess.run(
        ["make", "--no-print-directory", "-n", "lab", f"LAB_ARGS={extra}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return shlex.split(out.strip().splitlines()[-1])


def test_make_lab_allows_root_in_the_project_environment():
    command = _lab_command("")
    assert command[0] == ".venv/bin/jupyter" and command[1] == "lab"
    assert "--ServerApp.allow_root=True" in command
    assert "--notebook-dir=notebooks" in command


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_make_lab_starts_and_answers_on_loopback(tmp_path):
    port = _free_port()
    extra = (
        f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.port_retries=0 "
        "--IdentityProvider.token= --ServerApp.password="
    )
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    server = subprocess.Popen(
        _lab_command(extra),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        status = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=2) as r:
                    status = json.loads(r.read())
                break
            except OSError:
                time.sleep(0.5)
        assert server.poll() is None, server.stderr.read().decode(errors="replace")[-2000:]
        assert status is not None and "started" in status
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
