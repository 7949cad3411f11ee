"""Match an export's columns to the instrument's items by name and question text.

A column is compared by its header, its label (an SPSS variable label, Qualtrics' question-text
row) and the statement inside either: survey tools head a matrix row as ``<matrix title>:
<statement>`` (Nettskjema) or ``<question> - <statement>`` (Qualtrics), and forms often say «vår
kommune» or «vårt helseforetak» where the instrument says «vår organisasjon». Each form is compared
with the item's id, its codebook-style name and its wording in both languages
(:func:`anchoring.intake.drafting.text.similarity`); columns and items are then paired
greedily, best similarity first, one to one. A pair below
:data:`~anchoring.intake.drafting.text.SURE_SIMILARITY`, or with a rival item nearly as similar,
is noted for the analyst to confirm.
"""

from __future__ import annotations

import re

from anchoring.instrument import Instrument
from anchoring.intake.drafting.text import (
    MIN_SIMILARITY,
    SURE_SIMILARITY,
    best_similarity,
    matcher,
    norm,
)
from anchoring.readers import RawTable

STATEMENT_SEPARATORS = re.compile(r"\s*:\s+|\s+[-–—]\s+")
"""Between a matrix title and its statement: ``: `` (Nettskjema) or `` - `` (Qualtrics)."""

ORGANISATION_WORDING: tuple[tuple[str, str], ...] = (
    (
        r"\bvår(?:t|e)? (?:kommune|helseforetak|sykehus|virksomhet|legekontor|praksis|avdeling)\b",
        "vår organisasjon",
    ),
    (r"\bi kommunen\b|\bi helseforetaket\b|\bpå legekontoret\b", "i organisasjonen"),
    (r"\bour (?:municipality|trust|hospital|practice|department)\b", "our organisation"),
)
"""How forms name the respondent's own organisation, as the instrument words it."""

RIVAL_MARGIN = 0.03
"""A rival item within this similarity of the chosen one makes the match worth confirming."""


def column_texts(raw: RawTable, column: str) -> list[str]:
    """The header and, where different, the label of a column (variable label, question text)."""
    texts = [column]
    label = raw.column_labels.get(column)
    if label and label != column:
        texts.append(label)
    return texts


def text_forms(text: str) -> list[str]:
    """A header's forms to compare, normalised: whole, statement alone, own-organisation wording.

    Examples
    --------
    >>> text_forms("Om PLL: Vi vet hva PLL betyr for vår kommune")[-1]
    'vi vet hva pll betyr for vår organisasjon'
    """
    parts = STATEMENT_SEPARATORS.split(text)
    forms = [text, parts[-1]] if len(parts) > 1 else [text]
    if len(parts) > 2:
        forms.append(" ".join(parts[1:]))
    out = []
    for form in forms:
        lowered = form.casefold()
        for pattern, replacement in ORGANISATION_WORDING:
            lowered = re.sub(pattern, replacement, lowered)
        for candidate in (norm(form), norm(lowered)):
            if candidate and candidate not in out:
                out.append(candidate)
    return out


def _item_names(instrument: Instrument) -> dict[str, list[str]]:
    out = {}
    for item_id in instrument.item_ids():
        item = instrument.item(item_id)
        out[item_id] = [
            item_id,
            f"{item.measure}_{item.dimension}",
            item.text["nb"],
            item.text["en"],
        ]
    return out


def match_items(
    raw: RawTable, columns: list[str], instrument: Instrument
) -> tuple[dict[str, str], dict[str, str]]:
    """Pair columns with items, one to one, best similarity first.

    Parameters
    ----------
    raw
        The export (its header and column labels are read, not its values).
    columns
        The columns still free (not taken by a metadata field).
    instrument
        The survey instrument (item ids and wording).

    Returns
    -------
    mapping, notes
        Item id → column; item id → why the analyst should confirm it (absent when sure).
    """
    candidates = {
        item_id: [matcher(norm(name)) for name in names]
        for item_id, names in _item_names(instrument).items()
    }
    order = {item_id: i for i, item_id in enumerate(candidates)}
    scores = []
    for column in columns:
        forms = [f for text in column_texts(raw, column) for f in text_forms(text)]
        for item_id, matchers in candidates.items():
            score = round(max(best_similarity(forms, m) for m in matchers), 3)
            scores.append((score, column, item_id))
    scores.sort(key=lambda s: (-s[0], order[s[2]], s[1]))
    per_column: dict[str, list[tuple[float, str]]] = {}
    for score, column, item_id in scores:
        per_column.setdefault(column, []).append((score, item_id))
    mapping: dict[str, str] = {}
    notes: dict[str, str] = {}
    for score, column, item_id in scores:
        if score < MIN_SIMILARITY or column in mapping.values() or item_id in mapping:
            continue
        mapping[item_id] = column
        why = []
        if score < SURE_SIMILARITY:
            why.append(f"{score:.2f} similar to the item's id or wording")
        rivals = [i for s, i in per_column[column] if i != item_id and s > score - RIVAL_MARGIN]
        if rivals:
            why.append(f"as similar to {', '.join(rivals[:3])}")
        if why:
            notes[item_id] = "; ".join(why)
    return mapping, notes
