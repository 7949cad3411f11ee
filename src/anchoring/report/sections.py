"""The report's content, in order, as display objects the notebook shows one by one.

1. :func:`title_section`: title, round, fieldwork dates, date of the data;
2. :func:`main_points_section`: Hovedfunn / Main points;
3. :func:`overview_section`: the overview table and the heatmap;
4. :func:`measure_sections`: one section per measure with an active title, the answer bars, the
   index by group and sector with 95 % intervals, consensus and counts;
5. :func:`barrier_section`: barrier themes as counts (the survey asks about barriers once, for all
   measures, so they are shown once rather than repeated under every measure);
6. :func:`change_section`: change over rounds (empty in a first round);
   then :func:`anchoring.report.regional.regional_section`: the index per county and RHF;
7. :func:`anchoring.report.about.about_section`: Om undersøkelsen / About the survey;
8. :func:`footer_section`: package version, git commit, inputs digest and run time (the last
   three passed by the pipeline as the notebook's parameters).

Each ``<h2>`` carries a stable ``id``; :mod:`anchoring.report.page` builds the table of contents
from them.
"""

from __future__ import annotations

from anchoring import __version__
from anchoring.report.figures import (
    change_figure,
    distribution_figure,
    heatmap_figure,
    index_figure,
)
from anchoring.report.headlines import measure_headline
from anchoring.report.html import HtmlBlock, anchor_id, element, escape, join_blocks
from anchoring.report.inputs import Report
from anchoring.report.main_points import build_main_points
from anchoring.report.numbers import MISSING, format_date
from anchoring.report.tables import (
    change_table,
    dimension_table,
    measure_table,
    overview_table,
    theme_table,
)

PROVENANCE_FIELDS: tuple[str, ...] = ("package_version", "git_commit", "inputs_digest", "run_at")
"""The footer's provenance fields (``data-provenance`` attributes of its values)."""

_IDS = {
    "main_points": {"nb": "hovedfunn", "en": "main-points"},
    "overview": {"nb": "oversikt", "en": "overview"},
    "measure": {"nb": "tiltak", "en": "measure"},
    "barriers": {"nb": "barrierer", "en": "barriers"},
    "change": {"nb": "endring", "en": "change"},
    "regional": {"nb": "regioner", "en": "regions"},
}


def section_id(report: Report, key: str, *parts: str) -> str:
    """The ``id`` of a section heading, in the report language (e.g. ``hovedfunn``)."""
    return anchor_id(_IDS[key][report.lang], *parts)


def heading(level: int, text: str, element_id: str | None = None) -> str:
    """An escaped heading element."""
    return element(f"h{level}", escape(text), id=element_id)


def paragraph(text: str, css: str | None = None) -> str:
    """An escaped paragraph."""
    return element("p", escape(text), class_=css)


def linked_text(report: Report, key: str, href: str, link_text: str, **values: object) -> str:
    """A catalog phrase as escaped HTML, its ``{link}`` field a link to ``href``.

    E.g. ``status_rule_ref`` («… under tabellen i «{link}».») with a link to the overview, so a
    rule stated once can be referred to from elsewhere.
    """
    marker = "\x00"
    before, _, after = report.labels.text(key, link=marker, **values).partition(marker)
    return escape(before) + element("a", escape(link_text), href=href) + escape(after)


def status_rule_reference(report: Report) -> str:
    """«Statusen … settes etter regelen under tabellen i «Oversikt over tiltakene»», linked.

    The status rule is stated once, under the overview table (:func:`overview_table`'s notes);
    the main points and «Om undersøkelsen» refer to it with this sentence.
    """
    return linked_text(
        report,
        "status_rule_ref",
        f"#{section_id(report, 'overview')}",
        report.labels.text("overview"),
    )


def title_section(report: Report) -> HtmlBlock:
    """The report's title, the round, the fieldwork dates and the date of the last response."""
    labels, lang = report.labels, report.lang
    fieldwork = report.config.fieldwork
    last = report.last_response_at
    facts = [
        (labels.text("round"), report.round_id),
        (
            labels.text("fieldwork_dates"),
            f"{format_date(fieldwork.start, lang)} – {format_date(fieldwork.end, lang)}",
        ),
        (
            labels.text("data_as_of"),
            format_date(last.date(), lang) if last is not None else MISSING,
        ),
    ]
    items = "".join(element("dt", escape(k)) + element("dd", escape(v)) for k, v in facts)
    return HtmlBlock(
        element(
            "header",
            element("p", escape(labels.text("report")), class_="kicker")
            + element("h1", escape(report.config.title.model_dump()[lang]), id="top")
            + element("dl", items, class_="facts"),
            class_="report-header",
        )
    )


