"""Norwegian national identity numbers (fødselsnummer, D-number, H-number): shape and checksum.

An 11-digit number ``DDMMYY III CC``: birth date, three individual digits and two mod-11 control
digits with weights 3,7,6,1,8,9,4,5,2 and 5,4,3,2,7,6,5,4,3,2; a control digit of 10 makes the
number invalid (Skatteetaten, «Fødselsnummer»; domain.md). D-numbers add 4 to the first digit,
H-numbers add 40 to the month. From 2032 the control-digit rule changes, so redaction works on the
shape (:func:`has_date_shape`) and uses the checksum only as a confidence signal.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

_WEIGHTS_1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_WEIGHTS_2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _control(digits: str, weights: tuple[int, ...]) -> int | None:
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    control = 0 if remainder == 0 else 11 - remainder
    return None if control == 10 else control


def control_digits(first_nine: str) -> str | None:
    """The two control digits for the first nine digits, or None when no valid pair exists."""
    k1 = _control(first_nine, _WEIGHTS_1)
    if k1 is None:
        return None
    k2 = _control(first_nine + str(k1), _WEIGHTS_2)
    if k2 is None:
        return None
    return f"{k1}{k2}"


def birth_date(number: str) -> dt.date | None:
    """The birth date encoded in the first six digits (D- and H-number offsets removed).

    The century is not resolved (it needs the individual digits); a date that exists in some
    year (29 February in a leap year) counts. Returns None when the digits are no date.
    """
    if len(number) < 6 or not number[:6].isdigit():
        return None
    day, month, year = int(number[:2]), int(number[2:4]), int(number[4:6])
    if day > 40:  # D-number
        day -= 40
    if month > 40:  # H-number
        month -= 40
    try:
        return dt.date(2000 + year if year != 0 else 2000, month, day)
    except ValueError:
        try:
            return dt.date(1996, month, day)  # a leap year, for 29 February
        except ValueError:
            return None


def has_date_shape(number: str) -> bool:
    """True when ``number`` is 11 digits whose first six are a (possibly D/H-shifted) date."""
    return len(number) == 11 and number.isdigit() and birth_date(number) is not None


def is_valid_fodselsnummer(number: str) -> bool:
    """True when ``number`` has the shape and both control digits are right (pre-2032 rule)."""
    return has_date_shape(number) and control_digits(number[:9]) == number[9:]


def make_fodselsnummer(rng: np.random.Generator, kind: str = "fnr") -> str:
    """A random checksum-valid number for synthetic data: ``kind`` is fnr, d or h."""
    while True:
        day = int(rng.integers(1, 29))
        month = int(rng.integers(1, 13))
        year = int(rng.integers(0, 100))
        individual = int(rng.integers(0, 1000))
        if kind == "d":
            day += 40
        elif kind == "h":
            month += 40
        first_nine = f"{day:02d}{month:02d}{year:02d}{individual:03d}"
        control = control_digits(first_nine)
        if control is not None:
            return first_nine + control
