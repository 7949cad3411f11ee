"""Differences between groups and change between rounds, with Holm adjustment (methodology §5).

- **Gap between groups**: highest minus lowest group index of a measure, with a two-sided
  z-test of that difference. Its variance ``v_hh + v_ll − 2 v_hl`` comes from the design's
  covariance of the group estimates (zero covariance across groups, which are separate strata).
- **Change between rounds**: for each measure × group, ``Δ = est₂ − est₁``,
  ``se = sqrt(se₁² + se₂²)`` (independent samples; conservative when the same organisations
  answer again), normal interval and two-sided normal p-value.
- **Many tests**: Holm's step-down adjustment over the family of all measures × groups of one
  comparison (Holm, not statsmodels' default Holm–Šidák). The sector rows form their own family
  over measures, so the group family is exactly the methodology's. The adjustment is the four
  array operations of R's ``p.adjust(method = "holm")``; importing
  ``statsmodels.stats.multitest`` for them cost every run about a second (it imports
  ``scipy.stats``). Tests check it against R's ``p.adjust`` and against
  ``multipletests(method="holm")`` on random families with ties.

References
----------
Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian Journal
of Statistics* 6(2), 65–70.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special

from anchoring.exceptions import DesignError
from anchoring.groups import GROUPS, SECTOR

logger = logging.getLogger(__name__)

CHANGE_COLUMNS: tuple[str, ...] = (
    "round_id",
    "previous_round_id",
    "measure",
    "group",
    "dimension",
    "statistic",
    "estimate_previous",
    "se_previous",
    "estimate_current",
    "se_current",
    "change",
    "se",
    "ci_low",
    "ci_high",
    "z",
    "p_value",
    "holm_family",
    "p_value_holm",
    "is_suppressed",
    "suppression_reason",
)


def two_sided_normal_p(z: np.ndarray | float) -> np.ndarray:
    """Two-sided p-value of a standard normal statistic, ``2·(1 − Φ(|z|))``."""
    return 2.0 * special.ndtr(-np.abs(np.asarray(z, dtype="float64")))  # norm.sf(|z|)


def holm_adjust(p_values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Holm-adjusted p-values over one family; NaN entries are left out of the family.

    Holm (1979): with the ``m`` p-values of the family sorted, ``p₍₁₎ ≤ … ≤ p₍ₘ₎``, the adjusted
    value of ``p₍ᵢ₎`` is ``min(1, maxⱼ≤ᵢ (m − j + 1)·p₍ⱼ₎)``, as R's
    ``pmin(1, cummax((n - i + 1L) * p[o]))[ro]`` in ``p.adjust(method = "holm")``. Tied
    p-values get equal adjusted values whatever their order.

    Parameters
    ----------
    p_values
        Unadjusted p-values of the family (NaN for a test that was not made, e.g. suppressed).

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, NaN where the input is NaN.
    """
    p = np.asarray(p_values, dtype="float64")
    adjusted = np.full_like(p, np.nan)
    present = np.flatnonzero(~np.isnan(p))
    order = present[np.argsort(p[present], kind="stable")]
    steps = np.arange(order.size, 0, -1, dtype="float64")  # m, m − 1, …, 1
    adjusted[order] = np.minimum(np.maximum.accumulate(steps * p[order]), 1.0)
    return adjusted


def estimate_gap(
    groups: pd.DataFrame, covariance: np.ndarray | None = None, level: float = 0.95
) -> dict[str, float | str]:
    """The gap between the highest and the lowest group estimate and its z-test.

    Parameters
    ----------
    groups
        One row per group, in the order of ``covariance``: columns ``group``, ``estimate``,
        ``se``. Groups with a missing estimate are ignored.
    covariance
        Design covariance matrix of the group estimates (``SurveyDesign`` domain covariance);
        ``None`` means independent groups (``diag(se²)``), which holds when groups are separate
        strata.
    level
        Confidence level of the normal interval.

    Returns
    -------
    dict
        ``estimate`` (highest − lowest), ``se``, ``ci_low``, ``ci_high``, ``z``, ``p_value`` and
        ``contrast`` (``"<highest> - <lowest>"``); NaN values if fewer than two groups.
    """
    estimates = groups["estimate"].to_numpy(dtype="float64")
    se = groups["se"].to_numpy(dtype="float64")
    if covariance is None:
        covariance = np.diag(se**2)
    covariance = np.asarray(covariance, dtype="float64")
    if covariance.shape != (len(groups), len(groups)):
        raise DesignError("estimate_gap: covariance must be groups × groups.")
    present = np.flatnonzero(~np.isnan(estimates))
    if len(present) < 2:
        nan = float("nan")
        return {
            "estimate": nan,
            "se": nan,
            "ci_low": nan,
            "ci_high": nan,
            "z": nan,
            "p_value": nan,
            "contrast": "",
        }
    high = present[np.argmax(estimates[present])]
    low = present[np.argmin(estimates[present])]
    gap = float(estimates[high] - estimates[low])
    variance = covariance[high, high] + covariance[low, low] - 2.0 * covariance[high, low]
    gap_se = float(np.sqrt(max(variance, 0.0)))
    z_crit = special.ndtri(0.5 + level / 2.0)
    z = gap / gap_se if gap_se > 0 else float("nan")
    labels = groups["group"].to_numpy()
    return {
        "estimate": gap,
        "se": gap_se,
        "ci_low": gap - z_crit * gap_se,
        "ci_high": gap + z_crit * gap_se,
        "z": z,
        "p_value": float(two_sided_normal_p(z)),
        "contrast": f"{labels[high]} - {labels[low]}",
    }