def main_points_section(report: Report) -> HtmlBlock:
    """Hovedfunn: at most six ranked sentences, each with its number and interval."""
    labels = report.labels
    points = build_main_points(report)
    items = "".join(element("li", escape(p.text)) for p in points)
    return HtmlBlock(
        element(
            "section",
            heading(2, labels.text("main_points"), section_id(report, "main_points"))
            + element("ul", items, class_="main-points")
            + element("p", status_rule_reference(report), class_="note"),
            class_="main-points-section",
        )
    )


def overview_section(report: Report) -> HtmlBlock:
    """The overview table (measure × group, sector, status) and the heatmap of the index."""
    labels = report.labels
    return join_blocks(
        HtmlBlock(heading(2, labels.text("overview"), section_id(report, "overview"))),
        overview_table(report),
        heatmap_figure(report),
    )


def _status_line(report: Report, measure: str) -> str:
    """«Status: Delvis forankret (se regelen for status)», the rule linked, not restated.

    The status rule is stated once, under the overview table; every measure refers to it.
    """
    labels = report.labels
    row = report.status_of(measure)
    status = str(row.get("status", "not_assessed"))
    word = element("strong", escape(labels.status(status)), class_=f"status status-{status}")
    rule = element(
        "a", escape(labels.text("status_rule_link")), href=f"#{section_id(report, 'overview')}"
    )
    text = f"{escape(labels.text('status'))}: {word} ({escape(labels.text('see'))} {rule})"
    return element("p", text, class_="status-line")


def measure_section(report: Report, measure: str) -> HtmlBlock:
    """One measure: active title, description, status with its rule, figures and tables."""
    labels = report.labels
    dimensions = dimension_table(report, measure)
    details = element(
        "details",
        element("summary", escape(labels.text("show_numbers"))) + dimensions.to_html(),
    )
    return join_blocks(
        HtmlBlock(
            heading(2, measure_headline(report, measure), section_id(report, "measure", measure))
            + paragraph(f"{labels.measure(measure)}: {labels.measure_description(measure)}", "lead")
            + _status_line(report, measure)
        ),
        distribution_figure(report, measure),
        index_figure(report, measure),
        measure_table(report, measure),
        HtmlBlock(details),
    )


def measure_sections(report: Report) -> HtmlBlock:
    """The sections of every measure of the round, in instrument order."""
    return join_blocks(*(measure_section(report, m) for m in report.measures))


def barrier_section(report: Report) -> HtmlBlock:
    """Barrier themes named in the open question, as counts by group (never quotes)."""
    labels = report.labels
    return join_blocks(
        HtmlBlock(heading(2, labels.text("barriers"), section_id(report, "barriers"))),
        theme_table(report),
    )


def change_section(report: Report) -> HtmlBlock:
    """Change since earlier rounds: a chart over rounds and the table with Holm p-values.

    Empty when the round has no earlier round with data (the «About» section says so).
    """
    figure = change_figure(report)
    table = change_table(report)
    if figure is None and table is None:
        return HtmlBlock("")
    labels = report.labels
    return join_blocks(
        HtmlBlock(heading(2, labels.text("change"), section_id(report, "change"))),
        figure,
        table,
    )


def footer_section(
    report: Report, git_commit: str = "", inputs_digest: str = "", run_at: str = ""
) -> HtmlBlock:
    """The footer: package version, git commit, inputs digest and run time.

    The package version is the code's own; the others are the run's record, which only the
    pipeline knows: ``anchoring run`` passes them to the report notebook as papermill
    parameters (:mod:`anchoring.pipeline.run`), and the notebook hands them on here. A value
    not given (the notebook run by hand) shows as «–».

    Parameters
    ----------
    report
        The loaded report (its language and words).
    git_commit, inputs_digest, run_at
        The commit of the code, the digest of the round's inputs (as in ``manifest.json``)
        and the run's start time (``YYYY-MM-DD HH:MM:SS UTC``).
    """
    labels = report.labels
    values = {
        "package_version": __version__,
        "git_commit": git_commit,
        "inputs_digest": inputs_digest,
        "run_at": run_at,
    }
    names = {
        "package_version": labels.text("version"),
        "git_commit": labels.text("commit"),
        "inputs_digest": labels.text("manifest_hash"),
        "run_at": labels.text("run_at"),
    }
    items = "".join(
        element("dt", escape(names[f]))
        + element("dd", escape(values[f] or MISSING), data_provenance=f)
        for f in PROVENANCE_FIELDS
    )
    return HtmlBlock(
        element(
            "footer",
            paragraph(labels.text("made_with")) + element("dl", items, class_="provenance"),
            id="provenance",
        )
    )
