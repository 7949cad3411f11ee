"""The change chart: each measure's index over the rounds, one panel per measure, a line per group.

The error bars are the analysis stage's 95 % intervals. Per panel the error bars are one
:class:`~matplotlib.collections.LineCollection` and their caps one marker collection (instead of
three artists per ``errorbar``); each group is one line with its markers; the last value of each
line is printed at its end, moved apart vertically where values are close. The panels' scales,
rounds, titles and end values are :class:`~.figure_labels.Labels` (no tick machinery).
"""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import ScaledTranslation

from anchoring.groups import GROUPS
from anchoring.report.figure_labels import Labels
from anchoring.report.figure_legend import LegendEntry, legend_row
from anchoring.report.figure_model import PALETTE, new_figure
from anchoring.report.figure_parts import segments, value_scale
from anchoring.report.inputs import Report
from anchoring.report.labels import capitalise
from anchoring.report.numbers import format_number

MIN_LABEL_GAP = 7.5
"""Index points between the value labels at the end of the change lines."""

MARKERS = {"municipality": "o", "hospital": "s", "gp": "^", "sector": "D"}
"""Marker of each group's line (shape as well as colour tells the lines apart)."""

OFFSETS = {"municipality": -0.09, "hospital": -0.03, "gp": 0.03, "sector": 0.09}
"""Horizontal offset of each group's points within a round, so intervals do not overlap."""

CAP_SIZE = 6
"""Width of the error bars' end caps in points."""

MARGINS_IN = (0.55, 0.3, 0.75, 0.4)
"""Left, right, top (legend) and bottom margins in inches."""


def spread_labels(
    ends: list[tuple[float, float, str]], gap: float
) -> list[tuple[float, float, str]]:
    """Move end labels apart vertically (at least ``gap``), keeping their order.

    Parameters
    ----------
    ends
        ``(y, x, group)`` of each line's last point.
    gap
        The least vertical distance between two labels, in data units.

    Returns
    -------
    list of tuple
        ``(label y, x, group)``, sorted by y.
    """
    placed: list[tuple[float, float, str]] = []
    for y, x, group in sorted(ends):
        if placed and y - placed[-1][0] < gap:
            y = placed[-1][0] + gap
        placed.append((y, x, group))
    return placed


def build_change_figure(report: Report) -> Figure | None:
    """Draw the index of each measure over the rounds; ``None`` with fewer than two rounds.

    Parameters
    ----------
    report
        The loaded round with its history (this and earlier rounds' index estimates).

    Returns
    -------
    matplotlib.figure.Figure or None
        The figure, not yet rendered.
    """
    history = report.history
    if history.empty or history["round_id"].nunique() < 2:
        return None
    rounds = list(dict.fromkeys(history["round_id"]))
    nrows = math.ceil(len(report.measures) / 2)
    figure, axes = new_figure(
        0.8 + 2.7 * nrows,
        MARGINS_IN,
        nrows=nrows,
        ncols=2,
        squeeze=False,
        hspace=0.45,
        wspace=0.12,
    )
    series = _shown_series(history, rounds)
    titles = []
    for k, ax in enumerate(axes.flat):
        if k < len(report.measures):
            measure = report.measures[k]
            titles.append(capitalise(report.labels.measure_short(measure)))
            _panel_axes(ax, rounds, first_column=k % 2 == 0)
            _draw_panel(report, ax, measure, series, len(rounds) - 1 + 0.16)
        else:
            ax.set_visible(False)
    _panel_titles(figure, axes.flat[: len(titles)], titles)
    entries = [
        LegendEntry(report.labels.group(g), PALETTE[g], marker=MARKERS[g])
        for g in (*GROUPS, "sector")
    ]
    legend_row(figure, entries)
    return figure


_Series = dict[tuple[str, str], list[tuple[float, float, float, float]]]
"""``(round number, estimate, lower, upper limit)`` per measure × group, shown estimates only."""


def _shown_series(history: pd.DataFrame, rounds: list[str]) -> _Series:
    """Each measure × group's shown (not suppressed) index estimates over the rounds, in order."""
    shown = history[~history["is_suppressed"].astype(bool) & history["estimate"].notna()]
    number = {r: i for i, r in enumerate(rounds)}
    series: _Series = {}
    columns = ["measure", "group", "round_id", "estimate", "ci_low", "ci_high"]
    for measure, group, round_id, estimate, low, high in shown[columns].itertuples(
        index=False, name=None
    ):
        series.setdefault((measure, group), []).append((number[round_id], estimate, low, high))
    return series


def _draw_panel(report: Report, ax: Axes, measure: str, series: _Series, end_x: float) -> None:
    """A measure's lines with error bars, and each line's last value at ``end_x``."""
    bars, bar_styles, caps, cap_colours = [], [], [], []
    ends: list[tuple[float, float, str]] = []
    for group in (*GROUPS, "sector"):
        points = series.get((measure, group))
        if not points:
            continue
        x = [number + OFFSETS[group] for number, _, _, _ in points]
        estimates = [estimate for _, estimate, _, _ in points]
        width = 2 if group == "sector" else 1.3
        for xi, (_, _, low, high) in zip(x, points, strict=True):
            bars.append(((xi, low), (xi, high)))
            bar_styles.append((PALETTE[group], width))
            caps += [(xi, low), (xi, high)]
            cap_colours += [PALETTE[group]] * 2
        ax.plot(
            x,
            estimates,
            color=PALETTE[group],
            marker=MARKERS[group],
            linewidth=width,
            markersize=6,
            zorder=3,
        )
        ends.append((estimates[-1], x[-1], group))
    if bars:
        colours, widths = zip(*bar_styles, strict=True)
        ax.add_collection(segments(bars, colours, widths), autolim=False)
        cap_x, cap_y = zip(*caps, strict=True)
        ax.scatter(cap_x, cap_y, marker="_", s=CAP_SIZE**2, c=cap_colours, linewidths=1.0)
    true_value = {group: y for y, _, group in ends}
    placed = spread_labels(ends, MIN_LABEL_GAP)
    ax.add_artist(
        Labels(
            [(end_x, y) for y, _, _ in placed],
            [format_number(true_value[g], report.lang) for _, _, g in placed],
            transform=ax.transData,
            ha="left",
            fontsize=8.5,
            color=[PALETTE[g] for _, _, g in placed],
        )
    )


def _panel_titles(figure: Figure, axes, titles: list[str]) -> None:
    """Each panel's title above its top left corner (one label set in figure coordinates)."""
    above = figure.transFigure + ScaledTranslation(0, 6 / 72, figure.dpi_scale_trans)
    positions = [(ax.get_position().x0, ax.get_position().y1) for ax in axes]
    figure.add_artist(
        Labels(
            positions,
            titles,
            transform=above,
            ha="left",
            va="baseline",
            fontsize=11,
            fontweight="bold",
            color=PALETTE["text"],
        )
    )


def _panel_axes(ax: Axes, rounds: list[str], first_column: bool) -> None:
    """Limits, the rounds below and the 0–100 grid (values on the left column only)."""
    ax.set_xlim(-0.35, len(rounds) - 0.45 + 0.3)
    ax.set_ylim(0, 100)
    value_scale(
        ax, "y", [(v, str(v)) for v in range(0, 101, 20)], labelled=first_column, fontsize=10
    )
    below = ax.get_xaxis_transform() + ScaledTranslation(0, -5 / 72, ax.figure.dpi_scale_trans)
    ax.add_artist(
        Labels(
            [(i, 0) for i in range(len(rounds))],
            rounds,
            transform=below,
            va="top",
            fontsize=9,
            color=PALETTE["text"],
        )
    )
