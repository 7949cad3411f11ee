"""The raw table a reader returns: the export's rows as text, plus what was detected."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class RawTable:
    """One survey export as read, before any mapping or cleaning.

    Attributes
    ----------
    frame
        One row per data row of the file, in file order (index ``0..n-1``; the 1-based data row
        number is ``index + 1``). Columns are named as in the file's header; every value is text
        and an empty cell is ``<NA>`` (CSV cells keep surrounding spaces; cleaning ignores them).
        Numbers typed by the format (xlsx, sav) are written without a spurious ``.0``; date-times
        as ISO 8601 text.
    path
        The file read.
    format
        ``nettskjema``, ``csv``, ``xlsx`` or ``sav``: how the file is parsed.
    tool
        The survey tool that wrote the export, from its signature
        (:func:`anchoring.readers.tools.detect_tool`): ``nettskjema`` (codebook names),
        ``nettskjema-text`` (question text as headers), ``forms`` (Microsoft Forms),
        ``qualtrics``, ``spss`` or ``generic``.
    encoding, delimiter, decimal
        Detected (or configured) text encoding, field delimiter and decimal mark (CSV only).
    header_row
        1-based row (line for CSV, sheet row for xlsx) of the header; ``None`` for sav.
    sheet
        The worksheet read (xlsx).
    column_labels
        Variable labels (sav), the question text (Qualtrics' second header row) or the header
        text, per column.
    import_ids
        Qualtrics only: per column, the ``ImportId`` of its third header row (``QID3_1``,
        ``startDate``); empty for every other tool.
    value_labels
        Per column: raw value (as text) → label (sav value labels).
    user_missing
        Per column: raw values the file declares as user-defined missing (sav).
    sheets
        Every sheet of the workbook (xlsx), for messages when the answers are on another one.
    """

    frame: pd.DataFrame
    path: Path
    format: str
    tool: str = "generic"
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    header_row: int | None = None
    sheet: str | None = None
    column_labels: dict[str, str] = field(default_factory=dict)
    import_ids: dict[str, str] = field(default_factory=dict)
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    user_missing: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sheets: tuple[str, ...] = ()

    @property
    def rows_read(self) -> int:
        """Number of data rows read (header and title rows not counted)."""
        return len(self.frame)

    def metadata(self) -> dict[str, object]:
        """What was detected, for the quality report and ``init-round`` (no data values)."""
        return {
            "file": self.path.name,
            "format": self.format,
            "tool": self.tool,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "decimal": self.decimal,
            "header_row": self.header_row,
            "sheet": self.sheet,
            "rows_read": self.rows_read,
            "columns_n": int(self.frame.shape[1]),
        }
