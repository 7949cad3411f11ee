"""The answer-distribution figure: diverging stacked bars of a measure's dimensions by group.

One Axes holds everything. The groups are blocks of rows one below the other (a bold heading,
then one row per dimension); the diverging bars (disagree | neither | agree, centred on the
middle of «neither») take the x range −1 to 1, and the «Vet ikke» bars have their own scale in a
column to the right (from :data:`DONT_KNOW_LEFT`). All rectangles are one
:class:`~matplotlib.collections.PolyCollection` and the guide lines two
:class:`~matplotlib.collections.LineCollection` (below and above the bars); the axis machinery
is switched off, and the labels of each kind (shares, «Vet ikke» shares, dimension names, group
headings, the «Vet ikke» column heading, scales, the hidden text of a suppressed group) are one
:class:`~.figure_labels.Labels` each.
Every share wide enough to hold its number (:data:`MIN_LABELLED_SHARE`) and every «Vet ikke»
share is printed.
"""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory

from anchoring.groups import GROUPS
from anchoring.report.distribution import CATEGORIES
from anchoring.report.figure_labels import Labels
from anchoring.report.figure_legend import LegendEntry, legend_row
from anchoring.report.figure_model import PALETTE, WIDTH_IN, new_figure
from anchoring.report.figure_parts import rectangles, segments, word
from anchoring.report.inputs import Report
from anchoring.report.numbers import format_percent

MIN_LABELLED_SHARE = 0.14
"""Bar segments narrower than this carry no number (it would not fit); the table has it."""

ROW_IN = 0.34
"""Height of one dimension row in inches (one y data unit)."""

BAR_HEIGHT = 0.72
"""Height of a bar, in rows."""

HEADING_TO_ROWS = 1.05
"""Rows from a group's heading to its first bar."""

BLOCK_GAP = 1.4
"""Rows from a group's last bar to the next group's heading."""

SCALE_BELOW = 0.95
"""Rows from the last bar to the scale labels."""

DONT_KNOW_LEFT = 1.14
"""x where the «Vet ikke» column starts (the diverging bars span −1 to 1)."""

DONT_KNOW_WIDTH = 0.55
"""Width of the «Vet ikke» column in x units; its largest value × 1.35 (at least 25 %) fills it."""

MARGINS_IN = (2.15, 0.5, 0.42, 0.05)
"""Left (dimension names), right, top (legend) and bottom margins in inches."""

MIN_SCALE_GAP_IN = 0.45
"""Least distance between two labels of the «Vet ikke» scale in inches (a label is ~0.35)."""

_LEFT_OF_BARS = -0.012
"""Where the dimension names end, in axes fraction (a small gap before the bars)."""

_HEADING_X_IN = 0.12
"""Where the group headings start, in inches from the figure's left edge."""


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
        The figure, not yet rendered.
    """
    dims = report.instrument.dimension_ids
    block = HEADING_TO_ROWS + len(dims) - 1 + BLOCK_GAP
    tops = [b * block for b in range(len(GROUPS))]
    last_bar = tops[-1] + HEADING_TO_ROWS + len(dims) - 1
    y_range = (-0.6, last_bar + SCALE_BELOW + 0.35)
    height = sum(MARGINS_IN[2:]) + ROW_IN * (y_range[1] - y_range[0])
    figure, ax = new_figure(height, MARGINS_IN)
    ax.set_axis_off()
    ax.set_xlim(-1, DONT_KNOW_LEFT + DONT_KNOW_WIDTH)
    ax.set_ylim(y_range[1], y_range[0])
    drawing = _Drawing(report, ax, DONT_KNOW_WIDTH / _dont_know_max(distribution))
    for top, group in zip(tops, GROUPS, strict=True):
        rows = distribution[distribution["group"] == group].set_index("dimension").loc[dims]
        drawing.block(report.labels.group(group), top, rows.reset_index())
    drawing.finish(tops[0], last_bar + SCALE_BELOW)
    legend_row(figure, _legend_entries(report))
    return figure


def _dont_know_max(distribution: pd.DataFrame) -> float:
    """The «Vet ikke» value at the right end of its column (at least 25 %)."""
    known = distribution["dont_know"].dropna()
    return max(0.25, float(known.max()) * 1.35) if len(known) else 0.25


def _legend_entries(report: Report) -> list[LegendEntry]:
    return [LegendEntry(report.labels.text(c), PALETTE[c]) for c in (*CATEGORIES, "dont_know")]


_LABEL_STYLES: dict[str, dict[str, object]] = {
    "share": {"fontsize": 8, "fontweight": "bold", "color": "white"},
    "dont_know": {"fontsize": 8.5, "ha": "left", "color": PALETTE["text"]},
    "name": {"fontsize": 10, "ha": "right", "color": PALETTE["text"]},
    "heading": {"fontsize": 11, "fontweight": "bold", "ha": "left", "color": PALETTE["text"]},
    "column": {"fontsize": 10, "fontweight": "bold", "ha": "left", "color": PALETTE["text"]},
    "scale": {"fontsize": 9, "color": PALETTE["text"]},
    "hidden": {"fontsize": 10, "color": PALETTE["text"]},
}
"""The figure's kinds of label: each kind is drawn as one :class:`~.figure_labels.Labels`."""


