"""The heatmap: the anchoring index of every measure by group and sector, coloured by status band.

One Axes without axis machinery: the cells are one
:class:`~matplotlib.collections.PolyCollection`; the values, the group names (above) and the
measure names (left, wrapped) are a :class:`~.figure_labels.Labels` each. A suppressed cell is
white with a grey border and ":".
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory

from anchoring.groups import GROUPS
from anchoring.report.figure_labels import Labels
from anchoring.report.figure_legend import LegendEntry, legend_row
from anchoring.report.figure_model import PALETTE, new_figure
from anchoring.report.figure_parts import HIDDEN_BORDER, rectangles, word, wrap
from anchoring.report.inputs import Report
from anchoring.report.numbers import SUPPRESSED, format_number

ROW_IN = 0.62
"""Height of a measure's row in inches."""

MARGINS_IN = (2.2, 0.2, 0.45, 0.6)
"""Left (measure names), right, top (group names) and bottom (legend) margins in inches."""


def build_heatmap_figure(report: Report) -> Figure:
    """Draw the index of every measure (rows) by group and sector (columns), values printed.

    Parameters
    ----------
    report
        The loaded round (thresholds of the status rule colour the cells).

    Returns
    -------
    matplotlib.figure.Figure
        The figure, not yet rendered.
    """
    labels = report.labels
    columns = (*GROUPS, "sector")
    figure, ax = new_figure(1.3 + ROW_IN * len(report.measures), MARGINS_IN)
    ax.set_axis_off()
    ax.set_xlim(0, len(columns))
    ax.set_ylim(len(report.measures), 0)
    _draw_cells(report, ax, columns)
    ax.add_artist(
        Labels(
            [(j + 0.5, 1.02) for j in range(len(columns))],
            [labels.group(g) for g in columns],
            transform=blended_transform_factory(ax.transData, ax.transAxes),
            va="bottom",
            fontsize=9,
            color=PALETTE["text"],
        )
    )
    ax.add_artist(
        Labels(
            [(-0.012, i + 0.5) for i in range(len(report.measures))],
            [wrap(labels.measure(m)) for m in report.measures],
            transform=blended_transform_factory(ax.transAxes, ax.transData),
            ha="right",
            fontsize=10,
            color=PALETTE["text"],
        )
    )
    legend_row(figure, band_entries(report), at_top=False)
    return figure


def _draw_cells(report: Report, ax: Axes, columns: tuple[str, ...]) -> None:
    """The cells (one collection) and their values (one label set, white on colour or ":")."""
    boxes, faces, edges, positions, values, colours = [], [], [], [], [], []
    for i, measure in enumerate(report.measures):
        by_group = report.estimates.index_by_group(measure)
        for j, group in enumerate(columns):
            e = by_group[group]
            shown = e is not None and e.is_shown
            boxes.append((j, i, 1, 1))
            faces.append(band_colour(report, e.estimate) if shown else "white")
            edges.append("white" if shown else HIDDEN_BORDER)
            positions.append((j + 0.5, i + 0.5))
            values.append(format_number(e.estimate, report.lang) if shown else SUPPRESSED)
            colours.append("white" if shown else PALETTE["text"])
    ax.add_collection(rectangles(boxes, faces, edges, 2.0), autolim=False)
    ax.add_artist(
        Labels(
            positions, values, transform=ax.transData, fontsize=12, fontweight="bold", color=colours
        )
    )


def band_colour(report: Report, value: float) -> str:
    """The colour of the status band an index value falls in (the round's thresholds).

    Parameters
    ----------
    report
        The loaded round (gives the thresholds of the status rule, methodology §6).
    value
        An index value (0–100).
    """
    rule = report.config.estimation.status
    if value >= rule.well_index:
        return PALETTE["well"]
    return PALETTE["partly"] if value >= rule.partly_index else PALETTE["weak"]


def band_entries(report: Report) -> list[LegendEntry]:
    """Legend entries of the status bands and of a hidden cell, thresholds printed.

    Parameters
    ----------
    report
        The loaded round.

    Returns
    -------
    list of LegendEntry
        Weak, partly and well anchored, then hidden.
    """
    rule = report.config.estimation.status
    a, b = (format_number(v, report.lang, 0) for v in (rule.partly_index, rule.well_index))
    return [
        LegendEntry(word(report, "below", a=a), PALETTE["weak"]),
        LegendEntry(word(report, "between", a=a, b=b), PALETTE["partly"]),
        LegendEntry(word(report, "above", b=b), PALETTE["well"]),
        LegendEntry(word(report, "hidden"), "white", edge=HIDDEN_BORDER),
    ]
