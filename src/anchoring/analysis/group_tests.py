"""Do the groups differ? The Wald test of equal group means and the pairwise contrasts (§5).

Picking the highest and the lowest group after seeing them and z-testing their difference
rejects 11–12 % of the time at a nominal 5 % (issue 15). Instead, per measure:

1. **The test of equal groups** (``test = "groups_equal"``): the design-based regression of the
   index on the group, ``svyglm(index ~ group, des)``, and the Wald test that both group
   coefficients are zero, ``regTermTest(model, ~group, method = "Wald")``: ``F`` on ``df = 2``
   and the model's ``ddf = degf + 1 − p`` degrees of freedom
   (:meth:`anchoring.survey.SurveyDesign.glm`). Holm-adjusted over the measures of the round
   (``holm_family = "measures"``).
2. **The pairwise contrasts** (``test = "pair"``): for each pair of groups the difference of
   their means from the same model, ``svycontrast(model, c)``, its t interval and test on the
   model's ``ddf`` (``F = t²`` on 1 and ``ddf``). Holm-adjusted over the three pairs of the
   measure (``holm_family`` = the measure id). A pair counts as significant only when its
   measure's test of equal groups is significant too (a gatekeeping order: the pairs are looked
   at only for a measure whose groups differ at all, which keeps the chance of calling any
   difference in any measure by accident at the level).
3. **The finding** (:func:`summarise_group_findings`): a group *lags* (or *leads*) when its
   contrasts with both other groups are significant and it is below (above) both; the groups
   *differ* when the contrast between the highest and the lowest group is significant.

The group means of ``index ~ group`` are the domain means of
:meth:`~anchoring.survey.SurveyDesign.mean` and the model's covariance is theirs (a saturated
model; ``tests/test_analysis.py`` checks the identity), so the contrasts use the same variance
as the published group intervals.

References
----------
Lumley T, Scott A (2014). Tests for regression models fitted to survey data. *Australian and New
Zealand Journal of Statistics* 56, 1–14.
Holm S (1979). A simple sequentially rejective multiple test procedure. *Scandinavian Journal of
Statistics* 6, 65–70.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy import special

from anchoring.analysis.estimate_rows import GROUP, RoundData
from anchoring.analysis.parquet_tables import GROUP_TEST_COLUMNS, order_group_tests
from anchoring.analysis.scoring import index_column
from anchoring.groups import GROUPS

GROUPS_EQUAL = "groups_equal"
PAIR = "pair"
MEASURES_FAMILY = "measures"
PAIRS: tuple[tuple[str, str], ...] = tuple(itertools.combinations(GROUPS, 2))
"""The pairs of groups, each as ``(first, second)`` for the contrast ``first - second``."""
FINDING_COLUMNS: tuple[str, ...] = (
    "measure",
    "group_test_p_value_holm",
    "has_group_difference",
    "lagging_group",
    "leading_group",
)


def estimate_group_tests(round_data: RoundData) -> pd.DataFrame:
    """Wald test of equal group means of the index and the pairwise contrasts, per measure.

    Parameters
    ----------
    round_data
        The round's design and scored rows (``index_<measure>`` columns).

    Returns
    -------
    pandas.DataFrame
        Rows of ``group_tests.parquet`` without ``round_id`` and before suppression and Holm's
        adjustment (``holm_family`` set, ``p_value_holm`` null, ``is_significant`` False):
        per measure one ``groups_equal`` row and one ``pair`` row per pair of groups. A
        measure with fewer than two groups answering has null values.
    """
    variables = [index_column(m) for m in round_data.measures]
    orgs = round_data.org_counts(variables, [GROUP])
    rows = []
    for measure, variable in zip(round_data.measures, variables, strict=True):
        rows += _measure_tests(round_data, measure, variable, orgs[variable])
    columns = [c for c in GROUP_TEST_COLUMNS if c != "round_id"]
    table = pd.DataFrame(rows).reindex(columns=columns)
    table["is_significant"] = False
    table["is_suppressed"] = False
    table["suppression_reason"] = ""
    return table


def _measure_tests(
    round_data: RoundData, measure: str, variable: str, orgs: dict[object, int]
) -> list[dict]:
    """The test of equal groups and the three pairs of one measure."""
    answered = round_data.data.loc[round_data.data[variable].notna(), GROUP]
    n = {g: int(c) for g, c in answered.value_counts().items()}
    present = [g for g in GROUPS if n.get(g, 0) > 0]
    base = {"measure": measure, "n": sum(n.values()), "n_orgs": sum(orgs.values())}
    overall = {**base, "test": GROUPS_EQUAL, "contrast": "", "holm_family": MEASURES_FAMILY}
    pairs = [
        {
            "measure": measure,
            "test": PAIR,
            "contrast": f"{a} - {b}",
            "holm_family": measure,
            "n": n.get(a, 0) + n.get(b, 0),
            "n_orgs": orgs.get(a, 0) + orgs.get(b, 0),
        }
        for a, b in PAIRS
    ]
    if len(present) < 2:
        return [overall, *pairs]
    model = round_data.design.glm(f"{variable} ~ {GROUP}", level=round_data.level)
    wald = model.wald_test(GROUP)
    overall.update(f=wald["F"], df=wald["df"], ddf=wald["ddf"], p_value=wald["p"])
    names = model.coefficients["term"].tolist()
    beta = model.coefficients["estimate"].to_numpy()
    covariance = model.covariance.loc[names, names].to_numpy()
    for row, (a, b) in zip(pairs, PAIRS, strict=True):
        if a in present and b in present:
            vector = _group_vector(names, a) - _group_vector(names, b)
            row.update(_contrast(vector, beta, covariance, model.df, round_data.level))
    return [overall, *pairs]


def _group_vector(names: list[str], group: str) -> np.ndarray:
    """Coefficients giving a group's mean in ``index ~ group`` (treatment coding)."""
    vector = np.zeros(len(names))
    vector[names.index("Intercept")] = 1.0
    term = f"{GROUP}[T.{group}]"
    if term in names:
        vector[names.index(term)] = 1.0
    return vector


