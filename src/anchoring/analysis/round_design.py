"""The survey design of a round: organisations sampled in strata, answers inside them.

Methodology §1 specifies the one-stage design
``svydesign(ids = ~org_id, strata = ~stratum, fpc = ~fpc, weights = ~weight, nest = TRUE)``.
Its finite population correction ``1 − n_h/N_h`` is right for the organisations, but what the
round estimates is each organisation's *position*, and the answers are measurements of it: several
leaders can answer for one municipality or trust (domain.md), and they are some of the people who
could have answered; a GP's answer is one measurement of that GP's view. Where nearly every
organisation of a stratum answered (hospital trusts, Oslo) the one-stage formula leaves almost no
variance, and simulations showed 95 % intervals covering the true value about 75 % of the time
for trusts (docs/decisions.md).

So the default (``estimation.variance: two_stage`` in ``round.yaml``) adds the second stage, with
the respondent as secondary unit, sampled with replacement inside the organisation:

``svydesign(ids = ~org_id + respondent_key, strata = ~stratum, fpc = ~fpc + ssu_fpc,
weights = ~weight, nest = TRUE)`` with ``ssu_fpc = Inf``.

Point estimates, weights and degrees of freedom are those of methodology §1; only the variance
gains the within-organisation term, weighted by the stratum's sampling fraction ``n_h/N_h``
(R's ``survey:::multistage``; :mod:`anchoring.survey.stages`). An organisation with a single
respondent (every GP) cannot show its own spread; R's "adjust" rule takes that respondent's
deviation from the overall mean instead, which is conservative. ``estimation.variance:
one_stage`` reproduces methodology §1 exactly.
"""

from __future__ import annotations

from typing import get_args

import pandas as pd

from anchoring.analysis.estimate_rows import ORG, STRATUM, WEIGHT
from anchoring.intake.round_config import VarianceDesign
from anchoring.survey import SurveyDesign

RESPONDENT = "respondent_key"
"""The secondary sampling unit: one respondent (``source_id:respondent_id``)."""
VARIANCE_DESIGNS: tuple[str, ...] = get_args(VarianceDesign)


def round_design(data: pd.DataFrame, variance: str = "two_stage") -> SurveyDesign:
    """Build the design of a round from its scored responses.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent with ``org_id``, ``stratum``, ``fpc``, ``weight`` and (two-stage)
        ``respondent_key``. The design keeps a reference to it.
    variance : {"two_stage", "one_stage"}, default "two_stage"
        The variance design (module docstring).

    Returns
    -------
    SurveyDesign
    """
    if variance not in VARIANCE_DESIGNS:
        raise ValueError(f"variance must be one of {VARIANCE_DESIGNS}, got {variance!r}")
    second_stage = {"ssu": RESPONDENT} if variance == "two_stage" else {}
    return SurveyDesign(
        data,
        weights=WEIGHT,
        psu=ORG,
        strata=STRATUM,
        fpc="fpc",
        lonely_psu="adjust",
        **second_stage,
    )
