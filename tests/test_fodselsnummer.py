"""Fødselsnummer shape and mod-11 checksum."""

import numpy as np
import pytest

from anchoring.fodselsnummer import (
    birth_date,
    control_digits,
    has_date_shape,
    is_valid_fodselsnummer,
    make_fodselsnummer,
)


def _control_by_hand(first_nine: str) -> str | None:
    # The rule written out independently: weights from Skatteetaten's description (domain.md).
    w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2]
    w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
    k1 = (11 - sum(int(a) * b for a, b in zip(first_nine, w1, strict=True)) % 11) % 11
    if k1 == 10:
        return None
    k2 = (11 - sum(int(a) * b for a, b in zip(first_nine + str(k1), w2, strict=True)) % 11) % 11
    return None if k2 == 10 else f"{k1}{k2}"


def test_control_digits_agree_with_the_rule_written_out():
    rng = np.random.default_rng(7)
    for _ in range(2000):
        first_nine = "".join(str(d) for d in rng.integers(0, 10, 9))
        assert control_digits(first_nine) == _control_by_hand(first_nine)


@pytest.mark.parametrize("kind", ["fnr", "d", "h"])
def test_made_numbers_are_valid_and_have_the_shape(kind):
    rng = np.random.default_rng(1)
    for _ in range(200):
        number = make_fodselsnummer(rng, kind)
        assert is_valid_fodselsnummer(number) and has_date_shape(number)
        assert (int(number[0]) >= 4) == (kind == "d")
        assert (int(number[2]) >= 4) == (kind == "h")


def test_a_changed_digit_breaks_the_checksum():
    number = make_fodselsnummer(np.random.default_rng(3))
    broken = number[:10] + str((int(number[10]) + 1) % 10)
    assert not is_valid_fodselsnummer(broken)
    assert has_date_shape(broken)  # still redacted on shape


@pytest.mark.parametrize(
    ("number", "shaped"),
    [
        ("01012012345", True),
        ("29029612345", True),
        ("32012012345", False),
        ("01132012345", False),
        ("0101201234", False),
        ("4101201234x", False),
    ],
)
def test_date_shape(number, shaped):
    assert has_date_shape(number) is shaped


def test_birth_date_removes_d_and_h_offsets():
    assert birth_date("41017512345").day == 1
    assert birth_date("01417512345").month == 1
