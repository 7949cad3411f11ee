"""Excel exports (``.xlsx``: Questback, SurveyXact, Enalyzer, Microsoft Forms).

Answers come as label text or numbers, headers as question text or variable names, and there may
be title rows above the header (domain.md): the header row is found, not assumed
(:func:`anchoring.readers.detect.find_header_index`), unless ``header_row`` is configured.
Qualtrics' Excel export has its three header rows (tags, question text, ImportId) as in its CSV:
they are read as names, ``column_labels`` and ``import_ids``
(:mod:`anchoring.readers.tools`). Microsoft Forms writes ``Start time`` and ``Completion time``
as date cells; like every date cell they are read as ISO 8601 text.

The workbook is read with python-calamine (the Rust ``calamine`` reader; its speed against
openpyxl is measured in ``docs/performance.md``). Its cell values are brought back to what
openpyxl's ``load_workbook(read_only=True, data_only=True)`` gives, the reader this module used
before, so the text of every cell stays the same:

- rows and columns count from cell A1, whatever the sheet's used range, so ``header_row`` is a
  1-based sheet row;
- a date-time at midnight, which calamine turns into a ``date``, is a ``datetime`` again
  (openpyxl gives one for every date-formatted serial of 1 or more);
- error cells (``#N/A``, ``#DIV/0!``), which calamine turns into empty cells, keep their error
  text: when the sheet's XML holds any, their values are read from it
  (:func:`_error_cells`);
- only the file names openpyxl opened are read (``.xlsx``, ``.xlsm``, ``.xltx``, ``.xltm``).

Known differences, none of them in a workbook the survey tools or the simulator write: calamine
decodes the ``_xHHHH_`` character escapes of ECMA-376 (``_x000D_`` is a carriage return; openpyxl
kept the escape as text), reads every cell when a sheet's ``<dimension>`` tag is too small
(openpyxl read only the range it named), reports a workbook whose sheet part is missing as
damaged (openpyxl skipped that sheet), reads an integer of more than 15 digits written as a
literal in the XML as a float (Excel never writes one), gives a negative date serial as midnight,
and may round a date-time serial that falls exactly between two milliseconds to the other
millisecond.
"""

from __future__ import annotations

import datetime as dt
import logging
import posixpath
import re
import zipfile
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import python_calamine

from anchoring.exceptions import InputFileError
from anchoring.readers.detect import existing_export, find_header_index
from anchoring.readers.limits import check_file_size, check_package, check_sheet_extent
from anchoring.readers.raw_table import RawTable
from anchoring.readers.tools import (
    QUALTRICS_HEADER_ROWS,
    detect_tool,
    is_qualtrics_header,
    qualtrics_header,
)

log = logging.getLogger(__name__)
_HEADER_SEARCH_ROWS = 30
_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
_CHUNK_BYTES = 1 << 20
_ERROR_MARKERS = (b'"e"', b"'e'")  # the value of a t="e" attribute, either quote
_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


