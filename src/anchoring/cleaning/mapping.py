"""Map a raw export onto the canonical fields of the instrument (architecture.md).

``round.yaml`` names, per source, the raw column of each canonical field (``columns``) and, where
needed, how raw values translate (``values``). A canonical field that the config does not map but
that the file has under its own canonical name (``pll__nytte``, ``org_id`` …) is taken as is.
The result is a :class:`MappedSource`: one row per raw data row, in file order, with typed
canonical columns; free text stays in memory only, for redaction and theme tagging.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import pandas as pd

from anchoring.cleaning.answer_codes import (
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
from anchoring.cleaning.cells import (
    SAFE_ID,
    identity_hashes,
    lenient_numbers,
    parse_numbers,
    parse_timestamps,
    stored_respondent_ids,
)
from anchoring.cleaning.columns import collect_columns, start_time_column
from anchoring.cleaning.redaction import mask_personal_data
from anchoring.cleaning.rules import mark_analyst_exclusions
from anchoring.exceptions import AnchoringError, RoundConfigError
from anchoring.instrument import Instrument
from anchoring.intake.round_config import METADATA_FIELDS, Source
from anchoring.readers import RawTable

_EXAMPLE_VALUES = 5
T = TypeVar("T")


@dataclass(frozen=True)
class MappingWarning:
    """Cells read leniently rather than refused: counted, reported, not an error.

    ``kind`` is ``role_other`` (a role that matches no role of the group, read as the «other»
    role) or ``not_a_number`` (a numeric field's cell that is no number, read as missing).
    ``values`` are a few of the raw values, masked (:func:`mask_personal_data`), for messages
    only: :meth:`as_record` (``quality.json``) leaves them out.
    """

    source_id: str
    field: str
    column: str
    kind: str
    rows_n: int
    values: tuple[str, ...] = ()

    def describe(self, file: str) -> str:
        """One line for ``validate``: file, column, how many rows, example values, the fix."""
        shown = ", ".join(repr(v) for v in self.values)
        if self.kind == "role_other":
            what = "match no role of the group and are read as the «other» role (annet)"
            fix = f"map them under sources[{self.source_id}].values.role if they are a role"
        else:
            what = "are not numbers and are read as missing"
            fix = f"map them to numbers under sources[{self.source_id}].values.{self.field}"
        return (
            f"{file}: column '{self.column}' ({self.field}): {self.rows_n} row(s) {what} "
            f"(e.g. {shown}); {fix}."
        )

    def as_record(self) -> dict[str, object]:
        """The warning for ``quality.json``: counts and names, no raw value."""
        return {
            "source_id": self.source_id,
            "field": self.field,
            "column": self.column,
            "kind": self.kind,
            "rows_n": self.rows_n,
        }


@dataclass
class MappedSource:
    """A source mapped onto canonical fields.

    Attributes
    ----------
    source, raw
        The config entry and the raw table.
    frame
        ``source_row`` (1-based data row), ``respondent_id``, ``identity`` (a SHA-256 of the
        respondent's identity as the tool knows it, casefolded: in memory only, never written),
        ``submitted_at`` (UTC), ``answer_time_ms``, ``is_test``, ``is_complete``, ``org_raw``
        (the organisation as written; for GPs the practice's municipality number), ``role``,
        ``practice_size``, ``barriers`` (raw free text, never written) and one Int8 column per
        item of the round.
    item_ids
        Items of the round this source maps (the others are ``<NA>``).
    columns
        Canonical field → raw column used.
    unknown
        Per column: (raw column, field, raw value → 0-based row positions) of answer values that
        match no label; see :meth:`unknown_labels`.
    problems
        Every problem found while mapping (a missing column, a date that does not parse, an id
        under ``exclude`` that is not in the export …), collected so that ``validate`` lists all
        of them; cleaning raises them (:meth:`raise_problems`).
    warnings
        Cells read leniently (:class:`MappingWarning`).
    """

    source: Source
    raw: RawTable
    frame: pd.DataFrame
    item_ids: list[str]
    columns: dict[str, str]
    unknown: list[tuple[str, str, dict[str, np.ndarray]]] = field(default_factory=list)
    problems: list[AnchoringError] = field(default_factory=list)
    warnings: list[MappingWarning] = field(default_factory=list)

    def raise_problems(self) -> None:
        """Raise the mapping problems as one error of the first one's kind, or return."""
        if not self.problems:
            return
        first = self.problems[0]
        if len(self.problems) == 1:
            raise first
        raise type(first)("\n".join(str(p) for p in self.problems))

    def row_keys(self) -> pd.Series:
        """Per row the key the analyst uses for it (``exclude``, review lists).

        The respondent id as in the export when it is a plain id (letters, digits, ``._-``, not
        11 digits), else ``row<N>`` with N the 1-based data row: an e-mail used as id is never
        shown, and a source without a respondent id column is keyed by row.
        """
        rows = self.frame["source_row"].to_numpy()
        keys = pd.Series([f"row{r}" for r in rows], dtype="str")
        export_ids = self.export_ids()
        plain = (
            export_ids.str.fullmatch(SAFE_ID.pattern).fillna(False)
            & ~export_ids.str.fullmatch(r"\d{11}").fillna(False)
        ).to_numpy(dtype=bool)
        keys[plain] = export_ids[plain]
        return keys

    def export_ids(self) -> pd.Series:
        """The respondent id column as in the export (stripped; ``<NA>`` where none)."""
        column = self.columns.get("respondent_id")
        n = len(self.frame)
        if column is None:
            return pd.Series([None] * n, dtype="str")
        ids = self.raw.frame[column].astype("str").str.strip()
        return ids.where(ids != "").reset_index(drop=True)

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


def _configured(
    source: Source,
    field_name: str,
    lookup: dict[str, int],
    config_path: str,
    problems: list[AnchoringError],
) -> dict[str, int]:
    """The configured ``values`` of an item (``items`` and its own section).

    An entry with no valid target is left out and recorded in ``problems`` (once).
    """
    out = {}
    for section in ("items", field_name) if "__" in field_name else (field_name,):
        for raw, value in source.values.get(section, {}).items():
            shown = mask_personal_data(raw)
            where = f"{config_path}: sources[{source.id}].values.{section}[{shown!r}]"
            try:
                code = resolve_configured(value, lookup, where)
            except RoundConfigError as exc:
                if str(exc) not in {str(p) for p in problems}:
                    problems.append(exc)
                continue
            out[raw] = code
            out[normalise_label(raw)] = code
    return out


def _answer_time(raw: RawTable, columns: dict[str, str], submitted: pd.Series) -> np.ndarray:
    """Answer time in ms: the mapped column (ms, or s × 1000), else submitted minus started."""
    if "answer_time_ms" in columns:
        column = columns["answer_time_ms"]
        return parse_numbers(raw, raw.frame[column], column).to_numpy()
    if "answer_time_s" in columns:  # Qualtrics' «Duration (in seconds)»
        column = columns["answer_time_s"]
        return parse_numbers(raw, raw.frame[column], column).to_numpy() * 1000.0
    start = start_time_column(raw)
    if start is None or "submitted_at" not in columns:
        return np.full(len(raw.frame), np.nan)
    started = parse_timestamps(raw, raw.frame[start], start)
    elapsed = (submitted - started.set_axis(submitted.index)).dt.total_seconds() * 1000.0
    columns["answer_time_ms"] = f"{columns['submitted_at']} - {start}"
    return elapsed.to_numpy(dtype="float64", na_value=np.nan)


def _role_codes(
    source: Source, series: pd.Series, instrument: Instrument, config_path: str
) -> tuple[pd.Series, dict[str, np.ndarray], list[AnchoringError]]:
    """Role codes; a value that matches no role of the group is the «other» role (``annet``).

    Returns the codes, the raw values read as «other» (value → 0-based positions; with no
    «other» role in the instrument these stay unknown labels) and the problems of the
    configured ``values.role`` entries.
    """
    lookup = role_lookup(instrument, source.group)
    known = sorted(set(lookup.values()))
    configured, problems = {}, []
    for raw, value in source.values.get("role", {}).items():
        code = lookup.get(normalise_label(str(value)))
        if code is None:
            problems.append(
                RoundConfigError(
                    f"{config_path}: sources[{source.id}].values.role[{raw!r}]: "
                    f"{mask_personal_data(str(value))!r} is not a role of group "
                    f"{source.group}; use one of the role codes {known}."
                )
            )
            continue
        configured[normalise_label(raw)] = code
    other = instrument.other_role.id if instrument.other_role is not None else None
    positions, uniques = factorize_text(series)
    codes = np.empty(len(uniques) + 1, dtype=object)
    unmatched = {}
    for i, raw in enumerate(uniques):
        key = normalise_label(raw)
        codes[i] = configured.get(key, lookup.get(key))
        if codes[i] is None and key:
            unmatched[str(raw)] = np.flatnonzero(positions == i)
            codes[i] = other
    return text_from_codes(list(codes[:-1]), positions, series.index), unmatched, problems


def _warning(
    source: Source, field_name: str, column: str, kind: str, by_value: dict[str, np.ndarray]
) -> list[MappingWarning]:
    """One :class:`MappingWarning` for the values of a column read leniently (none if empty)."""
    if not by_value:
        return []
    rows_n = int(sum(len(p) for p in by_value.values()))
    shown = tuple(mask_personal_data(v) for v in sorted(by_value)[:_EXAMPLE_VALUES])
    return [MappingWarning(source.id, field_name, column, kind, rows_n, shown)]


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
        Typed canonical columns. Nothing is raised: unknown answer labels, problems (a missing
        column, a date or answer time that does not parse, a configured value with no valid
        target, an id under ``exclude`` not in the export) and warnings (a role read as «other»,
        a number read as missing) are collected on it, so that ``validate`` lists them all in
        one pass; cleaning raises them (:meth:`MappedSource.raise_problems`).
    """
    fields = [*METADATA_FIELDS, *item_ids]
    columns, problems = collect_columns(raw, source, fields, config_path)
    frame = _metadata_frame(raw, source, columns, problems)
    mapped = MappedSource(source, raw, frame, [], columns, problems=problems)
    _map_role(mapped, instrument, config_path)
    _map_practice_size(mapped)
    _map_items(mapped, instrument, item_ids, config_path)
    _check_exclude(mapped, config_path)
    return mapped


def _attempt(problems: list[AnchoringError], compute: Callable[[], T], fallback: T) -> T:
    """``compute()``, or ``fallback`` with the problem recorded when it raises."""
    try:
        return compute()
    except AnchoringError as exc:
        problems.append(exc)
        return fallback


def _metadata_frame(
    raw: RawTable, source: Source, columns: dict[str, str], problems: list[AnchoringError]
) -> pd.DataFrame:
    """``source_row`` and the canonical metadata columns (not role, size or items)."""
    data, n = raw.frame, len(raw.frame)
    out = pd.DataFrame({"source_row": np.arange(1, n + 1, dtype="int64")})
    get = lambda name: data[columns[name]] if name in columns else None  # noqa: E731
    no_text = pd.Series([None] * n, dtype="str")
    out["respondent_id"] = stored_respondent_ids(get("respondent_id"), n).array
    out["identity"] = identity_hashes(get("identity")).array if "identity" in columns else no_text
    never = pd.Series(pd.NaT, index=range(n), dtype="datetime64[us, UTC]")
    out["submitted_at"] = (
        _attempt(
            problems,
            lambda: parse_timestamps(raw, get("submitted_at"), columns["submitted_at"]),
            never,
        ).array
        if "submitted_at" in columns
        else never
    )
    out["answer_time_ms"] = _attempt(
        problems,
        lambda: _answer_time(raw, columns, out["submitted_at"]),
        np.full(n, np.nan),
    )
    out["is_test"] = _flag(get("is_test"), source.test_values, default=False, n=n)
    out["is_complete"] = _flag(get("is_complete"), source.complete_values, default=True, n=n)
    org_field = "municipality_id" if source.group == "gp" else "org_id"
    out["org_raw"] = get(org_field).array if org_field in columns else no_text.array
    out["barriers"] = get("barriers").array if "barriers" in columns else no_text.array
    return out


def _flag(series: pd.Series | None, true_values: list[str], default: bool, n: int) -> np.ndarray:
    """Whether each cell is one of ``true_values`` (case-insensitive); ``default`` if unmapped."""
    if series is None:
        return np.full(n, default, dtype=bool)
    values = {v.casefold() for v in true_values}
    return series.str.strip().str.casefold().isin(values).to_numpy(dtype=bool)


def _map_role(mapped: MappedSource, instrument: Instrument, config_path: str) -> None:
    """The ``role`` column: codes, with unmatched values read as «other» and counted."""
    source, n = mapped.source, len(mapped.frame)
    if "role" not in mapped.columns:
        roles = instrument.roles[source.group]
        only = roles[0].id if len(roles) == 1 else None  # e.g. every GP is a «fastlege»
        mapped.frame["role"] = pd.Series([only] * n, dtype="str")
        return
    column = mapped.columns["role"]
    codes, unmatched, problems = _role_codes(
        source, mapped.raw.frame[column], instrument, config_path
    )
    mapped.frame["role"] = codes.array
    mapped.problems.extend(problems)
    if instrument.other_role is None:
        mapped.unknown.append((column, "role", unmatched))
    else:
        mapped.warnings.extend(_warning(source, "role", column, "role_other", unmatched))


def _map_practice_size(mapped: MappedSource) -> None:
    """``practice_size``: numbers (through ``values``); other cells missing, counted."""
    if "practice_size" not in mapped.columns:
        mapped.frame["practice_size"] = np.nan
        return
    column = mapped.columns["practice_size"]
    configured = mapped.source.values.get("practice_size", {})
    numbers, bad = lenient_numbers(mapped.raw, mapped.raw.frame[column], configured)
    mapped.frame["practice_size"] = numbers
    mapped.warnings.extend(_warning(mapped.source, "practice_size", column, "not_a_number", bad))


def _map_items(
    mapped: MappedSource, instrument: Instrument, item_ids: list[str], config_path: str
) -> None:
    """One Int8 column per item of the round; unknown labels collected on ``mapped``."""
    source, columns, data = mapped.source, mapped.columns, mapped.raw.frame
    n = len(data)
    lookup = scale_lookup(instrument)
    mapped.item_ids = [i for i in item_ids if i in columns]
    codings = {}
    for item in mapped.item_ids:
        codings[item] = ColumnCoding(
            _configured(source, item, lookup, config_path, mapped.problems),
            mapped.raw.value_labels.get(columns[item], {}),
            frozenset(mapped.raw.user_missing.get(columns[item], ())),
            lookup,
        )
    with ThreadPoolExecutor(2) as pool:  # mostly Arrow and numpy: columns side by side
        coded = dict(
            zip(
                mapped.item_ids,
                pool.map(lambda i: code_column(data[columns[i]], codings[i]), mapped.item_ids),
                strict=True,
            )
        )
    for item in item_ids:
        if item not in columns:
            mapped.frame[item] = pd.arrays.IntegerArray(
                np.zeros(n, dtype="int8"), np.ones(n, dtype=bool)
            )
            continue
        codes, bad = coded[item]
        mapped.frame[item] = codes.array
        mapped.unknown.append((columns[item], item, bad))


def _check_exclude(mapped: MappedSource, config_path: str) -> None:
    """An id under the source's ``exclude`` that names no row of the export is a problem."""
    source = mapped.source
    if not source.exclude:
        return
    _, _, missing = mark_analyst_exclusions(
        mapped.export_ids(), mapped.frame["source_row"], source.exclude
    )
    if not missing:
        return
    shown = ", ".join(repr(mask_personal_data(m)) for m in missing[:_EXAMPLE_VALUES])
    more = f" and {len(missing) - _EXAMPLE_VALUES} more" if len(missing) > _EXAMPLE_VALUES else ""
    column = mapped.columns.get("respondent_id")
    where = f"its respondent id column '{column}'" if column else "its data rows"
    mapped.problems.append(
        RoundConfigError(
            f"{config_path}: sources[{source.id}].exclude names {len(missing)} id(s) not in "
            f"{mapped.raw.path.name} ({shown}{more}); an id is the respondent id as in "
            f"{where}, or row<N> for the N-th data row. Correct or remove them."
        )
    )
