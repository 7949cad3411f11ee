"""Number formatting in bokmål and English (anchoring.report.numbers)."""

import datetime as dt
import math

import pandas as pd
import pytest

from anchoring.report.numbers import (
    MINUS,
    NBSP,
    format_count,
    format_date,
    format_estimate_with_interval,
    format_interval,
    format_number,
    format_p_clause,
    format_p_value,
    format_percent,
)


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "expected"),
    [
        # The brief's examples: «1 250,5» (nb, non-breaking space) and «1,250.5» (en).
        (1250.5, "nb", 1, f"1{NBSP}250,5"),
        (1250.5, "en", 1, "1,250.5"),
        (1234567.891, "nb", 2, f"1{NBSP}234{NBSP}567,89"),
        (1234567.891, "en", 2, "1,234,567.89"),
        (62.44, "nb", 1, "62,4"),
        (0.6, "nb", 2, "0,60"),
        (-3.25, "nb", 1, f"{MINUS}3,2"),  # half to even, like Python's format
        (-3.25, "en", 1, f"{MINUS}3.2"),
        (-0.04, "nb", 1, "0,0"),  # no «−0,0»
        (999.96, "en", 1, "1,000.0"),
    ],
)
def test_format_number(value, lang, decimals, expected):
    assert format_number(value, lang, decimals) == expected


def test_signed_changes_carry_plus_or_minus():
    assert format_number(6.04, "nb", signed=True) == "+6,0"
    assert format_number(-6.04, "en", signed=True) == f"{MINUS}6.0"
    assert format_number(0.0, "en", signed=True) == "0.0"


@pytest.mark.parametrize("missing", [None, math.nan, pd.NA, float("nan")])
def test_missing_values_show_a_dash_not_nan(missing):
    assert format_number(missing, "nb") == "–"
    assert format_percent(missing, "en") == "–"
    assert format_interval(missing, 3, "nb") == "–"


def test_counts_and_percentages():
    assert format_count(5224, "nb") == f"5{NBSP}224"
    assert format_count(5224, "en") == "5,224"
    assert format_percent(0.453, "nb") == f"45{NBSP}%"
    assert format_percent(0.453, "en") == "45%"
    assert format_percent(0.4537, "nb", 1) == f"45,4{NBSP}%"


def test_intervals_use_an_en_dash_and_words_for_negative_limits():
    assert format_interval(58.13, 66.71, "nb") == "58,1–66,7"
    assert format_interval(58.13, 66.71, "en") == "58.1–66.7"
    assert format_interval(-3.2, 4.1, "nb") == f"{MINUS}3,2 til 4,1"
    assert format_interval(-3.2, 4.1, "en") == f"{MINUS}3.2 to 4.1"
    assert format_interval(0.41, 0.52, "nb", 0, percent=True) == f"41–52{NBSP}%"
    assert format_estimate_with_interval(62.4, 58.1, 66.7, "nb") == "62,4 (58,1–66,7)"


def test_p_values():
    assert format_p_value(0.01234, "nb") == "0,012"
    assert format_p_value(0.0001, "en") == f"<{NBSP}0.001"
    assert format_p_clause(0.0001, "en") == f"p <{NBSP}0.001"
    assert format_p_clause(0.2, "nb") == "p = 0,200"


def test_dates():
    assert format_date(dt.date(2025, 3, 3), "nb") == f"3.{NBSP}mars 2025"
    assert format_date(dt.date(2025, 3, 3), "en") == f"3{NBSP}March 2025"
    assert format_date(None, "nb") == "–"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="language"):
        format_number(1, "de")
