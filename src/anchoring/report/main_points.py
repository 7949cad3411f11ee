"""The report's main points (Hovedfunn): at most six ranked sentences generated from the estimates.

Statistics offices' bulletins (ONS, SSB) are the model: few points, ranked by importance, each a
sentence with its number. The candidates, in this order:

1. **status**: one sentence per measure, weakest status first — the anchoring status
   (methodology §6) with the sector index and its 95 % interval; the sector's change since the
   previous round when it is significant after Holm adjustment (methodology §5); and the group
   that lags (or, failing that, leads) only where the group tests single it out
   (``status.parquet``'s ``lagging_group`` / ``leading_group``: the Wald test of equal groups
   significant after Holm over the measures, and the group's contrasts significant after Holm
   over the pairs);
2. **change**: the groups' changes since the previous round that are significant after Holm
   adjustment over all measures × groups: the largest rise and the largest fall first, then the
   others by size — or, when none is significant, one sentence saying so with the largest change
   and its interval;
3. **gap**: the difference between groups (the ``gap`` estimate, highest minus lowest group) for
   the measure with the largest gap among those whose groups differ by the group tests; when no
   measure's groups differ, a sentence saying so with the largest gap as a size.

Places are kept for the largest rise and the largest fall; the status sentences take the rest,
the strongest measures giving way first when there are more measures than places (the overview
table shows every measure); further changes, then the gap, take the places left over.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from anchoring.groups import GROUPS
from anchoring.report.estimates import Estimate
from anchoring.report.headlines import lagging_group, leading_group
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

RESERVED_CHANGE_POINTS = 2
"""Places kept for changes: the largest significant rise and the largest significant fall."""


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


def significance_level(report: Report) -> float:
    """The level a Holm-adjusted p-value must be below: 1 − the round's ``estimation.level``.

    The same rule as the group tests' ``is_significant`` (:mod:`anchoring.analysis.group_tests`),
    so that the report calls a change "holding" at the level of its intervals (0.05 by default).
    """
    return round(1.0 - float(report.config.estimation.level), 10)


def holds_after_holm(report: Report, p_value_holm: object) -> bool:
    """Whether a Holm-adjusted p-value is below :func:`significance_level` (missing: no)."""
    return not is_missing(p_value_holm) and float(p_value_holm) < significance_level(report)  # type: ignore[arg-type]


def _sector_change_clause(report: Report, measure: str) -> str:
    """«, 5,1 poeng høyere enn i forrige runde (Holm-justert p < 0,001)», or «»."""
    rows = shown_changes(report)
    if rows.empty:
        return ""
    sector = rows[(rows["measure"] == measure) & (rows["group"] == "sector")]
    if sector.empty or not holds_after_holm(report, sector["p_value_holm"].iloc[0]):
        return ""
    row = sector.iloc[0]
    return _phrase(
        report,
        "main_point_sector_up" if row["change"] > 0 else "main_point_sector_down",
        delta=format_number(abs(row["change"]), report.lang),
        p=format_p_clause(row["p_value_holm"], report.lang),
    )


def _group_clause(report: Report, measure: str) -> str:
    """The lagging (else leading) group by the group tests, with its index; else «»."""
    lagging, leading = lagging_group(report, measure), leading_group(report, measure)
    group, key = (lagging, "main_point_lagging") if lagging else (leading, "main_point_leading")
    estimate = report.estimates.get(measure, group, "mean") if group else None
    if estimate is None or not estimate.is_shown:
        return ""
    named = report.labels.group_in_sentence(group)  # starts the sentence only when it lags
    return _phrase(
        report,
        key,
        group=capitalise(named) if lagging else named,
        est=format_number(estimate.estimate, report.lang),
        ci=_interval(estimate, report.lang),
    )


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
        sentence = _phrase(
            report, "main_point_not_assessed", measure=subject, groups=_join(hidden, lang)
        )
        return _SEVERITY["not_assessed"], 0.0, MainPoint("status", sentence, measure)
    sentence = _phrase(
        report,
        "main_point_status",
        measure=subject,
        status=labels.status(status).lower(),
        est=format_number(sector.estimate, lang),
        ci=_interval(sector, lang),
        change=_sector_change_clause(report, measure),
    ) + _group_clause(report, measure)
    return _SEVERITY.get(status, 1), float(sector.estimate), MainPoint("status", sentence, measure)


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


def _change_sentence(report: Report, row) -> MainPoint:
    labels, lang = report.labels, report.lang
    return MainPoint(
        "change",
        _phrase(
            report,
            "main_point_change_up" if row.change > 0 else "main_point_change_down",
            measure=_measure_subject(report, row.measure),
            group=labels.group_in_sentence(row.group),
            before=format_number(row.estimate_previous, lang),
            after=format_number(row.estimate_current, lang),
            delta=format_number(row.change, lang, signed=True),
            p=format_p_clause(row.p_value_holm, lang),
        ),
        row.measure,
    )


def ranked_changes(rows: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Group changes with Holm-adjusted p below ``alpha``, in the order they are told.

    The largest rise and the largest fall first (so that both directions are told when both
    occur), then the others by absolute size, largest first.

    Parameters
    ----------
    rows
        Rows of ``change.parquet`` (:func:`shown_changes`).
    alpha
        The significance level (:func:`significance_level`).
    """
    significant = rows[rows["group"].isin(GROUPS) & (rows["p_value_holm"] < alpha)]
    by_size = significant.reindex(
        significant["change"].abs().sort_values(ascending=False, kind="stable").index
    )
    first = [
        frame.index[0]
        for frame in (by_size[by_size["change"] > 0], by_size[by_size["change"] < 0])
        if not frame.empty
    ]
    first = sorted(first, key=lambda i: -abs(by_size.at[i, "change"]))
    return pd.concat([by_size.loc[first], by_size.drop(index=first)])


def _change_points(report: Report) -> list[MainPoint]:
    rows = shown_changes(report)
    if rows.empty:
        return []
    significant = ranked_changes(rows, significance_level(report))
    if not significant.empty:
        return [_change_sentence(report, row) for row in significant.itertuples(index=False)]
    group_rows = rows[rows["group"].isin(GROUPS)]
    if group_rows.empty:
        return []
    labels, lang = report.labels, report.lang
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
        The status of every measure (weakest first; the sector's significant change and the
        lagging group in the same sentence), then the significant changes by group (the largest
        rise and fall first; or one sentence that nothing changed significantly), then the
        difference between groups. Places are kept for the largest rise and fall; when places
        run short the strongest measures' status gives way first, then further changes and
        the gap are left out.
    """
    ranked = sorted((_status_point(report, m) for m in report.measures), key=lambda item: item[:2])
    changes = _change_points(report)
    reserved = changes[:RESERVED_CHANGE_POINTS]
    status_points = [point for _, _, point in ranked][: max(MAX_POINTS - len(reserved), 0)]
    gap = [p for p in (_gap_point(report),) if p is not None]
    left = max(MAX_POINTS - len(status_points) - len(reserved), 0)
    return status_points + reserved + (changes[RESERVED_CHANGE_POINTS:] + gap)[:left]


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
