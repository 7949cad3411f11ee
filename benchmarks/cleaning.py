"""Cleaning a simulated round at 10^5 respondents (``clean_round``, in this process).

The round has the simulator's three exports (a Nettskjema CSV, an xlsx workbook and an SPSS
file) and its rates of dirt (test rows, resubmissions, speeders, personal data in free text).
``clean_round`` reads them, applies the cleaning rules and writes ``responses.parquet``,
``exclusions.parquet`` and ``quality.json``; the figure is the median of the repetitions after
one untimed warm-up call (which also imports the modules).
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.results import Result
from benchmarks.timing import time_interleaved


def time_cleaning(root: Path, round_id: str, size: str, reps: int) -> list[Result]:
    """Time ``clean_round`` on an already simulated round; return its table row."""
    from anchoring.cleaning import clean_round

    timings, results = time_interleaved({"clean": lambda: clean_round(root, round_id)}, reps)
    cleaned = results["clean"]
    return [
        Result(
            comparison="clean_round: three exports in, cleaned files out",
            size=size,
            seconds=timings["clean"].median,
            reps=timings["clean"].reps,
            notes=[f"{cleaned.rows_read:,} raw rows, {cleaned.kept_n:,} kept"],
        )
    ]
