"""Match the organisation each respondent answers for onto the sampling frame.

Values are matched as people type them by :class:`anchoring.organisation_names.OrganisationMatcher`
(municipality numbers with lost leading zeros, Norwegian, Sami and Kven names, county qualifiers,
numbers and names from before the 2020 and 2024 reforms, close misspellings; trust ids, names,
abbreviations and hospital names). The source's ``org_id_map`` in ``round.yaml`` (raw value →
frame id, or old id → new id) is applied first and wins. GPs are their own PSU; their practice's
municipality gives their county stratum (methodology §1). Ambiguous and unknown values are one
error naming the file, the rows, the candidates and the fix; personal data in a value is masked.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from anchoring.cleaning.answer_codes import factorize_text, text_from_codes
from anchoring.cleaning.redaction import mask_personal_data
from anchoring.exceptions import FrameError
from anchoring.frames import Frames, qualify_stratum
from anchoring.intake.round_config import Source
from anchoring.organisation_names import (
    OrganisationMatcher,
    OrgMatch,
    normalise_municipality_number,
    normalise_trust_name,
    organisation_key,
)

__all__ = [
    "OrgMatch",
    "OrganisationMatcher",
    "normalise_municipality_number",
    "normalise_trust_name",
    "resolve_organisations",
]

logger = logging.getLogger(__name__)

_EXAMPLE_ROWS = 5
_FRAME_NAMES = {"municipality": "municipality", "hospital": "hospital trust", "gp": "municipality"}


def resolve_organisations(
    org_raw: pd.Series, source: Source, frames: Frames, path: str, config_path: str
) -> pd.DataFrame:
    """Frame organisation and stratum of every row (only rows with an organisation given).

    Parameters
    ----------
    org_raw
        The organisation as written (municipality number or name, trust id, name or
        abbreviation; for GPs the practice's municipality); ``<NA>`` rows stay ``<NA>``. The
        index is the 0-based data row of the export (as in
        :class:`~anchoring.cleaning.mapping.MappedSource`), so a subset keeps its row numbers in
        messages.
    source
        The source (group and ``org_id_map``).
    frames
        The round's sampling frames.
    path, config_path
        Named in the error message.

    Returns
    -------
    pandas.DataFrame
        ``org_id`` (frame id; for GPs the municipality number) and ``stratum`` (group-qualified),
        index as ``org_raw``.

    Raises
    ------
    FrameError
        Ambiguous values (with their candidates), unknown values and ``org_id_map`` targets not
        in the frame, all listed with their data rows and the fix.
    """
    group = source.group
    matcher = OrganisationMatcher(frames)
    mapped = {organisation_key(k, group): str(v) for k, v in source.org_id_map.items()}
    positions, uniques = factorize_text(org_raw)
    ids: list[str | None] = []
    problems = []
    for i, value in enumerate(uniques):
        match = _match_value(str(value), group, mapped, matcher)
        ids.append(match.org_id if match.is_accepted else None)
        if not match.is_accepted:
            rows = org_raw.index[np.flatnonzero(positions == i)[:_EXAMPLE_ROWS]] + 1
            problems.append(_problem(match, rows, matcher))
        elif match.needs_confirmation:
            shown = mask_personal_data(match.value)
            logger.info("%s: %r read as %s (%s)", path, shown, match.org_id, match.note)
    if problems:
        raise FrameError(
            f"{path}: {len(problems)} organisation value(s) could not be matched to the "
            f"{_FRAME_NAMES[group]} frame: {'; '.join(problems)}. Fix: add each value as written "
            f"with its frame id to sources[{source.id}].org_id_map in {config_path} "
            "(e.g. {'Herøy': '1818'} or {'1201': '4601'}), or supply the round's own frame "
            "under 'frames'."
        )
    units = frames["hospital"].units if group == "hospital" else frames["municipality"].units
    strata = {
        o: qualify_stratum(group, c)
        for o, c in zip(units["org_id"], units["stratum_code"], strict=True)
    }
    # per distinct value, then spread over the rows by Arrow
    org_id = text_from_codes(ids, positions, org_raw.index)
    stratum = text_from_codes([strata.get(i) for i in ids], positions, org_raw.index)
    if group == "gp":
        _check_gp_strata(stratum, frames, path)
    return pd.DataFrame({"org_id": org_id, "stratum": stratum})


def _match_value(
    value: str, group: str, mapped: dict[str, str], matcher: OrganisationMatcher
) -> OrgMatch:
    """The value's ``org_id_map`` entry if it has one (the entry wins), else the matcher's."""
    target = mapped.get(organisation_key(value, group))
    if target is None:
        return matcher.match(value, group)
    match = matcher.match(target, group)
    if match.kind in ("id", "name"):
        return OrgMatch(value, match.org_id, "id", match.candidates, f"org_id_map: {target}")
    note = f"org_id_map maps it to {target!r}, which is not an id in the frame"
    return OrgMatch(value, None, "unknown", (), note)


def _problem(match: OrgMatch, rows: pd.Index, matcher: OrganisationMatcher) -> str:
    where = f"{mask_personal_data(match.value)!r} in data row(s) {', '.join(str(r) for r in rows)}"
    if match.kind == "ambiguous":
        return f"{where}: ambiguous, one of {matcher.describe_candidates(match, ',')}"
    return f"{where}: {match.note}"


def _check_gp_strata(stratum: pd.Series, frames: Frames, path: str) -> None:
    known = set(frames["gp"].strata["stratum"])
    missing = sorted(set(stratum.dropna()) - known)
    if missing:
        raise FrameError(
            f"{path}: GP strata {missing} are not in the GP frame "
            f"({frames['gp'].path}). Supply a GP frame with these counties under "
            "'frames: {gp: <file>}' in round.yaml."
        )
