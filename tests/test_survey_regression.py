"""Tests of SurveyDesign.glm (design-based GLMs, R's svyglm) and its Wald tests (regTermTest).

Every reference number comes from ``tests/results/survey_reference.csv``, written by
``Rscript tests/r/reference_survey.R`` with the R call beside it: ``coef``, ``SE``,
``confint`` (t on ``df.residual``) and the p-values of ``summary(svyglm(...))``, and the ``F``,
``df``, ``ddf`` and ``p`` of ``regTermTest(model, ~term, method = "Wald")``. The designs are
those of ``tests/test_survey.py``: the published api examples (stratified, one-stage cluster,
two-stage cluster with missing ``enroll``) and the synthetic round with a lonely PSU, census
strata and missing items, one- and two-stage and raked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from anchoring.survey import SurveyDesign
from anchoring.survey.regression import GlmResult

TESTS = Path(__file__).resolve().parent
REFERENCE = pd.read_csv(
    TESTS / "results" / "survey_reference.csv", dtype=str, keep_default_na=False
)
ESTIMATE_TOLERANCE = 1e-8
# R's glm stops IRLS at a relative deviance change of 1e-8 (statsmodels here at 1e-12), and
# the brief's tolerance for standard errors, limits and test statistics is 1e-6.
SE_TOLERANCE = 1e-6
STRAT = pd.read_csv(TESTS / "data" / "apistrat.csv")
CLUS1 = pd.read_csv(TESTS / "data" / "apiclus1.csv")
CLUS2 = pd.read_csv(TESTS / "data" / "apiclus2.csv")
CASES = pd.read_csv(TESTS / "data" / "design_cases.csv")
CASES_MARGINS = {
    "group": {"gp": 470, "hospital": 13, "municipality": 26},
    "role": {"leader": 189, "staff": 320},
}


def _strat() -> SurveyDesign:
    # R: svydesign(id = ~1, strata = ~stype, weights = ~pw, data = strat, fpc = ~fpc)
    return SurveyDesign(STRAT, weights="pw", strata="stype", fpc="fpc")


def _clus1() -> SurveyDesign:
    # R: svydesign(id = ~dnum, weights = ~pw, data = clus1, fpc = ~fpc)
    return SurveyDesign(CLUS1, weights="pw", psu="dnum", fpc="fpc")


def _clus2() -> SurveyDesign:
    # R: svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, weights = ~pw, data = clus2)
    return SurveyDesign(CLUS2, weights="pw", psu="dnum", fpc="fpc1", ssu="snum", ssu_fpc="fpc2")


def _cases(**options) -> SurveyDesign:
    # R: svydesign(ids = ~psu, strata = ~stratum, fpc = ~fpc, weights = ~weight, nest = TRUE)
    keywords = {"weights": "weight", "psu": "psu", "strata": "stratum", "fpc": "fpc"}
    return SurveyDesign(CASES, **(keywords | options))


def _cases2() -> SurveyDesign:
    # R: svydesign(ids = ~psu + ssu, strata = ~stratum, fpc = ~fpc + ssu_fpc, ...)
    return _cases(ssu="ssu", ssu_fpc="ssu_fpc")


# case -> (design, formula, family, the terms R tested with regTermTest)
MODELS: dict[str, tuple[Callable[[], SurveyDesign], str, str, tuple[str, ...]]] = {
    "apistrat_glm_api00": (_strat, "api00 ~ api99 + stype", "gaussian", ("stype",)),
    "apistrat_glm_sch_wide_yes": (
        _strat,
        "sch_wide_yes ~ api99 + stype",
        "binomial",
        ("stype",),
    ),
    "apiclus1_glm_api00": (_clus1, "api00 ~ enroll + stype", "gaussian", ("stype",)),
    "apiclus1_glm_sch_wide_yes": (_clus1, "sch_wide_yes ~ api99", "binomial", ("api99",)),
    "apiclus2_glm_api00": (_clus2, "api00 ~ enroll + stype", "gaussian", ("stype",)),
    "cases_glm_index_group": (_cases, "index ~ group", "gaussian", ("group",)),
    "cases_glm_index_group_role": (_cases, "index ~ group + role", "gaussian", ("group", "role")),
    "cases_glm_agree": (_cases, "agree ~ group + item_a", "binomial", ("group", "item_a")),
    "cases2_glm_index_group": (_cases2, "index ~ group", "gaussian", ("group",)),
    "cases2_glm_agree": (_cases2, "agree ~ group + item_a", "binomial", ("group",)),
    "cases_raked_glm_index_group": (
        lambda: _cases().rake(CASES_MARGINS),
        "index ~ group",
        "gaussian",
        ("group",),
    ),
}


def _r_name(term: str) -> str:
    """Return R's name of a coefficient: ``Intercept`` → ``(Intercept)``, ``g[T.a]`` → ``ga``."""
    if term == "Intercept":
        return "(Intercept)"
    return re.sub(r"^(.*)\[T\.(.*)\]$", r"\1\2", term)