def estimate_change(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    round_id: str,
    previous_round_id: str,
    level: float = 0.95,
) -> pd.DataFrame:
    """Change of the anchoring index per measure × group between two rounds, Holm-adjusted.

    Parameters
    ----------
    current, previous
        Suppressed tidy estimates of the two rounds (``estimates.parquet``). Only the
        overall index means (``breakdown == ""``, ``dimension == "index"``,
        ``statistic == "mean"``) of the groups and the sector are compared; measures present
        in only one round are left out.
    round_id, previous_round_id
        The two rounds.
    level
        Confidence level of the normal interval of Δ.

    Returns
    -------
    pandas.DataFrame
        One row per measure × group (sector included), sorted by measure and group, with the
        columns of :data:`CHANGE_COLUMNS`. A change involving a suppressed (absent) value is
        itself absent (``is_suppressed``, reason ``suppressed_in_current`` /
        ``suppressed_in_previous``) and not part of the Holm family. ``holm_family`` is
        ``groups`` or ``sector``.
    """
    keys = ["measure", "group"]
    now = _index_means(current).rename(columns={"estimate": "estimate_current", "se": "se_current"})
    before = _index_means(previous).rename(
        columns={"estimate": "estimate_previous", "se": "se_previous"}
    )
    table = now.merge(before, on=keys, how="inner")
    table["change"] = table["estimate_current"] - table["estimate_previous"]
    table["se"] = np.sqrt(table["se_current"] ** 2 + table["se_previous"] ** 2)
    z_crit = special.ndtri(0.5 + level / 2.0)
    table["ci_low"] = table["change"] - z_crit * table["se"]
    table["ci_high"] = table["change"] + z_crit * table["se"]
    with np.errstate(divide="ignore", invalid="ignore"):
        table["z"] = table["change"] / table["se"]
    table["p_value"] = two_sided_normal_p(table["z"].to_numpy())
    reason = np.where(
        table["estimate_current"].isna(),
        "suppressed_in_current",
        np.where(table["estimate_previous"].isna(), "suppressed_in_previous", ""),
    )
    table["suppression_reason"] = pd.Series(reason, index=table.index, dtype="str")
    table["is_suppressed"] = table["suppression_reason"] != ""
    value_columns = ["change", "se", "ci_low", "ci_high", "z", "p_value"]
    table[value_columns] = table[value_columns].mask(table["is_suppressed"], np.nan)
    table["holm_family"] = np.where(table["group"] == SECTOR, "sector", "groups")
    table["p_value_holm"] = np.nan
    for family in ("groups", "sector"):
        rows = table["holm_family"] == family
        table.loc[rows, "p_value_holm"] = holm_adjust(table.loc[rows, "p_value"].to_numpy())
    table["round_id"] = round_id
    table["previous_round_id"] = previous_round_id
    table["dimension"] = "index"
    table["statistic"] = "mean"
    table = table.sort_values(keys, kind="mergesort")
    logger.info("change %s → %s: %d comparisons", previous_round_id, round_id, len(table))
    return table.loc[:, list(CHANGE_COLUMNS)].reset_index(drop=True)


def _index_means(estimates: pd.DataFrame) -> pd.DataFrame:
    rows = estimates[
        (estimates["breakdown"] == "")
        & (estimates["dimension"] == "index")
        & (estimates["statistic"] == "mean")
        & estimates["group"].isin((*GROUPS, SECTOR))
    ]
    return rows.loc[:, ["measure", "group", "estimate", "se"]].astype(
        {"estimate": "float64", "se": "float64"}
    )
