"""Tests of anchoring.analysis.change: change between rounds, Holm adjustment and the gap.

Methodology §5.

Reference numbers: R's ``p.adjust(..., method = "holm")`` stored in
``tests/results/survey_reference.csv`` (case ``holm_p_adjust``, written by
``tests/r/reference_survey.R``); statsmodels' ``multipletests(method="holm")`` as an
independent implementation; Holm (1979) step-down adjustment worked by hand for
p = (0.01, 0.04, 0.03): sorted 0.01, 0.03, 0.04 →
3·0.01 = 0.03, 2·0.03 = 0.06, max(0.06, 1·0.04) = 0.06.
Two-sided normal p of z = 1.959963984540054 is 0.05 (the 97.5 % normal quantile).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from anchoring.analysis.change import (
    CHANGE_COLUMNS,
    estimate_change,
    estimate_gap,
    estimate_panel_change,
    holm_adjust,
    stack_rounds,
    two_sided_normal_p,
)
from anchoring.analysis.round_design import round_design

GROUPS = ("municipality", "hospital", "gp", "sector")


def test_holm_by_hand_and_not_holm_sidak():
    adjusted = holm_adjust([0.01, 0.04, 0.03])
    assert adjusted == pytest.approx([0.03, 0.06, 0.06])
    # Holm–Šidák would give 1 − (1 − 0.01)^3 = 0.029701 for the smallest
    assert adjusted[0] != pytest.approx(1 - 0.99**3)


def test_holm_leaves_missing_out_of_the_family():
    adjusted = holm_adjust([0.01, np.nan, 0.04])
    assert np.isnan(adjusted[1])
    # family of two: 2·0.01 = 0.02, max(0.02, 0.04) = 0.04
    assert adjusted[[0, 2]] == pytest.approx([0.02, 0.04])


def _r_holm_reference() -> tuple[np.ndarray, np.ndarray, str]:
    """The family and R's answer stored by tests/r/reference_survey.R (case holm_p_adjust)."""
    reference = pd.read_csv(
        Path(__file__).parent / "results" / "survey_reference.csv", dtype=str, keep_default_na=False
    )
    rows = reference[reference["case"] == "holm_p_adjust"]
    call = rows["call"].iloc[0]
    family = call[call.index("c(") + 2 : call.index(")")].split(", ")
    p = np.array([np.nan if v == "NA" else float(v) for v in family])
    expected = np.array([np.nan if v == "NA" else float(v) for v in rows["value"]])
    return p, expected, call


def test_holm_matches_r_p_adjust():
    p, expected, call = _r_holm_reference()
    assert len(p) == len(expected) == 10, call
    np.testing.assert_allclose(holm_adjust(p), expected, rtol=1e-15, err_msg=call)


@pytest.mark.parametrize("seed", range(20))
def test_holm_matches_statsmodels_multipletests(seed):
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 40))
    # rounded p-values make ties; some families hold large values whose adjustment reaches 1
    p = np.round(rng.uniform(0, rng.choice([0.05, 1.0]), m) ** 2, 3)
    expected = multipletests(p, method="holm")[1]
    np.testing.assert_allclose(holm_adjust(p), expected, rtol=1e-15)
    shuffled = rng.permutation(m)
    np.testing.assert_allclose(holm_adjust(p[shuffled]), expected[shuffled], rtol=1e-15)


def test_holm_of_an_empty_or_all_missing_family():
    assert holm_adjust([]).shape == (0,)
    assert np.isnan(holm_adjust([np.nan, np.nan])).all()


def test_two_sided_p():
    assert two_sided_normal_p(1.959963984540054) == pytest.approx(0.05, rel=1e-12)
    assert two_sided_normal_p(0.0) == 1.0


def _estimates(values: dict, ses: dict, measure: str = "pll") -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "measure": measure,
                "group": g,
                "breakdown": "",
                "domain": "",
                "dimension": "index",
                "statistic": "mean",
                "estimate": values[g],
                "se": ses[g],
            }
            for g in GROUPS
        ]
    )


def test_change_delta_se_p_and_holm():
    before = _estimates(
        {"municipality": 50, "hospital": 60, "gp": 40, "sector": 50},
        {"municipality": 2, "hospital": 3, "gp": 1, "sector": 1.2},
    )
    after = _estimates(
        {"municipality": 55, "hospital": 60, "gp": np.nan, "sector": 52},
        {"municipality": 1.5, "hospital": 4, "gp": np.nan, "sector": 1.6},
    )
    table = estimate_change(after, before, "r2", "r1").set_index("group")
    assert list(estimate_change(after, before, "r2", "r1").columns) == list(CHANGE_COLUMNS)
    # Δ = 55 − 50, se = sqrt(1.5² + 2²) = 2.5, z = 2
    assert table.at["municipality", "change"] == 5
    assert table.at["municipality", "se"] == pytest.approx(2.5)
    assert table.at["municipality", "p_value"] == pytest.approx(2 * (1 - 0.9772498680518208))
    # suppressed now → absent and out of the family; family = municipality, hospital
    assert table.at["gp", "is_suppressed"]
    assert np.isnan(table.at["gp", "change"]) and np.isnan(table.at["gp", "p_value_holm"])
    p = table.loc[["municipality", "hospital"], "p_value"].to_numpy()
    assert table.loc[["municipality", "hospital"], "p_value_holm"].to_numpy() == pytest.approx(
        holm_adjust(p)
    )
    # the sector row is its own family (one test: unadjusted)
    assert table.at["sector", "p_value_holm"] == pytest.approx(table.at["sector", "p_value"])


