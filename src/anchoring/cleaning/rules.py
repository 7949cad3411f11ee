"""Cleaning rules: which raw rows to drop and which respondents to flag.

Every rule is vectorised over the whole source and configurable in ``round.yaml``
(:class:`~anchoring.intake.round_config.CleaningRules`):

- **tests**: rows marked as tests (``is_test``) and rows submitted before fieldwork started;
- **analyst**: rows the analyst lists under the source's ``exclude`` in ``round.yaml``;
- **incomplete**: an unfinished answer (``is_complete`` not one of ``complete_values``) unless
  ``include_unfinished``, or fewer than ``min_answered_share`` of the source's items answered
  («Vet ikke» and «Ikke relevant» count as answers; an unanswered item does not);
- **duplicates**: the same respondent id twice, or identical answers (organisation, role and
  every item and comment) submitted twice: the latest complete submission is kept;
- **resubmissions**: earlier submissions by the same respondent identity (``identity``, hashed)
  when ``resubmissions: keep_latest``: the latest is kept;
- **speeders** (flag): answer time below ``speeder_ratio`` × the source's median answer time;
- **straight-liners** (flag): every item of at least one measure block answered with the same
  scale point (1–5), reverse-keyed item included (a consistent respondent would answer that item
  the other way); a block of «Vet ikke» is not straight-lining.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from anchoring.cleaning.answer_codes import code_arrays, factorize_text

FLAG_REASONS: tuple[str, ...] = ("speeder", "straightliner")
"""Flags a kept respondent can carry (``is_speeder``, ``is_straightliner``)."""


def mark_tests(
    is_test: pd.Series, submitted_at: pd.Series, fieldwork_start: dt.date | None
) -> tuple[np.ndarray, np.ndarray]:
    """Rows marked as tests, and rows submitted before the first day of fieldwork (Oslo time).

    Returns
    -------
    marked, before
        Boolean arrays; a row can be both (the caller counts it once, as marked).
    """
    marked = is_test.fillna(False).to_numpy(dtype=bool)
    if fieldwork_start is None:
        return marked, np.zeros(len(marked), dtype=bool)
    start = pd.Timestamp(fieldwork_start).tz_localize("Europe/Oslo").tz_convert("UTC")
    before = (submitted_at < start).fillna(False).to_numpy(dtype=bool)
    return marked, before


def mark_analyst_exclusions(
    export_ids: pd.Series, source_row: pd.Series | np.ndarray, exclude: Mapping[str, str]
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Rows the analyst excludes in round.yaml (``sources[].exclude``).

    Parameters
    ----------
    export_ids
        The respondent id of each row as in the export (stripped; ``<NA>`` where none).
    source_row
        The 1-based data row of each row.
    exclude
        Id → the analyst's reason. An id is a respondent id as in the export, or ``row<N>`` for
        the N-th data row (the key of a source without a respondent id column, and of a row whose
        id is personal data, such as an e-mail).

    Returns
    -------
    excluded
        Boolean array: the rows listed.
    notes
        Object array: the analyst's text for each listed row (None else), not yet redacted.
    missing
        The ids that name no row, in the order of ``exclude``.
    """
    rows = np.asarray(source_row, dtype="int64")
    ids = export_ids.to_numpy(dtype=object, na_value=None)
    position = {f"row{r}": i for i, r in enumerate(rows)}
    position.update({v: i for i, v in enumerate(ids) if v is not None})
    excluded = np.zeros(len(rows), dtype=bool)
    notes = np.full(len(rows), None, dtype=object)
    missing = []
    for key, reason in exclude.items():
        i = position.get(str(key).strip())
        if i is None:
            missing.append(str(key))
            continue
        excluded[i] = True
        notes[i] = reason
    return excluded, notes, missing


