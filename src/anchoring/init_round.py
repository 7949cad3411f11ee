"""``anchoring init-round``: draft a ``round.yaml`` from the exports of a new round.

Copies the given files into ``data/raw/<round>/`` byte for byte (never over a different file of
the same name), reads every export there with format detection (:mod:`anchoring.readers`), and
writes a draft configuration: detected format, encoding, delimiter and header row per file; the
stakeholder group guessed from the file name and the organisation column; a column map matching
headers, codebook names and question texts against the instrument's item ids and wording in both
languages (normalised text similarity, :class:`difflib.SequenceMatcher`); a value map where the
answers are codes whose meaning is not fixed. Every unsure guess carries a ``# CONFIRM: <why>``
comment for the analyst, and columns left unmapped are listed in a comment. An existing
``round.yaml`` is never overwritten: the draft then goes to ``round.draft.yaml``.
"""

from __future__ import annotations

import difflib
import json
import logging
import re
import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from anchoring.cleaning.labels import normalise_label, scale_lookup
from anchoring.cleaning.organisations import normalise_municipality_number, normalise_trust_name
from anchoring.exceptions import InputFileError
from anchoring.frames import Frames, load_frames
from anchoring.instrument import Instrument, load_instrument
from anchoring.paths import RoundPaths
from anchoring.readers import RawTable, read_export
from anchoring.round_config import load_round_config

log = logging.getLogger(__name__)

EXPORT_SUFFIXES = frozenset({".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".sav", ".zsav"})
DRAFT_FILE = "round.draft.yaml"
SURE_SIMILARITY = 0.9
MIN_SIMILARITY = 0.6
_FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "respondent_id": (
        "$submission_id",
        "submission id",
        "respondent id",
        "respondentid",
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
        "fullført",
        "completed",
        "innsendt",
        "end date",
        "enddate",
        "sluttid",
        "tidspunkt",
    ),
    "answer_time_ms": ("$answer_time_ms", "answer time ms", "answer time", "svartid", "duration"),
    "is_test": ("test", "is test", "testsvar", "er test"),
    "org_id": (
        "kommunenr",
        "kommunenummer",
        "kommune nr",
        "kommune",
        "municipality",
        "municipality number",
        "helseforetak",
        "hf",
        "health trust",
        "trust",
        "organisasjon",
        "organisation",
        "org",
        "org id",
    ),
    "role": ("rolle", "role", "stilling", "hva er din rolle", "what is your role"),
    "practice_size": ("praksisstørrelse", "antall fastleger", "practice size", "legar i praksis"),
    "barriers": ("barrierer", "barriere", "barriers", "hindringer", "fritekst", "kommentar"),
}
_GROUP_WORDS = {
    "municipality": ("kommun", "municipal"),
    "hospital": ("helseforetak", "sykehus", "hospital", "trust", "_hf", "hf_", "spesialist"),
    "gp": ("fastleg", "allmennleg", "_gp", "gp_", "legekontor"),
}


@dataclass
class _Draft:
    """One source of the draft: values and the comments that go with them."""

    id: str
    file: str
    raw: RawTable
    group: str = "municipality"
    group_note: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, int]] = field(default_factory=dict)
    values_note: str = ""
    unmapped: list[str] = field(default_factory=list)


def _copy_in(files: list[Path], raw_dir: Path) -> None:
    raw_dir.mkdir(parents=True, exist_ok=True)
    for file in files:
        file = Path(file)
        if not file.is_file():
            raise InputFileError(f"{file}: file not found. Give the path of an export.")
        target = raw_dir / file.name
        if target.exists():
            if target.read_bytes() == file.read_bytes():
                log.info("%s is already in %s", file.name, raw_dir)
                continue
            raise InputFileError(
                f"{target}: a different file of the same name is already in the "
                "round; raw exports are never overwritten. Rename the new file "
                "or start another round."
            )
        shutil.copyfile(file, target)
        log.info("copied %s into %s", file.name, raw_dir)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    text = re.sub(r"[_\W]+", " ", text)
    return " ".join(text.split())


def _similarity(a: str, b: str) -> float:
    return _best_similarity([_norm(a)], _matcher(_norm(b)))


def _matcher(target: str) -> difflib.SequenceMatcher:
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(target)  # difflib caches what it learns about the second sequence
    return matcher


