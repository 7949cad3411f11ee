"""«Om undersøkelsen» / «About the survey»: population, fieldwork, response, methods and quality.

States what a reader needs to judge the numbers: the population and its frames (saying so when a
frame is illustrative), the statements respondents answered (from the instrument, once, with the
dimension names) and how the agree and «Vet ikke» shares are computed (methodology §3:
agree shares leave out «Vet ikke» and «Ikke relevant», «Vet ikke» shares count every answer),
fieldwork, responses and response rate per group and stratum, weighting and its efficiency, how
intervals are made, where the status rule is stated (under the overview table, once), the
suppression rule, the cleaning stage's data-quality counts, and known limitations.
"""

from __future__ import annotations

import datetime as dt

from anchoring.groups import GROUPS
from anchoring.instrument import DONT_KNOW, NOT_APPLICABLE, SCALE_POINTS
from anchoring.report.html import HtmlBlock, anchor_id, element, escape
from anchoring.report.inputs import Report
from anchoring.report.numbers import format_count, format_date, format_interval
from anchoring.report.sections import status_rule_reference
from anchoring.report.table_model import Cell, Column, ReportTable, text_cell
from anchoring.report.tables import response_table, stratum_table, theme_table
from anchoring.texts import has_text, text

ABOUT_ID = {"nb": "om-undersokelsen", "en": "about"}
"""Id of the «About» heading."""

STATEMENTS_ID = "about-statements"
"""Id of the «Påstandene» heading (the dimension tables' notes point to it)."""

LIMITATIONS: tuple[str, ...] = (
    "about_limitation_self_selection",
    "about_limitation_judgement",
    "about_limitation_equal_steps",
    "about_limitation_independent_rounds",
    "about_limitation_keywords",
)
"""Catalog keys of the known limitations, in order (the one-stage variance adds its own)."""


def _limitations(lang: str, two_stage: bool, independent_change: bool = True) -> list[str]:
    """The known limitations; the one-stage variance adds its own.

    The independent-rounds limitation applies only where a change was computed as if the rounds
    were independent (``change.parquet``'s ``method == "independent"``): the stacked (panel)
    design of methodology §5 allows for organisations answering in both rounds.
    """
    keys = [
        k for k in LIMITATIONS if independent_change or k != "about_limitation_independent_rounds"
    ]
    keys += [] if two_stage else ["about_one_stage_limitation"]
    return [text(key, lang) for key in keys]


def _change_methods(report: Report) -> set[str]:
    """The methods of the round's change rows (``panel``, ``independent``); empty without any.

    A change table without the ``method`` column (written before the stacked design) was
    computed as if the rounds were independent.
    """
    change = report.change
    if change is None:
        return set()
    if "method" not in change:
        return {"independent"}
    return {str(m) for m in change["method"].dropna().unique()}


def _t(report: Report, key: str, **values: object) -> str:
    return text(key, report.lang, **values)


def _h3(text: str, *parts: str) -> str:
    return element("h3", escape(text), id=anchor_id(*parts))


def _p(text: str, css: str | None = None) -> str:
    return element("p", escape(text), class_=css)


def frames_table(report: Report) -> ReportTable:
    """The frames: per group the population count, strata, the date the frame holds for."""
    labels, lang = report.labels, report.lang
    columns = [
        Column(labels.text("group")),
        Column(labels.text("frame_units")),
        Column(labels.text("strata")),
        Column(labels.text("source")),
        Column(labels.text("holds_for")),
    ]
    rows = []
    for group in GROUPS:
        frame = report.frames[group]
        strata = text(f"frame_strata_{group}", lang, n=format_count(len(frame.strata), lang))
        source = text(f"frame_source_{group}", lang) if frame.holds_for else frame.source
        rows.append(
            [
                text_cell(labels.group(group)),
                Cell(
                    format_count(int(frame.strata["psu_n"].sum()), lang),
                    int(frame.strata["psu_n"].sum()),
                    is_numeric=True,
                ),
                text_cell(strata),
                text_cell(source),
                text_cell(_holds_for(frame.holds_for, lang)),
            ]
        )
    return ReportTable("table-frames", labels.text("population"), columns, rows)


