"""The heatmap: the anchoring index of every measure by group and sector, coloured by status band.

One row of cells per measure with the measure's name above it (the names keep the full width of
the figure, which a phone needs); the group names are the top ticks. A cell is coloured by the
status band its value falls in (the round's thresholds, methodology §6) and carries the value;
a suppressed cell is white with a grey border and ":" (methodology §7).
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from anchoring.groups import GROUPS
from anchoring.report.figure_model import (
    BAND_COLOURS,
    HIDDEN_BORDER,
    LIGHT_TEXT,
    TEXT,
    new_figure,
)
from anchoring.report.figure_parts import add_legend, word, wrap
from anchoring.report.inputs import Report
from anchoring.report.numbers import SUPPRESSED, format_number

ROW = 1.55
"""Data units from one measure's name to the next (a cell is one unit high)."""

CELL_TOP = 0.45
"""Data units from a measure's name down to its cells."""

ROW_IN = 0.62
"""Inches per :data:`ROW`."""

DARK_BANDS = frozenset({"well"})
"""Bands whose cells carry light text (the others are light enough for dark text)."""


def build_heatmap_figure(report: Report) -> Figure:
    """Draw the index of every measure (rows) by group and sector (columns), values printed.

    Parameters
    ----------
    report
        The loaded round (the thresholds of the status rule colour the cells).

    Returns
    -------
    matplotlib.figure.Figure
        The figure, not yet saved.
    """
    columns = (*GROUPS, "sector")
    rows = len(report.measures)
    figure = new_figure(1.45 + ROW_IN * rows)
    ax = figure.subplots()
    ax.set_xlim(0, len(columns))
    ax.set_ylim((rows - 1) * ROW + CELL_TOP + 1.05, -0.05)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.xaxis.tick_top()
    ax.set_xticks(
        [j + 0.5 for j in range(len(columns))],
        [wrap(report.labels.group(g), 10) for g in columns],
    )
    ax.tick_params(top=False, left=False, labelleft=False)
    for i, measure in enumerate(report.measures):
        top = i * ROW
        ax.text(0.02, top + 0.05, report.labels.measure(measure), va="top")
        _draw_cells(report, ax, measure, columns, top + CELL_TOP)
    add_legend(figure, *band_legend(report), top=False)
    return figure


def _draw_cells(
    report: Report, ax: Axes, measure: str, columns: tuple[str, ...], top: float
) -> None:
    """A measure's cells from ``top`` down: the band colour and the value, or ":"."""
    by_group = report.estimates.index_by_group(measure)
    for j, group in enumerate(columns):
        e = by_group[group]
        if e is None or not e.is_shown:
            face, edge, text, colour = "white", HIDDEN_BORDER, SUPPRESSED, TEXT
        else:
            band = band_of(report, e.estimate)
            face, edge = BAND_COLOURS[band], "white"
            text = format_number(e.estimate, report.lang)
            colour = LIGHT_TEXT if band in DARK_BANDS else TEXT
        ax.add_patch(Rectangle((j, top), 1, 1, facecolor=face, edgecolor=edge, linewidth=2))
        ax.text(
            j + 0.5,
            top + 0.5,
            text,
            ha="center",
            va="center",
            fontsize=13,
            fontweight="bold",
            color=colour,
        )


def band_of(report: Report, value: float) -> str:
    """The status band (``weak``, ``partly``, ``well``) an index value falls in.

    Parameters
    ----------
    report
        The loaded round (gives the thresholds of the status rule, methodology §6).
    value
        An index value (0–100).
    """
    rule = report.config.estimation.status
    if value >= rule.well_index:
        return "well"
    return "partly" if value >= rule.partly_index else "weak"


def band_legend(report: Report) -> tuple[list[Patch], list[str]]:
    """Legend handles and labels of the status bands and of a hidden cell, thresholds printed.

    Parameters
    ----------
    report
        The loaded round.

    Returns
    -------
    tuple of list
        Weak, partly and well anchored, then hidden.
    """
    rule = report.config.estimation.status
    a, b = (format_number(v, report.lang, 0) for v in (rule.partly_index, rule.well_index))
    labels = [
        word(report, "below", a=a),
        word(report, "between", a=a, b=b),
        word(report, "above", b=b),
        word(report, "hidden"),
    ]
    handles = [Patch(facecolor=BAND_COLOURS[band]) for band in ("weak", "partly", "well")]
    handles.append(Patch(facecolor="white", edgecolor=HIDDEN_BORDER))
    return handles, labels
