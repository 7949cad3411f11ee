"""Render an executed report notebook into one self-contained HTML file (nbconvert).

:func:`render_report` runs nbconvert (:class:`ReportExporter`) with the package's own small
template (``templates/anchoring_report``): no input cells, no prompts, no stream output, warnings or
errors; ``<html lang>`` and a real ``<title>``; a table of contents with anchor links built from
the sections' ``<h2 id>``; inline CSS; figures as inline SVG. nbconvert's stock templates would
pull require.js and MathJax from a CDN; this template loads nothing, and the result is checked for
any ``<script>``, ``<link>`` or ``http(s)://`` resource, and for any figure without a text
alternative, before it is written, so the report opens offline and every figure has a name and a
description.

The footer's provenance (``data-provenance`` fields of
:func:`anchoring.report.sections.footer_section`) is filled in here: the git commit of the code
(:func:`anchoring.pipeline.manifest.git_state`, the same call the manifest uses), the digest of
the round's inputs (:meth:`anchoring.pipeline.cache.RoundInputs.digest`, the value the pipeline
fingerprints the run with) and the time papermill started the notebook.
"""

from __future__ import annotations

import html
import logging
import os
import re
import tempfile
from pathlib import Path

import nbformat
from nbconvert.exporters import TemplateExporter

from anchoring import __version__
from anchoring.exceptions import AnchoringError
from anchoring.instrument import LANGUAGES
from anchoring.report.html import element, escape
from anchoring.report.labels import UI_TEXT

logger = logging.getLogger(__name__)

TEMPLATE_NAME = "anchoring_report"
"""The nbconvert template (a folder under ``templates/``)."""

TEMPLATES_DIR = Path(__file__).with_name("templates")
"""Where the package's nbconvert templates live."""

MAX_REPORT_BYTES = 3 * 1024 * 1024
"""A report above this size is flagged."""

_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
_H2 = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', re.S)
_TAG = re.compile(r"<[^>]+>")
_PROVENANCE = re.compile(r'(<dd data-provenance="([a-z_]+)">)(.*?)(</dd>)', re.S)
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
    """nbconvert's template exporter, for the report's own template (``templates/``).

    nbconvert's ``HTMLExporter`` would render the same template and then parse the whole page
    with BeautifulSoup, only to give alt text to images without it and ``tabindex`` to
    JupyterLab cell wrappers the report does not have, and serialise it again. The report's
    figures are inline SVG with a title and a description, and :func:`check_self_contained`
    refuses a page with a figure or image that has none.
    """

    export_from_notebook = None  # not offered as a format of the nbconvert command
    output_mimetype = "text/html"
    file_extension = ".html"


def _text(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment)).strip()


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


def table_of_contents(outputs: list[str], lang: str) -> tuple[str, list[tuple[str, str]]]:
    """The ``<nav>`` table of contents linking every ``<h2 id>`` of the report, and its entries."""
    entries = [(m.group(1), _text(m.group(2))) for o in outputs for m in _H2.finditer(o)]
    items = "".join(
        element("li", element("a", escape(title), href=f"#{anchor}")) for anchor, title in entries
    )
    nav = element(
        "nav",
        element("h2", escape(UI_TEXT["contents"][lang])) + element("ol", items),
        class_="toc",
        aria_label=UI_TEXT["contents"][lang],
    )
    return nav, entries


def _parameters(notebook: nbformat.NotebookNode) -> dict:
    return dict(notebook.metadata.get("papermill", {}).get("parameters", {}) or {})


def provenance(
    notebook: nbformat.NotebookNode, known: dict[str, str] | None = None
) -> dict[str, str]:
    """The footer's provenance of an executed notebook: version, commit, inputs digest, run time.

    Values in ``known`` are taken as they are and not looked up (the pipeline knows the inputs
    digest it fingerprinted the run with; working it out again reads every input file). A
    value that cannot be established (no git, a notebook not run by papermill, a round whose
    files are gone) is «–»; rendering never fails for want of provenance.
    """
    values = {"package_version": __version__, **(known or {})}
    meta = notebook.metadata.get("papermill", {})
    started = str(meta.get("start_time") or "")
    values.setdefault("run_at", started[:19].replace("T", " ") + " UTC" if started else "–")
    if "git_commit" not in values:
        try:
            from anchoring.pipeline.manifest import git_state

            values["git_commit"] = str(git_state()["commit"])
        except Exception as exc:
            logger.info("git commit unknown for the footer: %s", exc)
    if "inputs_digest" not in values:
        values["inputs_digest"] = _inputs_digest(_parameters(notebook))
    return values


def _inputs_digest(parameters: dict) -> str:
    round_id, root = parameters.get("round_id"), parameters.get("root")
    if not round_id or not root:
        return "–"
    try:
        from anchoring.paths import RoundPaths
        from anchoring.pipeline.cache import collect_round_inputs
        from anchoring.round_config import load_round_config

        paths = RoundPaths(Path(root), str(round_id))
        return collect_round_inputs(paths, load_round_config(paths.config_file)).digest()
    except Exception as exc:
        logger.info("inputs digest unknown for the footer: %s", exc)
        return "–"


def _fill_provenance(fragment: str, values: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        value = values.get(match.group(2))
        return (
            match.group(0) if value is None else (match.group(1) + escape(value) + match.group(4))
        )

    return _PROVENANCE.sub(replace, fragment)


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


def render_report(
    executed_notebook: Path,
    html_path: Path,
    lang: str,
    provenance_values: dict[str, str] | None = None,
) -> Path:
    """Render an executed ``03_report.ipynb`` into one self-contained HTML report.

    Parameters
    ----------
    executed_notebook
        The notebook as papermill executed it (parameters ``round_id``, ``root``, ``lang``).
    html_path
        Where to write the report (e.g. ``reports/<round>/rapport.nb.html``).
    lang
        ``"nb"`` or ``"en"``: the ``<html lang>`` and the words of the table of contents.
    provenance_values
        Footer values to use instead of those found (:func:`provenance`); keys
        ``package_version``, ``git_commit``, ``inputs_digest``, ``run_at``.

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
    values = provenance(notebook, provenance_values)
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if "text/html" in output.get("data", {}):
                output["data"]["text/html"] = _fill_provenance(output["data"]["text/html"], values)
    outputs = _html_outputs(notebook)
    title_match = next((m for o in outputs for m in [_H1.search(o)] if m), None)
    title = _text(title_match.group(1)) if title_match else UI_TEXT["report"][lang]
    toc, _ = table_of_contents(outputs, lang)
    exporter = ReportExporter(
        template_name=TEMPLATE_NAME, extra_template_basedirs=[str(TEMPLATES_DIR)]
    )
    resources = {
        "report": {"lang": lang, "title": escape(title), "toc": toc, "version": escape(__version__)}
    }
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