def statements_table(report: Report) -> ReportTable:
    """The statements respondents answered, one per dimension, with the dimension's name.

    From the instrument (``dimensions[].item``), the measure's name given as «tiltaket» / "the
    measure" (each statement was asked once per measure).
    """
    labels = report.labels
    columns = [Column(labels.text("dimension")), Column(labels.text("statement"))]
    rows = [
        [text_cell(labels.dimension(d)), text_cell(labels.statement(d))]
        for d in report.instrument.dimension_ids
    ]
    return ReportTable(
        "table-statements", labels.text("statements"), columns, rows, [labels.text("note_reverse")]
    )


def _answer_words(report: Report) -> dict[str, str]:
    """The scale's end points and the two non-substantive answers, named by the instrument."""
    scale = report.labels.scale
    return {
        "low": scale(min(SCALE_POINTS)),
        "high": scale(max(SCALE_POINTS)),
        "dont_know": scale(DONT_KNOW),
        "not_applicable": scale(NOT_APPLICABLE),
    }


def _hidden_sentence(report: Report) -> str:
    """The sentence saying how many figures are hidden («ingen», «ett», or the number)."""
    hidden = _hidden_count(report)
    if hidden == 0:
        return _t(report, "about_hidden_none")
    if hidden == 1:
        return _t(report, "about_hidden_one")
    return _t(report, "about_hidden_many", hidden=format_count(hidden, report.lang))


def _holds_for(text: str, lang: str) -> str:
    try:
        return format_date(dt.date.fromisoformat(text), lang)
    except ValueError:
        return text or "–"


def _count_table(
    report: Report, table_id: str, caption: str, first: str, counts: dict, prefix: str
) -> ReportTable:
    labels, lang = report.labels, report.lang
    rows = [
        [
            text_cell(text(f"{prefix}_{k}", lang) if has_text(f"{prefix}_{k}") else k),
            Cell(format_count(v, lang), int(v), is_numeric=True),
        ]
        for k, v in counts.items()
    ]
    return ReportTable(table_id, caption, [Column(first), Column(labels.text("count"))], rows)


def quality_tables(report: Report) -> list[ReportTable]:
    """Exclusions by reason and redactions by type, from the cleaning stage's ``quality.json``."""
    totals = report.quality.get("totals", {})
    labels = report.labels
    return [
        _count_table(
            report,
            "table-exclusions",
            labels.text("caption_exclusions"),
            labels.text("reason"),
            totals.get("excluded_by_reason", {}),
            "reason",
        ),
        _count_table(
            report,
            "table-redactions",
            labels.text("caption_redactions"),
            labels.text("type"),
            totals.get("redactions_by_type", {}),
            "redaction",
        ),
    ]


SHOWN_ESTIMATES: tuple[tuple[str, str, str | None], ...] = (
    ("", "mean", "index"),
    ("", "consensus_tw", "index"),
    ("", "agree_share", None),
    ("", "dont_know_share", None),
    ("", "response_rate", None),
    ("", "weighting_efficiency", None),
    ("stratum", "mean", "index"),
    ("stratum", "response_rate", None),
)
"""(breakdown, statistic, dimension or any) of the estimates the report shows: the overview, the
measure and dimension tables, the response rates, and the index per county and RHF."""


def _hidden_count(report: Report) -> int:
    """How many figures the report hides (methodology §7), each shown as ":".

    A hidden estimate counts once (its interval with it): the estimates of
    :data:`SHOWN_ESTIMATES` for the round's measures (and the response rates, which belong to
    no measure), the changes whose estimate is hidden, and the barrier-theme counts below
    :data:`~anchoring.analysis.suppression.MIN_THEME_COUNT` with the totals hidden with them
    (as ``themes.parquet`` flags them).
    """
    table = report.estimates.table
    measures = table["measure"].isin([*report.measures, ""])
    shown = False
    for breakdown, statistic, dimension in SHOWN_ESTIMATES:
        kind = (table["breakdown"] == breakdown) & (table["statistic"] == statistic)
        shown = shown | (kind & (True if dimension is None else table["dimension"] == dimension))
    hidden = int(table.loc[measures & shown, "is_suppressed"].astype(bool).sum())
    change = report.change
    if change is not None and "is_suppressed" in change:
        mine = change["measure"].isin(report.measures)
        hidden += int(change.loc[mine, "is_suppressed"].astype(bool).sum())
    hidden += sum(c.is_suppressed for row in theme_table(report).rows for c in row)
    return hidden


