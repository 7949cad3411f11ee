"""The layout of ``estimates.parquet`` and deterministic Parquet writing.

Column order, types and row order are fixed, so the same inputs give the same bytes: rows are
sorted by the key columns, there is no index and no timestamp.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from anchoring.exceptions import DesignError

KEY_COLUMNS: tuple[str, ...] = (
    "round_id",
    "measure",
    "group",
    "breakdown",
    "domain",
    "dimension",
    "statistic",
)
ESTIMATE_COLUMNS: tuple[str, ...] = (
    *KEY_COLUMNS,
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "n",
    "n_orgs",
    "df",
    "is_suppressed",
    "suppression_reason",
    "contrast",
    "p_value",
)
"""Columns of ``estimates.parquet``: the architecture's schema, then ``contrast`` (the gap's
``"<highest group> - <lowest group>"``, else ``""``) and ``p_value`` (the gap's two-sided z-test,
else null)."""

_SET_LATER = ("is_suppressed", "suppression_reason")

_TYPES: dict[str, str] = {
    **dict.fromkeys(KEY_COLUMNS, "str"),
    **dict.fromkeys(("estimate", "se", "ci_low", "ci_high", "p_value"), "float64"),
    "n": "int64",
    "n_orgs": "int64",
    "df": "Int64",
    "is_suppressed": "bool",
    "suppression_reason": "str",
    "contrast": "str",
}


def assemble_estimates(parts: Sequence[Mapping[str, object]], round_id: str) -> pd.DataFrame:
    """Concatenate tidy parts into the estimates table (before suppression), typed and sorted.

    Parameters
    ----------
    parts
        Tidy rows from :mod:`anchoring.analysis.estimators` and
        :mod:`anchoring.analysis.response`: each a mapping of column → array (or a scalar for
        the whole part), or a DataFrame. ``contrast`` and ``p_value`` may be absent.
    round_id
        The round.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`ESTIMATE_COLUMNS` (``is_suppressed`` False and
        ``suppression_reason`` empty until suppression), sorted by the key columns.
    """
    defaults = {"contrast": "", "p_value": np.nan}
    names = [c for c in ESTIMATE_COLUMNS if c not in {"round_id", *_SET_LATER}]
    columns: dict[str, list[np.ndarray]] = {c: [] for c in names}
    for part in parts:
        length = _length(part)
        for name, chunks in columns.items():
            value = part[name] if name in part else defaults.get(name)
            array = np.asarray(value, dtype=object if isinstance(value, str) else None)
            chunks.append(np.broadcast_to(array, (length,)) if array.ndim == 0 else array)
    table = pd.DataFrame({name: np.concatenate(chunks) for name, chunks in columns.items()})
    table.insert(0, "round_id", round_id)
    table["is_suppressed"] = False
    table["suppression_reason"] = ""
    return order_estimates(table)


def _length(part: Mapping[str, object]) -> int:
    lengths = {len(v) for v in (part[k] for k in part) if np.ndim(v) == 1}
    if len(lengths) > 1:
        raise DesignError(f"tidy part with columns of different lengths {sorted(lengths)}")
    return lengths.pop() if lengths else 1


def order_estimates(table: pd.DataFrame) -> pd.DataFrame:
    """Fix column order, types and row order (sorted by the key columns)."""
    table = table.loc[:, list(ESTIMATE_COLUMNS)].copy()
    table["df"] = table["df"].round()
    table = table.astype(_TYPES)
    table = table.sort_values(list(KEY_COLUMNS), kind="mergesort")
    return table.reset_index(drop=True)


def write_parquet(table: pd.DataFrame, path: str | Path) -> None:
    """Write a table as Parquet deterministically (pyarrow, no index, fixed compression)."""
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    pq.write_table(arrow, path, compression="zstd", write_statistics=False)
