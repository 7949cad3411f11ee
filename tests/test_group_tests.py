"""Tests of anchoring.analysis.group_tests: the findings, Holm's families and the test's level.

The identities with the round's estimates (the pairwise contrasts are differences of the
published group means) and the R back-test are in tests/test_analysis.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anchoring.analysis.estimate_rows import RoundData
from anchoring.analysis.group_tests import (
    GROUPS_EQUAL,
    PAIR,
    adjust_group_tests,
    estimate_group_tests,
    summarise_group_findings,
)
from anchoring.analysis.parquet_tables import GROUP_TEST_COLUMNS
from anchoring.analysis.round_design import round_design
from anchoring.analysis.scoring import index_column
from anchoring.frames import load_frames
from anchoring.instrument import load_instrument

INSTRUMENT = load_instrument()
MEASURES = tuple(INSTRUMENT.measure_ids)


def _tests(measure: str, overall_p: float, pairs: dict[str, tuple[float, float]]) -> list[dict]:
    """Unadjusted test rows of one measure: pairs maps "a - b" to (difference, p)."""
    rows = [
        {"measure": measure, "test": GROUPS_EQUAL, "contrast": "", "estimate": np.nan},
    ]
    rows[0].update(p_value=overall_p, holm_family="measures")
    for contrast, (difference, p) in pairs.items():
        rows.append(
            {
                "measure": measure,
                "test": PAIR,
                "contrast": contrast,
                "estimate": difference,
                "p_value": p,
                "holm_family": measure,
            }
        )
    return rows


def _adjusted(rows: list[dict]) -> pd.DataFrame:
    table = pd.DataFrame(rows).reindex(columns=[c for c in GROUP_TEST_COLUMNS if c != "round_id"])
    table = table.fillna({"n": 0, "n_orgs": 0}).assign(suppression_reason="")
    table["is_suppressed"] = table["p_value"].isna()
    table["is_significant"] = False
    return adjust_group_tests(table, "r", 0.95)


def _holm(p: list[float]) -> list[float]:
    """Holm's step-down adjustment written out (R's p.adjust(method = "holm"))."""
    order = np.argsort(p, kind="stable")
    adjusted, running = np.empty(len(p)), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p) - rank) * p[i]))
        adjusted[i] = running
    return adjusted.tolist()


def test_holm_over_measures_and_over_each_measures_pairs():
    pairs = {"municipality - hospital": (1.0, 0.04), "municipality - gp": (2.0, 0.01)}
    pairs["hospital - gp"] = (1.0, 0.30)
    rows = _tests("pll", 0.01, pairs) + _tests("pjd", 0.02, pairs) + _tests("dho", 0.5, pairs)
    table = _adjusted(rows)
    overall = table[table["test"] == GROUPS_EQUAL].set_index("measure")
    expected = dict(zip(["pll", "pjd", "dho"], _holm([0.01, 0.02, 0.5]), strict=True))
    for measure, p in expected.items():
        assert overall.at[measure, "p_value_holm"] == pytest.approx(p, rel=1e-15)
    pll = table[(table["measure"] == "pll") & (table["test"] == PAIR)].set_index("contrast")
    for contrast, p in zip(pairs, _holm([0.04, 0.01, 0.30]), strict=True):
        assert pll.at[contrast, "p_value_holm"] == pytest.approx(p, rel=1e-15)
    # a pair is significant only where its measure's groups differ (dho: p_holm 0.5)
    significant = table[table["is_significant"]]
    assert set(significant["measure"]) == {"pll", "pjd"}
    assert set(significant.loc[significant["test"] == PAIR, "contrast"]) == {"municipality - gp"}
    assert list(table.columns) == list(GROUP_TEST_COLUMNS)


def test_a_group_lags_only_when_both_its_contrasts_are_significant():
    # gp below both others, both contrasts significant after Holm over the three pairs
    lagging = {
        "municipality - hospital": (1.0, 0.50),
        "municipality - gp": (8.0, 0.001),
        "hospital - gp": (7.0, 0.002),
    }
    # gp below both, but only one contrast significant: nobody lags; the highest (hospital)
    # and the lowest (gp) differ
    one_side = {
        "municipality - hospital": (-3.0, 0.50),
        "municipality - gp": (3.0, 0.20),
        "hospital - gp": (6.0, 0.001),
    }
    # hospital above both, significant: it leads; gp lowest but not apart from municipality
    leading = {
        "municipality - hospital": (-9.0, 0.001),
        "municipality - gp": (1.0, 0.60),
        "hospital - gp": (10.0, 0.0001),
    }
    rows = _tests("pll", 0.001, lagging) + _tests("pjd", 0.001, one_side)
    rows += _tests("kritisk_info", 0.001, leading) + _tests("dho", 0.30, lagging)
    findings = summarise_group_findings(_adjusted(rows)).set_index("measure")
    assert findings.loc["pll", ["lagging_group", "leading_group"]].tolist() == ["gp", ""]
    assert findings.loc["pjd", ["lagging_group", "leading_group"]].tolist() == ["", ""]
    assert bool(findings.at["pjd", "has_group_difference"])
    assert findings.loc["kritisk_info", ["lagging_group", "leading_group"]].tolist() == [
        "",
        "hospital",
    ]
    # dho: the same pairs, but its test of equal groups is not significant after Holm
    assert findings.loc["dho", ["lagging_group", "leading_group"]].tolist() == ["", ""]
    assert not bool(findings.at["dho", "has_group_difference"])


# --- the level of the test under equal groups (simulation) ------------------------------------

# Synthetic rounds shaped like a real one: every stratum of the packaged frames, a share of its
# organisations sampled (most trusts, about a third of the municipalities, few GPs), 1–4
# leaders per municipality, 2–5 per trust, one answer per GP. Each organisation has a position
# per measure; each group's positions are centred on the same value, so the three group means
# over the frame (the estimand, each organisation counting once) are exactly equal. Answers
# are the position plus respondent noise. (The simulator, anchoring.simulate, cannot make the
# groups equal: their true index differs through roles, «Vet ikke» and item effects, so the
# rounds are built directly: docs/decisions.md.)
SAMPLED = {"municipality": (0.35, (1, 4)), "hospital": (0.85, (2, 5)), "gp": (0.08, (1, 1))}
LEVEL_ROUNDS = 200


FRAMES = load_frames()


def _equal_groups_round(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = FRAMES
    rows = []
    for group, (fraction, (low, high)) in SAMPLED.items():
        psu_n = {s: int(n) for s, n in frames[group].psu_n().items()}
        positions = rng.normal(55.0, 10.0, size=(sum(psu_n.values()), len(MEASURES)))
        positions += 55.0 - positions.mean(axis=0)  # equal group means over the frame
        first = 0
        for stratum, n_frame in psu_n.items():
            n_sampled = max(1, round(fraction * n_frame))
            for j in rng.choice(n_frame, size=n_sampled, replace=False):
                m_j = int(rng.integers(low, high + 1))
                answers = positions[first + j] + rng.normal(0.0, 12.0, (m_j, len(MEASURES)))
                weight = n_frame / n_sampled / m_j
                for r in range(m_j):
                    key = f"{stratum}:{j}:{r}"
                    org = key if group == "gp" else f"{stratum}:{j}"
                    rows.append([group, org, stratum, n_frame, weight, key, *answers[r]])
            first += n_frame
    columns = ["group", "org_id", "stratum", "fpc", "weight", "respondent_key"]
    return pd.DataFrame(rows, columns=columns + [index_column(m) for m in MEASURES])


@pytest.mark.slow
def test_the_test_of_equal_groups_holds_its_level():
    # 200 rounds × 4 measures = 800 tests under equal groups: at 5 % the rejections must be
    # 3–7 % (± 2.6 binomial SE; 5.9 % when written); the old highest-minus-lowest z-test
    # rejected 11–12 %. A round in which some group is called lagging or leading, or some
    # measure's groups different, is a family-wise error: Holm over the four measures keeps it
    # near 5 % (6.0 % when written: the trusts' few design df make the F test a little liberal
    # in the tail Holm uses, 1.5 % rejections at 1.25 %); without Holm it would be about 20 %.
    rejected, rounds_with_finding = [], 0
    for seed in range(LEVEL_ROUNDS):
        data = _equal_groups_round(seed)
        round_data = RoundData(round_design(data), data, INSTRUMENT, MEASURES, 0.95)
        tests = estimate_group_tests(round_data)
        overall = tests[tests["test"] == GROUPS_EQUAL]
        rejected += (overall["p_value"] < 0.05).tolist()
        findings = summarise_group_findings(adjust_group_tests(tests, "sim", 0.95))
        named = (findings["lagging_group"] != "") | (findings["leading_group"] != "")
        rounds_with_finding += bool((named | findings["has_group_difference"]).any())
    rate = float(np.mean(rejected))
    assert len(rejected) == 4 * LEVEL_ROUNDS
    assert 0.03 <= rate <= 0.07, rate
    assert rounds_with_finding / LEVEL_ROUNDS <= 0.08, rounds_with_finding
