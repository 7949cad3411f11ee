"""The inputs of a report: one round's configuration, estimates, status, change and quality.

:func:`load_report` reads everything the report shows from the files of the earlier stages
(``docs/architecture.md``) and returns one :class:`Report` object that every section, table and
figure takes. Nothing here estimates anything; barrier themes are counted from the cleaned
responses' theme flags (counts, never text).
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
from anchoring.schema import CHANGE, DISTRIBUTIONS, DRIVERS, SENSITIVITY, TableSchema

logger = logging.getLogger(__name__)

THEME_PREFIX = "theme__"
"""Prefix of the barrier-theme flag columns in ``responses.parquet``."""

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
        Respondents mentioning each barrier theme, per group (``group, theme, count``).
    respondents
        Respondents per group after cleaning (``group → n``).
    last_response_at
        Time of the last kept response, or ``None``.
    responses
        The cleaned responses (no free text), for the theme counts; may be ``None``.
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
    responses: pd.DataFrame | None = None
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


def _count_themes(responses: pd.DataFrame | None) -> tuple[pd.DataFrame, dict[str, int]]:
    """Respondents per group flagged with each theme (a count, not an estimate)."""
    if responses is None or responses.empty:
        return pd.DataFrame(columns=["group", "theme", "count"]), {}
    respondents = {g: int((responses["group"] == g).sum()) for g in GROUPS}
    theme_columns = [c for c in responses.columns if c.startswith(THEME_PREFIX)]
    if not theme_columns:
        return pd.DataFrame(columns=["group", "theme", "count"]), respondents
    flags = responses[["group", *theme_columns]].copy()
    flags[theme_columns] = flags[theme_columns].fillna(False).astype(bool)
    counts = flags.groupby("group", sort=False)[theme_columns].sum()
    long = counts.reindex([g for g in GROUPS if g in counts.index]).stack().reset_index()
    long.columns = ["group", "theme", "count"]
    long["theme"] = long["theme"].str.removeprefix(THEME_PREFIX)
    long["count"] = long["count"].astype(int)
    return long, respondents


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
    responses = _read_parquet(paths.responses_file, required=False)
    theme_counts, respondents = _count_themes(responses)
    last = None
    if (
        responses is not None
        and "submitted_at" in responses
        and responses["submitted_at"].notna().any()
    ):
        last = pd.Timestamp(responses["submitted_at"].max())
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
        quality=_read_quality(paths.quality_file),
        theme_counts=theme_counts,
        respondents=respondents,
        last_response_at=last,
        responses=responses,
        history=_history(paths, config, estimates_table),
        drivers=_read_parquet(paths.processed_dir / DRIVERS.file, required=False),
        sensitivity=_read_parquet(paths.processed_dir / SENSITIVITY.file, required=False),
        distributions=_read_published(paths.processed_dir, DISTRIBUTIONS),
    )
