"""Excel exports (``.xlsx``: Questback, SurveyXact, Enalyzer, Microsoft Forms).

Answers come as label text or numbers, headers as question text or variable names, and there may
be title rows above the header (domain.md): the header row is found, not assumed
(:func:`anchoring.readers.detect.find_header_index`), unless ``header_row`` is configured.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import openpyxl
import pandas as pd

from anchoring.exceptions import InputFileError
from anchoring.readers.detect import find_header_index
from anchoring.readers.raw_table import RawTable

log = logging.getLogger(__name__)
_HEADER_SEARCH_ROWS = 30


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
        Text values (see :func:`cell_text`), trailing empty rows dropped.

    Raises
    ------
    InputFileError
        Missing, unreadable or empty workbook, unknown sheet, repeated header names or no data
        rows; the message names the file (and sheet) and what to do.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(
            f"{path}: file not found. Put the export in the round's raw folder "
            "or fix 'file' in round.yaml."
        )
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged workbook fails in zipfile, XML or openpyxl code
        raise InputFileError(
            f"{path}: not a readable .xlsx workbook ({type(exc).__name__}). "
            "Open it in Excel and save it as .xlsx again."
        ) from None
    try:
        worksheet = _sheet(path, book, sheet)
        rows = [list(r) for r in worksheet.iter_rows(values_only=True)]
    except InputFileError:
        raise
    except Exception as exc:  # damaged sheet XML surfaces only while reading the rows
        raise InputFileError(
            f"{path}: the workbook is damaged ({type(exc).__name__} while reading the sheet). "
            "Open it in Excel and save it as .xlsx again."
        ) from None
    finally:
        book.close()
    sheets = tuple(book.sheetnames)
    while rows and all(cell_text(v) is None for v in rows[-1]):
        rows.pop()
    if not rows:
        raise InputFileError(
            f"{path}: sheet '{worksheet.title}' is empty. Export the survey again."
        )
    index = find_header_index(rows[:_HEADER_SEARCH_ROWS]) if header_row is None else header_row - 1
    if index >= len(rows):
        raise InputFileError(
            f"{path}: header row {index + 1} is past the last row "
            f"({len(rows)}). Fix 'header_row' in round.yaml."
        )
    names = _names(path, rows[index])
    body = rows[index + 1 :]
    if not body:
        raise InputFileError(
            f"{path}: sheet '{worksheet.title}' has a header (row {index + 1}) but no data rows."
        )
    width = len(names)
    columns = {
        name: [cell_text(r[i]) if i < len(r) else None for r in body]
        for i, name in enumerate(names)
    }
    frame = pd.DataFrame(columns, dtype="str")
    frame = frame.iloc[:, :width]
    log.info(
        "%s: read %d rows, %d columns (sheet %s, header row %d)",
        path.name,
        len(frame),
        width,
        worksheet.title,
        index + 1,
    )
    return RawTable(
        frame=frame,
        path=path,
        format="xlsx",
        header_row=index + 1,
        sheet=worksheet.title,
        column_labels={n: n for n in names},
        sheets=sheets,
    )


def _sheet(path: Path, book: openpyxl.Workbook, sheet: str | int | None):
    names = book.sheetnames
    if sheet is None:
        return book[names[0]]
    if isinstance(sheet, int) and 0 <= sheet < len(names):
        return book[names[sheet]]
    if isinstance(sheet, str) and sheet in names:
        return book[sheet]
    raise InputFileError(
        f"{path}: no sheet {sheet!r} (sheets: {names}). Fix 'sheet' in round.yaml."
    )


def _names(path: Path, header: list[object]) -> list[str]:
    while header and cell_text(header[-1]) is None:
        header = header[:-1]
    names = [cell_text(v) or f"column_{i + 1}" for i, v in enumerate(header)]
    names = [" ".join(n.split()) for n in names]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputFileError(
            f"{path}: the header repeats column name(s) {repeated}. Rename them "
            "in the survey tool and export again, or set 'header_row'."
        )
    return names
