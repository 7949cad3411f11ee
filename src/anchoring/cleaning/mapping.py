"""Map a raw export onto the canonical fields of the instrument (architecture.md).

``round.yaml`` names, per source, the raw column of each canonical field (``columns``) and, where
needed, how raw values translate (``values``). A canonical field that the config does not map but
that the file has under its own canonical name (``pll__nytte``, ``org_id`` …) is taken as is.
The result is a :class:`MappedSource`: one row per raw data row, in file order, with typed
canonical columns; free text stays in memory only, for redaction and theme tagging.
"""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from anchoring.cleaning.labels import (
    ColumnCoding,
    UnknownLabel,
    code_column,
    factorize_text,
    normalise_label,
    resolve_configured,
    role_lookup,
    scale_lookup,
    text_from_codes,
    unknown_labels,
)
from anchoring.exceptions import InputFileError, MappingError, RoundConfigError
from anchoring.instrument import Instrument
from anchoring.readers import RawTable
from anchoring.round_config import METADATA_FIELDS, Source

_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_LOCAL_ZONE = "Europe/Oslo"
_ISO_INSTANT = (
    r"^\d{4}-[01]\d-[0-3]\d[T ](?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,6})?"
    r"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$"
)
START_TIME_HEADERS: tuple[str, ...] = (
    "starttid",
    "start time",
    "starttime",
    "start date",
    "startdate",
    "started",
    "started at",
    "started_at",
    "$started",
    "påbegynt",
    "startet",
)
"""Headers of a start-time column: when a source maps no ``answer_time_ms``, the answer time is
``submitted_at`` minus this column (Questback, SurveyXact and Forms export both times)."""


@dataclass
class MappedSource:
    """A source mapped onto canonical fields.

    Attributes
    ----------
    source, raw
        The config entry and the raw table.
    frame
        ``source_row`` (1-based data row), ``respondent_id``, ``submitted_at`` (UTC),
        ``answer_time_ms``, ``is_test``, ``org_raw`` (the organisation as written; for GPs the
        practice's municipality number), ``role``, ``practice_size``, ``barriers`` (raw free
        text, never written) and one Int8 column per item of the round.
    item_ids
        Items of the round this source maps (the others are ``<NA>``).
    columns
        Canonical field → raw column used.
    unknown
        Per column: (raw column, field, raw value → 0-based row positions) of answer values that
        match no label; see :meth:`unknown_labels`.
    """

    source: Source
    raw: RawTable
    frame: pd.DataFrame
    item_ids: list[str]
    columns: dict[str, str]
    unknown: list[tuple[str, str, dict[str, np.ndarray]]] = field(default_factory=list)

    def unknown_labels(self, relevant: np.ndarray | None = None) -> list[UnknownLabel]:
        """Unknown answer values in the rows marked ``relevant`` (default: all rows)."""
        rows = self.frame["source_row"].to_numpy()
        out = []
        for column, field_name, by_value in self.unknown:
            kept = {v: p[relevant[p]] if relevant is not None else p for v, p in by_value.items()}
            kept = {v: p for v, p in kept.items() if len(p)}
            out += unknown_labels(
                kept, self.raw.path.name, self.source.id, column, field_name, rows
            )
        return out


def _norm_header(name: str) -> str:
    return " ".join(str(name).split()).casefold()


