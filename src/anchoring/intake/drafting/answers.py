"""Draft the value maps of an export: its answer label set, its roles, numbers typed as text.

Answer labels: the export's distinct answers in the item columns are compared with the label sets
survey tools use (``instrument/label_sets.yaml``: «Helt uenig … Helt enig» with «Litt» or «Delvis»,
«Svært uenig … Svært enig», «Nøytral», English "Strongly disagree … Strongly agree"), after
:func:`anchoring.cleaning.answer_codes.normalise_label`. The set that explains most of the answers
gives the code of every answer the instrument's own labels do not already give; anything left is
listed for the analyst. Bare codes 8 and 9 without labels are Nettskjema's usual «Ikke relevant» and
«Vet ikke» (a guess to confirm against the form's codebook).

Roles: a role answered in words close to a role of the group
(:func:`~anchoring.intake.drafting.text.similarity` at least :data:`ROLE_SIMILARITY`) is mapped to
it, to confirm; the rest count as the «other» role in cleaning. Numbers: a practice size typed as
text with one number in it («ca 6») is mapped to that number, to confirm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import pandas as pd

from anchoring.cleaning.answer_codes import normalise_label, role_lookup, scale_lookup
from anchoring.instrument import Instrument
from anchoring.intake.drafting.text import similarity
from anchoring.readers import RawTable
from anchoring.yaml_io import parse_yaml

ROLE_SIMILARITY = 0.75
NETTSKJEMA_CODES = {"9": 8, "8": 9}
"""Nettskjema forms often code «Vet ikke» 9 and «Ikke relevant» 8 (the instrument: 8 and 9)."""
_ONE_NUMBER = re.compile(r"^\D*?(\d+(?:[.,]\d+)?)\D*$")
_SHOWN = 10


@dataclass(frozen=True)
class LabelSet:
    """One way of spelling the five-point scale: normalised label → instrument code."""

    id: str
    codes: dict[str, int]


@dataclass
class ValueDraft:
    """Value maps for one section of ``values`` (``items``, ``role``, ``practice_size``)."""

    values: dict[str, int | float | str] = field(default_factory=dict)
    note: str = ""
    decide: str = ""


@cache
def label_sets() -> tuple[tuple[LabelSet, ...], dict[str, int]]:
    """The label sets and the non-substantive answers of ``instrument/label_sets.yaml``."""
    text = resources.files("anchoring.instrument").joinpath("label_sets.yaml").read_text("utf-8")
    data = parse_yaml(text)
    sets = tuple(
        LabelSet(s["id"], {normalise_label(k): int(v) for k, v in s["labels"].items()})
        for s in data["label_sets"]
    )
    return sets, {normalise_label(k): int(v) for k, v in data["non_substantive"].items()}


def _answers(raw: RawTable, columns: list[str]) -> dict[str, str]:
    """Distinct answers of the item columns: raw value → its text (value label where given)."""
    out = {}
    for column in columns:
        labels = raw.value_labels.get(column, {})
        for value in raw.frame[column].dropna().unique():
            text = str(value)
            if text.strip():
                out.setdefault(text, labels.get(text, text))
    return out


def draft_item_values(raw: RawTable, columns: list[str], instrument: Instrument) -> ValueDraft:
    """The ``values.items`` map an export needs, and what is left for the analyst.

    Parameters
    ----------
    raw
        The export.
    columns
        Its item columns.
    instrument
        The instrument (its own labels need no map).

    Returns
    -------
    ValueDraft
        Raw answer → code for answers of a recognised label set (or Nettskjema's 8/9), and a note
        naming the set, the guess to confirm and any answer left unmatched.
    """
    known = scale_lookup(instrument)
    sets, non_substantive = label_sets()
    answers = _answers(raw, columns)
    unknown = {
        raw_value: normalise_label(text)
        for raw_value, text in answers.items()
        if normalise_label(text) not in known
    }
    draft = ValueDraft()
    notes = []
    codes = {v for v in unknown if unknown[v] in NETTSKJEMA_CODES and answers[v] == v}
    if codes and raw.tool.startswith("nettskjema"):
        draft.values.update(dict(NETTSKJEMA_CODES))
        notes.append(
            "codes 8/9 found: Nettskjema forms often code «Vet ikke» 9 and «Ikke relevant» 8; "
            "check the form's codebook"
        )
    elif codes:
        shown = ", ".join(repr(c) for c in sorted(codes))
        draft.decide = (
            f"answer codes {shown} carry no label: map each under values.items to 8 (Vet ikke) "
            "or 9 (Ikke relevant), as the form's codebook says"
        )
    words = {v: key for v, key in unknown.items() if v not in codes}
    best = max(sets, key=lambda s: sum(key in s.codes for key in words.values()), default=None)
    covered = (
        {} if best is None else {v: best.codes[k] for v, k in words.items() if k in best.codes}
    )
    covered |= {v: non_substantive[k] for v, k in words.items() if k in non_substantive}
    if covered:
        draft.values.update(dict(sorted(covered.items(), key=lambda kv: (kv[1], kv[0]))))
        if best is not None and any(k in best.codes for k in words.values()):
            notes_set = f"answers use the label set {best.id!r}"
        else:
            notes_set = "answers «Vet ikke»/«Ikke relevant» spelt another way"
        notes.insert(0, notes_set)
    left = sorted(v for v in words if v not in covered)
    if left:
        shown = ", ".join(repr(v) for v in left[:_SHOWN])
        notes.append(f"answer values that match no label: {shown} (map them under values.items)")
    draft.note = "; ".join(notes)
    return draft


def draft_role_values(raw: RawTable, column: str, group: str, instrument: Instrument) -> ValueDraft:
    """Roles typed in other words than the instrument's, mapped to the closest role of the group.

    A role close to none stays unmapped: cleaning counts it as the «other» role.
    """
    lookup = role_lookup(instrument, group)
    labels = {label: role.id for role in instrument.roles[group] for label in role.label.values()}
    draft = ValueDraft()
    other = []
    for value in _distinct_texts(raw, column):
        if normalise_label(value) in lookup:
            continue
        score, code = max(((similarity(value, label), c) for label, c in labels.items()))
        if score >= ROLE_SIMILARITY:
            draft.values[value] = code
        else:
            other.append(value)
    draft.note = _note(
        draft,
        "roles matched by similar wording",
        other,
        f"{len(other)} role(s) that match no role count as «other»",
    )
    return draft


def _distinct_texts(raw: RawTable, column: str) -> list[str]:
    """The column's distinct non-blank values as text, sorted."""
    return sorted(str(v) for v in raw.frame[column].dropna().unique() if str(v).strip())


def _note(draft: ValueDraft, mapped: str, left: list[str], left_note: str) -> str:
    """The draft's note: what was mapped, and the values left (a few shown)."""
    notes = [mapped] if draft.values else []
    if left:
        notes.append(f"{left_note}: {', '.join(repr(v) for v in left[:_SHOWN])}")
    return "; ".join(notes)


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        return None


def draft_number_values(raw: RawTable, column: str) -> ValueDraft:
    """Numbers typed as text («ca 6», «6 leger»): the one number in them, to confirm.

    Text with no number or several («5-6») is listed; cleaning makes it missing with a warning.
    """
    draft = ValueDraft()
    unclear = []
    for value in _distinct_texts(raw, column):
        if _number(value.strip()) is not None:
            continue
        match = _ONE_NUMBER.match(value.strip())
        number = _number(match.group(1)) if match else None
        if number is None:
            unclear.append(value)
        else:
            draft.values[value] = int(number) if number.is_integer() else number
    draft.note = _note(
        draft,
        "numbers read from text",
        unclear,
        "text with no single number, missing unless mapped",
    )
    return draft


def is_numeric_column(values: pd.Series) -> bool:
    """Whether most present values of a column are plain numbers."""
    present = values.dropna().astype(str).str.strip()
    present = present[present != ""]
    return bool(len(present)) and present.map(lambda v: _number(v) is not None).mean() >= 0.5
