"""The change chart: each measure's index over the rounds, one panel per measure, a line per group.

The panels stand one below the other (a phone's column holds one) and share one vertical
scale, zoomed to the values shown (:func:`~anchoring.report.figure_parts.value_range`) so
that changes of a few points and their intervals can be seen. The interval bars are the
analysis stage's 95 % intervals, drawn as published, thick and over the markers so that they
stay visible; within a round the groups are set a little apart so their intervals do not
cover each other. The marker of the current round is filled where the change since the
previous round holds after the Holm adjustment (``change.parquet``'s ``p_value_holm`` below
:func:`~anchoring.report.main_points.significance_level`) and hollow where it does not; the
legend says so. The last value of each line is printed at its end, moved apart vertically
where values are close.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from anchoring.groups import GROUPS
from anchoring.report.figure_model import GROUP_COLOURS, new_figure
from anchoring.report.figure_parts import SCALE_STEP, add_legend, value_range
from anchoring.report.inputs import Report
from anchoring.report.labels import capitalise
from anchoring.report.main_points import holds_after_holm, shown_changes
from anchoring.report.numbers import format_number
from anchoring.texts import text

MIN_LABEL_GAP = 10.0
"""Index points between the value labels at the end of the change lines."""

MARKERS = {"municipality": "o", "hospital": "s", "gp": "^", "sector": "D"}
"""Marker of each group's line (shape as well as colour tells the lines apart)."""

OFFSETS = {"municipality": -0.09, "hospital": -0.03, "gp": 0.03, "sector": 0.09}
"""Horizontal offset of each group's points within a round, so intervals do not overlap."""

CAP_HALF = 0.025
"""Half the width of an interval's end caps, in rounds."""

PANEL_IN = 2.0
"""Height of one measure's panel in inches."""

LINES = (*GROUPS, "sector")
"""The lines of every panel, in legend order."""


def holding_changes(report: Report) -> set[tuple[str, str]]:
    """``(measure, group)`` whose change since the previous round holds after Holm adjustment."""
    rows = shown_changes(report)
    if rows.empty:
        return set()
    return {
        (measure, group)
        for measure, group, p_holm in rows[["measure", "group", "p_value_holm"]].itertuples(
            index=False, name=None
        )
        if holds_after_holm(report, p_holm)
    }


def spread_labels(
    ends: list[tuple[float, float, str]], gap: float
) -> list[tuple[float, float, str]]:
    """Move end labels apart vertically (at least ``gap``), keeping their order.

    Labels closer than ``gap`` form a cluster, spaced ``gap`` apart and centred on the mean of
    their values (so a label moves no further than it must, up or down); a cluster that then
    comes too close to the one below merges with it.

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
    clusters: list[list[tuple[float, float, str]]] = []
    for end in sorted(ends):
        clusters.append([end])
        while len(clusters) > 1 and _too_close(clusters[-2], clusters[-1], gap):
            last = clusters.pop()
            clusters[-1] += last
    return [
        (_lowest(cluster, gap) + k * gap, x, group)
        for cluster in clusters
        for k, (_, x, group) in enumerate(cluster)
    ]


def _too_close(below: list, above: list, gap: float) -> bool:
    """Whether the lowest label of ``above`` comes closer than ``gap`` to the top of ``below``."""
    return _lowest(above, gap) < _lowest(below, gap) + gap * len(below)


def _lowest(cluster: list[tuple[float, float, str]], gap: float) -> float:
    """Where the lowest label of a cluster goes: the cluster centred on its values' mean."""
    mean = sum(y for y, _, _ in cluster) / len(cluster)
    return mean - gap * (len(cluster) - 1) / 2


def build_change_figure(report: Report) -> Figure | None:
    """Draw the index of each measure over the rounds; ``None`` with fewer than two rounds.

    Parameters
    ----------
    report
        The loaded round with its history (this and earlier rounds' index estimates).

    Returns
    -------
    matplotlib.figure.Figure or None
        The figure, not yet saved.
    """
    history = report.history
    if history.empty or history["round_id"].nunique() < 2:
        return None
    rounds = list(dict.fromkeys(history["round_id"]))
    figure = new_figure(0.9 + PANEL_IN * len(report.measures))
    axes = figure.subplots(nrows=len(report.measures), sharex=True, squeeze=False)[:, 0]
    series = _shown_series(history, rounds)
    limits = [p for points in series.values() for p in points]
    low, high = value_range([p[2] for p in limits], [p[3] for p in limits])
    holds = holding_changes(report)
    for ax, measure in zip(axes, report.measures, strict=True):
        ax.set_title(capitalise(report.labels.measure_short(measure)))
        ax.set_ylim(low, high)
        ax.set_yticks(range(int(low), int(high) + 1, SCALE_STEP))
        ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
        ax.set_axisbelow(True)
        _draw_panel(report, ax, measure, series, len(rounds) - 1 + 0.16, holds)
    axes[-1].set_xlim(-0.3, len(rounds) - 1 + 0.55)
    axes[-1].set_xticks(
        range(len(rounds)),
        rounds,
        rotation=0 if len(rounds) <= 3 else 40,
        ha="center" if len(rounds) <= 3 else "right",
    )
    handles = [
        Line2D([], [], color=GROUP_COLOURS[g], marker=MARKERS[g], markerfacecolor="white")
        for g in LINES
    ]
    names = [report.labels.group(g) for g in LINES]
    if report.change is not None:
        mark = {"color": "#333333", "marker": "o", "linestyle": "none"}
        handles += [Line2D([], [], **mark), Line2D([], [], markerfacecolor="white", **mark)]
        names += [
            text("figure_change_holds", report.lang),
            text("figure_change_not_holds", report.lang),
        ]
    add_legend(figure, handles, names)
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


def _draw_panel(
    report: Report,
    ax: Axes,
    measure: str,
    series: _Series,
    end_x: float,
    holds: set[tuple[str, str]],
) -> None:
    """A measure's lines with their interval bars, and each line's last value at ``end_x``.

    The last marker is filled where the group's change holds after Holm (``holds``).
    """
    ends: list[tuple[float, float, str]] = []
    for group in LINES:
        points = series.get((measure, group))
        if not points:
            continue
        colour = GROUP_COLOURS[group]
        x = [number + OFFSETS[group] for number, _, _, _ in points]
        estimates = [estimate for _, estimate, _, _ in points]
        lows = [low for _, _, low, _ in points]
        highs = [high for _, _, _, high in points]
        ax.plot(
            x,
            estimates,
            color=colour,
            marker=MARKERS[group],
            markersize=5,
            markerfacecolor="white",
            linewidth=2.0 if group == "sector" else 1.4,
            zorder=3,
        )
        if (measure, group) in holds:
            ax.plot(
                x[-1:],
                estimates[-1:],
                linestyle="none",
                marker=MARKERS[group],
                markersize=5,
                color=colour,
                zorder=3.5,
            )
        ax.vlines(x, lows, highs, colors=colour, linewidth=2.2, zorder=4)
        for limits in (lows, highs):
            ax.hlines(
                limits,
                [v - CAP_HALF for v in x],
                [v + CAP_HALF for v in x],
                colors=colour,
                linewidth=2.2,
                zorder=4,
            )
        ends.append((estimates[-1], x[-1], group))
    true_value = {group: y for y, _, group in ends}
    for y, _, group in spread_labels(ends, MIN_LABEL_GAP):
        ax.text(
            end_x,
            y,
            format_number(true_value[group], report.lang),
            va="center",
            color=GROUP_COLOURS[group],
        )
