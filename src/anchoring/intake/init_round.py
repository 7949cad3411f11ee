"""``anchoring init-round``: draft a ``round.yaml`` from the exports of a new round.

Copies the given files into ``data/raw/<round>/`` byte for byte (never over a different file of the
same name), reads every export there with format and tool detection (:mod:`anchoring.readers`), and
writes a draft configuration (:mod:`anchoring.intake.drafting`): per file the detected format,
encoding, delimiter and header row; the stakeholder group guessed from the file name and the
organisation column; the metadata columns (the tool's own where it is recognised: Nettskjema,
Microsoft Forms, Qualtrics); the item columns matched by question text; the value maps of a
recognised answer label set, roles and numbers typed as text; an ``org_id_map`` for every
organisation typed as a name, with the ambiguous ones listed for the analyst to decide. Every unsure
guess carries a ``# CONFIRM: <why>`` comment, every decision only the analyst can take a
``# DECIDE:`` comment, and columns left unmapped are listed. An existing ``round.yaml`` is never
overwritten: the draft then goes to ``round.draft.yaml``.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from anchoring.cleaning.columns import start_time_column
from anchoring.cleaning.mapping import map_source
from anchoring.cleaning.review import REVIEW_KINDS, ReviewRecord, review_records
from anchoring.exceptions import AnchoringError, InputFileError
from anchoring.instrument import Instrument, load_instrument
from anchoring.intake.drafting.answers import (
    ValueDraft,
    draft_item_values,
    draft_number_values,
    draft_role_values,
)
from anchoring.intake.drafting.fields import FieldDraft, find_fields, is_field_header, tool_fields
from anchoring.intake.drafting.items import match_items
from anchoring.intake.drafting.organisations import OrgDraft, draft_org_map
from anchoring.intake.drafting.text import norm
from anchoring.intake.round_config import load_round_config
from anchoring.intake.validate import rows_in_play
from anchoring.organisation_names import OrganisationMatcher
from anchoring.paths import RoundPaths
from anchoring.readers import RawTable, read_export

log = logging.getLogger(__name__)

EXPORT_SUFFIXES = frozenset({".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".sav", ".zsav"})
DRAFT_FILE = "round.draft.yaml"
GROUP_WORDS = {
    "municipality": ("kommun", "municipal"),
    "hospital": ("helseforetak", "sykehus", "hospital", "trust", "_hf", "hf_", "spesialist"),
    "gp": ("fastleg", "allmennleg", "_gp", "gp_", "legekontor"),
}
"""Words in a file name that suggest its stakeholder group."""
CONTENT_SHARE = 0.8
"""Share of an organisation column's distinct values that must match a frame to say its group."""
FIELD_PURPOSES = {
    "respondent_id": "the response id the tool gives each answer (used by 'exclude')",
    "submitted_at": "the submission time (answers before fieldwork are dropped)",
    "answer_time_ms": "the answer time, as answer_time_ms or answer_time_s (flags speeders)",
    "org_id": "the organisation answered for (kommunenummer, municipality or trust name)",
    "municipality_id": "the practice's municipality (gives the GP's county stratum)",
    "role": "the respondent's role",
    "barriers": "the free-text question on barriers",
}
"""Fields every source should map, and what each is for (the comment of a missing one)."""
REVIEW_WORDS = {
    "probable_tests": "probable test",
    "probable_resubmissions": "probable resubmission",
}
"""How a review list's entry is introduced in the draft (the ``exclude`` note it becomes)."""
TOOL_NAMES = {
    "nettskjema": "Nettskjema report with codebook names",
    "nettskjema-text": "Nettskjema report without codebook (question text as headers)",
    "forms": "Microsoft Forms workbook",
    "qualtrics": "Qualtrics export (three header rows)",
    "spss": "SPSS data file",
    "generic": "a generic export (no survey tool recognised)",
}


