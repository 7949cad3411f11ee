"""The answer distribution behind the diverging bars: disagree, neutral, agree and «Vet ikke».

The analysis stage publishes, per measure × group × dimension, the share agreeing (4–5 on the
scored item, among substantive answers) and the share answering «Vet ikke» (among all who answered
the item). A diverging bar also needs the split of the rest into disagreeing (1–2) and neutral (3),
so this module takes the weighted category shares of the scored items with the analysis stage's
own functions (:func:`anchoring.scoring.score_responses`, reverse keys applied, and
:func:`anchoring.consensus.weighted_category_shares`, i.e. ``svymean(~factor(y))`` by group), the
same point estimates the consensus measures are built from. Nothing is plotted for a group whose
estimates are suppressed; «Vet ikke» is taken from the published estimates.
"""

from __future__ import annotations

import pandas as pd

from anchoring.consensus import weighted_category_shares
from anchoring.groups import GROUPS
from anchoring.instrument import SCALE_POINTS
from anchoring.report.inputs import Report
from anchoring.scoring import score_column, score_responses

CATEGORIES: tuple[str, ...] = ("disagree", "neutral", "agree")
"""Collapsed categories of the scored item: 1–2, 3, 4–5."""

COLUMNS: tuple[str, ...] = ("group", "dimension", "is_shown", *CATEGORIES, "dont_know")
"""Columns of :func:`answer_distribution`."""


def answer_distribution(report: Report, measure: str) -> pd.DataFrame:
    """Shares disagreeing, neutral and agreeing (sum 1) and «Vet ikke» per group and dimension.

    Parameters
    ----------
    report
        The loaded round (needs its cleaned responses).
    measure
        The measure.

    Returns
    -------
    pandas.DataFrame
        One row per group × dimension in instrument order, columns :data:`COLUMNS`; the shares
        are missing and ``is_shown`` is false where the published estimate is suppressed or
        absent.
    """
    responses = report.responses
    rows = []
    scored = None
    if responses is not None and not responses.empty:
        scored = score_responses(responses, report.instrument, [measure])
        scored["group"] = responses["group"].to_numpy()
        scored["weight"] = responses["weight"].to_numpy()
    for dimension in report.instrument.dimension_ids:
        item = f"{measure}__{dimension}"
        shares = None
        if scored is not None:
            shares = weighted_category_shares(
                scored, score_column(item), "weight", ["group"], SCALE_POINTS
            )
        for group in GROUPS:
            rows.append(_row(report, measure, group, dimension, shares))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _row(report: Report, measure: str, group: str, dimension: str, shares) -> dict:
    agree = report.estimates.get(measure, group, "agree_share", dimension)
    dont_know = report.estimates.get(measure, group, "dont_know_share", dimension)
    index = report.estimates.get(measure, group, "mean")
    shown = all(e is not None and e.is_shown for e in (agree, index))
    row = {"group": group, "dimension": dimension, "is_shown": False}
    row.update(dict.fromkeys((*CATEGORIES, "dont_know")))
    if not shown or shares is None or group not in shares.index:
        return row
    p = shares.loc[group]
    row.update(
        is_shown=True,
        disagree=float(p[1] + p[2]),
        neutral=float(p[3]),
        agree=float(p[4] + p[5]),
        dont_know=dont_know.estimate if dont_know is not None and dont_know.is_shown else None,
    )
    return row
