"""The regional view: the anchoring index per county and per regional health authority.

A leader of a county's municipalities (KS), of an RHF or of the GPs in a county looks for their
own region. For each group with per-stratum estimates (:mod:`anchoring.report.strata`) the
section shows

- per measure, a dot plot of the index per region with its 95 % interval, one panel per group
  (:func:`anchoring.report.figures.regional_figure`), titled with the lowest region only where
  the intervals support it (:func:`anchoring.report.strata.clearly_lowest`);
- per group, a table of its regions (rows, in frame order: county number, RHF) by measure
  (columns), the value with its interval under it as in the overview table, so that one row
  holds a region's every measure. Its headers wrap, so it fits the column from a 768-pixel
  tablet up; on a phone it scrolls inside its keyboard-focusable region. Hidden values show
  ":" with the footnote (methodology §7); a region without a published row shows «–».

The same tables go to the spreadsheet (:mod:`anchoring.report.xlsx`). Every value is the
analysis stage's; nothing is estimated here.
"""

from __future__ import annotations

from anchoring.report.figures import regional_figure
from anchoring.report.html import HtmlBlock, join_blocks
from anchoring.report.inputs import Report
from anchoring.report.labels import capitalise
from anchoring.report.sections import heading, paragraph, section_id
from anchoring.report.strata import regional_groups, regions
from anchoring.report.table_model import Column, ReportTable, text_cell
from anchoring.report.tables import estimate_cell


def regional_table(report: Report, group: str) -> ReportTable:
    """One group's regions (rows) by measure (columns): the index with its 95 % interval.

    Parameters
    ----------
    report
        The loaded round.
    group
        A group with per-stratum estimates (:func:`anchoring.report.strata.regional_groups`).
    """
    labels, lang = report.labels, report.lang
    stratum_kind = labels.stratum_kind(group)
    columns = [Column(capitalise(stratum_kind))]
    for measure in report.measures:
        header = capitalise(labels.measure_short(measure))
        columns.append(
            Column(
                header,
                (
                    labels.text("interval_lower", header=header),
                    labels.text("interval_upper", header=header),
                ),
            )
        )
    by_measure = {m: regions(report, m, group) for m in report.measures}
    names = [r.name for r in next(iter(by_measure.values()), [])]
    rows = [
        [text_cell(name)]
        + [estimate_cell(by_measure[m][k].estimate, lang) for m in report.measures]
        for k, name in enumerate(names)
    ]
    settings = report.config.estimation
    caption = labels.text("regional_table_caption", group=labels.group(group), stratum=stratum_kind)
    return ReportTable(
        f"table-regions-{group}",
        caption,
        columns,
        rows,
        [labels.text("note_interval")],
        labels.text("note_suppressed", min_n=settings.min_n, min_orgs=settings.min_orgs),
    )


def regional_tables(report: Report) -> list[ReportTable]:
    """The regional table of every group with per-stratum estimates (empty: none has any)."""
    return [regional_table(report, g) for g in regional_groups(report)]


def regional_sheets(report: Report) -> list[tuple[str, ReportTable]]:
    """The spreadsheet's sheets of the regional tables: (sheet name, table), one per group."""
    text = report.labels.text
    return [
        (text("sheet_regional", group=report.labels.group(g)), regional_table(report, g))
        for g in regional_groups(report)
    ]


def regional_section(report: Report) -> HtmlBlock:
    """Fylker og regionale helseforetak: per measure the dot plot, then per group the table.

    Empty when the round has no per-stratum estimates.
    """
    tables = regional_tables(report)
    if not tables:
        return HtmlBlock("")
    labels = report.labels
    return join_blocks(
        HtmlBlock(
            heading(2, labels.text("regional"), section_id(report, "regional"))
            + paragraph(labels.text("regional_lead"), "lead")
        ),
        *(regional_figure(report, m) for m in report.measures),
        *tables,
    )
