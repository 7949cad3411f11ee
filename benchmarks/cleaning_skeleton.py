"""The least a cleaning into ``responses.parquet`` must do, with no rule applied.

A context contender of comparison 2 (:mod:`benchmarks.cleaning_compare`): it bounds from below
what any cleaning built on pyarrow's CSV reader, Arrow's kernels and pyarrow's Parquet writer
can reach on the derived Nettskjema round, whatever its rules cost. Each step is in the
cheapest form we know, on both cores where Arrow allows it:

1. read the export with ``pyarrow.csv.read_csv``, every column as text (answer labels are text
   in general; values spanning lines allowed, as the file needs);
2. code the item columns to int8 from the first byte of each cell (a table look-up over Arrow's
   buffers, no hashing; two threads);
3. build the respondent key (``source:id``) and the output row order by organisation and key
   (Arrow's sort of the unique keys, then numpy's stable sort by the organisation's rank: the
   order ``clean_round`` writes);
4. gather every column of the output schema in that order
   (:func:`anchoring.cleaning.outputs.take_rows`);
5. write ``responses.parquet`` (:func:`anchoring.cleaning.outputs.write_table`, as
   ``clean_round`` writes it; or, as a second contender, with polars' writer, which encodes
   the columns on every core where pyarrow's uses one).

A third contender does all five steps in polars alone
(:func:`clean_without_rules_in_polars`): whether moving the stage to another engine would
lower the floor.

Every row is kept and no rule runs: no test, fieldwork, completeness or duplicate rule, no
organisation matching against the frame, no redaction, no themes, no weights (constant
columns stand in for the columns those would fill), no exclusions file and no quality report.
Steps 1, 4 and 5 depend on each other and on all rows (the output is sorted), so they cannot
overlap: this is a floor under ``clean_round``, not a competitor of it.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np


def _first_byte_codes(column, lookup: np.ndarray):
    """Int8 codes of a text column from each cell's first byte; null for a blank or other cell."""
    import pyarrow as pa

    chunk = column.combine_chunks()  # one pass of numpy over the column, not one per chunk
    _, offset_buffer, data_buffer = chunk.buffers()
    offsets = np.frombuffer(offset_buffer, dtype=np.int64)[
        chunk.offset : chunk.offset + len(chunk) + 1
    ]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else None
    if data is None or len(data) == 0:
        return pa.nulls(len(chunk), pa.int8())
    codes = lookup[data[np.minimum(offsets[:-1], len(data) - 1)]]
    missing = (np.diff(offsets) != 1) | (codes < 0)
    return pa.array(np.maximum(codes, 0), mask=missing, type=pa.int8())


def _constant(value, n: int, type_):
    import pyarrow as pa

    return pa.array([value], type=type_).take(pa.array(np.zeros(n, dtype=np.int32)))


def _output_order(org, key) -> np.ndarray:
    """Positions by organisation, then key: keys sorted once, a stable sort by org rank on top."""
    import pyarrow.compute as pc

    by_key = pc.sort_indices(key).to_numpy()
    encoded = org.combine_chunks().dictionary_encode()
    rank_of = np.empty(len(encoded.dictionary), dtype=np.int64)
    rank_of[pc.sort_indices(encoded.dictionary).to_numpy()] = np.arange(len(encoded.dictionary))
    ranks = rank_of[encoded.indices.to_numpy(zero_copy_only=False)]
    return by_key[np.argsort(ranks[by_key], kind="stable")]


