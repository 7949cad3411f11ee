"""Schemas and deterministic writers of the cleaning outputs (architecture.md).

``responses.parquet`` and ``exclusions.parquet`` are written with pyarrow from an explicit schema
(fixed column order and types, no pandas index), so the same raw data give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

RESPONSE_HEAD: tuple[tuple[str, pa.DataType], ...] = (
    ("round_id", pa.string()),
    ("source_id", pa.string()),
    ("source_row", pa.int64()),
    ("respondent_key", pa.string()),
    ("group", pa.string()),
    ("org_id", pa.string()),
    ("stratum", pa.string()),
    ("fpc", pa.int64()),
    ("weight", pa.float64()),
    ("role", pa.string()),
    ("submitted_at", pa.timestamp("us", tz="UTC")),
    ("answer_time_s", pa.float64()),
    ("practice_size", pa.float64()),
)
"""Leading columns of ``responses.parquet``; item, flag and theme columns follow."""

EXCLUSION_SCHEMA = pa.schema(
    [
        ("round_id", pa.string()),
        ("source_id", pa.string()),
        ("source_row", pa.int64()),
        ("reason", pa.string()),
        ("duplicate_of_row", pa.int64()),
    ]
)
"""``exclusions.parquet``: one row per dropped raw row; ``duplicate_of_row`` is the data row
kept in place of a duplicate (null for other reasons). No personal data."""


def responses_schema(item_ids: list[str], theme_columns: list[str]) -> pa.Schema:
    """The schema of ``responses.parquet`` for a round's items and themes."""
    fields = [pa.field(n, t) for n, t in RESPONSE_HEAD]
    fields += [pa.field(i, pa.int8()) for i in item_ids]
    fields += [
        pa.field(n, pa.bool_())
        for n in ("is_speeder", "is_straightliner", "has_barrier_text", *theme_columns)
    ]
    return pa.schema(fields)


def write_parquet(frame: pd.DataFrame, schema: pa.Schema, path: Path) -> None:
    """Write ``frame`` with exactly ``schema``'s columns and types, no index, snappy."""
    table = pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)
    pq.write_table(table, path, compression="snappy")
