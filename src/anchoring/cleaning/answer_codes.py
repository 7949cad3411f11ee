"""Tolerant answer-label matching onto the instrument's internal codes.

Exports spell the scale in many ways (domain.md): «Hverken» and «Verken», any case and spacing,
bokmål or English labels, a code in front (``"1 - Helt uenig"``) or the bare code. Internal codes
are 1–5 for the scale points, 8 «Vet ikke» and 9 «Ikke relevant», distinct from an unanswered
item (``<NA>``) (architecture.md). A bare number is taken as a scale point only for 1–5: the
codes a survey tool gives «Vet ikke» and «Ikke relevant» are user-defined (Nettskjema often uses
9 for «Vet ikke»), so they need SPSS value labels or a ``values`` map in ``round.yaml``.

Values that match nothing are collected per source and column (:class:`UnknownLabel`) so that one
:class:`~anchoring.exceptions.MappingError` lists all of them at once
(:func:`raise_unknown_labels`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from anchoring.exceptions import MappingError, RoundConfigError
from anchoring.instrument import DONT_KNOW, NOT_APPLICABLE, SCALE_POINTS, Instrument

VALID_CODES: frozenset[int] = frozenset((*SCALE_POINTS, DONT_KNOW, NOT_APPLICABLE))
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]0+)?$")
_PUNCTUATION = re.compile(r"[«»\"'`´’‘“”.,:;!?()\[\]=/]")
_SPACES = re.compile(r"[\s_\-–—]+")
_EXTRA_LABELS: dict[str, int] = {
    "dont know": DONT_KNOW,
    "do not know": DONT_KNOW,
    "vet ikkje": DONT_KNOW,
    "ikke aktuelt": NOT_APPLICABLE,
    "ikkje relevant": NOT_APPLICABLE,
    "not relevant": NOT_APPLICABLE,
}
_EXAMPLE_ROWS = 5


def normalise_label(text: str) -> str:
    """Fold a label for matching: case, spacing, punctuation and «Hverken» → «verken».

    Examples
    --------
    >>> normalise_label("  Hverken  enig eller UENIG ")
    'verken enig eller uenig'
    >>> normalise_label("Don’t know")
    'dont know'
    """
    text = unicodedata.normalize("NFKC", str(text)).casefold().strip()
    if _NUMBER.match(text):
        return str(int(float(text.replace(",", "."))))
    text = _PUNCTUATION.sub(lambda m: " " if m.group(0) in "()[]=/" else "", text)
    text = _SPACES.sub(" ", text).strip()
    return re.sub(r"\bhverken\b", "verken", text)


def scale_lookup(instrument: Instrument) -> dict[str, int]:
    """Normalised label → internal code, for every scale label in both languages.

    Includes each label with its code before or after it (``"1 helt uenig"``), the bare scale
    points ``"1"``–``"5"`` and a few common variants ("Don't know", «Ikke aktuelt»).
    """
    lookup = {normalise_label(k): v for k, v in _EXTRA_LABELS.items()}
    for point in instrument.points + instrument.non_substantive:
        for label in point.label.values():
            key = normalise_label(label)
            lookup[key] = point.code
            lookup[f"{point.code} {key}"] = point.code
            lookup[f"{key} {point.code}"] = point.code
    for code in SCALE_POINTS:
        lookup[str(code)] = code
    return lookup


def role_lookup(instrument: Instrument, group: str) -> dict[str, str]:
    """Normalised role code or label (nb, en) → role code, for one stakeholder group.

    Includes the instrument's «other» role (``annet``: «Annet», "Other", «Andre» …), which every
    group can answer (:attr:`~anchoring.instrument.Instrument.other_role`).
    """
    lookup = {}
    other = instrument.other_role
    roles = instrument.roles[group] + ((other,) if other is not None else ())
    for role in roles:
        lookup[normalise_label(role.id)] = role.id
        for label in role.label.values():
            lookup[normalise_label(label)] = role.id
    if other is not None:
        for alias in instrument.other_role_aliases:
            lookup.setdefault(normalise_label(alias), other.id)
    return lookup


@dataclass(frozen=True)
class UnknownLabel:
    """A raw value in a mapped column that matches no known label."""

    file: str
    source_id: str
    column: str
    field: str
    value: str
    rows: tuple[int, ...]
    count: int

    @property
    def shown_value(self) -> str:
        """The value as a message may quote it: personal-data shapes masked."""
        from anchoring.cleaning.redaction import mask_personal_data  # redaction imports labels

        return mask_personal_data(self.value)

    def describe(self) -> str:
        """One line for the error message: file, column, value (masked), example rows."""
        rows = ", ".join(str(r) for r in self.rows)
        more = f"; {self.count} rows in all" if self.count > len(self.rows) else ""
        return (
            f"{self.file}: column '{self.column}' ({self.field}): value {self.shown_value!r} in "
            f"data row(s) {rows}{more}"
        )


_ITEM_TARGET = "<code 1-5, 8 Vet ikke or 9 Ikke relevant, or a label>"
_SHOWN_ITEMS = 3


def describe_unknown_labels(unknown: list[UnknownLabel]) -> list[str]:
    """One line per unknown value: a value unknown in several item columns of a file is one line.

    A label set the instrument does not know («Delvis enig» in all 28 item columns) is then one
    line naming the columns' items and the rows in all, not 28 lines.
    """
    by_value: dict[tuple[str, str, str], list[UnknownLabel]] = {}
    for u in unknown:
        kind = "items" if "__" in u.field else u.field
        by_value.setdefault((u.file, kind, u.value), []).append(u)
    lines = []
    for (file, kind, _), found in by_value.items():
        if len(found) == 1 or kind != "items":
            lines += [u.describe() for u in found]
            continue
        first = found[0]
        items = ", ".join(u.field for u in found[:_SHOWN_ITEMS])
        more = ", …" if len(found) > _SHOWN_ITEMS else ""
        rows = ", ".join(str(r) for r in first.rows)
        lines.append(
            f"{file}: value {first.shown_value!r} in {len(found)} item columns ({items}{more}): "
            f"{sum(u.count for u in found)} answers in all, e.g. data row(s) {rows} of column "
            f"'{first.column}'"
        )
    return lines


def raise_unknown_labels(
    unknown: list[UnknownLabel], config_path: str, role_codes: dict[str, list[str]] | None = None
) -> None:
    """Raise one :class:`MappingError` listing every unknown label, or return if there is none.

    The fix names, for each ``values`` section concerned, an example entry with a valid target:
    an answer code for the items, a role code of the source's group (``role_codes``: source id
    → codes) for ``role``.
    """
    if not unknown:
        return
    described = describe_unknown_labels(unknown)
    lines = "\n  ".join(described)
    examples = {}
    for u in unknown:
        section = "items" if "__" in u.field else u.field
        if (u.source_id, section) in examples:
            continue
        target = _ITEM_TARGET
        if section == "role":
            codes = (role_codes or {}).get(u.source_id, [])
            target = f"<a role code: {', '.join(codes)}>" if codes else "<a role code>"
        examples[(u.source_id, section)] = (
            f"  sources: [{{id: {u.source_id}, values: {{{section}: "
            f"{{{u.shown_value!r}: {target}}}}}}}]"
        )
    raise MappingError(
        f"{len(described)} answer value(s) match no label of the instrument:\n  {lines}\n"
        f"Fix: map each value in {config_path} under the source's 'values', e.g.\n"
        + "\n".join(examples.values())
    )


def resolve_configured(value: str | int, lookup: Mapping[str, int], where: str) -> int:
    """The internal code a ``values`` entry of ``round.yaml`` names (a code or a label).

    Raises
    ------
    RoundConfigError
        The entry is neither a valid code nor a known label; ``where`` names the key.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if value in VALID_CODES:
            return value
    else:
        key = normalise_label(str(value))
        if key in lookup:
            return lookup[key]
        if key.isdigit() and int(key) in VALID_CODES:
            return int(key)
    raise RoundConfigError(
        f"{where}: {value!r} is neither a code (1-5, 8 Vet ikke, 9 Ikke "
        "relevant) nor a label of the scale. Fix the value in round.yaml."
    )


