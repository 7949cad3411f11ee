"""Reading the columns a design is built from, with one clear error per problem.

Every check names the keyword, the column and the first offending row, so that an analyst can fix
the data without reading the code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from anchoring.exceptions import DesignError


def check_columns_exist(data: pd.DataFrame, columns: dict[str, str | None]) -> None:
    """Raise :class:`DesignError` unless every named column is in ``data``.

    Parameters
    ----------
    data : pandas.DataFrame
        The respondent rows.
    columns : dict
        Keyword name (``weights``, ``psu`` …) → column name, or None when not used.
    """
    for keyword, column in columns.items():
        if column is not None and column not in data.columns:
            raise DesignError(
                f"column '{column}' given as {keyword}= is not in the data; "
                f"the data has columns {', '.join(map(str, data.columns))}"
            )


def numeric_column(data: pd.DataFrame, column: str, role: str) -> np.ndarray:
    """Return a column as float64 with NaN for missing values.

    Parameters
    ----------
    data : pandas.DataFrame
        The respondent rows.
    column : str
        Column name.
    role : str
        What the column is used for, for the error message (e.g. ``"weights"``).

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    DesignError
        If the column is absent or not numeric (booleans count as 0/1).
    """
    check_columns_exist(data, {role: column})
    series = data[column]
    if not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)):
        raise DesignError(
            f"column '{column}' used as {role} is not numeric (dtype {series.dtype}); "
            "code it as numbers first"
        )
    return series.to_numpy(dtype="float64", na_value=np.nan)


def first_row_label(data: pd.DataFrame, mask: np.ndarray) -> object:
    """Return the index label of the first row where ``mask`` is true."""
    return data.index[int(np.flatnonzero(mask)[0])]


def label_codes(
    data: pd.DataFrame, column: str | None, role: str, *, sort: bool = True
) -> tuple[np.ndarray, pd.Index]:
    """Return integer codes of a label column and the labels they stand for.

    Parameters
    ----------
    data : pandas.DataFrame
        The respondent rows.
    column : str or None
        The label column; None gives every row code 0 and the one label ``""``.
    role : str
        What the column is used for, for the error message (e.g. ``"strata"``).
    sort : bool, default True
        Number the labels in sorted order (else in order of appearance, which is faster).

    Returns
    -------
    tuple
        The codes (int64) and the labels.

    Raises
    ------
    DesignError
        If a label is missing.
    """
    if column is None:
        return np.zeros(len(data), dtype=np.int64), pd.Index([""])
    series = data[column]
    missing = series.isna().to_numpy()
    if missing.any():
        raise DesignError(
            f"{role} column '{column}' has {int(missing.sum())} missing value(s) "
            f"(first at row {first_row_label(data, missing)!r}); every row needs one"
        )
    codes, labels = pd.factorize(series, sort=sort)
    return codes.astype(np.int64), pd.Index(labels)
