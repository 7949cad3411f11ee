"""SPSS ``.sav`` exports (Questback, SurveyXact, Enalyzer, Nettskjema) via ``pyreadstat``.

Values are read as stored (numeric codes), user-defined missing values are kept as their codes
(``user_missing=True``) so that «Vet ikke» stays distinct from an unanswered item, and the value
labels and missing-value declarations travel with the table for label mapping. Numbers lose a
spurious ``.0``; note that a numeric municipality number has lost its leading zero (``301``) —
:mod:`anchoring.cleaning.organisations` restores it.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from pathlib import Path

import pandas as pd
import pyreadstat

from anchoring.exceptions import InputFileError
from anchoring.readers.detect import existing_export
from anchoring.readers.limits import MAX_CELLS, check_file_size, check_table_shape
from anchoring.readers.raw_table import RawTable

log = logging.getLogger(__name__)


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time | pd.Timestamp):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _column_text(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        out = series.map(lambda v: None if pd.isna(v) else v.isoformat())
        return out.astype("str")
    uniques = pd.unique(series.astype(object))
    mapping = {u: _text(u) for u in uniques if not (isinstance(u, float) and math.isnan(u))}
    return series.astype(object).map(mapping).astype("str")


def read_sav(path: str | Path) -> RawTable:
    """Read an SPSS ``.sav`` export with value labels and user-defined missing values.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    RawTable
        Codes as text; ``value_labels`` (code text → label), ``user_missing`` (declared
        missing codes as text) and ``column_labels`` (variable labels).

    Raises
    ------
    InputFileError
        Missing, unreadable or empty file; the message names the file.
    """
    path = existing_export(path)
    check_file_size(path)
    try:
        _, shape = pyreadstat.read_sav(str(path), metadataonly=True)
        check_table_shape(path, max(shape.number_rows or 0, 0), shape.number_columns)
        # a file that does not declare its rows (or lies) is read no further than the limit
        rows = MAX_CELLS // max(shape.number_columns, 1) + 1
        data, meta = pyreadstat.read_sav(
            str(path), user_missing=True, apply_value_formats=False, row_limit=rows
        )
        check_table_shape(path, data.shape[0], data.shape[1])
    except InputFileError:
        raise
    except Exception as exc:  # pyreadstat raises its own ReadstatError and others
        raise InputFileError(
            f"{path}: not a readable SPSS .sav file ({type(exc).__name__}). "
            "Export it from the survey tool again."
        ) from None
    if data.shape[0] == 0:
        raise InputFileError(f"{path}: the file has variables but no data rows.")
    frame = pd.DataFrame({c: _column_text(data[c]) for c in data.columns})
    value_labels = {
        var: {t: str(label) for code, label in labels.items() if (t := _text(code)) is not None}
        for var, labels in (meta.variable_value_labels or {}).items()
    }
    user_missing: dict[str, tuple[str, ...]] = {}
    for var, values in (getattr(meta, "missing_user_values", None) or {}).items():
        user_missing[var] = tuple(t for v in values if (t := _text(v)) is not None)
    for var, ranges in (getattr(meta, "missing_ranges", None) or {}).items():
        codes = [t for r in ranges for t in (_text(r.get("lo")), _text(r.get("hi"))) if t]
        user_missing[var] = tuple(sorted(set(user_missing.get(var, ())) | set(codes)))
    labels = {
        c: str(label)
        for c, label in zip(meta.column_names, meta.column_labels, strict=True)
        if label
    }
    log.info("%s: read %d rows, %d variables", path.name, len(frame), frame.shape[1])
    return RawTable(
        frame=frame,
        path=path,
        format="sav",
        tool="spss",
        encoding=meta.file_encoding,
        column_labels=labels,
        value_labels=value_labels,
        user_missing=user_missing,
    )
