"""The answer-distribution figure: diverging stacked bars of a measure's dimensions by group.

The groups are blocks one below the other: a bold heading, then per dimension its name above its
bar, so that names and bars both keep the figure's full width on a phone. A bar is disagree |
neither | agree, centred on the middle of «neither» (x = 0); the x range follows the data (at
least 50 % either side). «Vet ikke» has its own column to the right with its own scale, and
every «Vet ikke» share is printed beside its bar; a share inside a bar is printed where it is at
least :data:`MIN_LABEL_IN` wide. A suppressed group shows its heading and ": hidden".
"""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from anchoring.groups import GROUPS
from anchoring.report.distribution import CATEGORIES
from anchoring.report.figure_model import ANSWER_COLOURS, LIGHT_TEXT, TEXT, WIDTH_IN, new_figure
from anchoring.report.figure_parts import add_legend, word
from anchoring.report.inputs import Report
from anchoring.report.numbers import format_percent

ROW_IN = 0.48
"""Inches from one dimension's bar to the next (one y data unit)."""

BAR = 0.4
"""Height of a bar, in rows."""

NAME_GAP_PT = 2
"""Points between a bar's top and the baseline of its name (the name hugs its own bar)."""

HEADING_TO_BAR = 1.15
"""Rows from a group's heading to its first bar."""

BLOCK_GAP = 0.7
"""Rows from a group's last bar to the next group's heading."""

MIN_LABEL_IN = 0.45
"""A share is printed inside its bar segment when the segment is at least this wide (inches)."""

DONT_KNOW_GAP, DONT_KNOW_WIDTH = 0.08, 0.32
"""Gap before the «Vet ikke» column and its width, as fractions of the diverging bars' range."""

DARK_CATEGORIES = frozenset({"disagree", "agree"})
"""Bar segments dark enough for light text."""


def build_distribution_figure(report: Report, distribution: pd.DataFrame) -> Figure:
    """Draw a measure's answer distribution (from :func:`~.distribution.answer_distribution`).

    Parameters
    ----------
    report
        The loaded round (labels and language).
    distribution
        Shares per group and dimension, one measure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, not yet saved.
    """
    dims = report.instrument.dimension_ids
    blocks = [distribution[distribution["group"] == g].set_index("dimension") for g in GROUPS]
    heights = [HEADING_TO_BAR + (len(dims) - 1 if b["is_shown"].any() else -0.5) for b in blocks]
    bottom = sum(heights) + BLOCK_GAP * (len(GROUPS) - 1) + BAR / 2 + 0.1
    figure = new_figure(ROW_IN * bottom + 0.95)
    ax = figure.subplots()
    scale = _Scale(distribution)
    ax.set_xlim(scale.left, scale.right)
    ax.set_ylim(bottom, -0.1)
    _axes_style(report, ax, scale)
    top = 0.0
    for group, rows, height in zip(GROUPS, blocks, heights, strict=True):
        _draw_block(report, ax, scale, report.labels.group(group), top, rows.loc[dims])
        top += height + BLOCK_GAP
    handles = [Patch(facecolor=ANSWER_COLOURS[c]) for c in (*CATEGORIES, "dont_know")]
    add_legend(figure, handles, [report.labels.text(c) for c in (*CATEGORIES, "dont_know")])
    return figure


class _Scale:
    """The x layout: the diverging bars' range, then the «Vet ikke» column and its scale."""

    def __init__(self, distribution: pd.DataFrame) -> None:
        shown = distribution[distribution["is_shown"]]
        lefts = shown["disagree"] + shown["neutral"] / 2
        rights = shown["agree"] + shown["neutral"] / 2
        self.diverging = (
            -_rounded_up(max(0.5, float(lefts.max()) if len(shown) else 0.5)),
            _rounded_up(max(0.5, float(rights.max()) if len(shown) else 0.5)),
        )
        span = self.diverging[1] - self.diverging[0]
        self.dont_know_left = self.diverging[1] + DONT_KNOW_GAP * span
        self.left, self.right = self.diverging[0], self.dont_know_left + DONT_KNOW_WIDTH * span
        known = shown["dont_know"].dropna().astype(float)
        largest = max(0.1, float(known.max()) if len(known) else 0.0)
        # The largest «Vet ikke» bar (or 10 %) fills 60 % of its column; its label follows it.
        self.dont_know_unit = 0.6 * DONT_KNOW_WIDTH * span / largest
        self.inches_per_unit = (WIDTH_IN - 0.2) / (self.right - self.left)


