"""``analyse_round``: from a round's cleaned responses to its estimates, status and change.

One :class:`~anchoring.survey.SurveyDesign` is built for the whole round
(:func:`anchoring.analysis.round_design.round_design`: organisations in strata with the finite
population correction, respondents inside organisations, lonely PSUs "adjust") and passed to
every estimator; groups and strata are domains (``by=``),
never subsets. Outputs, written atomically into ``data/processed/<round>/``:

- ``estimates.parquet``: tidy estimates, suppression applied
  (:mod:`anchoring.analysis.parquet_tables`);
- ``group_tests.parquet``: per measure the Wald test that the groups are equal and the pairwise
  contrasts, Holm-adjusted (:mod:`anchoring.analysis.group_tests`);
- ``status.parquet``: anchoring status per measure with the deciding rule, and the group that
  lags or leads by those tests (:mod:`anchoring.analysis.status`);
- ``distributions.parquet``: the answer distribution of every item per group, suppressed with
  the item's agree share and the group index (:mod:`anchoring.analysis.distributions`);
- ``themes.parquet``: per group and barrier theme the respondents whose comment mentions it,
  small counts flagged (:mod:`anchoring.analysis.themes`);
- ``drivers.parquet`` and ``sensitivity.parquet``: the drivers of readiness and the sector index
  under the other variance design (:mod:`anchoring.analysis.drivers`,
  :mod:`anchoring.analysis.sensitivity`);
- ``change.parquet``: change against ``previous_round`` when that round's estimates exist
  (:mod:`anchoring.analysis.change`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from anchoring.analysis.change import estimate_change
from anchoring.analysis.distributions import DISTRIBUTIONS_FILE, estimate_distributions
from anchoring.analysis.drivers import DRIVERS_FILE, estimate_drivers
from anchoring.analysis.estimate_rows import (
    GROUP,
    GROUPS,
    ORG,
    STRATUM,
    WEIGHT,
    RoundData,
    estimate_alpha,
    estimate_consensus,
    estimate_index,
    estimate_index_by_stratum,
    estimate_items,
)
from anchoring.analysis.group_tests import (
    adjust_group_tests,
    estimate_group_tests,
    summarise_group_findings,
)
from anchoring.analysis.panel import panel_change
from anchoring.analysis.parquet_tables import assemble_estimates, order_estimates, write_parquet
from anchoring.analysis.response import (
    estimate_response_rates,
    estimate_weighting_efficiency,
    frame_strata,
)
from anchoring.analysis.round_design import RESPONDENT
from anchoring.analysis.scoring import score_responses
from anchoring.analysis.sensitivity import SENSITIVITY_FILE, estimate_sensitivity
from anchoring.analysis.status import assess_round_status
from anchoring.analysis.suppression import (
    suppress_distributions,
    suppress_group_tests,
    suppress_small_cells,
    suppress_theme_counts,
)
from anchoring.analysis.themes import THEMES_FILE, count_themes, theme_columns
from anchoring.analysis.weighting import weight_round
from anchoring.atomic import staged_directory
from anchoring.exceptions import InputFileError
from anchoring.frames import load_frames
from anchoring.instrument import load_instrument
from anchoring.intake.round_config import RoundConfig, load_round_config
from anchoring.paths import RoundPaths, find_project_root
from anchoring.schema import CHANGE, GROUP_TESTS, STATUS

logger = logging.getLogger(__name__)

CHANGE_FILE = CHANGE.file
GROUP_TESTS_FILE = GROUP_TESTS.file
DESIGN_COLUMNS: tuple[str, ...] = (GROUP, ORG, STRATUM, "fpc", WEIGHT, RESPONDENT)


@dataclass(frozen=True)
class AnalysisResult:
    """The analysis of one round.

    Attributes
    ----------
    round_id
        The round.
    estimates
        The tidy estimates as written to ``estimates.parquet`` (suppression applied).
    status
        One row per measure as written to ``status.parquet``.
    group_tests
        The tests of equal groups and the pairwise contrasts (``group_tests.parquet``).
    drivers
        The standardised drivers of readiness (``drivers.parquet``,
        :mod:`anchoring.analysis.drivers`).
    change
        Change against the previous round (``change.parquet``), or None.
    files
        The files written.
    n_respondents, n_psu, n_strata, degrees_of_freedom
        Size of the design.
    """

    round_id: str
    estimates: pd.DataFrame
    status: pd.DataFrame
    change: pd.DataFrame | None
    group_tests: pd.DataFrame | None = None
    files: tuple[Path, ...] = field(default=())
    drivers: pd.DataFrame | None = None
    n_respondents: int = 0
    n_psu: int = 0
    n_strata: int = 0
    degrees_of_freedom: int = 0

    def index_table(self) -> pd.DataFrame:
        """The anchoring index by group and sector: one row per measure × group.

        Returns
        -------
        pandas.DataFrame
            ``measure, group, estimate, ci_low, ci_high, n, n_orgs, is_suppressed`` (no
            respondent-level rows).
        """
        rows = self.estimates[
            (self.estimates["breakdown"] == "")
            & (self.estimates["dimension"] == "index")
            & (self.estimates["statistic"] == "mean")
        ]
        columns = ["measure", "group", "estimate", "ci_low", "ci_high", "n", "n_orgs"]
        return rows.loc[:, [*columns, "is_suppressed"]].reset_index(drop=True)


def analyse_round(root: str | Path | None, round_id: str) -> AnalysisResult:
    """Estimate everything the report of a round needs and write it to the processed folder.

    Parameters
    ----------
    root
        The project (or data) root; ``None`` or ``""`` finds it from the working directory.
    round_id
        The round; its ``round.yaml`` and ``responses.parquet`` must exist.

    Returns
    -------
    AnalysisResult
        The estimates, status and change that were written.

    Raises
    ------
    RoundConfigError
        ``round.yaml`` is missing or invalid.
    InputFileError
        ``responses.parquet`` is missing or lacks a design column.
    DesignError
        The design or an item column is invalid (e.g. an unknown answer code).
    """
    paths = RoundPaths(Path(root) if root else find_project_root(), round_id)
    config = load_round_config(paths.config_file)
    instrument = load_instrument()
    measures = tuple(config.measure_ids(instrument))
    items = [item for measure in measures for item in instrument.item_ids(measure)]
    responses = _read_responses(paths.responses_file, items, theme_columns(instrument))
    scored = score_responses(responses, instrument, measures)
    data = pd.concat([responses.loc[:, list(DESIGN_COLUMNS)], scored], axis=1)
    data, design, build_design = weight_round(data, config, paths)
    round_data = RoundData(design, data, instrument, measures, config.estimation.level)
    estimates = _estimate(round_data, config, paths)
    level = config.estimation.level
    published = {
        DRIVERS_FILE: estimate_drivers(data, build_design, instrument, measures, round_id, level),
        SENSITIVITY_FILE: estimate_sensitivity(
            data, build_design, config.estimation.variance, estimates, measures, round_id, level
        ),
        DISTRIBUTIONS_FILE: suppress_distributions(
            estimate_distributions(data, instrument, measures, estimates), estimates
        ),
        THEMES_FILE: suppress_theme_counts(count_themes(responses, instrument, round_id)),
    }
    group_tests = _group_tests(round_data, estimates, round_id)
    status = assess_round_status(
        estimates,
        list(measures),
        config.estimation.status,
        config.estimation.level,
        summarise_group_findings(group_tests),
    )
    status.insert(0, "round_id", round_id)
    status = STATUS.conform(status)
    change = _change(estimates, config, paths, round_data)
    files = _write(paths, estimates, status, change, group_tests, published)
    logger.info(
        "analysed round %s: %d respondents, %d estimates (%d suppressed), status %s",
        round_id,
        len(data),
        len(estimates),
        int(estimates["is_suppressed"].sum()),
        dict(zip(status["measure"], status["status"], strict=True)),
    )
    return AnalysisResult(
        round_id=round_id,
        estimates=estimates,
        status=status,
        change=change,
        group_tests=group_tests,
        files=tuple(files),
        n_respondents=len(data),
        n_psu=int(data.groupby([STRATUM, ORG]).ngroups),
        n_strata=int(data[STRATUM].nunique()),
        degrees_of_freedom=design.degrees_of_freedom,
        drivers=published[DRIVERS_FILE],
    )


def _read_responses(path: Path, items: list[str], themes: list[str]) -> pd.DataFrame:
    """The design columns, the items and the theme flags of the cleaned responses.

    Nothing else is read; a missing theme column is logged by
    :func:`anchoring.analysis.themes.count_themes`.
    """
    if not path.is_file():
        raise InputFileError(
            f"{path}: cleaned responses not found. Run the cleaning stage first "
            "(notebook 01_clean or 'anchoring run')."
        )
    available = set(pq.read_schema(path).names)
    missing = [c for c in DESIGN_COLUMNS if c not in available]
    if missing:
        raise InputFileError(
            f"{path}: missing design column(s) {missing}. Re-run the cleaning stage."
        )
    # a missing item column is reported by the scoring with its name
    columns = list(DESIGN_COLUMNS) + [c for c in [*items, *themes] if c in available]
    responses = pd.read_parquet(path, columns=columns)
    unknown = sorted({str(g) for g in responses[GROUP].dropna().unique()} - set(GROUPS))
    if unknown:
        raise InputFileError(
            f"{path}: column 'group' has unknown value(s) {unknown}; expected {list(GROUPS)}."
        )
    return responses.reset_index(drop=True)


def _frame_psu_n(config: RoundConfig, paths: RoundPaths) -> pd.DataFrame:
    frames = load_frames(paths.resolve_frames(config.frames))
    parts = [frames[g].strata.loc[:, [STRATUM, "psu_n"]].assign(group=g) for g in GROUPS]
    table = pd.concat(parts, ignore_index=True)
    table["psu_n"] = table["psu_n"].astype("int64")
    return table


def _estimate(round_data: RoundData, config: RoundConfig, paths: RoundPaths) -> pd.DataFrame:
    strata = frame_strata(_frame_psu_n(config, paths), round_data.data)
    parts = [
        *estimate_index(round_data),
        *estimate_index_by_stratum(round_data),
        *estimate_items(round_data),
        *estimate_consensus(round_data),
        *estimate_alpha(round_data),
        *estimate_response_rates(round_data, strata),
        *estimate_weighting_efficiency(round_data),
    ]
    table = assemble_estimates(parts, config.round_id)
    settings = config.estimation
    table = suppress_small_cells(table, min_n=settings.min_n, min_orgs=settings.min_orgs)
    return order_estimates(table)


def _group_tests(round_data: RoundData, estimates: pd.DataFrame, round_id: str) -> pd.DataFrame:
    """The group tests of every measure, hidden with its group indices, then Holm-adjusted."""
    tests = suppress_group_tests(estimate_group_tests(round_data), estimates)
    return adjust_group_tests(tests, round_id, round_data.level)


def _change(
    estimates: pd.DataFrame, config: RoundConfig, paths: RoundPaths, round_data: RoundData
) -> pd.DataFrame | None:
    previous_id = config.previous_round
    if not previous_id:
        return None
    previous_file = paths.for_round(previous_id).estimates_file
    if not previous_file.is_file():
        logger.warning(
            "previous round %s has no estimates (%s): no change computed",
            previous_id,
            previous_file,
        )
        return None
    previous = pd.read_parquet(previous_file)
    is_raked = config.estimation.weighting == "raked"
    data, measures, instrument = round_data.data, round_data.measures, round_data.instrument
    panel = panel_change(paths, previous_id, data, measures, instrument, is_raked)
    return estimate_change(
        estimates, previous, config.round_id, previous_id, config.estimation.level, panel
    )


def _write(
    paths: RoundPaths,
    estimates: pd.DataFrame,
    status: pd.DataFrame,
    change: pd.DataFrame | None,
    group_tests: pd.DataFrame,
    published: dict[str, pd.DataFrame],
) -> list[Path]:
    with staged_directory(paths.processed_dir) as staging:
        for name, table in published.items():  # drivers, sensitivity, distributions, themes
            write_parquet(table, staging / name)
        write_parquet(estimates, staging / paths.estimates_file.name)
        write_parquet(status, staging / paths.status_file.name)
        write_parquet(group_tests, staging / GROUP_TESTS_FILE)
        if change is not None:
            write_parquet(change, staging / CHANGE_FILE)
    stale = paths.processed_dir / CHANGE_FILE
    if change is None and stale.is_file():
        stale.unlink()
        logger.info("removed %s: the round has no previous round to compare with", stale)
    written = [paths.estimates_file, paths.status_file, paths.processed_dir / GROUP_TESTS_FILE]
    written += [paths.processed_dir / name for name in published]
    return written + ([paths.processed_dir / CHANGE_FILE] if change is not None else [])