def _fit(case: str) -> GlmResult:
    design, formula, family, _ = MODELS[case]
    return design().glm(formula, family=family)


def _expected(case: str) -> pd.DataFrame:
    rows = REFERENCE[REFERENCE["case"] == case]
    assert len(rows), f"no reference numbers for {case}"
    return rows


def test_every_regression_case_is_checked() -> None:
    cases = {case for case in REFERENCE["case"] if "_glm_" in case}
    assert cases == set(MODELS) | {f"{case}_wald" for case in MODELS}


@pytest.mark.parametrize("case", sorted(MODELS))
def test_coefficients_match_r_svyglm(case: str) -> None:
    table = _fit(case).coefficients
    ours = table.assign(term=table["term"].map(_r_name)).set_index("term")
    expected = _expected(case)
    assert set(ours.index) == set(expected["domain"]), case
    for term, quantity, value, call in expected[["domain", "quantity", "value", "call"]].values:
        tolerance = ESTIMATE_TOLERANCE if quantity in ("estimate", "df") else SE_TOLERANCE
        assert ours.loc[term, quantity] == pytest.approx(float(value), rel=tolerance), (
            f"{case} {term} {quantity}: R {call}"
        )


@pytest.mark.parametrize("case", sorted(MODELS))
def test_wald_tests_match_r_regtermtest(case: str) -> None:
    result = _fit(case)
    expected = _expected(f"{case}_wald")
    assert set(expected["domain"]) == set(MODELS[case][3])
    for term, quantity, value, call in expected[["domain", "quantity", "value", "call"]].values:
        ours = result.wald_test(term)
        tolerance = 0 if quantity in ("df", "ddf") else SE_TOLERANCE
        assert ours[quantity] == pytest.approx(float(value), rel=tolerance), (
            f"{case} {term} {quantity}: R {call}"
        )


def test_wald_denominator_df_is_the_models_residual_df() -> None:
    # survey 4.1.1's regTermTest takes ddf = model$df.residual = degf + 1 - p, not
    # degf - (the term's df): PSUs minus strata among the 98 complete rows of
    # design_cases, plus one, minus the three coefficients.
    result = _fit("cases_glm_index_group")
    complete = CASES.dropna(subset=["index"])
    degf = complete["psu"].str.cat(complete["stratum"]).nunique() - complete["stratum"].nunique()
    assert result.df == degf + 1 - 3
    assert result.wald_test("group")["ddf"] == result.df


def test_terms_are_named_as_statsmodels_names_them() -> None:
    result = _fit("cases_glm_index_group_role")
    assert result.terms == {
        "Intercept": ["Intercept"],
        "group": ["group[T.hospital]", "group[T.municipality]"],
        "role": ["role[T.staff]"],
    }
    assert list(result.coefficients.columns) == [
        "term",
        "estimate",
        "se",
        "df",
        "ci_low",
        "ci_high",
        "p_value",
    ]


def test_binomial_point_estimates_are_statsmodels_weighted_logistic_fit() -> None:
    # the point estimates are those of the design-weighted fit; only the variance differs
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    ours = _fit("cases_glm_agree").coefficients.set_index("term")["estimate"]
    reference = smf.glm(
        "agree ~ group + item_a", CASES, family=sm.families.Binomial(), var_weights=CASES["weight"]
    ).fit(tol=1e-12)
    np.testing.assert_allclose(ours.to_numpy(), reference.params.to_numpy(), rtol=1e-9)
