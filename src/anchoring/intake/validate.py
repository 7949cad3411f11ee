"""Check a round before running it: configuration, frames and every raw export, writing nothing.

:func:`validate_round` lists every problem at once (``anchoring validate``): the round
configuration (schema, and measures and column maps against the instrument), the frames, and for
each export whether it is readable, has the mapped columns, whether every answer label maps onto
the instrument, and whether every organisation id is in the frame. It uses the same readers and
mapping functions as cleaning (:mod:`anchoring.readers`, :mod:`anchoring.cleaning`), so a round
that validates does not fail cleaning for these reasons.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from anchoring.exceptions import AnchoringError, RoundConfigError
from anchoring.intake.round_config import RoundConfig, Source, load_round_config
from anchoring.paths import RoundPaths

if TYPE_CHECKING:
    import numpy as np

    from anchoring.cleaning.mapping import MappedSource
    from anchoring.frames import Frames
    from anchoring.instrument import Instrument

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ValidationReport:
    """What ``anchoring validate`` found: problems (the round cannot run) and notes.

    Notes do not stop a run: cells read leniently (a role read as «other», a number read as
    missing) and the rows listed for the analyst's review (probable tests and resubmissions,
    :mod:`anchoring.cleaning.review`).
    """

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def validate_round(root: str | Path, round_id: str) -> list[str]:
    """Check a round's configuration, frames and raw exports without writing anything.

    Parameters
    ----------
    root
        The project (or data) root.
    round_id
        The round (``data/raw/<round_id>/``).

    Returns
    -------
    list of str
        One readable problem per entry, each naming the file (and row or column) and the fix;
        empty when the round is valid. :func:`check_round` also gives the notes.
    """
    return check_round(root, round_id).problems


def check_round(root: str | Path, round_id: str) -> ValidationReport:
    """As :func:`validate_round`, with the notes (warnings, rows to review) as well."""
    from anchoring.frames import load_frames
    from anchoring.instrument import load_instrument

    paths = RoundPaths(Path(root), round_id)
    try:
        config = load_round_config(paths.config_file)
    except RoundConfigError as exc:
        return ValidationReport([str(exc)])
    report = ValidationReport()
    if config.round_id != round_id:
        report.problems.append(
            f"{paths.config_file}: round_id is '{config.round_id}' but the folder is "
            f"'{round_id}'. Make them the same."
        )
    instrument = load_instrument()
    try:
        config.check_against(instrument, paths.config_file)
    except RoundConfigError as exc:
        report.problems.append(str(exc))
    try:
        frames = load_frames(paths.resolve_frames(config.frames))
    except AnchoringError as exc:
        report.problems.append(str(exc))
        frames = None
    item_ids = [
        i
        for m in config.measure_ids(instrument)
        if m in instrument.measure_ids
        for i in instrument.item_ids(m)
    ]
    for source in config.sources:
        _check_source(paths, config, source, instrument, item_ids, frames, report)
    log.info(
        "Round '%s': %d problem(s), %d note(s).",
        round_id,
        len(report.problems),
        len(report.notes),
    )
    return report


def rows_in_play(mapped: MappedSource, config: RoundConfig) -> tuple[np.ndarray, np.ndarray]:
    """Which rows of a mapped source the checks look at.

    Returns
    -------
    relevant, in_play
        ``relevant``: not marked as a test, not before fieldwork (when the round drops those),
        not excluded by the analyst; its answer values must map. ``in_play``: relevant, and
        complete and finished as well; its organisations must be in the frame, and it is what
        the review lists (:func:`anchoring.cleaning.review.review_records`) consider.
    """
    from anchoring.cleaning.clean import analyst_exclusions, unfinished_rows
    from anchoring.cleaning.rules import mark_incomplete, mark_tests

    frame = mapped.frame
    start = config.fieldwork.start if config.cleaning.drop_before_fieldwork else None
    marked, before = mark_tests(frame["is_test"], frame["submitted_at"], start)
    relevant = ~(marked | before | analyst_exclusions(mapped)[0])
    complete = ~mark_incomplete(frame[mapped.item_ids], config.cleaning.min_answered_share)
    return relevant, relevant & complete & ~unfinished_rows(mapped, config.cleaning)


def _check_source(
    paths: RoundPaths,
    config: RoundConfig,
    source: Source,
    instrument: Instrument,
    item_ids: list[str],
    frames: Frames | None,
    report: ValidationReport,
) -> None:
    """Problems and notes of one export.

    Problems: readable, columns present, values mappable, organisations known, ids under
    ``exclude`` present. Notes: cells read leniently, rows to review.
    """
    from anchoring.cleaning.answer_codes import raise_unknown_labels
    from anchoring.cleaning.clean import group_role_codes
    from anchoring.cleaning.mapping import map_source
    from anchoring.cleaning.organisations import resolve_organisations
    from anchoring.cleaning.review import REVIEW_KINDS, review_records
    from anchoring.readers import read_export

    config_path = str(paths.config_file)
    try:
        raw = read_export(paths.resolve_export(source.id, source.file), source)
    except AnchoringError as exc:
        report.problems.append(str(exc))
        return
    mapped = map_source(raw, source, instrument, item_ids, config_path)
    report.problems.extend(str(p) for p in mapped.problems)
    frame = mapped.frame
    relevant, in_play = rows_in_play(mapped, config)
    try:
        role_codes = {source.id: group_role_codes(instrument, source.group)}
        raise_unknown_labels(mapped.unknown_labels(relevant), config_path, role_codes)
    except AnchoringError as exc:
        report.problems.append(str(exc))
    if frames is not None:
        rows = in_play & frame["org_raw"].notna().to_numpy()
        try:
            resolve_organisations(
                frame.loc[rows, "org_raw"], source, frames, str(raw.path), config_path
            )
        except AnchoringError as exc:
            report.problems.append(str(exc))
    report.notes.extend(w.describe(raw.path.name) for w in mapped.warnings)
    review = review_records(mapped, in_play)
    for kind in REVIEW_KINDS:
        report.notes.extend(
            f"{kind.replace('_', ' ')}: {r.describe(raw.path.name)}" for r in review[kind]
        )
