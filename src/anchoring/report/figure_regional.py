"""The regional dot plot: a measure's index per county or RHF, one panel per group.

Each panel holds one group's strata (the municipalities and the GPs by county, the hospital
trusts by regional health authority), sorted from the highest index to the lowest so that the
lowest region is at the bottom; hidden regions (":", methodology §7) and regions without a
published value come last. Each region is a hollow point with its 95 % interval (the analysis
stage's, drawn as published) and its value printed to the right; a grey vertical line marks the
group's index for the whole country. The panels share one scale, zoomed to the values shown as
in the change chart (:func:`~anchoring.report.figure_parts.value_range`), so that differences of
a few points between regions can be seen; the scale is printed under every panel.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from anchoring.report.figure_model import HIDDEN_BORDER, INDEX_COLOURS, new_figure
from anchoring.report.figure_parts import value_range
from anchoring.report.inputs import Report
from anchoring.report.numbers import MISSING, SUPPRESSED, format_number
from anchoring.report.strata import Region, regional_groups, regions
from anchoring.texts import text

ROW_IN = 0.24
"""Height of one region's row, in inches."""

PANEL_EXTRA_IN = 0.72
"""Height a panel adds for its title and tick labels, in inches."""

CAP_HALF = 0.22
"""Half the height of an interval's end caps, in rows."""

NATIONAL_COLOUR = HIDDEN_BORDER
"""The vertical line of the group's national index (grey, behind the points)."""

GRID_COLOUR = "#E4E4E4"
"""The light vertical grid lines at the axis ticks."""


def sort_for_plot(found: list[Region]) -> list[Region]:
    """Shown regions from the highest index to the lowest (ties by id), then the others."""
    shown = sorted(
        (r for r in found if r.is_shown), key=lambda r: (-r.estimate.estimate, r.stratum)
    )
    return shown + [r for r in found if not r.is_shown]


def panels(report: Report, measure: str) -> list[tuple[str, list[Region]]]:
    """The panels of a measure's figure: each group with regions, its regions in plot order."""
    found = [(g, regions(report, measure, g)) for g in regional_groups(report)]
    return [(g, sort_for_plot(r)) for g, r in found if any(x.estimate is not None for x in r)]


def build_regional_figure(report: Report, measure: str) -> Figure | None:
    """Draw a measure's index per region, one panel per group; ``None`` with no regions.

    Parameters
    ----------
    report
        The loaded round.
    measure
        The measure.

    Returns
    -------
    matplotlib.figure.Figure or None
        The figure, not yet saved.
    """
    shown = panels(report, measure)
    if not shown:
        return None
    # The ratios apply to the Axes themselves (constrained layout), so every row is as high.
    heights = [len(found) for _, found in shown]
    figure = new_figure(sum(heights) * ROW_IN + len(shown) * PANEL_EXTRA_IN + 0.3)
    axes = figure.subplots(len(shown), 1, gridspec_kw={"height_ratios": heights}, squeeze=False)
    scale = _scale(report, measure, shown)
    for ax, (group, found) in zip(axes[:, 0], shown, strict=True):
        _draw_panel(report, ax, measure, group, found)
        ax.set_xlim(*scale)
        step = 10 if scale[1] - scale[0] <= 50 else 20
        ax.set_xticks(range(int(scale[0]), int(scale[1]) + 1, step))
    axes[-1, 0].set_xlabel(report.labels.text("index"))
    return figure


def _scale(
    report: Report, measure: str, shown: list[tuple[str, list[Region]]]
) -> tuple[float, float]:
    """One scale for every panel: the shown intervals and national values, zoomed."""
    lows, highs = [], []
    for group, found in shown:
        for region in found:
            if region.is_shown:
                lows.append(region.estimate.ci_low)
                highs.append(region.estimate.ci_high)
        national = report.estimates.get(measure, group, "mean")
        if national is not None and national.is_shown:
            lows.append(national.estimate)
            highs.append(national.estimate)
    lows, highs = [v for v in lows if v is not None], [v for v in highs if v is not None]
    return value_range(lows, highs) if lows and highs else (0.0, 100.0)


def _draw_panel(report: Report, ax: Axes, measure: str, group: str, found: list[Region]) -> None:
    """One group's regions: names on the left, points with intervals, values on the right."""
    labels = report.labels
    title = text(
        "regional_panel", report.lang, group=labels.group(group), stratum=labels.stratum_kind(group)
    )
    # From the figure's left edge (not the Axes'), so that a long title has the full width.
    ax.annotate(
        title,
        xy=(0, 1),
        xycoords=("figure fraction", "axes fraction"),
        xytext=(1, 6),
        textcoords="offset points",
        va="bottom",
        fontsize=12,
        fontweight="bold",
    )
    ax.set_ylim(len(found) - 0.5, -0.5)
    ax.grid(axis="x", color=GRID_COLOUR, linewidth=0.8, zorder=0)
    ax.set_axisbelow(True)
    ax.set_yticks(range(len(found)), [r.name for r in found])
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    national = report.estimates.get(measure, group, "mean")
    if national is not None and national.is_shown:
        ax.axvline(national.estimate, color=NATIONAL_COLOUR, linewidth=1.4, zorder=1)
    colour = INDEX_COLOURS["group"]
    value_at = ax.get_yaxis_transform()  # x in axes fraction, y in data
    for y, region in enumerate(found):
        e = region.estimate
        if not region.is_shown:
            hidden = e is not None and e.is_suppressed
            ax.text(1.02, y, SUPPRESSED if hidden else MISSING, transform=value_at, va="center")
            if hidden:
                ax.text(0.02, y, text("alt_hidden", report.lang), transform=value_at, va="center")
            continue
        ax.text(1.02, y, format_number(e.estimate, report.lang), transform=value_at, va="center")
        ax.hlines(y, e.ci_low, e.ci_high, colors=colour, linewidth=2, zorder=3.5)
        ax.vlines([e.ci_low, e.ci_high], y - CAP_HALF, y + CAP_HALF, colors=colour, zorder=3.5)
        ax.plot(
            [e.estimate],
            [y],
            linestyle="none",
            marker="o",
            markersize=7,
            markerfacecolor="white",
            markeredgecolor=colour,
            markeredgewidth=1.5,
            zorder=3,
        )
