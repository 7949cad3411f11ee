"""``load_round``: a round as the pipeline left it, with the design the analysis used.

One call in a notebook cell gives the analyst the cleaned responses with labels, the instrument,
the published tables and :attr:`Round.design`, the round's
:class:`~anchoring.survey.SurveyDesign` built by the analysis' own function
(:func:`anchoring.analysis.weighting.weight_round`, which calls
:func:`anchoring.analysis.round_design.round_design` and rakes when
``estimation.weighting: raked``), over the same rows in the same order. An ad-hoc question is
then one line::

    r = anchoring.load_round("demo")
    r.design.mean("pll__index", by="role_name")

and :meth:`Round.suppress` applies the round's small-cell rules
(:func:`anchoring.analysis.suppression.suppress_small_cells`) before a number is shared. Nothing is
written: the round's files are only read.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from anchoring.analysis.estimate_rows import ORG, STRATUM
from anchoring.analysis.scoring import index_column, score_column, score_responses
from anchoring.analysis.suppression import suppress_small_cells
from anchoring.analysis.weighting import weight_round
from anchoring.cleaning import CleaningResult
from anchoring.exceptions import InputFileError
from anchoring.frames import Frames, load_frames
from anchoring.instrument import Instrument, load_instrument
from anchoring.intake.round_config import RoundConfig, load_round_config
from anchoring.paths import RoundPaths, find_project_root
from anchoring.survey import SurveyDesign
from anchoring.workbench.names import (
    GROUP_NAME,
    ROLE_NAME,
    STRATUM_NAME,
    group_names,
    label_responses,
    role_names,
    stratum_names,
)

logger = logging.getLogger(__name__)

DRIVERS_FILE = "drivers.parquet"
GROUP_TESTS_FILE = "group_tests.parquet"
INDEX_SUFFIX = "__index"
"""The index of a measure under the item naming, ``pll__index`` (the analysis calls it
``index_pll``; both columns are in the design's data)."""
_RESULT_COLUMNS = ("estimate", "se", "ci_low", "ci_high", "n", "df", "deff", "effective_n")


@dataclass(frozen=True)
class Round:
    """A round as the pipeline left it (see :func:`load_round`).

    Attributes
    ----------
    round_id, paths, config, instrument, frames, lang
        The round, its folders, its ``round.yaml``, the instrument, the sampling frames and the
        language of the labels.
    responses
        ``responses.parquet`` with ``group_name``, ``role_name`` and ``stratum_name`` (county or
        RHF) beside the codes and every item an ordered categorical of answer labels.
    estimates, status
        The published ``estimates.parquet`` and ``status.parquet`` (suppression applied).
    change, drivers, group_tests
        ``change.parquet``, ``drivers.parquet``, ``group_tests.parquet``, or None when absent.
    quality
        ``quality.json`` of the cleaning stage.
    """

    round_id: str
    paths: RoundPaths
    config: RoundConfig
    instrument: Instrument
    frames: Frames
    lang: str
    responses: pd.DataFrame = field(repr=False)
    estimates: pd.DataFrame = field(repr=False)
    status: pd.DataFrame = field(repr=False)
    change: pd.DataFrame | None = field(repr=False)
    drivers: pd.DataFrame | None = field(repr=False)
    group_tests: pd.DataFrame | None = field(repr=False)
    quality: dict = field(repr=False)

    @property
    def measures(self) -> tuple[str, ...]:
        """The round's measures (``round.yaml`` ``measures``, else the instrument's active)."""
        return tuple(self.config.measure_ids(self.instrument))

    @property
    def level(self) -> float:
        """The confidence level of the round's intervals (``estimation.level``)."""
        return float(self.config.estimation.level)

    @property
    def design(self) -> SurveyDesign:
        """The round's survey design, exactly as the analysis built it.

        Same rows in the same order, same weights (raked when the round rakes), strata, PSUs,
        finite population correction and variance design (``estimation.variance``). Its data
        holds the design columns, the labels (``group_name``, ``role_name``,
        ``stratum_name``), ``role``, ``source_id``, ``practice_size``, the flags, the barrier
        themes, and per measure the scored items (under the item id, e.g. ``pll__nytte``: 1–5
        with reverse keys applied, «Vet ikke» and «Ikke relevant» missing; also
        ``score_pll__nytte``), the agree and «Vet ikke» indicators and the anchoring index
        (``index_pll`` and ``pll__index``).
        """
        return self._weighted[1]

    @cached_property
    def _weighted(self) -> tuple[pd.DataFrame, SurveyDesign]:
        """The design's rows (weights as the design uses them) and the design."""
        data, design, _builder = weight_round(self._design_data(), self.config, self.paths)
        logger.debug("built the design of round %s over %d rows", self.round_id, len(data))
        return data, design

    def _design_data(self) -> pd.DataFrame:
        raw = pd.read_parquet(self.paths.responses_file).reset_index(drop=True)
        scored = score_responses(raw, self.instrument, self.measures)
        extra = {item: scored[score_column(item)] for item in self._item_ids()}
        extra |= {f"{m}{INDEX_SUFFIX}": scored[index_column(m)] for m in self.measures}
        labels = self.responses.loc[:, [GROUP_NAME, ROLE_NAME, STRATUM_NAME]].reset_index(drop=True)
        kept = raw.drop(columns=[c for c in raw.columns if c in extra])
        return pd.concat([kept, labels, scored, pd.DataFrame(extra)], axis=1)

    def _item_ids(self) -> list[str]:
        return [i for m in self.measures for i in self.instrument.item_ids(m)]

    def index_variable(self, measure: str = "") -> str:
        """The design variable of a measure's anchoring index, ``<measure>__index``.

        ``measure`` empty: the round's first measure.
        """
        return f"{measure or self.measures[0]}{INDEX_SUFFIX}"

    def suppress(self, table: pd.DataFrame, variable: str) -> pd.DataFrame:
        """Apply the round's small-cell rules to an ad-hoc table of :attr:`design` estimates.

        The primary rule hides a cell with fewer than ``estimation.min_n`` respondents or
        ``min_orgs`` organisations answering ``variable``; the secondary rule hides the next
        smallest cell when exactly one cell would otherwise be recoverable from the overall
        value (methodology §7; :func:`anchoring.analysis.suppression.suppress_small_cells`, whose
        rules the published tables follow).

        Parameters
        ----------
        table
            The result of ``r.design.mean(variable, by=...)`` (or ``proportion``/``total``):
            the ``by`` columns first, then ``estimate``, ``se``, ... and ``n``.
        variable
            The variable the table estimates (its organisations are counted).

        Returns
        -------
        pandas.DataFrame
            A copy with ``n_orgs``, ``is_suppressed`` and ``suppression_reason``; the values of
            hidden cells are null.
        """
        by = [c for c in table.columns if c not in _RESULT_COLUMNS]
        answered = self.design_data_column(variable).notna().to_numpy()
        counts = self._org_counts(answered, by)
        cells = table.reset_index(drop=True).copy()
        key = _cell_key(cells, by)
        cells["n_orgs"] = key.map(counts).fillna(0).astype("int64").to_numpy()
        overall = {"n": int(answered.sum()), "n_orgs": self._org_count(answered)}
        rules = _suppression_layout(cells, key, overall)
        settings = self.config.estimation
        hidden = suppress_small_cells(rules, min_n=settings.min_n, min_orgs=settings.min_orgs)
        hidden = hidden[hidden["breakdown"] != ""].reset_index(drop=True)
        cells["is_suppressed"] = hidden["is_suppressed"].to_numpy()
        cells["suppression_reason"] = hidden["suppression_reason"].to_numpy()
        for column in ("estimate", "se", "ci_low", "ci_high"):
            if column in cells.columns:
                cells[column] = cells[column].astype("float64").mask(cells["is_suppressed"])
        return cells

    def design_data_column(self, column: str) -> pd.Series:
        """One column of the design's data (e.g. ``pll__index``), row for row."""
        data = self._design_frame
        if column not in data.columns:
            raise InputFileError(
                f"round {self.round_id}: the design has no column '{column}'; choose one of "
                f"the items, '<measure>__index', the labels or the flags."
            )
        return data[column]

    @property
    def _design_frame(self) -> pd.DataFrame:
        return self._weighted[0]

    def _org_keys(self) -> pd.Series:
        data = self._design_frame
        return data[STRATUM].astype("str") + "\x1f" + data[ORG].astype("str")

    def _org_count(self, answered: np.ndarray) -> int:
        return int(self._org_keys()[answered].nunique())

    def _org_counts(self, answered: np.ndarray, by: list[str]) -> dict[str, int]:
        data = self._design_frame.loc[answered, by].assign(_org=self._org_keys()[answered])
        if not by:
            return {"": int(data["_org"].nunique())}
        counts = data.groupby(by, sort=False, observed=True)["_org"].nunique().reset_index()
        return dict(zip(_cell_key(counts, by), counts["_org"].astype("int64"), strict=True))

    def names(self) -> dict[str, dict[str, str]]:
        """Code → name maps of the round: ``group``, ``role`` and ``stratum``."""
        return {
            "group": group_names(self.instrument, self.lang),
            "role": role_names(self.instrument, self.lang),
            "stratum": stratum_names(self.frames),
        }


def _cell_key(table: pd.DataFrame, by: list[str]) -> pd.Series:
    """One text key per row from its ``by`` values (the whole table when ``by`` is empty)."""
    if not by:
        return pd.Series([""] * len(table), index=table.index, dtype="str")
    parts = [table[c].astype("str") for c in by]
    key = parts[0]
    for part in parts[1:]:
        key = key + "\x1f" + part
    return key


def _suppression_layout(cells: pd.DataFrame, key: pd.Series, overall: dict) -> pd.DataFrame:
    """The ad-hoc cells as a breakdown of one shown total, in the layout of the estimates."""
    keys = {"measure": "", "group": "", "dimension": "", "statistic": "mean"}
    breakdown = pd.DataFrame(
        {**keys, "breakdown": "adhoc", "domain": key.to_numpy()}, index=cells.index
    )
    breakdown["n"] = cells["n"].to_numpy()
    breakdown["n_orgs"] = cells["n_orgs"].to_numpy()
    breakdown["estimate"] = 0.0
    total = pd.DataFrame([{**keys, "breakdown": "", "domain": "", **overall, "estimate": 0.0}])
    return pd.concat([breakdown, total], ignore_index=True)


def load_round(round_id: str, root: str | Path | None = None, lang: str = "nb") -> Round:
    """Load a round as the pipeline left it: responses, tables, instrument and design.

    Parameters
    ----------
    round_id
        The round (``data/raw/<round_id>/round.yaml``).
    root
        The project (or data) root; ``None`` or ``""`` finds it from the working directory.
    lang
        Language of the labels, ``nb`` or ``en``.

    Returns
    -------
    Round
        The round; :attr:`Round.design` is built on first use.

    Raises
    ------
    RoundConfigError
        ``round.yaml`` is missing or invalid.
    InputFileError
        The round has no recorded outputs (``responses.parquet``, ``estimates.parquet``,
        ``status.parquet``): run ``anchoring run --round <id>`` first.

    Examples
    --------
    >>> r = load_round("demo")  # doctest: +SKIP
    >>> r.suppress(r.design.mean("pll__index", by="role_name"), "pll__index")  # doctest: +SKIP
    """
    paths = RoundPaths(Path(root) if root else find_project_root(), round_id)
    config = load_round_config(paths.config_file)
    instrument = load_instrument()
    frames = load_frames(paths.resolve_frames(config.frames))
    for required in (paths.responses_file, paths.estimates_file, paths.status_file):
        _require(required, round_id)
    responses = pd.read_parquet(paths.responses_file)
    return Round(
        round_id=round_id,
        paths=paths,
        config=config,
        instrument=instrument,
        frames=frames,
        lang=lang,
        responses=label_responses(responses, instrument, frames, lang),
        estimates=pd.read_parquet(paths.estimates_file),
        status=pd.read_parquet(paths.status_file),
        change=_optional(paths.change_file),
        drivers=_optional(paths.processed_dir / DRIVERS_FILE),
        group_tests=_optional(paths.processed_dir / GROUP_TESTS_FILE),
        quality=_quality(paths),
    )


def load_cleaning_result(root: str | Path | None, round_id: str) -> CleaningResult:
    """The recorded outcome of a round's cleaning stage, read back from ``quality.json``.

    Gives the same :class:`~anchoring.cleaning.CleaningResult` that
    :func:`~anchoring.cleaning.clean_round` returned when it wrote the files, so notebook
    ``01_clean`` shows a recorded run without cleaning again.

    Raises
    ------
    InputFileError
        The round has no ``quality.json``: run ``anchoring run --round <id>`` first.
    """
    paths = RoundPaths(Path(root) if root else find_project_root(), round_id)
    _require(paths.quality_file, round_id)
    return CleaningResult(
        round_id=round_id,
        responses_file=paths.responses_file,
        exclusions_file=paths.exclusions_file,
        quality_file=paths.quality_file,
        quality=_quality(paths),
    )


def _require(path: Path, round_id: str) -> None:
    if not path.is_file():
        raise InputFileError(
            f"{path}: not found, so round '{round_id}' has no recorded outputs to show. Run "
            f"'anchoring run --round {round_id}' first (or the stage notebook with write = True)."
        )


def _optional(path: Path) -> pd.DataFrame | None:
    return pd.read_parquet(path) if path.is_file() else None


def _quality(paths: RoundPaths) -> dict:
    if not paths.quality_file.is_file():
        return {}
    return json.loads(paths.quality_file.read_text(encoding="utf-8"))
