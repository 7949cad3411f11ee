"""``clean_round``: a round's raw exports to responses, exclusions and the quality report.

Outputs ``responses.parquet``, ``exclusions.parquet`` and ``quality.json`` (architecture.md).

Per source: read (:mod:`anchoring.readers`), map onto the instrument (:mod:`.mapping`), drop tests
and rows before fieldwork, code answers (unknown labels of all sources reported at once), drop
incompletes and duplicates (:mod:`.rules`), match organisations to the frame
(:mod:`.organisations`), flag speeders and straight-liners, redact the free text
(:mod:`.redaction`) and tag barrier themes on the redacted text (:mod:`.themes`). Then design
weights over the whole round (:mod:`anchoring.weights`). Every raw row ends in exactly one of the
two Parquet files. Nothing is written unless everything succeeds: outputs are staged beside
``data/processed/<round>`` and promoted together (:mod:`anchoring.atomic`).
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from anchoring.atomic import staged_directory
from anchoring.cleaning.answer_codes import raise_unknown_labels
from anchoring.cleaning.mapping import MappedSource, map_source
from anchoring.cleaning.organisations import resolve_organisations
from anchoring.cleaning.outputs import (
    EXCLUSION_SCHEMA,
    REPEATED_COLUMNS,
    frame_to_table,
    responses_schema,
    take_rows,
    write_parquet,
    write_table,
)
from anchoring.cleaning.quality import (
    item_rates,
    last_response_at,
    quality_markdown,
    response_rates,
    totals_markdown,
    write_quality_json,
)
from anchoring.cleaning.redaction import COUNT_TYPES, mask_personal_data, redact_codes
from anchoring.cleaning.review import REVIEW_KINDS, ReviewRecord, review_records
from anchoring.cleaning.rules import (
    FLAG_REASONS,
    duplicate_key_parts,
    flag_speeders,
    flag_straightliners,
    int8_columns,
    mark_analyst_exclusions,
    mark_duplicates,
    mark_incomplete,
    mark_resubmissions,
    mark_tests,
)
from anchoring.cleaning.themes import THEME_PREFIX, tag_theme_codes
from anchoring.exceptions import MappingError, RoundConfigError
from anchoring.frames import Frames, load_frames
from anchoring.groups import GROUPS
from anchoring.instrument import Instrument, load_instrument
from anchoring.intake.round_config import CleaningRules, RoundConfig, load_round_config
from anchoring.paths import RoundPaths, find_project_root
from anchoring.readers import read_export
from anchoring.schema import EXCLUSION_REASONS
from anchoring.weights import design_weights

log = logging.getLogger(__name__)
SORT_KEYS = ("group", "org_id", "respondent_key")
"""Row order of ``responses.parquet`` (architecture.md)."""
_DESIGN_COLUMNS = ("group", "stratum", "org_id")
_REPEAT_REASONS = ("duplicate", "resubmission")
"""Exclusion reasons whose row names the kept row in ``duplicate_of_row``."""


@dataclass(frozen=True)
class CleaningResult:
    """What :func:`clean_round` wrote, and its quality report."""

    round_id: str
    responses_file: Path
    exclusions_file: Path
    quality_file: Path
    quality: dict

    @property
    def rows_read(self) -> int:
        """Raw data rows read over all sources."""
        return int(self.quality["totals"]["rows_read"])

    @property
    def kept_n(self) -> int:
        """Respondents kept (rows of ``responses.parquet``)."""
        return int(self.quality["totals"]["kept"])

    @property
    def excluded_n(self) -> int:
        """Raw rows dropped (rows of ``exclusions.parquet``)."""
        return int(self.quality["totals"]["excluded"])

    def quality_table(self) -> str:
        """The quality report as Markdown tables (sources, groups)."""
        return quality_markdown(self.quality)

    def counts_table(self) -> str:
        """Totals by kind (exclusion reason, flag, redaction type) as a Markdown table."""
        return totals_markdown(self.quality)


@dataclass
class _SourceOutcome:
    mapped: MappedSource
    reason: np.ndarray  # object array: exclusion reason or None
    duplicate_of: np.ndarray
    notes: np.ndarray  # object array: the analyst's text of a row excluded as ``analyst``
    review: dict[str, list[ReviewRecord]]
    kept: pd.DataFrame  # ``_text_code``: the redacted comment, as a position in ``texts``
    redactions: dict[str, int]
    texts: list[str]


def _round_setup(
    root: Path | str | None, round_id: str
) -> tuple[RoundPaths, RoundConfig, Instrument, Frames]:
    paths = RoundPaths(Path(root) if root else find_project_root(), round_id)
    config = load_round_config(paths.config_file)
    instrument = load_instrument()
    config.check_against(instrument, paths.config_file)
    if config.round_id != round_id:
        raise RoundConfigError(
            f"{paths.config_file}: round_id is '{config.round_id}' but the "
            f"folder is '{round_id}'. Make them the same."
        )
    frames = load_frames(paths.resolve_frames(config.frames))
    return paths, config, instrument, frames


def _first_pass(
    paths: RoundPaths, config: RoundConfig, instrument: Instrument, item_ids: list[str]
) -> list[tuple[MappedSource, np.ndarray, np.ndarray]]:
    passes, unknown, problems = [], [], []
    for source in config.sources:
        raw = read_export(paths.resolve_export(source.id, source.file), source)
        mapped = map_source(raw, source, instrument, item_ids, str(paths.config_file))
        problems += mapped.problems
        start = config.fieldwork.start if config.cleaning.drop_before_fieldwork else None
        marked, before = mark_tests(mapped.frame["is_test"], mapped.frame["submitted_at"], start)
        listed = analyst_exclusions(mapped)[0]
        unknown += mapped.unknown_labels(~(marked | before | listed))
        passes.append((mapped, marked, before))
    if problems:  # every source's mapping problems at once, as ``validate`` lists them
        raise (
            problems[0]
            if len(problems) == 1
            else type(problems[0])("\n".join(str(p) for p in problems))
        )
    role_codes = {s.id: group_role_codes(instrument, s.group) for s in config.sources}
    raise_unknown_labels(unknown, str(paths.config_file), role_codes)
    return passes


def analyst_exclusions(mapped: MappedSource) -> tuple[np.ndarray, np.ndarray]:
    """The rows the analyst excludes (``exclude`` in round.yaml) and their notes, redacted."""
    listed, notes, _ = mark_analyst_exclusions(
        mapped.export_ids(), mapped.frame["source_row"], mapped.source.exclude
    )
    masked = np.array([mask_personal_data(n) if n else None for n in notes], dtype=object)
    return listed, masked


def group_role_codes(instrument: Instrument, group: str) -> list[str]:
    """The role codes a source of ``group`` can map to (its roles and the «other» role)."""
    codes = [r.id for r in instrument.roles[group]]
    return codes + ([instrument.other_role.id] if instrument.other_role is not None else [])


def unfinished_rows(mapped: MappedSource, rules: CleaningRules) -> np.ndarray:
    """Rows whose ``is_complete`` says unfinished, unless the round includes them."""
    if rules.include_unfinished:
        return np.zeros(len(mapped.frame), dtype=bool)
    return ~mapped.frame["is_complete"].to_numpy(dtype=bool)


def _apply_rules(
    config: RoundConfig,
    instrument: Instrument,
    frames: Frames,
    mapped: MappedSource,
    marked: np.ndarray,
    before: np.ndarray,
    config_path: str,
    helper: ThreadPoolExecutor,
) -> _SourceOutcome:
    frame, rules = mapped.frame, config.cleaning
    # the duplicate keys' id codes and packed items (numpy and Arrow, mostly outside the GIL) on
    # the helper thread, while the organisations are matched and the comments redacted here
    parts = helper.submit(
        duplicate_key_parts, frame["respondent_id"], int8_columns(frame, mapped.item_ids)
    )
    reason = np.full(len(frame), None, dtype=object)

    def exclude(mask: np.ndarray, why: str) -> None:
        reason[pd.isna(reason) & mask] = why

    listed, notes = analyst_exclusions(mapped)
    exclude(listed, "analyst")
    exclude(marked, "test_marked")
    exclude(before, "before_fieldwork")
    too_few = mark_incomplete(frame[mapped.item_ids], rules.min_answered_share)
    exclude(too_few | unfinished_rows(mapped, rules), "incomplete")
    review = review_records(mapped, pd.isna(reason).astype(bool))
    # organisations of the rows still in play (tolerant matching, so that a resubmission that
    # spells the organisation differently is still recognised as a duplicate)
    in_play = pd.isna(reason) & frame["org_raw"].notna().to_numpy()
    orgs = resolve_organisations(
        frame["org_raw"].where(in_play), mapped.source, frames, str(mapped.raw.path), config_path
    )
    # the redacted comments as codes (equal codes for equal texts): duplicates compare them, and
    # the themes are tagged on the distinct texts (no text column is built)
    text_codes, texts, totals = redact_codes(frame["barriers"])
    duplicate_of = np.zeros(len(frame), dtype="int64")
    if rules.deduplicate:
        key_frame = frame.assign(org_raw=orgs["org_id"], barriers=text_codes)
        duplicate, duplicate_of = mark_duplicates(
            key_frame, pd.isna(reason), mapped.item_ids, parts.result()
        )
        exclude(duplicate, "duplicate")
    if rules.resubmissions == "keep_latest":
        resubmitted, kept_row = mark_resubmissions(
            frame["identity"], frame["submitted_at"], frame["source_row"], pd.isna(reason)
        )
        exclude(resubmitted, "resubmission")
        duplicate_of = np.where(resubmitted, kept_row, duplicate_of)
    exclude(frame["org_raw"].isna().to_numpy(), "missing_org_id")
    speeder, straight = _flags(config, instrument, mapped, pd.isna(reason))
    if rules.exclude_speeders:
        exclude(speeder, "speeder")
    if rules.exclude_straightliners:
        exclude(straight, "straightliner")
    keep = pd.isna(reason).astype(bool)
    kept = frame.drop(columns=["barriers", "org_raw", "is_test", "is_complete", "identity"]).assign(
        org_id=orgs["org_id"],
        stratum=orgs["stratum"],
        is_speeder=speeder,
        is_straightliner=straight,
        _text_code=text_codes,
    )[keep]
    return _SourceOutcome(mapped, reason, duplicate_of, notes, review, kept, totals, texts)


def _flags(
    config: RoundConfig, instrument: Instrument, mapped: MappedSource, kept: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Speeder and straight-liner flags of every row (speed against the kept rows' median)."""
    frame = mapped.frame
    speeder = flag_speeders(frame["answer_time_ms"], kept, config.cleaning.speeder_ratio)
    blocks = {
        m: [i for i in instrument.item_ids(m) if i in mapped.item_ids]
        for m in config.measure_ids(instrument)
    }
    straight = flag_straightliners(frame, blocks)
    return speeder, straight


