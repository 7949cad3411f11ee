"""Comparison 2: cleaning a Nettskjema CSV against the floor of reading it with pyarrow.

The simulator writes the municipalities' answers as a Nettskjema CSV (about a third of a
round's rows; hospital trusts come as xlsx and GPs as SPSS). To clean a Nettskjema CSV of
10^6 respondents, :func:`build_nettskjema_round` derives a round from the largest simulated
one: its municipality export repeated to exactly the wanted rows (the last copy cut short),
each copy with fresh submission ids (a copy's own resubmissions keep sharing an id) and the
municipality numbers shuffled within the copy, so no copy duplicates another; its
``round.yaml`` keeps that one source. Every row is a simulated row, with the simulator's
rates of dirt (test rows, incomplete answers, resubmissions, speeders, straight-liners,
personal data in free text).

``clean_round(root, round_id)`` reads the export, applies the cleaning rules and writes
``responses.parquet``, ``exclusions.parquet`` and ``quality.json``. The floor is
``pyarrow.csv.read_csv`` of the same file, ``;`` as delimiter and quoted newlines allowed (the
least any tool must do to touch the data: parse the CSV into typed columns, multi-threaded).
Both are timed in this process, interleaved, median of the repetitions; the figure is
clean ÷ floor.

Two more contenders, timed in the same interleaving, put the target in context (rows without a
target): the read followed by ``pyarrow.parquet.write_table`` of the table as read, the least
any cleaning that writes its result must do (touch the data twice, no rules); and
``polars.read_csv`` of the same file (a compiled, multi-threaded engine, where the benchmark
extra installs polars), to show whether another engine would read faster.
"""

from __future__ import annotations

import json
import logging
import math
import shutil
from pathlib import Path

import numpy as np

from benchmarks.results import Result
from benchmarks.timing import time_interleaved

log = logging.getLogger(__name__)

ID_COLUMN = "$submission_id"


def _nettskjema_source(raw_config: dict) -> dict:
    for source in raw_config["sources"]:
        if source.get("format") == "nettskjema":
            return source
    raise RuntimeError("the simulated round has no Nettskjema source")


def _copy(table, k: int, org_column: str):
    import pyarrow as pa
    import pyarrow.compute as pc

    if k == 0:
        return table
    ids = pc.binary_join_element_wise(pa.scalar(str(k)), table[ID_COLUMN].cast(pa.string()), "")
    order = np.random.default_rng(k).permutation(table.num_rows)
    orgs = table[org_column].take(pa.array(order))
    table = table.set_column(table.schema.get_field_index(ID_COLUMN), ID_COLUMN, ids)
    return table.set_column(table.schema.get_field_index(org_column), org_column, orgs)


def build_nettskjema_round(root: Path, source_round: str, target_round: str, rows: int) -> Path:
    """Derive a Nettskjema-only round of at least ``rows`` rows (see the module docstring).

    Returns the derived CSV. Rebuilt only when the source round's export changed.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import yaml

    from anchoring.paths import RoundPaths

    source_paths, target_paths = RoundPaths(root, source_round), RoundPaths(root, target_round)
    config = yaml.safe_load(source_paths.config_file.read_text(encoding="utf-8"))
    source = _nettskjema_source(config)
    source_file = source_paths.raw_dir / source["file"]
    target_file = target_paths.raw_dir / source["file"]
    stamp = {
        "source": str(source_file),
        "mtime": source_file.stat().st_mtime_ns,
        "rows": rows,
        "v": 3,
    }
    stamp_file = Path(root) / ".bench-keys" / f"{target_round}.json"
    if (
        target_file.exists()
        and stamp_file.exists()
        and json.loads(stamp_file.read_text(encoding="utf-8")) == stamp
    ):
        return target_file
    for folder in (target_paths.raw_dir, target_paths.processed_dir, target_paths.reports_dir):
        shutil.rmtree(folder, ignore_errors=True)
    target_paths.raw_dir.mkdir(parents=True)
    table = pacsv.read_csv(
        source_file,
        parse_options=pacsv.ParseOptions(delimiter=";", newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(strings_can_be_null=False),
    )
    table = table.cast(pa.schema([(name, pa.string()) for name in table.column_names]))
    org_column = source["columns"]["org_id"]
    copies = math.ceil(rows / table.num_rows)
    big = pa.concat_tables([_copy(table, k, org_column) for k in range(copies)]).slice(0, rows)
    options = pacsv.WriteOptions(delimiter=";", quoting_style="all_valid", eol="\r\n")
    pacsv.write_csv(big, target_file, write_options=options)
    config["round_id"] = target_round
    config["sources"] = [source]
    config["frames"] = {
        k: v for k, v in (config.get("frames") or {}).items() if k == source["group"]
    }
    config["previous_round"] = None
    target_paths.config_file.write_text(
        yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    stamp_file.parent.mkdir(parents=True, exist_ok=True)
    stamp_file.write_text(json.dumps(stamp), encoding="utf-8")
    log.info(
        "derived %s: %d rows (%d copies of %s)", target_round, big.num_rows, copies, source_file
    )
    return target_file


def _read_with_pyarrow(path: Path) -> int:
    import pyarrow.csv as pacsv

    parse = pacsv.ParseOptions(delimiter=";", newlines_in_values=True)
    return pacsv.read_csv(path, parse_options=parse).num_rows


def _read_and_write_parquet(path: Path, target: Path) -> int:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    parse = pacsv.ParseOptions(delimiter=";", newlines_in_values=True)
    table = pacsv.read_csv(path, parse_options=parse)
    pq.write_table(table, target)
    return table.num_rows


def _read_with_polars(path: Path) -> int:
    import polars as pl

    return pl.read_csv(path, separator=";", infer_schema=False).height


def _has_polars() -> bool:
    try:
        import polars  # noqa: F401
    except ImportError:
        return False
    return True


_CONTEXT: dict[str, tuple[str, list[str]]] = {
    "read+write": (
        "pyarrow read + Parquet write of the table as read / pyarrow read",
        ["no target: the least a cleaning that writes its result does"],
    ),
    "no-rule": (
        "the output written with no rule applied / pyarrow read",
        [
            "no target: read as text, items coded, sorted, gathered and written as "
            "responses.parquet, every row kept (benchmarks/cleaning_skeleton.py): the least a "
            "cleaning on pyarrow's reader and writer does"
        ],
    ),
    "no-rule-polars": (
        "the same, written by polars' multi-threaded writer / pyarrow read",
        ["no target: as the row above, the Parquet file written by polars"],
    ),
    "no-rule-polars-only": (
        "the same, every step in polars / pyarrow read",
        ["no target: polars' reader, expressions, sort, gather and writer"],
    ),
    "polars": ("polars.read_csv / pyarrow.csv.read_csv (another engine's read)", []),
}
"""Context contenders: the row's comparison text and notes."""


