"""The survey estimators against ``svy`` and R ``survey`` on identical data and design.

The data are a cleaned simulated round (``responses.parquet``): the design is
``psu = org_id``, ``strata = stratum``, ``fpc = fpc``, ``weights = weight`` with lonely PSUs
centred at the grand mean (R ``survey.lonely.psu = "adjust"``, svy ``singleton="center"``).
The mean is of the first measure's anchoring index (``index_<measure>``), the proportion is of
the agree indicator of its first item (``agree_<item>``), both missing where not answered, by
``group`` (3 domains) and by ``stratum`` (every stratum of the round).

Each contender gets the data in its own native form, prepared before timing (pandas for
``anchoring``, polars with nulls for ``svy``, a CSV read by ``read.csv`` for R) and the design
built once, untimed except in the notes; each estimate is timed after one untimed warm-up call
(how a round is analysed: one design, many estimates). The Python contenders are timed
interleaved in this process; R inside R with ``system.time`` (``benchmarks/bench_r.R``), so R's
start-up and ``read.csv`` are not counted. Estimates and standard errors are compared domain by
domain with those of ``SurveyDesign``, and the notes give the largest relative difference.
"""

from __future__ import annotations

import csv
import logging
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


def replicate(frame: pd.DataFrame, copies: int) -> pd.DataFrame:
    """``copies`` copies of a design frame as one design of a population ``copies`` times larger.

    Each copy's PSUs get their own ids and every ``fpc`` (N_h) is multiplied by ``copies``, so
    each stratum samples the same fraction of its PSUs and the weights stay valid. The suite
    uses it for 10^6 respondents: a round that size cannot be cleaned, since its SPSS export
    is past the readers' 10 million cells.
    """
    if copies == 1:
        return frame
    parts = [frame.assign(psu=frame["psu"] + f"#{k}") for k in range(copies)]
    replicated = pd.concat(parts, ignore_index=True)
    return replicated.assign(fpc=replicated["fpc"] * copies)


def design_frame(responses_file: Path) -> pd.DataFrame:
    """The design columns and the two study variables from a cleaned round."""
    from anchoring.analysis.scoring import agree_column, index_column, score_responses
    from anchoring.instrument import load_instrument

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


@dataclass
class Contender:
    """One implementation's timings (the design and each operation) and estimates."""

    name: str
    timings: dict[str, Timing]
    estimates: dict[str, pd.DataFrame]


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
    from benchmarks.machine import r_survey_version

    return r_survey_version() is not None


R_SINGLE_REP_ROWS = 500_000
"""From this many rows R is timed once per operation (one ``svyby`` takes about a minute)."""


def run_r(frame: pd.DataFrame, reps: int) -> Contender:
    """Run ``bench_r.R`` on the frame (as CSV) and read its timings and estimates."""
    with tempfile.TemporaryDirectory(prefix="bench-r-") as tmp:
        data_file, prefix = Path(tmp) / "design.csv", Path(tmp) / "r"
        frame[DESIGN_COLUMNS].to_csv(data_file, index=False, na_rep="", float_format="%.17g")
        reps = 1 if len(frame) >= R_SINGLE_REP_ROWS else reps
        command = ["Rscript", str(R_SCRIPT), str(data_file), str(reps), str(prefix)]
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
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
    timings = {op: Timing(tuple(s)) for op, s in seconds.items()}
    return Contender("R survey", timings, estimates)


# --- agreement and rows --------------------------------------------------------------------


