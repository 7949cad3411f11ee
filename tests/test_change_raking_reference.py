"""Back-tests of the panel change and of raking against R's survey package.

The stored numbers come from ``tests/r/reference_change_raking.R`` (the R call beside each in
``tests/results/change_raking_reference.csv``) on the two rounds of
``tests/data/change_raking_responses.csv`` and the frame ``tests/data/change_raking_frame.csv``
(``tests/r/make_change_raking_data.py``). Python reads the same files: estimates must agree to
1e-8, standard errors and p-values to 1e-6 (issue 15).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from anchoring.analysis.change import estimate_change, estimate_panel_change, stack_rounds
from anchoring.analysis.scoring import index_column, score_responses
from anchoring.analysis.weighting import DesignBuilder
from anchoring.frames import load_frames
from anchoring.groups import GROUPS, SECTOR
from anchoring.instrument import load_instrument
from anchoring.survey import SurveyDesign
from anchoring.weights import prepare_raking

TESTS = Path(__file__).parent
RESPONSES_FILE = TESTS / "data" / "change_raking_responses.csv"
FRAME_FILE = TESTS / "data" / "change_raking_frame.csv"
RESULTS_FILE = TESTS / "results" / "change_raking_reference.csv"
PREVIOUS, CURRENT = "demo-previous", "demo"
MEASURES = ("pll", "dho")
MARGINS = {"municipality": ["fylkesnummer", "size_class"]}
ESTIMATE_TOLERANCE = 1e-8
SE_TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    table = pd.read_csv(RESULTS_FILE, dtype={"domain": "str"}, keep_default_na=False)
    table = table[table["case"] != "meta"].copy()
    table["value"] = table["value"].astype("float64")
    return table


@pytest.fixture(scope="module")
def rounds() -> dict[str, pd.DataFrame]:
    """Each round's design columns and index columns, scored by the package."""
    text = {"round": "str", "respondent_key": "str", "org_id": "str", "stratum": "str"}
    raw = pd.read_csv(RESPONSES_FILE, dtype=text)
    scored = score_responses(raw, load_instrument(), MEASURES)
    indices = [index_column(m) for m in MEASURES]
    data = pd.concat([raw, scored.loc[:, indices]], axis=1)
    return {
        r: data[data["round"] == r].drop(columns="round").reset_index(drop=True)
        for r in (PREVIOUS, CURRENT)
    }


def _stored(reference: pd.DataFrame, case: str, quantity: str) -> pd.Series:
    rows = reference[(reference["case"] == case) & (reference["quantity"] == quantity)]
    assert not rows.empty, f"no stored {quantity} for {case}"
    return rows.set_index("domain")["value"]


@pytest.fixture(scope="module")
def panel(rounds) -> pd.DataFrame:
    stacked = stack_rounds(rounds[CURRENT], rounds[PREVIOUS], CURRENT, PREVIOUS)
    variables = {m: index_column(m) for m in MEASURES}
    return estimate_panel_change(stacked, variables, CURRENT, PREVIOUS)


@pytest.mark.parametrize("measure", MEASURES)
def test_stacked_change_equals_r_svycontrast(panel, reference, measure):
    case = f"change:{measure}:index"
    ours = panel[panel["measure"] == measure].set_index("group")
    for quantity, tolerance in (("change", ESTIMATE_TOLERANCE), ("se", SE_TOLERANCE)):
        stored = _stored(reference, case, quantity)
        assert set(stored.index) == {*GROUPS, SECTOR}
        np.testing.assert_allclose(
            ours.loc[stored.index, quantity], stored, rtol=0, atol=tolerance, err_msg=quantity
        )


def _index_estimates(data: pd.DataFrame) -> pd.DataFrame:
    """A round's group and sector index means in the layout of ``estimates.parquet``."""
    design = SurveyDesign(data, weights="weight", psu="org_id", strata="stratum")
    blocks = []
    for measure in MEASURES:
        means = design.mean(index_column(measure), by="group").loc[:, ["group", "estimate", "se"]]
        sector = {"group": SECTOR, "estimate": means["estimate"].mean(), "se": np.nan}
        blocks.append(pd.concat([means, pd.DataFrame([sector])]).assign(measure=measure))
    table = pd.concat(blocks, ignore_index=True)
    return table.assign(breakdown="", dimension="index", statistic="mean")


