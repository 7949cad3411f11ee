"""Comparison 2: cleaning a round against the floor of reading its Nettskjema CSV with pyarrow.

``clean_round(root, round_id)`` reads every export of the round, applies the cleaning rules
and writes ``responses.parquet``, ``exclusions.parquet`` and ``quality.json``. The floor is
``pyarrow.csv.read_csv`` of the same file(s) with the delimiter given (the least any tool
must do to touch the data: parse the CSV into columns, multi-threaded). Both are timed in
this process, interleaved, median of the repetitions; the figure is clean ÷ floor.
"""

from __future__ import annotations

import logging
from pathlib import Path

from benchmarks.results import Result
from benchmarks.timing import time_interleaved

log = logging.getLogger(__name__)


def nettskjema_files(root: Path, round_id: str) -> list[Path]:
    """The round's Nettskjema exports (as configured in its ``round.yaml``)."""
    from anchoring.paths import RoundPaths
    from anchoring.round_config import load_round_config

    paths = RoundPaths(root, round_id)
    config = load_round_config(paths.config_file)
    files = []
    for source in config.sources:
        if source.format in (None, "nettskjema") and str(source.file).endswith((".csv", ".txt")):
            files.append(paths.raw_dir / source.file)
    return files


def _read_with_pyarrow(files: list[Path]) -> int:
    import pyarrow.csv as pacsv

    rows = 0
    for path in files:
        table = pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter=";"))
        rows += table.num_rows
    return rows


def compare_cleaning(root: Path, round_id: str, size: str, reps: int, at_target: bool) -> Result:
    """Time ``clean_round`` and the pyarrow floor on one round."""
    from anchoring.cleaning import clean_round

    files = nettskjema_files(root, round_id)
    timings, results = time_interleaved(
        {
            "clean": lambda: clean_round(root, round_id),
            "pyarrow": lambda: _read_with_pyarrow(files),
        },
        reps,
    )
    clean, floor = timings["clean"].median, timings["pyarrow"].median
    ratio = clean / floor
    megabytes = sum(path.stat().st_size for path in files) / 1e6
    notes = [
        f"{len(files)} Nettskjema CSV file(s), {megabytes:,.0f} MB, {results['pyarrow']:,} rows"
    ]
    return Result(
        comparison="2. clean_round time / pyarrow.csv.read_csv time",
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
