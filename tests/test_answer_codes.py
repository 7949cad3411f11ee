"""Tolerant answer-label matching and the all-at-once report of unknown labels."""

import numpy as np
import pandas as pd
import pytest

from anchoring.cleaning.answer_codes import (
    ColumnCoding,
    UnknownLabel,
    code_arrays,
    code_column,
    factorize_text,
    normalise_label,
    raise_unknown_labels,
    resolve_configured,
    role_lookup,
    scale_lookup,
    text_from_codes,
)
from anchoring.exceptions import MappingError, RoundConfigError
from anchoring.instrument import DONT_KNOW, NOT_APPLICABLE, load_instrument

INSTRUMENT = load_instrument()
LOOKUP = scale_lookup(INSTRUMENT)


def _coding(configured=None, labels=None, missing=()):
    return ColumnCoding(configured or {}, labels or {}, frozenset(missing), LOOKUP)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Helt uenig", 1),
        ("litt  UENIG", 2),
        ("Hverken enig eller uenig", 3),
        ("Verken enig eller uenig", 3),
        ("  verken enig  eller uenig ", 3),
        ("Litt enig", 4),
        ("HELT ENIG", 5),
        ("Strongly disagree", 1),
        ("Neither agree nor disagree", 3),
        ("Strongly agree", 5),
        ("Vet ikke", DONT_KNOW),
        ("Don't know", DONT_KNOW),
        ("Don’t know", DONT_KNOW),
        ("Ikke relevant", NOT_APPLICABLE),
        ("Not applicable", NOT_APPLICABLE),
        ("1 - Helt uenig", 1),
        ("5 = Helt enig", 5),
        ("(4) Litt enig", 4),
        ("3", 3),
        ("3.0", 3),
    ],
)
def test_label_variants_map_to_codes(raw, code):
    assert LOOKUP[normalise_label(raw)] == code


def test_bare_8_and_9_are_not_guessed():
    # survey tools choose these codes themselves (Nettskjema: 9 = «Vet ikke»): need a map
    assert "8" not in LOOKUP
    assert "9" not in LOOKUP


def test_code_column_keeps_dont_know_distinct_from_unanswered():
    values = pd.Series(["Vet ikke", None, "Litt enig", "Ikke relevant", "Litt enig"], dtype="str")
    codes, unknown = code_column(values, _coding())
    assert codes.dtype == "Int8"
    assert codes.tolist()[0] == DONT_KNOW
    assert pd.isna(codes.tolist()[1])
    assert codes.tolist()[2:] == [4, NOT_APPLICABLE, 4]
    assert unknown == {}


def test_configured_values_win_over_the_scale():
    # Nettskjema: 9 «Vet ikke», 8 «Ikke relevant» (the opposite of the internal codes)
    values = pd.Series(["9", "8", "5"], dtype="str")
    codes, _ = code_column(values, _coding({"9": DONT_KNOW, "8": NOT_APPLICABLE}))
    assert codes.tolist() == [DONT_KNOW, NOT_APPLICABLE, 5]


def test_spss_value_labels_and_user_missing():
    values = pd.Series(["4", "99", "98", None], dtype="str")
    coding = _coding(labels={"4": "Litt enig", "99": "Vet ikke"}, missing=("99", "98"))
    codes, unknown = code_column(values, coding)
    # 99 is labelled «Vet ikke» → 8; 98 is declared missing without a label → unanswered
    assert codes.tolist()[:2] == [4, DONT_KNOW]
    assert pd.isna(codes.tolist()[2]) and pd.isna(codes.tolist()[3])
    assert unknown == {}


def test_unknown_values_collected_with_their_rows():
    values = pd.Series(["Litt enig", "Delvis enig", "Litt enig", "Delvis enig", "7"], dtype="str")
    codes, unknown = code_column(values, _coding())
    assert sorted(unknown) == ["7", "Delvis enig"]
    assert unknown["Delvis enig"].tolist() == [1, 3]  # 0-based positions
    assert pd.isna(codes.tolist()[1])


def test_unknown_labels_raised_all_at_once_with_file_column_rows():
    unknown = [
        UnknownLabel("a.csv", "kommuner", "q1", "pll__nytte", "Delvis enig", (2, 5), 2),
        UnknownLabel("b.xlsx", "hf", "Spm 3", "pjd__nytte", "Kanskje", (1, 2, 3, 4, 5), 9),
    ]
    with pytest.raises(MappingError) as error:
        raise_unknown_labels(unknown, "round.yaml")
    message = str(error.value)
    assert "2 answer value(s)" in message
    assert "a.csv: column 'q1' (pll__nytte): value 'Delvis enig' in data row(s) 2, 5" in message
    assert "b.xlsx: column 'Spm 3'" in message and "9 rows in all" in message
    assert "values" in message and "round.yaml" in message
    raise_unknown_labels([], "round.yaml")  # nothing unknown: no error


