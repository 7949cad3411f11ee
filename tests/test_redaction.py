"""Personal data in free text: every pattern redacted, typed and counted; ordinary numbers kept."""

import numpy as np
import pandas as pd
import pytest

from anchoring.cleaning.redaction import COUNT_TYPES, redact_series, redact_text
from anchoring.fodselsnummer import is_valid_fodselsnummer, make_fodselsnummer

RNG = np.random.default_rng(20260301)
FNR = make_fodselsnummer(RNG)
D_NUMBER = make_fodselsnummer(RNG, "d")
H_NUMBER = make_fodselsnummer(RNG, "h")


def _found(text):
    result = redact_text(text)
    return result.text, {k: v for k, v in result.counts.items() if v}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Pasient {FNR} ble nevnt", "Pasient [fødselsnummer] ble nevnt"),
        (f"fnr: {FNR[:6]} {FNR[6:]}.", "fnr: [fødselsnummer]."),
        (f"D-nummer {D_NUMBER}", "D-nummer [fødselsnummer]"),
        (f"H-nummer {H_NUMBER[:6]} {H_NUMBER[6:]}", "H-nummer [fødselsnummer]"),
        ("Ring 91234567", "Ring [telefon]"),
        ("Ring 912 34 567 i dag", "Ring [telefon] i dag"),
        ("Ring 91 23 45 67", "Ring [telefon]"),
        ("Tlf +47 912 34 567", "Tlf [telefon]"),
        ("Tlf +4791234567", "Tlf [telefon]"),
        ("Tlf 0047 22 33 44 55", "Tlf [telefon]"),
        ("Sentralbord 22334455.", "Sentralbord [telefon]."),
        ("Skriv til Kari.Nordmann@helse-bergen.no!", "Skriv til [e-post]!"),
        ("HPR-nummer 1234567", "[hpr-nummer]"),
    ],
)
def test_personal_data_is_replaced_by_typed_placeholders(text, expected):
    assert redact_text(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "Møtet er 01.03.2026 kl. 10",
        "Kostnaden er 1 250 000 kr i år",
        "Budsjett 12 500 000 kr og 2 500 brukere",
        "Beløp 12345678 kr",
        "I 2025 og 2026",
        "Kommunene 0301, 4601 og 1103",
        "45 % av legene og 100 %",
        "Org.nr. 987 654 321 og 912345678",
        "Versjon 3.2.1, kapittel 12",
    ],
)
def test_ordinary_numbers_survive(text):
    result = redact_text(text)
    assert result.text == text
    assert sum(result.counts.values()) == 0


def test_fodselsnummer_redacted_on_shape_and_flagged_by_checksum():
    # a date-shaped number with wrong control digits is still redacted (the 2032 rule change),
    # but not counted as checksum-valid
    invalid = FNR[:9] + str((int(FNR[9]) + 1) % 10) + FNR[10]
    assert not is_valid_fodselsnummer(invalid)
    text, counts = _found(f"{FNR} og {invalid}")
    assert text == "[fødselsnummer] og [fødselsnummer]"
    assert counts == {"fodselsnummer": 2, "fodselsnummer_checksum_valid": 1}


def test_eleven_digits_without_a_date_are_not_a_fodselsnummer():
    text, counts = _found("Referanse 99999912345")
    assert text == "Referanse 99999912345"
    assert counts == {}


def test_markup_and_formulas_are_removed_and_counted():
    text, counts = _found("<script>alert('x')</script>Mangler <b>budsjett</b>")
    assert text == "Mangler budsjett"
    assert counts == {"script": 1, "html": 2}
    text, counts = _found('=HYPERLINK("http://x";"klikk")')
    assert counts == {"formula": 1}
    assert not text.startswith("=")


def test_counts_per_type():
    _, counts = _found("a@b.no, c@d.com og 41234567")
    assert counts == {"e_post": 2, "telefon": 1}


def test_redact_series_scans_each_distinct_text_once_and_keeps_rows_aligned():
    texts = pd.Series(["Ring 91234567", None, "Ring 91234567", "Budsjett"], dtype="str")
    redacted, counts = redact_series(texts)
    assert redacted.tolist()[0] == "Ring [telefon]" and redacted.tolist()[2] == "Ring [telefon]"
    assert pd.isna(redacted.tolist()[1])
    assert redacted.tolist()[3] == "Budsjett"
    assert list(counts.columns) == list(COUNT_TYPES)
    assert counts["telefon"].tolist() == [1, 0, 1, 0]


def test_redact_codes_is_redact_column_as_codes():
    from anchoring.cleaning.answer_codes import text_from_codes
    from anchoring.cleaning.redaction import redact_codes, redact_column

    # two raw texts that redact alike (two different phone numbers), a repeat, blanks and NAs
    texts = pd.Series(
        ["Ring 912 34 567", None, "Ring 412 34 567", "", "Tid", "Tid", None, "<b>Tid</b>"],
        dtype="str",
    )
    codes, distinct, totals = redact_codes(texts)
    redacted, expected_totals = redact_column(texts)
    assert totals == expected_totals
    pd.testing.assert_series_equal(text_from_codes(distinct, codes, texts.index), redacted)
    # equal codes exactly for equal redacted texts; -1 exactly for no text
    assert codes[0] == codes[2] and codes[4] == codes[5]
    assert len(set(distinct)) == len(distinct)
    assert (codes == -1).tolist() == redacted.isna().tolist()
    empty_codes, empty_distinct, _ = redact_codes(pd.Series([], dtype="str"))
    assert len(empty_codes) == 0 and empty_distinct == []
