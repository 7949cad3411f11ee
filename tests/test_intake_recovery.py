"""Simulated rounds in the tools' formats, taken in through init-round, recover the truth.

``anchoring simulate --formats nettskjema-text,forms,qualtrics`` writes Nettskjema (without
codebook), Microsoft Forms and Qualtrics exports with organisations typed as names and planted
tests, resubmissions and unfinished answers. Only the exports are handed to ``init-round``; the
analyst sets the fieldwork dates and decides the ambiguous names (from ``truth.json``, as the
analyst would from knowing the respondents). Then the round is cleaned and analysed, and the
published intervals must cover the simulated finite-population truth at the nominal rate.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from anchoring.analysis import analyse_round
from anchoring.cleaning import clean_round
from anchoring.intake.init_round import init_round
from anchoring.intake.validate import validate_round
from anchoring.simulate import simulate_round
from test_analysis import _recovery_rows
from test_intake_round import decide

pytestmark = pytest.mark.slow

SEEDS = (201, 202, 203)
FORMATS = ("nettskjema-text", "forms", "qualtrics")
FILES = ("kommuner.csv", "helseforetak.xlsx", "fastleger.csv")


def _decisions(truth: dict) -> dict[str, dict[str, str]]:
    """Per source, the analyst's answer for every ambiguous name, from the simulation's truth."""
    return {
        source_id: {raw.strip(): m["org_id"] for raw, m in source["ambiguous_org_values"].items()}
        for source_id, source in truth["intake"].items()
    }


@pytest.fixture(scope="module")
def recovered(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    rows = []
    for seed in SEEDS:
        round_id = f"tools-{seed}"
        simulated = simulate_round(tmp_path_factory.mktemp("sim"), round_id, seed, formats=FORMATS)
        truth = json.loads((simulated / "truth.json").read_text(encoding="utf-8"))
        root = tmp_path_factory.mktemp("analyst")
        draft = init_round(root, round_id, [simulated / f for f in FILES])
        fieldwork = truth["fieldwork"]
        text = decide(
            draft.read_text("utf-8"), fieldwork["start"], fieldwork["end"], _decisions(truth)
        )
        draft.write_text(text, encoding="utf-8")
        assert validate_round(root, round_id) == []
        cleaned = clean_round(root, round_id)
        assert cleaned.rows_read == cleaned.kept_n + cleaned.excluded_n
        estimates = analyse_round(root, round_id).estimates
        rows += _recovery_rows(estimates, truth["truth"], seed=seed)
    table = pd.DataFrame(rows)
    table["covered"] = (table["ci_low"] <= table["truth"]) & (table["truth"] <= table["ci_high"])
    return table


@pytest.mark.parametrize("group", ["municipality", "hospital", "gp", "sector"])
def test_intervals_cover_the_truth_at_the_nominal_rate(recovered: pd.DataFrame, group: str):
    rows = recovered[(recovered["group"] == group) & (recovered["se"] > 0)]
    # 3 seeds × 4 measures × (index + 7 mean items + 14 shares), less zero-width intervals:
    # 95 % intervals cover 90-99 % of them (outside that band, P < 0.001 for correct ones)
    assert len(rows) > 200
    assert 0.90 <= rows["covered"].mean() <= 0.99, rows.groupby("statistic")["covered"].mean()
    index = rows[rows["dimension"] == "index"]
    assert len(index) == 12 and index["covered"].sum() >= 10
