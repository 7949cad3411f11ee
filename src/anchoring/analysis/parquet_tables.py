"""Assembling ``estimates.parquet`` and ``group_tests.parquet``; deterministic Parquet writing.

The columns and types are declared in :mod:`anchoring.schema`; here column order, types and
row order are fixed, so the same inputs give the same bytes: rows are
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
from anchoring.schema import ESTIMATES, GROUP_TESTS

KEY_COLUMNS: tuple[str, ...] = ESTIMATES.keys
ESTIMATE_COLUMNS: tuple[str, ...] = ESTIMATES.names
"""Columns of ``estimates.parquet``, declared in :data:`anchoring.schema.ESTIMATES`. The gap
carries no p-value: picking the extremes makes its z-test reject far too often (methodology §5);
the test of equal groups is in ``group_tests.parquet`` (:data:`GROUP_TEST_COLUMNS`)."""

_SET_LATER = ("is_suppressed", "suppression_reason")


def assemble_estimates(parts: Sequence[Mapping[str, object]], round_id: str) -> pd.DataFrame:
    """Concatenate tidy parts into the estimates table (before suppression), typed and sorted.

    Parameters
    ----------
    parts
        Tidy rows from :mod:`anchoring.analysis.estimate_rows` and
        :mod:`anchoring.analysis.response`: each a mapping of column → array (or a scalar for
        the whole part), or a DataFrame. ``contrast``, ``deff`` and ``effective_n`` may be
        absent.
    round_id
        The round.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`ESTIMATE_COLUMNS` (``is_suppressed`` False and
        ``suppression_reason`` empty until suppression), sorted by the key columns.
    """
    defaults = {"contrast": "", "deff": np.nan, "effective_n": np.nan}
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
    table = ESTIMATES.conform(table)
    table = table.sort_values(list(KEY_COLUMNS), kind="mergesort")
    return table.reset_index(drop=True)


def write_parquet(table: pd.DataFrame, path: str | Path) -> None:
    """Write a table as Parquet deterministically (pyarrow, no index, fixed compression)."""
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    pq.write_table(arrow, path, compression="zstd", write_statistics=False)


GROUP_TEST_KEYS: tuple[str, ...] = GROUP_TESTS.keys
GROUP_TEST_COLUMNS: tuple[str, ...] = GROUP_TESTS.names
"""Columns of ``group_tests.parquet`` (:mod:`anchoring.analysis.group_tests`), one row per test,
declared in :data:`anchoring.schema.GROUP_TESTS`.

``test`` is ``groups_equal`` (the Wald test that the three group means of the index are equal;
``contrast`` empty, ``estimate``/``se``/``ci_*`` null) or ``pair`` (one pairwise contrast,
``contrast`` ``"<group> - <group>"``, ``estimate`` the difference with its t interval). ``f``,
``df``, ``ddf``: the Wald F and its degrees of freedom (a pair: ``t²`` on 1 and ``ddf``);
``p_value`` and ``p_value_holm`` adjusted within ``holm_family`` (``measures`` for the tests of
equal groups, the measure id for its three pairs); ``is_significant``: ``p_value_holm`` below
``1 − level``, and for a pair also its measure's test of equal groups significant.
Suppressed rows keep their keys and counts with the values null."""


def order_group_tests(table: pd.DataFrame) -> pd.DataFrame:
    """Fix the columns, types and row order (by the key columns) of ``group_tests.parquet``."""
    table = GROUP_TESTS.conform(table)
    table = table.sort_values(list(GROUP_TEST_KEYS), kind="mergesort")
    return table.reset_index(drop=True)
