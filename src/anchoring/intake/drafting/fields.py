"""Find the metadata columns of an export: who, when, how long, test, finished, which organisation.

Where the reader recognised the tool (:attr:`anchoring.readers.RawTable.tool`), the tool's own
metadata columns are taken as the tool documents them (:data:`TOOL_FIELDS`); every other field is
found by header words (:data:`FIELD_WORDS`, Norwegian and English). The answer time's unit is read
from its header («ms», «seconds», «sek») or, where the header does not say, inferred from the values
(a median of at least :data:`MS_MEDIAN_FLOOR` is milliseconds), and noted for confirmation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from anchoring.cleaning.cells import ANONYMOUS_IDENTITIES
from anchoring.instrument import Instrument
from anchoring.intake.drafting.items import column_texts
from anchoring.intake.drafting.text import norm, similarity
from anchoring.readers import RawTable

TOOL_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    # Nettskjema's report columns (domain.md; Nettskjema's help pages on CSV reports)
    "nettskjema": {
        "respondent_id": ("$submission_id",),
        "submitted_at": ("$created",),
        "answer_time_ms": ("$answer_time_ms",),
    },
    # Microsoft Forms' response workbook: ID, Start time, Completion time, Email, Name, ...
    # (English and Norwegian interfaces). Start time is used by cleaning for the answer time.
    "forms": {
        "respondent_id": ("ID",),
        "submitted_at": ("Completion time", "Fullføringstidspunkt", "Fullført"),
        "identity": ("Email", "E-post", "E-postadresse"),
    },
    # Qualtrics' CSV/TSV export with its metadata ("Understanding Your Dataset", Qualtrics support)
    "qualtrics": {
        "respondent_id": ("ResponseId",),
        "submitted_at": ("RecordedDate", "EndDate"),
        "answer_time_s": ("Duration (in seconds)",),
        "is_test": ("Status",),
        "is_complete": ("Finished",),
        "identity": ("RecipientEmail", "ExternalReference", "ExternalDataReference"),
    },
}
"""Per tool, each metadata field's column as the tool names it (first one present wins)."""
TOOL_FIELDS["nettskjema-text"] = TOOL_FIELDS["nettskjema"]

TOOL_VALUES: dict[str, dict[str, list[str]]] = {
    # Qualtrics: Status «Survey Preview»/«Survey Test» (1/2 in a numeric export) marks tests;
    # Finished is True/False (1/0)
    "qualtrics": {
        "test_values": ["Survey Preview", "Survey Test", "1", "2"],
        "complete_values": ["True", "1"],
    },
}
"""Per tool, the values of its test and completion columns (``round.yaml``'s lists)."""

FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "respondent_id": (
        "$submission_id",
        "submission id",
        "respondent id",
        "respondentid",
        "respondent",
        "respondentnummer",
        "svarnummer",
        "response id",
        "responseid",
        "svar id",
        "svarid",
        "id",
        "løpenummer",
    ),
    "submitted_at": (
        "$created",
        "created",
        "submitted",
        "submitted at",
        "completion time",
        "completed",
        "fullføringstidspunkt",
        "fullført",
        "innsendt",
        "end date",
        "enddate",
        "recorded date",
        "recordeddate",
        "sluttid",
        "sluttidspunkt",
        "tidspunkt",
    ),
    "answer_time_ms": ("$answer_time_ms", "answer time ms", "svartid ms", "duration ms"),
    "answer_time_s": (
        "duration (in seconds)",
        "duration in seconds",
        "duration s",
        "varighet sek",
        "varighet (sekunder)",
        "svartid sek",
    ),
    "answer_time": ("answer time", "svartid", "duration", "varighet"),
    "is_test": ("test", "is test", "testsvar", "er test"),
    "is_complete": ("finished", "is complete", "er fullført", "fullført", "ferdig", "completed"),
    "identity": (
        "email",
        "e-mail",
        "e-post",
        "epost",
        "e-postadresse",
        "recipientemail",
        "externalreference",
    ),
    "org_id": (
        "kommunenr",
        "kommunenummer",
        "kommune nr",
        "kommune",
        "kommunenavn",
        "municipality",
        "municipality number",
        "helseforetak",
        "hf",
        "health trust",
        "trust",
        "organisasjon",
        "organisation",
        "organization",
        "org",
        "org id",
        "virksomhet",
    ),
    "role": ("rolle", "role", "stilling", "hva er din rolle", "what is your role"),
    "practice_size": (
        "praksisstørrelse",
        "antall fastleger",
        "practice size",
        "legar i praksis",
        "hvor mange fastleger",
    ),
    "barriers": ("barrierer", "barriere", "barriers", "hindringer", "fritekst", "kommentar"),
}
"""Header words of each field, exact (score 1) or as whole words inside the header (0.8)."""

CONTENT_SHARE = 0.8
"""Share of a column's values that must fit a field's content (:data:`FIELD_CONTENT`)."""
_YES_NO = frozenset({"true", "false", "1", "0", "ja", "nei", "yes", "no", "sann", "usann"})


def _share(values: pd.Series, fits) -> float:
    present = values.dropna().astype(str).str.strip()
    present = present[present != ""]
    return float(fits(present).mean()) if len(present) else 0.0