def _rounded_up(value: float) -> float:
    return math.ceil(value * 10 - 1e-9) / 10


def _axes_style(report: Report, ax: Axes, scale: _Scale) -> None:
    """No frame and no y axis; the diverging scale's ticks below (50 % either side and 0)."""
    for spine in ax.spines.values():
        spine.set_visible(False)
    ticks = [x for x in (-0.5, 0.0, 0.5) if scale.left <= x <= scale.diverging[1]]
    ax.set_xticks(ticks, [format_percent(abs(x), report.lang) for x in ticks])
    ax.set_yticks([])
    ax.tick_params(bottom=False)


def _draw_block(
    report: Report, ax: Axes, scale: _Scale, name: str, top: float, rows: pd.DataFrame
) -> None:
    """One group from ``top``: its heading and «Vet ikke» heading, then names and bars."""
    first = top + HEADING_TO_BAR
    heading_y = first - BAR / 2 - 0.58
    ax.text(scale.left, heading_y, name, fontsize=12, fontweight="bold", va="bottom")
    if not rows["is_shown"].any():
        ax.text(scale.left, first - 0.5, word(report, "hidden"), va="center")
        return
    ax.text(
        scale.dont_know_left,
        heading_y,
        report.labels.text("dont_know"),
        fontweight="bold",
        va="bottom",
    )
    for k, (dimension, row) in enumerate(rows.iterrows()):
        y = first + k
        ax.annotate(
            report.labels.dimension(dimension),
            (scale.left, y - BAR / 2),
            xytext=(0, NAME_GAP_PT),
            textcoords="offset points",
        )
        _diverging_bar(report, ax, scale, y, row)
        _dont_know_bar(report, ax, scale, y, row["dont_know"])


def _diverging_bar(report: Report, ax: Axes, scale: _Scale, y: float, row: pd.Series) -> None:
    """Disagree | neither | agree from ``-(disagree + neither / 2)``, shares printed if wide."""
    left = -(row["disagree"] + row["neutral"] / 2)
    for category in CATEGORIES:
        width = float(row[category])
        ax.barh(
            y,
            width,
            left=left,
            height=BAR,
            color=ANSWER_COLOURS[category],
            edgecolor="white",
            linewidth=0.6,
        )
        if width * scale.inches_per_unit >= MIN_LABEL_IN:
            colour = LIGHT_TEXT if category in DARK_CATEGORIES else TEXT
            ax.text(
                left + width / 2,
                y,
                format_percent(width, report.lang),
                ha="center",
                va="center",
                fontweight="bold",
                color=colour,
            )
        left += width
    # The centre as a short mark below the bar (a line through the bar would cross the «neither»
    # share printed there, one above it the dimension's name).
    ax.vlines(0, y + BAR / 2, y + BAR / 2 + 0.16, colors=TEXT, linewidth=1.2)


def _dont_know_bar(report: Report, ax: Axes, scale: _Scale, y: float, share: object) -> None:
    """The «Vet ikke» bar and its share beside it (nothing when the share is unknown)."""
    if share is None or pd.isna(share):
        return
    width = float(share) * scale.dont_know_unit
    ax.barh(y, width, left=scale.dont_know_left, height=BAR, color=ANSWER_COLOURS["dont_know"])
    ax.text(
        scale.dont_know_left + width + 0.02 * (scale.right - scale.left),
        y,
        format_percent(float(share), report.lang),
        va="center",
    )
