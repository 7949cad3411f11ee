"""Parts shared by the report's figures: words, batched rectangles and lines, value scales.

matplotlib's cost per figure is in its artists: every ``Axes`` builds two axis objects with their
ticks, every ``barh`` segment is a ``Rectangle`` patch, every ``errorbar`` three artists, every
label a ``Text``. The figures therefore draw all rectangles of an Axes as one
:class:`~matplotlib.collections.PolyCollection` (:func:`rectangles`), all straight lines of an
Axes as one :class:`~matplotlib.collections.LineCollection` (:func:`segments`), fixed scales as
grid lines and label sets (:func:`value_scale`) instead of tick machinery, and every label through
:class:`~.figure_labels.Labels`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from anchoring.report.figure_labels import Labels
from anchoring.report.figure_model import PALETTE
from anchoring.report.inputs import Report

WORDS: dict[str, dict[str, str]] = {
    "hidden": {"nb": ": skjult (for få svar)", "en": ": hidden (too few responses)"},
    "below": {"nb": "Under {a}", "en": "Below {a}"},
    "between": {"nb": "{a} til under {b}", "en": "{a} to under {b}"},
    "above": {"nb": "{b} eller mer", "en": "{b} or more"},
}
"""Words the figures print that the report's labels do not hold, per language."""

HIDDEN_BORDER = "#BBBBBB"
"""Border of an empty (suppressed) cell and of its legend entry."""

LABEL_PAD_PT = 5.0
"""Distance between an axis line and its value labels, in points."""


def word(report: Report, key: str, **values: object) -> str:
    """A figure word in the report's language, with ``values`` filled in.

    Parameters
    ----------
    report
        The loaded round (gives the language).
    key
        A key of :data:`WORDS`.
    **values
        Placeholders of the text.
    """
    text = WORDS[key][report.lang]
    return text.format(**values) if values else text


def wrap(text: str, width: int = 26) -> str:
    """Break a long name into lines of at most ``width`` characters."""
    return "\n".join(textwrap.wrap(text, width)) or text


def rectangles(
    boxes: Sequence[tuple[float, float, float, float]],
    facecolors: Sequence[str],
    edgecolors: Sequence[str] | str = "white",
    linewidths: Sequence[float] | float = 0.8,
) -> PolyCollection:
    """Axis-aligned rectangles as one artist (one draw call instead of a patch each).

    Parameters
    ----------
    boxes
        ``(left, bottom, width, height)`` of each rectangle, in data coordinates.
    facecolors, edgecolors, linewidths
        One per rectangle, or one for all.

    Returns
    -------
    matplotlib.collections.PolyCollection
        To be added with :meth:`~matplotlib.axes.Axes.add_collection` (``autolim=False``: the
        figures set their limits).
    """
    verts = [((x, y), (x + w, y), (x + w, y + h), (x, y + h)) for x, y, w, h in boxes]
    return PolyCollection(
        verts, facecolors=facecolors, edgecolors=edgecolors, linewidths=linewidths
    )


def segments(
    lines: Sequence[tuple[tuple[float, float], tuple[float, float]]],
    colors: Sequence[str] | str,
    linewidths: Sequence[float] | float = 1.0,
    linestyles: Sequence[str] | str = "solid",
) -> LineCollection:
    """Straight lines (``((x0, y0), (x1, y1))`` each, data coordinates) as one artist.

    Parameters
    ----------
    lines
        The end points of each line.
    colors, linewidths, linestyles
        One per line, or one for all.
    """
    return LineCollection(list(lines), colors=colors, linewidths=linewidths, linestyles=linestyles)


def value_scale(
    ax: Axes,
    axis: str,
    ticks: Sequence[tuple[float, str]],
    *,
    labelled: bool = True,
    fontsize: float = 9,
) -> None:
    """Light grid lines at the given values and their labels outside the Axes, drawn directly.

    Replaces matplotlib's tick machinery (a tick is two lines and two texts, each created and
    laid out) where the ticks are fixed: the grid lines are one
    :class:`~matplotlib.collections.LineCollection` below the data, the labels plain text.
    The Axes' own axis objects are hidden; its spines stay. The labels are one
    :class:`~.figure_labels.Labels`.

    Parameters
    ----------
    ax
        The Axes; call after its limits are set.
    axis
        ``"x"`` (labels below the Axes) or ``"y"`` (labels left of it).
    ticks
        ``(value, label)`` pairs in data units.
    labelled
        Whether to print the labels (a panel that shares its neighbour's scale has none).
    fontsize
        Size of the labels in points.
    """
    ax.xaxis.set_visible(False)
    ax.yaxis.set_visible(False)
    if axis == "x":
        grid = blended_transform_factory(ax.transData, ax.transAxes)
        lines = [((v, 0), (v, 1)) for v, _ in ticks]
        shift, place = (0, -LABEL_PAD_PT / 72), {"ha": "center", "va": "top"}
    else:
        grid = blended_transform_factory(ax.transAxes, ax.transData)
        lines = [((0, v), (1, v)) for v, _ in ticks]
        shift, place = (-LABEL_PAD_PT / 72, 0), {"ha": "right", "va": "center"}
    collection = segments(lines, PALETTE["grid"], 0.6)
    collection.set_transform(grid)
    collection.set_zorder(0.5)
    ax.add_collection(collection, autolim=False)
    if not labelled:
        return
    offset = grid + ScaledTranslation(*shift, ax.figure.dpi_scale_trans)
    positions = [(v, 0) if axis == "x" else (0, v) for v, _ in ticks]
    texts = [label for _, label in ticks]
    ax.add_artist(
        Labels(
            positions, texts, transform=offset, fontsize=fontsize, color=PALETTE["text"], **place
        )
    )
