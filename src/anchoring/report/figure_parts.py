"""Parts shared by the report's figures: the words they print, their legend and value scale."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.legend import Legend

from anchoring.report.inputs import Report
from anchoring.texts import text


def word(report: Report, key: str, **values: object) -> str:
    """A figure word in the report's language, with ``values`` filled in.

    Parameters
    ----------
    report
        The loaded round (gives the language).
    key
        ``hidden``, ``below``, ``between`` or ``above``: the catalog's ``figure_<key>``.
    **values
        Placeholders of the text.
    """
    return text(f"figure_{key}", report.lang, **values)


def wrap(text: str, width: int) -> str:
    """Break a long name into lines of at most ``width`` characters (a longer word stays whole)."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


def add_legend(
    figure: Figure, handles: Sequence[Artist], labels: Sequence[str], *, top: bool = True
) -> Legend:
    """A legend of two columns centred above (or below) the figure's Axes, read row by row.

    Parameters
    ----------
    figure
        A figure with constrained layout, which makes room for the legend.
    handles, labels
        The legend's entries (e.g. :class:`~matplotlib.patches.Patch` or
        :class:`~matplotlib.lines.Line2D` handles), in reading order.
    top
        Above the Axes (default) or below them.
    """
    # matplotlib fills a legend's columns one after the other: give it the entries column-wise
    # so that its rows read in the order given.
    order = [*range(0, len(labels), 2), *range(1, len(labels), 2)]
    return figure.legend(
        [handles[k] for k in order],
        [labels[k] for k in order],
        loc="outside upper center" if top else "outside lower center",
        ncols=2,
        handlelength=1.4,
        columnspacing=1.2,
    )


SCALE_STEP = 10
"""The vertical scale runs between multiples of this many index points."""

SCALE_MARGIN = 5.0
"""Room left below the lowest and above the highest interval limit, in index points."""


def value_range(lows: list[float], highs: list[float]) -> tuple[float, float]:
    """The vertical scale: the shown limits with :data:`SCALE_MARGIN`, to :data:`SCALE_STEP` s.

    Kept within the index's 0–100 and at least 20 points tall, so that a change of a few points
    is visible without a flat line looking steep.
    """
    low = max(0.0, math.floor((min(lows) - SCALE_MARGIN) / SCALE_STEP) * SCALE_STEP)
    high = min(100.0, math.ceil((max(highs) + SCALE_MARGIN) / SCALE_STEP) * SCALE_STEP)
    if high - low < 20:
        high = min(100.0, low + 20)
        low = high - 20
    return low, high
