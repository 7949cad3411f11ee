"""Render an executed report notebook into one self-contained HTML file (nbconvert).

:func:`render_report` runs nbconvert (:class:`ReportExporter`) with the report's own small
template (:data:`anchoring.report.page.TEMPLATE_NAME`): no input cells, no prompts, no stream
output, warnings or errors; ``<html lang>`` and a real ``<title>``; a table of contents; inline
CSS; figures as inline SVG. The page's words and contents come from the report
(:func:`anchoring.report.page.page_resources`); this module only renders and checks. nbconvert's
stock templates would pull require.js and MathJax from a CDN; this template loads nothing, and
the result is checked for any ``<script>``, ``<link>`` or ``http(s)://`` resource, and for any
figure without a text alternative, before it is written, so the report opens offline and every
figure has a name and a description.

The footer's provenance (git commit, inputs digest, run time) is not filled in here: the
pipeline passes it to the notebook as papermill parameters (:mod:`anchoring.pipeline.run`), so
the executed notebook already shows it.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from pathlib import Path

import nbformat
from nbconvert.exporters import TemplateExporter

from anchoring.exceptions import AnchoringError
from anchoring.instrument import LANGUAGES
from anchoring.report.page import TEMPLATE_NAME, TEMPLATES_DIR, page_resources

logger = logging.getLogger(__name__)

MAX_REPORT_BYTES = 3 * 1024 * 1024
"""A report above this size is flagged."""

_IMAGE_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\salt=)[^>]*>", re.I)
_SVG = re.compile(r"<svg\b([^>]*)>(.*?)</svg>", re.I | re.S)
_SVG_ROLE = re.compile(r"""\srole=["']img["']""", re.I)
_SVG_TITLE = re.compile(r"\A\s*<title\b[^>]*>\s*[^<\s][^<]*</title>", re.I)
_SVG_DESC = re.compile(r"<desc\b[^>]*>\s*[^<\s][^<]*</desc>", re.I)
_FORBIDDEN = re.compile(
    r"<script|<link\b|<iframe|<object|<embed|@import|(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//",
    re.I,
)


class ReportExporter(TemplateExporter):
    """nbconvert's template exporter, for the report's own template.

    nbconvert's ``HTMLExporter`` would render the same template and then parse the whole page
    with BeautifulSoup, only to give alt text to images without it and ``tabindex`` to
    JupyterLab cell wrappers the report does not have, and serialise it again. The report's
    figures are inline SVG with a title and a description, and :func:`check_self_contained`
    refuses a page with a figure or image that has none.
    """

    export_from_notebook = None  # not offered as a format of the nbconvert command
    output_mimetype = "text/html"
    file_extension = ".html"


def _html_outputs(notebook: nbformat.NotebookNode) -> list[str]:
    outputs = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error":
                raise AnchoringError(
                    f"report notebook cell {index} ended with {output.get('ename')}: "
                    f"{output.get('evalue')}. Fix the error and run the round again."
                )
            if kind == "stream":
                logger.warning(
                    "report notebook cell %d wrote to %s; left out of the report",
                    index,
                    output.get("name"),
                )
            elif "text/html" in output.get("data", {}):
                outputs.append(output["data"]["text/html"])
    return outputs


def check_self_contained(page: str, source: str = "report") -> None:
    """Raise if the page would load anything or shows a figure without a text alternative.

    Anything loaded is a script, a stylesheet link, an embedded object or a network URL. An
    image needs alt text; an inline ``<svg>`` needs ``role="img"``, a ``<title>`` as its first
    child (its accessible name) and a ``<desc>`` (SVG 2, §5.9 "The 'desc' and 'title'
    elements"; WAI-ARIA Graphics Module).

    Raises
    ------
    AnchoringError
        Naming the offending markup.
    """
    match = _FORBIDDEN.search(page)
    if match:
        start = max(match.start() - 60, 0)
        raise AnchoringError(
            f"{source}: would load an external resource or run a script near "
            f"'{page[start : match.end() + 60]}'. Reports must open offline."
        )
    image = _IMAGE_WITHOUT_ALT.search(page)
    if image:
        raise AnchoringError(
            f"{source}: an image has no alt text ('{image.group(0)[:80]}…'). Every figure "
            "needs a text alternative (anchoring.report.alt_text)."
        )
    for svg in _SVG.finditer(page):
        attributes, content = svg.groups()
        if not (_SVG_ROLE.search(attributes) and _SVG_TITLE.match(content)
                and _SVG_DESC.search(content)):  # fmt: skip
            raise AnchoringError(
                f'{source}: a figure has no role="img", <title> or <desc> '
                f"('{svg.group(0)[:80]}…'). Draw figures with anchoring.report.figures, which "
                "gives every SVG its title and description."
            )


def render_report(executed_notebook: Path, html_path: Path, lang: str) -> Path:
    """Render an executed ``03_report.ipynb`` into one self-contained HTML report.

    Parameters
    ----------
    executed_notebook
        The notebook as papermill executed it (its footer already shows the provenance the
        pipeline passed as parameters).
    html_path
        Where to write the report (e.g. ``reports/<round>/rapport.nb.html``).
    lang
        ``"nb"`` or ``"en"``: the ``<html lang>`` and the words of the table of contents.

    Returns
    -------
    Path
        ``html_path``.

    Raises
    ------
    AnchoringError
        The language is unknown, the notebook cannot be read, a cell ended in an error, or the
        page would load something from outside itself.
    """
    if lang not in LANGUAGES:
        raise AnchoringError(f"unknown report language '{lang}'; use one of {list(LANGUAGES)}.")
    executed_notebook, html_path = Path(executed_notebook), Path(html_path)
    try:
        notebook = nbformat.read(executed_notebook, as_version=4)
    except (OSError, ValueError) as exc:
        raise AnchoringError(f"{executed_notebook}: cannot read the notebook ({exc}).") from None
    resources = page_resources(_html_outputs(notebook), lang)
    exporter = ReportExporter(
        template_name=TEMPLATE_NAME, extra_template_basedirs=[str(TEMPLATES_DIR)]
    )
    page, _ = exporter.from_notebook_node(notebook, resources=resources)
    check_self_contained(page, str(html_path))
    _write_atomically(html_path, page)
    size = html_path.stat().st_size
    if size > MAX_REPORT_BYTES:
        logger.warning("%s is %.1f MB, above the 3 MB budget", html_path, size / 1e6)
    logger.info("rendered %s (%d bytes)", html_path, size)
    return html_path


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