class _Drawing:
    """Collects the rectangles, lines and labels of the figure and adds them at the end."""

    def __init__(self, report: Report, ax: Axes, scale: float) -> None:
        self.report, self.ax, self.scale = report, ax, scale
        self.boxes: list[tuple[float, float, float, float]] = []
        self.colours: list[str] = []
        self.edges: list[str] = []
        self.lines: dict[bool, list] = {False: [], True: []}
        self.line_colours: dict[bool, list[str]] = {False: [], True: []}
        self.labels: dict[str, tuple[list, list]] = {kind: ([], []) for kind in _LABEL_STYLES}

    def _label(self, kind: str, x: float, y: float, text: str) -> None:
        self.labels[kind][0].append((x, y))
        self.labels[kind][1].append(text)

    def block(self, name: str, top: float, rows: pd.DataFrame) -> None:
        """One group at ``top``: its heading, dimension names, and bars or the hidden text."""
        first = top + HEADING_TO_ROWS
        last = first + len(rows) - 1
        self._label("heading", _HEADING_X_IN / WIDTH_IN, top, name)
        for k, dimension in enumerate(rows["dimension"]):
            self._label("name", _LEFT_OF_BARS, first + k, self.report.labels.dimension(dimension))
        if not rows["is_shown"].any():
            self._label("hidden", 0.0, (first + last) / 2, word(self.report, "hidden"))
            return
        for k, row in enumerate(rows.itertuples(index=False)):
            self._diverging_bar(first + k, row)
            self._dont_know_bar(first + k, row.dont_know)
        span = (first - 0.5, last + 0.5)
        self._guides(span, (0.0, DONT_KNOW_LEFT), PALETTE["text"], above=True)
        self._guides(span, (-0.5, 0.5), PALETTE["grid"], above=False)

    def _guides(self, span, xs, colour: str, above: bool) -> None:
        for x in xs:
            self.lines[above].append(((x, span[0]), (x, span[1])))
            self.line_colours[above].append(colour)

    def _scale(self) -> list[tuple[float, str]]:
        """Positions and labels of the scales: 50 % either side of 0, «Vet ikke» by 10 %.

        «Vet ikke» goes by 20 % instead when 10 % would put its labels closer than
        :data:`MIN_SCALE_GAP_IN` (a long «Vet ikke» scale).
        """
        lang = self.report.lang
        inches_per_x = (WIDTH_IN - MARGINS_IN[0] - MARGINS_IN[1]) / (
            1 + DONT_KNOW_LEFT + DONT_KNOW_WIDTH
        )
        step = 0.1 if 0.1 * self.scale * inches_per_x >= MIN_SCALE_GAP_IN else 0.2
        steps = range(1, math.ceil(DONT_KNOW_WIDTH / (step * self.scale)))
        ticks = [(x, format_percent(abs(x), lang)) for x in (-0.5, 0.5)]
        return ticks + [
            (DONT_KNOW_LEFT + k * step * self.scale, format_percent(k * step, lang)) for k in steps
        ]

    def _diverging_bar(self, y: float, row) -> None:
        left = -(row.disagree + row.neutral / 2)
        for category in CATEGORIES:
            width = getattr(row, category)
            self._box(left, y, width, PALETTE[category], "white")
            if width >= MIN_LABELLED_SHARE:
                self._label("share", left + width / 2, y, format_percent(width, self.report.lang))
            left += width

    def _dont_know_bar(self, y: float, share: float | None) -> None:
        if share is None or pd.isna(share):
            return
        width = share * self.scale
        self._box(DONT_KNOW_LEFT, y, width, PALETTE["dont_know"], PALETTE["dont_know"])
        self._label(
            "dont_know",
            DONT_KNOW_LEFT + width + 0.04 * DONT_KNOW_WIDTH,
            y,
            format_percent(share, self.report.lang),
        )

    def _box(self, left: float, y: float, width: float, colour: str, edge: str) -> None:
        self.boxes.append((left, y - BAR_HEIGHT / 2, width, BAR_HEIGHT))
        self.colours.append(colour)
        self.edges.append(edge)

    def finish(self, top: float, scale_y: float) -> None:
        """Add the bars, guides and labels, the «Vet ikke» heading and the scales.

        The «Vet ikke» scale has short tick marks under the last group (no guide lines: its
        labels stand beside its bars, on white).
        """
        ax, scale = self.ax, self._scale()
        self._label("column", DONT_KNOW_LEFT, top, self.report.labels.text("dont_know"))
        for x, text in [(0.0, format_percent(0.0, self.report.lang)), *scale]:
            self._label("scale", x, scale_y, text)
        last_bar = scale_y - SCALE_BELOW
        ticks = [x for x, _ in scale if x > DONT_KNOW_LEFT]
        self._guides((last_bar + 0.5, last_bar + 0.62), ticks, PALETTE["neutral"], above=True)
        ax.add_collection(rectangles(self.boxes, self.colours, self.edges), autolim=False)
        for above in (False, True):
            lines = segments(self.lines[above], self.line_colours[above], 0.8)
            lines.set_zorder(2.5 if above else 0.5)
            ax.add_collection(lines, autolim=False)
        transforms = {
            "name": blended_transform_factory(ax.transAxes, ax.transData),
            "heading": blended_transform_factory(ax.figure.transFigure, ax.transData),
        }
        for kind, (positions, texts) in self.labels.items():
            if texts:
                ax.add_artist(
                    Labels(
                        positions,
                        texts,
                        transform=transforms.get(kind, ax.transData),
                        **_LABEL_STYLES[kind],
                    )
                )
