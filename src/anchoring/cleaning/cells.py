"""Typed cells of an export: numbers, date-times, respondent ids and identities.

Every value a reader returns is text (:class:`anchoring.readers.RawTable`); these functions give
the canonical fields their types. Times without an offset are local Norwegian time (Europe/Oslo,
the survey tools' default), with and without daylight saving time; numbers take the export's
decimal mark. A respondent id that could be personal data (an e-mail, 11 digits) is stored only as
a hash, and a respondent's identity only ever as a hash, in memory.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from anchoring.cleaning.answer_codes import factorize_text, normalise_label, text_from_codes
from anchoring.exceptions import MappingError
from anchoring.readers import RawTable

_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
"""A respondent id that is stored as it is (anything else is hashed)."""
_LOCAL_ZONE = "Europe/Oslo"
_ISO_INSTANT = (
    r"^\d{4}-[01]\d-[0-3]\d[T ](?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,6})?"
    r"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$"
)
ANONYMOUS_IDENTITIES: frozenset[str] = frozenset({"anonymous", "anonym", "anonymt", "ukjent"})
"""What a tool writes for a respondent it does not know (Microsoft Forms: ``Email`` «anonymous»):
no identity, so never the same person as another such row."""


def parse_numbers(raw: RawTable, series: pd.Series, column: str) -> pd.Series:
    """Numbers of a column (decimal mark of the export; spaces as thousands separators).

    Raises
    ------
    MappingError
        A cell is no number (the first data rows named).
    """
    try:  # fast path: plain numbers (pyarrow cast, vectorised)
        values = pa.array(series, type=pa.string())
        cast = pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)
        return pd.Series(cast, index=series.index, dtype="float64")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    text = series.str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    if raw.decimal == ",":
        text = text.str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(text, errors="coerce").astype("float64")
    bad = np.flatnonzero(series.notna().to_numpy() & np.isnan(numbers.to_numpy()))
    if len(bad):
        rows = ", ".join(str(r + 1) for r in bad[:5])
        raise MappingError(
            f"{raw.path}: column '{column}' must hold numbers; data row(s) {rows} "
            "do not. Fix the column map in round.yaml or the export."
        )
    return numbers


def lenient_numbers(
    raw: RawTable, series: pd.Series, configured: dict[str, str | int | float]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Numbers of a numeric field; a cell that is no number (after ``values``) is missing.

    ``configured`` maps raw text to a number (``values: {practice_size: {"ca 6": 6}}``), matched
    as written or as a normalised label. Returns the numbers and, per raw value that is still
    no number, its 0-based row positions (counted as a warning by the caller).
    """
    by_label = {normalise_label(k): v for k, v in configured.items()}
    positions, uniques = factorize_text(series)
    texts = []
    for value in uniques:
        mapped = configured.get(value, configured.get(str(value).strip()))
        if mapped is None:
            mapped = by_label.get(normalise_label(value))
        texts.append(str(value) if mapped is None else str(mapped))
    text = text_from_codes(texts, positions, series.index).str.replace(
        r"[\s\u00a0\u202f]", "", regex=True
    )
    if raw.decimal == ",":
        text = text.str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(text, errors="coerce").astype("float64").to_numpy()
    bad = series.notna().to_numpy() & (text != "").fillna(False).to_numpy() & np.isnan(numbers)
    unknown = {
        str(uniques[i]): np.flatnonzero(bad & (positions == i)) for i in np.unique(positions[bad])
    }
    return numbers, unknown


