"""The report's tables as a spreadsheet: ``reports/<round>/tabeller.nb.xlsx`` / ``tables.en.xlsx``.

One sheet for the overview, one per measure (index by group, then the dimensions), one for the
response rates, one for barrier themes and, when there is an earlier round, one for change. Sheet
names and headers are in the report language; suppression is applied exactly as in the HTML
report (the same :class:`~anchoring.report.table_model.ReportTable` objects): a hidden value is the
text ":", with the footnote under the table.

No cell can run as a formula: every text cell is written as a string (``data_type = "s"``) and a
text that a spreadsheet would read as a formula (starting with ``= + - @``, a tab or a carriage
return) is also marked with Excel's quote prefix, so it shows as typed and never evaluates. The
file is deterministic: fixed zip timestamps and document dates (the round's last fieldwork day).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from anchoring.report.about import quality_tables
from anchoring.report.html import HtmlBlock, element, escape
from anchoring.report.inputs import Report
from anchoring.report.table_model import ReportTable
from anchoring.report.tables import (
    change_table,
    dimension_table,
    measure_table,
    overview_table,
    response_table,
    stratum_table,
    theme_table,
)

FILE_NAMES: dict[str, str] = {"nb": "tabeller.nb.xlsx", "en": "tables.en.xlsx"}
"""File name of the spreadsheet per language, under ``reports/<round>/``."""

FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet treat text as a formula (OWASP CSV injection)."""

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no brackets, colon, star, question mark or slashes; ≤ 31."""
    base = _SHEET_FORBIDDEN.sub(" ", text).strip()[:31] or "Ark"
    name, k = base, 2
    while name.lower() in {t.lower() for t in taken}:
        suffix = f" ({k})"
        name, k = base[: 31 - len(suffix)] + suffix, k + 1
    taken.add(name)
    return name


def safe_text(cell, text: str) -> None:
    """Write text that can never run as a formula (string type; quote prefix if needed)."""
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


def _write_value(cell, value: object, percent: bool) -> None:
    if isinstance(value, bool) or value is None:
        cell.value = None if value is None else str(value)
        return
    if isinstance(value, int | float):
        cell.value = float(value) if isinstance(value, float) else value
        cell.number_format = "0%" if percent else ("0.0##" if isinstance(value, float) else "0")
        return
    safe_text(cell, str(value))


def _write_table(sheet, table: ReportTable, start_row: int) -> int:
    """Write a table from ``start_row``; return the next free row."""
    headers, records = table.to_records()
    safe_text(sheet.cell(start_row, 1), table.caption)
    sheet.cell(start_row, 1).font = Font(bold=True, size=12)
    for j, header in enumerate(headers, start=1):
        cell = sheet.cell(start_row + 1, j)
        safe_text(cell, header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    percent_columns = _percent_columns(table, headers)
    for i, record in enumerate(records, start=start_row + 2):
        for j, value in enumerate(record, start=1):
            _write_value(sheet.cell(i, j), value, j in percent_columns)
    row = start_row + 2 + len(records)
    for note in table.all_notes():
        safe_text(sheet.cell(row, 1), note)
        sheet.cell(row, 1).font = Font(italic=True)
        row += 1
    return row + 1


def _percent_columns(table: ReportTable, headers: list[str]) -> set[int]:
    """1-based spreadsheet columns holding shares (shown with «%» in the HTML table)."""
    columns, j = set(), 1
    for k, column in enumerate(table.columns):
        width = 3 if column.interval_headers else 1
        if any(row[k].text.endswith("%") for row in table.rows):
            columns.update(range(j, j + width))
        j += width
    return columns


def _sheets(report: Report) -> list[tuple[str, list[ReportTable]]]:
    labels = report.labels
    sheets = [(labels.text("sheet_overview"), [overview_table(report)])]
    for measure in report.measures:
        sheets.append(
            (
                labels.measure_short(measure)[:1].upper() + labels.measure_short(measure)[1:],
                [measure_table(report, measure), dimension_table(report, measure)],
            )
        )
    sheets.append((labels.text("sheet_responses"), [response_table(report), stratum_table(report)]))
    sheets.append((labels.text("sheet_barriers"), [theme_table(report)]))
    change = change_table(report)
    if change is not None:
        sheets.append((labels.text("sheet_change"), [change]))
    sheets.append((labels.text("sheet_quality"), quality_tables(report)))
    return sheets


def build_workbook(report: Report) -> Workbook:
    """The workbook of a report's tables (sheets in report order, in the report language)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for title, tables in _sheets(report):
        sheet = workbook.create_sheet(sheet_name(title, taken))
        row = 1
        for table in tables:
            row = _write_table(sheet, table, row)
        sheet.column_dimensions["A"].width = 34
        for letter in "BCDEFGHIJKLMNOP":
            sheet.column_dimensions[letter].width = 16
    stamp = dt.datetime.combine(report.config.fieldwork.end, dt.time())
    workbook.properties.created = stamp
    workbook.properties.creator = "anchoring"
    return workbook


def write_tables_xlsx(report: Report, path: Path) -> Path:
    """Write the report's tables to ``path`` (deterministic bytes for the same estimates)."""
    buffer = io.BytesIO()
    build_workbook(report).save(buffer)
    stamp = dt.datetime.combine(report.config.fieldwork.end, dt.time()).isoformat() + "Z"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, data)
    return path


def write_spreadsheet(report: Report) -> Path:
    """Write the report's spreadsheet beside it: ``reports/<round>/`` + :data:`FILE_NAMES`.

    Its own step (a cell of the report notebook of its own, run only inside ``anchoring run``),
    so that showing :func:`spreadsheet_section` writes nothing.

    Returns
    -------
    Path
        The spreadsheet written (:func:`write_tables_xlsx`).
    """
    return write_tables_xlsx(report, report.paths.reports_dir / FILE_NAMES[report.lang])


def spreadsheet_section(report: Report) -> HtmlBlock:
    """The sentence that links to the spreadsheet beside the report (:func:`write_spreadsheet`)."""
    name = FILE_NAMES[report.lang]
    link = element("a", escape(name), href=name)
    words = report.labels.text("spreadsheet_link")
    return HtmlBlock(element("p", escape(words) + link, class_="note"))
