"""The report's tables as a spreadsheet: ``reports/<round>/tabeller.nb.xlsx`` / ``tables.en.xlsx``.

Layout (the statistics offices' model, e.g. ONS's and SSB's downloadable tables): a first
«Innhold»/"Contents" sheet lists every sheet with its full title and a link to it, an «Om
tabellene»/"About the tables" sheet says what the numbers are, then one sheet per table. Each
table sheet holds exactly one table: its caption in row 1, the header in row 2 (frozen, with the
first column, so both stay in view), the rows below it under an autofilter, and the table's
footnotes under the table. Sheet names are the report's own short words (``sheet_*`` in the text
catalog) and the measures' short names, never longer than Excel's 31 characters and never cut
inside a word (:func:`sheet_name`, :func:`measure_sheet_part`).

Numbers stay numbers; each column's number format shows them at the report's precision. The
format is read off the report's own rendering of the column: the first of the formatters of
:mod:`anchoring.report.numbers` (p-value, share, number with 0–3 decimals, signed or not) that
reproduces every shown cell text of the column gives the format (:func:`column_format`), so the
spreadsheet cannot round differently from the HTML table: index «78,4» is ``#,##0.0``, a share
«88 %» ``0 %``, a p-value ``[<0.001]"< 0,001";0.000`` (a p of 2e-27 shows «< 0,001», not «0,000»).
Excel's format codes always use «.» and «,»; Excel and LibreOffice show them in the reader's
locale.

Suppression is applied exactly as in the HTML report (the same
:class:`~anchoring.report.table_model.ReportTable` objects): a hidden value is the text ":", with
the footnote under the table. No cell can run as a formula: every text cell is written as a
string (``data_type = "s"``) and a text that a spreadsheet would read as a formula (starting with
``= + - @``, a tab or a carriage return) is also marked with Excel's quote prefix, so it shows as
typed and never evaluates. The file is deterministic: fixed zip timestamps and document dates (the
round's last fieldwork day), so the same estimates give the same bytes; :func:`spreadsheet_bytes`
builds them in memory, :func:`write_spreadsheet` writes them beside the report and
:func:`spreadsheet_section` embeds the very same bytes in the HTML as a ``data:`` download link,
so a report sent on its own still carries its tables.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterator
from functools import partial
from numbers import Integral
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from anchoring.report.about import quality_tables
from anchoring.report.html import HtmlBlock, element, escape
from anchoring.report.inputs import Report
from anchoring.report.labels import capitalise
from anchoring.report.main_points import significance_level
from anchoring.report.numbers import (
    format_date,
    format_number,
    format_p_value,
    format_percent,
    is_number,
)
from anchoring.report.regional import regional_sheets
from anchoring.report.table_model import Cell, ReportTable
from anchoring.report.tables import (
    change_table,
    dimension_table,
    measure_table,
    overview_table,
    response_table,
    stratum_table,
    theme_table,
)

logger = logging.getLogger(__name__)

FILE_NAMES: dict[str, str] = {"nb": "tabeller.nb.xlsx", "en": "tables.en.xlsx"}
"""File name of the spreadsheet per language, under ``reports/<round>/``."""

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
"""The xlsx media type (IANA), used in the report's ``data:`` link."""

FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet treat text as a formula (OWASP CSV injection)."""

MAX_SHEET_NAME = 31
"""Excel's limit on the length of a sheet name."""

HEADER_ROW = 2
"""Row of a table sheet's column headers (row 1 holds the caption)."""

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_P_LIMIT = 0.001  # format_p_value shows «< 0,001» below this


def sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name of whole words.

    No brackets, colon, star, question mark or slashes, no apostrophe at either end, at most
    :data:`MAX_SHEET_NAME` characters: a longer text loses whole words from its end (only a
    single word longer than the limit is cut). A name already taken (case-insensitive, as Excel
    compares) gets « (2)», « (3)», … with room made for it the same way.
    """
    base = _SHEET_FORBIDDEN.sub(" ", text).strip(" '") or "Ark"
    base = " ".join(base.split())
    lowered = {t.lower() for t in taken}
    name, k = _whole_words(base, MAX_SHEET_NAME), 2
    while name.lower() in lowered:
        suffix = f" ({k})"
        name, k = _whole_words(base, MAX_SHEET_NAME - len(suffix)) + suffix, k + 1
    taken.add(name)
    return name


def _whole_words(text: str, room: int) -> str:
    """The longest beginning of ``text`` in whole words that fits ``room`` characters."""
    if len(text) <= room:
        return text
    words = text.split(" ")
    while len(words) > 1 and len(" ".join(words)) > room:
        words.pop()
    return " ".join(words)[:room].rstrip(" ,–-")


def measure_sheet_part(short: str, room: int) -> str:
    """The measure's part of its sheet names: its short name, or its last words if too long.

    The distinctive words of the measures' short names come last («Deling av
    journaldokumenter», «Datadeling for digital hjemmeoppfølging»), so whole words are dropped
    from the front until the rest fits ``room`` characters, skipping a short lower-case word
    («av», «for», «of») that would otherwise lead. The result is capitalised. Example:
    ``measure_sheet_part("data sharing for digital home follow-up", 20)`` → «Home follow-up».
    """
    words = short.split()
    for start in range(len(words)):
        tail = words[start:]
        if start and len(tail[0]) <= 3 and tail[0].islower():
            continue
        candidate = " ".join(tail)
        if len(candidate) <= room:
            return capitalise(candidate)
    return capitalise(words[-1][:room]) if words else ""


def safe_text(cell, text: str) -> None:
    """Write text that can never run as a formula (string type; quote prefix if needed)."""
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


def _write_value(cell, value: object, number_format: str | None) -> None:
    if value is None or isinstance(value, str | bool):
        if value is not None:
            safe_text(cell, str(value))
        return
    if is_number(value):
        cell.value = int(value) if isinstance(value, Integral) else float(value)  # type: ignore[arg-type]
        if number_format:
            cell.number_format = number_format
        return
    if value == value:  # anything else but NaN (left empty, as the HTML's «–»)
        safe_text(cell, str(value))


# --- number formats -------------------------------------------------------------------------


def _decimals(places: int) -> str:
    return "#,##0" + ("." + "0" * places if places else "")


def _candidates(lang: str) -> Iterator[tuple[Callable[[object], str], str, str | None]]:
    """(the report's formatter, the Excel format of a value, of its interval limits), in order.

    p-values first (three decimals, «< 0,001» below 0.001: :func:`format_p_value`), then, from
    three decimals down to none, shares (:func:`format_percent`), unsigned numbers and signed
    numbers (:func:`format_number`). More decimals come first so that a text that merely starts
    like a coarser rendering («78,412» vs «78,4») is not taken for it.
    """
    below = format_p_value(0.0, lang)  # «< 0,001» / «< 0.001»
    yield partial(format_p_value, lang=lang), f'[<{_P_LIMIT}]"{below}";0.000', None
    percent_sign = " %" if lang == "nb" else "%"  # «88 %» / «88%», as format_percent
    for places in (3, 2, 1, 0):
        number = _decimals(places)
        share = ("0." + "0" * places if places else "0") + percent_sign
        yield partial(format_percent, lang=lang, decimals=places), share, share
        yield partial(format_number, lang=lang, decimals=places), number, number
        yield (
            partial(format_number, lang=lang, decimals=places, signed=True),
            f"+{number};-{number};{number}",
            number,
        )


def _shows(text: str, rendered: str) -> bool:
    """True when a cell's text is ``rendered``, alone or followed by a mark (« *», « ✓»)."""
    if not text.startswith(rendered):
        return False
    rest = text[len(rendered) :]
    return not rest or not (rest[0].isdigit() or rest[0] in ",.%\u00a0")


def column_format(cells: list[Cell], lang: str) -> tuple[str | None, str | None]:
    """The Excel number formats of a column's values and of its interval limits.

    The first candidate of :func:`_candidates` whose rendering reproduces the text of every
    shown number of the column (not hidden, not missing). ``(None, None)``, Excel's General,
    for a column without numbers or one no candidate reproduces (logged).
    """
    shown = [c for c in cells if is_number(c.value) and not c.is_suppressed]
    if not shown:
        return None, None
    for render, value_format, limit_format in _candidates(lang):
        if all(_shows(c.text, render(c.value)) for c in shown):
            return value_format, limit_format
    logger.debug("no number format reproduces %r; left as General", shown[0].text)
    return None, None


def table_formats(table: ReportTable, lang: str) -> list[str | None]:
    """The number format of every spreadsheet column of ``table`` (intervals expanded)."""
    formats: list[str | None] = []
    for k, column in enumerate(table.columns):
        value_format, limit_format = column_format([row[k] for row in table.rows], lang)
        formats.append(value_format)
        if column.interval_headers:
            formats += [limit_format, limit_format]
    return formats


# --- sheets ---------------------------------------------------------------------------------


def _sheets(report: Report) -> list[tuple[str, ReportTable]]:
    """The table sheets in report order: (short name, table), one table per sheet."""
    text = report.labels.text
    index_word, dimensions_word = text("sheet_index"), text("sheet_dimensions")
    room = MAX_SHEET_NAME - 1 - max(len(index_word), len(dimensions_word))
    sheets = [(text("sheet_overview"), overview_table(report))]
    for measure in report.measures:
        part = measure_sheet_part(report.labels.measure_short(measure), room)
        sheets.append((f"{part} {index_word}", measure_table(report, measure)))
        sheets.append((f"{part} {dimensions_word}", dimension_table(report, measure)))
    sheets.append((text("sheet_responses"), response_table(report)))
    sheets.append((text("sheet_strata"), stratum_table(report)))
    sheets.append((text("sheet_barriers"), theme_table(report)))
    change = change_table(report)
    if change is not None:
        sheets.append((text("sheet_change"), change))
    sheets.extend(regional_sheets(report))
    exclusions, redactions = quality_tables(report)
    sheets.append((text("sheet_exclusions"), exclusions))
    sheets.append((text("sheet_redactions"), redactions))
    return sheets


def _caption(sheet, text: str) -> None:
    safe_text(sheet.cell(1, 1), text)
    sheet.cell(1, 1).font = Font(bold=True, size=12)


def _header(sheet, headers: list[str]) -> None:
    for j, header in enumerate(headers, start=1):
        cell = sheet.cell(HEADER_ROW, j)
        safe_text(cell, header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _frame(sheet, columns: int, last_row: int, freeze: str) -> None:
    """Freeze the caption and header (and ``freeze``'s columns), filter the table, print A4."""
    sheet.freeze_panes = freeze
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(columns)}{last_row}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _notes(sheet, notes: list[str], row: int) -> None:
    for offset, note in enumerate(notes):
        cell = sheet.cell(row + offset, 1)
        safe_text(cell, note)
        cell.font = Font(italic=True)


def write_table_sheet(sheet, table: ReportTable, lang: str) -> None:
    """One table on its own sheet: caption, frozen header, filtered rows, footnotes under it."""
    headers, records = table.to_records()
    formats = table_formats(table, lang)
    _caption(sheet, table.caption)
    _header(sheet, headers)
    for i, record in enumerate(records, start=HEADER_ROW + 1):
        for j, (value, number_format) in enumerate(zip(record, formats, strict=True), start=1):
            _write_value(sheet.cell(i, j), value, number_format)
    last_row = HEADER_ROW + len(records)
    _frame(sheet, len(headers), last_row, f"B{HEADER_ROW + 1}")
    _notes(sheet, table.all_notes(), last_row + 2)
    sheet.column_dimensions["A"].width = 34
    for j in range(2, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(j)].width = 16


def _link(cell, target: str) -> None:
    """An internal link to cell A1 of sheet ``target``, showing the sheet's name."""
    safe_text(cell, target)
    quoted = target.replace("'", "''")
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{quoted}'!A1", display=target)
    cell.font = Font(color="0563C1", underline="single")


def _write_contents(sheet, report: Report, entries: list[tuple[str, str]]) -> None:
    """The contents: every other sheet by name (a link to it) with its full title."""
    text = report.labels.text
    _caption(sheet, text("contents_caption", round_id=report.round_id))
    _header(sheet, [text("contents_sheet"), text("contents_table")])
    for i, (name, title) in enumerate(entries, start=HEADER_ROW + 1):
        _link(sheet.cell(i, 1), name)
        safe_text(sheet.cell(i, 2), title)
    _frame(sheet, 2, HEADER_ROW + len(entries), f"A{HEADER_ROW + 1}")
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 90


def about_paragraphs(report: Report) -> list[str]:
    """What the numbers are: source and round, index, shares, intervals, «:», p, rounding."""
    labels, lang = report.labels, report.lang
    settings, fieldwork = report.config.estimation, report.config.fieldwork
    dates = f"{format_date(fieldwork.start, lang)} – {format_date(fieldwork.end, lang)}"
    return [
        labels.text(
            "about_tables_source",
            title=getattr(report.config.title, lang),
            round_id=report.round_id,
            dates=dates,
        ),
        labels.text("note_index"),
        labels.text("about_tables_shares"),
        labels.text("about_tables_interval"),
        labels.text("note_suppressed", min_n=settings.min_n, min_orgs=settings.min_orgs),
        labels.text("about_tables_empty"),
        labels.text(
            "about_tables_holm",
            alpha=format_number(significance_level(report), lang, 2),
            below=format_p_value(0.0, lang),
        ),
        labels.text("about_tables_rounding"),
    ]


def _write_about(sheet, report: Report) -> None:
    _caption(sheet, report.labels.text("sheet_about"))
    for i, paragraph in enumerate(about_paragraphs(report), start=HEADER_ROW + 1):
        cell = sheet.cell(i, 1)
        safe_text(cell, paragraph)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 110


def build_workbook(report: Report) -> Workbook:
    """The workbook: contents, about the tables, then one sheet per table in report order."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    text = report.labels.text
    taken: set[str] = set()
    contents = workbook.create_sheet(sheet_name(text("sheet_contents"), taken))
    about = workbook.create_sheet(sheet_name(text("sheet_about"), taken))
    entries = [(about.title, text("sheet_about"))]
    for title, table in _sheets(report):
        sheet = workbook.create_sheet(sheet_name(title, taken))
        write_table_sheet(sheet, table, report.lang)
        entries.append((sheet.title, table.caption))
    _write_contents(contents, report, entries)
    _write_about(about, report)
    stamp = dt.datetime.combine(report.config.fieldwork.end, dt.time())
    workbook.properties.created = stamp
    workbook.properties.creator = "anchoring"
    return workbook


def spreadsheet_bytes(report: Report) -> bytes:
    """The xlsx file of the report's tables, in memory (deterministic for the same estimates).

    openpyxl stamps the zip entries and the document's modification time with the clock; both
    are fixed here (the zip entries at 1980-01-01, the document at the round's last fieldwork
    day), so the same estimates always give the same bytes.
    """
    buffer = io.BytesIO()
    build_workbook(report).save(buffer)
    stamp = dt.datetime.combine(report.config.fieldwork.end, dt.time()).isoformat() + "Z"
    result = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, data)
    return result.getvalue()


def write_tables_xlsx(report: Report, path: Path) -> Path:
    """Write the report's tables to ``path`` (:func:`spreadsheet_bytes`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(spreadsheet_bytes(report))
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
    """The sentence with the spreadsheet as a download inside the report (RFC 2397 ``data:``).

    The link carries the file itself (:func:`spreadsheet_bytes`, the bytes
    :func:`write_spreadsheet` writes), base64-encoded, with ``download`` naming it, so the report
    is complete when sent on its own. Nothing is written.
    """
    name = FILE_NAMES[report.lang]
    payload = base64.b64encode(spreadsheet_bytes(report)).decode("ascii")
    link = element("a", escape(name), href=f"data:{MEDIA_TYPE};base64,{payload}", download=name)
    words = report.labels.text("spreadsheet_link")
    return HtmlBlock(element("p", escape(words) + link, class_="note"))