def test_a_value_unknown_in_many_item_columns_is_one_line():
    unknown = [
        UnknownLabel("a.csv", "kommuner", f"q{i}", f"pll__d{i}", "Delvis enig", (i, i + 1), 10)
        for i in range(1, 29)
    ]
    unknown.append(UnknownLabel("a.csv", "kommuner", "rolle", "role", "Sjef", (3,), 1))
    with pytest.raises(MappingError) as error:
        raise_unknown_labels(unknown, "round.yaml")
    message = str(error.value)
    assert message.startswith("2 answer value(s)")
    assert "a.csv: value 'Delvis enig' in 28 item columns (pll__d1, pll__d2, pll__d3, …)" in message
    assert "280 answers in all, e.g. data row(s) 1, 2 of column 'q1'" in message
    assert "a.csv: column 'rolle' (role): value 'Sjef'" in message


def test_resolve_configured_accepts_codes_and_labels():
    assert resolve_configured(8, LOOKUP, "x") == DONT_KNOW
    assert resolve_configured("Vet ikke", LOOKUP, "x") == DONT_KNOW
    assert resolve_configured("9", LOOKUP, "x") == NOT_APPLICABLE
    with pytest.raises(RoundConfigError, match=r"values\.items"):
        resolve_configured(7, LOOKUP, "round.yaml: values.items['7']")


def test_role_lookup_matches_codes_and_both_languages():
    lookup = role_lookup(INSTRUMENT, "municipality")
    assert lookup[normalise_label("Kommuneoverlege")] == "kommuneoverlege"
    assert lookup[normalise_label("municipal chief physician")] == "kommuneoverlege"
    assert lookup[normalise_label("it_leder")] == "it_leder"


def test_many_rows_map_through_unique_values():
    values = pd.Series(np.tile(["Litt enig", "Vet ikke", None], 10000), dtype="str")
    codes, _ = code_column(values, _coding())
    assert codes.value_counts().to_dict() == {4: 10000, DONT_KNOW: 10000}


def test_one_byte_columns_coded_as_the_general_path_codes_them():
    # the one-byte fast path (Arrow buffers) against the same values with one long label added
    # (which forces factorisation): same codes, same unknown values and rows
    values = ["1", "5", None, "", "9", "x", " ", "3", "x", "8"]
    configured = {"9": DONT_KNOW, "8": NOT_APPLICABLE}
    short, short_unknown = code_column(pd.Series(values, dtype="str"), _coding(configured))
    long, long_unknown = code_column(
        pd.Series([*values, "Helt enig"], dtype="str"), _coding(configured)
    )
    assert short.tolist() == long.tolist()[:-1]
    assert short.tolist()[:5] == [1, 5, pd.NA, pd.NA, DONT_KNOW]
    assert {k: v.tolist() for k, v in short_unknown.items()} == {"x": [5, 8]}
    assert {k: v.tolist() for k, v in long_unknown.items()} == {"x": [5, 8]}


def test_text_from_codes_is_the_inverse_of_factorize_text():
    values = pd.Series(["b", None, "a", "b", None], dtype="str")
    positions, uniques = factorize_text(values)
    rebuilt = text_from_codes(uniques, positions, values.index)
    pd.testing.assert_series_equal(rebuilt, values)


def test_code_arrays_of_nullable_and_float_columns():
    values, missing = code_arrays(pd.Series([1, None, 8], dtype="Int8"))
    assert values[[0, 2]].tolist() == [1, 8] and missing.tolist() == [False, True, False]
    values, missing = code_arrays(pd.Series([1.0, np.nan, 8.0]))
    assert values.tolist() == [1.0, 0.0, 8.0] and missing.tolist() == [False, True, False]


def test_role_lookup_reads_other_labels_as_annet_for_every_group():
    for group in ("municipality", "hospital", "gp"):
        lookup = role_lookup(INSTRUMENT, group)
        for label in ("Annet", "Other", "Andre", "annet"):
            assert lookup[normalise_label(label)] == "annet"


def test_unknown_role_fix_suggests_role_codes_not_answer_codes():
    from anchoring.cleaning.answer_codes import UnknownLabel, raise_unknown_labels
    from anchoring.exceptions import MappingError

    unknown = [UnknownLabel("x.csv", "kommuner", "Rolle", "role", "Sjef 41234567", (2,), 1)]
    with pytest.raises(MappingError) as info:
        raise_unknown_labels(unknown, "round.yaml", {"kommuner": ["kommuneoverlege", "annet"]})
    message = str(info.value)
    assert "values: {role:" in message and "kommuneoverlege, annet" in message
    assert "Ikke relevant" not in message
    assert "41234567" not in message and "[telefon]" in message