def _responses(
    config: RoundConfig, outcomes: list[_SourceOutcome], item_ids: list[str]
) -> tuple[pd.DataFrame, np.ndarray]:
    """The kept respondents of all sources (source order) and the row order of the output.

    Without the design weights and themes (:func:`_with_design_and_themes`).
    """
    parts, offset = [], 0
    for outcome in outcomes:
        source = outcome.mapped.source
        kept = outcome.kept
        # positions in the texts of all sources, in source order (:func:`_round_texts`)
        codes = kept["_text_code"].to_numpy()
        kept["_text_code"] = np.where(codes >= 0, codes + offset, -1)
        offset += len(outcome.texts)
        ids = kept["respondent_id"].copy()
        missing = ids.isna().to_numpy()
        if missing.any():
            ids[missing] = [f"row{r}" for r in kept["source_row"].to_numpy()[missing]]
        kept["respondent_key"] = (source.id + ":") + ids
        kept["source_id"] = source.id
        kept["group"] = source.group
        if source.group == "gp":
            kept["org_id"] = kept["respondent_key"]
        parts.append(kept)
    responses = pd.concat(parts, ignore_index=True)
    by_key = _check_unique_keys(responses["respondent_key"])
    responses["round_id"] = config.round_id
    responses["answer_time_s"] = responses["answer_time_ms"] / 1000.0
    responses[item_ids] = responses[item_ids].astype("Int8")
    return responses, _output_order(responses, by_key)


