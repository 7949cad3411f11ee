"""The Jupyter floor of ``anchoring run``: the same notebooks with every code cell emptied.

Run as ``python -m benchmarks.jupyter_floor --root ROOT --round ID --out DIR``. It executes
copies of ``01_clean``, ``02_analyse`` and ``03_report`` (once per report language) whose code
cells are all empty, with the pipeline's own runner (papermill, the same kernel, parameters and
kernel set-up), and renders each executed report notebook to HTML with the pipeline's own
renderer (nbconvert); the report languages run side by side, as in the pipeline. What remains
is the cost of Jupyter itself: interpreter and kernel start-up, papermill, nbformat and
nbconvert.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path


def empty_code_cells(template: Path, target: Path) -> Path:
    """Copy a notebook with the source of every code cell removed (tags and metadata kept)."""
    import nbformat

    notebook = nbformat.read(template, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.source = ""
            cell.outputs = []
            cell.execution_count = None
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    return target


def run_floor(root: Path, round_id: str, out: Path, languages: tuple[str, ...]) -> None:
    """Execute the emptied notebooks and render the report notebooks, as the pipeline does."""
    from anchoring.paths import notebooks_dir
    from anchoring.pipeline.runner import run_side_by_side
    from anchoring.pipeline.stages import STAGES

    templates = out / "templates"
    for stage in STAGES:
        template = empty_code_cells(notebooks_dir() / stage.notebook, templates / stage.notebook)
        executions = stage.executions(round_id, languages)
        # side by side where the pipeline runs them side by side (the report languages)
        run_side_by_side([partial(_execute, template, e, root, out) for e in executions])


def _execute(template: Path, execution, root: Path, out: Path) -> None:
    """Execute one emptied notebook and render it when it is a report, as the pipeline does."""
    from anchoring.pipeline.render import render_report
    from anchoring.pipeline.runner import NotebookRun, execute_notebook

    executed = out / "executed" / execution.executed_name
    parameters = {**execution.parameters, "root": str(root)}
    execute_notebook(NotebookRun(template, executed, parameters, out / "run.log"))
    if execution.html_name is not None:
        render_report(executed, out / execution.html_name, execution.lang or "")


def main(argv: list[str] | None = None) -> int:
    """Command line of the floor (used by :mod:`benchmarks.pipeline_compare`)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--round", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--lang", default="both", choices=["nb", "en", "both"])
    args = parser.parse_args(argv)
    languages = ("nb", "en") if args.lang == "both" else (args.lang,)
    run_floor(args.root, args.round, args.out, languages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
