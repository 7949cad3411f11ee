"""Draft ``org_id_map``: every organisation as respondents typed it, onto the frame.

Each distinct value of the organisation column is matched once
(:class:`anchoring.organisation_names.OrganisationMatcher`: ids, official name forms in Norwegian,
Sami and Kven, county qualifiers, numbers and names before the 2020 and 2024 reforms, close
misspellings, trust abbreviations). A value that is already a frame id needs no entry; a name
gets one; a historical, qualified or fuzzy match gets one to confirm. A value that names two or
more organisations («Herøy», «Våler», «Os») cannot be decided by a machine: it is listed with its
candidates and data rows for the analyst, as is a value that matches nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from anchoring.cleaning.redaction import mask_personal_data
from anchoring.organisation_names import OrganisationMatcher

SURE_KINDS = frozenset({"name"})
"""Match kinds drafted without a ``# CONFIRM``."""
_SHOWN_ROWS = 5


@dataclass
class OrgDraft:
    """The drafted ``org_id_map`` of one source and what is left to the analyst.

    Attributes
    ----------
    entries
        Raw value → (frame id, note); the note is empty for a sure match.
    ambiguous
        (raw value, data rows, the candidates described) per value that names several units.
    unknown
        (raw value with personal data masked, data rows) per value that matches nothing.
    """

    entries: dict[str, tuple[str, str]] = field(default_factory=dict)
    ambiguous: list[tuple[str, str, str]] = field(default_factory=list)
    unknown: list[tuple[str, str]] = field(default_factory=list)


def _rows(values: pd.Series, value: str) -> str:
    rows = [str(i + 1) for i in values.index[values == value][:_SHOWN_ROWS]]
    more = " …" if int((values == value).sum()) > _SHOWN_ROWS else ""
    return ", ".join(rows) + more


def draft_org_map(values: pd.Series, group: str, matcher: OrganisationMatcher) -> OrgDraft:
    """Match every distinct organisation value of a source and draft its map.

    Parameters
    ----------
    values
        The organisation column as read (index: 0-based data row).
    group
        The source's group (``gp``: the practice's municipality).
    matcher
        Built once from the frames.

    Returns
    -------
    OrgDraft
        Map entries, ambiguous values with candidates, unknown values.
    """
    text = values.dropna().astype(str).str.strip()
    text = text[text != ""]
    draft = OrgDraft()
    for value, match in sorted(matcher.match_many(sorted(set(text)), group).items()):
        if match.kind == "id":
            continue
        if match.org_id is not None:
            note = "" if match.kind in SURE_KINDS else match.note
            draft.entries[value] = (match.org_id, note)
        elif match.kind == "ambiguous":
            draft.ambiguous.append((value, _rows(text, value), matcher.describe_candidates(match)))
        else:
            draft.unknown.append((mask_personal_data(value), _rows(text, value)))
    return draft
