"""A report figure: an inline SVG with its title, description and caption, and the figures' style.

Every figure is drawn with matplotlib's object API (no pyplot state, nothing shown by accident)
at :data:`WIDTH_IN` wide with text of at least :data:`MIN_FONT_PT`: the SVG scales to the column
width, and at a 350-pixel column (a 390-pixel phone) a label of :data:`MIN_FONT_PT` is still about
11 pixels high. The colours come in ordered palettes (:data:`ANSWER_COLOURS`,
:data:`BAND_COLOURS`, :data:`GROUP_COLOURS`) whose neighbours differ by at least
:data:`MIN_LIGHTNESS_STEP` in CIE L*, so that they stay apart in greyscale and for colour-blind
readers; every value is also printed, so colour never carries meaning alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.figure import Figure

from anchoring.report.html import element, escape

WIDTH_IN = 4.8
"""Width of every figure in inches (345.6 SVG units): about one phone column at 100 %."""

MIN_FONT_PT = 11
"""The smallest text of any figure, in points (SVG units)."""

MIN_LIGHTNESS_STEP = 15.0
"""Least CIE L* difference between neighbouring colours of a palette."""

TEXT = "#222222"
"""Colour of text and of the sector's marks."""

LIGHT_TEXT = "#FFFFFF"
"""Colour of text on a dark fill."""

HIDDEN_BORDER = "#8C8C8C"
"""Border of an empty (suppressed) cell and of its legend entry."""

ANSWER_COLOURS: dict[str, str] = {
    "disagree": "#B35806",
    "neutral": "#C8C8C8",
    "agree": "#2166AC",
    "dont_know": "#3F007D",
}
"""Answer categories, in legend order: dark orange, light grey, dark blue, dark purple."""

BAND_COLOURS: dict[str, str] = {
    "weak": "#FDB863",
    "partly": "#8C8C8C",
    "well": "#1D4F91",
}
"""Status bands of the index, light to dark as the anchoring grows."""

GROUP_COLOURS: dict[str, str] = {
    "municipality": "#B35806",
    "hospital": "#0B3C6E",
    "gp": "#756BB1",
    "sector": TEXT,
}
"""Lines of the groups and the sector; each also prints its end value, so each has at least
4.5:1 against white (WCAG 2.1 text contrast), and the markers differ too."""

INDEX_COLOURS: dict[str, str] = {"group": "#2166AC", "sector": TEXT}
"""Points and intervals of the index chart: the groups, and the sector apart."""

STYLE: dict[str, object] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Verdana", "Arial", "Liberation Sans", "Helvetica"],
    "font.size": MIN_FONT_PT,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": MIN_FONT_PT,
    "axes.edgecolor": "#888888",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "text.color": TEXT,
    "axes.labelcolor": TEXT,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "xtick.labelsize": MIN_FONT_PT,
    "ytick.labelsize": MIN_FONT_PT,
    "legend.fontsize": MIN_FONT_PT,
    "legend.frameon": False,
    "svg.fonttype": "none",
    "svg.hashsalt": "anchoring",
}
"""matplotlib settings of every figure: text stays text in the SVG (``svg.fonttype: none``), laid
out with DejaVu Sans (wider than the fonts after it, so a browser without it has room to spare),
and a fixed hash salt so the SVG's ids do not change between runs."""


def new_figure(height_in: float) -> Figure:
    """A white figure of the report's width and the given height, laid out by matplotlib.

    Parameters
    ----------
    height_in
        Height in inches.

    Notes
    -----
    The layout is matplotlib's constrained layout, which makes room for titles, tick labels
    and a legend placed ``outside`` the Axes.
    """
    return Figure(figsize=(WIDTH_IN, height_in), layout="constrained", facecolor="white")


@dataclass(frozen=True)
class ReportFigure:
    """A figure ready for the report: inline SVG, title, description and caption.

    Attributes
    ----------
    figure_id
        Stable HTML id (also the prefix of every id inside the SVG).
    svg
        The ``<svg role="img">`` element with its ``<title>`` and ``<desc>``
        (:func:`~anchoring.report.figure_svg.inline_svg`).
    title
        The figure's title, shown above it and carried by the SVG's ``<title>``.
    description
        What the figure shows, with its key numbers (the SVG's ``<desc>``).
    caption
        Visible note below the figure (plain text, may be empty).
    """

    figure_id: str
    svg: str
    title: str
    description: str
    caption: str

    def to_html(self) -> str:
        """``<figure>``: the title as its caption, the SVG, and the note below."""
        note = element("p", escape(self.caption), class_="figure-note") if self.caption else ""
        title = element("figcaption", escape(self.title))
        return element("figure", title + self.svg + note, id=self.figure_id, class_="chart")

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"<ReportFigure {self.figure_id}: {len(self.svg)} characters of SVG>"
