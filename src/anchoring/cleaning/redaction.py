"""Personal data in free text: find it, replace it with a typed placeholder, count it.

Patterns (domain.md, «Personal data that turns up in free text»):

- **fødselsnummer**, D-number and H-number: 11 digits ``DDMMYY IIICC``, with or without one space
  after the date, redacted when the first six digits are a date (D: day + 40, H: month + 40) —
  the shape, not the checksum, decides, because the control-digit rule changes in 2032; whether
  the mod-11 control digits hold is counted separately as a confidence signal
  (:mod:`anchoring.fodselsnummer`);
- **phone numbers**: 8 digits starting 2–9, optionally ``+47``/``0047``, written run together,
  ``xx xx xx xx`` or ``xxx xx xxx``; not when followed by «kr»/«NOK» (an amount);
- **e-mail addresses**; **HPR numbers** written with «HPR».

Left untouched on purpose: dates (01.03.2026), amounts («1 250 000 kr»), years, four-digit
municipality numbers, percentages and 9-digit organisation numbers (the groups of an amount or an
organisation number never match the phone shapes above).

Markup and spreadsheet formulas are also removed and counted (``html``, ``script``, ``formula``)
so that the text used for theme tagging is plain. The original text is never written anywhere.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from anchoring.cleaning.answer_codes import factorize_text, text_from_codes
from anchoring.fodselsnummer import has_date_shape, is_valid_fodselsnummer

PLACEHOLDERS: dict[str, str] = {
    "fodselsnummer": "[fødselsnummer]",
    "telefon": "[telefon]",
    "e_post": "[e-post]",
    "hpr_nummer": "[hpr-nummer]",
}
"""Redaction type → the placeholder that replaces it."""

COUNT_TYPES: tuple[str, ...] = (
    "e_post",
    "fodselsnummer",
    "fodselsnummer_checksum_valid",
    "formula",
    "hpr_nummer",
    "html",
    "script",
    "telefon",
)
"""Everything counted per text: the redaction types, checksum-valid fødselsnummer among them, and
the markup/formula neutralised."""

_SPACE = r"[ \t]"
_EMAIL = re.compile(r"(?<![\w.+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_FNR = re.compile(rf"(?<![\d+])(\d{{6}}){_SPACE}?(\d{{5}})(?!\d)(?!{_SPACE}\d)")
_HPR = re.compile(r"\bHPR(?:[- ]?(?:nr|nummer))?\.?:?\s*\d{4,9}\b", re.IGNORECASE)
_PHONE = re.compile(
    rf"(?<![\d+])(?<!\d{_SPACE})"
    rf"(?:(?:\+|00)47{_SPACE}?)?"
    rf"(?:[2-9]\d{{7}}"
    rf"|[2-9]\d{_SPACE}\d{{2}}{_SPACE}\d{{2}}{_SPACE}\d{{2}}"
    rf"|[2-9]\d{{2}}{_SPACE}\d{{2}}{_SPACE}\d{{3}})"
    rf"(?![\d])(?![.,]\d)(?!{_SPACE}\d)(?!{_SPACE}?(?:kr\b|nok\b|,-))",
    re.IGNORECASE,
)
_SCRIPT = re.compile(r"<\s*(script|style)\b.*?(?:<\s*/\s*\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<\s*/?\s*[A-Za-z][^<>]*>")
_DIGIT = re.compile(r"\d")
_FORMULA = re.compile(r"^\s*(?:=|[+\-@]\s*[A-Za-z_][\w.]*\s*\()")


@dataclass(frozen=True)
class Redaction:
    """A redacted text and what was found in it."""

    text: str
    counts: dict[str, int]


def redact_text(text: str) -> Redaction:
    """Redact personal data in one free-text answer and strip markup.

    Parameters
    ----------
    text
        The raw answer.

    Returns
    -------
    Redaction
        The plain, redacted text and counts per type (:data:`COUNT_TYPES`).

    Examples
    --------
    >>> redact_text("Ring 912 34 567 eller per@kommune.no før 01.03.2026").text
    'Ring [telefon] eller [e-post] før 01.03.2026'
    """
    counts = dict.fromkeys(COUNT_TYPES, 0)
    text = unicodedata.normalize("NFKC", text)
    if _FORMULA.match(text):
        counts["formula"] = 1
        text = text.lstrip().lstrip("=+-@")
    if "<" in text:  # every pattern below needs its character: skip the scan without it
        text, counts["script"] = _SCRIPT.subn(" ", text)
        text, counts["html"] = _TAG.subn(" ", text)
    if "@" in text:
        text, counts["e_post"] = _EMAIL.subn(PLACEHOLDERS["e_post"], text)
    if _DIGIT.search(text) is None:
        return Redaction(" ".join(text.split()), counts)

    def national_id(match: re.Match[str]) -> str:
        number = match.group(1) + match.group(2)
        if not has_date_shape(number):
            return match.group(0)
        counts["fodselsnummer"] += 1
        counts["fodselsnummer_checksum_valid"] += int(is_valid_fodselsnummer(number))
        return PLACEHOLDERS["fodselsnummer"]

    text = _FNR.sub(national_id, text)
    text, counts["hpr_nummer"] = _HPR.subn(PLACEHOLDERS["hpr_nummer"], text)
    text, counts["telefon"] = _PHONE.subn(PLACEHOLDERS["telefon"], text)
    text = " ".join(text.split())
    return Redaction(text, counts)


def redact_series(texts: pd.Series) -> tuple[pd.Series, pd.DataFrame]:
    """Redact a column of free text, scanning each distinct text once.

    Returns
    -------
    redacted
        The redacted texts (``<NA>`` stays ``<NA>``; a text empty after redaction is ``""``).
    counts
        One row per input row, one int64 column per :data:`COUNT_TYPES`.
    """
    positions, redacted, table = _redact_distinct(texts)
    counts = pd.DataFrame(table[positions], index=texts.index, columns=list(COUNT_TYPES))
    return redacted, counts


def redact_column(texts: pd.Series) -> tuple[pd.Series, dict[str, int]]:
    """As :func:`redact_series`, with the counts summed over the rows (one total per type).

    The totals are each distinct text's counts times its number of rows, so no per-row table is
    built: most free-text cells of a large export are empty or repeated.
    """
    positions, redacted, table = _redact_distinct(texts)
    return redacted, _totals(positions, table)


def redact_codes(texts: pd.Series) -> tuple[np.ndarray, list[str], dict[str, int]]:
    """As :func:`redact_column`, with the redacted column as codes into its distinct texts.

    For callers that compare the redacted texts (duplicate detection) or need them for a subset
    of the rows only: no text column of every row is built, and no column is factorised again.

    Returns
    -------
    codes
        int64 per row: the position of its redacted text in ``distinct``, ``-1`` for no text
        (``<NA>``); equal codes for equal redacted texts (two raw texts may redact alike).
    distinct
        The distinct redacted texts; ``text_from_codes(distinct, codes)`` is the column
        :func:`redact_column` returns.
    totals
        The counts summed over the rows, as :func:`redact_column`.
    """
    positions, redacted, table = _redact_distinct_texts(texts)
    same, distinct = pd.factorize(pd.Index(redacted, dtype=object))
    # one extra entry so that position -1 (no text) stays -1
    codes = np.append(same.astype("int64"), -1)[positions]
    return codes, [str(d) for d in distinct], _totals(positions, table)


def _totals(positions: np.ndarray, table: np.ndarray) -> dict[str, int]:
    """Each distinct text's counts times its number of rows, summed per type."""
    rows_per_text = np.bincount(positions + 1, minlength=len(table))
    # position -1 (no text) is the all-zero last row of ``table``
    totals = rows_per_text[1:] @ table[:-1] if len(table) > 1 else np.zeros(len(COUNT_TYPES))
    return {t: int(v) for t, v in zip(COUNT_TYPES, totals, strict=True)}


