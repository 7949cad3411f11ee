"""The report's table object: cells with text and value, rendered to escaped HTML or to xlsx.

A :class:`ReportTable` is built once from the estimates and rendered twice: as an HTML table in
the report (text escaped, numbers right-aligned, a hidden cell shown as ":" with SSB's footnote)
and as a sheet in ``tables.xlsx`` (numbers as numbers, intervals in their own columns, the same
":" for hidden cells). Both renderings come from the same cells, so they cannot disagree.

A table too wide for a tablet or an A4 page names :class:`TablePart` s: the HTML shows each part
as its own narrow table (the row headers and a few columns, e.g. one group), while the
spreadsheet keeps the one wide sheet, so that no row needs sideways scrolling on a tablet or an
A4 page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from anchoring.report.html import element, escape, table_region
from anchoring.report.numbers import SUPPRESSED


@dataclass(frozen=True)
class Cell:
    """One table cell.

    Attributes
    ----------
    text
        What the HTML table shows (plain text; escaped on rendering).
    value
        What the spreadsheet stores (a number, or text); ``None`` for an empty cell.
    detail
        A second, smaller line in HTML (e.g. the interval «(58,1–66,7)»).
    low, high
        Interval limits, written to the spreadsheet's extra columns of an interval column.
    is_numeric
        Right-align the cell.
    is_suppressed
        The value is hidden (shown as ":").
    css
        Extra CSS class of the HTML cell (e.g. ``status-well``).
    """

    text: str
    value: object = None
    detail: str = ""
    low: float | None = None
    high: float | None = None
    is_numeric: bool = False
    is_suppressed: bool = False
    css: str = ""


def suppressed_cell() -> Cell:
    """A hidden value: ":" in both renderings."""
    return Cell(SUPPRESSED, SUPPRESSED, is_numeric=True, is_suppressed=True)


def text_cell(text: str, css: str = "") -> Cell:
    """A text cell (left-aligned)."""
    return Cell(text, text, css=css)


@dataclass(frozen=True)
class Column:
    """A column: its header and, for interval columns, the spreadsheet headers of the limits."""

    header: str
    interval_headers: tuple[str, str] | None = None


@dataclass(frozen=True)
class TablePart:
    """A narrower HTML table cut from a wide one: the row-header column and some other columns.

    Attributes
    ----------
    key
        Suffix of the part's ``id`` (``{table_id}-{key}``).
    caption
        The part's caption.
    columns
        Indices of the table's columns shown, the first normally ``0`` (the row headers).
    headers
        The part's column headers (the caption can carry what they share); the table's own
        headers when empty.
    """

    key: str
    caption: str
    columns: tuple[int, ...]
    headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportTable:
    """A table of the report.

    Attributes
    ----------
    table_id
        Stable id (HTML ``id`` and the key of the spreadsheet sheet).
    caption
        The table's caption (also the first line of its sheet).
    columns
        The columns; the first holds the row headers.
    rows
        The cells, one list per row.
    notes
        Footnotes under the table (plain text).
    suppressed_note
        The footnote explaining ":", added when any cell is hidden.
    html_parts
        When given, the HTML shows these narrower tables instead of the whole (the spreadsheet
        still gets the whole table); the footnotes follow once, after the last part.
    """

    table_id: str
    caption: str
    columns: list[Column]
    rows: list[list[Cell]]
    notes: list[str] = field(default_factory=list)
    suppressed_note: str = ""
    html_parts: tuple[TablePart, ...] = ()

    @property
    def has_suppressed(self) -> bool:
        """True when any cell is hidden."""
        return any(c.is_suppressed for row in self.rows for c in row)

    def all_notes(self) -> list[str]:
        """The footnotes, with the ":" note first when a cell is hidden."""
        hidden = [self.suppressed_note] if self.has_suppressed and self.suppressed_note else []
        return hidden + list(self.notes)

    def to_html(self) -> str:
        """The table as escaped HTML (``<table>`` with caption, header, body and footnotes).

        A table with :attr:`html_parts` becomes one ``<table>`` per part inside a
        ``div.table-group`` that carries the table's ``id``, the footnotes after the parts.
        """
        numeric = [
            i > 0 and any(row[i].is_numeric and not row[i].is_suppressed for row in self.rows)
            for i in range(len(self.columns))
        ]
        notes = "".join(element("p", escape(n), class_="note") for n in self.all_notes())
        if not self.html_parts:
            headers = [c.header for c in self.columns]
            columns = tuple(range(len(self.columns)))
            return _table_wrap(
                self.table_id, self.caption, columns, headers, numeric, self.rows, notes
            )
        parts = "".join(
            _table_wrap(
                f"{self.table_id}-{part.key}",
                part.caption,
                part.columns,
                list(part.headers) or [self.columns[i].header for i in part.columns],
                numeric,
                self.rows,
            )
            for part in self.html_parts
        )
        return element(
            "div",
            element("div", parts, class_="table-parts") + notes,
            class_="table-group",
            id=self.table_id,
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"<ReportTable {self.table_id}: {len(self.rows)} rows>"

    def to_records(self) -> tuple[list[str], list[list[object]]]:
        """Headers and rows for a spreadsheet: interval columns expand into value, low, high."""
        headers: list[str] = []
        for column in self.columns:
            headers.append(column.header)
            if column.interval_headers:
                headers.extend(column.interval_headers)
        records = []
        for row in self.rows:
            record: list[object] = []
            for column, cell in zip(self.columns, row, strict=True):
                record.append(cell.value)
                if column.interval_headers:
                    hidden = SUPPRESSED if cell.is_suppressed else None
                    record.extend(
                        [
                            hidden if cell.low is None else cell.low,
                            hidden if cell.high is None else cell.high,
                        ]
                    )
            records.append(record)
        return headers, records


def _table_wrap(
    table_id: str,
    caption: str,
    columns: tuple[int, ...],
    headers: list[str],
    numeric: list[bool],
    rows: list[list[Cell]],
    notes: str = "",
) -> str:
    """One ``<table>`` of the given columns in its keyboard-focusable scrolling region.

    Parameters
    ----------
    table_id, caption
        The table's ``id`` and caption (also the region's name).
    columns, headers
        The indices of the columns shown (the first holds the row headers) and their headers.
    numeric
        Per column of the whole table: right-align the header (the column holds numbers).
    rows
        The whole table's rows (only ``columns`` are shown).
    notes
        Footnotes (HTML) under the table, in the same region (the CSS keeps them in view while
        the table scrolls).
    """
    head = "".join(
        element("th", _header_html(h), scope="col", class_="num" if numeric[i] else None)
        for i, h in zip(columns, headers, strict=True)
    )
    body = "".join(
        element("tr", "".join(_cell_html(row[i], first=(n == 0)) for n, i in enumerate(columns)))
        for row in rows
    )
    table = element(
        "table",
        element("caption", escape(caption))
        + element("thead", element("tr", head))
        + element("tbody", body),
        id=table_id,
    )
    return table_region(table + notes, caption)


_SHORT_PARENTHESIS = re.compile(r"\([^()\s]{0,8}\d[^()\s]{0,8}\)")


def _header_html(header: str) -> str:
    """An escaped header, a short parenthesis with a number kept on one line.

    A browser may break «(0–100)» or «(4–5)» after the dash; the span keeps it whole.
    """
    return _SHORT_PARENTHESIS.sub(
        lambda m: element("span", m.group(0), class_="nobr"), escape(header)
    )


def _cell_html(cell: Cell, first: bool) -> str:
    classes = " ".join(
        c
        for c in (
            "num" if cell.is_numeric else "",
            "hidden" if cell.is_suppressed else "",
            cell.css,
        )
        if c
    )
    content = escape(cell.text)
    if cell.detail:
        content += element("span", escape(cell.detail), class_="detail")
    if first:
        return element("th", content, scope="row", class_=classes or None)
    return element("td", content, class_=classes or None)
