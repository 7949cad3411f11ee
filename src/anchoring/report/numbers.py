"""Number formatting for the report in bokmål and English.

Bokmål follows Språkrådet's and SSB's conventions: decimal comma, a (non-breaking) space as the
thousands separator, a space before the per cent sign («1 250,5», «45 %»). English uses a decimal
point, a comma as the thousands separator and no space before «%» («1,250.5», «45%»). Negative
numbers carry the typographic minus sign «−» (U+2212) in both languages. Intervals use an en dash
between non-negative limits and a word («til» / «to») when a limit is negative, so that a minus is
never read as a dash. The words (that one and the months) come from the text catalog
(:mod:`anchoring.texts`).
"""

from __future__ import annotations

import math
from numbers import Real

from anchoring.instrument import LANGUAGES
from anchoring.texts import text

NBSP = "\u00a0"
"""Non-breaking space: the bokmål thousands separator and the space before «%»."""

MINUS = "\u2212"
"""Typographic minus sign."""

EN_DASH = "\u2013"
"""En dash between interval limits."""

SUPPRESSED = ":"
"""SSB's symbol for a value hidden to protect small cells."""

MISSING = "–"
"""Shown where a value does not exist (no estimate was made)."""


def _check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown report language {lang!r}; use one of {list(LANGUAGES)}")
    return lang


def is_missing(value: object) -> bool:
    """True for ``None``, ``pd.NA`` and NaN: a value that cannot be formatted."""
    if value is None:
        return True
    try:
        return bool(math.isnan(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def format_number(value: object, lang: str, decimals: int = 1, signed: bool = False) -> str:
    """Format a number in the report language.

    Parameters
    ----------
    value
        The number; ``None``/NaN/``pd.NA`` give :data:`MISSING`.
    lang
        ``"nb"`` (decimal comma, non-breaking space between thousands) or ``"en"``.
    decimals
        Digits after the decimal mark (rounded half to even, as Python's ``format``).
    signed
        Prefix positive numbers with «+» (for changes).

    Returns
    -------
    str
        E.g. ``format_number(1250.5, "nb")`` → «1 250,5», ``format_number(1250.5, "en")`` →
        «1,250.5».
    """
    _check_lang(lang)
    if is_missing(value):
        return MISSING
    number = float(value)  # type: ignore[arg-type]
    text = f"{abs(number):,.{decimals}f}"
    if float(text.replace(",", "")) == 0:
        number = 0.0  # no «−0,0»
    if lang == "nb":
        text = text.replace(",", NBSP).replace(".", ",")
    if number < 0:
        return MINUS + text
    return ("+" + text) if signed and number > 0 else text


def format_count(value: object, lang: str) -> str:
    """Format a whole number (a count) with the language's thousands separator."""
    return format_number(value, lang, decimals=0)


def format_percent(share: object, lang: str, decimals: int = 0) -> str:
    """Format a share (0–1) as a percentage: «45 %» in bokmål, «45%» in English."""
    if is_missing(share):
        return MISSING
    text = format_number(float(share) * 100, lang, decimals)  # type: ignore[arg-type]
    return f"{text}{NBSP}%" if lang == "nb" else f"{text}%"


def format_interval(
    low: object, high: object, lang: str, decimals: int = 1, percent: bool = False
) -> str:
    """Format a confidence interval's limits.

    Parameters
    ----------
    low, high
        The limits (shares 0–1 when ``percent``).
    lang
        Report language.
    decimals
        Digits after the decimal mark.
    percent
        Show the limits as percentages (the sign once, after the upper limit).

    Returns
    -------
    str
        «58,1–66,7» (nb) / «58.1–66.7» (en); «−3,2 til 4,1» / «−3.2 to 4.1» when a limit is
        negative; :data:`MISSING` when a limit is missing.
    """
    _check_lang(lang)
    if is_missing(low) or is_missing(high):
        return MISSING
    scale = 100.0 if percent else 1.0
    lo = format_number(float(low) * scale, lang, decimals)  # type: ignore[arg-type]
    hi = format_number(float(high) * scale, lang, decimals)  # type: ignore[arg-type]
    joined = (
        f"{lo} {text('interval_to', lang)} {hi}" if lo.startswith(MINUS) else f"{lo}{EN_DASH}{hi}"
    )
    if percent:
        joined += f"{NBSP}%" if lang == "nb" else "%"
    return joined


def format_estimate_with_interval(
    estimate: object, low: object, high: object, lang: str, decimals: int = 1
) -> str:
    """«62,4 (58,1–66,7)»: an estimate followed by its interval in brackets."""
    return (
        f"{format_number(estimate, lang, decimals)} ({format_interval(low, high, lang, decimals)})"
    )


def format_p_value(p: object, lang: str) -> str:
    """Format a p-value: three decimals, «< 0,001» below one in a thousand."""
    if is_missing(p):
        return MISSING
    value = float(p)  # type: ignore[arg-type]
    if value < 0.001:
        return f"<{NBSP}{format_number(0.001, lang, 3)}"
    return format_number(value, lang, 3)


def format_p_clause(p: object, lang: str) -> str:
    """«p = 0,012» or «p < 0,001» (the symbol follows the value)."""
    text = format_p_value(p, lang)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def format_date(value: object, lang: str) -> str:
    """Format a date: «3. mars 2025» (nb) / «3 March 2025» (en)."""
    _check_lang(lang)
    if is_missing_date(value):
        return MISSING
    day, month, year = value.day, value.month, value.year  # type: ignore[attr-defined]
    name = text(f"month_{month}", lang)
    if lang == "nb":
        return f"{day}.{NBSP}{name} {year}"
    return f"{day}{NBSP}{name} {year}"


def is_missing_date(value: object) -> bool:
    """True when ``value`` is not a date-like object (``None``, ``NaT``)."""
    return value is None or not hasattr(value, "year") or value != value  # NaT != NaT


def is_number(value: object) -> bool:
    """True for a real, non-missing number (not a bool)."""
    return isinstance(value, Real) and not isinstance(value, bool) and not is_missing(value)
