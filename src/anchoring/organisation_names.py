"""Organisations as people type them: a value from an export matched onto the frames.

Municipalities (and GPs, through their practice's municipality) are matched against Statistics
Norway's classification 131 (KLASS, "Kommuneinndeling 2024", version 1710) as packaged in
``anchoring/frames`` (``kommuner-2024-names.csv``: every official Norwegian, Sami, Kven and
bilingual name form; ``kommuner-history.csv``: numbers that went out of use 1971–2023 and the 2024
number each leads to; ``fylker-former.csv``: county names out of use, classification 104). The
facts and their caveats are described in the design card's ``shared/reference/README.md`` and in
``frames/README.md``. Hospital trusts are matched against the trust frame and
``helseforetak-aliases.csv`` (abbreviations and hospital names, each with its source).

A match says how it was found (:data:`KINDS`), in this order:

``id``
    A frame id or municipality number, zero padding restored (``301`` → ``0301``), also in front of
    a name (``0301 Oslo``).
``name``
    A current official name form after folding case, spacing, hyphens and dashes, Sami diacritics
    and a «kommune» suffix; for trusts the name with or without «HF»/«helseforetak», an alias, or a
    hospital name in parentheses.
``qualified``
    A name with a county (``Bø (Nordland)``, ``Bø i Telemark``), current or former county names.
``historical``
    A number or name of a municipality that no longer exists, when it leads to one 2024 number.
``fuzzy``
    A close misspelling: :func:`difflib.SequenceMatcher` ratio ≥ :data:`FUZZY_CUTOFF` against all
    current name forms, with one municipality ahead of the next by :data:`FUZZY_MARGIN`.
``ambiguous``
    The value fits several frame organisations (``Herøy``; ``Os``, which is also the former Os in
    Hordaland); ``candidates`` lists them. Derived from the data, never hand-listed.
``unknown``
    Nothing fits.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from anchoring.exceptions import FrameError
from anchoring.frames import Frames
from anchoring.frames.reference import load_reference_table

KINDS: tuple[str, ...] = (
    "id",
    "name",
    "qualified",
    "historical",
    "fuzzy",
    "ambiguous",
    "unknown",
)
"""How a value was matched, from the most to the least certain."""
ACCEPTED_KINDS: frozenset[str] = frozenset({"id", "name", "qualified", "historical", "fuzzy"})
"""Kinds that give one frame organisation."""
CONFIRM_KINDS: frozenset[str] = frozenset({"historical", "fuzzy"})
"""Accepted kinds an analyst should confirm (``# CONFIRM`` in a drafted ``org_id_map``)."""
FUZZY_CUTOFF = 0.9
"""Least :meth:`difflib.SequenceMatcher.ratio` for a misspelling."""
FUZZY_MARGIN = 0.03
"""A misspelling must score this much better than any other organisation's closest name."""

_LEADING_NUMBER = re.compile(r"^(\d{1,4})(?:\.0+)?(?=\s|$|[-–:])\s*[-–:]?\s*(.*)$")
_DASHES = re.compile(r"[-‐‑‒–—―/_]")
_PUNCTUATION = re.compile(r"[.,;:\"'«»!?]")
_SAMI_LETTERS = str.maketrans("áčđŋšŧž", "acdnstz")
_SUFFIX = re.compile(r"(?:\s+(?:kommune|kommunen|municipality))+$")
_PARENTHESES = re.compile(r"^\s*([^()]+?)\s*\(([^()]+)\)\s*(.*)$")
_TRUST_NOISE = re.compile(r"\b(hf|helseforetak|helseføretak|health trust)\b")
_TRUST_PARTS = re.compile(r"[(),/]| - | – ")
_NAME_KIND_NOTES = {
    "norwegian": "Norwegian name",
    "sami": "Sami name",
    "kven": "Kven name",
    "bilingual": "SSB's multilingual name form",
}


@dataclass(frozen=True)
class OrgMatch:
    """How one raw value matched the frame.

    Attributes
    ----------
    value
        The value as written in the export.
    org_id
        The frame id (municipality number or trust id); ``None`` when ambiguous or unknown.
    kind
        One of :data:`KINDS`.
    candidates
        The frame ids it could be: ``(org_id,)`` when matched, several when ambiguous, none when
        unknown.
    note
        A short English reason an analyst can read (no personal data: it names frame facts only).
    """

    value: str
    org_id: str | None
    kind: str
    candidates: tuple[str, ...]
    note: str

    @property
    def is_accepted(self) -> bool:
        """True when the value gives one frame organisation."""
        return self.kind in ACCEPTED_KINDS

    @property
    def needs_confirmation(self) -> bool:
        """True for historical and fuzzy matches, which an analyst should confirm."""
        return self.kind in CONFIRM_KINDS


def fold_name(text: str) -> str:
    """Fold a municipality name for matching.

    Case, spacing, hyphens, dashes and slashes, punctuation, Sami diacritics (á č đ ŋ š ŧ ž; not
    æ ø å) and a trailing «kommune»/«municipality».

    Examples
    --------
    >>> fold_name("Aurskog–Høland Kommune.")
    'aurskog høland'
    >>> fold_name("Porsáŋgu")
    'porsangu'
    """
    text = unicodedata.normalize("NFKC", str(text)).casefold().translate(_SAMI_LETTERS)
    text = " ".join(_PUNCTUATION.sub(" ", _DASHES.sub(" ", text)).split())
    return _SUFFIX.sub("", text)


def normalise_municipality_number(value: str) -> str:
    """A municipality number as four digits: ``"301"`` → ``"0301"``, ``"301.0"`` → ``"0301"``.

    Also the number in front of a name (``"0301 Oslo"`` → ``"0301"``). Text that does not start
    with a number is returned stripped and unchanged.
    """
    text = str(value).strip()
    match = _LEADING_NUMBER.match(text)
    return match.group(1).zfill(4) if match else text


def normalise_trust_name(value: str) -> str:
    """Fold a trust name or id: case, punctuation, spacing, «HF» and «helseforetak» dropped.

    Examples
    --------
    >>> normalise_trust_name("St. Olavs hospital HF")
    'st olavs hospital'
    """
    text = re.sub(r"[.,;:()\"'«»\-–—/]", " ", unicodedata.normalize("NFKC", str(value)).casefold())
    return " ".join(_TRUST_NOISE.sub(" ", text).split())


def organisation_key(value: str, group: str) -> str:
    """The key under which a raw value is looked up in a source's ``org_id_map``.

    Municipalities and GPs: the zero-padded number when the value starts with one, else the folded
    name (:func:`fold_name`); trusts: :func:`normalise_trust_name`.
    """
    if group == "hospital":
        return normalise_trust_name(value)
    number = normalise_municipality_number(value)
    return number if number.isdigit() else fold_name(number)


@dataclass(frozen=True)
class _Former:
    """A municipality number out of use, with the 2024 numbers (in the frame) it leads to."""

    number: str
    name: str
    valid_to: str
    targets: tuple[str, ...]

    @property
    def county(self) -> str:
        return self.number[:2]

    @property
    def label(self) -> str:
        return f"{self.number} {self.name} (valid to {self.valid_to})"


def _unknown(value: str, note: str) -> OrgMatch:
    return OrgMatch(value, None, "unknown", (), note)


def _one_or_many(value: str, ids: Iterable[str], kind: str, note: str) -> OrgMatch:
    """A match of ``kind`` when ``ids`` is one organisation, else an ambiguous one."""
    candidates = tuple(sorted(set(ids)))
    if len(candidates) == 1:
        return OrgMatch(value, candidates[0], kind, candidates, note)
    return OrgMatch(value, None, "ambiguous", candidates, note)


def _split_qualified(text: str) -> tuple[str, str] | None:
    """``("Bø", "Nordland")`` from «Bø (Nordland)» or «Bø i Nordland»; None without a qualifier."""
    match = _PARENTHESES.match(text)
    if match and not fold_name(match.group(3)):
        return match.group(1), match.group(2)
    if " i " in text.casefold():
        cut = text.casefold().rindex(" i ")
        return text[:cut], text[cut + 3 :]
    return None


def _next_day(iso_date: str) -> str:
    return (date.fromisoformat(iso_date) + timedelta(days=1)).isoformat()


class _Municipalities:
    """Name forms, former numbers and names, and county names of the municipality frame."""

    def __init__(self, units: pd.DataFrame) -> None:
        self.names = dict(zip(units["org_id"], units["org_name"], strict=True))
        self.county_names = dict(zip(units["org_id"], units["stratum_name"], strict=True))
        self.forms: dict[str, dict[str, str]] = defaultdict(dict)
        for org_id, name in self.names.items():
            self._add_form(name, org_id, "norwegian")
        table = load_reference_table("municipality_names")
        for org_id, name, kind in zip(
            table["kommunenummer"], table["name"], table["name_kind"], strict=True
        ):
            if org_id in self.names:
                self._add_form(name, org_id, kind)
        self._load_history()
        self._load_counties(units)

    def _add_form(self, name: str, org_id: str, kind: str) -> None:
        self.forms[fold_name(name)].setdefault(org_id, kind)
        qualified = _split_qualified(name)
        if qualified:  # SSB's «Herøy (Nordland)»: the name itself is «Herøy»
            self.forms[fold_name(qualified[0])].setdefault(org_id, kind)

    def _load_history(self) -> None:
        table = load_reference_table("municipality_history")
        self.former_by_number: dict[str, _Former] = {}
        self.former_by_name: dict[str, list[_Former]] = defaultdict(list)
        self.merged_from: dict[tuple[str, str], list[_Former]] = defaultdict(list)
        for number, rows in table.groupby("old_number", sort=True):
            targets = tuple(sorted(t for t in rows["new_number"] if t in self.names))
            if not targets:
                continue  # leads to a municipality outside a round-supplied frame
            former = _Former(number, rows["old_name"].iloc[0], rows["valid_to"].iloc[0], targets)
            self.former_by_number[number] = former
            for key in self._former_keys(former.name):
                self.former_by_name[key].append(former)
            for target in targets:
                self.merged_from[(target, former.valid_to)].append(former)

    @staticmethod
    def _former_keys(name: str) -> set[str]:
        """«Os (Hordaland)» → os; «Tysfjord - Divtasvuodna» → the whole and each part."""
        qualified = _split_qualified(name)
        base = qualified[0] if qualified else name
        return {fold_name(part) for part in [base, *base.split(" - ")]}

    def _load_counties(self, units: pd.DataFrame) -> None:
        self.counties: dict[str, set[str]] = defaultdict(set)
        for code, name in zip(units["stratum_code"], units["stratum_name"], strict=True):
            self.counties[fold_name(name)].add(code)
        former = load_reference_table("former_counties")
        for code, name in zip(former["fylkesnummer"], former["fylkesnavn"], strict=True):
            self.counties[fold_name(name)].add(code)

    def describe(self, org_id: str) -> str:
        """``1515 Herøy (Møre og Romsdal)``; ``3430 Os (Innlandet)`` (county added if missing)."""
        name = self.names[org_id]
        county = "" if "(" in name else f" ({self.county_names[org_id]})"
        return f"{org_id} {name}{county}"

    def _described(self, ids: Iterable[str]) -> str:
        return " or ".join(self.describe(i) for i in ids)

    def merger_note(self, former: _Former, org_id: str) -> str:
        """``1852 Tjeldsund and 1913 Skånland merged on 2020-01-01 (as 5412)`` or ``""``."""
        partners = self.merged_from[(org_id, former.valid_to)]
        if len(partners) < 2:
            return ""
        names = " and ".join(f"{p.number} {p.name}" for p in partners)
        later = [
            f.number
            for (target, valid_to), formers in self.merged_from.items()
            if target == org_id and valid_to > former.valid_to
            for f in formers
        ]
        as_number = f" as {', '.join(later)}, now {org_id}" if later else ""
        return f"{names} merged on {_next_day(former.valid_to)}{as_number}"

    # -- matching ---------------------------------------------------------------------------

    def match(self, value: str) -> OrgMatch:
        text = str(value).strip()
        if not fold_name(text):
            return _unknown(value, "empty")
        number = _LEADING_NUMBER.match(text)
        if number is None:
            return self._by_name(value, text)
        if number.group(2) and not any(c.isalpha() for c in number.group(2)):
            return _unknown(value, "digits that are not a municipality number")  # «912 34 567»
        by_number = self._by_number(value, number.group(1).zfill(4))
        rest = number.group(2)
        if by_number is None:
            note = f"number {number.group(1).zfill(4)} is neither a 2024 nor a former number"
            return self._by_name(value, rest) if fold_name(rest) else _unknown(value, note)
        return self._check_name(value, by_number, rest) if fold_name(rest) else by_number

    def _check_name(self, value: str, by_number: OrgMatch, rest: str) -> OrgMatch:
        """«0301 Bergen»: a number and a name that disagree are ambiguous."""
        by_name = self._by_name(value, rest)
        if by_name.org_id is None or by_name.org_id in by_number.candidates:
            return by_number
        ids = {*by_number.candidates, by_name.org_id}
        return _one_or_many(value, ids, "ambiguous", "the number and the name disagree")

    def _by_number(self, value: str, number: str) -> OrgMatch | None:
        if number in self.names:
            padded = " (leading zero restored)" if not str(value).strip().startswith(number) else ""
            return OrgMatch(value, number, "id", (number,), f"municipality number{padded}")
        former = self.former_by_number.get(number)
        if former is None:
            return None
        into = " and ".join(self.describe(t) for t in former.targets)
        verb = "now" if len(former.targets) == 1 else "split into"
        was = f"{former.number} ({former.name}, valid to {former.valid_to})"
        note = f"historical number {was}, {verb} {into}"
        return _one_or_many(value, former.targets, "historical", note)

    def _by_name(self, value: str, text: str) -> OrgMatch:
        key = fold_name(text)
        for step in (self._current, self._qualified, self._former, self._fuzzy):
            found = step(value, text, key)
            if found is not None:
                return found
        return _unknown(value, "no municipality name, number or former municipality fits")

    def _current(self, value: str, text: str, key: str) -> OrgMatch | None:
        forms = self.forms.get(key)
        if not forms:
            return None
        ids = set(forms)
        formers = self.former_by_name.get(key, [])
        other = [f for f in formers if not ids.intersection(f.targets)]
        if len(ids) > 1 or other:
            notes = [f"name of {', '.join(self.describe(i) for i in sorted(ids))}"]
            notes += [f"former {f.label}, now {self._described(f.targets)}" for f in other]
            targets = ids.union(*(f.targets for f in other))
            return _one_or_many(value, targets, "ambiguous", "; ".join(notes))
        (org_id,) = ids
        mergers = {self.merger_note(f, org_id) for f in formers if f.number != org_id} - {""}
        note = "; ".join([_NAME_KIND_NOTES[forms[org_id]], *sorted(mergers)])
        return OrgMatch(value, org_id, "name", (org_id,), note)

    def _qualified(self, value: str, text: str, key: str) -> OrgMatch | None:
        parts = _split_qualified(text)
        if parts is None:
            return None
        base, qualifier = fold_name(parts[0]), fold_name(parts[1])
        counties = self.counties.get(qualifier)
        if not counties:
            return None
        places = [((i,), i[:2], "") for i in self.forms.get(base, {})]
        places += [(f.targets, f.county, f.label) for f in self.former_by_name.get(base, [])]
        hits = [(targets, label) for targets, county, label in places if county in counties]
        if not hits:
            return _unknown(value, f"no municipality {parts[0].strip()!r} in {parts[1].strip()}")
        ids = {t for targets, _ in hits for t in targets}
        formers = sorted({label for _, label in hits if label} - {""})
        note = f"name with county {parts[1].strip()}"
        if formers and len(ids) == 1:
            (org_id,) = ids
            note += f"; former {', '.join(formers)}, now {self.describe(org_id)}"
        return _one_or_many(value, ids, "qualified", note)

    def _former(self, value: str, text: str, key: str) -> OrgMatch | None:
        formers = self.former_by_name.get(key)
        if not formers:
            return None
        ids = sorted({t for f in formers for t in f.targets})
        labels = ", ".join(f.label for f in formers)
        if len(ids) > 1:
            into = self._described(ids)
            return _one_or_many(value, ids, "ambiguous", f"former {labels}; now part of {into}")
        merged = sorted({self.merger_note(f, ids[0]) for f in formers} - {""})
        note = "; ".join([f"former municipality {labels}, now {self.describe(ids[0])}", *merged])
        return _one_or_many(value, ids, "historical", note)

    def _fuzzy(self, value: str, text: str, key: str) -> OrgMatch | None:
        best = _closest(key, {form: tuple(ids) for form, ids in self.forms.items()})
        if not best:
            return None
        score, form, ids = best[0]
        close = _close_rivals(best)
        if close or len(ids) > 1:
            candidates = {i for _, _, c in [best[0], *close] for i in c}
            return _one_or_many(value, candidates, "ambiguous", "close to several names")
        name = self.names[ids[0]] if fold_name(self.names[ids[0]]) == form else form
        return OrgMatch(value, ids[0], "fuzzy", ids, f"misspelling of {name} ({score:.2f})")


def _closest(key: str, forms: dict[str, tuple[str, ...]]) -> list[tuple[float, str, tuple]]:
    """Forms with a ratio ≥ :data:`FUZZY_CUTOFF`, best first (ties: by form, deterministic)."""
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(key)
    scored = []
    for form, ids in forms.items():
        matcher.set_seq1(form)
        if matcher.real_quick_ratio() >= FUZZY_CUTOFF and matcher.quick_ratio() >= FUZZY_CUTOFF:
            score = matcher.ratio()
            if score >= FUZZY_CUTOFF:
                scored.append((score, form, ids))
    return sorted(scored, key=lambda s: (-s[0], s[1]))


def _close_rivals(best: list[tuple[float, str, tuple]]) -> list[tuple[float, str, tuple]]:
    """Forms of other organisations within :data:`FUZZY_MARGIN` of the best one."""
    score, _, ids = best[0]
    return [b for b in best[1:] if b[0] >= score - FUZZY_MARGIN and set(b[2]) != set(ids)]


class _Trusts:
    """Ids, names and aliases of the hospital trust frame."""

    def __init__(self, units: pd.DataFrame) -> None:
        self.names = dict(zip(units["org_id"], units["org_name"], strict=True))
        self.by_id = {normalise_trust_name(i): i for i in self.names}
        self.by_name = {normalise_trust_name(n): (i, "trust name") for i, n in self.names.items()}
        aliases = load_reference_table("trust_aliases")
        for alias, hf_id, kind in zip(
            aliases["alias"], aliases["hf_id"], aliases["alias_kind"], strict=True
        ):
            if hf_id in self.names:
                self.by_name.setdefault(normalise_trust_name(alias), (hf_id, f"{kind} {alias!r}"))

    def describe(self, org_id: str) -> str:
        return f"{org_id} {self.names[org_id]}"

    def _lookup(self, key: str) -> tuple[str, str] | None:
        """Exact name or alias, else the longest one the value starts with («UNN Tromsø»)."""
        if key in self.by_name:
            return self.by_name[key]
        starts = [k for k in self.by_name if key.startswith(k + " ")]
        return self.by_name[max(starts, key=len)] if starts else None

    def match(self, value: str) -> OrgMatch:
        key = normalise_trust_name(value)
        if not key:
            return _unknown(value, "empty")
        if key in self.by_id:
            org_id = self.by_id[key]
            return OrgMatch(value, org_id, "id", (org_id,), "trust id")
        found = self._lookup(key)
        if found:
            return OrgMatch(value, found[0], "name", (found[0],), found[1])
        parts = [normalise_trust_name(p) for p in _TRUST_PARTS.split(str(value))]
        hits = {p: self._lookup(p) or (self.by_id.get(p), "") for p in parts if p}
        ids = {hit[0] for hit in hits.values() if hit[0]}
        if ids:
            named = ", ".join(sorted(p for p, hit in hits.items() if hit[0]))
            return _one_or_many(value, ids, "name", f"parts naming a trust: {named}")
        best = _closest(key, {k: (v[0],) for k, v in self.by_name.items()})
        if best and not _close_rivals(best):
            score, form, ids = best[0]
            return OrgMatch(value, ids[0], "fuzzy", ids, f"misspelling of {form!r} ({score:.2f})")
        return _unknown(value, "no trust id, name or alias fits")


class OrganisationMatcher:
    """Match raw organisation values onto the frames; built once per round from its frames.

    Parameters
    ----------
    frames
        The round's frames (:func:`anchoring.frames.load_frames`); name forms and history apply
        to the municipalities the municipality frame lists.

    Examples
    --------
    >>> from anchoring.frames import load_frames
    >>> matcher = OrganisationMatcher(load_frames())
    >>> matcher.match("Kautokeino kommune", "municipality").org_id
    '5612'
    >>> matcher.match("Herøy", "municipality").candidates
    ('1515', '1818')
    """

    def __init__(self, frames: Frames) -> None:
        self._municipalities = _Municipalities(frames["municipality"].units)
        self._trusts = _Trusts(frames["hospital"].units)

    def match(self, value: str, group: str) -> OrgMatch:
        """Match one raw value of a group (``municipality``, ``hospital``, ``gp``).

        GPs are matched to their practice's municipality.

        Raises
        ------
        FrameError
            An unknown group.
        """
        if group == "hospital":
            return self._trusts.match(value)
        if group in ("municipality", "gp"):
            return self._municipalities.match(value)
        raise FrameError(f"organisations: unknown group {group!r}; use municipality, hospital, gp.")

    def match_many(self, values: Iterable[str], group: str) -> dict[str, OrgMatch]:
        """Match each distinct value once (missing values skipped), in first-seen order."""
        distinct = dict.fromkeys(str(v) for v in values if v is not None and not pd.isna(v))
        return {v: self.match(v, group) for v in distinct}

    def describe(self, org_id: str) -> str:
        """A frame id with its name: ``1818 Herøy (Nordland)``, ``HB Helse Bergen HF``."""
        if org_id in self._trusts.names:
            return self._trusts.describe(org_id)
        return self._municipalities.describe(org_id)

    def describe_candidates(self, match: OrgMatch, conjunction: str = "or") -> str:
        """The candidates in words: ``1515 Herøy (Møre og Romsdal) or 1818 Herøy (Nordland)``.

        For an ``org_id_map`` comment drafted by ``init-round``; ``conjunction=","`` lists them
        with commas only.
        """
        described = [self.describe(c) for c in match.candidates]
        if conjunction == "," or len(described) < 2:
            return ", ".join(described)
        return f"{', '.join(described[:-1])} {conjunction} {described[-1]}"
