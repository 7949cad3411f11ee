"""Tests of anchoring.analysis.scoring: item coding, reverse keys, index, agree/«Vet ikke» flags.

Expected values are worked by hand from the coding table in the module docstring and
methodology §3 (index = 25 × (mean of answered items − 1), at least half the items answered).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anchoring.analysis.scoring import (
    agree_column,
    agree_indicator,
    anchoring_index,
    dont_know_column,
    dont_know_indicator,
    index_column,
    score_column,
    score_item,
    score_responses,
)
from anchoring.exceptions import DesignError
from anchoring.instrument import load_instrument

INSTRUMENT = load_instrument()


def test_score_item_keeps_points_and_drops_non_substantive():
    raw = np.array([1, 2, 3, 4, 5, 8, 9, np.nan])
    assert np.array_equal(score_item(raw, False), [1, 2, 3, 4, 5] + [np.nan] * 3, equal_nan=True)
    # reverse-keyed: 6 − x
    assert np.array_equal(score_item(raw, True), [5, 4, 3, 2, 1] + [np.nan] * 3, equal_nan=True)


def test_indicators_have_the_documented_denominators():
    raw = np.array([1, 3, 4, 5, 8, 9, np.nan])
    scored = score_item(raw, False)
    # agree: among substantive answers only
    assert np.array_equal(
        agree_indicator(scored), [0, 0, 1, 1, np.nan, np.nan, np.nan], equal_nan=True
    )
    # «Vet ikke»: among everyone who answered (8 and 9 included), unanswered missing
    assert np.array_equal(dont_know_indicator(raw), [0, 0, 0, 0, 1, 0, np.nan], equal_nan=True)


def test_agree_is_taken_on_the_scored_direction_of_a_reverse_keyed_item():
    scored = score_item(np.array([1.0, 2.0, 4.0, 5.0]), reverse_keyed=True)
    # raw 1 («Helt uenig» with a negative statement) is the favourable answer 5
    assert agree_indicator(scored).tolist() == [1.0, 1.0, 0.0, 0.0]


def test_index_needs_half_the_items():
    items = np.array(
        [
            [5, 5, 5, 5],  # all answered: 25 × (5 − 1) = 100
            [1, 3, np.nan, np.nan],  # 2 of 4 answered (exactly half): 25 × (2 − 1) = 25
            [4, np.nan, np.nan, np.nan],  # 1 of 4: missing
            [np.nan] * 4,  # none: missing
            [1, 2, 3, 4],  # 25 × (2.5 − 1) = 37.5
        ]
    )
    assert np.array_equal(anchoring_index(items), [100, 25, np.nan, np.nan, 37.5], equal_nan=True)


def test_index_with_an_odd_number_of_items_needs_the_rounded_up_half():
    items = np.array(
        [[5, 5, 5, np.nan, np.nan, np.nan, np.nan], [5, 5, 5, 5, np.nan, np.nan, np.nan]]
    )
    # 7 items: 3 answered is less than half, 4 answered is enough
    assert np.array_equal(anchoring_index(items), [np.nan, 100.0], equal_nan=True)


def _responses(rows: list[dict]) -> pd.DataFrame:
    items = INSTRUMENT.item_ids("pll")
    table = pd.DataFrame([{item: row.get(item.split("__")[1]) for item in items} for row in rows])
    return table.astype("Int8")


def test_score_responses_reverses_ressurser_and_builds_the_index():
    # 7 dimensions; ressurser is reverse-keyed (instrument.yaml)
    assert INSTRUMENT.dimension("ressurser").reverse_keyed
    answers = {d: 4 for d in INSTRUMENT.dimension_ids}
    answers["ressurser"] = 2  # reversed to 4
    answers["medvirkning"] = 8  # «Vet ikke» → missing
    answers["beredskap"] = 9  # «Ikke relevant» → missing
    scored = score_responses(_responses([answers]), INSTRUMENT, ["pll"])
    assert scored.at[0, score_column("pll__ressurser")] == 4
    assert scored.at[0, agree_column("pll__ressurser")] == 1
    assert np.isnan(scored.at[0, score_column("pll__medvirkning")])
    assert scored.at[0, dont_know_column("pll__medvirkning")] == 1
    assert scored.at[0, dont_know_column("pll__beredskap")] == 0
    assert np.isnan(scored.at[0, agree_column("pll__beredskap")])
    # five answered items, all scored 4: 25 × (4 − 1) = 75
    assert scored.at[0, index_column("pll")] == 75


def test_score_responses_is_vectorised_and_keeps_the_index():
    rng = np.random.default_rng(1)
    items = INSTRUMENT.item_ids("pll")
    raw = rng.choice([1, 2, 3, 4, 5, 8, 9, -1], size=(1000, len(items)))
    table = pd.DataFrame(raw, columns=items, index=pd.RangeIndex(10, 1010)).astype("Int8")
    table = table.mask(table == -1)
    scored = score_responses(table, INSTRUMENT, ["pll"])
    assert scored.index.equals(table.index)
    # identity: the index from the score columns, computed another way
    scores = scored[[score_column(i) for i in items]]
    expected = (25 * (scores.mean(axis=1) - 1)).where(scores.notna().sum(axis=1) >= 4)
    assert np.allclose(scored[index_column("pll")], expected, equal_nan=True)


def test_unknown_code_and_missing_column_raise():
    table = _responses([{d: 3 for d in INSTRUMENT.dimension_ids}])
    table.loc[0, "pll__nytte"] = 7
    with pytest.raises(DesignError, match=r"pll__nytte.*code 7"):
        score_responses(table, INSTRUMENT, ["pll"])
    with pytest.raises(DesignError, match=r"pjd__kjennskap.*missing"):
        score_responses(table, INSTRUMENT, ["pjd"])
