"""Comparison 1: ``SurveyDesign`` against ``svy`` and R ``survey`` on identical data and design.

The data are a cleaned simulated round (``responses.parquet``): the design is
``psu = org_id``, ``strata = stratum``, ``fpc = fpc``, ``weights = weight`` with lonely PSUs
centred at the grand mean (R ``survey.lonely.psu = "adjust"``, svy ``singleton="center"``).
The mean is of the first measure's anchoring index (``index_<measure>``), the proportion is of
the agree indicator of its first item (``agree_<item>``), both missing where not answered, by
``group`` (3 domains) and by ``stratum`` (every stratum of the round).

Each contender gets the data in its own native form, prepared before timing (pandas for
``anchoring``, polars with nulls for ``svy``, a CSV read by ``read.csv`` for R). Timed:

- ``design``: building the design object (``SurveyDesign(...)``, ``svy.Sample(...)``,
  ``svydesign(...)``);
- each estimate on a design built once, after one untimed warm-up call (the way a round is
  analysed: one design, many estimates). ``SurveyDesign`` caches the coding of a ``by``
  column, so the *cold* cost (fresh design + one estimate, timed as one unit) is given in the
  notes too. R is timed inside R with ``system.time`` (``benchmarks/bench_r.R``).

Python contenders are timed interleaved in the same process. Estimates and standard errors of
each contender are compared domain by domain with those of ``SurveyDesign``.
"""

from __future__ import annotations

import csv
import logging
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.results import Result, relative_difference, seconds_text
from benchmarks.timing import Timing, time_interleaved

log = logging.getLogger(__name__)

OPERATIONS = {
    "mean_by_group": ("mean", "y_mean", "group"),
    "mean_by_stratum": ("mean", "y_mean", "stratum"),
    "proportion_by_group": ("proportion", "y_prop", "group"),
    "proportion_by_stratum": ("proportion", "y_prop", "stratum"),
}
DESIGN_COLUMNS = ["group", "stratum", "psu", "fpc", "weight", "y_mean", "y_prop"]
R_SCRIPT = Path(__file__).resolve().parent / "bench_r.R"


def design_frame(responses_file: Path) -> pd.DataFrame:
    """The design columns and the two study variables from a cleaned round."""
    from anchoring.instrument import load_instrument
    from anchoring.scoring import agree_column, index_column, score_responses

    responses = pd.read_parquet(responses_file)
    instrument = load_instrument()
    measure = instrument.measures[0].id
    item = instrument.item_ids(measure)[0]
    scored = score_responses(responses, instrument, [measure])
    frame = pd.DataFrame(
        {
            "group": responses["group"].astype(str),
            "stratum": responses["stratum"].astype(str),
            "psu": responses["org_id"].astype(str),
            "fpc": responses["fpc"].astype("float64"),
            "weight": responses["weight"].astype("float64"),
            "y_mean": scored[index_column(measure)].to_numpy(dtype="float64"),
            "y_prop": scored[agree_column(item)].to_numpy(dtype="float64"),
        }
    )
    return frame.reset_index(drop=True)


# --- anchoring ---------------------------------------------------------------------------


def _ours_design(frame: pd.DataFrame):
    from anchoring.survey import SurveyDesign

    return SurveyDesign(frame, weights="weight", psu="psu", strata="stratum", fpc="fpc")


def _ours_estimate(design, operation: str) -> pd.DataFrame:
    kind, variable, by = OPERATIONS[operation]
    method = design.mean if kind == "mean" else design.proportion
    table = method(variable, by=by)
    return pd.DataFrame(
        {"domain": table[by].astype(str), "estimate": table["estimate"], "se": table["se"]}
    )


# --- svy -----------------------------------------------------------------------------------


def svy_available() -> bool:
    """Whether the ``svy`` package can be imported."""
    try:
        import svy  # noqa: F401
    except ImportError:
        return False
    return True


def _svy_frame(frame: pd.DataFrame):
    import polars as pl

    return pl.from_pandas(frame, nan_to_null=True)


def _svy_design(polars_frame):
    import svy

    # svy logs a warning for every logit interval at p = 0 or 1; R and anchoring agree there.
    logging.getLogger("svy").setLevel(logging.ERROR)

    design = svy.Design(
        stratum="stratum", psu="psu", wgt="weight", pop_size="fpc", singleton="center"
    )
    return svy.Sample(polars_frame, design)


def _svy_estimate(sample, operation: str) -> pd.DataFrame:
    kind, variable, by = OPERATIONS[operation]
    if kind == "mean":
        table = sample.estimation.mean(variable, by=by, drop_nulls=True).to_polars()
    else:
        table = sample.estimation.prop(variable, by=by, drop_nulls=True).to_polars()
        table = table.filter(table[variable] == 1)
    table = table.to_pandas()
    return pd.DataFrame(
        {"domain": table[by].astype(str), "estimate": table["est"], "se": table["se"]}
    )


