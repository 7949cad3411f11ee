"""The inputs of a report: one round's configuration, estimates, status, change and quality.

:func:`load_report` reads everything the report shows from the files of the earlier stages
(``docs/architecture.md``) and returns one :class:`Report` object that every section, table and
figure takes. Nothing here estimates or counts anything: it reads only what the earlier stages
publish (``quality.json`` from cleaning; the tables of :mod:`anchoring.schema` from the analysis,
the barrier-theme counts included), never the respondent rows of ``responses.parquet``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from anchoring.exceptions import AnchoringError
from anchoring.frames import Frames, load_frames
from anchoring.groups import GROUPS
from anchoring.instrument import Instrument, load_instrument
from anchoring.intake.round_config import RoundConfig, load_round_config
from anchoring.paths import RoundPaths, find_project_root
from anchoring.report.estimates import Estimates
from anchoring.report.labels import Labels
from anchoring.schema import CHANGE, DISTRIBUTIONS, DRIVERS, SENSITIVITY, THEMES, TableSchema

logger = logging.getLogger(__name__)

MAX_HISTORY = 10
"""How many earlier rounds the change figure follows back at most."""


@dataclass(frozen=True)
class Report:
    """Everything one report shows, in one language.

    Attributes
    ----------
    round_id, lang
        The round and the report language.
    paths
        The round's folders (the report writes its spreadsheet into ``paths.reports_dir``).
    config
        The validated round configuration.
    instrument, frames
        The survey instrument and the sampling frames of the round.
    estimates
        The round's estimates (suppression applied by the analysis stage).
    status
        ``status.parquet``: one row per measure.
    change
        ``change.parquet`` (change since the previous round), or ``None``.
    quality
        ``quality.json`` from cleaning (counts only).
    theme_counts
        ``themes.parquet``: respondents mentioning each barrier theme per group and in all
        groups (``sector``), small counts flagged ``is_suppressed`` by the analysis; empty
        (with its columns) when the file is absent.
    respondents
        Respondents per group after cleaning (``group → n``, ``quality.json`` ``groups``).
    last_response_at
        Time of the last kept response (``quality.json`` ``totals.last_response_at``), or
        ``None``.
    history
        Index estimates (statistic ``mean``, dimension ``index``) of this and earlier rounds,
        oldest first, with a ``round_id`` column; empty when there is no earlier round.
    drivers, sensitivity
        ``drivers.parquet`` and ``sensitivity.parquet`` (the drivers of readiness; the sector
        index under the other variance design), or ``None``.
    distributions
        ``distributions.parquet`` (the answer distribution of every item per group, drawn as
        diverging bars), or ``None``.
    """

    round_id: str
    lang: str
    paths: RoundPaths
    config: RoundConfig
    instrument: Instrument
    frames: Frames
    estimates: Estimates
    status: pd.DataFrame
    change: pd.DataFrame | None
    quality: dict
    theme_counts: pd.DataFrame
    respondents: dict[str, int]
    last_response_at: pd.Timestamp | None
    history: pd.DataFrame = field(default_factory=pd.DataFrame)
    drivers: pd.DataFrame | None = None
    sensitivity: pd.DataFrame | None = None
    distributions: pd.DataFrame | None = None

    @property
    def labels(self) -> Labels:
        """The labels of the report language."""
        return Labels(self.instrument, self.lang)

    @property
    def measures(self) -> list[str]:
        """The round's measures that have estimates, in instrument order."""
        estimated = set(self.estimates.measures())
        return [m for m in self.config.measure_ids(self.instrument) if m in estimated]

    @property
    def groups(self) -> tuple[str, ...]:
        """The stakeholder groups, in report order."""
        return GROUPS

    def status_of(self, measure: str) -> dict:
        """The status row of a measure as a dict (empty when the measure has none)."""
        rows = self.status[self.status["measure"] == measure]
        return {} if rows.empty else rows.iloc[0].to_dict()


def _read_parquet(path: Path, required: bool) -> pd.DataFrame | None:
    if path.is_file():
        return pd.read_parquet(path)
    if required:
        raise AnchoringError(
            f"{path}: not found. Run the earlier stages first (anchoring run --round <ID>)."
        )
    return None


def _read_published(folder: Path, schema: TableSchema) -> pd.DataFrame | None:
    """A published table of the analysis stage with its declared columns, or ``None``."""
    table = _read_parquet(folder / schema.file, required=False)
    if table is not None:
        schema.require(table, str(folder / schema.file))
    return table


