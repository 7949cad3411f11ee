"""The change chart: each measure's index over the rounds, one panel per measure, a line per group.

The error bars are the analysis stage's 95 % intervals. Per panel the error bars are one
:class:`~matplotlib.collections.LineCollection` and their caps one marker collection (instead of
three artists per ``errorbar``); each group is one line with its markers; the last value of each
line is printed at its end, moved apart vertically where values are close.
"""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import ScaledTranslation

from anchoring.groups import GROUPS
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
    for k, ax in enumerate(axes.flat):
        if k < len(report.measures):
            measure = report.measures[k]
            title = capitalise(report.labels.measure_short(measure))
            _panel_axes(ax, title, rounds, first_column=k % 2 == 0)
            _draw_panel(report, ax, measure, rounds)
        else:
            ax.set_visible(False)
    handles = [
        Line2D([], [], color=PALETTE[g], marker=MARKERS[g], label=report.labels.group(g))
        for g in (*GROUPS, "sector")
    ]
    figure.legend(handles=handles, loc="upper center", ncols=4)
    return figure


def _draw_panel(report: Report, ax: Axes, measure: str, rounds: list[str]) -> None:
    history = report.history
    history = history[history["measure"] == measure]
    bars, bar_styles, caps, cap_colours = [], [], [], []
    ends: list[tuple[float, float, str]] = []
    for group in (*GROUPS, "sector"):
        rows = history[history["group"] == group]
        rows = rows[~rows["is_suppressed"].astype(bool) & rows["estimate"].notna()]
        if rows.empty:
            continue
        x = (rows["round_id"].map({r: i for i, r in enumerate(rounds)}) + OFFSETS[group]).tolist()
        group_bars, group_caps = _intervals(rows, x)
        bars += group_bars
        bar_styles += [(PALETTE[group], 2 if group == "sector" else 1.3)] * len(group_bars)
        caps += group_caps
        cap_colours += [PALETTE[group]] * len(group_caps)
        ax.plot(
            x,
            rows["estimate"].tolist(),
            color=PALETTE[group],
            marker=MARKERS[group],
            linewidth=2 if group == "sector" else 1.3,
            markersize=6,
            zorder=3,
        )
        ends.append((float(rows["estimate"].iloc[-1]), x[-1], group))
    if bars:
        colours, widths = zip(*bar_styles, strict=True)
        ax.add_collection(segments(bars, colours, widths), autolim=False)
        cap_x, cap_y = zip(*caps, strict=True)
        ax.scatter(cap_x, cap_y, marker="_", s=CAP_SIZE**2, c=cap_colours, linewidths=1.0)
    true_value = {group: y for y, _, group in ends}
    for y, _, group in spread_labels(ends, MIN_LABEL_GAP):
        ax.text(
            len(rounds) - 1 + 0.16,
            y,
            format_number(true_value[group], report.lang),
            va="center",
            fontsize=8.5,
            color=PALETTE[group],
        )


def _intervals(rows: pd.DataFrame, x: list[float]) -> tuple[list, list]:
    """A group's error bars (vertical lines) and the points of their caps (both ends)."""
    limits = list(zip(x, rows["ci_low"], rows["ci_high"], strict=True))
    bars = [((xi, low), (xi, high)) for xi, low, high in limits]
    caps = [(xi, v) for xi, low, high in limits for v in (low, high)]
    return bars, caps


def _panel_axes(ax: Axes, title: str, rounds: list[str], first_column: bool) -> None:
    """Limits, the title, the rounds below and the 0–100 grid (values on the left column)."""
    ax.set_xlim(-0.35, len(rounds) - 0.45 + 0.3)
    ax.set_ylim(0, 100)
    value_scale(
        ax, "y", [(v, str(v)) for v in range(0, 101, 20)], labelled=first_column, fontsize=10
    )
    below = ax.get_xaxis_transform() + ScaledTranslation(0, -5 / 72, ax.figure.dpi_scale_trans)
    for i, round_id in enumerate(rounds):
        ax.text(
            i,
            0,
            round_id,
            transform=below,
            ha="center",
            va="top",
            fontsize=9,
            color=PALETTE["text"],
        )
    above = ax.transAxes + ScaledTranslation(0, 6 / 72, ax.figure.dpi_scale_trans)
    ax.text(
        0,
        1,
        title,
        transform=above,
        ha="left",
        va="baseline",
        fontsize=11,
        fontweight="bold",
        color=PALETTE["text"],
    )
