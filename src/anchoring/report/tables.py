"""The report's tables, built from the round's estimates (never recomputed here).

Each builder returns a :class:`~anchoring.report.table_model.ReportTable`: the overview of the
measures by group with the sector value and status, the per-measure tables (index, consensus,
counts; the dimensions), response rates and weighting efficiency, change since the previous round,
and barrier-theme counts. Suppressed cells (methodology §7) show ":" with a footnote.
"""

from __future__ import annotations

from anchoring.groups import GROUPS, SECTOR
from anchoring.report.estimates import Estimate
from anchoring.report.inputs import Report
from anchoring.report.labels import capitalise
from anchoring.report.main_points import holds_after_holm, significance_level, status_rule_text
from anchoring.report.numbers import (
    MISSING,
    format_count,
    format_interval,
    format_number,
    format_p_value,
    format_percent,
    is_missing,
)
from anchoring.report.table_model import (
    Cell,
    Column,
    ReportTable,
    TablePart,
    suppressed_cell,
    text_cell,
)


def _suppressed_note(report: Report) -> str:
    settings = report.config.estimation
    return report.labels.text("note_suppressed", min_n=settings.min_n, min_orgs=settings.min_orgs)


def _interval_headers(report: Report, header: str) -> tuple[str, str]:
    text = report.labels.text
    return text("interval_lower", header=header), text("interval_upper", header=header)


def estimate_cell(
    estimate: Estimate | None, lang: str, decimals: int = 1, percent: bool = False
) -> Cell:
    """A cell for an estimate: the value with its interval below, ":" when hidden."""
    if estimate is None:
        return Cell(MISSING, None, is_numeric=True)
    if estimate.is_suppressed:
        return suppressed_cell()
    if estimate.estimate is None:
        return Cell(MISSING, None, is_numeric=True)
    if percent:
        text = format_percent(estimate.estimate, lang, decimals)
        interval = format_interval(estimate.ci_low, estimate.ci_high, lang, decimals, True)
    else:
        text = format_number(estimate.estimate, lang, decimals)
        interval = format_interval(estimate.ci_low, estimate.ci_high, lang, decimals)
    return Cell(
        text,
        estimate.estimate,
        detail=f"({interval})" if interval != MISSING else "",
        low=estimate.ci_low,
        high=estimate.ci_high,
        is_numeric=True,
    )


def _plain_cell(estimate: Estimate | None, lang: str, decimals: int = 2) -> Cell:
    if estimate is None or (not estimate.is_suppressed and estimate.estimate is None):
        return Cell(MISSING, None, is_numeric=True)
    if estimate.is_suppressed:
        return suppressed_cell()
    return Cell(
        format_number(estimate.estimate, lang, decimals), estimate.estimate, is_numeric=True
    )


def _count_cell(value: int | None, lang: str, hidden: bool = False) -> Cell:
    if hidden:
        return suppressed_cell()
    if value is None:
        return Cell(MISSING, None, is_numeric=True)
    return Cell(format_count(value, lang), int(value), is_numeric=True)


def status_cell(report: Report, measure: str) -> Cell:
    """The status of a measure as a word (colour only decorates it)."""
    status = str(report.status_of(measure).get("status", "not_assessed"))
    return text_cell(report.labels.status(status), css=f"status status-{status}")


def overview_table(report: Report) -> ReportTable:
    """Measures × groups: the anchoring index with 95 % intervals, the sector value and status."""
    labels, lang = report.labels, report.lang
    headers = [labels.group(g) for g in (*GROUPS, "sector")]
    columns = [Column(labels.text("measure"))]
    columns += [Column(h, _interval_headers(report, h)) for h in headers]
    columns.append(Column(labels.text("status")))
    rows = []
    for measure in report.measures:
        by_group = report.estimates.index_by_group(measure)
        row = [text_cell(labels.measure(measure))]
        row += [estimate_cell(by_group[g], lang) for g in (*GROUPS, "sector")]
        row.append(status_cell(report, measure))
        rows.append(row)
    return ReportTable(
        "table-overview",
        labels.text("index"),
        columns,
        rows,
        [
            labels.text("note_index"),
            labels.text("note_interval"),
            labels.text("note_sector"),
            status_rule_text(report),
        ],
        _suppressed_note(report),
    )


def measure_table(report: Report, measure: str) -> ReportTable:
    """One measure by group and sector: index (95 % CI), consensus, respondents, organisations."""
    labels, lang = report.labels, report.lang
    index_header = labels.text("index")
    columns = [
        Column(labels.text("group")),
        Column(index_header, _interval_headers(report, index_header)),
        Column(labels.text("consensus")),
        Column(labels.text("respondents")),
        Column(labels.text("organisations")),
    ]
    rows = []
    for group in (*GROUPS, "sector"):
        index = report.estimates.get(measure, group, "mean")
        hidden = index is None or index.is_suppressed
        rows.append(
            [
                text_cell(labels.group(group)),
                estimate_cell(index, lang),
                _plain_cell(report.estimates.get(measure, group, "consensus_tw"), lang),
                _count_cell(None if index is None else index.n, lang, hidden),
                _count_cell(None if index is None else index.n_orgs, lang, hidden),
            ]
        )
    return ReportTable(
        f"table-{measure}-groups",
        f"{labels.measure(measure)}: {labels.text('index').lower()}",
        columns,
        rows,
        # «Tall i parentes …» is said once per measure, under the index figure just above
        # (figures.index_figure), and once for the report under the overview table.
        [labels.text("note_sector")],
        _suppressed_note(report),
    )