def _round_texts(outcomes: list[_SourceOutcome]) -> list[str]:
    """The distinct redacted comments of all sources, in source order (``_text_code``)."""
    return [text for outcome in outcomes for text in outcome.texts]


def _with_design_and_themes(
    responses: pd.DataFrame, texts: list[str], instrument: Instrument, frames: Frames
) -> pd.DataFrame:
    """``responses`` with ``fpc``, ``weight``, ``has_barrier_text`` and the theme columns.

    ``texts``: the comments the ``_text_code`` column points to (:func:`_round_texts`).
    """
    responses = responses.copy(deep=False)
    psu_n = {k: v for g in GROUPS for k, v in frames[g].psu_n().items()}
    responses[["fpc", "weight"]] = design_weights(responses, psu_n)
    codes = responses["_text_code"].to_numpy()
    themes = tag_theme_codes(codes, texts, instrument.themes, responses.index)
    responses[themes.columns] = themes
    return responses


def _check_unique_keys(keys: pd.Series) -> np.ndarray:
    """The positions of ``keys`` in ascending order; raise if a key occurs twice.

    Repeats are found as equal neighbours in that order (the sort is needed for the output's row
    order anyway); the message names the first row, in source order, that repeats a key.
    """
    text = pa.array(keys)
    by_key = pc.sort_indices(text)
    in_order = text.take(by_key)
    n = len(in_order)
    if n > 1 and pc.any(pc.equal(in_order.slice(1), in_order.slice(0, n - 1))).as_py():
        repeated = keys[keys.duplicated()]
        raise MappingError(
            f"respondent key {repeated.iloc[0]!r} occurs twice among kept rows; "
            "give each source a distinct 'id' in round.yaml."
        )
    return by_key.to_numpy()


