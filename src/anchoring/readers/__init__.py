"""Readers for survey exports: one module per format, and :func:`read_export` to pick one.

| format | module | function |
|---|---|---|
| ``nettskjema`` | :mod:`~anchoring.readers.nettskjema` | :func:`read_nettskjema_csv` |
| ``csv`` | :mod:`~anchoring.readers.csv_export` | :func:`read_csv_export` |
| ``xlsx`` | :mod:`~anchoring.readers.excel` | :func:`read_xlsx` |
| ``sav`` | :mod:`~anchoring.readers.spss` | :func:`read_sav` |

Every reader returns a :class:`RawTable`: the rows as text plus what was detected (format,
encoding, delimiter, decimal mark, header row, rows read) and the survey tool that wrote the
export (``tool``: ``nettskjema``, ``nettskjema-text``, ``forms``, ``qualtrics``, ``spss`` or
``generic``; :func:`~anchoring.readers.tools.detect_tool`, signatures in
:mod:`~anchoring.readers.tools`). A Qualtrics export is recognised by its three header rows in
CSV and xlsx alike, whatever ``format`` says.
"""

from __future__ import annotations

from pathlib import Path

from anchoring.exceptions import InputFileError
from anchoring.intake.round_config import Source
from anchoring.readers.csv_export import read_csv_export
from anchoring.readers.detect import detect_format, existing_export
from anchoring.readers.excel import read_xlsx
from anchoring.readers.nettskjema import read_nettskjema_csv
from anchoring.readers.raw_table import RawTable
from anchoring.readers.spss import read_sav
from anchoring.readers.tools import TOOLS, detect_tool

__all__ = [
    "TOOLS",
    "RawTable",
    "detect_format",
    "detect_tool",
    "read_csv_export",
    "read_export",
    "read_nettskjema_csv",
    "read_sav",
    "read_xlsx",
]


def read_export(path: str | Path, source: Source | None = None) -> RawTable:
    """Read one export with the reader of its format.

    Parameters
    ----------
    path
        The export file.
    source
        Its entry in ``round.yaml``; its ``format``, ``encoding``, ``delimiter``, ``decimal``,
        ``sheet`` and ``header_row`` override detection. ``None``: detect everything
        (``init-round``).

    Returns
    -------
    RawTable
        The raw rows and the detected metadata.

    Raises
    ------
    InputFileError
        The file is missing, unreadable, empty or of an unknown kind.
    """
    path = existing_export(path)
    kind = (source.format if source is not None and source.format else None) or detect_format(path)
    get = (lambda name: getattr(source, name)) if source is not None else (lambda name: None)
    if kind == "nettskjema":
        return read_nettskjema_csv(path, encoding=get("encoding"), delimiter=get("delimiter"))
    if kind == "csv":
        return read_csv_export(
            path,
            encoding=get("encoding"),
            delimiter=get("delimiter"),
            decimal=get("decimal"),
            header_row=get("header_row"),
        )
    if kind == "xlsx":
        return read_xlsx(path, sheet=get("sheet"), header_row=get("header_row"))
    if kind == "sav":
        return read_sav(path)
    raise InputFileError(f"{path}: unknown format {kind!r}.")  # pragma: no cover
