"""Match the organisation each respondent answers for onto the sampling frame.

Municipality numbers lose leading zeros when a tool stores them as numbers (``301`` is Oslo,
``0301``): they are padded back to four digits. Numbers from before a municipal merger are
translated by the source's ``org_id_map`` (old → new) in ``round.yaml``. Hospital trusts are
matched by id or by name, tolerant of case, spacing, punctuation and a trailing «HF». GPs are their
own PSU; their practice's municipality number gives their county stratum (methodology §1).
An organisation that is not in the frame is an error naming the file, the rows and the value.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from anchoring.cleaning.labels import factorize_text, text_from_codes
from anchoring.exceptions import FrameError
from anchoring.frames import Frames, qualify_stratum
from anchoring.round_config import Source

_EXAMPLE_ROWS = 5
_HOSPITAL_NOISE = re.compile(r"\b(hf|helseforetak|health trust)\b")
_LEADING_NUMBER = re.compile(r"^(\d{1,4})(?:\.0+)?(?:\s|$|-)")


def normalise_municipality_number(value: str) -> str:
    """A municipality number as four digits: ``"301"`` → ``"0301"``, ``"301.0"`` → ``"0301"``.

    Text that does not start with a number is returned stripped and unchanged.
    """
    text = str(value).strip()
    match = _LEADING_NUMBER.match(text + " ")
    return match.group(1).zfill(4) if match else text


def normalise_trust_name(value: str) -> str:
    """Fold a hospital trust name or id: case, punctuation, spacing, «HF» dropped."""
    text = re.sub(r"[.,;:()\"'«»\-–]", " ", str(value).casefold())
    text = _HOSPITAL_NOISE.sub(" ", text)
    return " ".join(text.split())


def _municipality_lookup(frames: Frames) -> dict[str, str]:
    units = frames["municipality"].units
    lookup = {u: u for u in units["org_id"]}
    names = units["org_name"].str.casefold()
    unique_names = names[~names.duplicated(keep=False)]
    lookup.update(dict(zip(unique_names, units.loc[unique_names.index, "org_id"], strict=True)))
    return lookup


def _hospital_lookup(frames: Frames) -> dict[str, str]:
    units = frames["hospital"].units
    lookup = {normalise_trust_name(i): i for i in units["org_id"]}
    lookup.update(
        {
            normalise_trust_name(n): i
            for n, i in zip(units["org_name"], units["org_id"], strict=True)
        }
    )
    return lookup


def _match(
    value: str, group: str, org_id_map: dict[str, str], lookup: dict[str, str]
) -> str | None:
    if group == "hospital":
        key = normalise_trust_name(value)
        mapped = {normalise_trust_name(k): v for k, v in org_id_map.items()}
        key = normalise_trust_name(mapped.get(key, key))
        return lookup.get(key)
    number = normalise_municipality_number(value)
    mapped = {normalise_municipality_number(k): v for k, v in org_id_map.items()}
    number = normalise_municipality_number(mapped.get(number, number))
    return lookup.get(number) or lookup.get(number.casefold())


def resolve_organisations(
    org_raw: pd.Series, source: Source, frames: Frames, path: str, config_path: str
) -> pd.DataFrame:
    """Frame organisation and stratum of every row (only rows with an organisation given).

    Parameters
    ----------
    org_raw
        The organisation as written (municipality number, trust id or name; for GPs the
        practice's municipality number); ``<NA>`` rows stay ``<NA>``. The index is the 0-based
        data row of the export (as in :class:`~anchoring.cleaning.mapping.MappedSource`), so a
        subset keeps its row numbers in messages.
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
        Values not in the frame, all listed with their data rows and the fix.
    """
    group = source.group
    lookup = _hospital_lookup(frames) if group == "hospital" else _municipality_lookup(frames)
    positions, uniques = factorize_text(org_raw)
    ids = np.empty(len(uniques) + 1, dtype=object)
    problems = []
    for i, value in enumerate(uniques):
        ids[i] = _match(str(value), group, source.org_id_map, lookup)
        if ids[i] is None:
            rows = org_raw.index[np.flatnonzero(positions == i)[:_EXAMPLE_ROWS]] + 1
            problems.append(
                f"value {str(value)!r} in data row(s) {', '.join(str(r) for r in rows)}"
            )
    if problems:
        frame_name = {
            "municipality": "municipality",
            "hospital": "hospital trust",
            "gp": "municipality",
        }[group]
        raise FrameError(
            f"{path}: {len(problems)} organisation(s) not in the {frame_name} frame: "
            f"{'; '.join(problems)}. Fix: map old or misspelt ids to frame ids under "
            f"sources[{source.id}].org_id_map in {config_path} (e.g. {{'1201': '4601'}}), "
            "or supply the round's own frame under 'frames'."
        )
    units = frames["hospital"].units if group == "hospital" else frames["municipality"].units
    strata = {
        o: qualify_stratum(group, c)
        for o, c in zip(units["org_id"], units["stratum_code"], strict=True)
    }
    # per distinct value, then spread over the rows by Arrow
    org_id = text_from_codes(list(ids[:-1]), positions, org_raw.index)
    stratum = text_from_codes([strata.get(i) for i in ids[:-1]], positions, org_raw.index)
    if group == "gp":
        _check_gp_strata(stratum, frames, path)
    return pd.DataFrame({"org_id": org_id, "stratum": stratum})


def _check_gp_strata(stratum: pd.Series, frames: Frames, path: str) -> None:
    known = set(frames["gp"].strata["stratum"])
    missing = sorted(set(stratum.dropna()) - known)
    if missing:
        raise FrameError(
            f"{path}: GP strata {missing} are not in the GP frame "
            f"({frames['gp'].path}). Supply a GP frame with these counties under "
            "'frames: {gp: <file>}' in round.yaml."
        )