def _text_ranks(values: pd.Series) -> np.ndarray:
    """Each row's rank among the column's distinct values (Arrow's string order, nulls last)."""
    text = pa.array(values)
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    encoded = text.dictionary_encode()
    rank_of = np.empty(len(encoded.dictionary) + 1, dtype="int64")
    rank_of[pc.sort_indices(encoded.dictionary).to_numpy()] = np.arange(len(encoded.dictionary))
    rank_of[-1] = len(encoded.dictionary)
    return rank_of[pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)]


def _output_order(responses: pd.DataFrame, by_key: np.ndarray) -> np.ndarray:
    """Row order of the output: by :data:`SORT_KEYS`, ascending (Arrow's string order).

    ``by_key`` sorts the (unique) respondent keys; a stable sort by the ranks of the group and
    the organisation on top of it gives the same order as a three-key sort, several times faster.
    """
    *leading, _ = SORT_KEYS
    order = by_key
    ranks = [_text_ranks(responses[k])[order] for k in reversed(leading)]
    return order[np.lexsort(ranks)]


def _sorted_design_frame(responses: pd.DataFrame, order: np.ndarray) -> pd.DataFrame:
    """Group, stratum, PSU (categorical) and weight of the respondents in output row order."""
    columns = {}
    for name in _DESIGN_COLUMNS:
        text = pa.array(responses[name])
        if isinstance(text, pa.ChunkedArray):
            text = text.combine_chunks()
        encoded = text.dictionary_encode()
        codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
        columns[name] = pd.Categorical.from_codes(
            codes[order], categories=pd.Index(encoded.dictionary.to_pylist(), dtype="str")
        )
    columns["weight"] = responses["weight"].to_numpy()[order]
    return pd.DataFrame(columns)


