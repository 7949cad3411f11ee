"""Tests of anchoring.survey.SurveyDesign against R's survey package and identities.

Every reference number comes from ``tests/results/survey_reference.csv``, written by
``Rscript tests/r/reference_survey.R`` (R 4.2.2, survey 4.1.1); each row carries the exact R
call that produced it. The data are ``tests/data/*.csv``, written and read back by that script.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from anchoring.survey import SurveyDesign

TESTS = Path(__file__).resolve().parent
REFERENCE = pd.read_csv(
    TESTS / "results" / "survey_reference.csv", dtype=str, keep_default_na=False
)
RELATIVE_TOLERANCE = 1e-8
# Exact zeros in R (a covariance of independent domains, the SE of a census stratum) are
# compared with this absolute tolerance.
ZERO_ABSOLUTE_TOLERANCE = 1e-13
# svyciprop fits a logistic regression; where p is 0 or 1 the fit does not converge and R
# reports values within ~2e-10 of 0 or 1 (SE 0), where SurveyDesign gives exactly p. A domain
# whose R estimate is that close to 0 or 1 is compared with this absolute tolerance.
NONCONVERGED_ABSOLUTE_TOLERANCE = 1e-9
ITEMS = ["item_a", "item_b", "item_c"]
GROUPS = ["gp", "hospital", "municipality"]


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(TESTS / "data" / name)


STRAT = _read("apistrat.csv")
CLUS1 = _read("apiclus1.csv")
CLUS2 = _read("apiclus2.csv")
CASES = _read("design_cases.csv")


def _strat() -> SurveyDesign:
    # R: svydesign(id = ~1, strata = ~stype, weights = ~pw, data = strat, fpc = ~fpc)
    return SurveyDesign(STRAT, weights="pw", strata="stype", fpc="fpc")


def _clus1() -> SurveyDesign:
    # R: svydesign(id = ~dnum, weights = ~pw, data = clus1, fpc = ~fpc)
    return SurveyDesign(CLUS1, weights="pw", psu="dnum", fpc="fpc")


def _clus2() -> SurveyDesign:
    # R: svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, weights = ~pw, data = clus2)
    return SurveyDesign(CLUS2, weights="pw", psu="dnum", fpc="fpc1", ssu="snum", ssu_fpc="fpc2")


# R: the same with ids = ~psu + role, fpc = ~fpc + Inf (secondary units of several rows,
# with replacement): _cases(ssu="role")


def _cases2(**options) -> SurveyDesign:
    # R: svydesign(ids = ~psu + ssu, strata = ~stratum, fpc = ~fpc + ssu_fpc, weights = ~weight,
    #              nest = TRUE)
    return _cases(ssu="ssu", ssu_fpc="ssu_fpc", **options)


def _sector(design: SurveyDesign) -> dict[tuple[str, str], float]:
    table = design.equal_weight_mean("index", by="group")
    return {key: value for key, value in _long(table).items() if key[1] in ("estimate", "se")}


def _cases(data: pd.DataFrame = CASES, **options) -> SurveyDesign:
    # R: svydesign(ids = ~psu, strata = ~stratum, fpc = ~fpc, weights = ~weight, nest = TRUE)
    keywords = {"weights": "weight", "psu": "psu", "strata": "stratum", "fpc": "fpc"}
    return SurveyDesign(data, **(keywords | options))


def _cases_wr() -> SurveyDesign:
    # R: svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE)
    return SurveyDesign(CASES, weights="weight", psu="psu", strata="stratum")


# -- turning our tables into the (domain, quantity) -> value layout of the reference file ----

STATISTICS = ("estimate", "se", "ci_low", "ci_high")


def _long(table: pd.DataFrame, by: list[str] | None = None) -> dict[tuple[str, str], float]:
    labels = ["|".join(str(v) for v in row) for row in table[by].to_numpy()] if by else [""]
    return {
        (label, quantity): float(value)
        for quantity in STATISTICS
        for label, value in zip(labels, table[quantity], strict=True)
    }


def _scalar(label: str, quantity: str, value: float) -> dict[tuple[str, str], float]:
    return {(label, quantity): float(value)}


def _matrix(frame: pd.DataFrame, name: Callable[[object], str]) -> dict[tuple[str, str], float]:
    return {
        (f"{name(row)}|{name(column)}", "cov"): float(frame.loc[row, column])
        for row in frame.index
        for column in frame.columns
    }


def _deff(table: pd.DataFrame, by: str | None = None) -> dict[tuple[str, str], float]:
    labels = [str(v) for v in table[by]] if by else [""]
    return {
        (label, quantity): float(value)
        for quantity in ("estimate", "se", "deff")
        for label, value in zip(labels, table[quantity], strict=True)
    }


# Population margins of the raking cases (R: calibrate(..., population = c(`(Intercept)` = N,
# ...), calfun = "raking"), the intercept total implied by the margins here).
API_MARGINS = {"stype": {"E": 4421, "H": 755, "M": 1018}, "sch_wide": {"No": 1072, "Yes": 5122}}
CASES_MARGINS = {
    "group": {"gp": 470, "hospital": 13, "municipality": 26},
    "role": {"leader": 189, "staff": 320},
}


def _degf_answered(variable: str) -> dict[tuple[str, str], float]:
    # degf(subset(des, group == g & !is.na(agree))): the rule R does NOT use for svyciprop.
    data = CASES.assign(answered=CASES[variable].notna())
    table = _cases(data).mean(variable, by=["group", "answered"])
    table = table[table["answered"]]
    return {(g, "df"): float(df) for g, df in zip(table["group"], table["df"], strict=True)}


def _alpha_by_group() -> dict[tuple[str, str], float]:
    table = _cases().cronbach_alpha(ITEMS, by="group")
    return {(g, "alpha"): a for g, a in zip(table["group"], table["estimate"], strict=True)}


def _df_by(design: SurveyDesign, variable: str, by: str) -> dict[tuple[str, str], float]:
    table = design.mean(variable, by=by)
    return {(str(d), "df"): float(v) for d, v in zip(table[by], table["df"], strict=True)}


CASE_RESULTS: dict[str, Callable[[], dict[tuple[str, str], float]]] = {
    "apistrat_mean_api00": lambda: _long(_strat().mean("api00")),
    "apistrat_total_enroll": lambda: _long(_strat().total("enroll")),
    "apistrat_mean_api00_by_stype": lambda: _long(_strat().mean("api00", by="stype"), ["stype"]),
    "apistrat_degf": lambda: _scalar("", "df", _strat().degrees_of_freedom),
    "apistrat_mean_sch_wide_yes": lambda: _long(_strat().mean("sch_wide_yes")),
    "apistrat_prop_sch_wide_yes": lambda: _long(_strat().proportion("sch_wide_yes")),
    "apistrat_prop_sch_wide_yes_by_stype": lambda: _long(
        _strat().proportion("sch_wide_yes", by="stype"), ["stype"]
    ),
    "apistrat_alpha": lambda: _scalar(
        "", "alpha", _strat().cronbach_alpha(["api99", "api00"])["estimate"].iloc[0]
    ),
    "apiclus1_mean_api00": lambda: _long(_clus1().mean("api00")),
    "apiclus1_total_enroll": lambda: _long(_clus1().total("enroll")),
    "apiclus1_mean_api00_by_stype": lambda: _long(_clus1().mean("api00", by="stype"), ["stype"]),
    "apiclus1_total_enroll_by_stype": lambda: _long(
        _clus1().total("enroll", by="stype"), ["stype"]
    ),
    "apiclus1_degf": lambda: _scalar("", "df", _clus1().degrees_of_freedom),
    "apiclus1_degf_by_stype": lambda: _df_by(_clus1(), "api00", "stype"),
    "apiclus1_prop_sch_wide_yes": lambda: _long(_clus1().proportion("sch_wide_yes")),
    "apiclus1_prop_sch_wide_yes_by_stype": lambda: _long(
        _clus1().proportion("sch_wide_yes", by="stype"), ["stype"]
    ),
    "apiclus1_cov_api00_by_stype": lambda: _matrix(
        _clus1().mean_covariance("api00", by="stype"), lambda s: f"stype{s}"
    ),
    "apiclus2_mean_api00": lambda: _long(_clus2().mean("api00")),
    "apiclus2_total_enroll": lambda: _long(_clus2().total("enroll")),
    "apiclus2_mean_api00_by_stype": lambda: _long(_clus2().mean("api00", by="stype"), ["stype"]),
    "apiclus2_prop_sch_wide_yes_by_stype": lambda: _long(
        _clus2().proportion("sch_wide_yes", by="stype"), ["stype"]
    ),
    "apiclus2_degf": lambda: _scalar("", "df", _clus2().degrees_of_freedom),
    "cases2_degf": lambda: _scalar("", "df", _cases2().degrees_of_freedom),
    "cases2_mean_index": lambda: _long(_cases2().mean("index")),
    "cases2_total_index": lambda: _long(_cases2().total("index")),
    "cases2_mean_index_by_group": lambda: _long(_cases2().mean("index", by="group"), ["group"]),
    "cases2_total_index_by_group": lambda: _long(_cases2().total("index", by="group"), ["group"]),
    "cases2_mean_index_by_group_role": lambda: _long(
        _cases2().mean("index", by=["group", "role"]), ["group", "role"]
    ),
    "cases2_mean_item_a_by_stratum": lambda: _long(
        _cases2().mean("item_a", by="stratum"), ["stratum"]
    ),
    "cases2_cov_index_by_group": lambda: _matrix(
        _cases2().mean_covariance("index", by="group"), str
    ),
    "cases2_sector_contrast_index": lambda: _sector(_cases2()),
    "cases2_prop_agree_by_group": lambda: _long(
        _cases2().proportion("agree", by="group"), ["group"]
    ),
    "cases2role_mean_index": lambda: _long(_cases(ssu="role").mean("index")),
    "cases2role_mean_index_by_group": lambda: _long(
        _cases(ssu="role").mean("index", by="group"), ["group"]
    ),
    "cases2role_mean_item_a_by_stratum": lambda: _long(
        _cases(ssu="role").mean("item_a", by="stratum"), ["stratum"]
    ),
    "cases2_mean_index_by_group_lonely_remove": lambda: _long(
        _cases2(lonely_psu="remove").mean("index", by="group"), ["group"]
    ),
    "cases2_mean_index_by_group_lonely_certainty": lambda: _long(
        _cases2(lonely_psu="certainty").mean("index", by="group"), ["group"]
    ),
    "cases_degf": lambda: _scalar("", "df", _cases().degrees_of_freedom),
    "cases_degf_by_group": lambda: _df_by(_cases(), "index", "group"),
    "cases_degf_by_group_agree_answered": lambda: _degf_answered("agree"),
    "cases_mean_index": lambda: _long(_cases().mean("index")),
    "cases_total_index": lambda: _long(_cases().total("index")),
    "cases_mean_index_wr": lambda: _long(_cases_wr().mean("index")),
    "cases_mean_index_by_group": lambda: _long(_cases().mean("index", by="group"), ["group"]),
    "cases_mean_index_by_group_level90": lambda: _long(
        _cases().mean("index", by="group", level=0.9), ["group"]
    ),
    "cases_mean_index_by_group_wr": lambda: _long(_cases_wr().mean("index", by="group"), ["group"]),
    "cases_total_index_by_group": lambda: _long(_cases().total("index", by="group"), ["group"]),
    "cases_mean_index_by_stratum": lambda: _long(_cases().mean("index", by="stratum"), ["stratum"]),
    "cases_mean_index_by_group_role": lambda: _long(
        _cases().mean("index", by=["group", "role"]), ["group", "role"]
    ),
    "cases_mean_index_by_role": lambda: _long(_cases().mean("index", by="role"), ["role"]),
    "cases_cov_index_by_role": lambda: _matrix(
        _cases().mean_covariance("index", by="role"), lambda r: f"role{r}"
    ),
    "cases_cov_index_by_group": lambda: _matrix(_cases().mean_covariance("index", by="group"), str),
    "cases_cov_index_by_group_role": lambda: _matrix(
        _cases().mean_covariance("index", by=["group", "role"]), lambda k: ".".join(k)
    ),
    "cases_sector_contrast_index": lambda: _sector(_cases()),
    "cases_prop_agree": lambda: _long(_cases().proportion("agree")),
    "cases_prop_agree_by_group": lambda: _long(_cases().proportion("agree", by="group"), ["group"]),
    "cases_prop_rare_by_group": lambda: _long(_cases().proportion("rare", by="group"), ["group"]),
    "cases_prop_agree_by_group_level90": lambda: _long(
        _cases().proportion("agree", by="group", level=0.9), ["group"]
    ),
    "cases_prop_agree_by_stratum": lambda: _long(
        _cases().proportion("agree", by="stratum"), ["stratum"]
    ),
    "cases_mean_agree_by_group": lambda: _long(_cases().mean("agree", by="group"), ["group"]),
    "cases_prop_never_by_group": lambda: _long(_cases().proportion("never", by="group"), ["group"]),
    "cases_prop_always_by_group": lambda: _long(
        _cases().proportion("always", by="group"), ["group"]
    ),
    "cases_alpha": lambda: _scalar("", "alpha", _cases().cronbach_alpha(ITEMS)["estimate"][0]),
    "cases_alpha_by_group": _alpha_by_group,
    "cases_mean_index_lonely_remove": lambda: _long(_cases(lonely_psu="remove").mean("index")),
    "cases_mean_index_by_group_lonely_remove": lambda: _long(
        _cases(lonely_psu="remove").mean("index", by="group"), ["group"]
    ),
    "cases_mean_index_lonely_certainty": lambda: _long(
        _cases(lonely_psu="certainty").mean("index")
    ),
    "cases_mean_index_by_group_lonely_certainty": lambda: _long(
        _cases(lonely_psu="certainty").mean("index", by="group"), ["group"]
    ),
    # Korn-Graubard intervals: svyciprop(method = "beta"), by domain through svyby
    "apistrat_prop_beta_sch_wide_yes": lambda: _long(
        _strat().proportion("sch_wide_yes", method="beta")
    ),
    "cases_prop_beta_agree": lambda: _long(_cases().proportion("agree", method="beta")),
    "apiclus1_prop_beta_sch_wide_yes_by_stype": lambda: _long(
        _clus1().proportion("sch_wide_yes", by="stype", method="beta"), ["stype"]
    ),
    "apiclus2_prop_beta_sch_wide_yes_by_stype": lambda: _long(
        _clus2().proportion("sch_wide_yes", by="stype", method="beta"), ["stype"]
    ),
    "cases_prop_beta_agree_by_group": lambda: _long(
        _cases().proportion("agree", by="group", method="beta"), ["group"]
    ),
    "cases_prop_beta_rare_by_group": lambda: _long(
        _cases().proportion("rare", by="group", method="beta"), ["group"]
    ),
    "cases2_prop_beta_agree_by_group": lambda: _long(
        _cases2().proportion("agree", by="group", method="beta"), ["group"]
    ),
    "cases_prop_beta_never_by_group": lambda: _long(
        _cases().proportion("never", by="group", method="beta"), ["group"]
    ),
    "cases_prop_beta_always_by_group": lambda: _long(
        _cases().proportion("always", by="group", method="beta"), ["group"]
    ),
    # t intervals on the domain's degrees of freedom: confint(svymean(~y, subset(des, dom),
    # na.rm = TRUE), df = degf(subset(des, dom)))
    "apiclus1_mean_t_api00_by_stype": lambda: _long(
        _clus1().mean("api00", by="stype", df="domain"), ["stype"]
    ),
    "cases_mean_t_index_by_group": lambda: _long(
        _cases().mean("index", by="group", df="domain"), ["group"]
    ),
    "cases2_mean_t_index_by_group": lambda: _long(
        _cases2().mean("index", by="group", df="domain"), ["group"]
    ),
    "cases_mean_t_index_by_stratum": lambda: {
        key: value
        for key, value in _long(
            _cases().mean("index", by="stratum", df="domain"), ["stratum"]
        ).items()
        if key[0] in ("municipality:03", "municipality:11", "municipality:18", "hospital:HV")
    },
    # design effects: svymean(..., deff = "replace"), by domain through svyby
    "apistrat_deff_api00": lambda: _deff(_strat().mean("api00", deff=True)),
    "apiclus1_deff_api00_by_stype": lambda: _deff(
        _clus1().mean("api00", by="stype", deff=True), "stype"
    ),
    "apiclus2_deff_api00": lambda: _deff(_clus2().mean("api00", deff=True)),
    "cases_deff_index_by_group": lambda: _deff(
        _cases().mean("index", by="group", deff=True), "group"
    ),
    "cases_deff_agree_by_group": lambda: _deff(
        _cases().proportion("agree", by="group", deff=True), "group"
    ),
    "cases2_deff_index_by_group": lambda: _deff(
        _cases2().mean("index", by="group", deff=True), "group"
    ),
    # raking: calibrate(des, ~a + b, population = ..., calfun = "raking"), then svymean/svyby
    "apiclus1_raked_mean_api00": lambda: _long(_clus1().rake(API_MARGINS).mean("api00")),
    "apiclus1_raked_mean_api00_by_stype": lambda: _long(
        _clus1().rake(API_MARGINS).mean("api00", by="stype"), ["stype"]
    ),
    "apistrat_raked_mean_api00": lambda: _long(_strat().rake(API_MARGINS).mean("api00")),
    "apistrat_raked_mean_api00_by_stype": lambda: _long(
        _strat().rake(API_MARGINS).mean("api00", by="stype"), ["stype"]
    ),
    "cases_raked_mean_index": lambda: _long(_cases().rake(CASES_MARGINS).mean("index")),
    "cases_raked_mean_index_by_group": lambda: _long(
        _cases().rake(CASES_MARGINS).mean("index", by="group"), ["group"]
    ),
    "cases_raked_mean_index_by_role": lambda: _long(
        _cases().rake(CASES_MARGINS).mean("index", by="role"), ["role"]
    ),
    "cases_raked_total_index_by_group": lambda: _long(
        _cases().rake(CASES_MARGINS).total("index", by="group"), ["group"]
    ),
    "cases2_raked_mean_index": lambda: _long(_cases2().rake(CASES_MARGINS).mean("index")),
    "cases2_raked_mean_index_by_group": lambda: _long(
        _cases2().rake(CASES_MARGINS).mean("index", by="group"), ["group"]
    ),
}
# A domain with no answered row (stratum gp:20: its only GP left the index missing): R's
# svymean(na.rm = TRUE) returns 0 with SE 0 there; SurveyDesign returns NaN (no estimate).
EMPTY_DOMAINS = {("cases_mean_index_by_stratum", "gp:20")}
# Logit limits R reports as NaN where SurveyDesign gives a number (documented in
# anchoring.survey.intervals.logit_interval). hospital:HSO and hospital:HMN have df = 1, where
# R's t multiplier is infinite: for HSO R's expit(Inf) is NaN (SurveyDesign: 1); for the census
# stratum HMN the SE is 0 and R computes Inf * 0 = NaN (SurveyDesign: the interval [p, p]).
R_NAN_LIMITS: dict[tuple[str, str, str], float | str] = {
    ("cases_prop_agree_by_stratum", "hospital:HSO", "ci_high"): 1.0,
    ("cases_prop_agree_by_stratum", "hospital:HMN", "ci_low"): "estimate",
    ("cases_prop_agree_by_stratum", "hospital:HMN", "ci_high"): "estimate",
}


def _korn_graubard_boundary(variable: str, group: str) -> float:
    # R's svyciprop(method = "beta") has n.eff = 0/0 where p is 0 or 1 and reports NaN limits;
    # SurveyDesign takes the domain's answered rows as the effective sample size there (Korn &
    # Graubard 1998), adjusted by (t_{n-1} / t_df)^2 as R does elsewhere: the open limit is
    # then the Clopper-Pearson limit for 0 successes, 1 - (alpha/2)^(1/n*), in closed form.
    rows = CASES[CASES["group"] == group]
    n_answered = int(rows[variable].notna().sum())
    df = int(_cases().mean(variable, by="group").set_index("group").loc[group, "df"])
    ratio = stats.t.ppf(0.025, len(rows) - 1) / stats.t.ppf(0.025, df)
    return 1 - 0.025 ** (1 / (n_answered * ratio**2))


# Korn-Graubard limits where R reports NaN (p = 0 in hospital, p = 1 for gp): the closed form.
R_NAN_LIMITS |= {
    ("cases_prop_beta_never_by_group", "hospital", "ci_low"): 0.0,
    ("cases_prop_beta_never_by_group", "hospital", "ci_high"): _korn_graubard_boundary(
        "never", "hospital"
    ),
    ("cases_prop_beta_always_by_group", "gp", "ci_low"): 1
    - _korn_graubard_boundary("always", "gp"),
    ("cases_prop_beta_always_by_group", "gp", "ci_high"): 1.0,
}
# The regression cases (svyglm, regTermTest) are checked in tests/test_survey_regression.py.
REGRESSION_CASES = {case for case in REFERENCE["case"] if "_glm_" in case}
# Cases of the file that are not SurveyDesign's, checked where they belong:
# holm_p_adjust (R's p.adjust) in tests/test_change.py.
OTHER_MODULES_CASES = {"holm_p_adjust"}
REFERENCE_CASES = sorted(set(REFERENCE["case"]) - {"meta"} - OTHER_MODULES_CASES - REGRESSION_CASES)


def test_reference_file_records_r_and_survey_versions() -> None:
    meta = REFERENCE[REFERENCE["case"] == "meta"].set_index("quantity")["value"]
    assert meta["survey_version"] == "4.1.1"
    assert meta["r_version"].startswith("4.")


def test_every_reference_case_is_checked() -> None:
    assert sorted(CASE_RESULTS) == REFERENCE_CASES


def _nonconverged_domains(expected: pd.DataFrame) -> set[str]:
    estimates = expected[expected["quantity"] == "estimate"]
    values = estimates["value"].astype(float)
    boundary = (values < NONCONVERGED_ABSOLUTE_TOLERANCE) | (
        values > 1 - NONCONVERGED_ABSOLUTE_TOLERANCE
    )
    return set(estimates["domain"][boundary]) if "_prop_" in expected["case"].iloc[0] else set()


@pytest.mark.parametrize("case", REFERENCE_CASES)
def test_matches_r_survey(case: str) -> None:
    expected = REFERENCE[REFERENCE["case"] == case]
    ours = CASE_RESULTS[case]()
    assert set(ours) == set(zip(expected["domain"], expected["quantity"], strict=True)), case
    nonconverged = _nonconverged_domains(expected)
    for domain, quantity, value, call in expected[["domain", "quantity", "value", "call"]].values:
        message = f"{case} {domain} {quantity}: R {call}"
        if (case, domain) in EMPTY_DOMAINS:
            assert np.isnan(ours[(domain, quantity)]) and float(value) == 0.0, message
        elif (case, domain, quantity) in R_NAN_LIMITS:
            assert value == "NaN", message
            wanted = R_NAN_LIMITS[(case, domain, quantity)]
            wanted = ours[(domain, wanted)] if isinstance(wanted, str) else wanted
            assert ours[(domain, quantity)] == pytest.approx(wanted, rel=1e-12), message
        elif value == "NaN":  # a logit interval on 0 degrees of freedom
            assert np.isnan(ours[(domain, quantity)]), message
        else:
            absolute = (
                NONCONVERGED_ABSOLUTE_TOLERANCE
                if domain in nonconverged
                else ZERO_ABSOLUTE_TOLERANCE
            )
            assert ours[(domain, quantity)] == pytest.approx(
                float(value), rel=RELATIVE_TOLERANCE, abs=absolute
            ), message


def test_published_apistrat_example() -> None:
    # Published in survey's ?svydesign and Lumley (2010), section 2.2: 662.29, SE 9.4089.
    row = _strat().mean("api00").iloc[0]
    assert round(row["estimate"], 2) == 662.29
    assert round(row["se"], 4) == 9.4089


def test_published_apiclus2_two_stage_example() -> None:
    # Published in survey's ?svydesign (two-stage dclus2): svymean(~api00) 670.81, SE 30.099.
    row = _clus2().mean("api00").iloc[0]
    assert round(row["estimate"], 2) == 670.81
    assert round(row["se"], 3) == 30.099


def test_proportion_df_counts_rows_with_missing_item() -> None:
    # R's svyciprop in svyby takes degf of the whole domain, not of its answered rows: the two
    # differ for gp (30 vs 27) and municipality (7 vs 6) in the reference file, and the
    # logit limits above match R only with the first.
    table = _cases().proportion("agree", by="group").set_index("group")
    answered = _degf_answered("agree")
    assert table.loc["gp", "df"] == 30
    assert answered[("gp", "df")] == 27