def _read_quality(path: Path) -> dict:
    if not path.is_file():
        logger.warning("%s: not found; the data-quality summary will be empty", path)
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _read_themes(folder: Path) -> pd.DataFrame:
    """``themes.parquet`` with its declared columns; empty (logged) when the file is absent."""
    table = _read_published(folder, THEMES)
    if table is None:
        logger.warning(
            "%s: not found; the barrier themes will show no counts", folder / THEMES.file
        )
        return pd.DataFrame({c.name: pd.Series(dtype=c.pandas_dtype) for c in THEMES.columns})
    return table


def _respondents(quality: dict) -> dict[str, int]:
    """Kept respondents per group, from ``quality.json`` (``groups``, ``respondents_n``)."""
    rows = {g.get("group"): g.get("respondents_n") for g in quality.get("groups", [])}
    return {g: int(rows[g]) for g in GROUPS if rows.get(g) is not None}


def _last_response_at(quality: dict) -> pd.Timestamp | None:
    """The last kept response's time, from ``quality.json`` (``totals.last_response_at``)."""
    last = quality.get("totals", {}).get("last_response_at")
    return pd.Timestamp(last) if last else None


def _previous_rounds(paths: RoundPaths, config: RoundConfig) -> list[str]:
    """Earlier rounds, newest first, following ``previous_round`` while their data exist."""
    rounds: list[str] = []
    previous = config.previous_round
    while previous and previous not in rounds and len(rounds) < MAX_HISTORY:
        earlier = paths.for_round(previous)
        if not earlier.estimates_file.is_file():
            logger.info("round %s has no estimates; change history stops there", previous)
            break
        rounds.append(previous)
        previous = (
            load_round_config(earlier.config_file).previous_round
            if earlier.config_file.is_file()
            else None
        )
    return rounds


def _history(paths: RoundPaths, config: RoundConfig, current: pd.DataFrame) -> pd.DataFrame:
    earlier = _previous_rounds(paths, config)
    if not earlier:
        return pd.DataFrame()
    tables = [pd.read_parquet(paths.for_round(r).estimates_file) for r in reversed(earlier)]
    tables.append(current)
    columns = ["round_id", "measure", "group", "estimate", "ci_low", "ci_high", "is_suppressed"]
    rows = [
        t.loc[
            (t["statistic"] == "mean")
            & (t["dimension"] == "index")
            & (t["breakdown"].fillna("") == ""),
            columns,
        ]
        for t in tables
    ]
    history = pd.concat(rows, ignore_index=True)
    order = [*reversed(earlier), config.round_id]
    history["round_order"] = history["round_id"].map({r: i for i, r in enumerate(order)})
    return history.sort_values(["round_order", "measure", "group"], kind="stable").reset_index(
        drop=True
    )


def load_report(root: str | Path | None, round_id: str, lang: str) -> Report:
    """Load the inputs of one round's report.

    Parameters
    ----------
    root
        The project root; ``None`` or ``""`` finds it from the working directory
        (:func:`anchoring.paths.find_project_root`).
    round_id
        The round.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    Report
        The round's configuration, estimates, status, change, quality counts and theme counts.

    Raises
    ------
    AnchoringError
        A required file (round.yaml, estimates.parquet, status.parquet) is missing.
    """
    root_path = Path(root) if root else find_project_root()
    paths = RoundPaths(root_path, round_id)
    config = load_round_config(paths.config_file)
    instrument = load_instrument()
    frames = load_frames(paths.resolve_frames(config.frames))
    estimates_table = _read_parquet(paths.estimates_file, required=True)
    status = _read_parquet(paths.status_file, required=True)
    change = _read_parquet(paths.processed_dir / CHANGE.file, required=False)
    quality = _read_quality(paths.quality_file)
    Labels(instrument, lang)  # validates the language early
    return Report(
        round_id=round_id,
        lang=lang,
        paths=paths,
        config=config,
        instrument=instrument,
        frames=frames,
        estimates=Estimates(estimates_table, str(paths.estimates_file)),
        status=status,
        change=change if change is not None and not change.empty else None,
        quality=quality,
        theme_counts=_read_themes(paths.processed_dir),
        respondents=_respondents(quality),
        last_response_at=_last_response_at(quality),
        history=_history(paths, config, estimates_table),
        drivers=_read_parquet(paths.processed_dir / DRIVERS.file, required=False),
        sensitivity=_read_parquet(paths.processed_dir / SENSITIVITY.file, required=False),
        distributions=_read_published(paths.processed_dir, DISTRIBUTIONS),
    )