def _date_times(present: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(present, errors="coerce", format="mixed", dayfirst=True)
    return parsed.notna() & present.str.contains(r"\d{1,2}[:.]\d{2}", regex=True)


FIELD_CONTENT = {
    "respondent_id": lambda present: ~present.duplicated(keep=False),
    "submitted_at": _date_times,
    "is_complete": lambda present: present.str.casefold().isin(_YES_NO),
    "answer_time": lambda present: pd.to_numeric(present, errors="coerce").notna(),
    "answer_time_ms": lambda present: pd.to_numeric(present, errors="coerce").notna(),
    "answer_time_s": lambda present: pd.to_numeric(present, errors="coerce").notna(),
}
"""What a column found by its header words must hold to be taken for the field: ids that do
not repeat, date-times, yes/no, numbers («Fullført» can head a time or a yes/no)."""

MS_MEDIAN_FLOOR = 10_000
"""A duration column whose median is at least this is in milliseconds (10,000 s would be 2.8 h)."""
FIELD_SCORE_FLOOR = 0.75


@dataclass
class FieldDraft:
    """The metadata columns found in one export, with the notes for the analyst."""

    columns: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)


def _word_score(raw: RawTable, column: str, words: tuple[str, ...]) -> float:
    best = 0.0
    for text in column_texts(raw, column):
        folded = norm(text)
        for word in words:
            w = norm(word)
            if folded == w or text.strip().casefold() == word:
                return 1.0
            if len(w) > 2 and re.search(rf"(?<!\w){re.escape(w)}(?!\w)", folded):
                best = max(best, 0.8)
    return best


def _has_identities(values: pd.Series) -> bool:
    present = values.dropna().astype(str).str.strip()
    present = present[(present != "") & ~present.str.casefold().isin(ANONYMOUS_IDENTITIES)]
    return len(present) > 0


def _tool_columns(raw: RawTable, draft: FieldDraft) -> None:
    header = {norm(c): c for c in raw.frame.columns}
    for name, candidates in TOOL_FIELDS.get(raw.tool, {}).items():
        for candidate in candidates:
            column = header.get(norm(candidate))
            if column is None or column in draft.columns.values():
                continue
            if name == "identity" and not _has_identities(raw.frame[column]):
                continue  # an anonymous form: «anonymous» or blank for everyone
            draft.columns[name] = column
            break
    draft.lists.update(TOOL_VALUES.get(raw.tool, {}))


def _best_column(
    raw: RawTable, name: str, words: tuple[str, ...], taken: set[str], extra: tuple[str, ...]
) -> tuple[float, str | None]:
    best, best_column = 0.0, None
    for column in raw.frame.columns:
        if column in taken:
            continue
        score = _word_score(raw, column, words)
        fits = FIELD_CONTENT.get(name)
        if score and fits is not None and _share(raw.frame[column], fits) < CONTENT_SHARE:
            continue
        if extra:
            score = max(
                score,
                max(similarity(t, e) for t in column_texts(raw, column) for e in extra),
            )
        if score > best:
            best, best_column = score, column
    return best, best_column


def _answer_time_unit(raw: RawTable, column: str) -> tuple[str, str]:
    """``answer_time_ms`` or ``answer_time_s`` for a duration column whose header gives no unit."""
    numbers = pd.to_numeric(raw.frame[column], errors="coerce").dropna()
    if numbers.empty:
        return "answer_time_s", "no numbers to tell the unit from: seconds assumed"
    median = float(numbers.median())
    if median >= MS_MEDIAN_FLOOR:
        return "answer_time_ms", f"unit inferred from the values (median {median:,.0f}): ms"
    return "answer_time_s", f"unit inferred from the values (median {median:,.0f}): seconds"


def tool_fields(raw: RawTable) -> FieldDraft:
    """The metadata columns the export's tool documents, and its test and completion values.

    A Forms ``Email`` (or Qualtrics ``RecipientEmail``) column holding only «anonymous» or
    blanks is not an identity.
    """
    draft = FieldDraft()
    _tool_columns(raw, draft)
    return draft


def is_field_header(raw: RawTable, column: str) -> bool:
    """Whether a column's header is exactly one of a metadata field's words («Rolle», «ID» …)."""
    return any(_word_score(raw, column, words) == 1.0 for words in FIELD_WORDS.values())


def find_fields(
    raw: RawTable, instrument: Instrument, draft: FieldDraft, taken: set[str]
) -> FieldDraft:
    """Add the fields still missing from ``draft``, found by header words.

    Parameters
    ----------
    raw
        The export.
    instrument
        For the wording of the barrier question.
    draft
        What :func:`tool_fields` found; completed in place.
    taken
        Columns already given to items.

    Returns
    -------
    FieldDraft
        ``draft``: field → column (``round.yaml`` ``columns``) and field → note for a guess.
    """
    for name, words in FIELD_WORDS.items():
        if name in draft.columns or (name.startswith("answer_time") and _has_time(draft)):
            continue
        extra = tuple(instrument.barrier_text.values()) if name == "barriers" else ()
        score, column = _best_column(raw, name, words, taken | set(draft.columns.values()), extra)
        if column is None or score < FIELD_SCORE_FLOOR:
            continue
        if name == "identity" and not _has_identities(raw.frame[column]):
            continue
        note = f"guessed from the header ({score:.2f})" if score < 1.0 else ""
        if name == "answer_time":
            name, note = _answer_time_unit(raw, column)
        draft.columns[name] = column
        if note:
            draft.notes[name] = note
    return draft


def _has_time(draft: FieldDraft) -> bool:
    return "answer_time_ms" in draft.columns or "answer_time_s" in draft.columns
