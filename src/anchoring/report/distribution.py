"""The answer distribution behind the diverging bars: disagree, neutral, agree and «Vet ikke».

The analysis stage publishes, per measure × group × dimension, the shares disagreeing (1–2 on
the scored item), neutral (3) and agreeing (4–5) among substantive answers and the share
answering «Vet ikke» (``distributions.parquet``, :mod:`anchoring.analysis.distributions`),
suppressed with the item's agree share and the group's index. This module only selects a
measure's rows: the report draws published numbers and computes nothing.
"""

from __future__ import annotations

import pandas as pd

from anchoring.report.inputs import Report

CATEGORIES: tuple[str, ...] = ("disagree", "neutral", "agree")
"""Collapsed categories of the scored item: 1–2, 3, 4–5."""

COLUMNS: tuple[str, ...] = ("group", "dimension", "is_shown", *CATEGORIES, "dont_know")
"""Columns of :func:`answer_distribution`."""


def answer_distribution(report: Report, measure: str) -> pd.DataFrame:
    """Shares disagreeing, neutral and agreeing (sum 1) and «Vet ikke» per group and dimension.

    Parameters
    ----------
    report
        The loaded round (its published ``distributions.parquet``).
    measure
        The measure.

    Returns
    -------
    pandas.DataFrame
        One row per group × dimension in the published (group, instrument) order, columns
        :data:`COLUMNS`; the shares are missing and ``is_shown`` is false where the
        distribution is suppressed or has no answers. Empty when the round has no published
        distributions.
    """
    table = report.distributions
    if table is None:
        return pd.DataFrame(columns=list(COLUMNS))
    rows = table[table["measure"] == measure].reset_index(drop=True)
    shown = ~rows["is_suppressed"].astype(bool) & rows[list(CATEGORIES)].notna().all(axis=1)
    result = rows.loc[:, ["group", "dimension"]].assign(is_shown=shown.to_numpy())
    for column in (*CATEGORIES, "dont_know"):
        result[column] = rows[column].astype("float64").where(shown)
    return result.loc[:, list(COLUMNS)]