def dimension_table(report: Report, measure: str) -> ReportTable:
    """One measure's dimensions × groups: share agreeing (95 % CI) and share «Vet ikke»."""
    labels, lang = report.labels, report.lang
    columns = [Column(labels.text("dimension"))]
    for group in GROUPS:
        header = f"{labels.group(group)}: {labels.text('agree')}"
        columns.append(Column(header, _interval_headers(report, header)))
    columns += [Column(f"{labels.group(g)}: {labels.text('dont_know')}") for g in GROUPS]
    rows = []
    for dimension in report.instrument.dimension_ids:
        row = [text_cell(labels.dimension(dimension))]
        for group in GROUPS:
            agree = report.estimates.get(measure, group, "agree_share", dimension)
            row.append(estimate_cell(agree, lang, decimals=0, percent=True))
        for group in GROUPS:
            dont_know = report.estimates.get(measure, group, "dont_know_share", dimension)
            cell = estimate_cell(dont_know, lang, decimals=0, percent=True)
            row.append(
                Cell(cell.text, cell.value, is_numeric=True, is_suppressed=cell.is_suppressed)
            )
        rows.append(row)
    return ReportTable(
        f"table-{measure}-dimensions",
        labels.text("caption_dimensions", measure=labels.measure(measure)),
        columns,
        rows,
        # The intervals are explained under the measure's index table just above; how the two
        # shares are computed (their denominators), once, in «Om undersøkelsen».
        [
            labels.text("note_reverse"),
            labels.text(
                "note_shares_ref", statements=labels.text("statements"), about=labels.text("about")
            ),
        ],
        _suppressed_note(report),
        # Shown in HTML as one narrow table per group (fits a tablet and A4); one sheet in xlsx.
        html_parts=tuple(
            TablePart(
                group,
                f"{labels.measure(measure)} – {labels.group(group)}",
                (0, 1 + i, 1 + len(GROUPS) + i),
                (labels.text("dimension"), labels.text("agree"), labels.text("dont_know")),
            )
            for i, group in enumerate(GROUPS)
        ),
    )


def response_table(report: Report) -> ReportTable:
    """Per group: respondents, responding organisations, population, response rate, efficiency."""
    labels, lang = report.labels, report.lang
    columns = [
        Column(labels.text("group")),
        Column(labels.text("respondents")),
        Column(labels.text("responding_units")),
        Column(labels.text("frame_units")),
        Column(labels.text("response_rate")),
        Column(labels.text("weighting_efficiency")),
    ]
    rows = []
    for group in GROUPS:
        rate = report.estimates.get("", group, "response_rate", "")
        efficiency = report.estimates.get("", group, "weighting_efficiency", "")
        population = int(report.frames[group].strata["psu_n"].sum())
        rows.append(
            [
                text_cell(labels.group(group)),
                _count_cell(report.respondents.get(group, rate.n if rate else None), lang),
                _count_cell(rate.n_orgs if rate else None, lang),
                _count_cell(population, lang),
                _rate_cell(rate, lang),
                _plain_cell(efficiency, lang),
            ]
        )
    return ReportTable(
        "table-responses",
        labels.text("responses"),
        columns,
        rows,
        [_response_note(report)],
        _suppressed_note(report),
    )


def _rate_cell(rate: Estimate | None, lang: str) -> Cell:
    if rate is None or rate.is_suppressed or rate.estimate is None:
        return suppressed_cell() if rate is not None and rate.is_suppressed else Cell(MISSING)
    return Cell(format_percent(rate.estimate, lang), rate.estimate, is_numeric=True)


def _response_note(report: Report) -> str:
    return report.labels.text("note_response_rate")


def stratum_table(report: Report) -> ReportTable:
    """Response rate per stratum (county, regional health authority): responded / population."""
    labels, lang = report.labels, report.lang
    columns = [
        Column(labels.text("group")),
        Column(labels.text("stratum")),
        Column(labels.text("responding_units")),
        Column(labels.text("frame_units")),
        Column(labels.text("response_rate")),
    ]
    rows = []
    for group in GROUPS:
        strata = report.frames[group].strata
        for stratum in strata.itertuples(index=False):
            rate = report.estimates.get("", group, "response_rate", "", "stratum", stratum.stratum)
            responded = 0 if rate is None else rate.n_orgs
            rows.append(
                [
                    text_cell(labels.group(group)),
                    text_cell(stratum.stratum_name),
                    _count_cell(responded, lang, rate is not None and rate.is_suppressed),
                    _count_cell(int(stratum.psu_n), lang),
                    _rate_cell(rate, lang)
                    if rate is not None
                    else Cell(format_percent(0, lang), 0.0, is_numeric=True),
                ]
            )
    return ReportTable(
        "table-strata",
        labels.text("response_rate_title"),
        columns,
        rows,
        [],
        _suppressed_note(report),
    )