def _best_similarity(
    texts: list[str], matcher: difflib.SequenceMatcher, floor: float = MIN_SIMILARITY
) -> float:
    best = 0.0
    for text in texts:
        if text == matcher.b:
            return 1.0
        matcher.set_seq1(text)
        if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
            continue
        best = max(best, matcher.ratio())
    return best


def _column_texts(raw: RawTable, column: str) -> list[str]:
    texts = [column]
    label = raw.column_labels.get(column)
    if label and label != column:
        texts.append(label)
    return texts


def _item_candidates(instrument: Instrument) -> dict[str, list[str]]:
    out = {}
    for item_id in instrument.item_ids():
        item = instrument.item(item_id)
        measure, dimension = item.measure, item.dimension
        out[item_id] = [item_id, f"{measure}_{dimension}", item.text["nb"], item.text["en"]]
    return out


def _match_items(draft: _Draft, instrument: Instrument, free: list[str]) -> None:
    """Greedy one-to-one matching of columns to items by best similarity."""
    candidates = {
        i: [_matcher(_norm(n)) for n in names] for i, names in _item_candidates(instrument).items()
    }
    order = {item_id: i for i, item_id in enumerate(candidates)}
    scores = []
    for column in free:
        texts = [_norm(t) for t in _column_texts(draft.raw, column)]
        for item_id, matchers in candidates.items():
            score = round(max(_best_similarity(texts, m) for m in matchers), 3)
            scores.append((score, column, item_id))
    scores.sort(key=lambda s: (-s[0], order[s[2]], s[1]))
    per_column: dict[str, list[tuple[float, str]]] = {}
    for score, column, item_id in scores:
        per_column.setdefault(column, []).append((score, item_id))
    used_columns, used_items = set(), set()
    for score, column, item_id in scores:
        if score < MIN_SIMILARITY or column in used_columns or item_id in used_items:
            continue
        used_columns.add(column)
        used_items.add(item_id)
        draft.columns[item_id] = column
        rivals = [i for s, i in per_column[column] if i != item_id and s > score - 0.03]
        if score < SURE_SIMILARITY:
            draft.notes[item_id] = f"{score:.2f} similar to the item's id or wording"
        if rivals:
            draft.notes[item_id] = (
                draft.notes.get(item_id, "") + "; " if item_id in draft.notes else ""
            ) + f"as similar to {', '.join(rivals[:3])}"


def _field_score(raw: RawTable, column: str, words: tuple[str, ...]) -> float:
    best = 0.0
    for text in _column_texts(raw, column):
        norm = _norm(text)
        for word in words:
            w = _norm(word)
            if norm == w or text.strip().casefold() == word:
                return 1.0
            if w and re.search(rf"(?<!\w){re.escape(w)}(?!\w)", norm) and len(w) > 2:
                best = max(best, 0.8)
    return best


def _match_fields(draft: _Draft, instrument: Instrument) -> None:
    for name, words in _FIELD_WORDS.items():
        extra = ()
        if name == "barriers":
            extra = tuple(instrument.barrier_text.values())
        best, best_column = 0.0, None
        for column in draft.raw.frame.columns:
            if column in draft.columns.values():
                continue
            score = max(
                _field_score(draft.raw, column, words),
                max(
                    (_similarity(t, e) for t in _column_texts(draft.raw, column) for e in extra),
                    default=0.0,
                ),
            )
            if score > best:
                best, best_column = score, column
        if best_column is not None and best >= 0.75:
            draft.columns[name] = best_column
            if best < 1.0:
                draft.notes[name] = f"guessed from the header ({best:.2f})"


def _share(values: pd.Series, test: Callable[[str], bool]) -> float:
    present = values.dropna().unique()
    if len(present) == 0:
        return 0.0
    return sum(bool(test(str(v))) for v in present) / len(present)


def _org_column_by_content(draft: _Draft, frames: Frames) -> None:
    if "org_id" in draft.columns:
        return
    municipalities = set(frames["municipality"].units["org_id"])
    trusts = {normalise_trust_name(t) for t in frames["hospital"].units["org_name"]}
    for column in draft.raw.frame.columns:
        if column in draft.columns.values():
            continue
        values = draft.raw.frame[column]
        if (
            _share(values, lambda v: normalise_municipality_number(v) in municipalities) >= 0.8
            or _share(values, lambda v: normalise_trust_name(v) in trusts) >= 0.8
        ):
            draft.columns["org_id"] = column
            draft.notes["org_id"] = "its values look like organisation ids"
            return


