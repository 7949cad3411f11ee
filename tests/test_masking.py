"""Tests of anchoring.masking, AnchoringError's masked message and Markdown-safe file names."""

from __future__ import annotations

import re

import pytest

from anchoring.cleaning.quality import markdown_text, quality_markdown
from anchoring.exceptions import AnchoringError, InputFileError
from anchoring.masking import mask_message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("role 'kari@example.no' unknown", "role '[e-post]' unknown"),
        ("org '01019012345' not in the frame", "org '[fødselsnummer]' not in the frame"),
        ("org 99999999999 (no date shape)", "org [fødselsnummer] (no date shape)"),
        ("org '010190 12345'", "org '[fødselsnummer]'"),
        ("call +47 912 34 567 or 91234567", "call [telefon] or [telefon]"),
    ],
)
def test_personal_data_shapes_are_masked(text, expected):
    assert mask_message(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "data/raw/<round>/svar_20260301.csv: row 12345, column 'Kommunenummer'",
        "kommunenummer '0301' is not in the frame (2026-03-01 .. 2026-03-31)",
        "1 250 000 kr; organisation number 974 760 673",
        "/tmp/pytest-of-root/pytest-12345678/x.csv:\n  line two",
    ],
)
def test_the_rest_of_a_message_is_left_as_written(text):
    assert mask_message(text) == text


def test_every_anchoring_error_message_is_masked():
    exc = InputFileError("k.csv row 2: role 'per@kommune.no', id 01019012345")
    assert str(exc) == "k.csv row 2: role '[e-post]', id [fødselsnummer]"
    assert isinstance(exc, AnchoringError)


def test_a_hostile_file_name_is_escaped_in_the_quality_markdown():
    """The file name appeared unescaped in a Markdown output of 01_clean.ipynb."""
    name = "x|<img src=y onerror=alert(1)>[a](javascript:b)\n# h.csv"
    source = {
        "source_id": "kommuner",
        "group": "municipality",
        "file": name,
        "format": "csv",
        "encoding": "utf-8",
        "delimiter": "|",
        "header_row": 1,
        "rows_read": 2,
        "kept": 2,
        "excluded_by_reason": {},
        "flagged_by_reason": {},
        "redactions_by_type": {},
    }
    quality = {
        "sources": [source],
        "totals": {"rows_read": 2, "kept": 2, "excluded": 0},
        "groups": [],
    }
    table = quality_markdown(quality)
    row = table.splitlines()[2]
    assert len(re.findall(r"(?<!\\)\|", row)) == 13  # twelve cells: no '|' of the name unescaped
    for markup in ("<", ">", "[", "](", "#"):
        assert not re.search(r"(?<!\\)" + re.escape(markup), row), markup
    assert "\n" not in row and markdown_text(name) in row


def test_markdown_text_escapes_every_punctuation_and_control_character():
    assert markdown_text("a_b*c`d\u202e\te") == "a\\_b\\*c\\`d  e"