def _exclusions(config: RoundConfig, outcomes: list[_SourceOutcome]) -> pd.DataFrame:
    parts = []
    for outcome in outcomes:
        dropped = pd.notna(outcome.reason)
        rows = outcome.mapped.frame["source_row"].to_numpy()[dropped]
        reasons = outcome.reason[dropped]
        repeats = np.isin(reasons, list(_REPEAT_REASONS))
        dup = np.where(repeats, outcome.duplicate_of[dropped], 0)
        notes = np.where(reasons == "analyst", outcome.notes[dropped], None)
        parts.append(
            pd.DataFrame(
                {
                    "round_id": config.round_id,
                    "source_id": outcome.mapped.source.id,
                    "source_row": rows.astype("int64"),
                    "reason": reasons.astype(str),
                    "duplicate_of_row": pd.array(np.where(dup > 0, dup, 0), dtype="Int64"),
                    "note": pd.array(notes, dtype="str"),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out.loc[~out["reason"].isin(_REPEAT_REASONS), "duplicate_of_row"] = pd.NA
    return out.sort_values(["source_id", "source_row"], kind="stable", ignore_index=True)


def _quality(
    config: RoundConfig,
    frames: Frames,
    outcomes: list[_SourceOutcome],
    responses: pd.DataFrame,
    order: np.ndarray,
    item_ids: list[str],
) -> dict:
    """The quality report; ``responses`` in source order, ``order`` the output row order."""
    sources = []
    for o in outcomes:
        reasons = pd.Series(o.reason[pd.notna(o.reason)], dtype=object).value_counts()
        kept = responses[responses["source_id"] == o.mapped.source.id]
        sources.append(
            {
                "source_id": o.mapped.source.id,
                "group": o.mapped.source.group,
                **{k: v for k, v in o.mapped.raw.metadata().items() if k != "columns_n"},
                "kept": len(kept),
                "excluded_by_reason": {r: int(reasons.get(r, 0)) for r in EXCLUSION_REASONS},
                "flagged_by_reason": {
                    "speeder": int(kept["is_speeder"].sum()),
                    "straightliner": int(kept["is_straightliner"].sum()),
                },
                "redactions_by_type": o.redactions,
                "items_not_mapped": [i for i in item_ids if i not in o.mapped.item_ids],
                "answer_time_from": o.mapped.columns.get(
                    "answer_time_ms", o.mapped.columns.get("answer_time_s")
                ),
                "warnings": [w.as_record() for w in o.mapped.warnings],
            }
        )
    # in output row order: the weighting efficiency sums the weights in that order
    strata, groups = response_rates(_sorted_design_frame(responses, order), frames)

    def total(key: str, names: tuple[str, ...]) -> dict[str, int]:
        return {n: sum(s[key][n] for s in sources) for n in names}

    excluded = total("excluded_by_reason", EXCLUSION_REASONS)
    return {
        "round_id": config.round_id,
        "rules": config.cleaning.model_dump(mode="json"),
        "fieldwork": config.fieldwork.model_dump(mode="json"),
        "sources": sources,
        "totals": {
            "rows_read": sum(s["rows_read"] for s in sources),
            "kept": len(responses),
            "excluded": sum(excluded.values()),
            "excluded_by_reason": excluded,
            "flagged_by_reason": total("flagged_by_reason", FLAG_REASONS),
            "redactions_by_type": total("redactions_by_type", COUNT_TYPES),
            "last_response_at": last_response_at(responses),
        },
        "items": item_rates(responses, item_ids),
        "warnings": [w for s in sources for w in s["warnings"]],
        "review": {
            kind: [r.as_record() for o in outcomes for r in o.review[kind]] for kind in REVIEW_KINDS
        },
        "response_rates": strata,
        "groups": groups,
    }


def _part(schema: pa.Schema, names: list[str]) -> pa.Schema:
    return pa.schema([schema.field(n) for n in names])


def _gather(frame: pd.DataFrame, schema: pa.Schema, order: np.ndarray) -> pa.Table:
    """``frame`` as Arrow columns of ``schema``, rows in output order."""
    return take_rows(frame_to_table(frame, schema), order, REPEATED_COLUMNS)


def _pandas_metadata(responses: pd.DataFrame, schema: pa.Schema) -> dict:
    """The pandas schema metadata of the whole table (it depends on the dtypes only)."""
    return frame_to_table(responses.iloc[:0], schema).schema.metadata


def _write_responses(
    gathered: Future,
    late: pd.DataFrame,
    schema: pa.Schema,
    order: np.ndarray,
    path: Path,
) -> None:
    """Write ``responses.parquet``: the gathered columns and ``late``, in output row order."""
    parts = [gathered.result(), _gather(late, _part(schema, list(late.columns)), order)]
    columns = {n: c for part in parts for n, c in zip(part.column_names, part.columns, strict=True)}
    write_table(pa.Table.from_arrays([columns[n] for n in schema.names], schema=schema), path)


def clean_round(root: Path | str | None, round_id: str) -> CleaningResult:
    """Clean a round: raw exports in, responses, exclusions and quality report out.

    Parameters
    ----------
    root
        Project (or data) root; ``None`` or ``""``: found from the working directory.
    round_id
        The round (``data/raw/<round_id>/round.yaml``).

    Returns
    -------
    CleaningResult
        Paths of the three outputs and the quality report.

    Raises
    ------
    AnchoringError
        A missing, unreadable or empty file, a missing column, unknown answer labels (all
        listed), an organisation outside the frame, or an invalid round config; nothing is
        written to ``data/processed/<round>`` then.
    """
    paths, config, instrument, frames = _round_setup(root, round_id)
    item_ids = [i for m in config.measure_ids(instrument) for i in instrument.item_ids(m)]
    with ThreadPoolExecutor(1) as helper:
        outcomes = [
            _apply_rules(
                config, instrument, frames, mapped, marked, before, str(paths.config_file), helper
            )
            for mapped, marked, before in _first_pass(paths, config, instrument, item_ids)
        ]
    responses, order = _responses(config, outcomes, item_ids)
    theme_columns = [f"{THEME_PREFIX}{t.id}" for t in instrument.themes]
    schema = responses_schema(item_ids, theme_columns)
    late = ["fpc", "weight", "has_barrier_text", *theme_columns]
    early = [n for n in schema.names if n not in late]
    with staged_directory(paths.processed_dir) as staging, ThreadPoolExecutor(1) as writer:
        # responses.parquet is gathered and written (Arrow, outside the GIL) on a second thread:
        # the columns known already while the weights and themes are computed, then the rest
        # while the exclusions and the quality report are computed on this thread
        gathered = writer.submit(_gather, responses[early], _part(schema, early), order)
        responses = _with_design_and_themes(responses, _round_texts(outcomes), instrument, frames)
        written = writer.submit(
            _write_responses,
            gathered,
            responses[late],
            schema.with_metadata(_pandas_metadata(responses, schema)),
            order,
            staging / paths.responses_file.name,
        )
        exclusions = _exclusions(config, outcomes)
        quality = _quality(config, frames, outcomes, responses, order, item_ids)
        write_parquet(exclusions, EXCLUSION_SCHEMA, staging / paths.exclusions_file.name)
        write_quality_json(quality, staging / paths.quality_file.name)
        written.result()
    totals = quality["totals"]
    log.info(
        "round %s: %d raw rows, %d kept, %d excluded",
        round_id,
        totals["rows_read"],
        totals["kept"],
        totals["excluded"],
    )
    return CleaningResult(
        round_id, paths.responses_file, paths.exclusions_file, paths.quality_file, quality
    )