def resolve_columns(
    raw: RawTable, source: Source, fields: list[str], config_path: str
) -> dict[str, str]:
    """Canonical field → raw column, checked against the file's header.

    Raises
    ------
    InputFileError
        A column the config names is not in the file (all such columns listed).
    RoundConfigError
        The source maps no item, or not the organisation column its group needs.
    """
    header = list(raw.frame.columns)
    by_norm = {_norm_header(c): c for c in header}
    resolved, missing = {}, []
    for name, column in source.columns.items():
        found = column if column in header else by_norm.get(_norm_header(column))
        if found is None:
            missing.append(f"'{column}' (for {name})")
        else:
            resolved[name] = found
    if missing:
        shown = ", ".join(repr(c) for c in header[:25]) + (" ..." if len(header) > 25 else "")
        sheets = ""
        if raw.sheet is not None and len(raw.sheets) > 1:
            sheets = (
                f" of sheet {raw.sheet!r} (the workbook has sheets {list(raw.sheets)}; "
                "set 'sheet' in round.yaml if the answers are on another)"
            )
        raise InputFileError(
            f"{raw.path}: required column(s) {', '.join(missing)} not found in the header"
            f"{f' (row {raw.header_row})' if raw.header_row else ''}{sheets}. "
            f"Columns present: {shown}. "
            f"Fix sources[{source.id}].columns in {config_path} or export the column."
        )
    for name in fields:
        if name not in resolved and name in header:
            resolved[name] = name
    if source.group == "gp" and "municipality_id" not in resolved and "org_id" in resolved:
        resolved["municipality_id"] = resolved.pop("org_id")
    org_field = "municipality_id" if source.group == "gp" else "org_id"
    if org_field not in resolved:
        raise RoundConfigError(
            f"{config_path}: sources[{source.id}].columns must map "
            f"'{org_field}' (the {source.group} organisation) to a column of "
            f"{raw.path.name}."
        )
    if not any("__" in name for name in resolved):
        raise RoundConfigError(
            f"{config_path}: sources[{source.id}].columns maps no item "
            f"(<measure>__<dimension>) to a column of {raw.path.name}."
        )
    return resolved


def _configured(
    source: Source, field_name: str, lookup: dict[str, int], config_path: str
) -> dict[str, int]:
    out = {}
    for section in ("items", field_name) if "__" in field_name else (field_name,):
        for raw, value in source.values.get(section, {}).items():
            where = f"{config_path}: sources[{source.id}].values.{section}[{raw!r}]"
            code = resolve_configured(value, lookup, where)
            out[raw] = code
            out[normalise_label(raw)] = code
    return out


def _numbers(raw: RawTable, series: pd.Series, column: str) -> pd.Series:
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