def test_change_p_values_and_holm_equal_r(rounds, panel, reference):
    current, previous = _index_estimates(rounds[CURRENT]), _index_estimates(rounds[PREVIOUS])
    change = estimate_change(current, previous, CURRENT, PREVIOUS, panel=panel)
    assert set(change["method"]) == {"panel"}
    for measure in MEASURES:
        ours = change[change["measure"] == measure].set_index("group")
        case = f"change:{measure}:index"
        stored_change = _stored(reference, case, "change")
        np.testing.assert_allclose(
            ours.loc[stored_change.index, "change"], stored_change, rtol=0, atol=1e-8
        )
        for quantity in ("p_value", "p_value_holm"):
            stored = _stored(reference, case, quantity)
            np.testing.assert_allclose(
                ours.loc[stored.index, quantity], stored, rtol=0, atol=SE_TOLERANCE
            )


@pytest.fixture(scope="module")
def raked(rounds):
    frames = load_frames({"municipality": FRAME_FILE})
    rows, margins = prepare_raking(rounds[CURRENT], MARGINS, frames)
    return rows, margins, DesignBuilder("two_stage", margins)(rows)


def test_raking_totals_are_the_frames_counts_as_in_r(raked, reference):
    _, margins, _ = raked
    population = _stored(reference, "raking:population", "total")
    assert margins["margin__group"] == pytest.approx(
        {
            "gp": population["(Intercept)"]
            - population["groupmunicipality"]
            - population["grouphospital"],
            "hospital": population["grouphospital"],
            "municipality": population["groupmunicipality"],
        },
        rel=1e-12,
    )
    counties = margins["margin__municipality__fylkesnummer"]
    sizes = margins["margin__municipality__size_class"]
    for level in ("31", "39", "56"):
        assert counties[f"municipality:{level}"] == population[f"county_{level}"]
    for level in ("medium", "small"):
        assert sizes[f"municipality:{level}"] == population[f"size_{level}"]


@pytest.mark.parametrize("measure", MEASURES)
def test_raked_group_means_equal_r_calibrate(raked, reference, measure):
    _, _, design = raked
    ours = design.mean(index_column(measure), by="group").set_index("group")
    for quantity, tolerance in (("estimate", ESTIMATE_TOLERANCE), ("se", SE_TOLERANCE)):
        stored = _stored(reference, f"raked:{measure}:index", quantity)
        assert set(stored.index) == set(GROUPS)
        np.testing.assert_allclose(
            ours.loc[stored.index, quantity], stored, rtol=0, atol=tolerance, err_msg=quantity
        )
    # raking moved the municipalities (R's design-weighted means are stored beside)
    design_means = _stored(reference, f"design:{measure}:index", "estimate")
    assert abs(ours.loc["municipality", "estimate"] - design_means["municipality"]) > 0.1


@pytest.mark.parametrize("measure", MEASURES)
def test_raked_t_limits_and_design_effects_equal_r(raked, reference, measure):
    # the published interval of a group's mean (t on the domain's df) and its design effect,
    # on the raked design: R's confint(svymean(..., subset(raked_des, dom)), df = degf(subset(
    # des, dom))) and deff = "replace" (the R call beside each number)
    _, _, design = raked
    ours = design.mean(index_column(measure), by="group", df="domain", deff=True)
    ours = ours.set_index("group")
    case = f"raked:{measure}:index"
    for quantity, tolerance in (
        ("ci_low", SE_TOLERANCE),
        ("ci_high", SE_TOLERANCE),
        ("df", 0),
        ("deff", SE_TOLERANCE),
    ):
        stored = _stored(reference, case, quantity)
        assert set(stored.index) == set(GROUPS)
        np.testing.assert_allclose(
            ours.loc[stored.index, quantity].astype(float),
            stored,
            rtol=0,
            atol=tolerance,
            err_msg=quantity,
        )