def test_gap_is_highest_minus_lowest_with_independent_se():
    groups = pd.DataFrame(
        {
            "group": ["municipality", "hospital", "gp"],
            "estimate": [50.0, 62.0, 41.0],
            "se": [2.0, 3.0, 4.0],
        }
    )
    gap = estimate_gap(groups)
    assert gap["estimate"] == 21.0
    assert gap["contrast"] == "hospital - gp"
    # independent groups: se = sqrt(3² + 4²) = 5, z = 4.2
    assert gap["se"] == pytest.approx(5.0)
    assert gap["z"] == pytest.approx(4.2)
    # with a covariance matrix: var = 9 + 16 − 2·1
    cov = np.diag([4.0, 9.0, 16.0])
    cov[1, 2] = cov[2, 1] = 1.0
    assert estimate_gap(groups, cov)["se"] == pytest.approx(np.sqrt(23.0))


def test_gap_needs_two_groups():
    groups = pd.DataFrame(
        {
            "group": ["municipality", "hospital", "gp"],
            "estimate": [50.0, np.nan, np.nan],
            "se": [2.0, np.nan, np.nan],
        }
    )
    assert np.isnan(estimate_gap(groups)["estimate"])


def test_change_says_which_standard_error_it_used():
    before = _estimates(dict.fromkeys(GROUPS, 50.0), dict.fromkeys(GROUPS, 2.0))
    after = _estimates(dict.fromkeys(GROUPS, 53.0), dict.fromkeys(GROUPS, 1.5))
    panel = pd.DataFrame({"measure": ["pll"], "group": ["hospital"], "se": [1.0]})
    table = estimate_change(after, before, "r2", "r1", panel=panel).set_index("group")
    assert table.at["hospital", "method"] == "panel" and table.at["hospital", "se"] == 1.0
    assert table.at["gp", "method"] == "independent"
    assert table.at["gp", "se"] == pytest.approx(2.5) == table.at["hospital", "se_independent"]


def _panel_round(rng, orgs, effects, shift):
    """One round of a simulated panel: 2-4 respondents per organisation answering around it."""
    sizes = rng.integers(2, 5, len(orgs))
    org = np.repeat(orgs, sizes)
    index = np.repeat(effects[orgs], sizes) + shift + rng.normal(0, 8, sizes.sum())
    stratum = np.where(org < 30, "municipality:a", "municipality:b")
    responding = {"municipality:a": np.sum(orgs < 30), "municipality:b": np.sum(orgs >= 30)}
    weight = np.array([30 / responding[s] for s in stratum]) / np.repeat(sizes, sizes)
    return pd.DataFrame(
        {
            "group": "municipality",
            "org_id": org.astype(str),
            "stratum": stratum,
            "fpc": 30,
            "weight": weight,
            "respondent_key": [f"r{k}" for k in range(len(org))],
            "index_pll": index,
        }
    )


def _panel_and_independent_p(rng, shift):
    effects = rng.normal(55, 12, 60)
    first = np.sort(np.concatenate([rng.choice(30, 18, False), 30 + rng.choice(30, 18, False)]))
    # a panel: most organisations answer again, a few drop out and others join
    stay = first[rng.random(len(first)) < 0.85]
    joined = np.setdiff1d(np.arange(60), first)[:4]
    second = np.sort(np.concatenate([stay, joined]))
    one, two = _panel_round(rng, first, effects, 0), _panel_round(rng, second, effects, shift)
    se = [round_design(r).mean("index_pll")["se"].iloc[0] for r in (one, two)]
    change = two["index_pll"] @ two["weight"] / 60 - one["index_pll"] @ one["weight"] / 60
    independent = two_sided_normal_p(change / np.hypot(*se))
    panel = estimate_panel_change(
        stack_rounds(two, one, "r2", "r1"), {"pll": "index_pll"}, "r2", "r1"
    )
    row = panel[panel["group"] == "municipality"].iloc[0]
    assert row["change"] == pytest.approx(change, rel=1e-9)
    return float(two_sided_normal_p(row["change"] / row["se"])), float(independent)


def test_panel_change_is_at_least_as_powerful_and_holds_its_level():
    """200 simulated panels (85 % of organisations answer again): rejections at 5 %."""
    rng = np.random.default_rng(15)
    null = np.array([_panel_and_independent_p(rng, 0.0) for _ in range(200)])
    shifted = np.array([_panel_and_independent_p(rng, 4.0) for _ in range(200)])
    level = (null < 0.05).mean(axis=0)
    power = (shifted < 0.05).mean(axis=0)
    assert level[0] <= 0.08, level
    assert power[0] >= power[1], power
