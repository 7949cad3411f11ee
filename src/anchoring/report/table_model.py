"""The report's table object: cells with text and value, rendered to escaped HTML or to xlsx.

A :class:`ReportTable` is built once from the estimates and rendered twice: as an HTML table in
the report (text escaped, numbers right-aligned, a hidden cell shown as ":" with SSB's footnote)
and as a sheet in ``tables.xlsx`` (numbers as numbers, intervals in their own columns, the same
":" for hidden cells). Both renderings come from the same cells, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from anchoring.report.html import element, escape
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
    """

    table_id: str
    caption: str
    columns: list[Column]
    rows: list[list[Cell]]
    notes: list[str] = field(default_factory=list)
    suppressed_note: str = ""

    @property
    def has_suppressed(self) -> bool:
        """True when any cell is hidden."""
        return any(c.is_suppressed for row in self.rows for c in row)

    def all_notes(self) -> list[str]:
        """The footnotes, with the ":" note first when a cell is hidden."""
        hidden = [self.suppressed_note] if self.has_suppressed and self.suppressed_note else []
        return hidden + list(self.notes)

    def to_html(self) -> str:
        """The table as escaped HTML (``<table>`` with caption, header, body and footnotes)."""
        numeric = [
            i > 0 and any(row[i].is_numeric and not row[i].is_suppressed for row in self.rows)
            for i in range(len(self.columns))
        ]
        head = "".join(
            element("th", escape(c.header), scope="col", class_="num" if numeric[i] else None)
            for i, c in enumerate(self.columns)
        )
        body = "".join(
            element("tr", "".join(_cell_html(c, first=(i == 0)) for i, c in enumerate(row)))
            for row in self.rows
        )
        notes = "".join(element("p", escape(n), class_="note") for n in self.all_notes())
        table = element(
            "table",
            element("caption", escape(self.caption))
            + element("thead", element("tr", head))
            + element("tbody", body),
            id=self.table_id,
        )
        # A table wider than a phone scrolls sideways: the keyboard must reach it (WCAG 2.1.1).
        return element(
            "div",
            table + notes,
            class_="table-wrap",
            tabindex="0",
            role="region",
            aria_label=self.caption,
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
