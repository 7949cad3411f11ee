"""Figure titles that state the figure's message, as statistics offices' bulletins do.

ONS and SSB title a chart with what it shows («Fastlegene ligger lavest på digital
hjemmeoppfølging»), not with its topic. Each title here is read off the published tables, and
claims a difference only where the report's tests support it:

- the heatmap: the measures with the highest and the lowest sector index;
- a measure's answer bars: the dimension with the lowest agree share (mean over the groups
  shown), «in every group» when it is the lowest in each;
- a measure's index chart: the group that lags or leads by the group tests (``status.parquet``,
  methodology §5), else that there is no clear difference between the groups;
- the change chart: the largest rise and the largest fall that hold after the Holm adjustment
  (:func:`~anchoring.report.main_points.ranked_changes`), else that no change holds.

Where nothing can be said (values hidden, a single measure) the topic title of
:func:`~anchoring.report.alt_text.figure_title` is used.
"""

from __future__ import annotations

import pandas as pd

from anchoring.report.alt_text import figure_title
from anchoring.report.headlines import lagging_group, leading_group
from anchoring.report.inputs import Report
from anchoring.report.labels import capitalise
from anchoring.report.main_points import ranked_changes, shown_changes, significance_level
from anchoring.texts import text


def _t(report: Report, key: str, **values: object) -> str:
    return capitalise(text(key, report.lang, **values))


def heatmap_title(report: Report) -> str:
    """«PLL er sterkest forankret, datadeling for … svakest» from the sector index."""
    shown = {
        m: e.estimate
        for m in report.measures
        for e in (report.estimates.get(m, "sector", "mean"),)
        if e is not None and e.is_shown
    }
    if len(shown) < 2:
        return figure_title(report, "heatmap")
    names = report.labels.measure_short
    return _t(
        report,
        "title_heatmap",
        high=names(max(shown, key=shown.get)),
        low=names(min(shown, key=shown.get)),
    )


def distribution_title(report: Report, measure: str, distribution: pd.DataFrame) -> str:
    """The dimension with the least agreement, «in every group» when lowest in each."""
    rows = distribution[distribution["is_shown"].astype(bool)]
    if rows.empty:
        return figure_title(report, "distribution", measure)
    mean_agree = rows.groupby("dimension", sort=False)["agree"].mean()
    lowest = str(mean_agree.idxmin())
    lowest_in_each = {
        str(group_rows.loc[group_rows["agree"].idxmin(), "dimension"])
        for _, group_rows in rows.groupby("group", sort=False)
    }
    key = "title_distribution_all" if lowest_in_each == {lowest} else "title_distribution"
    return _t(
        report,
        key,
        dimension=report.labels.dimension(lowest),
        measure=report.labels.measure_short(measure),
    )


def index_title(report: Report, measure: str) -> str:
    """«Fastlegene ligger lavest på …» where the group tests single a group out."""
    lagging, leading = lagging_group(report, measure), leading_group(report, measure)
    values = {"measure": report.labels.measure_short(measure)}
    if lagging:
        return _t(
            report, "title_index_lagging", group=report.labels.group_in_sentence(lagging), **values
        )
    if leading:
        return _t(
            report, "title_index_leading", group=report.labels.group_in_sentence(leading), **values
        )
    if str(report.status_of(measure).get("status", "not_assessed")) == "not_assessed":
        return figure_title(report, "index", measure)
    return _t(report, "title_index_no_difference", **values)


def change_title(report: Report) -> str:
    """The largest rise and fall that hold after Holm, else that no change holds."""
    rows = shown_changes(report)
    if rows.empty:
        return figure_title(report, "change")
    holding = ranked_changes(rows, significance_level(report))
    if holding.empty:
        return _t(report, "title_change_none")
    labels = report.labels
    clauses = []
    for row in holding.head(2).itertuples(index=False):
        if clauses and (row.change > 0) == (holding.iloc[0]["change"] > 0):
            break  # only one rise and one fall
        clauses.append(
            text(
                "title_change_up" if row.change > 0 else "title_change_down",
                report.lang,
                measure=labels.measure_short(row.measure),
                group=labels.group_in_sentence(row.group),
            )
        )
    return capitalise(", ".join(clauses))