def mark_resubmissions(
    identity: pd.Series, submitted_at: pd.Series, source_row: pd.Series, candidates: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Earlier submissions by the same identity among the candidate rows: the latest is kept.

    Parameters
    ----------
    identity
        The hashed identity of each row (``<NA>``: unknown, never a resubmission).
    submitted_at, source_row
        Submission time (UTC) and 1-based data row; the latest submission is the one with the
        latest time, ties (and missing times, taken as earliest) by the later data row.
    candidates
        Boolean array: rows still in play.

    Returns
    -------
    resubmitted
        Boolean array: the earlier submissions, to drop.
    kept_row
        For each dropped row the ``source_row`` of the submission kept (0 else).
    """
    n = len(identity)
    resubmitted = np.zeros(n, dtype=bool)
    kept_row = np.zeros(n, dtype="int64")
    rows = source_row.to_numpy(dtype="int64")
    codes = factorize_text(identity)[0]
    positions = np.flatnonzero(candidates & (codes >= 0))
    if len(positions) == 0:
        return resubmitted, kept_row
    at = submitted_at.iloc[positions].fillna(pd.Timestamp("1900-01-01", tz="UTC")).array.asi8
    pool = positions[np.lexsort((rows[positions], at))]
    _mark_groups(codes[pool], pool, rows, resubmitted, kept_row)
    return resubmitted, kept_row


def answered_share(items: pd.DataFrame) -> np.ndarray:
    """Share of the given item columns that are answered (not ``<NA>``) per row."""
    if items.shape[1] == 0:
        return np.zeros(len(items))
    answered = np.zeros(len(items), dtype="int64")
    for column in items.columns:  # column by column: no row-by-column matrix
        answered += items[column].notna().to_numpy()
    return answered / items.shape[1]


def mark_incomplete(items: pd.DataFrame, min_answered_share: float) -> np.ndarray:
    """Rows that answered fewer than ``min_answered_share`` of the items."""
    return answered_share(items) < min_answered_share - 1e-12


@dataclass(frozen=True)
class DuplicateKeyParts:
    """The parts of the duplicate keys that need neither organisation matching nor redaction.

    Computed by :func:`duplicate_key_parts` (e.g. on a second thread, while those run).
    """

    id_codes: np.ndarray
    """Equal codes for equal respondent ids, -1 for none."""
    packed_columns: tuple[str, ...]
    """The Int8 columns packed into ``packed_words``."""
    packed_words: list[np.ndarray]
    """Those columns 8 to a uint64 word per row."""


def duplicate_key_parts(
    respondent_id: pd.Series, int8_columns: dict[str, pd.arrays.IntegerArray]
) -> DuplicateKeyParts:
    """Respondent id codes and packed Int8 answer columns for :func:`mark_duplicates`.

    Parameters
    ----------
    respondent_id
        The ``respondent_id`` column.
    int8_columns
        The Int8 item columns (name → array), in the order :func:`mark_duplicates` hashes them.
    """
    arrays = list(int8_columns.values())
    words = _packed_small_ints(arrays) if arrays else []
    return DuplicateKeyParts(_id_codes(respondent_id), tuple(int8_columns), words)


def int8_columns(frame: pd.DataFrame, columns: list[str]) -> dict[str, pd.arrays.IntegerArray]:
    """The Int8 columns among ``columns`` (name → array), in that order."""
    return {c: frame[c].array for c in columns if isinstance(frame[c].dtype, pd.Int8Dtype)}


def mark_duplicates(
    frame: pd.DataFrame,
    candidates: np.ndarray,
    item_ids: list[str],
    parts: DuplicateKeyParts | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Duplicate submissions among the candidate rows; the latest one of each set is kept.

    Parameters
    ----------
    frame
        The mapped source: ``respondent_id``, ``submitted_at``, ``source_row``, ``org_raw``,
        ``role``, ``practice_size``, ``barriers`` and the item columns.
    candidates
        Boolean array: rows still in play (tests and incompletes already out).
    item_ids
        The items the source maps.
    parts
        :func:`duplicate_key_parts` of ``frame``, computed before (default: computed here).

    Returns
    -------
    duplicate
        Boolean array: rows to drop.
    kept_row
        For each dropped row the ``source_row`` of the submission kept in its place (0 else).
    """
    n = len(frame)
    duplicate = np.zeros(n, dtype=bool)
    kept_row = np.zeros(n, dtype="int64")
    positions = np.flatnonzero(candidates)
    if len(positions) == 0:
        return duplicate, kept_row
    answers = ["org_raw", "role", "practice_size", "barriers", *item_ids]
    source_row = frame["source_row"].to_numpy(dtype="int64")
    at = frame["submitted_at"].iloc[positions]
    at = at.fillna(pd.Timestamp("1900-01-01", tz="UTC")).array.asi8
    # the pool in submission order (ties by data row), so the last of a set is the latest
    pool = positions[np.lexsort((source_row[positions], at))]
    small = int8_columns(frame, answers)
    if parts is None or parts.packed_columns != tuple(small):  # not computed, or not from these
        parts = duplicate_key_parts(frame["respondent_id"], small)
    ids = parts.id_codes  # -1: no id
    with_id = pool[ids[pool] >= 0]
    _mark_groups(ids[with_id], with_id, source_row, duplicate, kept_row)
    rest = pool[~duplicate[pool]]
    # one 64-bit hash per row of its answers (vectorised); equal hashes are checked below
    hashes = _row_hashes(frame, answers, parts)[rest]
    by_answers = np.zeros(n, dtype=bool)
    _mark_groups(pd.factorize(hashes)[0], rest, source_row, by_answers, kept_row)
    _undo_hash_collisions(frame, answers, by_answers, kept_row)
    return duplicate | by_answers, kept_row


def _id_codes(ids: pd.Series) -> np.ndarray:
    """Equal codes for equal respondent ids, -1 for none.

    Ids that are all plain numbers without leading zeros (Nettskjema's submission ids) are coded
    by their integer value (one to one for such text), else the text is factorised.
    """
    text = pa.array(ids)
    if (pa.types.is_string(text.type) or pa.types.is_large_string(text.type)) and pc.all(
        pc.match_substring_regex(text, r"^[1-9][0-9]{0,17}$")
    ).as_py():
        numbers = pc.cast(text, pa.int64()).to_numpy(zero_copy_only=False)
        codes, _ = pd.factorize(np.nan_to_num(numbers, nan=-1).astype("int64"))
        codes[ids.isna().to_numpy()] = -1
        return codes
    return factorize_text(ids)[0]


_NA_CODE = np.uint64(0x9E3779B97F4A7C15)
_MIX = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))