@dataclass
class _Draft:
    """One source of the draft: values and the comments that go with them."""

    id: str
    file: str
    raw: RawTable
    group: str = "municipality"
    group_note: str = ""
    fields: FieldDraft = field(default_factory=FieldDraft)
    columns: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    values: dict[str, ValueDraft] = field(default_factory=dict)
    orgs: OrgDraft = field(default_factory=OrgDraft)
    unmapped: list[str] = field(default_factory=list)

    @property
    def org_field(self) -> str:
        """The organisation field of the source's group."""
        return "municipality_id" if self.group == "gp" else "org_id"


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


def _matched_share(values: pd.Series, group: str, matcher: OrganisationMatcher) -> float:
    present = sorted({str(v).strip() for v in values.dropna()} - {""})
    if not present:
        return 0.0
    matches = matcher.match_many(present, group)
    return sum(m.org_id is not None or m.kind == "ambiguous" for m in matches.values()) / len(
        present
    )


def _org_column_by_content(draft: _Draft, matcher: OrganisationMatcher) -> None:
    if "org_id" in draft.columns:
        return
    for column in draft.raw.frame.columns:
        if column in draft.columns.values():
            continue
        values = draft.raw.frame[column]
        if any(
            _matched_share(values, g, matcher) >= CONTENT_SHARE
            for g in ("municipality", "hospital")
        ):
            draft.columns["org_id"] = column
            draft.notes["org_id"] = "its values look like organisations"
            return


def _guess_group(draft: _Draft, matcher: OrganisationMatcher) -> None:
    name = draft.file.casefold()
    by_name = [g for g, words in GROUP_WORDS.items() if any(w in name for w in words)]
    column = draft.columns.get("org_id")
    by_content = None
    if column is not None:
        values = draft.raw.frame[column]
        if _matched_share(values, "municipality", matcher) >= CONTENT_SHARE:
            by_content = "gp" if "practice_size" in draft.columns else "municipality"
        elif _matched_share(values, "hospital", matcher) >= CONTENT_SHARE / 2:
            by_content = "hospital"
    if by_content == "municipality" and by_name == ["gp"]:
        by_content = "gp"
    draft.group = by_content or (by_name[0] if by_name else "municipality")
    if draft.group == "gp" and "org_id" in draft.columns:
        draft.columns["municipality_id"] = draft.columns.pop("org_id")
        if "org_id" in draft.notes:
            draft.notes["municipality_id"] = draft.notes.pop("org_id")
    if by_content and by_name == [by_content]:
        return
    clues = []
    if by_name:
        clues.append(f"file name suggests {'/'.join(by_name)}")
    if by_content:
        clues.append(f"organisation column {column!r} looks like {by_content} units")
    draft.group_note = "; ".join(clues) if clues else "no clue in name or columns; a guess"


def _source_id(path: Path, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9_]+", "_", norm(path.stem).replace(" ", "_")).strip("_") or "source"
    if not base[0].isalpha():
        base = f"s_{base}"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}_{n}", n + 1
    used.add(candidate)
    return candidate


def _draft_columns(draft: _Draft, instrument: Instrument) -> None:
    """Metadata fields (the tool's own first), then items by question text, then header words."""
    raw = draft.raw
    draft.fields = tool_fields(raw)
    taken = set(draft.fields.columns.values())
    free = [c for c in raw.frame.columns if c not in taken and not is_field_header(raw, c)]
    items, item_notes = match_items(raw, free, instrument)
    find_fields(raw, instrument, draft.fields, set(items.values()))
    draft.columns = {**draft.fields.columns, **items}
    draft.notes = {**draft.fields.notes, **item_notes}


def _draft_values(draft: _Draft, instrument: Instrument, matcher: OrganisationMatcher) -> None:
    raw, columns = draft.raw, draft.columns
    item_columns = [c for name, c in columns.items() if "__" in name]
    draft.values["items"] = draft_item_values(raw, item_columns, instrument)
    if "role" in columns:
        draft.values["role"] = draft_role_values(raw, columns["role"], draft.group, instrument)
    if "practice_size" in columns:
        draft.values["practice_size"] = draft_number_values(raw, columns["practice_size"])
    if draft.org_field in columns:
        group = "gp" if draft.group == "gp" else draft.group
        draft.orgs = draft_org_map(raw.frame[columns[draft.org_field]], group, matcher)


