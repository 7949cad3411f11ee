"""Cleaning rules: tests, incompletes, duplicates, speeders and straight-liners."""

import datetime as dt

import numpy as np
import pandas as pd

from anchoring.cleaning.rules import (
    answered_share,
    flag_speeders,
    flag_straightliners,
    mark_duplicates,
    mark_incomplete,
    mark_tests,
)

ITEMS = ["m__a", "m__b", "m__c", "m__r"]


def _items(rows):
    return pd.DataFrame(rows, columns=ITEMS).astype("Int8")


def _frame(ids, times, answers, org=None):
    frame = pd.DataFrame(
        {
            "source_row": np.arange(1, len(ids) + 1, dtype="int64"),
            "respondent_id": pd.Series(ids, dtype="str"),
            "submitted_at": pd.to_datetime(times, utc=True),
            "org_raw": pd.Series(org or ["0301"] * len(ids), dtype="str"),
            "role": pd.Series(["it_leder"] * len(ids), dtype="str"),
            "practice_size": np.nan,
            "barriers": pd.Series([None] * len(ids), dtype="str"),
        }
    )
    return pd.concat([frame, _items(answers)], axis=1)


def test_tests_marked_and_before_fieldwork():
    is_test = pd.Series([True, False, False, False])
    at = pd.Series(
        pd.to_datetime(
            ["2026-03-02T10:00+01:00", "2026-02-28T23:30+01:00", "2026-03-01T00:30+01:00", None],
            utc=True,
        )
    )
    marked, before = mark_tests(is_test, at, dt.date(2026, 3, 1))
    assert marked.tolist() == [True, False, False, False]
    # fieldwork starts at midnight Oslo time; a row without a time is not «before»
    assert before.tolist() == [False, True, False, False]
    _, off = mark_tests(is_test, at, None)
    assert not off.any()


def test_incomplete_below_the_share_counts_dont_know_as_answered():
    items = _items(
        [[1, 2, None, None], [8, 9, None, None], [1, None, None, None], [None, None, None, None]]
    )
    assert answered_share(items).tolist() == [0.5, 0.5, 0.25, 0.0]
    assert mark_incomplete(items, 0.5).tolist() == [False, False, True, True]
    assert mark_incomplete(items, 0.0).tolist() == [False, False, False, False]


def test_duplicate_respondent_id_keeps_the_latest():
    frame = _frame(
        ["a", "b", "a"],
        ["2026-03-02T10:00Z", "2026-03-02T11:00Z", "2026-03-03T09:00Z"],
        [[1, 2, 3, 4], [2, 2, 2, 2], [5, 4, 3, 2]],
    )
    duplicate, kept = mark_duplicates(frame, np.ones(3, dtype=bool), ITEMS)
    assert duplicate.tolist() == [True, False, False]
    assert kept.tolist() == [3, 0, 0]


def test_identical_answers_submitted_twice_keep_the_latest_complete_one():
    answers = [1, 2, 3, 4]
    frame = _frame(
        [None, None, None, None],
        ["2026-03-04T10:00Z", "2026-03-02T10:00Z", "2026-03-02T10:01Z", "2026-03-05T10:00Z"],
        [answers, answers, [2, 2, 3, 4], answers],
        org=["0301", "0301", "0301", "4601"],
    )
    # row 4 is incomplete (excluded before deduplication), so it is not a candidate
    candidates = np.array([True, True, True, False])
    duplicate, kept = mark_duplicates(frame, candidates, ITEMS)
    assert duplicate.tolist() == [False, True, False, False]
    assert kept.tolist() == [0, 1, 0, 0]


def test_same_answers_in_different_organisations_are_not_duplicates():
    frame = _frame(
        [None, None],
        ["2026-03-02T10:00Z", "2026-03-02T10:00Z"],
        [[3, 3, 3, 3], [3, 3, 3, 3]],
        org=["0301", "4601"],
    )
    duplicate, _ = mark_duplicates(frame, np.ones(2, dtype=bool), ITEMS)
    assert not duplicate.any()


