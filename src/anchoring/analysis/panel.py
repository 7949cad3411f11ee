"""The previous round's respondents beside this round's: the stacked design of change (§5).

:func:`panel_change` reads the previous round's cleaned responses, scores the measures both
rounds share and asks :func:`anchoring.analysis.change.estimate_panel_change` for the change and its
standard error from the stacked design (organisations as common PSUs). It returns ``None``, and
change falls back to the independent form, when the previous round's responses are not there or
either round is raked (the stacked design carries design weights only; docs/decisions.md).
"""

from __future__ import annotations

import logging

import pandas as pd
import pyarrow.parquet as pq

from anchoring.analysis.change import estimate_panel_change, stack_rounds
from anchoring.analysis.scoring import index_column, score_responses
from anchoring.exceptions import RoundConfigError
from anchoring.instrument import Instrument
from anchoring.intake.round_config import load_round_config
from anchoring.paths import RoundPaths

logger = logging.getLogger(__name__)

STACK_COLUMNS: tuple[str, ...] = ("group", "org_id", "stratum", "weight")
"""The design columns the stacked design needs from each round."""


def panel_change(
    paths: RoundPaths,
    previous_round_id: str,
    current: pd.DataFrame,
    measures: tuple[str, ...],
    instrument: Instrument,
    is_raked: bool,
) -> pd.DataFrame | None:
    """Change and standard error per measure × group from the stacked design, or None.

    Parameters
    ----------
    paths
        The current round's paths (the previous round's are found beside them).
    previous_round_id
        The round to compare with.
    current
        This round's respondent rows: the design columns and the scored index columns.
    measures
        This round's measures; only those the previous round asked too are compared.
    instrument
        The instrument, to score the previous round's items.
    is_raked
        This round's weights are raked (``estimation.weighting: raked``).

    Returns
    -------
    pandas.DataFrame or None
        :func:`anchoring.analysis.change.estimate_panel_change`'s table, or None (logged why).
    """
    previous_paths = paths.for_round(previous_round_id)
    why = _why_not_panel(previous_paths, is_raked)
    if why:
        logger.info("change against %s: independent form (%s)", previous_round_id, why)
        return None
    available = set(pq.read_schema(previous_paths.responses_file).names)
    shared = tuple(m for m in measures if all(i in available for i in instrument.item_ids(m)))
    items = [i for m in shared for i in instrument.item_ids(m)]
    raw = pd.read_parquet(previous_paths.responses_file, columns=[*STACK_COLUMNS, *items])
    scored = score_responses(raw, instrument, shared)
    previous = pd.concat([raw.loc[:, list(STACK_COLUMNS)], scored], axis=1)
    variables = {m: index_column(m) for m in shared}
    keep = [*STACK_COLUMNS, *variables.values()]
    stacked = stack_rounds(
        current.loc[:, keep], previous.loc[:, keep], paths.round_id, previous_round_id
    )
    return estimate_panel_change(stacked, variables, paths.round_id, previous_round_id)


def _why_not_panel(previous_paths: RoundPaths, is_raked: bool) -> str:
    if is_raked:
        return "this round is raked"
    if not previous_paths.responses_file.is_file():
        return f"{previous_paths.responses_file} not found"
    try:
        previous_config = load_round_config(previous_paths.config_file)
    except RoundConfigError:
        return f"{previous_paths.config_file} cannot be read"
    if previous_config.estimation.weighting == "raked":
        return "the previous round is raked"
    return ""
