"""A matplotlib figure as an inline SVG element: text kept as text, deterministic, accessible.

The figure is saved with matplotlib's SVG backend under the report's style
(:data:`~anchoring.report.figure_model.STYLE`: ``svg.fonttype: none`` writes every label as a
``<text>`` element, a fixed ``svg.hashsalt`` fixes the ids it hashes) and without metadata (no
date, no creator), so the same figure gives the same bytes. For embedding in HTML
(HTML Living Standard, §4.8.16 "SVG"; WAI-ARIA Graphics Module, ``role="img"``):

- the XML prolog, the DOCTYPE and the namespace declarations go (the HTML parser puts inline
  ``<svg>`` in the SVG namespace itself);
- matplotlib's ``<style>`` element goes (inline, its ``*`` rule would apply to the whole page; the
  report's CSS carries the same rule for figures);
- every id is prefixed with the figure's id, so that several SVGs on one page never share an id
  (matplotlib numbers ``figure_1``, ``axes_1``, ... afresh in every file);
- the ``<svg>`` gets ``role="img"``, a ``<title>`` (its accessible name) and a ``<desc>`` (its
  description), and no fixed size: its ``viewBox`` keeps the aspect ratio while CSS sets the width
  (a drawing held to a lower height in print keeps to the left, ``preserveAspectRatio``).
"""

from __future__ import annotations

import io
import re

import matplotlib as mpl
from matplotlib.figure import Figure

from anchoring.report.figure_model import STYLE
from anchoring.report.html import escape

NO_METADATA: dict[str, None] = {"Date": None, "Creator": None, "Format": None, "Type": None}
"""SVG metadata left out (matplotlib writes a ``<metadata>`` block only for keys with values)."""

_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.S)
_STYLE = re.compile(r"\s*<style\b[^>]*>.*?</style>", re.S)
_EMPTY_DEFS = re.compile(r"\s*<defs>\s*</defs>")
_SVG_TAG = re.compile(r"<svg\b[^>]*>")
_VIEWBOX = re.compile(r'viewBox="([^"]+)"')
_ID_REFERENCE = re.compile(r'(\bid="|href="#|url\(#)')


def svg_text(figure: Figure) -> str:
    """The figure as a standalone SVG document, under the report's style, without metadata.

    Parameters
    ----------
    figure
        A figure drawn by one of the ``figure_*`` modules.
    """
    buffer = io.StringIO()
    with mpl.rc_context(STYLE):
        figure.savefig(buffer, format="svg", metadata=NO_METADATA)
    return buffer.getvalue()


def inline_svg(figure: Figure, figure_id: str, title: str, description: str) -> str:
    """The figure as an ``<svg role="img">`` element for an HTML page.

    Parameters
    ----------
    figure
        The drawn figure.
    figure_id
        The HTML id of the figure; prefixes every id inside the SVG.
    title, description
        Plain text of the ``<title>`` and ``<desc>`` (escaped here).

    Returns
    -------
    str
        ``<svg role="img" aria-labelledby=... aria-describedby=... viewBox=...>`` with the
        ``<title>`` and ``<desc>`` first, then the drawing.
    """
    document = _PROLOG.sub("", svg_text(figure), count=1)
    document = _EMPTY_DEFS.sub("", _STYLE.sub("", document, count=1), count=1)
    document = _ID_REFERENCE.sub(lambda m: f"{m.group(1)}{figure_id}-", document)
    view_box = _VIEWBOX.search(document).group(1)
    title_id, desc_id = f"{figure_id}-title", f"{figure_id}-desc"
    opening = (
        f'<svg role="img" aria-labelledby="{title_id}" aria-describedby="{desc_id}" '
        f'viewBox="{view_box}" preserveAspectRatio="xMinYMin meet" version="1.1">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>'
    )
    return _SVG_TAG.sub(lambda _: opening, document, count=1).strip()
