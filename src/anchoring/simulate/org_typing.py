"""Organisations typed the way respondents type them into a free-text field.

The tool-format exports ask «Hvilken kommune ...?» or «Hvilket helseforetak ...?» as a text
question, so the export holds what people wrote, not a code. The forms drawn here are those
issue #14 lists from real exports:

* municipalities (and a GP's practice municipality): the plain name, «X kommune», «X Kommune»,
  the number and name («0301 Oslo»), the Sami, Kven or bilingual form SSB publishes
  («Guovdageaidnu - Kautokeino»), lower case, a space for the hyphen («Aurskog Høland»), the
  county-qualified forms of names two municipalities share («Herøy (Nordland)», «Våler i
  Østfold») and, for one municipality per shared name and source, the bare ambiguous name
  («Herøy»); a name another municipality bore before 2020 («Os», «Nes», «Sande», «Bø») is
  ambiguous too when typed bare; the names are SSB's classification 131, version
  «Kommuneinndeling 2024», as packaged in ``anchoring/frames/kommuner-2024-names.csv`` (its
  ``source`` column names the version);
* hospital trusts: the frame's name, without «HF», lower case, and the abbreviations and hospital
  names people use for them (:data:`TRUST_FORMS`).

Every raw value means exactly one frame id within a source (the bare ambiguous name is given to
one municipality only), so ``truth.json`` can list raw value → frame id, and ``round.yaml``'s
``org_id_map`` can settle the ambiguous names as an analyst would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd

NAMES_FILE = "kommuner-2024-names.csv"
"""The municipalities' official name forms, packaged beside the frames (``anchoring.frames``)."""

HISTORY_FILE = "kommuner-history.csv"
"""Municipality numbers out of use since 2020, with their names and today's number."""

TRUST_FORMS: dict[str, tuple[str, ...]] = {
    "AHUS": ("Ahus", "AHUS"),
    "OUS": ("OUS", "Oslo universitetssykehus (Rikshospitalet)"),
    "SUS": ("SUS", "Helse Stavanger HF (Stavanger universitetssjukehus)"),
    "HB": ("Helse Bergen HF (Haukeland)", "Haukeland"),
    "STO": ("St. Olavs", "St. Olavs hospital"),
    "UNN": ("UNN", "UNN HF"),
    "SO": ("Sykehuset Østfold (Kalnes)",),
    "SI": ("Sykehuset Innlandet",),
    "VV": ("Vestre Viken",),
    "SSHF": ("SSHF",),
    "NLSH": ("Nordlandssykehuset (Bodø)",),
}
"""Abbreviations and hospital names that respondents type for a trust (issue #14's examples)."""

_SHARED_QUALIFIED = "{name} i {county}"
_MUNICIPALITY_WEIGHTS = {
    "plain": 0.40,
    "kommune": 0.18,
    "Kommune": 0.08,
    "number": 0.10,
    "other_language": 0.12,
    "lower": 0.06,
    "spacing": 0.06,
}
_TRUST_WEIGHTS = {"frame": 0.35, "no_hf": 0.20, "alias": 0.35, "lower": 0.10}


@cache
def _names() -> pd.DataFrame:
    return _package_table(NAMES_FILE)


@cache
def _history() -> pd.DataFrame:
    return _package_table(HISTORY_FILE)


