"""The report's figures, drawn only from the round's published estimates.

- :func:`heatmap_figure`: the anchoring index by measure and group, coloured by the status bands;
- :func:`distribution_figure`: per measure, a diverging stacked bar of the seven dimensions by
  group (disagree | neither | agree), with «Vet ikke» in its own panel;
- :func:`index_figure`: per measure, the index of each group and the sector with its 95 % interval
  (the interval is the analysis stage's, never computed by a plotting library);
- :func:`change_figure`: the index over rounds, when earlier rounds exist.

Every value is printed on the figure; colours (≥ 3:1 against white) only repeat what the text
says. Suppressed cells are drawn as ":" (methodology §7).
"""

from __future__ import annotations

import math
import textwrap

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from anchoring.groups import GROUPS
from anchoring.report import alt_text
from anchoring.report.distribution import answer_distribution
from anchoring.report.figure_model import PALETTE, STYLE, ReportFigure, new_figure, png_bytes
from anchoring.report.html import anchor_id
from anchoring.report.inputs import Report
from anchoring.report.labels import capitalise
from anchoring.report.numbers import (
    SUPPRESSED,
    format_interval,
    format_number,
    format_percent,
)

MIN_LABELLED_SHARE = 0.14
"""Bar segments narrower than this carry no number (it would not fit); the table has it."""

_WORDS = {
    "hidden": {"nb": ": skjult (for få svar)", "en": ": hidden (too few responses)"},
    "below": {"nb": "Under {a}", "en": "Below {a}"},
    "between": {"nb": "{a} til under {b}", "en": "{a} to under {b}"},
    "above": {"nb": "{b} eller mer", "en": "{b} or more"},
    "threshold": {"nb": "{v}: {status}", "en": "{v}: {status}"},
    "round": {"nb": "Runde", "en": "Round"},
}


def _w(report: Report, key: str, **values: object) -> str:
    text = _WORDS[key][report.lang]
    return text.format(**values) if values else text


def _band_colour(report: Report, value: float) -> str:
    rule = report.config.estimation.status
    if value >= rule.well_index:
        return PALETTE["well"]
    return PALETTE["partly"] if value >= rule.partly_index else PALETTE["weak"]


def _wrap(text: str, width: int = 26) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def heatmap_figure(report: Report) -> ReportFigure:
    """The index of every measure (rows) by group and sector (columns), values printed."""
    labels, lang = report.labels, report.lang
    columns = (*GROUPS, "sector")
    with mpl.rc_context(STYLE):
        figure, ax = new_figure(1.3 + 0.62 * len(report.measures), (2.2, 0.2, 0.45, 0.6))
        for i, measure in enumerate(report.measures):
            by_group = report.estimates.index_by_group(measure)
            for j, group in enumerate(columns):
                e = by_group[group]
                shown = e is not None and e.is_shown
                colour = _band_colour(report, e.estimate) if shown else "white"
                ax.add_patch(
                    Rectangle(
                        (j, i),
                        1,
                        1,
                        facecolor=colour,
                        edgecolor="#BBBBBB" if not shown else "white",
                        linewidth=2,
                    )
                )
                text = format_number(e.estimate, lang) if shown else SUPPRESSED
                ax.text(
                    j + 0.5,
                    i + 0.5,
                    text,
                    ha="center",
                    va="center",
                    fontsize=12,
                    fontweight="bold",
                    color="white" if shown else PALETTE["text"],
                )
        ax.set_xlim(0, len(columns))
        ax.set_ylim(len(report.measures), 0)
        ax.set_xticks([j + 0.5 for j in range(len(columns))], [labels.group(g) for g in columns])
        ax.xaxis.tick_top()
        ax.set_yticks(
            [i + 0.5 for i in range(len(report.measures))],
            [_wrap(labels.measure(m)) for m in report.measures],
        )
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        figure.legend(handles=_band_handles(report), loc="lower center", ncols=4)
        png = png_bytes(figure)
    return ReportFigure("figure-heatmap", png, alt_text.heatmap_alt(report), labels.text("index"))


def _band_handles(report: Report) -> list:
    rule = report.config.estimation.status
    a, b = (format_number(v, report.lang, 0) for v in (rule.partly_index, rule.well_index))
    return [
        Patch(color=PALETTE["weak"], label=_w(report, "below", a=a)),
        Patch(color=PALETTE["partly"], label=_w(report, "between", a=a, b=b)),
        Patch(color=PALETTE["well"], label=_w(report, "above", b=b)),
        Patch(facecolor="white", edgecolor="#BBBBBB", label=_w(report, "hidden")),
    ]


def _segment(ax, y, left, width, colour, lang) -> None:
    ax.barh(y, width, left=left, color=colour, height=0.72, edgecolor="white", linewidth=0.8)
    if width >= MIN_LABELLED_SHARE:
        ax.text(
            left + width / 2,
            y,
            format_percent(width, lang),
            ha="center",
            va="center",
            color="white",
            fontsize=8,
            fontweight="bold",
        )


