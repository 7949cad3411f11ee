"""The index chart: a measure's index for each group and the sector, with 95 % intervals.

The intervals are the analysis stage's (never computed by a plotting library). One Axes; the
intervals with their caps and the status thresholds are one
:class:`~matplotlib.collections.LineCollection` each, the points one marker line per shape, and
the group names and printed values are plain text beside the plot (no tick machinery and no
secondary axis). The x axis keeps its ticks: 0 to 100 with a light grid.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from anchoring.groups import GROUPS
from anchoring.report.figure_model import PALETTE, new_figure
from anchoring.report.figure_parts import segments, value_scale, word
from anchoring.report.inputs import Report
from anchoring.report.numbers import SUPPRESSED, format_interval, format_number

POSITIONS: tuple[float, ...] = (0, 1, 2, 3.3)
"""y of the groups (in :data:`anchoring.groups.GROUPS` order) and, set apart, the sector."""

CAP_HALF = 0.16
"""Half the height of an interval's end caps, in rows (10 points in all)."""

BAND_NAMES_Y = -0.85
"""y of the status band names above the plot."""

AXIS_TITLE_BELOW_PT = 22
"""Distance from the x axis line down to the axis title, in points."""

MARGINS_IN = (1.9, 1.75, 0.2, 0.6)
"""Left (group names), right (printed values), top and bottom margins in inches."""


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
        The figure, not yet rendered.
    """
    labels = report.labels
    figure, ax = new_figure(3.1, MARGINS_IN)
    ax.set_xlim(0, 100)
    ax.set_ylim(3.8, -1.45)
    beside = blended_transform_factory(ax.transAxes, ax.transData)
    lines, colours, widths = [], [], []
    points: dict[str, tuple[list[float], list[float]]] = {"o": ([], []), "D": ([], [])}
    for y, group in zip(POSITIONS, (*GROUPS, "sector"), strict=True):
        ax.text(
            -0.015,
            y,
            labels.group(group),
            transform=beside,
            ha="right",
            va="center",
            fontsize=10,
            color=PALETTE["text"],
        )
        e = report.estimates.get(measure, group, "mean")
        if e is None or not e.is_shown:
            ax.text(
                50,
                y,
                word(report, "hidden"),
                ha="center",
                va="center",
                color=PALETTE["text"],
                zorder=4,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
            )
            value = SUPPRESSED
        else:
            colour = PALETTE["sector"] if group == "sector" else PALETTE["agree"]
            lines += _interval(e.ci_low, e.ci_high, y)
            colours += [colour] * 3
            widths += [2.0, 1.0, 1.0]
            marker = "D" if group == "sector" else "o"
            points[marker][0].append(e.estimate)
            points[marker][1].append(y)
            value = (
                f"{format_number(e.estimate, report.lang)} "
                f"({format_interval(e.ci_low, e.ci_high, report.lang)})"
            )
        ax.text(
            1.01,
            y,
            value,
            transform=beside,
            ha="left",
            va="center",
            fontsize=10,
            color=PALETTE["text"],
        )
    _draw_points(ax, (lines, colours, widths), points)
    _draw_bands(report, ax)
    _x_axis(ax, labels.text("index"))
    return figure


def _interval(low: float, high: float, y: float) -> list[tuple[tuple[float, float], ...]]:
    """The interval line and its two end caps."""
    return [
        ((low, y), (high, y)),
        ((low, y - CAP_HALF), (low, y + CAP_HALF)),
        ((high, y - CAP_HALF), (high, y + CAP_HALF)),
    ]


def _draw_points(ax: Axes, intervals, points) -> None:
    """The intervals with their caps (one artist) and the points (one artist per shape)."""
    if intervals[0]:
        ax.add_collection(segments(*intervals), autolim=False)
    for marker, (xs, ys) in points.items():
        if xs:
            colour = PALETTE["sector"] if marker == "D" else PALETTE["agree"]
            ax.plot(xs, ys, linestyle="none", marker=marker, markersize=8, color=colour, zorder=3)


def _draw_bands(report: Report, ax: Axes) -> None:
    """Dashed lines at the status thresholds and the band names above the plot."""
    rule = report.config.estimation.status
    thresholds = (rule.partly_index, rule.well_index)
    ax.add_collection(
        segments([((v, -1.45), (v, 3.8)) for v in thresholds], PALETTE["neutral"], 1.0, "--"),
        autolim=False,
    )
    bands = (
        ((0 + rule.partly_index) / 2, "weak"),
        ((rule.partly_index + rule.well_index) / 2, "partly"),
        ((rule.well_index + 100) / 2, "well"),
    )
    for x, status in bands:
        ax.text(
            x,
            BAND_NAMES_Y,
            report.labels.status(status).replace(" ", "\n"),
            ha="center",
            va="center",
            fontsize=8.5,
            color=PALETTE["text"],
        )


def _x_axis(ax: Axes, label: str) -> None:
    """A light grid every 20 with its values below the axis line, the axis name under them."""
    value_scale(ax, "x", [(v, str(v)) for v in range(0, 101, 20)])
    below = ax.transAxes + ScaledTranslation(
        0, -AXIS_TITLE_BELOW_PT / 72, ax.figure.dpi_scale_trans
    )
    ax.text(
        0.5, 0, label, transform=below, ha="center", va="top", fontsize=10, color=PALETTE["text"]
    )