def no_rule_inputs(root: Path, round_id: str) -> tuple[dict, list[str], list[str]]:
    """The no-rule contenders' inputs for a derived round, read once before timing.

    Returns the Nettskjema source's entry of ``round.yaml``, the round's items and the theme
    columns: the arguments after ``path`` of :func:`.cleaning_skeleton.clean_without_rules`.
    """
    import yaml

    from anchoring.cleaning.themes import THEME_PREFIX
    from anchoring.instrument import load_instrument
    from anchoring.paths import RoundPaths
    from anchoring.round_config import load_round_config

    config_file = RoundPaths(root, round_id).config_file
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    instrument = load_instrument()
    measures = load_round_config(config_file).measure_ids(instrument)
    items = [i for m in measures for i in instrument.item_ids(m)]
    themes = [f"{THEME_PREFIX}{t.id}" for t in instrument.themes]
    return _nettskjema_source(config), items, themes


def _context_rows(size: str, timings: dict, floor: float) -> list[Result]:
    return [
        Result(
            comparison=f"2. context: {text}",
            size=size,
            figure=timings[name].median / floor,
            unit="×",
            target="",
            met=None,
            ours_s=timings[name].median,
            reference="pyarrow read",
            reference_s=floor,
            reps=timings[name].reps,
            notes=notes,
        )
        for name, (text, notes) in _CONTEXT.items()
        if name in timings
    ]


def compare_cleaning(
    root: Path,
    source_round: str,
    size: str,
    rows: int,
    reps: int,
    at_target: bool,
    warmup: int = 1,
) -> Result:
    """Time ``clean_round`` and the pyarrow floor on a derived Nettskjema round of ``rows``.

    Returns the target row, then the context rows (read + Parquet write; the output written
    with no rule applied; polars' read).
    """
    from anchoring.cleaning import clean_round
    from benchmarks.cleaning_skeleton import (
        clean_without_rules,
        clean_without_rules_in_polars,
        write_with_polars,
    )

    round_id = f"{source_round}-nettskjema"
    path = build_nettskjema_round(root, source_round, round_id, rows)
    scratch = root / "scratch" / f"{round_id}.parquet"
    scratch.parent.mkdir(parents=True, exist_ok=True)
    inputs = no_rule_inputs(root, round_id)
    contenders = {
        "clean": lambda: clean_round(root, round_id),
        "pyarrow": lambda: _read_with_pyarrow(path),
        "read+write": lambda: _read_and_write_parquet(path, scratch),
        "no-rule": lambda: clean_without_rules(path, *inputs, scratch),
    }
    if _has_polars():
        contenders["no-rule-polars"] = lambda: clean_without_rules(
            path, *inputs, scratch, write_with_polars
        )
        contenders["no-rule-polars-only"] = lambda: clean_without_rules_in_polars(
            path, *inputs, scratch
        )
        contenders["polars"] = lambda: _read_with_polars(path)
    timings, results = time_interleaved(contenders, reps, warmup)
    scratch.unlink(missing_ok=True)
    clean, floor = timings["clean"].median, timings["pyarrow"].median
    ratio = clean / floor
    cleaned = results["clean"]
    kept = getattr(cleaned, "kept_n", None)
    notes = [f"{results['pyarrow']:,} rows, {path.stat().st_size / 1e6:,.0f} MB"]
    if kept is not None:
        notes.append(f"{kept:,} kept")
    target = Result(
        comparison="2. clean_round of a Nettskjema CSV / pyarrow.csv.read_csv of it",
        size=size,
        figure=ratio,
        unit="×",
        target="≤ 3×" if at_target else "",
        met=(ratio <= 3.0) if at_target else None,
        ours_s=clean,
        reference="pyarrow read",
        reference_s=floor,
        reps=timings["clean"].reps,
        notes=notes,
    )
    return [target, *_context_rows(size, timings, floor)]
