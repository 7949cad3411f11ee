"""The analyst's exploratory figures (seaborn), one function per view.

Each function takes a :class:`~anchoring.workbench.round.Round` and returns a :class:`View`: a
:class:`matplotlib.figure.Figure` made without pyplot (no global state, no second copy shown by
the inline backend) that a notebook displays as PNG through IPython's ``_repr_png_`` protocol.
The numbers come from :mod:`anchoring.workbench.summaries` or the published tables; seaborn only
draws them: bar plots get ``errorbar=None`` (seaborn would otherwise bootstrap an interval with a
random seed), and the intervals of :func:`index_figure` are the published ones, drawn with
matplotlib. The views are unweighted and unsuppressed unless they say otherwise.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib.dates as mdates
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from anchoring.workbench import summaries
from anchoring.workbench.names import (
    GROUP_NAME,
    ROLE_NAME,
    STRATUM_NAME,
    dimension_names,
    group_names,
    measure_names,
)
from anchoring.workbench.round import Round
from anchoring.workbench.texts import text

WIDTH_IN = 10.0
PNG_DPI = 100
TICK_WRAP = 16
PALETTE = "colorblind"
HEATMAP_COLOURS = "Blues"


@dataclass(frozen=True)
class View:
    """A figure of the workbench; a notebook shows it as PNG.

    Attributes
    ----------
    figure
        The matplotlib figure (change it, or ``view.figure.savefig(path)``).
    """

    figure: Figure

    def _repr_png_(self) -> bytes:
        """The figure as PNG (IPython's display protocol)."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=PNG_DPI)
        return buffer.getvalue()

    def save(self, path: str | Path, dpi: int = PNG_DPI) -> Path:
        """Save the figure (format from the suffix: ``.png``, ``.svg``, ``.pdf``)."""
        self.figure.savefig(path, dpi=dpi)
        return Path(path)


def _figure(height_in: float, columns: int = 1) -> tuple[Figure, list]:
    figure = Figure(figsize=(WIDTH_IN, height_in), layout="constrained")
    axes = figure.subplots(1, columns, squeeze=False)[0]
    return figure, list(axes)


def _wrap_labels(ax, axis: str = "x", width: int = TICK_WRAP) -> None:
    """Wrap long category labels on an axis onto several lines, horizontally."""
    ticks = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    wrapped = [textwrap.fill(t.get_text(), width) for t in ticks]
    if axis == "x":
        ax.set_xticks(ax.get_xticks(), wrapped, rotation=0)
    else:
        ax.set_yticks(ax.get_yticks(), wrapped)


def _pick_measure(r: Round, measure: str | None) -> str:
    return measure if measure else r.measures[0]


def _bars(ax, data: pd.DataFrame, x: str, y: str, hue: str = GROUP_NAME) -> None:
    """Bars of the given numbers coloured by ``hue`` (seaborn, no interval: module docstring)."""
    sns.barplot(data=data, x=x, y=y, hue=hue, errorbar=None, palette=PALETTE, ax=ax)


def fieldwork_figure(r: Round) -> View:
    """Responses per day and group over fieldwork; weekends shaded, reminder days dashed."""
    table = summaries.responses_per_day(r)
    figure, (ax,) = _figure(3.6)
    sns.lineplot(
        data=table,
        x="date",
        y="responses_n",
        hue=GROUP_NAME,
        marker="o",
        errorbar=None,
        palette=PALETTE,
        ax=ax,
    )
    for day in table.loc[table["is_weekend"], "date"].drop_duplicates():
        ax.axvspan(day, day + pd.Timedelta(days=1), color="0.9", zorder=0, linewidth=0)
    reminders = summaries.reminder_dates(r)
    for day in reminders:
        ax.axvline(pd.Timestamp(day), color="0.3", linestyle="--", linewidth=1)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d.%m"))
    ax.set(
        title=text("fieldwork_title_reminders" if reminders else "fieldwork_title", r.lang),
        xlabel=text("date", r.lang),
        ylabel=text("responses_per_day", r.lang),
    )
    ax.legend(title=text("group", r.lang))
    return View(figure)


def response_rate_figure(r: Round) -> View:
    """Published response rate (organisations) by county (municipalities, GPs) and by RHF."""
    table = summaries.response_rates(r)
    hospital = group_names(r.instrument, r.lang)["hospital"]
    by_rhf = table[table[GROUP_NAME] == hospital]
    by_county = table[table[GROUP_NAME] != hospital]
    figure, (left, right) = _figure(5.0, columns=2)
    figure.set_layout_engine("constrained", w_pad=0.1)
    _bars(left, by_county, x="response_rate_pct", y=STRATUM_NAME)
    sns.barplot(data=by_rhf, y=STRATUM_NAME, x="response_rate_pct", errorbar=None, ax=right)
    for ax in (left, right):
        ax.set(xlabel=text("response_rate", r.lang) + " (%)", ylabel="")
    left.legend(title=text("group", r.lang))
    figure.suptitle(text("response_rate_title", r.lang))
    return View(figure)


def _answer_heatmap(table: pd.DataFrame, rows: list[str], title: str) -> View:
    wide = table.pivot_table(
        index=rows, columns="answer", values="share_pct", observed=False, sort=False
    )
    figure, (ax,) = _figure(1.4 + 0.3 * len(wide))
    sns.heatmap(wide, annot=True, fmt=".0f", cmap=HEATMAP_COLOURS, cbar=False, ax=ax)
    ax.set(title=title, xlabel="", ylabel="")
    _wrap_labels(ax, width=12)
    return View(figure)


def answers_by_group_figure(r: Round, measure: str | None = None) -> View:
    """Answer distribution (%) of each item of a measure, per group (a heatmap)."""
    measure = _pick_measure(r, measure)
    items = r.instrument.item_ids(measure)
    table = summaries.answer_shares(r.responses, items, GROUP_NAME)
    names = dimension_names(r.instrument, r.lang)
    table["item"] = table["item"].map(lambda i: names[i.split("__")[1]])
    title = text(
        "distribution_group_title", r.lang, measure=measure_names(r.instrument, r.lang)[measure]
    )
    return _answer_heatmap(table, ["item", GROUP_NAME], title)


def answers_by_stratum_figure(
    r: Round, measure: str | None = None, dimension: str | None = None, group: str = ""
) -> View:
    """Answer distribution (%) of one item per county or RHF (all groups, or one group).

    The item is ``<measure>__<dimension>``; by default the round's first measure and the
    instrument's first dimension (``kjennskap``).
    """
    item = f"{_pick_measure(r, measure)}__{dimension or r.instrument.dimensions[0].id}"
    rows = r.responses if not group else r.responses[r.responses["group"] == group]
    table = summaries.answer_shares(rows, [item], STRATUM_NAME)
    title = text("distribution_stratum_title", r.lang, item=r.instrument.item(item).text[r.lang])
    return _answer_heatmap(table, [STRATUM_NAME], title)


def correlation_figure(r: Round, measure: str | None = None) -> View:
    """Pearson correlation of the seven dimensions of a measure (scored items, unweighted)."""
    measure = _pick_measure(r, measure)
    matrix = summaries.dimension_correlation(r, measure)
    figure, (ax,) = _figure(5.5)
    sns.heatmap(matrix, annot=True, fmt=".2f", vmin=-1, vmax=1, cmap="vlag", square=True, ax=ax)
    name = measure_names(r.instrument, r.lang)[measure]
    ax.set(title=text("correlation_title", r.lang, measure=name), xlabel="", ylabel="")
    return View(figure)


def quality_flags_figure(r: Round) -> View:
    """Speeders and straight-liners per group (%), beside the answer times (minutes, log)."""
    flags = summaries.quality_flags(r)
    figure, (left, right) = _figure(3.8, columns=2)
    _bars(left, flags, x=GROUP_NAME, y="share_pct", hue="flag")
    left.set(title=text("flags_title", r.lang), xlabel="", ylabel=text("share_pct", r.lang))
    left.legend(title="")
    minutes = pd.DataFrame(
        {
            "minutes": r.responses["answer_time_s"] / 60,
            GROUP_NAME: r.responses[GROUP_NAME],
        }
    ).dropna()
    minutes = minutes[minutes["minutes"] > 0]
    sns.histplot(
        data=minutes,
        x="minutes",
        hue=GROUP_NAME,
        log_scale=True,
        element="step",
        palette=PALETTE,
        ax=right,
    )
    sns.move_legend(right, "upper left", title=text("group", r.lang))
    right.set(
        title=text("answer_time_title", r.lang),
        xlabel=text("minutes", r.lang),
        ylabel=text("count", r.lang),
    )
    return View(figure)


def dont_know_figure(r: Round) -> View:
    """Share of «Vet ikke» per role (within group) and measure (a heatmap, %)."""
    table = summaries.dont_know_by_role(r)
    table["row"] = table[GROUP_NAME] + " · " + table[ROLE_NAME]
    wide = table.pivot_table(index="row", columns="measure", values="dont_know_pct", sort=False)
    figure, (ax,) = _figure(1.6 + 0.3 * len(wide))
    sns.heatmap(wide, annot=True, fmt=".1f", cmap=HEATMAP_COLOURS, cbar=False, ax=ax)
    ax.set(title=text("dont_know_title", r.lang), xlabel="", ylabel="")
    _wrap_labels(ax, width=20)
    return View(figure)


def barrier_themes_figure(r: Round) -> View:
    """Share of barrier comments mentioning each theme, per group (%)."""
    table = summaries.barrier_themes(r)
    figure, (ax,) = _figure(4.2)
    _bars(ax, table, x="share_pct", y="theme")
    ax.set(title=text("themes_title", r.lang), xlabel=text("share_pct", r.lang), ylabel="")
    ax.legend(title=text("group", r.lang))
    return View(figure)


def index_figure(r: Round) -> View:
    """The published index per measure and group with its published 95 % interval.

    Points and interval bars are the values in ``estimates.parquet`` (hidden values are absent);
    nothing is estimated here.
    """
    e = r.estimates
    rows = e[(e["breakdown"] == "") & (e["dimension"] == "index") & (e["statistic"] == "mean")]
    rows = rows.dropna(subset=["estimate"]).assign(
        measure_name=rows["measure"].map(measure_names(r.instrument, r.lang)),
        group_name=rows["group"].map(group_names(r.instrument, r.lang)),
    )
    figure, (ax,) = _figure(4.0)
    groups = list(dict.fromkeys(rows["group_name"]))
    colours = dict(zip(groups, sns.color_palette(PALETTE, len(groups)), strict=True))
    order = list(dict.fromkeys(rows["measure_name"]))
    offsets = {g: (k - (len(groups) - 1) / 2) * 0.15 for k, g in enumerate(groups)}
    for group, part in rows.groupby("group_name", sort=False):
        x = [order.index(m) + offsets[group] for m in part["measure_name"]]
        ax.errorbar(
            x,
            part["estimate"],
            yerr=[part["estimate"] - part["ci_low"], part["ci_high"] - part["estimate"]],
            fmt="o",
            capsize=3,
            color=colours[group],
            label=group,
        )
    ax.set_xticks(range(len(order)), order)
    ax.set(title=text("index_title", r.lang), ylabel=text("index", r.lang), ylim=(0, 100))
    ax.legend(title=text("group", r.lang))
    return View(figure)


def item_means_figure(r: Round, measure: str | None = None) -> View:
    """Published mean of each dimension of a measure per group (1–5, hidden values blank)."""
    measure = _pick_measure(r, measure)
    e = r.estimates
    rows = e[
        (e["measure"] == measure)
        & (e["breakdown"] == "")
        & (e["statistic"] == "mean")
        & (e["dimension"] != "index")
    ]
    table = pd.DataFrame(
        {
            "dimension": rows["dimension"].map(dimension_names(r.instrument, r.lang)),
            "group": rows["group"].map(group_names(r.instrument, r.lang)),
            "estimate": rows["estimate"].astype("float64"),
        }
    )
    wide = table.pivot_table(index="dimension", columns="group", values="estimate", sort=False)
    figure, (ax,) = _figure(3.8)
    sns.heatmap(wide, annot=True, fmt=".2f", vmin=1, vmax=5, cmap=HEATMAP_COLOURS, ax=ax)
    name = measure_names(r.instrument, r.lang)[measure]
    ax.set(title=text("items_title", r.lang, measure=name), xlabel="", ylabel="")
    return View(figure)


def analyst_banner(r: Round) -> str:
    """The banner of the workbench (Markdown): unsuppressed analyst views, and which run.

    Names the recorded run (its start and inputs hash from ``manifest.json``) so that a reader
    can match the views with the report.
    """
    from anchoring.pipeline.manifest import read_manifest

    manifest = read_manifest(r.paths.manifest_file)
    if manifest is None:
        provenance = text("no_recorded_run", r.lang)
    else:
        provenance = text(
            "recorded_run",
            r.lang,
            started_at=manifest.get("started_at", ""),
            digest=str(manifest.get("inputs_digest", ""))[:12],
        )
    return f"> **{text('banner', r.lang, round_id=r.round_id)}**\n>\n> {provenance}"