def _iso_instants(series: pd.Series) -> pd.Series | None:
    """Fast path of :func:`_timestamps`: every value a plain ISO 8601 instant with an offset.

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


def _timestamps(raw: RawTable, series: pd.Series, column: str) -> pd.Series:
    fast = _iso_instants(series)
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


def _answer_time(raw: RawTable, columns: dict[str, str], submitted: pd.Series) -> np.ndarray:
    """Answer time in ms: the mapped column, else submission minus a start-time column."""
    if "answer_time_ms" in columns:
        column = columns["answer_time_ms"]
        return _numbers(raw, raw.frame[column], column).to_numpy()
    start = next((c for c in raw.frame.columns if _norm_header(c) in START_TIME_HEADERS), None)
    if start is None or "submitted_at" not in columns:
        return np.full(len(raw.frame), np.nan)
    started = _timestamps(raw, raw.frame[start], start)
    elapsed = (submitted - started.set_axis(submitted.index)).dt.total_seconds() * 1000.0
    columns["answer_time_ms"] = f"{columns['submitted_at']} - {start}"
    return elapsed.to_numpy(dtype="float64", na_value=np.nan)


def _respondent_ids(series: pd.Series | None, n: int) -> pd.Series:
    """Respondent ids safe to store: plain ids as is, anything else (an e-mail …) hashed."""
    if series is None:
        return pd.Series([None] * n, dtype="str")
    text = pa.array(series)
    if (
        (pa.types.is_string(text.type) or pa.types.is_large_string(text.type))
        and pc.all(pc.match_substring_regex(text, _SAFE_ID.pattern)).as_py()
        and not pc.any(pc.match_substring_regex(text, r"^\d{11}$")).as_py()
    ):  # every id plain already (checked by Arrow): nothing to strip or hash
        return series.astype("str")
    series = series.str.strip().replace("", None)
    plain = (
        series.str.fullmatch(_SAFE_ID.pattern).fillna(False)
        & ~series.str.fullmatch(r"\d{11}").fillna(False)
    ) | series.isna()
    if plain.all():
        return series.astype("str")
    ids = series.astype("str").copy()
    unsafe = ~plain.to_numpy()
    ids[unsafe] = ["h" + hashlib.sha256(u.encode("utf-8")).hexdigest()[:16] for u in series[unsafe]]
    return ids


def _role_codes(
    source: Source, series: pd.Series, instrument: Instrument, config_path: str
) -> tuple[pd.Series, dict[str, np.ndarray]]:
    lookup = role_lookup(instrument, source.group)
    known = set(lookup.values())
    configured = {}
    for raw, value in source.values.get("role", {}).items():
        code = lookup.get(normalise_label(str(value)))
        if code is None:
            raise RoundConfigError(
                f"{config_path}: sources[{source.id}].values.role[{raw!r}]: "
                f"{value!r} is not a role of group {source.group} "
                f"({sorted(known)})."
            )
        configured[normalise_label(raw)] = code
    positions, uniques = factorize_text(series)
    codes = np.empty(len(uniques) + 1, dtype=object)
    unknown = {}
    for i, raw in enumerate(uniques):
        key = normalise_label(raw)
        codes[i] = configured.get(key, lookup.get(key))
        if codes[i] is None:
            unknown[str(raw)] = np.flatnonzero(positions == i)
    return text_from_codes(list(codes[:-1]), positions, series.index), unknown


def map_source(
    raw: RawTable, source: Source, instrument: Instrument, item_ids: list[str], config_path: str
) -> MappedSource:
    """Map one raw export onto the canonical fields.

    Parameters
    ----------
    raw
        The export as read.
    source
        Its entry in ``round.yaml``.
    instrument
        The survey instrument (labels, roles).
    item_ids
        The items of the round (every one gets a column; unmapped ones are ``<NA>``).
    config_path
        Named in error messages.

    Returns
    -------
    MappedSource
        Typed canonical columns; unknown answer labels collected, not raised.

    Raises
    ------
    InputFileError, RoundConfigError, MappingError
        A mapped column is missing; the config is unusable; a number or date does not parse.
    """
    fields = [*METADATA_FIELDS, *item_ids]
    columns = resolve_columns(raw, source, fields, config_path)
    data = raw.frame
    n = len(data)
    source_rows = np.arange(1, n + 1, dtype="int64")
    out = pd.DataFrame({"source_row": source_rows})
    get = lambda name: data[columns[name]] if name in columns else None  # noqa: E731
    out["respondent_id"] = _respondent_ids(get("respondent_id"), n).array
    out["submitted_at"] = (
        _timestamps(raw, get("submitted_at"), columns["submitted_at"]).array
        if "submitted_at" in columns
        else pd.Series(pd.NaT, index=range(n), dtype="datetime64[us, UTC]")
    )
    out["answer_time_ms"] = _answer_time(raw, columns, out["submitted_at"])
    tests = {v.casefold() for v in source.test_values}
    out["is_test"] = (
        get("is_test").str.strip().str.casefold().isin(tests).to_numpy()
        if "is_test" in columns
        else False
    )
    org_field = "municipality_id" if source.group == "gp" else "org_id"
    out["org_raw"] = get(org_field).array
    unknown = []
    if "role" in columns:
        roles, bad = _role_codes(source, get("role"), instrument, config_path)
        out["role"] = roles.array
        unknown.append((columns["role"], "role", bad))
    else:
        roles = instrument.roles[source.group]
        only = roles[0].id if len(roles) == 1 else None  # e.g. every GP is a «fastlege»
        out["role"] = pd.Series([only] * n, dtype="str")
    out["practice_size"] = (
        _numbers(raw, get("practice_size"), columns["practice_size"]).to_numpy()
        if "practice_size" in columns
        else np.nan
    )
    out["barriers"] = (
        get("barriers").array if "barriers" in columns else pd.Series([None] * n, dtype="str").array
    )
    lookup = scale_lookup(instrument)
    mapped = [i for i in item_ids if i in columns]
    codings = {
        item: ColumnCoding(
            _configured(source, item, lookup, config_path),
            raw.value_labels.get(columns[item], {}),
            frozenset(raw.user_missing.get(columns[item], ())),
            lookup,
        )
        for item in mapped
    }
    with ThreadPoolExecutor(2) as pool:  # mostly Arrow and numpy: columns side by side
        coded = dict(
            zip(
                mapped,
                pool.map(lambda i: code_column(data[columns[i]], codings[i]), mapped),
                strict=True,
            )
        )
    for item in item_ids:
        if item not in columns:
            out[item] = pd.arrays.IntegerArray(np.zeros(n, dtype="int8"), np.ones(n, dtype=bool))
            continue
        codes, bad = coded[item]
        out[item] = codes.array
        unknown.append((columns[item], item, bad))
    return MappedSource(source, raw, out, mapped, columns, unknown)