def _redact_distinct_texts(texts: pd.Series) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Row codes (-1 no text), the redacted distinct texts, and the counts of each of them."""
    positions, uniques = factorize_text(texts)
    results = [redact_text(str(u)) for u in uniques]
    table = np.zeros((len(uniques) + 1, len(COUNT_TYPES)), dtype="int64")
    for i, result in enumerate(results):
        table[i] = [result.counts[t] for t in COUNT_TYPES]
    return positions, [r.text for r in results], table


def _redact_distinct(texts: pd.Series) -> tuple[np.ndarray, pd.Series, np.ndarray]:
    """Row codes (-1 no text), the redacted column, and the counts of each distinct text."""
    positions, distinct, table = _redact_distinct_texts(texts)
    return positions, text_from_codes(distinct, positions, texts.index), table


_ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{6}[ \t]?\d{5}(?!\d)")


def mask_personal_data(text: str) -> str:
    """A raw value made safe to quote in a message: personal-data shapes masked.

    As :func:`redact_text`, and any 11 digits in a row (with or without a space after the sixth)
    masked as a fødselsnummer even when the first six are no date: a message quoting a raw value
    (an unknown label, an id under ``exclude``) must never show a person's number, whatever its
    check digits (domain.md).

    Examples
    --------
    >>> mask_personal_data("kari@example.no / 99999999999")
    '[e-post] / [fødselsnummer]'
    """
    return _ELEVEN_DIGITS.sub(PLACEHOLDERS["fodselsnummer"], redact_text(str(text)).text)