@dataclass(frozen=True)
class ColumnCoding:
    """Everything needed to code one raw column: configured values, value labels, lookup."""

    configured: Mapping[str, int]
    value_labels: Mapping[str, str]
    user_missing: frozenset[str]
    lookup: Mapping[str, int]

    def code_of(self, raw: str) -> int | None:
        """The internal code of one raw value, ``-1`` for a declared missing, None if unknown."""
        if raw in self.configured:
            return self.configured[raw]
        key = normalise_label(raw)
        if not key:
            return -1  # a blank cell: unanswered
        if key in self.configured:
            return self.configured[key]
        if raw in self.value_labels:
            return self.lookup.get(normalise_label(self.value_labels[raw]))
        if raw in self.user_missing:
            return -1
        return self.lookup.get(key)


def code_column(values: pd.Series, coding: ColumnCoding) -> tuple[pd.Series, dict[str, np.ndarray]]:
    """Code one raw column to Int8 internal codes, mapping each unique value once.

    Returns
    -------
    codes
        Int8 series: 1–5, 8, 9, ``<NA>`` for blank cells and declared missing values.
    unknown
        Raw value → 0-based positions of the rows holding it, for values that match nothing.
    """
    single = _single_byte_keys(values)
    if single is None:
        positions, uniques = factorize_text(values)
    else:  # one byte per cell (the usual «1»–«9»): keys are the bytes, no hashing of text
        positions, uniques = single, [chr(b) for b in range(128)] + [""]
    # code per distinct value (last entry: missing); -2 marks a value that matches no label
    table = np.full(len(uniques) + 1, -1, dtype=np.int8)
    for i, raw in enumerate(uniques):
        code = coding.code_of(str(raw))
        table[i] = -2 if code is None else code if code > 0 else -1
    codes = table[positions]
    unknown = {}
    if (table == -2).any() and (codes == -2).any():
        present = np.bincount(positions[codes == -2] + 1, minlength=len(table))[1:]
        unknown = {
            str(uniques[i]): np.flatnonzero(positions == i)
            for i in np.flatnonzero((table[:-1] == -2) & (present > 0))
        }
    missing = codes < 0
    result = pd.arrays.IntegerArray(np.maximum(codes, 0), missing)
    return pd.Series(result, index=values.index, name=values.name), unknown


