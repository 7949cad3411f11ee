"""Pipeline test helpers: tiny stand-in notebooks and rounds, tree hashes.

The tiny notebooks exercise the mechanism (papermill, staging, cache, lock) in seconds; the
end-to-end tests run the real notebooks on a small simulated round.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import nbformat

from anchoring.pipeline.stages import STAGES

TINY_ROUND_YAML = """\
round_id: {round_id}
title: {{nb: Liten runde, en: Tiny round}}
fieldwork: {{start: 2025-03-01, end: 2025-03-31}}
sources:
  - {{id: kom, group: municipality, file: kommuner.csv, columns: {{org_id: Kommunenummer}}}}
"""

_PREAMBLE = (
    "from pathlib import Path\n"
    "import logging, os\n"
    "out = Path(root) / 'data' / 'processed' / round_id\n"
    "out.mkdir(parents=True, exist_ok=True)\n"
)
TINY_CLEAN = _PREAMBLE + (
    "raw = (Path(root) / 'data' / 'raw' / round_id / 'kommuner.csv').read_text()\n"
    "if 'UKJENT' in raw:\n"
    "    from anchoring.exceptions import MappingError\n"
    "    raise MappingError('kommuner.csv: value UKJENT matches no label')\n"
    "logging.getLogger('anchoring.cleaning').info('tiny clean of %s', round_id)\n"
    "for name in ('responses.parquet', 'exclusions.parquet', 'quality.json'):\n"
    "    (out / name).write_text(raw.upper() + os.environ.get('PYTHONHASHSEED', 'unset'))\n"
)
TINY_ANALYSE = _PREAMBLE + (
    "text = (out / 'responses.parquet').read_text()\n"
    "(out / 'estimates.parquet').write_text(text[::-1])\n"
    "(out / 'status.parquet').write_text(str(len(text)))\n"
    + "".join(
        f"(out / '{name}').write_text(text + '{name}')\n"
        for name in STAGES[1].required_outputs
        if name not in ("estimates.parquet", "status.parquet")
    )
)
"""Writes every output the analyse stage declares (:data:`anchoring.pipeline.stages.STAGES`)."""
TINY_REPORT = "print('report', round_id, lang)\n"


def write_notebook(path: Path, body: str, parameters: tuple[str, ...] = ("round_id", "root")):
    """A notebook with a ``parameters`` cell of empty strings and one code cell."""
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("\n".join(f'{name} = ""' for name in parameters))
    cell.metadata["tags"] = ["parameters"]
    notebook.cells = [cell, nbformat.v4.new_code_cell(body)]
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def write_tiny_notebooks(folder: Path) -> Path:
    """Stand-ins for 01_clean, 02_analyse and 03_report that write the stages' files."""
    write_notebook(folder / "01_clean.ipynb", TINY_CLEAN)
    write_notebook(folder / "02_analyse.ipynb", TINY_ANALYSE)
    write_notebook(folder / "03_report.ipynb", TINY_REPORT, ("round_id", "root", "lang"))
    return folder


def write_tiny_round(root: Path, round_id: str = "r1", data: str = "Kommunenummer\n0301\n"):
    """A raw folder with a valid ``round.yaml`` and one export."""
    raw = root / "data" / "raw" / round_id
    raw.mkdir(parents=True, exist_ok=True)
    (raw / "round.yaml").write_text(TINY_ROUND_YAML.format(round_id=round_id), encoding="utf-8")
    (raw / "kommuner.csv").write_text(data, encoding="utf-8")
    return raw


def fake_render_report(executed_notebook: Path, html_path: Path, lang: str) -> Path:
    """Stand-in for ``anchoring.pipeline.render.render_report`` used with the tiny notebooks."""
    html_path.write_text(f"<html lang='{lang}'>{executed_notebook.name}</html>", encoding="utf-8")
    return html_path


def tree_digest(folder: Path) -> dict[str, str]:
    """SHA-256 (and nothing else) of every file under ``folder``, by relative path."""
    out = {}
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(dirpath) / name
            out[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


# --- small simulated rounds run through the real notebooks (shared by the end-to-end tests) ---

PREVIOUS, CURRENT = "sim-before", "sim-now"
SIM_SCALE = 0.2  # about 470 raw rows per round: small, yet every stage has data to work on
_completed: dict[str, Path] = {}


def completed_rounds(tmp_path_factory) -> Path:
    """A root where ``sim-before`` and ``sim-now`` (its previous round) were simulated and run.

    ``sim-before`` is run with the Norwegian report only, ``sim-now`` with both languages.
    Built once per test session (the runs take a minute); tests that change anything copy it
    first with :func:`copy_root`.
    """
    if "root" not in _completed:
        from anchoring.pipeline import run_round
        from anchoring.simulate import simulate_round

        root = tmp_path_factory.mktemp("completed-rounds")
        simulate_round(root, PREVIOUS, seed=11, scale=SIM_SCALE)
        simulate_round(root, CURRENT, seed=12, scale=SIM_SCALE, previous_round=PREVIOUS)
        run_round(root, PREVIOUS, lang="nb")
        started = time.perf_counter()
        result = run_round(root, CURRENT, lang="both")
        _completed["seconds"] = time.perf_counter() - started
        _completed["result"] = result
        _completed["root"] = root
    return _completed["root"]


def full_run_seconds() -> float:
    """Wall time of the full run of ``sim-now`` in :func:`completed_rounds`."""
    return _completed["seconds"]


def copy_root(root: Path, target: Path) -> Path:
    """Copy a root's data and reports (not its staging folder) to ``target``."""
    for folder in ("data", "reports"):
        shutil.copytree(root / folder, target / folder, copy_function=shutil.copy2)
    return target
