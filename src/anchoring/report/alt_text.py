"""The text of every figure: its title, and its description generated from the data it plots.

The title is shown above the figure and is the SVG's ``<title>``; the description is the SVG's
``<desc>`` (WAI-ARIA Graphics Module, ``role="img"``). A reader who cannot see the figure gets
what it shows: for the heatmap every cell, for the answer bars the highest and lowest agreement and
the highest «Vet ikke» per group, for the index chart every estimate with its interval, for
change the first and last round of each line, and for the regional chart every region's estimate
with its interval.
"""

from __future__ import annotations

import pandas as pd

from anchoring.groups import GROUPS
from anchoring.report.inputs import Report
from anchoring.report.labels import capitalise
from anchoring.report.numbers import (
    MISSING,
    SUPPRESSED,
    format_estimate_with_interval,
    format_number,
    format_percent,
)
from anchoring.report.strata import clearly_lowest, regional_groups, regions
from anchoring.texts import text


def _t(report: Report, key: str, **values: object) -> str:
    return text(key, report.lang, **values)


def figure_title(report: Report, figure: str, measure: str | None = None) -> str:
    """The title of a figure in the report's language.

    Parameters
    ----------
    report
        The loaded round.
    figure
        ``heatmap``, ``distribution``, ``index`` or ``change``.
    measure
        The measure of a per-measure figure (``distribution``, ``index``).
    """
    name = report.labels.measure_short(measure) if measure else ""
    return _t(report, f"figure_title_{figure}", measure=name)


def _value(report: Report, estimate) -> str:
    if estimate is None or not estimate.is_shown:
        return f"{SUPPRESSED} ({_t(report, 'alt_hidden')})"
    return format_number(estimate.estimate, report.lang)


def heatmap_alt(report: Report) -> str:
    """Alt text of the index heatmap: every measure's value for each group and the sector."""
    labels = report.labels
    parts = []
    for measure in report.measures:
        by_group = report.estimates.index_by_group(measure)
        cells = ", ".join(
            f"{labels.group(g).lower()} {_value(report, by_group[g])}" for g in (*GROUPS, "sector")
        )
        parts.append(f"{capitalise(labels.measure_short(measure))}: {cells}.")
    return _t(report, "alt_heatmap") + " ".join(parts)


def distribution_alt(report: Report, measure: str, distribution: pd.DataFrame) -> str:
    """Alt text of a measure's answer bars: per group the highest and lowest agreement."""
    labels, lang = report.labels, report.lang
    text = _t(
        report,
        "alt_distribution",
        measure=labels.measure_short(measure),
        k=len(report.instrument.dimension_ids),
    )
    parts = []
    for group in GROUPS:
        rows = distribution[(distribution["group"] == group) & distribution["is_shown"]]
        if rows.empty:
            parts.append(f"{labels.group(group)}: {SUPPRESSED} ({_t(report, 'alt_hidden')})")
            continue
        high = rows.loc[rows["agree"].idxmax()]
        low = rows.loc[rows["agree"].idxmin()]
        part = _t(
            report,
            "alt_distribution_group",
            group=labels.group(group),
            high=labels.dimension(high["dimension"]).lower(),
            high_pct=format_percent(high["agree"], lang),
            low=labels.dimension(low["dimension"]).lower(),
            low_pct=format_percent(low["agree"], lang),
        )
        known = rows[rows["dont_know"].notna()]
        if not known.empty:
            most = known.loc[known["dont_know"].astype(float).idxmax()]
            part += _t(
                report,
                "alt_dont_know_most",
                dim=labels.dimension(most["dimension"]).lower(),
                pct=format_percent(most["dont_know"], lang),
            )
        parts.append(part)
    return text + ". ".join(parts) + "."


def index_alt(report: Report, measure: str) -> str:
    """Alt text of a measure's index chart: every group and the sector with its interval."""
    labels, lang = report.labels, report.lang
    parts = []
    for group, e in report.estimates.index_by_group(measure).items():
        if e is None or not e.is_shown:
            parts.append(f"{labels.group(group)} {SUPPRESSED} ({_t(report, 'alt_hidden')})")
        else:
            parts.append(
                f"{labels.group(group)} "
                f"{format_estimate_with_interval(e.estimate, e.ci_low, e.ci_high, lang)}"
            )
    return _t(report, "alt_index", measure=labels.measure_short(measure)) + "; ".join(parts) + "."


def change_alt(report: Report) -> str:
    """Alt text of the change chart: each measure's values per group in the first and last round."""
    history = report.history
    labels, lang = report.labels, report.lang
    rounds = list(dict.fromkeys(history["round_id"]))
    parts = []
    for measure in report.measures:
        cells = []
        for group in (*GROUPS, "sector"):
            rows = history[(history["measure"] == measure) & (history["group"] == group)]
            values = [
                SUPPRESSED
                if r.is_suppressed or pd.isna(r.estimate)
                else format_number(r.estimate, lang)
                for r in rows.itertuples(index=False)
            ]
            cells.append(f"{labels.group(group).lower()} {' → '.join(values)}")
        parts.append(f"{capitalise(labels.measure_short(measure))}: {', '.join(cells)}.")
    return _t(report, "alt_change", first=rounds[0], last=rounds[-1]) + " ".join(parts)


def regional_title(report: Report, measure: str) -> str:
    """The title of a measure's regional figure: the lowest region, only where it is clear.

    The first group (in report order) with a region whose whole interval lies below every other
    region's (:func:`anchoring.report.strata.clearly_lowest`) is named; otherwise the title
    says what the figure shows and claims nothing.
    """
    labels = report.labels
    for group in regional_groups(report):
        lowest = clearly_lowest(regions(report, measure, group))
        if lowest is not None:
            return _t(
                report,
                "figure_title_regional_lowest",
                group=capitalise(labels.group_in_sentence(group)),
                region=lowest.name,
                measure=labels.measure_short(measure),
            )
    return _t(report, "figure_title_regional", measure=labels.measure_short(measure))


def regional_alt(report: Report, measure: str) -> str:
    """Alt text of a measure's regional figure: every region's index with its interval."""
    labels, lang = report.labels, report.lang
    parts = []
    for group in regional_groups(report):
        cells = []
        for region in regions(report, measure, group):
            e = region.estimate
            if e is None:
                cells.append(f"{region.name} {MISSING}")
            elif not e.is_shown:
                cells.append(f"{region.name} {_value(report, e)}")
            else:
                value = format_estimate_with_interval(e.estimate, e.ci_low, e.ci_high, lang)
                cells.append(f"{region.name} {value}")
        heading = _t(
            report, "regional_panel", group=labels.group(group), stratum=labels.stratum_kind(group)
        )
        parts.append(f"{heading}: {'; '.join(cells)}.")
    return _t(report, "alt_regional", measure=labels.measure_short(measure)) + " ".join(parts)