def cell_text(value: object) -> str | None:
    """A cell value as text: whole numbers without ``.0``, date-times in ISO 8601, blank → None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def read_xlsx(
    path: str | Path, sheet: str | int | None = None, header_row: int | None = None
) -> RawTable:
    """Read an ``.xlsx`` export, finding the header below any title rows.

    Parameters
    ----------
    path
        The workbook.
    sheet
        Sheet name or 0-based index; default the first sheet.
    header_row
        1-based sheet row of the header; default: detected.

    Returns
    -------
    RawTable
        Text values (see :func:`cell_text`), trailing empty rows dropped; ``tool`` named
        (:func:`anchoring.readers.tools.detect_tool`).

    Raises
    ------
    InputFileError
        Missing, unreadable or empty workbook, unknown sheet, repeated header names or no data
        rows; the message names the file (and sheet) and what to do.
    """
    path = existing_export(path)
    title, sheets, rows = _read_sheet(path, sheet)
    while rows and all(_text(v) is None for v in rows[-1]):
        rows.pop()
    if not rows:
        raise InputFileError(f"{path}: sheet '{title}' is empty. Export the survey again.")
    index = find_header_index(rows[:_HEADER_SEARCH_ROWS]) if header_row is None else header_row - 1
    if index >= len(rows):
        raise InputFileError(
            f"{path}: header row {index + 1} is past the last row "
            f"({len(rows)}). Fix 'header_row' in round.yaml."
        )
    names = _names(path, rows[index])
    # Qualtrics' Excel export has the same three header rows as its CSV
    extra = QUALTRICS_HEADER_ROWS - 1 if is_qualtrics_header(rows, index) else 0
    body = rows[index + 1 + extra :]
    if not body:
        raise InputFileError(
            f"{path}: sheet '{title}' has a header (row {index + 1}) but no data rows."
        )
    width = len(names)
    columns = {
        name: [_text(r[i]) if i < len(r) else None for r in body] for i, name in enumerate(names)
    }
    frame = pd.DataFrame(columns, dtype="str")
    frame = frame.iloc[:, :width]
    log.info(
        "%s: read %d rows, %d columns (sheet %s, header row %d)",
        path.name,
        len(frame),
        width,
        title,
        index + 1,
    )
    labels, import_ids = {n: n for n in names}, {}
    if extra:
        labels, import_ids = qualtrics_header(
            names, [_text(v) for v in rows[index + 1]], [_text(v) for v in rows[index + 2]]
        )
    table = RawTable(
        frame=frame,
        path=path,
        format="xlsx",
        header_row=index + 1,
        sheet=title,
        column_labels=labels,
        import_ids=import_ids,
        sheets=sheets,
    )
    return replace(table, tool=detect_tool(table))


def _text(value: object) -> str | None:
    """:func:`cell_text` of a calamine value; a plain ``date`` is a date-time at midnight."""
    if type(value) is str:  # most cells: skip the type tests of cell_text
        return value.strip() or None
    if type(value) is dt.date:
        value = dt.datetime.combine(value, dt.time())
    return cell_text(value)


def _read_sheet(path: Path, sheet: str | int | None) -> tuple[str, tuple[str, ...], list[list]]:
    """The chosen sheet's name, every sheet's name, and its rows from row 1 and column A."""
    if path.suffix.lower() not in _SUFFIXES:
        raise InputFileError(
            f"{path}: not a readable .xlsx workbook (the name ends in {path.suffix!r}, not "
            f"{', '.join(_SUFFIXES)}). Open it in Excel and save it as .xlsx again."
        )
    _check_package(path)
    try:
        book = python_calamine.CalamineWorkbook.from_path(path)
    except Exception as exc:  # a damaged workbook fails in calamine's zip or XML code
        raise InputFileError(
            f"{path}: not a readable .xlsx workbook ({type(exc).__name__}). "
            "Open it in Excel and save it as .xlsx again."
        ) from None
    try:
        names = list(book.sheet_names)
        title = _sheet(path, names, sheet)
        _check_sheet(path, title)
        rows = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
        errors = _error_cells(path, title)
    except InputFileError:
        raise
    except Exception as exc:  # damaged sheet XML surfaces only while reading the rows
        raise InputFileError(
            f"{path}: the workbook is damaged ({type(exc).__name__} while reading the sheet). "
            "Open it in Excel and save it as .xlsx again."
        ) from None
    finally:
        book.close()
    for (row, column), value in errors.items():
        rows.extend([] for _ in range(row - len(rows)))
        cells = rows[row - 1]
        cells.extend("" for _ in range(column - len(cells)))
        cells[column - 1] = value
    return title, tuple(names), rows


def _check_package(path: Path) -> None:
    """The workbook's size and parts within :mod:`anchoring.readers.limits` (before calamine)."""
    check_file_size(path)
    try:
        with zipfile.ZipFile(path) as archive:
            check_package(path, archive)
    except InputFileError:
        raise
    except Exception as exc:  # not a zip, or a damaged one
        raise InputFileError(
            f"{path}: not a readable .xlsx workbook ({type(exc).__name__}). "
            "Open it in Excel and save it as .xlsx again."
        ) from None


def _check_sheet(path: Path, title: str) -> None:
    """The sheet's used range within the limits, before calamine allocates it (issue #19)."""
    with zipfile.ZipFile(path) as archive:
        part = _sheet_part(archive, title)
        if part is not None and part in archive.namelist():
            check_sheet_extent(path, archive, part, title)


