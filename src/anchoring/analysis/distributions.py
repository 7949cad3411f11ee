"""The answer distribution of every item per group: ``distributions.parquet`` (the diverging bars).

``estimates.parquet`` carries, per measure × group × dimension, the share agreeing (4–5 on the
scored item, among substantive answers) and the share answering «Vet ikke». The report's
diverging bars also need the split of the rest into disagreeing (1–2) and neutral (3); this
module publishes the three, the design-weighted category shares of the scored item (reverse keys
applied) by group, :func:`anchoring.analysis.consensus.weighted_category_shares` (R's
``svymean(~factor(y), na.rm = TRUE)`` by group): the same point estimates the consensus
measures are built from, with the round's final weights (raked when the round is). ``dont_know``
is the published ``dont_know_share``; ``n`` and ``n_orgs`` are those of the item's
``agree_share`` (the same respondents). Suppression:
:func:`anchoring.analysis.suppression.suppress_distributions`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from anchoring.analysis.consensus import weighted_category_shares
from anchoring.analysis.estimate_rows import GROUP, GROUPS, WEIGHT
from anchoring.analysis.scoring import score_column
from anchoring.instrument import SCALE_POINTS, Instrument
from anchoring.schema import DISTRIBUTIONS

DISTRIBUTIONS_FILE = DISTRIBUTIONS.file
CATEGORIES: dict[str, tuple[int, ...]] = {
    "disagree": (1, 2),
    "neutral": (3,),
    "agree": (4, 5),
}
"""The collapsed categories of the scored item and the scale points each holds."""


def estimate_distributions(
    data: pd.DataFrame, instrument: Instrument, measures: Sequence[str], estimates: pd.DataFrame
) -> pd.DataFrame:
    """The disagree, neutral and agree shares and «Vet ikke» of every item per group.

    Parameters
    ----------
    data
        The round's respondent rows: ``group``, ``weight`` (the round's final weights) and the
        scored items (:func:`anchoring.analysis.scoring.score_responses`).
    instrument, measures
        The instrument and the round's measures.
    estimates
        The round's estimates (``estimates.parquet`` rows): ``dont_know`` and the counts are
        taken from them.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`anchoring.schema.DISTRIBUTIONS` (``round_id`` from
        ``estimates``, suppression not yet applied: ``is_suppressed`` false), one row per
        measure × group × dimension in round, group and instrument order; the shares are null
        for a group without a substantive answer.
    """
    published = estimates[estimates["breakdown"] == ""].set_index(
        ["measure", "group", "dimension", "statistic"]
    )
    round_id = str(estimates["round_id"].iloc[0]) if len(estimates) else ""
    rows = []
    for measure in measures:
        for dimension in instrument.dimension_ids:
            column = score_column(f"{measure}__{dimension}")
            shares = weighted_category_shares(data, column, WEIGHT, [GROUP], SCALE_POINTS)
            for group in GROUPS:
                share = shares.loc[group] if group in shares.index else None
                keys = {"measure": measure, "group": group, "dimension": dimension}
                rows.append({"round_id": round_id, **keys, **_values(share, published, keys)})
    table = pd.DataFrame(rows, columns=list(DISTRIBUTIONS.names))
    table["is_suppressed"] = False
    table["suppression_reason"] = ""
    return DISTRIBUTIONS.conform(table)


def _values(share: pd.Series | None, published: pd.DataFrame, keys: dict[str, str]) -> dict:
    values = {
        name: float(sum(share[p] for p in points)) if share is not None else np.nan
        for name, points in CATEGORIES.items()
    }
    key = (keys["measure"], keys["group"], keys["dimension"])
    dont_know = _published(published, (*key, "dont_know_share"))
    agree = _published(published, (*key, "agree_share"))
    values["dont_know"] = np.nan if dont_know is None else dont_know["estimate"]
    values["n"] = 0 if agree is None else int(agree["n"])
    values["n_orgs"] = 0 if agree is None else int(agree["n_orgs"])
    return values


def _published(published: pd.DataFrame, key: tuple[str, ...]) -> pd.Series | None:
    return published.loc[key] if key in published.index else None
