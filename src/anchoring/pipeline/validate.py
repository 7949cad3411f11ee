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
from pathlib import Path

from anchoring.exceptions import AnchoringError, RoundConfigError
from anchoring.paths import RoundPaths
from anchoring.round_config import RoundConfig, Source, load_round_config

log = logging.getLogger(__name__)


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
        empty when the round is valid.
    """
    from anchoring.frames import load_frames
    from anchoring.instrument import load_instrument

    paths = RoundPaths(Path(root), round_id)
    try:
        config = load_round_config(paths.config_file)
    except RoundConfigError as exc:
        return [str(exc)]
    problems = []
    if config.round_id != round_id:
        problems.append(
            f"{paths.config_file}: round_id is '{config.round_id}' but the folder is "
            f"'{round_id}'. Make them the same."
        )
    instrument = load_instrument()
    try:
        config.check_against(instrument, paths.config_file)
    except RoundConfigError as exc:
        problems.append(str(exc))
    try:
        frames = load_frames({g: paths.raw_dir / f for g, f in config.frames.items()})
    except AnchoringError as exc:
        problems.append(str(exc))
        frames = None
    item_ids = [
        i
        for m in config.measure_ids(instrument)
        if m in instrument.measure_ids
        for i in instrument.item_ids(m)
    ]
    for source in config.sources:
        problems.extend(_source_problems(paths, config, source, instrument, item_ids, frames))
    log.info("Round '%s': %d problem(s) found.", round_id, len(problems))
    return problems


def _source_problems(
    paths: RoundPaths,
    config: RoundConfig,
    source: Source,
    instrument: object,
    item_ids: list[str],
    frames: object | None,
) -> list[str]:
    """Problems of one export: readable, columns present, labels mappable, organisations known."""
    from anchoring.cleaning.labels import raise_unknown_labels
    from anchoring.cleaning.mapping import map_source
    from anchoring.cleaning.organisations import resolve_organisations
    from anchoring.cleaning.rules import mark_incomplete, mark_tests
    from anchoring.readers import read_export

    config_path = str(paths.config_file)
    try:
        raw = read_export(paths.raw_dir / source.file, source)
        mapped = map_source(raw, source, instrument, item_ids, config_path)
    except AnchoringError as exc:
        return [str(exc)]
    problems = []
    frame = mapped.frame
    start = config.fieldwork.start if config.cleaning.drop_before_fieldwork else None
    marked, before = mark_tests(frame["is_test"], frame["submitted_at"], start)
    relevant = ~(marked | before)
    try:
        raise_unknown_labels(mapped.unknown_labels(relevant), config_path)
    except AnchoringError as exc:
        problems.append(str(exc))
    if frames is not None:
        complete = ~mark_incomplete(frame[mapped.item_ids], config.cleaning.min_answered_share)
        rows = relevant & complete & frame["org_raw"].notna().to_numpy()
        try:
            resolve_organisations(
                frame.loc[rows, "org_raw"], source, frames, str(raw.path), config_path
            )
        except AnchoringError as exc:
            problems.append(str(exc))
    return problems
