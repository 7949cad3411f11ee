"""Nettskjema reports (University of Oslo): ``;``-separated, every field quoted, UTF-8.

Metadata columns ``$submission_id``, ``$created`` (ISO 8601 with offset) and ``$answer_time_ms``;
with a codebook, item columns named by it and radio answers as its codes; without one, columns
headed by the question text (a matrix row as ``<matrix title>: <statement>``) and answers as the
option labels. An unanswered item is an empty string; checkboxes one 0/1 column per option
(domain.md). Which of the two is named in ``RawTable.tool`` (``nettskjema`` or
``nettskjema-text``, :func:`anchoring.readers.tools.detect_tool`).
"""

from __future__ import annotations

from pathlib import Path

from anchoring.exceptions import InputFileError
from anchoring.readers.csv_export import _read_delimited
from anchoring.readers.raw_table import RawTable
from anchoring.readers.tools import NETTSKJEMA_METADATA

__all__ = ["NETTSKJEMA_METADATA", "read_nettskjema_csv"]


def read_nettskjema_csv(
    path: str | Path, encoding: str | None = None, delimiter: str | None = None
) -> RawTable:
    """Read a Nettskjema CSV/text report.

    Parameters
    ----------
    path
        The report.
    encoding, delimiter
        Override detection (Nettskjema writes UTF-8 and ``;``).

    Returns
    -------
    RawTable
        As :func:`anchoring.readers.csv_export.read_csv_export`, format ``nettskjema``, tool
        ``nettskjema`` or ``nettskjema-text``.

    Raises
    ------
    InputFileError
        As the generic reader, or the ``$submission_id`` column is missing (not a Nettskjema
        report: use ``format: csv``).
    """
    path = Path(path)
    table = _read_delimited(path, "nettskjema", encoding, delimiter or None, ".", 1)
    if "$submission_id" not in table.frame.columns:
        raise InputFileError(
            f"{path}: column '$submission_id' is missing, so this is not a "
            "Nettskjema report. Set 'format: csv' for this source in round.yaml."
        )
    return table