def _contrast(
    vector: np.ndarray, beta: np.ndarray, covariance: np.ndarray, ddf: int, level: float
) -> dict[str, float]:
    """A contrast ``c'b`` of the coefficients with its t interval and test on ``ddf``.

    R: ``svycontrast(model, c)``, ``confint(..., df = model$df.residual)`` and
    ``regTermTest``'s ``pf(t², 1, ddf, lower.tail = FALSE)``.
    """
    estimate = float(vector @ beta)
    se = float(np.sqrt(max(vector @ covariance @ vector, 0.0)))
    t_crit = special.stdtrit(ddf, 0.5 + level / 2.0) if ddf > 0 else np.nan
    f = (estimate / se) ** 2 if se > 0 else np.nan
    p_value = special.fdtrc(1, ddf, f) if ddf > 0 and se > 0 else np.nan
    return {
        "estimate": estimate,
        "se": se,
        "ci_low": estimate - t_crit * se,
        "ci_high": estimate + t_crit * se,
        "f": f,
        "df": 1,
        "ddf": ddf,
        "p_value": float(p_value),
    }


def adjust_group_tests(tests: pd.DataFrame, round_id: str, level: float) -> pd.DataFrame:
    """Holm-adjust the (suppressed) tests in their families and mark the significant ones.

    Holm's step-down adjustment (statsmodels ``multipletests(method="holm")``, R's
    ``p.adjust(method = "holm")``) over the shown tests of each ``holm_family``: the tests of
    equal groups over the measures, the pairs within their measure. A test of equal groups is
    significant when its adjusted p-value is below ``1 − level``; a pair when its adjusted
    p-value is and its measure's test of equal groups is significant.

    Parameters
    ----------
    tests
        :func:`estimate_group_tests` after
        :func:`anchoring.analysis.suppression.suppress_group_tests`.
    round_id
        The round.
    level
        The confidence level of the round (``estimation.level``); ``alpha = 1 − level``.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`~anchoring.analysis.parquet_tables.GROUP_TEST_COLUMNS`, sorted.
    """
    from statsmodels.stats.multitest import multipletests  # ~1 s import: only when used

    alpha = 1.0 - level
    table = tests.assign(round_id=round_id)
    table["p_value_holm"] = np.nan
    for _, rows in table.groupby("holm_family", sort=True):
        valid = rows.index[rows["p_value"].notna()]
        if len(valid):
            adjusted = multipletests(table.loc[valid, "p_value"].to_numpy(), method="holm")[1]
            table.loc[valid, "p_value_holm"] = adjusted
    below = (table["p_value_holm"] < alpha).to_numpy()
    overall = table["test"] == GROUPS_EQUAL
    differ = set(table.loc[overall & below, "measure"])
    table["is_significant"] = below & (overall | table["measure"].isin(differ)).to_numpy()
    return order_group_tests(table.loc[:, list(GROUP_TEST_COLUMNS)])


def summarise_group_findings(tests: pd.DataFrame) -> pd.DataFrame:
    """Per measure: the adjusted test of equal groups, and which group lags or leads.

    A group lags (leads) when its contrasts with both other groups are significant
    (:func:`adjust_group_tests`) and it is below (above) both. The groups differ
    (``has_group_difference``) when the contrast between the highest and the lowest group
    is significant.

    Parameters
    ----------
    tests
        ``group_tests.parquet`` rows (:func:`adjust_group_tests`).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`FINDING_COLUMNS`, one row per measure; ``lagging_group`` and
        ``leading_group`` are a group id or ``""``.
    """
    rows = []
    for measure, cells in tests.groupby("measure", sort=False):
        overall = cells[cells["test"] == GROUPS_EQUAL]
        pairs = cells[(cells["test"] == PAIR) & cells["estimate"].notna()]
        above, significant = _pair_relations(pairs)
        lagging = [g for g in GROUPS if _beats(significant, above, g, lower=True)]
        leading = [g for g in GROUPS if _beats(significant, above, g, lower=False)]
        wins = {g: sum(above.get((g, o), False) for o in GROUPS if o != g) for g in GROUPS}
        high, low = max(GROUPS, key=wins.get), min(GROUPS, key=wins.get)
        rows.append(
            {
                "measure": measure,
                "group_test_p_value_holm": float(overall["p_value_holm"].iloc[0]),
                "has_group_difference": bool(significant.get((high, low), False)),
                "lagging_group": lagging[0] if lagging else "",
                "leading_group": leading[0] if leading else "",
            }
        )
    return pd.DataFrame(rows, columns=list(FINDING_COLUMNS))


def _pair_relations(pairs: pd.DataFrame) -> tuple[dict, dict]:
    """``(a, b) → a is above b`` and ``(a, b) → the pair is significant``, both orders."""
    above: dict[tuple[str, str], bool] = {}
    significant: dict[tuple[str, str], bool] = {}
    for row in pairs.itertuples(index=False):
        a, b = str(row.contrast).split(" - ")
        above[(a, b)], above[(b, a)] = row.estimate > 0, row.estimate < 0
        significant[(a, b)] = significant[(b, a)] = bool(row.is_significant)
    return above, significant


def _beats(significant: dict, above: dict, group: str, *, lower: bool) -> bool:
    """The group differs significantly from both others, below (``lower``) or above both."""
    others = [g for g in GROUPS if g != group]
    return all(
        significant.get((group, o), False) and above.get((o, group) if lower else (group, o), False)
        for o in others
    )