def _guess_group(draft: _Draft, frames: Frames) -> None:
    name = draft.file.casefold()
    by_name = [g for g, words in _GROUP_WORDS.items() if any(w in name for w in words)]
    municipalities = set(frames["municipality"].units["org_id"])
    trusts = {normalise_trust_name(t) for t in frames["hospital"].units["org_name"]}
    trusts |= {normalise_trust_name(t) for t in frames["hospital"].units["org_id"]}
    column = draft.columns.get("org_id")
    by_content = None
    if column is not None:
        values = draft.raw.frame[column]
        if _share(values, lambda v: normalise_municipality_number(v) in municipalities) >= 0.8:
            by_content = "gp" if "practice_size" in draft.columns else "municipality"
        elif _share(values, lambda v: normalise_trust_name(v) in trusts) >= 0.5:
            by_content = "hospital"
    if by_content == "municipality" and by_name == ["gp"]:
        by_content = "gp"
    guess = by_content or (by_name[0] if by_name else "municipality")
    draft.group = guess
    if guess == "gp" and "org_id" in draft.columns:
        draft.columns["municipality_id"] = draft.columns.pop("org_id")
        if "org_id" in draft.notes:
            draft.notes["municipality_id"] = draft.notes.pop("org_id")
    if by_content and by_name == [by_content]:
        return
    clues = []
    if by_name:
        clues.append(f"file name suggests {'/'.join(by_name)}")
    if by_content:
        clues.append(f"organisation column {column!r} looks like {by_content} ids")
    draft.group_note = "; ".join(clues) if clues else "no clue in name or columns; a guess"


def _guess_values(draft: _Draft, instrument: Instrument) -> None:
    lookup = scale_lookup(instrument)
    unknown, codes = set(), set()
    for item_id, column in draft.columns.items():
        if "__" not in item_id:
            continue
        labels = draft.raw.value_labels.get(column, {})
        for value in draft.raw.frame[column].dropna().unique():
            key = normalise_label(labels.get(str(value), str(value)))
            if key in lookup:
                continue
            if key in ("8", "9", "99", "0") and str(value) not in labels:
                codes.add(key)
            else:
                unknown.add(str(value))
    if codes & {"8", "9"}:
        draft.values["items"] = {"9": 8, "8": 9}
        draft.values_note = (
            "codes 8/9 found: Nettskjema forms often code «Vet ikke» 9 and «Ikke "
            "relevant» 8; check the form's codebook"
        )
    if unknown:
        shown = ", ".join(repr(v) for v in sorted(unknown)[:10])
        draft.values_note = (draft.values_note + "; " if draft.values_note else "") + (
            f"answer values that match no label: {shown} (map them under values.items)"
        )


def _source_id(path: Path, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9_]+", "_", _norm(path.stem).replace(" ", "_")).strip("_") or "source"
    if not base[0].isalpha():
        base = f"s_{base}"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}_{n}", n + 1
    used.add(candidate)
    return candidate


def _draft_source(path: Path, used: set[str], instrument: Instrument, frames: Frames) -> _Draft:
    raw = read_export(path)
    draft = _Draft(id=_source_id(path, used), file=path.name, raw=raw)
    _match_fields(draft, instrument)
    _org_column_by_content(draft, frames)
    free = [c for c in raw.frame.columns if c not in draft.columns.values()]
    _match_items(draft, instrument, free)
    _guess_group(draft, frames)
    _guess_values(draft, instrument)
    draft.unmapped = [c for c in raw.frame.columns if c not in draft.columns.values()]
    return draft


def _q(value: object) -> str:
    """A YAML scalar: JSON strings and numbers are valid YAML."""
    return json.dumps(value, ensure_ascii=False)


def _confirm(note: str) -> str:
    return f"  # CONFIRM: {note}" if note else ""


def _fieldwork(drafts: list[_Draft]) -> tuple[str, str, str]:
    stamps = []
    for d in drafts:
        column = d.columns.get("submitted_at")
        if column:
            parsed = pd.to_datetime(d.raw.frame[column], errors="coerce", utc=True, format="mixed")
            stamps.append(parsed.dropna())
    stamps = [s for s in stamps if len(s)]
    if not stamps:
        return "2026-01-01", "2026-12-31", "no submission times found; set the fieldwork dates"
    every = pd.concat(stamps)
    return (
        every.min().date().isoformat(),
        every.max().date().isoformat(),
        "first and last submission in the exports (tests before fieldwork included)",
    )