def _single_byte_keys(values: pd.Series) -> np.ndarray | None:
    """Per row the byte of a one-byte (ASCII) text, 128 for ``""`` and -1 for a missing value.

    ``None`` when some value is longer than one byte (then the column is factorised as text).
    Reads the Arrow buffers directly: for item columns this replaces hashing a million strings.
    """
    if len(values) == 0:
        return None
    array = _arrow_text(values)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    n, start = len(array), array.offset
    _, offset_buffer, data_buffer = array.buffers()
    offset_type = np.int64 if pa.types.is_large_string(array.type) else np.int32
    offsets = np.frombuffer(offset_buffer, dtype=offset_type)[start : start + n + 1]
    lengths = np.diff(offsets)
    if lengths.max() > 1:
        return None
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else None
    if data is None or len(data) == 0:
        keys = np.full(n, 128, dtype=np.int16)
    else:
        keys = data[np.minimum(offsets[:-1], len(data) - 1)].astype(np.int16)
        keys[lengths == 0] = 128
    if array.null_count:
        keys[array.is_null().to_numpy(zero_copy_only=False)] = -1
    return keys


def factorize_text(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes and distinct values of a text column; ``-1`` marks a missing value.

    Uses pyarrow's dictionary encoding (the columns are Arrow-backed text), the fast path for
    mapping a million rows through a handful of distinct labels.
    """
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64), []
    array = _arrow_text(values)
    if isinstance(array, pa.ChunkedArray):  # one dictionary for the column, not one per chunk
        array = array.combine_chunks()
    encoded = pc.dictionary_encode(array)
    positions = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    return positions.astype(np.int64), encoded.dictionary.to_pylist()


def code_arrays(codes: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The answer codes of an item column as numpy: values (0 where missing) and the missing mask.

    No copy for the nullable integer columns :func:`code_column` makes.
    """
    array = codes.array
    if isinstance(array, pd.arrays.IntegerArray):
        return array._data, array._mask
    missing = codes.isna().to_numpy()
    return codes.to_numpy(dtype="float64", na_value=0), missing


def text_from_codes(
    values: list[str | None], positions: np.ndarray, index: pd.Index | None = None
) -> pd.Series:
    """A ``str`` column holding ``values[positions]`` (``-1`` or a ``None`` value: missing).

    Built by Arrow from the few distinct values, without a Python object per row: the inverse
    of :func:`factorize_text`.
    """
    indices = pa.array(positions, mask=positions < 0, type=pa.int64())
    column = pa.array(values, type=pa.large_string()).take(indices)
    return pd.Series(pd.arrays.ArrowStringArray(column), index=index, dtype="str")


def _arrow_text(values: pd.Series) -> pa.Array | pa.ChunkedArray:
    """The column as Arrow text, without a copy when it is Arrow-backed already."""
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        array = pa.array(values)
        if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
            return array
    return pa.array(values, type=pa.string())


def unknown_labels(
    unknown: dict[str, np.ndarray],
    file: str,
    source_id: str,
    column: str,
    field: str,
    source_rows: np.ndarray,
) -> list[UnknownLabel]:
    """:class:`UnknownLabel` records for a column's unknown values, with example data rows."""
    return [
        UnknownLabel(
            file,
            source_id,
            column,
            field,
            value,
            tuple(int(r) for r in source_rows[where][:_EXAMPLE_ROWS]),
            len(where),
        )
        for value, where in sorted(unknown.items())
    ]
