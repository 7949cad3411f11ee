"""The page around the report's sections: its template, title and table of contents.

The report's sections (:mod:`anchoring.report.sections`) are the notebook's ``text/html``
outputs; the page that holds them is the nbconvert template ``templates/anchoring_report``
(inline CSS, ``<html lang>``, no input cells, prompts or stream output). :func:`page_resources`
gives the template what it shows besides the outputs: the language, the title (the ``<h1>``)
and a table of contents with anchor links built from the sections' ``<h2 id>``. The pipeline
renders the executed notebook with them (:mod:`anchoring.pipeline.render`).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from anchoring import __version__
from anchoring.report.html import element, escape
from anchoring.report.labels import UI_TEXT

TEMPLATE_NAME = "anchoring_report"
"""The nbconvert template (a folder under ``templates/``)."""

TEMPLATES_DIR = Path(__file__).with_name("templates")
"""Where the report's nbconvert templates live."""

_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
_H2 = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', re.S)
_TAG = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment)).strip()


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


def page_resources(outputs: list[str], lang: str) -> dict[str, dict[str, str]]:
    """What the template shows besides the outputs: language, title, contents, version.

    Parameters
    ----------
    outputs
        The ``text/html`` outputs of the executed report notebook, in order.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    dict
        ``{"report": {"lang", "title", "toc", "version"}}``, nbconvert's ``resources``; the
        title is the first ``<h1>`` (the report's own words when there is none).
    """
    title_match = next((m for o in outputs for m in [_H1.search(o)] if m), None)
    title = _text(title_match.group(1)) if title_match else UI_TEXT["report"][lang]
    toc, _ = table_of_contents(outputs, lang)
    return {
        "report": {"lang": lang, "title": escape(title), "toc": toc, "version": escape(__version__)}
    }