def _source_lines(d: _Draft) -> list[str]:
    meta = d.raw.metadata()
    lines = [
        f"  - id: {d.id}",
        f"    group: {d.group}{_confirm(d.group_note)}",
        f"    file: {_q(d.file)}",
        f"    format: {meta['format']}",
    ]
    if meta["format"] in ("csv", "nettskjema"):
        lines += [f"    encoding: {meta['encoding']}", f"    delimiter: {_q(meta['delimiter'])}"]
        if meta["format"] == "csv":
            lines.append(f"    decimal: {_q(meta['decimal'])}")
    if meta["format"] == "xlsx":
        lines.append(f"    sheet: {_q(meta['sheet'])}")
    if meta["header_row"] is not None:
        lines.append(f"    header_row: {meta['header_row']}")
    lines.append("    columns:")
    for name, column in d.columns.items():
        lines.append(f"      {name}: {_q(column)}{_confirm(d.notes.get(name, ''))}")
    if not any("__" in n for n in d.columns):
        lines.append("      # CONFIRM: no item column recognised; map <measure>__<dimension>")
    if d.values:
        lines.append("    values:")
        items = ", ".join(f"{_q(k)}: {v}" for k, v in d.values["items"].items())
        lines.append(f"      items: {{{items}}}{_confirm(d.values_note)}")
    elif d.values_note:
        lines.append(f"    # CONFIRM: {d.values_note}")
    if d.unmapped:
        lines.append(f"    # Columns not mapped: {', '.join(_q(c) for c in d.unmapped)}")
    return lines


def _render(round_id: str, drafts: list[_Draft]) -> str:
    start, end, note = _fieldwork(drafts)
    lines = [
        "# Draft round configuration written by 'anchoring init-round'.",
        "# Check every line marked CONFIRM, fix what is wrong, then remove the CONFIRM comments.",
        f"round_id: {_q(round_id)}",
        "title:",
        f"  nb: {_q('Forankringsundersøkelsen ' + round_id)}  # CONFIRM: the report title",
        f"  en: {_q('Anchoring survey ' + round_id)}",
        "fieldwork:",
        f"  start: {start}{_confirm(note)}",
        f"  end: {end}",
        "previous_round: null  # CONFIRM: the round to compare with, if any",
        "sources:",
    ]
    for draft in drafts:
        lines += _source_lines(draft)
    return "\n".join(lines) + "\n"


def init_round(root: Path | str, round_id: str, files: list[Path] | None = None) -> Path:
    """Copy exports into a round and draft its configuration.

    Parameters
    ----------
    root
        Project (or data) root.
    round_id
        The new round; exports go to ``data/raw/<round_id>/``.
    files
        Exports to copy in first (byte for byte); may be empty when they are already there.

    Returns
    -------
    Path
        The draft: ``round.yaml``, or ``round.draft.yaml`` when ``round.yaml`` exists.

    Raises
    ------
    InputFileError
        A file is missing, would overwrite a different file, or no export is there to read.
    RoundConfigError
        The draft does not validate (a bug: please report it).
    """
    paths = RoundPaths(Path(root), round_id)
    _copy_in(list(files or []), paths.raw_dir)
    exports = sorted(
        p for p in paths.raw_dir.iterdir() if p.is_file() and p.suffix.lower() in EXPORT_SUFFIXES
    )
    if not exports:
        raise InputFileError(
            f"{paths.raw_dir}: no survey export (csv, txt, xlsx, sav) to read. "
            "Pass the export files: anchoring init-round --round ID FILE..."
        )
    instrument, frames = load_instrument(), load_frames()
    used: set[str] = set()
    drafts = [_draft_source(p, used, instrument, frames) for p in exports]
    target = paths.config_file
    if target.exists():
        target = paths.raw_dir / DRAFT_FILE
        log.warning(
            "%s exists and is left alone; the draft is in %s", paths.config_file.name, target.name
        )
    target.write_text(_render(round_id, drafts), encoding="utf-8", newline="\n")
    load_round_config(target).check_against(instrument, target)
    log.info("draft configuration written to %s: check the lines marked CONFIRM", target)
    return target