def _draw_group_bars(report: Report, ax, ax_dk, rows: pd.DataFrame, ymax: float) -> None:
    lang = report.lang
    y = np.arange(len(rows))
    for k, row in enumerate(rows.itertuples(index=False)):
        start = -(row.disagree + row.neutral / 2)
        _segment(ax, y[k], start, row.disagree, PALETTE["disagree"], lang)
        _segment(ax, y[k], -row.neutral / 2, row.neutral, PALETTE["neutral"], lang)
        _segment(ax, y[k], row.neutral / 2, row.agree, PALETTE["agree"], lang)
        if row.dont_know is not None and not pd.isna(row.dont_know):
            ax_dk.barh(y[k], row.dont_know, color=PALETTE["dont_know"], height=0.72)
            ax_dk.text(
                row.dont_know + ymax * 0.04,
                y[k],
                format_percent(row.dont_know, lang),
                va="center",
                fontsize=8.5,
                color=PALETTE["text"],
            )
    ax.axvline(0, color=PALETTE["text"], linewidth=0.8)


def distribution_figure(report: Report, measure: str) -> ReportFigure:
    """Diverging stacked bars of a measure's dimensions by group, «Vet ikke» apart."""
    labels, lang = report.labels, report.lang
    distribution = answer_distribution(report, measure)
    dims = report.instrument.dimension_ids
    known = distribution["dont_know"].dropna()
    dk_max = max(0.25, float(known.max()) * 1.35) if len(known) else 0.25
    with mpl.rc_context(STYLE):
        height = 0.9 + len(GROUPS) * (0.34 * len(dims) + 0.65)
        figure, axes = new_figure(
            height,
            (2.15, 0.45, 0.55, 0.35),
            nrows=len(GROUPS),
            ncols=2,
            width_ratios=[5, 1.3],
            sharey=True,
            hspace=0.3,
            wspace=0.12,
        )
        for r, group in enumerate(GROUPS):
            ax, ax_dk = axes[r]
            rows = distribution[distribution["group"] == group].set_index("dimension").loc[dims]
            ax.set_title(labels.group(group), loc="left")
            ax_dk.set_title(labels.text("dont_know"), loc="left", fontsize=10)
            if rows["is_shown"].any():
                _draw_group_bars(report, ax, ax_dk, rows.reset_index(), dk_max)
            else:
                ax.text(0, (len(dims) - 1) / 2, _w(report, "hidden"), ha="center", va="center")
            ax.set_xlim(-1, 1)
            ticks = (-0.5, 0, 0.5)
            ax.set_xticks(ticks, [format_percent(abs(v), lang) for v in ticks])
            ax_dk.set_xlim(0, dk_max)
            dk_ticks = [v for v in (0.1, 0.2, 0.3, 0.4) if v < dk_max]
            ax_dk.set_xticks(dk_ticks, [format_percent(v, lang) for v in dk_ticks])
            ax.set_yticks(range(len(dims)), [labels.dimension(d) for d in dims])
            ax.set_ylim(len(dims) - 0.5, -0.5)
        handles = [
            Patch(color=PALETTE[c], label=labels.text(c))
            for c in ("disagree", "neutral", "agree", "dont_know")
        ]
        figure.legend(handles=handles, loc="upper center", ncols=4)
        png = png_bytes(figure)
    caption = labels.text("note_reverse")
    return ReportFigure(
        anchor_id("figure", measure, "answers"),
        png,
        alt_text.distribution_alt(report, measure, distribution),
        caption,
    )


def index_figure(report: Report, measure: str) -> ReportFigure:
    """A measure's index by group and for the whole sector, with 95 % intervals and thresholds."""
    labels, lang = report.labels, report.lang
    names = (*GROUPS, "sector")
    positions = [0, 1, 2, 3.3]
    with mpl.rc_context(STYLE):
        figure, ax = new_figure(3.1, (1.9, 1.75, 0.2, 0.6))
        value_labels = []
        for y, group in zip(positions, names, strict=True):
            e = report.estimates.get(measure, group, "mean")
            colour = PALETTE["sector"] if group == "sector" else PALETTE["agree"]
            if e is None or not e.is_shown:
                ax.text(50, y, _w(report, "hidden"), ha="center", va="center")
                value_labels.append(SUPPRESSED)
                continue
            ax.errorbar(
                e.estimate,
                y,
                xerr=[[e.estimate - e.ci_low], [e.ci_high - e.estimate]],
                fmt="D" if group == "sector" else "o",
                color=colour,
                markersize=8,
                capsize=5,
                linewidth=2,
            )
            value_labels.append(
                f"{format_number(e.estimate, lang)} ({format_interval(e.ci_low, e.ci_high, lang)})"
            )
        _draw_bands(report, ax)
        ax.set_xlim(0, 100)
        ax.set_ylim(3.8, -1.45)
        ax.set_yticks(positions, [labels.group(g) for g in names])
        right = ax.secondary_yaxis("right")
        right.set_yticks(positions, value_labels)
        right.tick_params(length=0)
        right.spines["right"].set_visible(False)
        ax.set_xlabel(labels.text("index"))
        ax.grid(axis="x", color=PALETTE["grid"], linewidth=0.6)
        ax.set_axisbelow(True)
        png = png_bytes(figure)
    return ReportFigure(
        anchor_id("figure", measure, "index"),
        png,
        alt_text.index_alt(report, measure),
        labels.text("note_interval"),
    )


