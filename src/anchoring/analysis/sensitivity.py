"""The sector index under the other variance design: a sensitivity line (sensitivity.parquet).

The round publishes its estimates under one variance design (``estimation.variance``, by
default the two-stage design of docs/decisions.md). Methodology §1 keeps the one-stage design
(organisations in strata with the finite population correction, R's ``svydesign(ids = ~org_id,
strata = ~stratum, fpc = ~fpc, weights = ~weight, nest = TRUE)``) as a sensitivity check: the
same point estimates, another standard error. This module estimates each measure's sector index
(the equal-weight mean of the three groups, R's ``svycontrast(svyby(~index, ~group, des,
svymean, covmat = TRUE), rep(1/3, 3))``) under the design the round did *not* use, so the report
can state both from published tables. A sector value hidden in ``estimates.parquet`` is hidden
here too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import pandas as pd

from anchoring.analysis.scoring import index_column
from anchoring.groups import SECTOR
from anchoring.schema import SENSITIVITY
from anchoring.survey import SurveyDesign

logger = logging.getLogger(__name__)

SENSITIVITY_FILE = SENSITIVITY.file
SENSITIVITY_COLUMNS: dict[str, str] = SENSITIVITY.dtypes
"""The columns of ``sensitivity.parquet`` (:data:`anchoring.schema.SENSITIVITY`): one row per
measure (``group`` is ``sector``); ``variance`` the design (``one_stage`` or ``two_stage``) the
row was computed with."""


def other_variance(variance: str) -> str:
    """The variance design a round did not use (``one_stage`` ↔ ``two_stage``)."""
    return "one_stage" if variance == "two_stage" else "two_stage"


def estimate_sensitivity(
    data: pd.DataFrame,
    build_design: Callable[[pd.DataFrame, str], SurveyDesign],
    variance: str,
    estimates: pd.DataFrame,
    measures: tuple[str, ...],
    round_id: str,
    level: float = 0.95,
) -> pd.DataFrame:
    """Each measure's sector index under the variance design the round did not use.

    Parameters
    ----------
    data
        The round's respondent rows (design columns and index columns).
    build_design
        Builds the round's design (with its raking) for a variance design name.
    variance
        The round's own variance design (``estimation.variance``).
    estimates
        The round's published (suppressed) estimates: a hidden sector index stays hidden.
    measures, round_id, level
        The round's measures, id and confidence level.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`SENSITIVITY_COLUMNS`, one row per measure.
    """
    other = other_variance(variance)
    design = build_design(data, other)
    published = estimates[
        (estimates["group"] == SECTOR)
        & (estimates["breakdown"] == "")
        & (estimates["dimension"] == "index")
        & (estimates["statistic"] == "mean")
    ].set_index("measure")
    rows = []
    for measure in measures:
        value = design.equal_weight_mean(index_column(measure), by="group", level=level).iloc[0]
        hidden = measure not in published.index or bool(published.at[measure, "is_suppressed"])
        row = {"round_id": round_id, "measure": measure, "group": SECTOR, "variance": other}
        for column in ("estimate", "se", "ci_low", "ci_high"):
            row[column] = np.nan if hidden else float(value[column])
        rows.append(row | {"is_suppressed": hidden})
    logger.info("sensitivity: sector index of %d measures under the %s design", len(rows), other)
    return pd.DataFrame(rows, columns=list(SENSITIVITY_COLUMNS)).astype(SENSITIVITY_COLUMNS)
