"""All estimates of a round at each size, and how their time grows with the number of rows.

``analyse_round(root, round_id)`` computes every estimate of the round (every measure ×
dimension × group, the sector, the stratum breakdowns, consensus, alpha, response rates,
weighting efficiency, suppression and status) from ``responses.parquet`` and writes
``estimates.parquet`` and ``status.parquet``. It is timed in this process (median of the
repetitions). The target is absolute at 10^5 (under 5 s on this machine) and relative across
sizes: from one size to the next the time may grow at most as fast as the rows
(``(t₂/t₁) ÷ (n₂/n₁) ≤ 1``; the figure also gives the exponent ``log(t₂/t₁)/log(n₂/n₁)``).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path

from benchmarks.results import Result, rows_text
from benchmarks.timing import time_call

ABSOLUTE_TARGET_S = 5.0
ABSOLUTE_TARGET_SIZE = "10^5"
# Ratio of growths above which scaling counts as worse than linear (10 % for timing noise).
LINEAR_TOLERANCE = 1.10


@dataclass(frozen=True)
class AnalysisTiming:
    """Median seconds of ``analyse_round`` at one size, with the respondent count."""

    size: str
    rows: int
    seconds: float
    reps: int
    n_estimates: int
    cpu_seconds: float = float("nan")


def time_analysis(
    root: Path, round_id: str, size: str, reps: int, warmup: int = 1
) -> AnalysisTiming:
    """Time ``analyse_round`` on an already cleaned round."""
    import pandas as pd

    from anchoring.analysis import analyse_round
    from anchoring.paths import RoundPaths

    paths = RoundPaths(root, round_id)
    rows = len(pd.read_parquet(paths.responses_file, columns=["round_id"]))
    timing, _ = time_call(lambda: analyse_round(root, round_id), reps, warmup)
    n_estimates = len(pd.read_parquet(paths.estimates_file, columns=["statistic"]))
    return AnalysisTiming(size, rows, timing.median, timing.reps, n_estimates, timing.cpu_median)


def analysis_rows(timings: list[AnalysisTiming]) -> list[Result]:
    """One row per size (absolute seconds) and one per step between sizes (growth)."""
    rows = []
    for t in timings:
        at_target = t.size == ABSOLUTE_TARGET_SIZE
        rows.append(
            Result(
                comparison="3. analyse_round: all estimates of a round (this machine)",
                size=t.size,
                figure=t.seconds,
                unit="s",
                target=f"< {ABSOLUTE_TARGET_S:g} s" if at_target else "",
                met=(t.seconds < ABSOLUTE_TARGET_S) if at_target else None,
                ours_s=t.seconds,
                reps=t.reps,
                notes=[
                    f"{rows_text(t.rows)} respondents, {t.n_estimates:,} estimate rows",
                    f"CPU time {t.cpu_seconds:.2f} s (single-threaded: about the wall time "
                    "on an idle machine)",
                ],
            )
        )
    for small, large in itertools.pairwise(timings):
        time_growth = large.seconds / small.seconds
        row_growth = large.rows / small.rows
        ratio = time_growth / row_growth
        exponent = math.log(time_growth) / math.log(row_growth) if row_growth > 1 else math.nan
        rows.append(
            Result(
                comparison="3. analyse_round growth: (t₂/t₁) ÷ (n₂/n₁)",
                size=f"{small.size} → {large.size}",
                figure=ratio,
                unit="×",
                target="≤ 1× (linear)",
                met=ratio <= LINEAR_TOLERANCE,
                notes=[
                    f"time ×{time_growth:.1f} for rows ×{row_growth:.1f}; exponent {exponent:.2f}"
                ],
            )
        )
    return rows