def _draft_source(
    path: Path, used: set[str], instrument: Instrument, matcher: OrganisationMatcher
) -> _Draft:
    raw = read_export(path)
    draft = _Draft(id=_source_id(path, used), file=path.name, raw=raw)
    _draft_columns(draft, instrument)
    _org_column_by_content(draft, matcher)
    _guess_group(draft, matcher)
    _draft_values(draft, instrument, matcher)
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
        "first and last submission in the exports (tests before fieldwork included): "
        "set the real fieldwork dates",
    )


def _file_lines(d: _Draft) -> list[str]:
    meta = d.raw.metadata()
    tool = d.raw.tool
    lines = [
        f"  - id: {d.id}",
        f"    group: {d.group}{_confirm(d.group_note)}",
        f"    file: {_q(d.file)}",
        f"    format: {meta['format']}  # {TOOL_NAMES.get(tool, tool)}",
    ]
    if meta["format"] in ("csv", "nettskjema"):
        lines += [f"    encoding: {meta['encoding']}", f"    delimiter: {_q(meta['delimiter'])}"]
        if meta["format"] == "csv":
            lines.append(f"    decimal: {_q(meta['decimal'])}")
    if meta["format"] == "xlsx":
        lines.append(f"    sheet: {_q(meta['sheet'])}")
    if meta["header_row"] is not None:
        lines.append(f"    header_row: {meta['header_row']}")
    return lines


def _column_lines(d: _Draft) -> list[str]:
    lines = ["    columns:"]
    for name, column in d.columns.items():
        lines.append(f"      {name}: {_q(column)}{_confirm(d.notes.get(name, ''))}")
    wanted = [f for f in FIELD_PURPOSES if f not in ("org_id", "municipality_id")]
    wanted.insert(3, d.org_field)
    for name in wanted:
        if name in d.columns or (name == "answer_time_ms" and _has_answer_time(d)):
            continue
        lines.append(f'      # {name}: ""  # CONFIRM: no column found for {FIELD_PURPOSES[name]}')
    if not any("__" in n for n in d.columns):
        lines.append("      # CONFIRM: no item column recognised; map <measure>__<dimension>")
    for key, values in d.fields.lists.items():
        lines.append(f"    {key}: [{', '.join(_q(v) for v in values)}]")
    return lines


def _has_answer_time(d: _Draft) -> bool:
    if "answer_time_ms" in d.columns or "answer_time_s" in d.columns:
        return True
    return "submitted_at" in d.columns and start_time_column(d.raw) is not None


def _value_lines(d: _Draft) -> list[str]:
    lines = []
    sections = [(name, v) for name, v in d.values.items() if v.values]
    if sections:
        lines.append("    values:")
    for name, draft in sections:
        lines.append(f"      {name}:{_confirm(draft.note)}")
        lines += [f"        {_q(raw)}: {_q(code)}" for raw, code in draft.values.items()]
    for name, draft in d.values.items():
        if draft.note and not draft.values:
            lines.append(f"    # CONFIRM ({name}): {draft.note}")
        if draft.decide:
            lines.append(f"    # DECIDE ({name}): {draft.decide}")
    return lines


def _org_lines(d: _Draft) -> list[str]:
    orgs = d.orgs
    lines = []
    if orgs.entries or orgs.ambiguous:
        lines.append("    org_id_map:")
    for raw, (org_id, note) in orgs.entries.items():
        lines.append(f"      {_q(raw)}: {_q(org_id)}{_confirm(note)}")
    for raw, rows, candidates in orgs.ambiguous:
        lines.append(f"      # DECIDE: {_q(raw)} (data rows {rows}) is one of {candidates}")
        lines.append(f'      # {_q(raw)}: ""')
    if orgs.unknown:
        shown = "; ".join(f"{_q(v)} (data rows {rows})" for v, rows in orgs.unknown)
        lines.append(
            f"    # CONFIRM: organisations that match no {d.group} of the frame: {shown}; "
            "map them under org_id_map"
        )
    return lines