def _draw_bands(report: Report, ax) -> None:
    """Dashed lines at the status thresholds and the band names above the plot."""
    rule = report.config.estimation.status
    for value in (rule.partly_index, rule.well_index):
        ax.axvline(value, color=PALETTE["neutral"], linestyle="--", linewidth=1)
    bands = (
        ((0 + rule.partly_index) / 2, "weak"),
        ((rule.partly_index + rule.well_index) / 2, "partly"),
        ((rule.well_index + 100) / 2, "well"),
    )
    for x, status in bands:
        ax.text(
            x,
            -0.85,
            report.labels.status(status).replace(" ", "\n"),
            ha="center",
            va="center",
            fontsize=8.5,
            color=PALETTE["text"],
        )


MIN_LABEL_GAP = 7.5
"""Index points between the value labels at the end of the change lines."""


def _spread(ends: list[tuple[float, float, str]], gap: float) -> list[tuple[float, float, str]]:
    """Move end labels apart vertically (at least ``gap``), keeping their order."""
    placed: list[tuple[float, float, str]] = []
    for y, x, group in sorted(ends):
        if placed and y - placed[-1][0] < gap:
            y = placed[-1][0] + gap
        placed.append((y, x, group))
    return placed


def y_value(ends: list[tuple[float, float, str]], group: str) -> float:
    """The true last value of a group's line (labels may have been moved)."""
    return next(y for y, _, g in ends if g == group)


_MARKERS = {"municipality": "o", "hospital": "s", "gp": "^", "sector": "D"}


def change_figure(report: Report) -> ReportFigure | None:
    """The index of each measure over the rounds, one panel per measure, a line per group."""
    history = report.history
    if history.empty or history["round_id"].nunique() < 2:
        return None
    labels = report.labels
    rounds = list(dict.fromkeys(history["round_id"]))
    ncols = 2
    nrows = math.ceil(len(report.measures) / ncols)
    with mpl.rc_context(STYLE):
        figure, axes = new_figure(
            0.8 + 2.7 * nrows,
            (0.55, 0.3, 0.75, 0.4),
            nrows=nrows,
            ncols=ncols,
            squeeze=False,
            sharey=True,
            hspace=0.45,
            wspace=0.12,
        )
        for k, ax in enumerate(axes.flat):
            if k >= len(report.measures):
                ax.set_visible(False)
                continue
            _draw_change_panel(report, ax, report.measures[k], rounds)
        handles = [
            Line2D([], [], color=PALETTE[g], marker=_MARKERS[g], label=labels.group(g))
            for g in (*GROUPS, "sector")
        ]
        figure.legend(handles=handles, loc="upper center", ncols=4)
        png = png_bytes(figure)
    return ReportFigure(
        "figure-change", png, alt_text.change_alt(report), labels.text("note_error_bars")
    )


def _draw_change_panel(report: Report, ax, measure: str, rounds: list[str]) -> None:
    history = report.history
    offsets = {"municipality": -0.09, "hospital": -0.03, "gp": 0.03, "sector": 0.09}
    ends: list[tuple[float, float, str]] = []
    for group in (*GROUPS, "sector"):
        rows = history[(history["measure"] == measure) & (history["group"] == group)]
        rows = rows[~rows["is_suppressed"].astype(bool) & rows["estimate"].notna()]
        if rows.empty:
            continue
        x = rows["round_id"].map({r: i for i, r in enumerate(rounds)}) + offsets[group]
        ax.errorbar(
            x,
            rows["estimate"],
            yerr=[rows["estimate"] - rows["ci_low"], rows["ci_high"] - rows["estimate"]],
            color=PALETTE[group],
            marker=_MARKERS[group],
            capsize=3,
            linewidth=2 if group == "sector" else 1.3,
            markersize=6,
        )
        ends.append((float(rows["estimate"].iloc[-1]), float(x.iloc[-1]), group))
    for y, _, group in _spread(ends, MIN_LABEL_GAP):
        ax.text(
            len(rounds) - 1 + 0.16,
            y,
            format_number(y_value(ends, group), report.lang),
            va="center",
            fontsize=8.5,
            color=PALETTE[group],
        )
    ax.set_title(capitalise(report.labels.measure_short(measure)), loc="left")
    ax.set_xticks(range(len(rounds)), rounds)
    ax.set_xlim(-0.35, len(rounds) - 0.45 + 0.3)
    ax.set_ylim(0, 100)
    ax.grid(axis="y", color=PALETTE["grid"], linewidth=0.6)
    ax.set_axisbelow(True)