def _sensitivity(report: Report) -> list[str]:
    """The sensitivity line from ``sensitivity.parquet`` (none when absent or all hidden)."""
    table = report.sensitivity
    if table is None:
        return []
    shown = table[~table["is_suppressed"].astype(bool) & table["measure"].isin(report.measures)]
    if shown.empty:
        return []
    lang = report.lang
    items = "; ".join(
        f"{report.labels.measure_short(row.measure)} "
        f"{format_interval(row.ci_low, row.ci_high, lang)}"
        for row in shown.itertuples()
    )
    design = _t(report, f"about_design_{shown['variance'].iloc[0]}")
    return [_p(_t(report, "about_sensitivity", design=design, items=items))]


def about_section(report: Report) -> HtmlBlock:
    """The «About the survey» section, in the report language."""
    labels, lang = report.labels, report.lang
    settings = report.config.estimation
    fieldwork = report.config.fieldwork
    totals = report.quality.get("totals", {})
    parts = [element("h2", escape(labels.text("about")), id=ABOUT_ID[lang])]
    parts += [
        _h3(labels.text("population"), "about-population"),
        _p(_t(report, "about_population")),
        frames_table(report).to_html(),
    ]
    if report.frames["gp"].is_illustrative:
        parts.append(_p(_t(report, "about_gp_illustrative"), "note"))
    words = _answer_words(report)
    parts += [
        element("h3", escape(labels.text("statements")), id=STATEMENTS_ID),
        _p(_t(report, "about_statements", measure=labels.text("statement_measure"), **words)),
        statements_table(report).to_html(),
        _p(
            _t(
                report,
                "about_shares",
                dont_know=words["dont_know"],
                not_applicable=words["not_applicable"],
            )
        ),
    ]
    parts += [
        _h3(labels.text("fieldwork"), "about-fieldwork"),
        _p(
            _t(
                report,
                "about_fieldwork",
                start=format_date(fieldwork.start, lang),
                end=format_date(fieldwork.end, lang),
                k=len(report.config.sources),
            )
        ),
    ]
    if report.history.empty:
        parts.append(_p(labels.text("no_previous")))
    parts += [
        _h3(labels.text("responses"), "about-responses"),
        response_table(report).to_html(),
        element(
            "details",
            element("summary", escape(_t(report, "about_show_strata")))
            + stratum_table(report).to_html(),
        ),
    ]
    parts += [_h3(labels.text("weighting"), "about-weighting"), _p(_t(report, "about_weighting"))]
    if settings.weighting == "raked":
        named = sorted({c for columns in (settings.margins or {}).values() for c in columns})
        parts.append(_p(_t(report, "about_raked", margins=", ".join(named))))
    two_stage = settings.variance == "two_stage"
    methods = _change_methods(report)
    sentences = [
        _t(report, "about_methods"),
        *([_t(report, "about_change_panel")] if "panel" in methods else []),
        *([_t(report, "about_two_stage")] if two_stage else []),
    ]
    parts += [
        _h3(labels.text("methods"), "about-methods"),
        _p(" ".join(sentences)),
        _p(_t(report, "about_estimand")),
        *_sensitivity(report),
    ]
    parts += [
        _h3(labels.text("status_rule"), "about-status"),
        element("p", status_rule_reference(report)),
    ]
    parts += [
        _h3(labels.text("suppression"), "about-suppression"),
        _p(
            _t(
                report,
                "about_suppression",
                min_n=settings.min_n,
                min_orgs=settings.min_orgs,
            )
            + " "
            + _hidden_sentence(report)
        ),
    ]
    parts += [_h3(labels.text("data_quality"), "about-quality")]
    if totals:
        parts.append(
            _p(
                _t(
                    report,
                    "about_quality",
                    read=format_count(totals.get("rows_read"), lang),
                    kept=format_count(totals.get("kept"), lang),
                    excluded=format_count(totals.get("excluded"), lang),
                )
            )
        )
    parts += [t.to_html() for t in quality_tables(report)]
    parts += [
        _h3(labels.text("limitations"), "about-limitations"),
        element(
            "ul",
            "".join(
                element("li", escape(x))
                for x in _limitations(lang, two_stage, "independent" in methods)
            ),
        ),
    ]
    return HtmlBlock(element("section", "".join(parts), class_="about"))
