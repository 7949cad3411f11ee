"""Differences between groups and change between rounds, with Holm adjustment (methodology §5).

- **Gap between groups**: highest minus lowest group index of a measure, with a two-sided
  z-test of that difference. Its variance ``v_hh + v_ll − 2 v_hl`` comes from the design's
  covariance of the group estimates (zero covariance across groups, which are separate strata).
- **Change between rounds**: for each measure × group, ``Δ = est₂ − est₁`` with a normal
  interval and two-sided normal p-value. Most municipalities and trusts answer in both rounds,
  so the rounds are not independent: when both rounds' cleaned responses exist the standard
  error comes from the *stacked* design (:func:`stack_rounds`, :func:`estimate_panel_change`):
  the two rounds' rows in one design with the organisation as the common PSU, R's
  ``svyby(~index, ~round, stacked_des, svymean, covmat = TRUE)`` then
  ``svycontrast(..., c(-1, 1))`` (``method = "panel"``). The independent form
  ``sqrt(se₁² + se₂²)`` of the published standard errors is kept as ``se_independent``; it is
  the one used (``method = "independent"``) when the previous round's responses are not there.
- **Many tests**: Holm's step-down adjustment over the family of all measures × groups of one
  comparison, statsmodels' ``multipletests(method="holm")`` (Holm, not its default
  Holm–Šidák). The sector rows form their own family over measures, so the group family is
  exactly the methodology's.

The stacked design
------------------
Strata are the rounds' strata (the same frame in both rounds: a county, an RHF); PSUs are the
organisations, so a municipality or trust that answers in both rounds is *one* PSU whose two
rounds' contributions enter its total together and its own lasting position cancels from the
change. A GP is their own PSU, identified by the respondent key, which is a submission number of
the round's export and not a person: the same key in two rounds is a coincidence, so GP PSUs are
qualified by the round and never carry over (for GPs the stacked and the independent forms
agree). The stacked design has no finite population correction and no second stage: the
with-replacement ("ultimate cluster") estimator, whose PSU totals carry the respondents' spread.
An fpc would count the organisations of *both* rounds as one sample (``1 − n_union/N_h``) and
call a county where every municipality answered in one round or the other a census, although
each round is a sample of its own; without it the variance is about the independent one when the
same organisations answer again only as often as chance makes them, and smaller the more the
same organisations answer again (docs/decisions.md).

References
----------
Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian Journal
of Statistics* 6(2), 65–70.
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley, sections 2.3 (with
replacement PSUs) and 3.4 (contrasts of domain means).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special
from statsmodels.stats.multitest import multipletests

from anchoring.exceptions import DesignError
from anchoring.groups import GROUPS, SECTOR
from anchoring.schema import CHANGE
from anchoring.survey import SurveyDesign

logger = logging.getLogger(__name__)

GROUP = "group"
ORG = "org_id"
STRATUM = "stratum"
WEIGHT = "weight"
PANEL_PSU = "panel_psu"
"""The stacked design's PSU column (:func:`stack_rounds`)."""
CHANGE_METHODS: tuple[str, ...] = ("panel", "independent")
"""Values of ``change.parquet``'s ``method``: which standard error ``se`` is."""

CHANGE_COLUMNS: tuple[str, ...] = CHANGE.names
"""Columns of ``change.parquet`` (:data:`anchoring.schema.CHANGE`)."""


def two_sided_normal_p(z: np.ndarray | float) -> np.ndarray:
    """Two-sided p-value of a standard normal statistic, ``2·(1 − Φ(|z|))``."""
    return 2.0 * special.ndtr(-np.abs(np.asarray(z, dtype="float64")))  # norm.sf(|z|)


