"""Arrow schemas and deterministic writers of the cleaning outputs (:mod:`anchoring.schema`).

``responses.parquet`` and ``exclusions.parquet`` are written with pyarrow from an explicit schema
(fixed column order and types, no pandas index), so the same raw data give the same bytes.
"""

from __future__ import annotations

from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from anchoring.schema import EXCLUSIONS, RESPONSE_VARYING, RESPONSES

RESPONSE_HEAD: tuple[tuple[str, pa.DataType], ...] = tuple(
    (c.name, c.type) for c in RESPONSES.columns
)
"""Leading columns of ``responses.parquet`` (:data:`anchoring.schema.RESPONSES`); item, flag
and theme columns follow (:data:`anchoring.schema.RESPONSE_VARYING`)."""

REPEATED_COLUMNS: tuple[str, ...] = ("round_id", "source_id", "group", "org_id", "stratum", "role")
"""Text columns of ``responses.parquet`` with few distinct values (:func:`take_rows` gathers
them through their dictionary codes)."""

EXCLUSION_SCHEMA = EXCLUSIONS.arrow_schema()
"""``exclusions.parquet`` (:data:`anchoring.schema.EXCLUSIONS`): one row per dropped raw row;
``duplicate_of_row`` is the data row kept in place of a duplicate or a resubmission (null for
other reasons); ``note`` the analyst's reason for a row excluded as ``analyst`` (from
``exclude`` in round.yaml, personal data masked; null for other reasons). No personal data."""


def responses_schema(item_ids: list[str], theme_columns: list[str]) -> pa.Schema:
    """The Arrow schema of ``responses.parquet`` for a round's items and themes."""
    item, *flags, theme = RESPONSE_VARYING
    fields = [pa.field(n, t) for n, t in RESPONSE_HEAD]
    fields += [pa.field(i, item.type) for i in item_ids]
    fields += [pa.field(flag.name, flag.type) for flag in flags]
    fields += [pa.field(n, theme.type) for n in theme_columns]
    return pa.schema(fields)


def frame_to_table(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """``frame`` as an Arrow table with exactly ``schema``'s columns and types, no index.

    The table carries pandas' schema metadata (the column dtypes), as
    :meth:`pyarrow.Table.from_pandas` writes it.
    """
    return pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)


def take_rows(table: pa.Table, order: np.ndarray, repeated: Collection[str] = ()) -> pa.Table:
    """The rows of ``table`` at positions ``order``, each column one contiguous chunk.

    Text columns named in ``repeated`` (few distinct values, e.g. the group or the stratum) are
    gathered through their dictionary encoding: Arrow's take of variable-length text copies value
    by value, while taking the integer indices and decoding once is an order of magnitude faster
    at 10^6 rows; such a column holding one value only (the round or the source id) is returned
    as it is when ``order`` reorders all rows. The result is the same values with the same types.
    """
    indices = pa.array(order, type=pa.int64())

    def take(name: str) -> pa.Array:
        column = table[name]
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
        if name in repeated and pa.types.is_string(column.type):
            if len(indices) == len(column) and _one_value(column):
                return column  # every reordering of a constant column is the column itself
            return column.dictionary_encode().take(indices).cast(column.type)
        return column.take(indices)

    with ThreadPoolExecutor(2) as pool:  # Arrow works outside the GIL: columns side by side
        columns = list(pool.map(take, table.column_names))
    return pa.Table.from_arrays(columns, schema=table.schema)


def _one_value(column: pa.Array) -> bool:
    """Whether every value of ``column`` is the same non-null value (one comparison pass)."""
    if column.null_count or len(column) == 0:
        return False
    return bool(pc.all(pc.equal(column, column[0])).as_py())


def write_table(table: pa.Table, path: Path) -> None:
    """Write an Arrow table as Parquet: no index, snappy (deterministic bytes)."""
    pq.write_table(table, path, compression="snappy")


def write_parquet(frame: pd.DataFrame, schema: pa.Schema, path: Path) -> None:
    """Write ``frame`` with exactly ``schema``'s columns and types, no index, snappy."""
    write_table(frame_to_table(frame, schema), path)