def max_differences(ours: pd.DataFrame, other: pd.DataFrame) -> tuple[float, float]:
    """Largest relative difference of the estimates and of the SEs, domain by domain.

    Compared over the domains with answers (a number in ``ours``): one the other table lacks or
    leaves NaN is infinitely different, and so is a domain only the other table has. A domain
    without answers has no estimate to compare (R's ``svyby`` gives it 0 ± 0, svy leaves it
    out); :func:`_agreement_note` counts them. The denominator is at least 1e-6 of the largest
    estimate, so that rounding noise around an exact zero (an SE of 2e-12 where R and svy give
    0, in a stratum with one PSU) does not count as a relative difference of 1.
    """
    merged = ours.merge(other, on="domain", how="outer", suffixes=("", "_other"), indicator=True)
    if (merged["_merge"] == "right_only").any():
        return float("inf"), float("inf")
    merged = merged[merged["estimate"].notna()]
    scale = float(np.abs(merged["estimate"].to_numpy(dtype=float)).max(initial=0.0))
    floor = max(1e-6 * scale, 1e-300)
    differences = {
        key: [
            relative_difference(a, b, floor)
            for a, b in zip(merged[key], merged[f"{key}_other"], strict=True)
        ]
        for key in ("estimate", "se")
    }
    return max(differences["estimate"], default=0.0), max(differences["se"], default=0.0)


def _agreement_note(name: str, ours: pd.DataFrame, other: pd.DataFrame) -> str:
    est, se = max_differences(ours, other)
    note = f"max rel. diff vs {name}: estimate {est:.1e}, SE {se:.1e}"
    empty = int(ours["estimate"].isna().sum())
    return note + (f" ({empty} domain(s) without answers left out)" if empty else "")


def _time_python(frame: pd.DataFrame, reps: int, with_svy: bool) -> list[Contender]:
    """``SurveyDesign`` (and ``svy`` if installed), interleaved, on designs built once."""
    designs: dict[str, Callable[[], object]] = {"anchoring": lambda: _ours_design(frame)}
    estimators: dict[str, Callable[[object, str], pd.DataFrame]] = {"anchoring": _ours_estimate}
    if with_svy:
        polars_frame = _svy_frame(frame)
        designs["svy"] = lambda: _svy_design(polars_frame)
        estimators["svy"] = _svy_estimate
    timings, built = time_interleaved(designs, reps)
    by_name = {name: Contender(name, {"design": timings[name]}, {}) for name in designs}
    for op in OPERATIONS:
        calls = {
            name: (lambda name=name, op=op: estimators[name](built[name], op)) for name in designs
        }
        timings, results = time_interleaved(calls, reps)
        for name, contender in by_name.items():
            contender.timings[op], contender.estimates[op] = timings[name], results[name]
        log.info("  %s: anchoring %s", op, seconds_text(timings["anchoring"].median))
    return list(by_name.values())


def _rows(size: str, ours: Contender, other: Contender) -> list[Result]:
    rows = []
    for op in OPERATIONS:
        theirs = other.timings[op]
        notes = [
            _agreement_note(other.name, ours.estimates[op], other.estimates[op]),
            f"design built in {seconds_text(ours.timings['design'].median)} "
            f"vs {seconds_text(other.timings['design'].median)}",
        ]
        if theirs.reps == 1:
            notes.append(f"{other.name} timed once")
        rows.append(
            Result(
                comparison=f"{op.replace('_', ' ')}: {other.name} ÷ anchoring",
                size=size,
                seconds=ours.timings[op].median,
                reps=ours.timings[op].reps,
                reference=other.name,
                reference_s=theirs.median,
                ratio=theirs.median / ours.timings[op].median,
                notes=notes,
            )
        )
    return rows


def compare_survey(frame: pd.DataFrame, size: str, reps: int, with_r: bool) -> list[Result]:
    """Time and check the survey estimators on one design frame; return the table rows."""
    with_svy = svy_available()
    ours, *others = _time_python(frame, reps, with_svy)
    if with_r:
        others.append(run_r(frame, reps))
    rows = [row for other in others for row in _rows(size, ours, other)]
    if not rows:
        rows = [Result("survey estimators (no contender available)", size, float("nan"))]
    described = f"{len(frame):,} rows, {frame['psu'].nunique():,} PSUs, "
    rows[0].notes.insert(0, described + f"{frame['stratum'].nunique()} strata")
    if not with_svy:
        rows[0].notes.append("svy not installed (pip install -r benchmarks/requirements.txt)")
    return rows
