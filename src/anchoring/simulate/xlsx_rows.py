"""Worksheet rows as SpreadsheetML text, in the exact dialect openpyxl's write-only mode emits.

openpyxl serialises each cell through a pure-Python XML writer (about 60 µs a cell here), which
makes a 100-fold hospital export take minutes. The simulated export is therefore written by
openpyxl up to its first data row, and the remaining rows, which hold only numbers, date-times
and text, are generated here as the same XML and spliced into the worksheet (see
:func:`anchoring.simulate.exports.write_excel_export`). A test compares this module's output for a
row with openpyxl's own.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_DATE_STYLE = re.compile(r'<c r="(?P<ref>[A-Z]+\d+)" s="(?P<style>\d+)" t="n">')


def date_style(sheet_xml: str, ref: str) -> str:
    """The style id openpyxl gave the date-time cell ``ref`` (e.g. ``"B4"``)."""
    for match in _DATE_STYLE.finditer(sheet_xml):
        if match["ref"] == ref:
            return match["style"]
    raise ValueError(f"no styled numeric cell {ref} in the worksheet")


def _number(value: float) -> str:
    return f"{value:.16g}"  # as openpyxl.compat.safe_string


def _cell(ref: str, value: object, style: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f'<c r="{ref}" s="{style}" t="n"><v>{_number(to_excel(value))}</v></c>'
    if isinstance(value, bool):
        raise TypeError("booleans are not written by the simulated export")
    if isinstance(value, int | float):
        return f'<c r="{ref}" t="n"><v>{_number(value)}</v></c>'
    text = str(value)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text.translate(_ESCAPES)}</t></is></c>'


def rows_xml(rows: Iterable[Sequence[object]], first_row: int, style: str) -> str:
    """``<row>`` elements for ``rows`` starting at worksheet row ``first_row``.

    Parameters
    ----------
    rows
        Cell values: ``int``/``float``, ``datetime`` (styled with ``style``), ``str`` (inline
        text) or ``None`` (no cell).
    first_row
        1-based worksheet row of the first element.
    style
        Style id of date-time cells (from :func:`date_style`).
    """
    letters: list[str] = []
    parts = []
    for r, values in enumerate(rows, start=first_row):
        while len(letters) < len(values):
            letters.append(get_column_letter(len(letters) + 1))
        cells = "".join(_cell(f"{letters[c]}{r}", v, style) for c, v in enumerate(values))
        parts.append(f'<row r="{r}">{cells}</row>')
    return "".join(parts)