def iso_instants(series: pd.Series) -> pd.Series | None:
    """Fast path of :func:`parse_timestamps`: every value a plain ISO 8601 instant with an offset.

    ``YYYY-MM-DD[T ]HH:MM:SS[.ffffff]`` and ``Z`` or ``±HH:MM``, nothing around it (as Nettskjema
    writes ``$created``): parsed by Arrow, the same instants as pandas gives. ``None`` if any
    value has another form (or an impossible date): then the general parser decides.
    """
    text = pa.array(series)
    if not (pa.types.is_string(text.type) or pa.types.is_large_string(text.type)):
        return None
    if (
        text.null_count == len(text)
        or not pc.all(pc.match_substring_regex(text, _ISO_INSTANT)).as_py()
    ):
        return None
    try:
        parsed = pc.cast(text, pa.timestamp("us", tz="UTC"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return pd.Series(parsed.to_pandas(), index=series.index, dtype="datetime64[us, UTC]")


def parse_timestamps(raw: RawTable, series: pd.Series, column: str) -> pd.Series:
    """Instants in UTC: ISO 8601 with an offset as is, local (Europe/Oslo) times without one.

    Raises
    ------
    MappingError
        A cell is no date with time (the first data rows named).
    """
    fast = iso_instants(series)
    if fast is not None:
        return fast
    series = series.str.strip().replace("", None)
    out = pd.Series(pd.NaT, index=series.index, dtype="datetime64[us, UTC]")
    present = series.notna()
    aware = present & series.str.contains(_OFFSET.pattern, regex=True, na=False)
    naive = present & ~aware
    if aware.any():
        out[aware] = pd.to_datetime(series[aware], utc=True, format="ISO8601", errors="coerce")
    if naive.any():
        text = series[naive]
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
        retry = parsed.isna()
        if retry.any():
            parsed[retry] = pd.to_datetime(
                text[retry], dayfirst=True, format="mixed", errors="coerce"
            )
        out[naive] = parsed.dt.tz_localize(
            _LOCAL_ZONE, ambiguous="NaT", nonexistent="shift_forward"
        ).dt.tz_convert("UTC")
    bad = np.flatnonzero(present.to_numpy() & out.isna().to_numpy())
    if len(bad):
        rows = ", ".join(str(r + 1) for r in bad[:5])
        raise MappingError(
            f"{raw.path}: column '{column}' must hold dates with time (ISO 8601 "
            f"or DD.MM.YYYY HH:MM); data row(s) {rows} do not."
        )
    return out


def stored_respondent_ids(series: pd.Series | None, n: int) -> pd.Series:
    """Respondent ids safe to store: plain ids as is, anything else (an e-mail …) hashed."""
    if series is None:
        return pd.Series([None] * n, dtype="str")
    text = pa.array(series)
    if (
        (pa.types.is_string(text.type) or pa.types.is_large_string(text.type))
        and pc.all(pc.match_substring_regex(text, SAFE_ID.pattern)).as_py()
        and not pc.any(pc.match_substring_regex(text, r"^\d{11}$")).as_py()
    ):  # every id plain already (checked by Arrow): nothing to strip or hash
        return series.astype("str")
    series = series.str.strip().replace("", None)
    plain = (
        series.str.fullmatch(SAFE_ID.pattern).fillna(False)
        & ~series.str.fullmatch(r"\d{11}").fillna(False)
    ) | series.isna()
    if plain.all():
        return series.astype("str")
    ids = series.astype("str").copy()
    unsafe = ~plain.to_numpy()
    ids[unsafe] = ["h" + hashlib.sha256(u.encode("utf-8")).hexdigest()[:16] for u in series[unsafe]]
    return ids


def identity_hashes(series: pd.Series) -> pd.Series:
    """SHA-256 (hex) of each identity, casefolded and stripped; ``<NA>`` for none or «anonymous».

    The identity (an e-mail, a recipient reference) is hashed as soon as it is read and only
    the hash is kept, in memory, to find resubmissions; it is never written. No secret salt: the
    hash only has to make equal identities equal, and it never leaves the process.
    """
    positions, uniques = factorize_text(series)
    hashed = []
    for value in uniques:
        text = " ".join(str(value).split()).casefold()
        known = text and text not in ANONYMOUS_IDENTITIES
        hashed.append(hashlib.sha256(text.encode("utf-8")).hexdigest() if known else None)
    return text_from_codes(hashed, positions, series.index)
