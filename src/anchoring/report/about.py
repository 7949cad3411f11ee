"""«Om undersøkelsen» / «About the survey»: population, fieldwork, response, methods and quality.

States what a reader needs to judge the numbers: the population and its frames (saying so when a
frame is illustrative), fieldwork, responses and response rate per group and stratum, weighting
and its efficiency, how intervals are made, the status rule (the analysis stage's own wording),
the suppression rule, the cleaning stage's data-quality counts, and known limitations.
"""

from __future__ import annotations

import datetime as dt

from anchoring.analysis.status import rule_texts
from anchoring.groups import GROUPS
from anchoring.report.html import HtmlBlock, anchor_id, element, escape
from anchoring.report.inputs import Report
from anchoring.report.numbers import format_count, format_date, format_interval
from anchoring.report.table_model import Cell, Column, ReportTable, text_cell
from anchoring.report.tables import response_table, stratum_table
from anchoring.texts import has_text, text

ABOUT_ID = {"nb": "om-undersokelsen", "en": "about"}
"""Id of the «About» heading."""

LIMITATIONS: tuple[str, ...] = (
    "about_limitation_self_selection",
    "about_limitation_judgement",
    "about_limitation_equal_steps",
    "about_limitation_independent_rounds",
    "about_limitation_keywords",
)
"""Catalog keys of the known limitations, in order (the one-stage variance adds its own)."""


def _limitations(lang: str, two_stage: bool) -> list[str]:
    """The known limitations; the one-stage variance adds its own."""
    keys = [*LIMITATIONS, *([] if two_stage else ["about_one_stage_limitation"])]
    return [text(key, lang) for key in keys]


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
        strata = f"{len(frame.strata)} ({labels.stratum_kind(group)})"
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


def _hidden_count(report: Report) -> int:
    table = report.estimates.table
    mine = table["measure"].isin(report.measures) & (table["breakdown"] == "")
    return int(table.loc[mine, "is_suppressed"].astype(bool).sum())


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
    parts += [
        _h3(labels.text("methods"), "about-methods"),
        _p(
            _t(report, "about_methods") + (" " + _t(report, "about_two_stage") if two_stage else "")
        ),
        _p(_t(report, "about_estimand")),
        *_sensitivity(report),
    ]
    rules = rule_texts(settings.status, settings.level)
    parts += [
        _h3(labels.text("status_rule"), "about-status"),
        element("ul", "".join(element("li", escape(rules[s][lang])) for s in rules)),
    ]
    parts += [
        _h3(labels.text("suppression"), "about-suppression"),
        _p(
            _t(
                report,
                "about_suppression",
                min_n=settings.min_n,
                min_orgs=settings.min_orgs,
                hidden=_hidden_count(report),
            )
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
        element("ul", "".join(element("li", escape(x)) for x in _limitations(lang, two_stage))),
    ]
    return HtmlBlock(element("section", "".join(parts), class_="about"))
