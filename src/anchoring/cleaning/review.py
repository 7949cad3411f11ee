"""Rows for the analyst to review: probable test submissions and probable resubmissions.

Nothing here excludes a row. Real rounds hold test submissions nobody marked («TEST – ikke ta
med» on opening day, a «Testkommune») and people who answered twice with changed answers
(issue #14). A machine can point at them; whether to drop them is the analyst's call, made by
listing the id under the source's ``exclude`` in ``round.yaml``. The lists appear in
``quality.json`` (``review``), in ``anchoring validate``'s notes and in the draft ``init-round``
writes. Each record names the source, the row's key and data row, and why: never the text.

The functions take a :class:`~anchoring.cleaning.mapping.MappedSource` and nothing of the round
beyond its :class:`~anchoring.intake.round_config.Source`, so ``init-round`` can call them on a
draft.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from anchoring.cleaning.answer_codes import code_arrays, normalise_label
from anchoring.cleaning.mapping import MappedSource

TEST_TEXT_PATTERNS: tuple[str, ...] = (
    r"test",
    r"testing",
    r"tester",
    r"testsvar",
    r"testinnsending",
    r"ikke ta med",
    r"ikkje ta med",
    r"ikke tell med",
    r"ignorer",
    r"ignore",
    r"do not include",
    r"don'?t include",
    r"slett",
    r"delete",
    r"dummy",
    r"prøve",
    r"prøvesvar",
    r"bare en prøve",
)
"""Words and phrases in free text that mark a probable test submission (case-insensitive, whole
words). «prøve» also means "to try": a row it flags is only listed, never excluded."""

TEST_ORGANISATION_PATTERN = r"test\w*|dummy|eksempel\w*|example"
"""An organisation value made up for a test («Testkommune», «Test HF»), as a whole word."""

TEST_STATUS_PATTERN = r"test\w*|preview|forhåndsvisning|spam|prøve\w*"
"""A test-marker value (``is_test`` column) that reads as a test but is not one of the source's
``test_values`` (Qualtrics' «Survey Preview», «Survey Test», «Spam»)."""

REVIEW_KINDS: tuple[str, ...] = ("probable_tests", "probable_resubmissions")
"""The lists of ``quality.json``'s ``review`` (and :func:`review_records`), in order."""

RESUBMISSION_SHARE = 0.8
"""A later submission repeating at least this share of an earlier one's answered items (same
organisation and role) is a probable resubmission."""

_TEST_TEXT = re.compile(r"\b(?:" + "|".join(TEST_TEXT_PATTERNS) + r")\b", re.IGNORECASE)
_TEST_ORG = re.compile(rf"\b(?:{TEST_ORGANISATION_PATTERN})\b", re.IGNORECASE)
_TEST_STATUS = re.compile(rf"\b(?:{TEST_STATUS_PATTERN})\b", re.IGNORECASE)


@dataclass(frozen=True)
class ReviewRecord:
    """A row listed for the analyst: where it is and why, no answer and no text.

    ``respondent_id`` is the key to put under ``exclude`` (the export's id, or ``row<N>``; see
    :meth:`~anchoring.cleaning.mapping.MappedSource.row_keys`).
    """

    source_id: str
    respondent_id: str
    source_row: int
    why: str

    def as_record(self) -> dict[str, object]:
        """As a plain dict (``quality.json``)."""
        return asdict(self)

    def describe(self, file: str) -> str:
        """One line for ``validate``'s notes."""
        return (
            f"{file}: data row {self.source_row} (id {self.respondent_id!r}, source "
            f"{self.source_id}): {self.why}"
        )


def find_probable_tests(
    mapped: MappedSource, candidates: np.ndarray | None = None
) -> list[ReviewRecord]:
    """Rows that look like test submissions nobody marked.

    A row is listed when its free text (``barriers``) matches :data:`TEST_TEXT_PATTERNS`, its
    organisation value :data:`TEST_ORGANISATION_PATTERN`, or its test-marker cell
    :data:`TEST_STATUS_PATTERN` while not being one of the source's ``test_values`` (so not
    excluded already). Rows under the source's ``exclude`` are not listed again.

    Parameters
    ----------
    mapped
        The mapped source.
    candidates
        Boolean array of the rows to consider (default: every row).

    Returns
    -------
    list of ReviewRecord
        In data-row order; ``why`` names the field that looks like a test.
    """
    frame = mapped.frame
    consider = _considered(mapped, candidates)
    reasons = [
        ("free text says it is a test", _matches(frame["barriers"], _TEST_TEXT)),
        ("organisation looks like a test", _matches(frame["org_raw"], _TEST_ORG)),
    ]
    if "is_test" in mapped.columns:
        status = mapped.raw.frame[mapped.columns["is_test"]].reset_index(drop=True)
        unmarked = ~frame["is_test"].to_numpy(dtype=bool)
        reasons.append(
            ("test status not among test_values", _matches(status, _TEST_STATUS) & unmarked)
        )
    keys = mapped.row_keys()
    rows = frame["source_row"].to_numpy()
    records = []
    for i in np.flatnonzero(consider):
        why = [text for text, hit in reasons if hit[i]]
        if why:
            records.append(ReviewRecord(mapped.source.id, keys[i], int(rows[i]), "; ".join(why)))
    return records


def find_probable_resubmissions(
    mapped: MappedSource, candidates: np.ndarray | None = None
) -> list[ReviewRecord]:
    """Earlier submissions that a later one from the same organisation and role largely repeats.

    For each pair of rows with the same organisation (as written, normalised: case, spacing,
    punctuation) and role, in submission order (time, then data row), the earlier row is listed
    when the later one gives the same answer to at least :data:`RESUBMISSION_SHARE` of the items
    the earlier one answered. Pairs with identical answers throughout (exact duplicates, which
    the ``deduplicate`` rule drops) or the same respondent identity (dropped as resubmissions)
    are left to those rules; rows under the source's ``exclude`` are not listed. GPs are not
    compared: each is their own unit, and their organisation column is only the practice's
    municipality (a GP's resubmission is found by identity, where the tool records one).

    Parameters
    ----------
    mapped
        The mapped source.
    candidates
        Boolean array of the rows to consider (default: every row), e.g. those still in play
        after tests and incompletes.

    Returns
    -------
    list of ReviewRecord
        The earlier row of each pair, in data-row order; ``why`` names the later row and the
        share repeated. Keeping the later one matches the ``keep_latest`` rule.
    """
    frame = mapped.frame
    if mapped.source.group == "gp":  # each GP is their own unit: the column is the municipality
        return []
    consider = _considered(mapped, candidates)
    codes, uniques = pd.factorize(frame["org_raw"])
    folded = np.array([normalise_label(u) for u in uniques] + [None], dtype=object)
    org = pd.Series(folded[codes], index=frame.index)  # code -1: the trailing None
    groups = pd.DataFrame({"org": org, "role": frame["role"]})[consider & org.notna().to_numpy()]
    values, missing = _answer_matrix(frame, mapped.item_ids)
    at = frame["submitted_at"].fillna(pd.Timestamp("1900-01-01", tz="UTC")).array.asi8
    rows = frame["source_row"].to_numpy()
    identity = frame["identity"].to_numpy(dtype=object, na_value=None)
    comment = pd.factorize(frame["barriers"])[0]  # equal texts, equal codes; -1: none
    keys = mapped.row_keys()
    found = {}
    for _, members in groups.groupby(["org", "role"], dropna=False, sort=False).groups.items():
        ordered = np.array(sorted(members, key=lambda i: (at[i], rows[i])), dtype="int64")
        for a, earlier in enumerate(ordered[:-1]):
            later = ordered[a + 1 :]
            share = _repeated_shares(values, missing, earlier, later)
            other = (identity[later] != identity[earlier]) | (identity[earlier] is None)
            exact = _identical(values, missing, comment, earlier, later)
            hits = np.flatnonzero((share >= RESUBMISSION_SHARE) & other & ~exact)
            if len(hits):
                first = later[hits[0]]
                found[int(earlier)] = (
                    f"data row {rows[first]} (same organisation and "
                    f"role) repeats {share[hits[0]]:.0%} of its answers"
                )
    return [ReviewRecord(mapped.source.id, keys[i], int(rows[i]), found[i]) for i in sorted(found)]


def review_records(
    mapped: MappedSource, candidates: np.ndarray | None = None
) -> dict[str, list[ReviewRecord]]:
    """Both lists of a source: ``{"probable_tests": [...], "probable_resubmissions": [...]}``."""
    return {
        "probable_tests": find_probable_tests(mapped, candidates),
        "probable_resubmissions": find_probable_resubmissions(mapped, candidates),
    }


def _considered(mapped: MappedSource, candidates: np.ndarray | None) -> np.ndarray:
    """The candidate rows, less those the analyst already excludes."""
    n = len(mapped.frame)
    consider = np.ones(n, dtype=bool) if candidates is None else np.asarray(candidates, bool)
    if mapped.source.exclude:
        listed = {str(k).strip() for k in mapped.source.exclude}
        export_ids = mapped.export_ids().to_numpy(dtype=object, na_value=None)
        row_keys = [f"row{r}" for r in mapped.frame["source_row"]]
        consider = consider & ~np.array(
            [(e in listed) or (r in listed) for e, r in zip(export_ids, row_keys, strict=True)],
            dtype=bool,
        )
    return consider


def _matches(texts: pd.Series, pattern: re.Pattern[str]) -> np.ndarray:
    """Whether each text (``<NA>``: no) contains ``pattern``."""
    return texts.str.contains(pattern, na=False).to_numpy(dtype=bool)


def _answer_matrix(frame: pd.DataFrame, item_ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Item codes (rows × items) and the mask of unanswered items."""
    if not item_ids:
        n = len(frame)
        return np.zeros((n, 0), dtype="int64"), np.zeros((n, 0), dtype=bool)
    pairs = [code_arrays(frame[i]) for i in item_ids]
    return np.column_stack([v for v, _ in pairs]), np.column_stack([m for _, m in pairs])


def _repeated_shares(
    values: np.ndarray, missing: np.ndarray, earlier: int, later: np.ndarray
) -> np.ndarray:
    """Per later row, the share of ``earlier``'s answered items it answers alike (0: none)."""
    answered = ~missing[earlier]
    if not answered.any():
        return np.zeros(len(later))
    same = ~missing[later] & (values[later] == values[earlier]) & answered
    return same.sum(axis=1) / answered.sum()


def _identical(
    values: np.ndarray, missing: np.ndarray, comment: np.ndarray, earlier: int, later: np.ndarray
) -> np.ndarray:
    """Per later row, whether it repeats ``earlier`` exactly (every item and the comment code).

    Such a pair is an exact duplicate, left to the ``deduplicate`` rule.
    """
    same_missing = (missing[later] == missing[earlier]).all(axis=1)
    same_values = ((values[later] == values[earlier]) | missing[earlier]).all(axis=1)
    same_comment = comment[later] == comment[earlier]
    return same_missing & same_values & same_comment
