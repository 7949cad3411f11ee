"""Identity tests of anchoring.survey.SurveyDesign: results that must agree by construction.

The data are the synthetic round ``tests/data/design_cases.csv`` (written by
``tests/r/reference_survey.R``): 11 strata in three groups, municipality:18 and gp:20 with one
responding PSU, municipality:03 and hospital:HMN censuses, missing values in every variable.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from anchoring.survey import SurveyDesign
from anchoring.survey.descriptive import kish_efficiency

CASES = pd.read_csv(Path(__file__).resolve().parent / "data" / "design_cases.csv")
GROUPS = ["gp", "hospital", "municipality"]
STATISTICS = ["estimate", "se", "ci_low", "ci_high"]


def _design(data: pd.DataFrame = CASES, **options) -> SurveyDesign:
    keywords = {"weights": "weight", "psu": "psu", "strata": "stratum", "fpc": "fpc"}
    return SurveyDesign(data, **(keywords | options))


@pytest.mark.parametrize("group", GROUPS)
def test_domain_mean_equals_design_with_zero_weight_outside(group: str) -> None:
    # Domain estimation = the whole design with weight 0 outside the domain (R's subset of a
    # survey.design2 sets prob = Inf there and keeps every stratum's PSU count).
    by_domain = _design().mean("index", by="group").set_index("group").loc[group]
    inside = CASES["group"] == group
    zeroed = CASES.assign(weight=CASES["weight"] * inside)
    direct = _design(zeroed).mean("index").iloc[0]
    for column in [*STATISTICS, "n", "df"]:
        assert direct[column] == pytest.approx(by_domain[column], rel=1e-12), column


@pytest.mark.parametrize("role", ["leader", "staff"])
def test_domain_total_equals_total_of_indicator_times_y(role: str) -> None:
    # A domain total is the total of y·1{domain} (Lumley 2010, section 2.3.1); the roles cut
    # across PSUs, so this exercises PSUs shared by domains.
    by_domain = _design().total("index", by="role").set_index("role").loc[role]
    product = CASES.assign(y=CASES["index"].fillna(0) * (CASES["role"] == role))
    direct = _design(product).total("y").iloc[0]
    assert direct["estimate"] == pytest.approx(by_domain["estimate"], rel=1e-12)
    assert direct["se"] == pytest.approx(by_domain["se"], rel=1e-12)


def test_subsetting_rows_first_gives_a_different_se() -> None:
    # Why domains: dropping the other rows first changes the PSU counts of the strata.
    domain = _design().mean("index", by="role").set_index("role").loc["leader"]
    subset = CASES[CASES["role"] == "leader"]
    dropped = _design(subset).mean("index").iloc[0]
    assert dropped["estimate"] == pytest.approx(domain["estimate"], rel=1e-12)
    assert dropped["se"] != pytest.approx(domain["se"], rel=1e-3)


def test_proportion_is_the_mean_of_a_zero_one_variable() -> None:
    proportion = _design().proportion("agree", by="group")
    mean = _design().mean("agree", by="group")
    for column in ["group", "estimate", "se", "n", "df"]:
        pd.testing.assert_series_equal(proportion[column], mean[column])
    assert not np.allclose(proportion["ci_low"], mean["ci_low"])  # logit vs normal interval


def test_proportion_of_booleans_equals_proportion_of_zero_one() -> None:
    data = CASES.assign(agree_bool=CASES["agree"].map({1.0: True, 0.0: False}).astype("boolean"))
    booleans = _design(data).proportion("agree_bool", by="group")
    numbers = _design(data).proportion("agree", by="group")
    pd.testing.assert_frame_equal(booleans, numbers)


def test_sector_value_of_groups_in_separate_strata() -> None:
    # Methodology §2: (1/3)·Σ est_g with se = (1/3)·sqrt(Σ se_g²) (independent groups).
    groups = _design().mean("index", by="group")
    sector = _design().equal_weight_mean("index", by="group").iloc[0]
    assert sector["estimate"] == pytest.approx(groups["estimate"].mean(), rel=1e-12)
    assert sector["se"] == pytest.approx(np.sqrt((groups["se"] ** 2).sum()) / 3, rel=1e-12)
    assert sector["n"] == groups["n"].sum()
    assert sector["df"] == _design().degrees_of_freedom


def test_contrast_by_mapping_equals_contrast_by_sequence() -> None:
    by_name = _design().contrast("index", "group", {"hospital": 1.0, "gp": -1.0})
    by_order = _design().contrast("index", "group", [-1.0, 1.0, 0.0])
    pd.testing.assert_frame_equal(by_name, by_order)
    groups = _design().mean("index", by="group").set_index("group")
    expected = groups.loc["hospital", "estimate"] - groups.loc["gp", "estimate"]
    assert by_name["estimate"].iloc[0] == pytest.approx(expected, rel=1e-12)


def test_covariance_diagonal_is_se_squared_and_groups_are_independent() -> None:
    covariance = _design().mean_covariance("index", by="group")
    means = _design().mean("index", by="group").set_index("group")
    assert list(covariance.index) == GROUPS
    np.testing.assert_allclose(np.diag(covariance), means["se"] ** 2, rtol=1e-12)
    off_diagonal = covariance.to_numpy()[~np.eye(3, dtype=bool)]
    assert np.all(off_diagonal == 0)


def test_domains_sharing_psus_have_a_covariance() -> None:
    covariance = _design().mean_covariance("index", by="role").to_numpy()
    assert covariance[0, 1] == covariance[1, 0] != 0


def test_census_stratum_contributes_no_variance() -> None:
    census = CASES["stratum"] == "municipality:03"  # 3 of 3 municipalities responded
    data = CASES.assign(y=np.where(census, CASES["index"].fillna(0), 0.0))
    assert _design(data).total("y").iloc[0]["se"] == 0
    by_stratum = _design().mean("index", by="stratum").set_index("stratum")
    assert by_stratum.loc["municipality:03", "se"] == 0
    # The same stratum sampled from a larger population has variance.
    larger = data.assign(fpc=np.where(census, 6, data["fpc"]))
    assert _design(larger).total("y").iloc[0]["se"] > 0


def test_lonely_psu_options() -> None:
    # A lonely stratum adds variance under "adjust" and none under "remove"/"certainty".
    adjust = _design().total("index").iloc[0]["se"]
    remove = _design(lonely_psu="remove").total("index").iloc[0]["se"]
    certainty = _design(lonely_psu="certainty").total("index").iloc[0]["se"]
    assert remove == certainty < adjust


def test_without_fpc_the_variance_is_larger() -> None:
    with_fpc = _design().mean("index", by="group")
    with_replacement = SurveyDesign(CASES, weights="weight", psu="psu", strata="stratum")
    assert (with_replacement.mean("index", by="group")["se"] > with_fpc["se"]).all()


def test_rows_with_missing_by_value_stay_in_the_design() -> None:
    # A row with no group is in no domain, like a row whose y is missing.
    no_group = CASES.assign(group=CASES["group"].where(CASES.index % 7 != 0))
    no_value = CASES.assign(index=CASES["index"].where(CASES.index % 7 != 0))
    pd.testing.assert_frame_equal(
        _design(no_group).mean("index", by="group").drop(columns="df"),
        _design(no_value).mean("index", by="group").drop(columns="df"),
    )


def test_result_layout() -> None:
    overall = _design().mean("index")
    assert list(overall.columns) == ["estimate", "se", "ci_low", "ci_high", "n", "df"]
    assert len(overall) == 1
    two = _design().mean("index", by=["role", "group"])
    assert list(two.columns[:2]) == ["role", "group"]
    keys = list(zip(two["role"], two["group"], strict=True))
    assert keys == sorted(keys)
    assert two["n"].dtype == np.int64 and two["df"].dtype == np.int64


def test_n_counts_rows_with_a_value() -> None:
    table = _design().mean("index", by="group").set_index("group")
    expected = CASES.dropna(subset=["index"]).groupby("group").size()
    assert table["n"].to_dict() == expected.to_dict()


def test_kish_efficiency_by_hand() -> None:
    data = pd.DataFrame({"w": [1.0, 1.0, 2.0, 4.0, 3.0, 3.0], "g": ["a"] * 4 + ["b"] * 2})
    table = SurveyDesign(data, weights="w").kish_efficiency(by="g").set_index("g")
    assert table.loc["a", "estimate"] == pytest.approx(8.0**2 / (4 * 22.0), rel=1e-15)
    assert table.loc["b", "estimate"] == pytest.approx(1.0, rel=1e-15)
    overall = SurveyDesign(data, weights="w").kish_efficiency().iloc[0]
    assert overall["estimate"] == pytest.approx(14.0**2 / (6 * 40.0), rel=1e-15)
    assert overall["n"] == 6


def test_kish_efficiency_of_one_domain_and_of_none() -> None:
    """The one formula, as the quality report calls it: (1+3)² / (2·(1+9)) = 0.8; no rows: NaN."""
    estimate, n = kish_efficiency(np.array([1.0, 3.0]), np.zeros(2, dtype=np.intp), 1)
    assert estimate[0] == pytest.approx(0.8, rel=1e-15) and n[0] == 2
    estimate, n = kish_efficiency(np.array([]), np.array([], dtype=np.intp), 1)
    assert np.isnan(estimate[0]) and n[0] == 0


def test_alpha_with_equal_weights_is_the_classical_alpha() -> None:
    items = ["item_a", "item_b", "item_c"]
    data = CASES.assign(weight=1.0)
    complete = data.dropna(subset=items)
    k = len(items)
    variances = complete[items].var(ddof=1).sum()
    classical = k / (k - 1) * (1 - variances / complete[items].sum(axis=1).var(ddof=1))
    ours = SurveyDesign(data, weights="weight").cronbach_alpha(items).iloc[0]
    assert ours["estimate"] == pytest.approx(classical, rel=1e-12)
    assert ours["n"] == len(complete)


def test_domain_without_answers_has_no_estimate() -> None:
    by_stratum = _design().mean("index", by="stratum").set_index("stratum")
    row = by_stratum.loc["gp:20"]  # its only GP left the index missing
    assert row["n"] == 0
    assert np.isnan(row[STATISTICS].astype(float)).all()


def test_nest_false_accepts_globally_unique_psu_labels() -> None:
    unique = CASES.assign(psu=CASES["stratum"] + "/" + CASES["psu"])
    nested = _design().mean("index", by="group")
    pd.testing.assert_frame_equal(_design(unique, nest=False).mean("index", by="group"), nested)


def test_same_inputs_same_outputs() -> None:
    first = _design().proportion("agree", by=["group", "role"])
    second = _design().proportion("agree", by=["group", "role"])
    pd.testing.assert_frame_equal(first, second)


def test_contrast_ignores_domains_with_zero_coefficient() -> None:
    # gp:20 has no answered row (NaN mean); a contrast that does not use it is still defined.
    contrast = _design().contrast("index", "stratum", {"gp:11": 1.0, "gp:15": -1.0}).iloc[0]
    strata = _design().mean("index", by="stratum").set_index("stratum")
    expected = strata.loc["gp:11", "estimate"] - strata.loc["gp:15", "estimate"]
    assert contrast["estimate"] == pytest.approx(expected, rel=1e-12)
    # Different strata: independent.
    se = np.hypot(strata.loc["gp:11", "se"], strata.loc["gp:15", "se"])
    assert contrast["se"] == pytest.approx(se, rel=1e-12)


# -- issue 15: regression, intervals, design effects and raking --------------------------------


def test_domain_means_via_glm_on_the_domain_indicators() -> None:
    # svyglm(y ~ 0 + g) has the domain means as coefficients and their linearised covariance
    # as its sandwich (Lumley 2010, section 5.2): same estimates and SEs as the domain means.
    model = _design().glm("index ~ 0 + group").coefficients.set_index("term")
    means = _design().mean("index", by="group").set_index("group")
    for group in GROUPS:
        row = model.loc[f"group[{group}]"]
        assert row["estimate"] == pytest.approx(means.loc[group, "estimate"], rel=1e-12)
        assert row["se"] == pytest.approx(means.loc[group, "se"], rel=1e-10)


def test_intercept_only_glm_is_the_mean_for_both_families() -> None:
    for variable, family in (("index", "gaussian"), ("agree", "binomial")):
        model = _design().glm(f"{variable} ~ 1", family=family).coefficients.iloc[0]
        mean = _design().mean(variable).iloc[0]
        estimate = model["estimate"]
        if family == "binomial":
            estimate = 1 / (1 + np.exp(-estimate))
        assert estimate == pytest.approx(mean["estimate"], rel=1e-10)
        # delta method: se(expit(b)) = p (1 - p) se(b)
        scale = 1 if family == "gaussian" else mean["estimate"] * (1 - mean["estimate"])
        assert model["se"] * scale == pytest.approx(mean["se"], rel=1e-8)


def test_group_contrast_from_glm_equals_difference_of_domain_means() -> None:
    model = _design().glm("index ~ group").coefficients.set_index("term")
    difference = _design().contrast("index", "group", {"hospital": 1, "gp": -1}).iloc[0]
    row = model.loc["group[T.hospital]"]
    assert row["estimate"] == pytest.approx(difference["estimate"], rel=1e-12)
    assert row["se"] == pytest.approx(difference["se"], rel=1e-10)


def test_t_interval_is_wider_than_normal_and_uses_the_domain_df() -> None:
    normal = _design().mean("index", by="group").set_index("group")
    t = _design().mean("index", by="group", df="domain").set_index("group")
    fixed = _design().mean("index", by="group", df=5).set_index("group")
    from scipy import stats

    for group in GROUPS:
        half = t.loc[group, "ci_high"] - t.loc[group, "estimate"]
        quantile = stats.t.ppf(0.975, t.loc[group, "df"])
        assert half == pytest.approx(quantile * t.loc[group, "se"], rel=1e-12)
        assert half > normal.loc[group, "ci_high"] - normal.loc[group, "estimate"]
    assert fixed.loc["hospital", "ci_low"] == pytest.approx(t.loc["hospital", "ci_low"], rel=1e-12)


def test_korn_graubard_on_a_simple_random_sample_is_clopper_pearson() -> None:
    # Without strata, clusters or unequal weights the linearised variance is p(1-p)/(n-1), so
    # n* = n - 1 and the interval is Clopper-Pearson's for p(n-1) successes in n-1 trials.
    from statsmodels.stats.proportion import proportion_confint

    srs = pd.DataFrame({"y": [1] * 7 + [0] * 33, "w": 1.0})
    row = SurveyDesign(srs, weights="w").proportion("y", method="beta").iloc[0]
    low, high = proportion_confint(7 / 40 * 39, 39, method="beta")
    assert row["ci_low"] == pytest.approx(low, rel=1e-10)
    assert row["ci_high"] == pytest.approx(high, rel=1e-10)


def test_korn_graubard_at_zero_is_not_degenerate() -> None:
    table = _design().proportion("never", by="group", method="beta").set_index("group")
    hospital = table.loc["hospital"]
    assert hospital["estimate"] == 0 and hospital["se"] == 0
    assert hospital["ci_low"] == 0
    assert 0.02 < hospital["ci_high"] < 0.5
    logit = _design().proportion("never", by="group").set_index("group").loc["hospital"]
    assert logit["ci_high"] == 0  # the logit interval stays R's [0, 0]


def test_deff_is_one_for_a_simple_random_sample_with_replacement() -> None:
    srs = pd.DataFrame({"y": np.arange(30.0) % 7, "w": 2.0})
    row = SurveyDesign(srs, weights="w").mean("y", deff=True).iloc[0]
    assert row["deff"] == pytest.approx(1.0, rel=1e-12)
    assert row["effective_n"] == pytest.approx(30.0, rel=1e-12)


def test_effective_n_is_n_over_deff() -> None:
    table = _design().proportion("agree", by="group", deff=True)
    np.testing.assert_allclose(table["effective_n"], table["n"] / table["deff"], rtol=1e-12)


def _current_margins(design: SurveyDesign) -> dict[str, dict[str, float]]:
    weights = pd.Series(design.weights, index=CASES.index)
    return {
        variable: weights.groupby(CASES[variable]).sum().to_dict() for variable in ("group", "role")
    }


def test_raking_to_margins_the_design_already_meets_leaves_estimates_unchanged() -> None:
    design = _design()
    raked = design.rake(_current_margins(design))
    np.testing.assert_allclose(raked.weights, design.weights, rtol=1e-12)
    before = design.mean("index", by="group")
    after = raked.mean("index", by="group")
    np.testing.assert_allclose(after["estimate"], before["estimate"], rtol=1e-12)
    # the variance changes: the calibration removes the part explained by the margins
    assert not np.allclose(after["se"], before["se"], rtol=1e-6)


def test_raked_weights_meet_the_margins_and_their_totals_have_no_variance() -> None:
    margins = {
        "group": {"gp": 470, "hospital": 13, "municipality": 26},
        "role": {"leader": 189, "staff": 320},
    }
    raked = _design().rake(margins)
    data = CASES.assign(is_staff=(CASES["role"] == "staff").astype(float), one=1.0)
    weights = pd.Series(raked.weights, index=CASES.index)
    assert weights.groupby(CASES["role"]).sum().to_dict() == pytest.approx(margins["role"])
    assert weights.groupby(CASES["group"]).sum().to_dict() == pytest.approx(margins["group"])
    # a calibration variable's total is known exactly after calibration: SE 0
    again = SurveyDesign._from_structure(data, raked._structure)
    total = again.total("is_staff").iloc[0]
    assert total["estimate"] == pytest.approx(320, rel=1e-10)
    assert total["se"] == pytest.approx(0, abs=1e-8)


def test_raking_twice_to_the_same_margins_leaves_weights_and_estimates() -> None:
    margins = {
        "group": {"gp": 470, "hospital": 13, "municipality": 26},
        "role": {"leader": 189, "staff": 320},
    }
    once = _design().rake(margins)
    twice = once.rake(margins)
    np.testing.assert_allclose(twice.weights, once.weights, rtol=1e-10)
    np.testing.assert_allclose(
        twice.mean("index", by="group")["estimate"],
        once.mean("index", by="group")["estimate"],
        rtol=1e-12,
    )


def test_mean_with_covariance_gives_the_same_intervals_as_the_estimators() -> None:
    design = _design()
    shares, _ = design.mean_with_covariance("agree", by="group", proportion=True, method="beta")
    direct = design.proportion("agree", by="group", method="beta")
    pd.testing.assert_frame_equal(shares, direct)
    means, _ = design.mean_with_covariance("index", by="group", df="domain")
    pd.testing.assert_frame_equal(means, design.mean("index", by="group", df="domain"))