def clean_without_rules(
    path: Path,
    source: dict,
    item_ids: list[str],
    theme_columns: list[str],
    target: Path,
    write: Callable | None = None,
) -> int:
    """Steps 1–5 of the module docstring on one Nettskjema source; returns the rows written.

    ``source`` is the source's entry of ``round.yaml`` (its ``columns`` map canonical fields to
    the export's headers); ``item_ids`` and ``theme_columns`` those of the output schema.
    ``write(table, path)`` writes the Parquet file (default: as ``clean_round`` writes it;
    :func:`write_with_polars`: polars' multi-threaded writer).
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    from anchoring.cleaning.outputs import (
        REPEATED_COLUMNS,
        responses_schema,
        take_rows,
        write_table,
    )

    with path.open("rb") as handle:
        names = handle.readline().decode("utf-8").strip().replace('"', "").split(";")
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.large_string()),
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
        null_values=[""],
        check_utf8=False,  # a cleaning checks the whole file once (the reader does, in numpy)
    )
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
        parse_options=pacsv.ParseOptions(delimiter=";", newlines_in_values=True),
        convert_options=convert,
    )
    n, columns = table.num_rows, source["columns"]
    lookup = np.full(256, -1, dtype=np.int8)
    lookup[ord("1") : ord("9") + 1] = np.arange(1, 10, dtype=np.int8)
    mapped = [i for i in item_ids if i in columns]
    with ThreadPoolExecutor(2) as pool:
        coded = pool.map(lambda i: _first_byte_codes(table[columns[i]], lookup), mapped)
        items = dict(zip(mapped, coded, strict=True))
    prefix = pa.scalar(f"{source['id']}:", pa.large_string())
    ids = table[columns["respondent_id"]]
    key = pc.binary_join_element_wise(prefix, ids, pa.scalar("", pa.large_string()))
    org = table[columns["org_id"]]
    order = _output_order(org, key)
    answer_s = pc.divide(pc.cast(table[columns["answer_time_ms"]], pa.float64()), 1000.0)
    values = {
        "round_id": _constant("round", n, pa.string()),
        "source_id": _constant(source["id"], n, pa.string()),
        "source_row": pa.array(np.arange(1, n + 1, dtype=np.int64)),
        "respondent_key": key.cast(pa.string()),
        "group": _constant(source["group"], n, pa.string()),
        "org_id": org.cast(pa.string()),
        "stratum": _constant("stratum", n, pa.string()),
        "fpc": pa.array(np.ones(n, dtype=np.int64)),
        "weight": pa.array(np.ones(n)),
        "role": table[columns["role"]].cast(pa.string()),
        "submitted_at": pc.cast(table[columns["submitted_at"]], pa.timestamp("us", tz="UTC")),
        "answer_time_s": answer_s,
        "practice_size": pa.nulls(n, pa.float64()),
    }
    no_answer = pa.nulls(n, pa.int8())
    values.update({i: items.get(i, no_answer) for i in item_ids})
    schema = responses_schema(item_ids, theme_columns)
    false = pa.array(np.zeros(n, dtype=bool))
    arrays = [values.get(name, false) for name in schema.names]
    gathered = take_rows(pa.Table.from_arrays(arrays, schema=schema), order, REPEATED_COLUMNS)
    (write or write_table)(gathered, target)
    return gathered.num_rows


def clean_without_rules_in_polars(
    path: Path, source: dict, item_ids: list[str], theme_columns: list[str], target: Path
) -> int:
    """Steps 1–5 in polars alone: its reader, expressions, sort, gather and writer.

    The same output as :func:`clean_without_rules` (items cast from their digits), for the
    question whether moving the whole stage to polars' multi-threaded engine would lower the
    floor. Returns the rows written.
    """
    import polars as pl

    from anchoring.cleaning.outputs import responses_schema

    frame = pl.read_csv(path, separator=";", infer_schema=False)
    columns, n = source["columns"], frame.height
    values = {
        "round_id": pl.lit("round"),
        "source_id": pl.lit(source["id"]),
        "source_row": pl.int_range(1, n + 1, dtype=pl.Int64),
        "respondent_key": pl.lit(f"{source['id']}:") + pl.col(columns["respondent_id"]),
        "group": pl.lit(source["group"]),
        "org_id": pl.col(columns["org_id"]),
        "stratum": pl.lit("stratum"),
        "fpc": pl.lit(1, dtype=pl.Int64),
        "weight": pl.lit(1.0),
        "role": pl.col(columns["role"]),
        "submitted_at": pl.col(columns["submitted_at"]).str.to_datetime(
            "%Y-%m-%d %H:%M:%S%#z", time_unit="us", time_zone="UTC"
        ),
        "answer_time_s": pl.col(columns["answer_time_ms"]).cast(pl.Float64) / 1000.0,
        "practice_size": pl.lit(None, dtype=pl.Float64),
    }
    values.update(
        {
            i: pl.col(columns[i]).cast(pl.Int8, strict=False)
            if i in columns
            else pl.lit(None, dtype=pl.Int8)
            for i in item_ids
        }
    )
    schema = responses_schema(item_ids, theme_columns)
    output = frame.select([values.get(name, pl.lit(False)).alias(name) for name in schema.names])
    order = output.select(pl.arg_sort_by(["org_id", "respondent_key"])).to_series()
    output[order].write_parquet(target, compression="snappy")
    return n


def write_with_polars(table, path: Path) -> None:
    """Write an Arrow table as Parquet with polars (snappy; columns encoded on every core)."""
    import polars as pl

    pl.from_arrow(table).write_parquet(path, compression="snappy")
