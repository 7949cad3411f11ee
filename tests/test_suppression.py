"""Tests of anchoring.analysis.suppression: primary and secondary small-cell suppression.

Methodology §7.

Expected outcomes follow from the rules in the module docstring; the recoverability checks are
identities (sector = mean of the three groups).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from anchoring.analysis.suppression import (
    SECONDARY_BREAKDOWN,
    SECONDARY_GAP,
    SECONDARY_SECTOR,
    TOO_FEW_ORGANISATIONS,
    TOO_FEW_RESPONDENTS,
    suppress_small_cells,
)

GROUPS = ("municipality", "hospital", "gp")


def _row(group, n, n_orgs, *, statistic="mean", breakdown="", domain="", estimate=50.0, **more):
    return {
        "measure": "pll",
        "group": group,
        "breakdown": breakdown,
        "domain": domain,
        "dimension": "index",
        "statistic": statistic,
        "estimate": estimate,
        "se": 2.0,
        "ci_low": estimate - 4,
        "ci_high": estimate + 4,
        "n": n,
        "n_orgs": n_orgs,
        **more,
    }


def _index_rows(sizes: dict[str, tuple[int, int]], values=(60.0, 40.0, 50.0)) -> list[dict]:
    rows = [_row(g, *sizes[g], estimate=v) for g, v in zip(GROUPS, values, strict=True)]
    rows.append(
        _row("sector", sum(s[0] for s in sizes.values()), 99, estimate=float(np.mean(values)))
    )
    return rows


def _recoverable(table: pd.DataFrame) -> bool:
    """True if one hidden group could be recovered as 3·sector − the two shown groups."""
    cells = table.set_index("group")
    hidden = [g for g in GROUPS if cells.at[g, "is_suppressed"]]
    return len(hidden) == 1 and not cells.at["sector", "is_suppressed"]


def test_primary_reasons_and_values_absent():
    table = pd.DataFrame(
        _index_rows({"municipality": (4, 4), "hospital": (40, 2), "gp": (400, 400)})
    )
    out = suppress_small_cells(table, min_n=5, min_orgs=3).set_index("group")
    assert out.at["municipality", "suppression_reason"] == TOO_FEW_RESPONDENTS
    assert out.at["hospital", "suppression_reason"] == TOO_FEW_ORGANISATIONS
    assert out.at["gp", "suppression_reason"] == ""
    hidden = out.loc[["municipality", "hospital"], ["estimate", "se", "ci_low", "ci_high"]]
    assert hidden.isna().all().all()
    # counts stay
    assert out.at["municipality", "n"] == 4
    assert out.at["gp", "estimate"] == 50.0


def test_both_primary_reasons_are_recorded():
    table = pd.DataFrame(_index_rows({"municipality": (2, 1), "hospital": (9, 9), "gp": (9, 9)}))
    out = suppress_small_cells(table).set_index("group")
    assert out.at["municipality", "suppression_reason"] == (
        f"{TOO_FEW_RESPONDENTS}; {TOO_FEW_ORGANISATIONS}"
    )


def test_sector_hidden_when_one_group_is_hidden():
    table = pd.DataFrame(_index_rows({"municipality": (50, 20), "hospital": (3, 3), "gp": (9, 9)}))
    out = suppress_small_cells(table)
    assert out.set_index("group").at["sector", "suppression_reason"] == SECONDARY_SECTOR
    assert not _recoverable(out)
    assert out.loc[out["group"] == "sector", "estimate"].isna().all()


def test_nothing_hidden_when_all_cells_are_large():
    table = pd.DataFrame(_index_rows({"municipality": (50, 20), "hospital": (30, 9), "gp": (9, 9)}))
    out = suppress_small_cells(table)
    assert not out["is_suppressed"].any()
    assert out["estimate"].notna().all()


def test_breakdown_row_never_leaves_one_hidden_cell():
    rows = _index_rows({"municipality": (60, 30), "hospital": (40, 10), "gp": (9, 9)})
    strata = [
        ("municipality:03", 2, 1),
        ("municipality:11", 20, 10),
        ("municipality:15", 8, 4),
        ("municipality:18", 30, 15),
    ]
    rows += [_row("municipality", n, o, breakdown="stratum", domain=d) for d, n, o in strata]
    out = suppress_small_cells(pd.DataFrame(rows)).set_index("domain")
    assert out.at["municipality:03", "suppression_reason"] == TOO_FEW_RESPONDENTS + "; " + (
        TOO_FEW_ORGANISATIONS
    )
    # the next smallest shown cell (n = 8) is hidden too
    assert out.at["municipality:15", "suppression_reason"] == SECONDARY_BREAKDOWN
    assert out.loc[["municipality:11", "municipality:18"], "is_suppressed"].eq(False).all()
    row = out[out["breakdown"] == "stratum"]
    assert row["is_suppressed"].sum() != 1


def test_breakdown_with_two_hidden_cells_needs_no_more():
    rows = _index_rows({"municipality": (60, 30), "hospital": (40, 10), "gp": (9, 9)})
    strata = [("municipality:03", 2, 1), ("municipality:11", 3, 3), ("municipality:18", 55, 26)]
    rows += [_row("municipality", n, o, breakdown="stratum", domain=d) for d, n, o in strata]
    out = suppress_small_cells(pd.DataFrame(rows)).set_index("domain")
    assert not out.at["municipality:18", "is_suppressed"]


def test_gap_hidden_with_a_hidden_group_and_design_statistics_never_hidden():
    rows = _index_rows({"municipality": (50, 20), "hospital": (3, 1), "gp": (9, 9)})
    rows.append(_row("sector", 62, 30, statistic="gap", p_value=0.01))
    rows.append(_row("hospital", 3, 1, statistic="response_rate", estimate=0.05))
    out = suppress_small_cells(pd.DataFrame(rows)).set_index(["group", "statistic"])
    assert out.at[("sector", "gap"), "suppression_reason"] == SECONDARY_GAP
    assert np.isnan(out.at[("sector", "gap"), "p_value"])
    assert not out.at[("hospital", "response_rate"), "is_suppressed"]
    assert out.at[("hospital", "response_rate"), "estimate"] == 0.05


def test_no_size_combination_leaves_a_recoverable_cell():
    # every combination of small and large cells over the three groups (4³ tables)
    choices = [(2, 1), (4, 4), (9, 2), (9, 9)]
    for combination in itertools.product(choices, repeat=3):
        sizes = dict(zip(GROUPS, combination, strict=True))
        out = suppress_small_cells(pd.DataFrame(_index_rows(sizes)))
        assert not _recoverable(out)
        assert out.loc[out["is_suppressed"], "estimate"].isna().all()
        assert out["is_suppressed"].any() == any(n < 5 or o < 3 for n, o in combination)


def test_a_simulated_round_with_two_trusts_hides_them_and_the_sector(tmp_path):
    """A round simulated with two responding trusts (``simulate_round(responding=...)``)."""
    from anchoring.analysis import analyse_round
    from anchoring.cleaning import clean_round
    from anchoring.simulate import simulate_round

    (tmp_path / "notebooks").mkdir()
    simulate_round(tmp_path, "hidden", seed=5, responding={"hospital": 2})
    clean_round(tmp_path, "hidden")
    table = analyse_round(tmp_path, "hidden").estimates
    index = table[(table["breakdown"] == "") & (table["dimension"] == "index")]
    index = index[index["statistic"] == "mean"].set_index(["measure", "group"])
    for measure in index.index.get_level_values("measure").unique():
        assert index.at[(measure, "hospital"), "suppression_reason"] == "too_few_organisations"
        assert index.at[(measure, "sector"), "is_suppressed"]
        assert pd.isna(index.at[(measure, "hospital"), "estimate"])
        assert not index.at[(measure, "municipality"), "is_suppressed"]