def _value_codes(series: pd.Series) -> np.ndarray:
    """One uint64 per row, equal for equal values (numbers by their bits, text by its code)."""
    values = series.array
    if isinstance(values, pd.arrays.IntegerArray | pd.arrays.FloatingArray):
        data = values._data
        bits = data.view(f"u{data.dtype.itemsize}").astype("uint64")
        return np.where(values._mask, _NA_CODE, bits)
    if series.dtype.kind in "iuf" and series.dtype.itemsize <= 8:
        data = series.to_numpy()
        return data.view(f"u{data.dtype.itemsize}").astype("uint64")
    text = isinstance(series.dtype, pd.StringDtype)
    codes, _ = factorize_text(series) if text else pd.factorize(series)
    return np.where(codes < 0, _NA_CODE, codes.astype("uint64"))


def _packed_small_ints(arrays: list[pd.arrays.IntegerArray]) -> list[np.ndarray]:
    """Int8 columns packed 8 to a uint64 word per row (a missing value packed as 0).

    When some column holds a real 0 (never, for answer codes 1–9) the masks are packed too,
    so that a 0 and a missing value stay different.
    """
    n = len(arrays[0])
    parts = [np.where(a._mask, 0, a._data).view("uint8") for a in arrays]
    if any(((a._data == 0) & ~a._mask).any() for a in arrays):
        parts += [a._mask.view("uint8") for a in arrays]
    stacked = np.zeros((-(-len(parts) // 8) * 8, n), dtype="uint8")  # one row per column
    for j, part in enumerate(parts):
        stacked[j] = part
    by_row = np.ascontiguousarray(stacked.T).view("uint64")  # (n, words)
    return [by_row[:, k] for k in range(by_row.shape[1])]


def _row_hashes(frame: pd.DataFrame, columns: list[str], parts: DuplicateKeyParts) -> np.ndarray:
    """A 64-bit hash per row of the values in ``columns`` (splitmix64 mixing per column).

    The Int8 columns (the items) come packed 8 to a word in ``parts``; the others are coded
    here. Rows with equal values have equal hashes; unequal rows that share one are told apart
    by :func:`_undo_hash_collisions`.
    """
    hashes = np.zeros(len(frame), dtype="uint64")
    words = [_value_codes(frame[c]) for c in columns if c not in parts.packed_columns]
    words += parts.packed_words
    with np.errstate(over="ignore"):
        for word in words:
            hashes ^= word
            hashes ^= hashes >> np.uint64(30)
            hashes *= _MIX[0]
            hashes ^= hashes >> np.uint64(27)
            hashes *= _MIX[1]
            hashes ^= hashes >> np.uint64(31)
    return hashes


def _mark_groups(
    codes: np.ndarray,
    pool: np.ndarray,
    source_row: np.ndarray,
    duplicate: np.ndarray,
    kept_row: np.ndarray,
) -> None:
    """Mark all but the last row of each group of ``pool`` (positions, in order) by ``codes``."""
    if len(pool) == 0:
        return
    # the last entry of each group: the largest index into the pool among its codes
    last_index = np.full(int(codes.max()) + 1, -1, dtype="int64")
    np.maximum.at(last_index, codes, np.arange(len(pool), dtype="int64"))
    last = source_row[pool[last_index[codes]]]
    dropped = source_row[pool] != last
    duplicate[pool[dropped]] = True
    kept_row[pool[dropped]] = last[dropped]


def _undo_hash_collisions(
    frame: pd.DataFrame, answers: list[str], duplicate: np.ndarray, kept_row: np.ndarray
) -> None:
    """Keep rows whose answers only share a hash with the kept row (never seen in practice)."""
    dropped = np.flatnonzero(duplicate)
    if len(dropped) == 0:
        return
    source_row = frame["source_row"].to_numpy(dtype="int64")
    position_of = np.zeros(int(source_row.max()) + 1, dtype="int64")
    position_of[source_row] = np.arange(len(frame))
    keepers = position_of[kept_row[dropped]]
    a = frame[answers].iloc[dropped].reset_index(drop=True)
    b = frame[answers].iloc[keepers].reset_index(drop=True)
    same = ((a == b).fillna(False) | (a.isna() & b.isna())).all(axis=1).to_numpy()
    duplicate[dropped[~same]] = False
    kept_row[dropped[~same]] = 0


def flag_speeders(answer_time_ms: pd.Series, kept: np.ndarray, ratio: float) -> np.ndarray:
    """Rows faster than ``ratio`` × the median answer time of the kept rows of the source."""
    times = answer_time_ms.to_numpy(dtype="float64")
    reference = times[kept & ~np.isnan(times)]
    if len(reference) == 0:
        return np.zeros(len(times), dtype=bool)
    threshold = ratio * float(np.median(reference))
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(times, nan=np.inf) < threshold


def flag_straightliners(items: pd.DataFrame, blocks: dict[str, list[str]]) -> np.ndarray:
    """Rows that answered every item of some measure block with one identical scale point.

    Parameters
    ----------
    items
        Int8 item columns (codes 1–5, 8, 9, ``<NA>``).
    blocks
        Measure id → its item ids present in ``items`` (the whole block, reverse-keyed included).
    """
    flagged = np.zeros(len(items), dtype=bool)
    for columns in blocks.values():
        if len(columns) < 2:
            continue
        first = _scale_points(items[columns[0]])  # 0: missing or off the scale
        same = first > 0
        for column in columns[1:]:
            same &= _scale_points(items[column]) == first
        flagged |= same
    return flagged


def _scale_points(codes: pd.Series) -> np.ndarray:
    """The codes, with 0 for a missing value or a code off the 1–5 scale."""
    values, missing = code_arrays(codes)
    return np.where((values >= 1) & (values <= 5) & ~missing, values, 0)
