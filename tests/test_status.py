"""Tests of anchoring.analysis.status: the anchoring status rule (methodology §6, defaults)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from anchoring.analysis.status import assess_round_status, assess_status, rule_texts
from anchoring.intake.round_config import StatusRule
from anchoring.schema import STATUS_IDS

GOOD_LIMITS = {"municipality": 55.0, "hospital": 60.0, "gp": 51.0}
GOOD_CONSENSUS = {"municipality": 0.7, "hospital": 0.65, "gp": 0.61}


def test_well_anchored_needs_all_three_conditions():
    assert assess_status(65.0, GOOD_LIMITS, GOOD_CONSENSUS).status == "well"
    # a group's lower limit below 50
    low = {**GOOD_LIMITS, "gp": 49.9}
    assert assess_status(70.0, low, GOOD_CONSENSUS).status == "partly"
    # a group's consensus below 0.60
    split = {**GOOD_CONSENSUS, "hospital": 0.59}
    assert assess_status(70.0, GOOD_LIMITS, split).status == "partly"
    # sector index just below 65
    assert assess_status(64.99, GOOD_LIMITS, GOOD_CONSENSUS).status == "partly"


def test_partly_and_weak_boundary_at_50():
    assert assess_status(50.0, GOOD_LIMITS, GOOD_CONSENSUS).status == "partly"
    assert assess_status(49.99, GOOD_LIMITS, GOOD_CONSENSUS).status == "weak"


def test_suppressed_group_means_not_assessed():
    hidden = {**GOOD_LIMITS, "hospital": math.nan}
    assert assess_status(80.0, hidden, GOOD_CONSENSUS).status == "not_assessed"
    assert assess_status(None, GOOD_LIMITS, GOOD_CONSENSUS).status == "not_assessed"
    missing = {"municipality": 55.0, "gp": 60.0}
    assert assess_status(80.0, missing, GOOD_CONSENSUS).status == "not_assessed"


def test_thresholds_come_from_the_config():
    strict = StatusRule(well_index=80, partly_index=70)
    assert assess_status(75.0, GOOD_LIMITS, GOOD_CONSENSUS, strict).status == "partly"
    assert assess_status(65.0, GOOD_LIMITS, GOOD_CONSENSUS, strict).status == "weak"


def test_rule_text_in_both_languages_names_the_thresholds():
    result = assess_status(70.0, GOOD_LIMITS, GOOD_CONSENSUS)
    assert result.label("nb") == "Godt forankret"
    assert "≥ 65" in result.rule["nb"] and "0,60" in result.rule["nb"]
    assert "≥ 65" in result.rule["en"] and "0.60" in result.rule["en"]
    # the level as numbers.py writes a per cent: «95 %» in bokmål, "95%" in English
    assert "95 %" in result.rule["nb"] and "95%" in result.rule["en"]
    texts = rule_texts(StatusRule(), level=0.9)
    assert "90 %" in texts["well"]["nb"] and "90%" in texts["well"]["en"]
    assert set(texts) == set(STATUS_IDS)


def _estimates(sector: float, ci_lows: dict, consensus: dict) -> pd.DataFrame:
    rows = [
        {
            "measure": "pll",
            "group": "sector",
            "breakdown": "",
            "dimension": "index",
            "statistic": "mean",
            "estimate": sector,
            "ci_low": sector - 3,
        }
    ]
    for group, low in ci_lows.items():
        rows.append(
            {
                "measure": "pll",
                "group": group,
                "breakdown": "",
                "dimension": "index",
                "statistic": "mean",
                "estimate": low + 5,
                "ci_low": low,
            }
        )
        rows.append(
            {
                "measure": "pll",
                "group": group,
                "breakdown": "",
                "dimension": "index",
                "statistic": "consensus_tw",
                "estimate": consensus[group],
                "ci_low": math.nan,
            }
        )
    return pd.DataFrame(rows)


def test_round_status_table():
    table = assess_round_status(_estimates(68.0, GOOD_LIMITS, GOOD_CONSENSUS), ["pll", "pjd"])
    assert table["status"].tolist() == ["well", "not_assessed"]
    assert table.loc[0, "min_group_ci_low"] == 51.0
    assert table.loc[0, "min_group_consensus_tw"] == pytest.approx(0.61)
    assert list(table.columns) == [
        "measure",
        "status",
        "status_nb",
        "status_en",
        "rule_nb",
        "rule_en",
        "sector_index",
        "min_group_ci_low",
        "min_group_consensus_tw",
        "group_test_p_value_holm",
        "has_group_difference",
        "lagging_group",
        "leading_group",
    ]
    # without group findings no group is named
    assert table["lagging_group"].tolist() == table["leading_group"].tolist() == ["", ""]
    assert not table["has_group_difference"].any()


def test_round_status_carries_the_group_findings():
    findings = pd.DataFrame(
        {
            "measure": ["pll"],
            "group_test_p_value_holm": [0.004],
            "has_group_difference": [True],
            "lagging_group": ["gp"],
            "leading_group": [""],
        }
    )
    table = assess_round_status(
        _estimates(68.0, GOOD_LIMITS, GOOD_CONSENSUS), ["pll", "pjd"], group_findings=findings
    ).set_index("measure")
    assert table.loc["pll", ["lagging_group", "leading_group"]].tolist() == ["gp", ""]
    assert table.at["pll", "group_test_p_value_holm"] == 0.004
    assert bool(table.at["pll", "has_group_difference"])
    # a measure without findings (pjd: no test) gets the defaults
    assert table.at["pjd", "lagging_group"] == "" and math.isnan(
        table.at["pjd", "group_test_p_value_holm"]
    )
    assert table.at["pll", "status"] == "well"  # the status rule does not use the tests
