"""The index chart: a measure's index for each group and the sector, with 95 % intervals.

The intervals are the analysis stage's, drawn as published (never computed by a plotting
library). Each row has its label line above the point: the group's name on the left, the value
with its interval on the right, so the names keep the figure's full width on a phone. The status
thresholds are dashed lines with the band names above the plot; the points are hollow and the
interval bars drawn over them, so a short interval stays visible.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from anchoring.groups import GROUPS
from anchoring.report.figure_model import BAND_COLOURS, INDEX_COLOURS, TEXT, new_figure
from anchoring.report.figure_parts import word
from anchoring.report.inputs import Report
from anchoring.report.numbers import SUPPRESSED, format_interval, format_number

POSITIONS: tuple[float, ...] = (0, 1.1, 2.2, 3.5)
"""y of the groups (in :data:`anchoring.groups.GROUPS` order) and, set apart, the sector."""

LABEL_ABOVE = 0.22
"""Rows from a row's point up to the bottom of its label line (just above the caps)."""

BANDS_Y = -1.15
"""y of the status band names above the plot."""

CAP_HALF = 0.17
"""Half the height of an interval's end caps, in rows."""

MARKERS = {"group": "o", "sector": "D"}
"""Marker of the groups' points and of the sector's."""

_WHITE_BOX = {"facecolor": "white", "edgecolor": "none", "pad": 0.5}


def build_index_figure(report: Report, measure: str) -> Figure:
    """Draw a measure's index by group and for the sector with intervals and thresholds.

    Parameters
    ----------
    report
        The loaded round.
    measure
        The measure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, not yet saved.
    """
    figure = new_figure(4.1)
    ax = figure.subplots()
    ax.set_xlim(0, 100)
    ax.set_ylim(POSITIONS[-1] + 0.35, BANDS_Y - 0.5)
    ax.set_xticks(range(0, 101, 20))
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_xlabel(report.labels.text("index"))
    for y, group in zip(POSITIONS, (*GROUPS, "sector"), strict=True):
        _draw_row(report, ax, measure, group, y)
    _draw_bands(report, ax)
    return figure


def _draw_row(report: Report, ax: Axes, measure: str, group: str, y: float) -> None:
    """The row's label line, and its point with the interval or the hidden text."""
    label_y = y - LABEL_ABOVE
    ax.text(0, label_y, report.labels.group(group), va="bottom", bbox=_WHITE_BOX, zorder=4)
    e = report.estimates.get(measure, group, "mean")
    if e is None or not e.is_shown:
        ax.text(100, label_y, SUPPRESSED, ha="right", va="bottom", bbox=_WHITE_BOX, zorder=4)
        ax.text(50, y, word(report, "hidden"), ha="center", va="center", bbox=_WHITE_BOX, zorder=4)
        return
    interval = format_interval(e.ci_low, e.ci_high, report.lang)
    value = f"{format_number(e.estimate, report.lang)} ({interval})"
    ax.text(100, label_y, value, ha="right", va="bottom", bbox=_WHITE_BOX, zorder=4)
    kind = "sector" if group == "sector" else "group"
    colour = INDEX_COLOURS[kind]
    ax.plot(
        [e.estimate],
        [y],
        linestyle="none",
        marker=MARKERS[kind],
        markersize=9,
        markerfacecolor="white",
        markeredgecolor=colour,
        markeredgewidth=1.6,
        zorder=3,
    )
    ax.hlines(y, e.ci_low, e.ci_high, colors=colour, linewidth=2.4, zorder=3.5)
    ax.vlines(
        [e.ci_low, e.ci_high], y - CAP_HALF, y + CAP_HALF, colors=colour, linewidth=2, zorder=3.5
    )


def _draw_bands(report: Report, ax: Axes) -> None:
    """Dashed lines at the status thresholds and the band names above the plot."""
    rule = report.config.estimation.status
    for threshold in (rule.partly_index, rule.well_index):
        ax.axvline(threshold, color=BAND_COLOURS["partly"], linestyle="--", linewidth=1, zorder=1)
    bands = (
        (rule.partly_index / 2, "weak"),
        ((rule.partly_index + rule.well_index) / 2, "partly"),
        ((rule.well_index + 100) / 2, "well"),
    )
    for x, status in bands:
        name = report.labels.status(status).replace(" ", "\n")
        ax.text(
            x,
            BANDS_Y,
            name,
            ha="center",
            va="center",
            color=TEXT,
            linespacing=1.1,
            bbox=_WHITE_BOX,
            zorder=4,
        )
