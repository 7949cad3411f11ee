"""``anchoring explore``: the analyst's workbench of a recorded round, rendered to HTML.

Executes ``notebooks/04_explore.ipynb`` with papermill (:func:`~anchoring.pipeline.runner.
execute_notebook`: its kernel settings, time limit and one-message errors) on the round's recorded
outputs, renders it with nbconvert (code hidden) and moves ``reports/<round>/explore.html`` into
place in one rename, while holding the round's lock (:func:`~anchoring.pipeline.lock.round_lock`)
so that it never reads a round a run is promoting. It writes nothing else: the executed notebook
stays in a temporary folder, ``data/processed/<round>/`` and the manifest are only read.

The page is for analysts, not part of the leadership report: its views are unweighted and not
suppressed for small groups, and its first output says so. The next ``anchoring run`` of the
round replaces ``reports/<round>/`` and with it this page (rerun ``explore`` then).
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from anchoring.exceptions import PipelineError
from anchoring.paths import RoundPaths
from anchoring.paths import notebooks_dir as default_notebooks_dir
from anchoring.pipeline.lock import round_lock
from anchoring.pipeline.runner import NOTEBOOK_TIMEOUT_S, NotebookRun, execute_notebook
from anchoring.pipeline.staging import recover_interrupted_promotion

log = logging.getLogger(__name__)

EXPLORE_NOTEBOOK = "04_explore.ipynb"
EXPLORE_HTML = "explore.html"


def explore_round(
    root: str | Path,
    round_id: str,
    measure: str = "",
    group: str = "",
    lang: str = "nb",
    *,
    notebooks_dir: Path | None = None,
    timeout_s: float = NOTEBOOK_TIMEOUT_S,
) -> Path:
    """Render the exploratory views of a recorded round to ``reports/<round>/explore.html``.

    Parameters
    ----------
    root
        The project (or data) root.
    round_id
        A round that ``anchoring run`` has recorded.
    measure, group
        The notebook's optional focus: a measure id (default: the round's first) and a group
        id (default: all groups) for the per-county view.
    lang
        Language of the labels, ``nb`` or ``en``.
    notebooks_dir
        Folder of the notebook templates; default :func:`anchoring.paths.notebooks_dir`.
    timeout_s
        Limit on the notebook's execution, in seconds.

    Returns
    -------
    Path
        The HTML page.

    Raises
    ------
    PipelineError
        The round has no recorded outputs, the template is missing, or a cell failed (the
        message names the cell); an earlier ``explore.html`` is then left as it was.
    LockError
        A run of the round is in progress.
    """
    paths = RoundPaths(Path(root), round_id)
    template = (notebooks_dir or default_notebooks_dir()) / EXPLORE_NOTEBOOK
    if not template.is_file():
        raise PipelineError(
            f"notebook template {template} not found. Run from a checkout of the project."
        )
    _check_recorded(paths)
    target = paths.reports_dir / EXPLORE_HTML
    parameters = {
        "round_id": round_id,
        "root": str(paths.root),
        "measure": measure,
        "group": group,
        "lang": lang,
    }
    with round_lock(paths):
        recover_interrupted_promotion(paths)
        paths.reports_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(
            prefix=f".{round_id}.explore-", dir=paths.reports_dir
        ) as tmp:
            executed = Path(tmp) / EXPLORE_NOTEBOOK
            execute_notebook(NotebookRun(template, executed, parameters, None, timeout_s))
            page = Path(tmp) / EXPLORE_HTML
            render_explore_html(executed, page, f"{round_id}: explore")
            os.replace(page, target)
    log.info("Wrote %s (analyst views, not suppressed: not for sharing).", target)
    return target


def _check_recorded(paths: RoundPaths) -> None:
    missing = [
        p.name
        for p in (paths.responses_file, paths.estimates_file, paths.status_file)
        if not p.is_file()
    ]
    if missing:
        raise PipelineError(
            f"round '{paths.round_id}' has no recorded outputs to explore ({', '.join(missing)} "
            f"missing in {paths.processed_dir}). Run 'anchoring run --round {paths.round_id}' "
            "first."
        )


def render_explore_html(executed: Path, html: Path, title: str) -> Path:
    """Render an executed notebook to one HTML file with its code hidden (nbconvert).

    Figures are embedded as PNG data; no cell source and no input prompt is shown.
    """
    import nbformat
    from nbconvert import HTMLExporter

    notebook = nbformat.read(executed, as_version=4)
    exporter = HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    body, _resources = exporter.from_notebook_node(
        notebook, resources={"metadata": {"name": title}}
    )
    html.write_text(body, encoding="utf-8")
    return html