def _sheet(path: Path, names: list[str], sheet: str | int | None) -> str:
    if sheet is None:
        return names[0]
    if isinstance(sheet, int) and 0 <= sheet < len(names):
        return names[sheet]
    if isinstance(sheet, str) and sheet in names:
        return sheet
    raise InputFileError(
        f"{path}: no sheet {sheet!r} (sheets: {names}). Fix 'sheet' in round.yaml."
    )


def _error_cells(path: Path, title: str) -> dict[tuple[int, int], str | None]:
    """The error cells of a sheet, ``(row, column)`` (1-based) → text as openpyxl read it.

    calamine gives an error cell (``t="e"``, e.g. a formula's cached ``#N/A``) as an empty
    cell. The sheet's XML part is found through the package relationships (ECMA-376 Part 2) and
    scanned for the attribute value ``e``; only a sheet that has one is parsed, cell by cell, the
    way openpyxl's ``WorkSheetParser`` numbers rows and cells: from the ``r`` reference, or one
    past the previous row or cell when it is absent. The value is the cell's ``<v>`` text
    (``None`` when there is none).
    """
    with zipfile.ZipFile(path) as archive:
        part = _sheet_part(archive, title)
        if part is None or not _may_hold_errors(archive, part):
            return {}
        with archive.open(part) as xml:
            return _parse_error_cells(xml)


def _sheet_part(archive: zipfile.ZipFile, title: str) -> str | None:
    """The zip member of the sheet named ``title`` (``xl/worksheets/sheet1.xml``), if found."""
    package = ElementTree.fromstring(archive.read("_rels/.rels"))
    workbook = next(
        (r.get("Target", "") for r in package if r.get("Type") == _OFFICE_DOCUMENT),
        "xl/workbook.xml",
    ).lstrip("/")
    folder, name = posixpath.split(workbook)
    relations = ElementTree.fromstring(
        archive.read(posixpath.join(folder, "_rels", name + ".rels"))
    )
    targets = {r.get("Id"): r.get("Target", "") for r in relations}
    for element in ElementTree.fromstring(archive.read(workbook)).iter():
        if element.tag.rpartition("}")[2] == "sheet" and element.get("name") == title:
            target = targets.get(element.get(_RELATIONSHIP_ID), "")
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join(folder, target)) if target else None
    return None


def _may_hold_errors(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether the part's XML holds ``"e"`` or ``'e'`` anywhere (a cheap test, read in chunks)."""
    overlap = b""
    with archive.open(part) as xml:
        while chunk := xml.read(_CHUNK_BYTES):
            window = overlap + chunk
            if any(marker in window for marker in _ERROR_MARKERS):
                return True
            overlap = window[-2:]
    return False


def _parse_error_cells(xml) -> dict[tuple[int, int], str | None]:
    errors: dict[tuple[int, int], str | None] = {}
    row = column = 0
    for event, element in ElementTree.iterparse(xml, events=("start", "end")):
        tag = element.tag.rpartition("}")[2]
        if event == "start":
            if tag == "row":
                row, column = _row_number(element.get("r"), row), 0
            continue
        if tag == "c":
            reference = _CELL_REFERENCE.fullmatch(element.get("r") or "")
            cell_row, column = (
                (int(reference[2]), _column_number(reference[1]))
                if reference
                else (row, column + 1)
            )
            if element.get("t") == "e":
                value = next((v.text for v in element if v.tag.rpartition("}")[2] == "v"), None)
                errors[(cell_row, column)] = value or None
            element.clear()
        elif tag == "row":
            element.clear()
    return errors


def _row_number(reference: str | None, previous: int) -> int:
    return int(float(reference)) if reference else previous + 1


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _names(path: Path, header: list[object]) -> list[str]:
    while header and _text(header[-1]) is None:
        header = header[:-1]
    names = [_text(v) or f"column_{i + 1}" for i, v in enumerate(header)]
    names = [" ".join(n.split()) for n in names]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputFileError(
            f"{path}: the header repeats column name(s) {repeated}. Rename them "
            "in the survey tool and export again, or set 'header_row'."
        )
    return names