def _source_lines(d: _Draft) -> list[str]:
    lines = _file_lines(d) + _column_lines(d) + _value_lines(d) + _org_lines(d)
    start = start_time_column(d.raw) if "answer_time_ms" not in d.columns else None
    if start is not None and "answer_time_s" not in d.columns and "submitted_at" in d.columns:
        lines.append(f"    # The answer time is {_q(d.columns['submitted_at'])} minus {_q(start)}.")
    if d.unmapped:
        lines.append(f"    # Columns not mapped: {', '.join(_q(c) for c in d.unmapped)}")
    return lines


def _review_lines(records: list[tuple[str, ReviewRecord]]) -> list[str]:
    """The rows listed for review, as ``exclude`` entries to uncomment (the analyst's call)."""
    if not records:
        return []
    lines = [
        "    # REVIEW: rows that look like tests or resubmissions; to drop one, uncomment",
        "    # 'exclude:' and its line (nothing here is excluded unless you do).",
        "    # exclude:",
    ]
    reasons: dict[tuple[str, int], list[str]] = {}
    for kind, record in records:
        what = REVIEW_WORDS[kind]
        reasons.setdefault((record.respondent_id, record.source_row), []).append(
            f"{what}: {record.why}"
        )
    for (key, row), why in reasons.items():
        lines.append(f"    #   {_q(key)}: {_q('; '.join(why))}  # data row {row}")
    return lines


def _review(
    drafts: list[_Draft], draft_file: Path, instrument: Instrument
) -> dict[str, list[tuple[str, ReviewRecord]]]:
    """Per source id, the rows :mod:`anchoring.cleaning.review` lists, on the drafted config."""
    config = load_round_config(draft_file)
    item_ids = [i for m in config.measure_ids(instrument) for i in instrument.item_ids(m)]
    raw_tables = {d.id: d.raw for d in drafts}
    out = {}
    for source in config.sources:
        try:
            mapped = map_source(
                raw_tables[source.id], source, instrument, item_ids, str(draft_file)
            )
        except AnchoringError as exc:  # the draft is not complete enough yet: validate says why
            log.info("no review list for %s: %s", source.file, exc)
            continue
        _, in_play = rows_in_play(mapped, config)
        found = review_records(mapped, in_play)
        out[source.id] = [(kind, r) for kind in REVIEW_KINDS for r in found[kind]]
    return out


def _render(
    round_id: str,
    drafts: list[_Draft],
    review: dict[str, list[tuple[str, ReviewRecord]]] | None = None,
) -> str:
    start, end, note = _fieldwork(drafts)
    lines = [
        "# Draft round configuration written by 'anchoring init-round'.",
        "# Check every line marked CONFIRM, take every DECIDE, then remove those comments.",
        "# Every key is described in docs/round-yaml.md.",
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
        lines += _source_lines(draft) + _review_lines((review or {}).get(draft.id, []))
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
    instrument = load_instrument()
    from anchoring.frames import load_frames

    matcher = OrganisationMatcher(load_frames())
    used: set[str] = set()
    drafts = [_draft_source(p, used, instrument, matcher) for p in exports]
    target = paths.config_file
    if target.exists():
        target = paths.raw_dir / DRAFT_FILE
        log.warning(
            "%s exists and is left alone; the draft is in %s", paths.config_file.name, target.name
        )
    target.write_text(_render(round_id, drafts), encoding="utf-8", newline="\n")
    load_round_config(target).check_against(instrument, target)
    review = _review(drafts, target, instrument)
    target.write_text(_render(round_id, drafts, review), encoding="utf-8", newline="\n")
    log.info("draft configuration written to %s: check the lines marked CONFIRM", target)
    return target
