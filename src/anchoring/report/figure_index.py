"""The index chart: a measure's index for each group and the sector, with 95 % intervals.

The intervals are the analysis stage's (never computed by a plotting library). One Axes; the
intervals with their caps and the status thresholds are one
:class:`~matplotlib.collections.LineCollection` each, the points one marker line per shape, and
the group names and the printed values are a :class:`~.figure_labels.Labels` each beside the plot
(no tick machinery and no secondary axis). The x scale, 0 to 100 on a light grid, is drawn by
:func:`~.figure_parts.value_scale`.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from anchoring.groups import GROUPS
from anchoring.report.figure_labels import Labels
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
    figure, ax = new_figure(3.1, MARGINS_IN)
    ax.set_xlim(0, 100)
    ax.set_ylim(3.8, -1.45)
    names = (*GROUPS, "sector")
    intervals: tuple[list, list, list] = ([], [], [])
    points: dict[str, tuple[list[float], list[float]]] = {"o": ([], []), "D": ([], [])}
    values = []
    for y, group in zip(POSITIONS, names, strict=True):
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
            values.append(SUPPRESSED)
            continue
        colour = PALETTE["sector"] if group == "sector" else PALETTE["agree"]
        intervals[0].extend(_interval(e.ci_low, e.ci_high, y))
        intervals[1].extend([colour] * 3)
        intervals[2].extend([2.0, 1.0, 1.0])
        marker = "D" if group == "sector" else "o"
        points[marker][0].append(e.estimate)
        points[marker][1].append(y)
        interval = format_interval(e.ci_low, e.ci_high, report.lang)
        values.append(f"{format_number(e.estimate, report.lang)} ({interval})")
    beside = blended_transform_factory(ax.transAxes, ax.transData)
    for x, texts, ha in (
        (-0.015, [report.labels.group(g) for g in names], "right"),
        (1.01, values, "left"),
    ):
        ax.add_artist(
            Labels(
                [(x, y) for y in POSITIONS],
                texts,
                transform=beside,
                ha=ha,
                fontsize=10,
                color=PALETTE["text"],
            )
        )
    _draw_points(ax, intervals, points)
    _draw_bands(report, ax)
    _x_axis(ax, report.labels.text("index"))
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
    ax.add_artist(
        Labels(
            [(x, BAND_NAMES_Y) for x, _ in bands],
            [report.labels.status(status).replace(" ", "\n") for _, status in bands],
            transform=ax.transData,
            fontsize=8.5,
            color=PALETTE["text"],
        )
    )


def _x_axis(ax: Axes, label: str) -> None:
    """A light grid every 20 with its values below the axis line, the axis name under them."""
    value_scale(ax, "x", [(v, str(v)) for v in range(0, 101, 20)])
    below = ax.transAxes + ScaledTranslation(
        0, -AXIS_TITLE_BELOW_PT / 72, ax.figure.dpi_scale_trans
    )
    ax.add_artist(
        Labels([(0.5, 0)], [label], transform=below, va="top", fontsize=10, color=PALETTE["text"])
    )
