"""The report's main points (Hovedfunn): at most six ranked sentences generated from the estimates.

Every sentence carries its number and 95 % interval. The candidates are, in this order:

1. the anchoring status of each measure (methodology §6) with the sector index and the group that
   lags most (lowest shown index), weakest status first;
2. the difference between groups (methodology §5): the largest gap (highest minus lowest group,
   the ``gap`` estimate) among the measures whose groups differ by the group tests of the
   analysis stage (``status.parquet``'s ``has_group_difference``: the Wald test of equal groups
   significant after Holm over the measures, and the contrast of the highest and the lowest
   group after Holm over the pairs); when no measure's groups differ, a sentence saying so,
   with the largest gap as a size and its interval;
3. changes since the previous round that are significant after Holm adjustment over all
   measures × groups (methodology §5) — or, when none is, a sentence saying so with the largest
   change and its interval.

One place each is kept for the gap and the largest change; the status sentences fill the rest,
the strongest measures giving way first (the overview table shows every measure); further
significant changes only take places that are left.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from anchoring.groups import GROUPS
from anchoring.report.estimates import Estimate
from anchoring.report.inputs import Report
from anchoring.report.labels import capitalise
from anchoring.report.numbers import (
    format_interval,
    format_number,
    format_p_clause,
    is_missing,
)
from anchoring.texts import text

MAX_POINTS = 6
"""At most this many main points."""

MAX_CHANGE_POINTS = 2
"""At most this many sentences on significant changes."""

ALPHA = 0.05
"""Significance level for Holm-adjusted p-values."""

_SEVERITY = {"weak": 0, "not_assessed": 1, "partly": 2, "well": 3}


@dataclass(frozen=True)
class MainPoint:
    """One main point: its kind (``status``, ``gap``, ``no_gap``, ``change``, ``no_change``)."""

    kind: str
    text: str
    measure: str = ""


def _phrase(report: Report, key: str, **values: str) -> str:
    return text(key, report.lang, **values)


def _interval(e: Estimate, lang: str) -> str:
    return format_interval(e.ci_low, e.ci_high, lang)


def _measure_subject(report: Report, measure: str) -> str:
    return capitalise(report.labels.measure_short(measure))


def _weakest_group(report: Report, measure: str) -> tuple[str, Estimate] | None:
    shown = [
        (g, e)
        for g, e in report.estimates.index_by_group(measure).items()
        if g in GROUPS and e is not None and e.is_shown
    ]
    return min(shown, key=lambda ge: ge[1].estimate) if shown else None


def _status_point(report: Report, measure: str) -> tuple[int, float, MainPoint]:
    labels, lang = report.labels, report.lang
    status = str(report.status_of(measure).get("status", "not_assessed"))
    sector = report.estimates.get(measure, "sector", "mean")
    subject = _measure_subject(report, measure)
    if status == "not_assessed" or sector is None or not sector.is_shown:
        hidden = [
            labels.group_in_sentence(g)
            for g, e in report.estimates.index_by_group(measure).items()
            if g in GROUPS and (e is None or not e.is_shown)
        ]
        text = _phrase(
            report, "main_point_not_assessed", measure=subject, groups=_join(hidden, lang)
        )
        return _SEVERITY["not_assessed"], 0.0, MainPoint("status", text, measure)
    text = _phrase(
        report,
        "main_point_status",
        measure=subject,
        status=labels.status(status).lower(),
        est=format_number(sector.estimate, lang),
        ci=_interval(sector, lang),
    )
    weakest = _weakest_group(report, measure)
    if weakest is not None:
        group, e = weakest
        text += _phrase(
            report,
            "main_point_weakest",
            group=labels.group_in_sentence(group),
            est=format_number(e.estimate, lang),
            ci=_interval(e, lang),
        )
    return _SEVERITY.get(status, 1), float(sector.estimate), MainPoint("status", text, measure)


def _join(items: list[str], lang: str) -> str:
    word = f" {text('and', lang)} "
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + word + items[-1]


def _gap_point(report: Report) -> MainPoint | None:
    """The largest gap among measures whose groups differ, else a «no clear difference» point."""
    gaps = [
        (gap.estimate, measure, gap)
        for measure in report.measures
        for gap in (report.estimates.get(measure, "sector", "gap"),)
        if gap is not None and gap.is_shown
    ]
    if not gaps:
        return None
    differ = [g for g in gaps if bool(report.status_of(g[1]).get("has_group_difference"))]
    _, measure, gap = max(differ or gaps, key=lambda item: item[0])
    shown = {
        g: e
        for g, e in report.estimates.index_by_group(measure).items()
        if g in GROUPS and e is not None and e.is_shown
    }
    if len(shown) < 2:
        return None
    high = max(shown, key=lambda g: shown[g].estimate)
    low = min(shown, key=lambda g: shown[g].estimate)
    labels, lang = report.labels, report.lang
    values = {
        "measure": labels.measure_short(measure),
        "high": labels.group_in_sentence(high),
        "low": labels.group_in_sentence(low),
        "gap": format_number(gap.estimate, lang),
        "ci": _interval(gap, lang),
    }
    if not differ:
        tested = sum(
            not is_missing(report.status_of(m).get("group_test_p_value_holm"))
            for m in report.measures
        )
        return MainPoint(
            "no_gap", _phrase(report, "main_point_no_gap", k=str(tested), **values), measure
        )
    p_holm = report.status_of(measure).get("group_test_p_value_holm")
    text = _phrase(
        report,
        "main_point_gap",
        high_est=format_number(shown[high].estimate, lang),
        low_est=format_number(shown[low].estimate, lang),
        p=format_p_clause(p_holm, lang),
        **values,
    )
    return MainPoint("gap", text, measure)


def shown_changes(report: Report) -> pd.DataFrame:
    """Rows of ``change.parquet`` that may be published, with the report's measures only.

    Columns used: ``measure, group, estimate_previous, estimate_current, change, ci_low, ci_high,
    p_value_holm``; suppressed rows and rows with a missing change are dropped.
    """
    change = report.change
    if change is None:
        return pd.DataFrame()
    rows = change[change["measure"].isin(report.measures)]
    if "is_suppressed" in rows:
        rows = rows[~rows["is_suppressed"].fillna(False).astype(bool)]
    return rows[rows["change"].notna()]


def _change_points(report: Report) -> list[MainPoint]:
    rows = shown_changes(report)
    if rows.empty:
        return []
    labels, lang = report.labels, report.lang
    group_rows = rows[rows["group"].isin(GROUPS)]
    significant = group_rows[group_rows["p_value_holm"] < ALPHA]
    significant = significant.reindex(
        significant["change"].abs().sort_values(ascending=False, kind="stable").index
    )
    points = []
    for row in significant.head(MAX_CHANGE_POINTS).itertuples(index=False):
        points.append(
            MainPoint(
                "change",
                _phrase(
                    report,
                    "main_point_change_up" if row.change > 0 else "main_point_change_down",
                    measure=_measure_subject(report, row.measure),
                    group=labels.group_in_sentence(row.group),
                    before=format_number(row.estimate_previous, lang),
                    after=format_number(row.estimate_current, lang),
                    delta=format_number(row.change, lang, signed=True),
                    ci=format_interval(row.ci_low, row.ci_high, lang),
                    p=format_p_clause(row.p_value_holm, lang),
                ),
                row.measure,
            )
        )
    if points or group_rows.empty:
        return points
    largest = group_rows.loc[group_rows["change"].abs().idxmax()]
    return [
        MainPoint(
            "no_change",
            _phrase(
                report,
                "main_point_no_change",
                k=str(int(group_rows["p_value_holm"].notna().sum())),
                measure=labels.measure_short(largest["measure"]),
                group=labels.group_in_sentence(largest["group"]),
                delta=format_number(largest["change"], lang, signed=True),
                ci=format_interval(largest["ci_low"], largest["ci_high"], lang),
            ),
        )
    ]


def build_main_points(report: Report) -> list[MainPoint]:
    """The main points of a report, ranked, at most :data:`MAX_POINTS`.

    Parameters
    ----------
    report
        The loaded round (:func:`anchoring.report.load_report`).

    Returns
    -------
    list of MainPoint
        Status sentences (weakest measure first), then the difference between groups (the
        largest gap where the group tests find one, else «no clear difference»), then change since
        the previous round (significant changes after Holm adjustment at 5 %, or a sentence that
        nothing changed significantly). One place each is kept for the gap and the largest
        change; the status sentences fill the rest (the strongest measures give way when there
        are too many), and further significant changes only take places left over.
    """
    ranked = sorted((_status_point(report, m) for m in report.measures), key=lambda item: item[:2])
    status_points = [point for _, _, point in ranked]
    gap = [p for p in (_gap_point(report),) if p is not None]
    changes = _change_points(report)
    reserved = gap + changes[:1]
    status_points = status_points[: max(MAX_POINTS - len(reserved), 0)]
    extra = changes[1:][: max(MAX_POINTS - len(status_points) - len(reserved), 0)]
    return status_points + gap + changes[:1] + extra


def status_rule_text(report: Report) -> str:
    """The status rule with the round's thresholds, in one sentence (methodology §6)."""
    rule = report.config.estimation.status
    lang = report.lang

    def n(value: float, decimals: int = 0) -> str:
        return format_number(value, lang, decimals)

    return text(
        "main_points_status_rule",
        lang,
        well_index=n(rule.well_index),
        well_lower=n(rule.well_group_lower_limit),
        well_consensus=n(rule.well_consensus, 2),
        partly_index=n(rule.partly_index),
    )