def _package_table(name: str) -> pd.DataFrame:
    with (files("anchoring.frames") / name).open(encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


@dataclass(frozen=True)
class _Municipality:
    number: str
    name: str
    county: str  # the qualifier SSB adds to a shared name, else ""
    other_language: tuple[str, ...]


@cache
def _municipalities() -> dict[str, _Municipality]:
    names = _names()
    out = {}
    for number, rows in names.groupby("kommunenummer", sort=True):
        official = rows.loc[rows["name_kind"] == "norwegian", "name"].iloc[0]
        base, _, county = official.partition(" (")
        others = tuple(rows.loc[rows["name_kind"] != "norwegian", "name"])
        out[str(number)] = _Municipality(str(number), base, county.rstrip(")"), others)
    return out


def _shared_names() -> dict[str, tuple[str, ...]]:
    """Base names that two or more municipalities share, with their numbers."""
    by_name: dict[str, list[str]] = {}
    for m in _municipalities().values():
        by_name.setdefault(m.name, []).append(m.number)
    return {name: tuple(numbers) for name, numbers in by_name.items() if len(numbers) > 1}


@cache
def _ambiguous_names() -> dict[str, tuple[str, ...]]:
    """Names that may mean more than one of today's municipalities, with the candidates.

    Today's shared names (Herøy, Våler), and today's names that a municipality merged or
    renumbered since 2020 also bore (Nes, Sande, Os, Bø: «Os» may be Os in Innlandet or
    Bjørnafjorden, which took in Os in Hordaland), from ``kommuner-history.csv`` packaged beside
    the frames (SSB classification 131's change table; see its ``source`` column).
    """
    candidates = {name: set(numbers) for name, numbers in _shared_names().items()}
    current = {m.name: m.number for m in _municipalities().values()}
    for old_name, new_number in _history()[["old_name", "new_number"]].itertuples(index=False):
        base = old_name.partition(" (")[0]
        if base in current:
            candidates.setdefault(base, {current[base]}).add(new_number)
    return {name: tuple(sorted(c)) for name, c in candidates.items() if len(c) > 1}


@dataclass
class TypedOrganisations:
    """The raw values one source's respondents typed, and what each means.

    Attributes
    ----------
    values
        Raw value → frame id (kommunenummer or trust id), every raw value written.
    ambiguous
        Raw values that name more than one frame organisation: raw → ``{"org_id": ...,
        "candidates": [...]}`` (what the respondent meant, and what an analyst must choose from).
    """

    values: dict[str, str] = field(default_factory=dict)
    ambiguous: dict[str, dict] = field(default_factory=dict)


def type_municipalities(numbers: list[str], rng: np.random.Generator) -> tuple[list[str], dict]:
    """Typed forms of municipality numbers, one per row, and what each raw value means.

    Returns
    -------
    (list[str], TypedOrganisations)
        The raw values in row order, and their meaning.
    """
    municipalities = _municipalities()
    shared = _shared_names()
    ambiguous_names = _ambiguous_names()
    bare_owner = {
        name: min((n for n in set(numbers) if n in owners), default=None)
        for name, owners in shared.items()
    }
    typed = TypedOrganisations()
    raw = []
    for number in numbers:
        m = municipalities[number]
        value, bare = _municipality_form(m, rng, m.name in shared, bare_owner.get(m.name) == number)
        raw.append(value)
        typed.values[value] = number
        if bare and m.name in ambiguous_names:
            typed.ambiguous[value] = {"org_id": number, "candidates": list(ambiguous_names[m.name])}
    return raw, typed


def _municipality_form(
    m: _Municipality, rng: np.random.Generator, shared: bool, owns_bare: bool
) -> tuple[str, bool]:
    """One typed form, and whether it carries the bare name (no county, no number)."""
    kinds = [k for k in _MUNICIPALITY_WEIGHTS if k != "other_language" or m.other_language]
    weights = np.array([_MUNICIPALITY_WEIGHTS[k] for k in kinds])
    kind = kinds[int(rng.choice(len(kinds), p=weights / weights.sum()))]
    name = m.name
    bare = not shared or (owns_bare and rng.random() < 0.5)
    if not bare:  # a shared name is qualified unless this municipality owns the bare form
        qualified = (f"{name} ({m.county})", _SHARED_QUALIFIED.format(name=name, county=m.county))
        name = qualified[int(rng.integers(2))]
    forms = {
        "plain": name,
        "kommune": f"{name} kommune",
        "Kommune": f"{name} Kommune",
        "number": f"{m.number} {name}",
        "other_language": m.other_language[int(rng.integers(len(m.other_language)))]
        if m.other_language
        else name,
        "lower": name.lower(),
        "spacing": name.replace("-", " ") if "-" in name else f"{name} ",
    }
    return forms[kind], bare and kind != "number"


def type_trusts(
    trust_ids: list[str], frame_names: dict[str, str], rng: np.random.Generator
) -> tuple[list[str], TypedOrganisations]:
    """Typed forms of hospital trusts, one per row, and what each raw value means."""
    typed = TypedOrganisations()
    raw = []
    kinds = list(_TRUST_WEIGHTS)
    weights = np.array(list(_TRUST_WEIGHTS.values()))
    for trust in trust_ids:
        name = frame_names[trust]
        kind = kinds[int(rng.choice(len(kinds), p=weights / weights.sum()))]
        aliases = TRUST_FORMS.get(trust, (name.removesuffix(" HF"),))
        forms = {
            "frame": name,
            "no_hf": name.removesuffix(" HF"),
            "alias": aliases[int(rng.integers(len(aliases)))],
            "lower": name.lower(),
        }
        raw.append(forms[kind])
        typed.values[forms[kind]] = trust
    return raw, typed