def test_speeders_below_ratio_of_the_median_of_kept_rows():
    times = pd.Series([100_000.0, 110_000.0, 90_000.0, 20_000.0, np.nan, 1.0])
    kept = np.array([True, True, True, True, True, False])
    # median of the kept, timed rows = median(100k, 110k, 90k, 20k) = 95k; 0.3 × 95k = 28.5k
    flags = flag_speeders(times, kept, 0.3)
    assert flags.tolist() == [False, False, False, True, False, True]


def test_straightliners_identical_across_a_whole_block_including_reverse_keyed():
    items = pd.DataFrame(
        {
            "x__a": [5, 5, 5, 8, 4, 3],
            "x__r": [5, 1, 5, 8, 4, 3],
            "y__a": [5, 5, 2, 8, None, 3],
            "y__r": [5, 2, 2, 8, None, 3],
        }
    ).astype("Int8")
    blocks = {"x": ["x__a", "x__r"], "y": ["y__a", "y__r"]}
    flags = flag_straightliners(items, blocks)
    # row 0: all 5 → flag; row 1: neither block constant; row 2: each block constant → flag;
    # row 3: all «Vet ikke» is not straight-lining; row 4: the one complete block is constant
    assert flags.tolist() == [True, False, True, False, True, True]


def test_numeric_ids_with_leading_zeros_are_not_the_same_id():
    # plain numeric ids are compared as integers only when that is one to one: "07" and "7"
    # are different respondents; "7" twice is one respondent submitting twice
    frame = _frame(
        ["7", "07", "7"],
        ["2026-03-02T10:00Z", "2026-03-02T11:00Z", "2026-03-03T09:00Z"],
        [[1, 2, 3, 4], [2, 2, 2, 2], [5, 4, 3, 2]],
    )
    duplicate, kept = mark_duplicates(frame, np.ones(3, dtype=bool), ITEMS)
    assert duplicate.tolist() == [True, False, False]
    assert kept.tolist() == [3, 0, 0]
    plain = _frame(["17", "27", "17"], frame["submitted_at"], [[1, 2, 3, 4], [2] * 4, [3] * 4])
    assert mark_duplicates(plain, np.ones(3, dtype=bool), ITEMS)[0].tolist() == [1, 0, 0]


def test_a_real_zero_answer_is_not_the_same_as_no_answer():
    # the item hash packs a missing answer as 0; a column holding a real 0 packs its mask too
    frame = _frame([None, None], ["2026-03-02T10:00Z", "2026-03-02T11:00Z"], [[0, 1, 1, 1]] * 2)
    frame["m__a"] = pd.array([0, None], dtype="Int8")
    duplicate, _ = mark_duplicates(frame, np.ones(2, dtype=bool), ITEMS)
    assert not duplicate.any()


def test_duplicate_key_parts_computed_before_give_the_same_marks():
    from anchoring.cleaning.rules import duplicate_key_parts, int8_columns

    frame = _frame(
        ["7", None, "7", None, None],
        [f"2026-03-0{d}T10:00Z" for d in range(2, 7)],
        [[1, 2, 3, 4], [2, 2, None, 2], [5, 4, 3, 2], [2, 2, None, 2], [1, 1, 1, 1]],
    )
    candidates = np.ones(5, dtype=bool)
    parts = duplicate_key_parts(frame["respondent_id"], int8_columns(frame, ITEMS))
    # reference: mark_duplicates computing the same parts itself
    expected = mark_duplicates(frame, candidates, ITEMS)
    given = mark_duplicates(frame, candidates, ITEMS, parts)
    assert [a.tolist() for a in given] == [a.tolist() for a in expected]
    assert expected[0].tolist() == [True, True, False, False, False]
    # parts of other columns than those hashed are not used
    other = duplicate_key_parts(frame["respondent_id"], int8_columns(frame, ITEMS[:2]))
    assert [a.tolist() for a in mark_duplicates(frame, candidates, ITEMS, other)] == [
        a.tolist() for a in expected
    ]