def theme_table(report: Report) -> ReportTable:
    """Barrier themes × groups: how many respondents name each theme (counts, never quotes).

    The counts and which of them are hidden come from ``themes.parquet`` (the analysis flags a
    count below :data:`anchoring.analysis.suppression.MIN_THEME_COUNT` and the row's total,
    ``sector``, with it); a hidden count shows ":". Rows by total, largest first.
    """
    labels, lang = report.labels, report.lang
    counts = report.theme_counts
    columns = [Column(labels.text("theme"))]
    columns += [Column(labels.group(g)) for g in GROUPS] + [Column(labels.text("total"))]
    rows = []
    for theme in report.instrument.theme_ids():
        of_theme = counts[counts["theme"] == theme]
        values = {g: int(of_theme.loc[of_theme["group"] == g, "count"].sum()) for g in GROUPS}
        hidden = {
            g: bool(of_theme.loc[of_theme["group"] == g, "is_suppressed"].any())
            for g in (*GROUPS, SECTOR)
        }
        total = int(of_theme.loc[of_theme["group"] == SECTOR, "count"].sum())
        row = [text_cell(labels.theme(theme))]
        row += [_count_cell(values[g], lang, hidden[g]) for g in GROUPS]
        row.append(_count_cell(total, lang, hidden[SECTOR]))
        rows.append((total, row))
    rows.sort(key=lambda item: -item[0])
    note = labels.text("note_theme_small")
    return ReportTable(
        "table-barriers",
        labels.text("barriers"),
        columns,
        [r for _, r in rows],
        [labels.text("note_themes")],
        note,
    )


def change_table(report: Report) -> ReportTable | None:
    """Change of the index since the previous round, per measure and group, with Holm p-values."""
    change = report.change
    if change is None:
        return None
    labels = report.labels
    header = labels.text("difference")
    columns = [
        Column(labels.text("measure")),
        Column(labels.text("group")),
        Column(labels.text("previous")),
        Column(labels.text("current")),
        Column(header, _interval_headers(report, header)),
        Column(labels.text("p_holm")),
        Column(labels.text("change_holds")),
    ]
    order = {m: i for i, m in enumerate(report.measures)}
    groups = {g: i for i, g in enumerate((*GROUPS, "sector"))}
    shown = change[change["measure"].isin(order) & change["group"].isin(groups)]
    shown = shown.assign(_m=shown["measure"].map(order), _g=shown["group"].map(groups))
    rows = [
        _change_row(report, row)
        for row in shown.sort_values(["_m", "_g"], kind="stable").itertuples(index=False)
    ]
    tested = shown["p_value_holm"].notna()
    sizes = {
        "k_groups": int((tested & shown["group"].isin(GROUPS)).sum()),
        "k_sector": int((tested & (shown["group"] == "sector")).sum()),
    }
    alpha = format_number(significance_level(report), report.lang, 2)
    note = labels.text("note_change_marks", alpha=alpha, **sizes)
    return ReportTable(
        "table-change",
        labels.text("change"),
        columns,
        rows,
        [note],
        _suppressed_note(report),
    )


def _change_row(report: Report, row) -> list[Cell]:
    labels, lang = report.labels, report.lang
    hidden = bool(getattr(row, "is_suppressed", False)) or row.change != row.change
    first = [
        text_cell(capitalise(labels.measure_short(row.measure))),
        text_cell(labels.group(row.group)),
    ]
    if hidden:
        return first + [suppressed_cell() for _ in range(5)]
    delta = Cell(
        format_number(row.change, lang, signed=True),
        row.change,
        detail=f"({format_interval(row.ci_low, row.ci_high, lang)})",
        low=row.ci_low,
        high=row.ci_high,
        is_numeric=True,
    )
    return [
        *first,
        Cell(format_number(row.estimate_previous, lang), row.estimate_previous, is_numeric=True),
        Cell(format_number(row.estimate_current, lang), row.estimate_current, is_numeric=True),
        delta,
        Cell(format_p_value(row.p_value_holm, lang), row.p_value_holm, is_numeric=True),
        _holds_cell(report, row.p_value_holm),
    ]


def _holds_cell(report: Report, p_value_holm: object) -> Cell:
    """«Ja» where the change holds after Holm (:func:`holds_after_holm`), else «Nei»."""
    if is_missing(p_value_holm):
        return Cell(MISSING, None)
    holds = holds_after_holm(report, p_value_holm)
    return text_cell(
        report.labels.text("yes" if holds else "no"), css="holds" if holds else "not-holds"
    )
