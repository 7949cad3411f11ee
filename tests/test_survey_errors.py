"""Invalid input to anchoring.survey.SurveyDesign raises DesignError naming the problem."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anchoring.exceptions import AnchoringError, DesignError
from anchoring.survey import SurveyDesign


def _data() -> pd.DataFrame:
    # Two strata: "a" with PSUs p1, p2 (fpc 5), "b" with PSUs q1, q2, q3 (fpc 10).
    return pd.DataFrame(
        {
            "stratum": ["a", "a", "a", "b", "b", "b"],
            "psu": ["p1", "p1", "p2", "q1", "q2", "q3"],
            "fpc": [5, 5, 5, 10, 10, 10],
            "weight": [1.5, 1.5, 2.0, 3.0, 3.0, 4.0],
            "y": [1.0, 2.0, np.nan, 4.0, 5.0, 6.0],
            "share": [0, 1, 1, 0, np.nan, 1],
            "label": ["x", "y", "z", "x", "y", "z"],
        }
    )


def _design(data: pd.DataFrame | None = None, **options) -> SurveyDesign:
    keywords = {"weights": "weight", "psu": "psu", "strata": "stratum", "fpc": "fpc"}
    return SurveyDesign(_data() if data is None else data, **(keywords | options))


def test_design_error_is_an_anchoring_error() -> None:
    assert issubclass(DesignError, AnchoringError)


def test_valid_design_builds() -> None:
    assert _design().degrees_of_freedom == 5 - 2


@pytest.mark.parametrize("keyword", ["weights", "psu", "strata", "fpc"])
def test_unknown_design_column(keyword: str) -> None:
    with pytest.raises(DesignError, match=rf"column 'nope' given as {keyword}= is not in the"):
        _design(**{keyword: "nope"})


def test_unknown_variable_and_by_column() -> None:
    with pytest.raises(DesignError, match="column 'nope' given as variable="):
        _design().mean("nope")
    with pytest.raises(DesignError, match="column 'nope' given as by="):
        _design().mean("y", by=["stratum", "nope"])


def test_negative_weight() -> None:
    data = _data()
    data.loc[4, "weight"] = -1.0
    with pytest.raises(DesignError, match=r"weights column 'weight' has 1 negative .* row 4"):
        _design(data)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_missing_weight(bad: float) -> None:
    data = _data()
    data.loc[2, "weight"] = bad
    with pytest.raises(DesignError, match=r"weights column 'weight' has 1 missing .* row 2"):
        _design(data)


def test_non_numeric_weight() -> None:
    data = _data().assign(weight="heavy")
    with pytest.raises(DesignError, match="column 'weight' used as weights is not numeric"):
        _design(data)


@pytest.mark.parametrize("column", ["stratum", "psu"])
def test_missing_stratum_or_psu_label(column: str) -> None:
    data = _data()
    data[column] = data[column].astype(object)
    data.loc[3, column] = None
    with pytest.raises(DesignError, match=rf"column '{column}' has 1 missing value.*row 3"):
        _design(data)


def test_fpc_smaller_than_sampled_psus() -> None:
    data = _data().assign(fpc=[5, 5, 5, 2, 2, 2])
    with pytest.raises(
        DesignError, match=r"fpc column 'fpc': stratum 'b' has fpc 2 but 3 PSUs were sampled"
    ):
        _design(data)


def test_fpc_as_sampling_fraction_is_rejected() -> None:
    data = _data().assign(fpc=0.5)
    with pytest.raises(DesignError, match="not a sampling fraction"):
        _design(data)


def test_fpc_varying_within_stratum() -> None:
    data = _data().assign(fpc=[5, 6, 5, 10, 10, 10])
    with pytest.raises(DesignError, match=r"fpc column 'fpc' varies within stratum 'a'.*5 to 6"):
        _design(data)


def test_missing_fpc() -> None:
    data = _data().assign(fpc=[5, 5, 5, 10, np.nan, 10])
    with pytest.raises(DesignError, match=r"fpc column 'fpc' has 1 missing value"):
        _design(data)


def test_psu_in_two_strata_without_nesting() -> None:
    data = _data().assign(psu=["p1", "p1", "p2", "p2", "q2", "q3"])
    with pytest.raises(DesignError, match=r"PSU 'p2' appears in more than one stratum.*nest=True"):
        _design(data, nest=False)
    # With nest=True (the default, as R's nest = TRUE) they are two PSUs.
    assert _design(data).degrees_of_freedom == 3


def test_lonely_psu_fail() -> None:
    data = _data().assign(psu=["p1", "p1", "p1", "q1", "q2", "q3"])
    with pytest.raises(DesignError, match=r"stratum 'a' of column 'stratum' has only one"):
        _design(data, lonely_psu="fail")
    # A single-PSU census stratum has no variance to fail on.
    census = data.assign(fpc=[1, 1, 1, 10, 10, 10])
    assert _design(census, lonely_psu="fail").mean("y")["se"].iloc[0] > 0


def test_unknown_lonely_psu_option() -> None:
    with pytest.raises(DesignError, match=r"lonely_psu='average' is not supported"):
        _design(lonely_psu="average")


def test_empty_data_and_not_a_dataframe() -> None:
    with pytest.raises(DesignError, match="has no rows"):
        _design(_data().iloc[:0])
    with pytest.raises(DesignError, match="must be a pandas DataFrame"):
        SurveyDesign({"weight": [1.0]}, weights="weight")


def test_proportion_needs_zero_one() -> None:
    data = _data().assign(share=[0, 1, 2, 0, 1, 1])
    with pytest.raises(DesignError, match=r"column 'share' has value 2 at row 2"):
        _design(data).proportion("share")


def test_non_numeric_variable() -> None:
    with pytest.raises(DesignError, match="column 'label' used as variable is not numeric"):
        _design().mean("label")


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.1, "high"])
def test_level_outside_unit_interval(level: object) -> None:
    with pytest.raises(DesignError, match="level must be"):
        _design().mean("y", level=level)
    with pytest.raises(DesignError, match="level must be"):
        _design().proportion("share", level=level)


def test_contrast_coefficients() -> None:
    with pytest.raises(DesignError, match=r"name domain\(s\) \['c'\] that are not among"):
        _design().contrast("y", "stratum", {"c": 1.0})
    with pytest.raises(DesignError, match=r"one coefficient per domain .* got 3"):
        _design().contrast("y", "stratum", [1.0, 1.0, 1.0])


def test_alpha_needs_two_items() -> None:
    with pytest.raises(DesignError, match="at least two items"):
        _design().cronbach_alpha(["y"])


def test_by_must_name_columns() -> None:
    with pytest.raises(DesignError, match="by must be a column name"):
        _design().mean("y", by=[1, 2])


# --- two-stage designs (ssu=, ssu_fpc=) ---------------------------------------------------


def _two_stage(data: pd.DataFrame | None = None, **options) -> SurveyDesign:
    data = _data() if data is None else data
    data = data.assign(person=[f"r{i}" for i in range(len(data))], staff=[4, 4, 3, 2, 2, 2])
    return _design(data, ssu="person", ssu_fpc="staff", **options)


def test_valid_two_stage_design_builds() -> None:
    assert _two_stage().degrees_of_freedom == 5 - 2


def test_unknown_ssu_columns() -> None:
    with pytest.raises(DesignError, match="column 'nope' given as ssu= is not in the"):
        _design(ssu="nope")
    with pytest.raises(DesignError, match="column 'nope' given as ssu_fpc= is not in the"):
        _design(ssu="label", ssu_fpc="nope")


def test_ssu_fpc_needs_ssu() -> None:
    with pytest.raises(DesignError, match=r"ssu_fpc= needs ssu="):
        _design(ssu_fpc="fpc")


def test_missing_ssu_label() -> None:
    data = _data().assign(person=["a", None, "c", "d", "e", "f"])
    with pytest.raises(DesignError, match=r"ssu column 'person' has 1 missing .* row 1"):
        _design(data, ssu="person")


@pytest.mark.parametrize(
    ("staff", "problem"),
    [
        ([4, 3, 3, 2, 2, 2], "varies within the PSU of row 0"),
        ([1, 1, 3, 2, 2, 2], "is smaller than the secondary units sampled there of row 0"),
    ],
)
def test_invalid_ssu_fpc(staff: list[int], problem: str) -> None:
    data = _data().assign(staff=staff)
    with pytest.raises(DesignError, match=rf"ssu_fpc column 'staff' {problem}"):
        _design(data, ssu="label", ssu_fpc="staff")


def test_missing_or_text_ssu_fpc() -> None:
    data = _data().assign(staff=[4, 4, np.nan, 2, 2, 2])
    with pytest.raises(DesignError, match=r"ssu_fpc column 'staff' has 1 missing .* row 2"):
        _design(data, ssu="label", ssu_fpc="staff")
    data = _data().assign(staff="many")
    with pytest.raises(DesignError, match=r"column 'staff' used as ssu_fpc is not numeric"):
        _design(data, ssu="label", ssu_fpc="staff")


def test_lonely_secondary_unit_fail() -> None:
    # PSU p2 has a single respondent and an unknown staff count: no within-PSU variance
    with pytest.raises(DesignError, match=r"the PSU of row 2 has only one secondary unit"):
        _design(ssu="label", lonely_psu="fail")
    # ...unless that respondent is the whole PSU (ssu_fpc = 1), as a GP is
    data = _data().assign(staff=[np.inf, np.inf, 1, 1, 1, 1])
    assert _design(data, ssu="label", ssu_fpc="staff", lonely_psu="fail").mean("y")["se"][0] > 0


# -- issue 15: glm, intervals and raking --------------------------------------------------------

MARGINS = {"stratum": {"a": 5, "b": 10}, "label": {"x": 6, "y": 5, "z": 4}}


@pytest.mark.parametrize(
    ("margins", "fragment"),
    [
        ({"county": {"a": 5}}, "'county' is not a column"),
        ({"stratum": {"a": 5}}, "['b'] occur in the data but have no population total"),
        ({"stratum": {"a": 5, "b": 10, "c": 2}}, "['c'] have a population total but no"),
        ({"stratum": {"a": 5, "b": 10}, "label": {"x": 6, "y": 5, "z": 5}}, "disagree"),
        ({"stratum": {"a": 5, "b": -1}}, "positive number"),
        ({"stratum": {"a": 5, "b": "many"}}, "positive number"),
        ({"y": {"1.0": 1}}, "missing value"),
        ({}, "needs margins"),
        ({"stratum": [5, 10]}, "must map each level"),
    ],
)
def test_rake_refuses_margins_that_do_not_fit(margins: dict, fragment: str) -> None:
    with pytest.raises(DesignError, match=None) as error:
        _design().rake(margins)
    assert fragment in str(error.value)


def test_rake_accepts_fitting_margins_and_matches_levels_as_text() -> None:
    data = _data().assign(code=[3, 3, 4, 4, 4, 3])
    raked = _design(data).rake({"code": {"3": 7, "4": 8}})
    assert raked.weights.sum() == pytest.approx(15)


def test_rake_refuses_collinear_margins() -> None:
    data = _data().assign(copy=_data()["stratum"])
    with pytest.raises(DesignError, match="collinear"):
        _design(data).rake({"stratum": {"a": 5, "b": 10}, "copy": {"a": 5, "b": 10}})


@pytest.mark.parametrize(
    ("formula", "family", "fragment"),
    [
        ("y ~ nothing", "gaussian", "cannot be built"),
        ("y ~ stratum", "poisson", "not supported"),
        ("y ~ stratum", "binomial", "response in [0, 1]"),
        ("y ~ stratum + stratum_copy", "gaussian", "not all estimable"),
    ],
)
def test_glm_refuses_bad_models(formula: str, family: str, fragment: str) -> None:
    data = _data().assign(stratum_copy=_data()["stratum"])
    with pytest.raises(DesignError) as error:
        _design(data).glm(formula, family=family)
    assert fragment in str(error.value)


def test_wald_test_names_the_terms_of_the_model() -> None:
    model = _design().glm("y ~ stratum")
    with pytest.raises(DesignError, match=r"'label' is not a term.*\['Intercept', 'stratum'\]"):
        model.wald_test("label")


@pytest.mark.parametrize("df", ["t", 2.5, True])
def test_mean_refuses_an_unknown_df(df: object) -> None:
    with pytest.raises(DesignError, match="df="):
        _design().mean("y", df=df)


def test_proportion_refuses_an_unknown_method() -> None:
    with pytest.raises(DesignError, match="method='wilson' is not supported"):
        _design().proportion("share", method="wilson")