# --- R -------------------------------------------------------------------------------------


def r_available() -> bool:
    """Whether ``Rscript`` runs and has the ``survey`` package."""
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(
        ["Rscript", "-e", "suppressMessages(library(survey))"], capture_output=True, check=False
    )
    return probe.returncode == 0


R_SINGLE_REP_ROWS = 500_000
"""From this many rows R is timed once per operation (one svyby takes about a minute)."""


def r_repetitions(rows: int, reps: int) -> int:
    """Repetitions of each R timing: ``reps``, or 1 from :data:`R_SINGLE_REP_ROWS` rows."""
    return 1 if rows >= R_SINGLE_REP_ROWS else reps


@dataclass
class RRun:
    """Timings (by operation) and estimates (by operation) from ``bench_r.R``."""

    timings: dict[str, Timing]
    estimates: dict[str, pd.DataFrame]


def run_r(frame: pd.DataFrame, reps: int, workdir: Path) -> RRun:
    """Write the frame to CSV, run ``bench_r.R`` on it and read its timings and estimates."""
    data_file = workdir / "design.csv"
    frame[DESIGN_COLUMNS].to_csv(data_file, index=False, na_rep="", float_format="%.17g")
    prefix = workdir / "r"
    completed = subprocess.run(
        ["Rscript", str(R_SCRIPT), str(data_file), str(reps), str(prefix)],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"bench_r.R failed:\n{completed.stderr[-2000:]}")
    seconds: dict[str, list[float]] = {}
    with open(f"{prefix}-timings.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            seconds.setdefault(row["operation"], []).append(float(row["seconds"]))
    table = pd.read_csv(f"{prefix}-estimates.csv", dtype={"domain": str})
    estimates = {
        op: part[["domain", "estimate", "se"]].reset_index(drop=True)
        for op, part in table.groupby("operation", sort=False)
    }
    return RRun({op: Timing(tuple(s)) for op, s in seconds.items()}, estimates)


# --- agreement and rows --------------------------------------------------------------------


def max_differences(ours: pd.DataFrame, other: pd.DataFrame) -> tuple[float, float]:
    """Largest relative difference of the estimates and of the SEs, domain by domain.

    A domain present in one table only counts as infinitely different; a domain both leave
    empty (no answers: NaN) as equal. The denominator is at least 1e-6 of the largest estimate,
    so that rounding noise around an exact zero (an SE of 2e-12 where R and svy give 0, in a
    stratum with one PSU) does not count as a relative difference of 1.
    """
    merged = ours.merge(other, on="domain", how="outer", suffixes=("", "_other"), indicator=True)
    if (merged["_merge"] != "both").any():
        return float("inf"), float("inf")
    scale = float(np.nanmax(np.abs(merged["estimate"].to_numpy(dtype=float)), initial=0.0))
    floor = max(1e-6 * scale, 1e-300)
    pairs = {
        "estimate": zip(merged["estimate"], merged["estimate_other"], strict=True),
        "se": zip(merged["se"], merged["se_other"], strict=True),
    }
    est, se = (
        max((relative_difference(a, b, floor) for a, b in pairs[key]), default=0.0)
        for key in ("estimate", "se")
    )
    return est, se


def _agreement_note(name: str, ours: pd.DataFrame, other: pd.DataFrame) -> str:
    est, se = max_differences(ours, other)
    return f"max rel. diff vs {name}: estimate {est:.1e}, SE {se:.1e}"


@dataclass
class SurveyTimings:
    """Everything measured for one size."""

    ours: dict[str, Timing]
    ours_cold: dict[str, Timing]
    ours_estimates: dict[str, pd.DataFrame]
    svy: dict[str, Timing] | None
    svy_cold: dict[str, Timing] | None
    svy_estimates: dict[str, pd.DataFrame] | None
    r: RRun | None


def measure(frame: pd.DataFrame, reps: int, with_svy: bool, with_r: bool) -> SurveyTimings:
    """Time every operation for every available contender on ``frame``."""
    polars_frame = _svy_frame(frame) if with_svy else None
    ours_design = _ours_design(frame)
    svy_sample = _svy_design(polars_frame) if with_svy else None

    builders: dict[str, Callable[[], object]] = {"ours": lambda: _ours_design(frame)}
    if with_svy:
        builders["svy"] = lambda: _svy_design(polars_frame)
    design_t, _ = time_interleaved(builders, reps)
    ours_t = {"design": design_t["ours"]}
    svy_t = {"design": design_t["svy"]} if with_svy else None
    ours_cold: dict[str, Timing] = {}
    svy_cold: dict[str, Timing] | None = {} if with_svy else None
    ours_est: dict[str, pd.DataFrame] = {}
    svy_est: dict[str, pd.DataFrame] | None = {} if with_svy else None
    for op in OPERATIONS:
        warm = {"ours": lambda op=op: _ours_estimate(ours_design, op)}
        cold = {"ours": lambda op=op: _ours_estimate(_ours_design(frame), op)}
        if with_svy:
            warm["svy"] = lambda op=op: _svy_estimate(svy_sample, op)
            cold["svy"] = lambda op=op: _svy_estimate(_svy_design(polars_frame), op)
        warm_t, results = time_interleaved(warm, reps)
        cold_t, _ = time_interleaved(cold, reps, warmup=0)
        ours_t[op], ours_cold[op], ours_est[op] = warm_t["ours"], cold_t["ours"], results["ours"]
        if with_svy:
            svy_t[op], svy_cold[op], svy_est[op] = warm_t["svy"], cold_t["svy"], results["svy"]
        log.info("  %s: anchoring %s", op, seconds_text(ours_t[op].median))
    r_run = None
    if with_r:
        with tempfile.TemporaryDirectory(prefix="bench-r-") as tmp:
            r_run = run_r(frame, r_repetitions(len(frame), reps), Path(tmp))
    return SurveyTimings(ours_t, ours_cold, ours_est, svy_t, svy_cold, svy_est, r_run)


@dataclass(frozen=True)
class _Reference:
    """One contender compared with ``SurveyDesign``: its timings, estimates and target."""

    name: str
    short: str
    timings: dict[str, Timing]
    cold_seconds: Callable[[str], float]
    estimates: dict[str, pd.DataFrame]
    target_factor: float
    notes_timed_once: bool


def _reference_rows(
    size: str, m: SurveyTimings, at_target_size: bool, ref: _Reference
) -> list[Result]:
    rows = []
    for op in ["design", *OPERATIONS]:
        ours, theirs = m.ours[op].median, ref.timings[op].median
        notes = []
        if op != "design":
            cold = ref.cold_seconds(op) / m.ours_cold[op].median
            notes.append(f"cold (design + estimate) {cold:.1f}×")
            notes.append(_agreement_note(ref.short, m.ours_estimates[op], ref.estimates[op]))
        if ref.notes_timed_once and ref.timings[op].reps == 1:
            notes.append(f"{ref.short} timed once at this size")
        is_target = at_target_size and op != "design"
        rows.append(
            Result(
                comparison=f"1. {op.replace('_', ' ')}: {ref.name} time / anchoring time",
                size=size,
                figure=theirs / ours,
                unit="×",
                target=f"≥ {ref.target_factor:g}×" if is_target else "",
                met=(theirs / ours >= ref.target_factor) if is_target else None,
                ours_s=ours,
                reference=ref.name,
                reference_s=theirs,
                reps=m.ours[op].reps,
                notes=notes,
            )
        )
    return rows


def _svy_rows(size: str, m: SurveyTimings, at_target_size: bool) -> list[Result]:
    reference = _Reference(
        "svy", "svy", m.svy, lambda op: m.svy_cold[op].median, m.svy_estimates, 1.0, False
    )
    return _reference_rows(size, m, at_target_size, reference)


def _r_rows(size: str, m: SurveyTimings, at_target_size: bool) -> list[Result]:
    reference = _Reference(
        "R survey",
        "R",
        m.r.timings,
        lambda op: m.r.timings["design"].median + m.r.timings[op].median,
        m.r.estimates,
        10.0,
        True,
    )
    return _reference_rows(size, m, at_target_size, reference)


def compare_survey(
    responses_file: Path, size: str, reps: int, at_target_size: bool, r_skipped: str | None
) -> list[Result]:
    """Run comparison 1 on one cleaned round and return its table rows.

    ``r_skipped`` is None to time R too, else the reason it is not timed (shown in the table).
    """
    frame = design_frame(responses_file)
    with_svy = svy_available()
    m = measure(frame, reps, with_svy=with_svy, with_r=r_skipped is None)
    rows: list[Result] = []
    if with_svy:
        rows += _svy_rows(size, m, at_target_size)
    else:
        rows.append(
            _missing_row(size, "svy not installed (pip install -r benchmarks/requirements.txt)")
        )
    if m.r is not None:
        rows += _r_rows(size, m, at_target_size)
    else:
        rows.append(_missing_row(size, f"R survey not timed: {r_skipped}"))
    n_strata = frame["stratum"].nunique()
    rows[0].notes.append(f"{len(frame):,} rows, {frame['psu'].nunique():,} PSUs, {n_strata} strata")
    return rows


def _missing_row(size: str, why: str) -> Result:
    return Result(
        comparison="1. survey estimates",
        size=size,
        figure=float("nan"),
        unit="×",
        target="",
        met=None,
        notes=[why],
    )
