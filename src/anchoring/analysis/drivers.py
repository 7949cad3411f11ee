"""Drivers of readiness: the standardised design-based regression of §9 (``drivers.parquet``).

Per measure and group, the readiness item (``beredskap``) is regressed on the six other
dimensions of the measure, all standardised, by a design-based linear model
(:meth:`anchoring.survey.SurveyDesign.glm`, R's ``svyglm``): a coefficient is the difference in
readiness, in standard deviations, between respondents one standard deviation apart on that
dimension with the other five held fixed. It describes an association in the population of
organisations, not a cause.

Standardisation: for each group and measure, over the respondents of the group who answered all
seven items on the scale (the model's rows), every scored item ``y`` becomes
``(y − ȳ_w) / s_w`` with the design-weighted mean ``ȳ_w = Σ w y / Σ w`` and standard deviation
``s_w = sqrt(Σ w (y − ȳ_w)² / Σ w)`` (the design-based estimates of the population mean and
standard deviation; the round's weights, raked when the round is). The model is then a domain
model: the standardised columns are missing outside the group, so those rows count with zero in
the variance and the design keeps all its strata and PSUs (Lumley 2010, section 2.3). Intervals
are t intervals on the model's residual design degrees of freedom (``degf + 1 − p``).

A group and measure whose model rows come from fewer than :data:`PSU_PER_COEFFICIENT` PSUs
(organisations; a GP is their own) per coefficient (seven: the intercept and six slopes) is not
modelled: its rows are kept with the counts, no values, ``is_suppressed`` true and reason
``too_few_organisations_for_model`` (methodology §9).

References
----------
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley, chapter 5.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import pandas as pd

from anchoring.analysis.scoring import score_column
from anchoring.groups import GROUPS
from anchoring.instrument import Instrument
from anchoring.schema import DRIVERS
from anchoring.survey import SurveyDesign

logger = logging.getLogger(__name__)

DRIVERS_FILE = DRIVERS.file
OUTCOME_DIMENSION = "beredskap"
"""The readiness dimension, the model's outcome."""
PSU_PER_COEFFICIENT = 10
"""Fewest PSUs per model coefficient (methodology §9)."""
TOO_FEW = "too_few_organisations_for_model"

DRIVER_COLUMNS: dict[str, str] = DRIVERS.dtypes
"""The columns of ``drivers.parquet`` and their pandas types (:data:`anchoring.schema.DRIVERS`):
one row per measure × group × predictor dimension; ``estimate`` the standardised coefficient,
``n`` and ``n_orgs`` the model's respondents and organisations."""


def estimate_drivers(
    data: pd.DataFrame,
    build_design: Callable[[pd.DataFrame], SurveyDesign],
    instrument: Instrument,
    measures: tuple[str, ...],
    round_id: str,
    level: float = 0.95,
) -> pd.DataFrame:
    """The standardised drivers of readiness per measure and group (module docstring).

    Parameters
    ----------
    data
        The round's respondent rows: ``group``, ``org_id``, ``stratum``, ``weight`` (the
        round's final weights) and the scored items (``score_<item>``).
    build_design
        Builds the round's design (with its raking, if any) over a table of the same rows;
        called once, on ``data`` with the standardised columns added.
    instrument, measures
        The instrument and the round's measures (a measure without a readiness item is
        left out).
    round_id
        Written into every row.
    level
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`DRIVER_COLUMNS`, sorted by measure (round order), group
        (:data:`~anchoring.groups.GROUPS` order) and dimension (instrument order).
    """
    predictors = [d for d in instrument.dimension_ids if d != OUTCOME_DIMENSION]
    models = [
        (m, g) for m in measures if OUTCOME_DIMENSION in instrument.dimension_ids for g in GROUPS
    ]
    columns, counts = {}, {}
    for measure, group in models:
        standardised, counts[measure, group] = _standardise(data, measure, group, instrument)
        columns.update(standardised)
    # one concat, not one insert per column: a round with many measures would otherwise build a
    # frame of more than a hundred blocks (pandas' PerformanceWarning)
    design = build_design(pd.concat([data, pd.DataFrame(columns, index=data.index)], axis=1))
    rows = []
    for measure, group in models:
        n, n_orgs = counts[measure, group]
        enough = n_orgs >= PSU_PER_COEFFICIENT * (len(predictors) + 1)
        fitted = _fit(design, measure, group, predictors, level) if enough else None
        for dimension in predictors:
            values = fitted.loc[dimension] if fitted is not None else None
            rows.append(_row(round_id, measure, group, dimension, values, n, n_orgs))
    table = pd.DataFrame(rows, columns=list(DRIVER_COLUMNS)).astype(DRIVER_COLUMNS)
    logger.info(
        "drivers: %d models, %d not modelled (fewer than %d organisations per coefficient)",
        len(models),
        int(table.groupby(["measure", "group"])["is_suppressed"].all().sum()),
        PSU_PER_COEFFICIENT,
    )
    return table


def _z_column(measure: str, group: str, dimension: str) -> str:
    return f"z__{measure}__{group}__{dimension}"


def _standardise(
    data: pd.DataFrame, measure: str, group: str, instrument: Instrument
) -> tuple[dict[str, pd.Series], tuple[int, int]]:
    """Standardised item columns of one model (missing outside its rows) and its counts."""
    scores = {d: score_column(f"{measure}__{d}") for d in instrument.dimension_ids}
    in_model = (data["group"] == group) & data[list(scores.values())].notna().all(axis=1)
    weights = data.loc[in_model, "weight"].to_numpy(dtype="float64")
    columns = {}
    for dimension, score in scores.items():
        values = data.loc[in_model, score].to_numpy(dtype="float64")
        mean = np.average(values, weights=weights) if len(values) else np.nan
        sd = np.sqrt(np.average((values - mean) ** 2, weights=weights)) if len(values) else np.nan
        z = pd.Series(np.nan, index=data.index)
        z[in_model] = (values - mean) / sd if sd > 0 else np.nan
        columns[_z_column(measure, group, dimension)] = z
    orgs = data.loc[in_model, ["stratum", "org_id"]].drop_duplicates()
    return columns, (int(in_model.sum()), len(orgs))


def _fit(
    design: SurveyDesign, measure: str, group: str, predictors: list[str], level: float
) -> pd.DataFrame:
    outcome = _z_column(measure, group, OUTCOME_DIMENSION)
    terms = {_z_column(measure, group, d): d for d in predictors}
    model = design.glm(f"{outcome} ~ {' + '.join(terms)}", family="gaussian", level=level)
    table = model.coefficients.set_index("term")
    table = table.loc[list(terms)].rename(index=terms)
    return table


def _row(round_id, measure, group, dimension, values, n, n_orgs) -> dict:
    row = {"round_id": round_id, "measure": measure, "group": group, "dimension": dimension}
    row |= {"n": n, "n_orgs": n_orgs}
    for column in ("estimate", "se", "ci_low", "ci_high", "df", "p_value"):
        row[column] = float(values[column]) if values is not None else np.nan
    row["is_suppressed"] = values is None
    row["suppression_reason"] = TOO_FEW if values is None else ""
    return row