def holm_adjust(p_values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Holm-adjusted p-values over one family; NaN entries are left out of the family.

    Holm (1979) step-down adjustment by statsmodels' ``multipletests(method="holm")`` (named
    explicitly: its default is Holm–Šidák), equal to R's ``p.adjust(method = "holm")``.

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
    present = ~np.isnan(p)
    if present.any():
        adjusted[present] = multipletests(p[present], method="holm")[1]
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
    panel: pd.DataFrame | None = None,
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
    panel
        The stacked design's standard errors (:func:`estimate_panel_change`: ``measure,
        group, se``); ``None`` uses the independent form for every row.

    Returns
    -------
    pandas.DataFrame
        One row per measure × group (sector included), sorted by measure and group, with the
        columns of :data:`CHANGE_COLUMNS`. ``se`` is the stacked design's standard error
        where ``panel`` has one (``method = "panel"``), else ``se_independent``
        (``sqrt(se₁² + se₂²)``, ``method = "independent"``). A change involving a suppressed
        (absent) value is itself absent (``is_suppressed``, reason ``suppressed_in_current`` /
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
    table["se_independent"] = np.sqrt(table["se_current"] ** 2 + table["se_previous"] ** 2)
    table = _choose_se(table, panel)
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
    value_columns = ["change", "se", "se_independent", "ci_low", "ci_high", "z", "p_value"]
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
    logger.info(
        "change %s → %s: %d comparisons (%s)",
        previous_round_id,
        round_id,
        len(table),
        ", ".join(sorted(set(table["method"]))),
    )
    return table.loc[:, list(CHANGE_COLUMNS)].reset_index(drop=True)


def _choose_se(table: pd.DataFrame, panel: pd.DataFrame | None) -> pd.DataFrame:
    """``se`` and ``method``: the stacked design's where it has a value, else independent."""
    if panel is None:
        panel_se = pd.Series(np.nan, index=table.index)
    else:
        lookup = panel.set_index(["measure", "group"])["se"]
        keys = pd.MultiIndex.from_frame(table[["measure", "group"]])
        panel_se = pd.Series(lookup.reindex(keys).to_numpy(dtype="float64"), index=table.index)
    has_panel = panel_se.notna()
    table["se"] = panel_se.where(has_panel, table["se_independent"])
    table["method"] = pd.Series(
        np.where(has_panel, "panel", "independent"), index=table.index, dtype="str"
    )
    return table


def stack_rounds(
    current: pd.DataFrame, previous: pd.DataFrame, round_id: str, previous_round_id: str
) -> pd.DataFrame:
    """The two rounds' scored respondent rows in one table for the stacked design.

    Parameters
    ----------
    current, previous
        Respondent rows of each round with ``group``, ``org_id``, ``stratum``, ``weight``
        and the index columns (:func:`anchoring.analysis.scoring.score_responses`).
    round_id, previous_round_id
        The rounds, written into a ``round`` column.

    Returns
    -------
    pandas.DataFrame
        The previous round's rows, then the current round's, with ``round`` and ``panel_psu``:
        the organisation for municipalities and trusts (common to both rounds), the round and
        the respondent key for GPs (never common; module docstring).

    Raises
    ------
    DesignError
        An organisation is in different strata in the two rounds (the frames disagree).
    """
    columns = sorted(set(current.columns) & set(previous.columns))
    both = pd.concat(
        [
            previous.loc[:, columns].assign(round=previous_round_id),
            current.loc[:, columns].assign(round=round_id),
        ],
        ignore_index=True,
    )
    org = both[ORG].astype("str")
    is_gp = both[GROUP] == "gp"
    both[PANEL_PSU] = org.where(~is_gp, both["round"] + "/" + org)
    strata = both.loc[~is_gp].groupby(PANEL_PSU)[STRATUM].nunique()
    moved = sorted(strata.index[strata > 1])
    if moved:
        raise DesignError(
            f"change: organisation(s) {moved[:5]} are in different strata in rounds "
            f"{previous_round_id} and {round_id}; give both rounds the same frame."
        )
    return both


def estimate_panel_change(
    stacked: pd.DataFrame, variables: dict[str, str], round_id: str, previous_round_id: str
) -> pd.DataFrame:
    """Change per measure × group (and sector) and its standard error from the stacked design.

    Methodology §5, change between rounds: the two rounds' rows stacked with the organisation as
    the common PSU, the change as a contrast of domain means with their covariance. In R (as
    the stored back-test, ``tests/r/reference_change_raking.R``, with lonely PSUs "adjust")::

        stacked_des <- svydesign(ids = ~panel_psu, strata = ~stratum, weights = ~weight,
                                 nest = TRUE, data = stacked)
        # a group g: its current minus its previous domain mean
        svycontrast(svyby(~index, ~round, subset(stacked_des, group == g), svymean,
                          covmat = TRUE), c(-1, 1))
        # the sector: +1/3 on each group's current mean, -1/3 on each previous one
        svycontrast(svyby(~index, ~round + group, stacked_des, svymean, covmat = TRUE), w)

    Four steps, one function each: the design (:func:`_stacked_design`), per measure the
    group × round domain means and their covariance (:func:`_round_domain_means`), the contrast
    vectors of the groups and the sector (:func:`_change_contrasts`), and each contrast's value
    and standard error (:func:`_contrast`).

    Parameters
    ----------
    stacked
        :func:`stack_rounds`.
    variables
        Measure → its index column.
    round_id, previous_round_id
        The rounds (values of ``round``).

    Returns
    -------
    pandas.DataFrame
        ``measure, group, change, se``; NaN where a domain has no rows in one round.
    """
    design = _stacked_design(stacked)
    rows = []
    for measure, variable in variables.items():
        estimate, covariance, position = _round_domain_means(design, variable)
        contrasts = _change_contrasts(position, round_id, previous_round_id)
        for group, vector in contrasts.items():
            change, se = _contrast(vector, estimate, covariance)
            rows.append({"measure": measure, "group": group, "change": change, "se": se})
    return pd.DataFrame(rows, columns=["measure", "group", "change", "se"])


def _stacked_design(stacked: pd.DataFrame) -> SurveyDesign:
    """The stacked design of methodology §5: the organisations as PSUs common to both rounds.

    R's ``svydesign(ids = ~panel_psu, strata = ~stratum, weights = ~weight, nest = TRUE)``
    with lonely PSUs "adjust": no finite population correction and no second stage (the
    with-replacement estimator; the module docstring says why).
    """
    return SurveyDesign(stacked, weights=WEIGHT, psu=PANEL_PSU, strata=STRATUM, lonely_psu="adjust")


def _round_domain_means(
    design: SurveyDesign, variable: str
) -> tuple[np.ndarray, np.ndarray, dict[tuple[str, str], int]]:
    """The (group, round) domain means of one index, their covariance and each domain's place.

    R's ``svyby(~index, ~round + group, stacked_des, svymean, covmat = TRUE)`` over the rows
    with an index (methodology §5): one estimation gives the means and their design covariance,
    so an organisation's two rounds covary through its common PSU.

    Returns
    -------
    tuple
        The means, the covariance matrix (both in domain order) and ``(group, round)`` → its
        position in them; a domain without rows is absent.
    """
    table, covariance = design.mean_with_covariance(variable, by=[GROUP, "round"])
    position = {key: k for k, key in enumerate(covariance.index)}
    return (
        table["estimate"].to_numpy(dtype="float64"),
        covariance.to_numpy(dtype="float64"),
        position,
    )


def _change_contrasts(
    position: dict[tuple[str, str], int], round_id: str, previous_round_id: str
) -> dict[str, np.ndarray | None]:
    """The contrast vector of each group's and of the sector's change (methodology §5).

    A group's change is its current minus its previous domain mean (R's ``svycontrast``
    coefficients ``c(-1, 1)``); the sector's is the change of the equal-weight mean of the
    three groups (±1/3 on each group's two means, as the sector index of §3). A vector is
    ``None`` when one of its domains has no rows in a round.
    """
    targets = {g: {g: 1.0} for g in GROUPS} | {SECTOR: dict.fromkeys(GROUPS, 1 / 3)}
    contrasts: dict[str, np.ndarray | None] = {}
    for target, coefficients in targets.items():
        vector = np.zeros(len(position))
        for group, coefficient in coefficients.items():
            now, before = (group, round_id), (group, previous_round_id)
            if now not in position or before not in position:
                vector = None
                break
            vector[position[now]] += coefficient
            vector[position[before]] -= coefficient
        contrasts[target] = vector
    return contrasts


def _contrast(
    vector: np.ndarray | None, estimate: np.ndarray, covariance: np.ndarray
) -> tuple[float, float]:
    """A contrast ``c'θ`` and its standard error ``sqrt(c' V c)``, as R's ``svycontrast``.

    NaN for both when the contrast cannot be formed (``vector`` is ``None``) or a mean in it is
    missing.
    """
    if vector is None:
        return np.nan, np.nan
    change = float(vector @ estimate)
    if np.isnan(change):
        return change, np.nan
    return change, float(np.sqrt(float(vector @ covariance @ vector)))


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
