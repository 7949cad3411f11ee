"""The round's weights: design weights, or raked to the frame's margins (methodology §1).

:func:`weight_round` builds the round's one design
(:func:`anchoring.analysis.round_design.round_design`) and, with ``estimation.weighting: raked``,
rakes it to the margins the round names (``estimation.margins``;
:func:`anchoring.weights.prepare_raking`, :meth:`anchoring.survey.SurveyDesign.rake`), so that
every estimator, its standard error included, sees the calibrated weights. It also returns a
:class:`DesignBuilder` that builds the same design over the same rows with more columns (the
drivers' standardised items) or with the other variance design (the sensitivity line).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import pandas as pd

from anchoring.analysis.round_design import round_design
from anchoring.frames import load_frames
from anchoring.intake.round_config import RoundConfig
from anchoring.paths import RoundPaths
from anchoring.survey import SurveyDesign
from anchoring.weights import prepare_raking

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DesignBuilder:
    """Builds the round's design over a table of its rows.

    Attributes
    ----------
    variance
        The round's variance design (``estimation.variance``).
    margins
        The raking margins (``{column: {level: total}}``); empty for design weights.
    """

    variance: str
    margins: dict[str, dict[str, float]] = field(default_factory=dict)

    def __call__(self, data: pd.DataFrame, variance: str | None = None) -> SurveyDesign:
        """The design over ``data`` (raked when the round is), with ``variance`` or the round's.

        Raking weights that are already raked leaves them as they are (every margin is met),
        so ``data`` may hold the design weights or the raked ones; the calibration enters the
        variance either way.
        """
        design = round_design(data, variance or self.variance)
        return design.rake(self.margins) if self.margins else design


def weight_round(
    data: pd.DataFrame, config: RoundConfig, paths: RoundPaths
) -> tuple[pd.DataFrame, SurveyDesign, DesignBuilder]:
    """The round's design, raked when the round asks for it.

    Parameters
    ----------
    data
        Respondent rows with the design columns (``weight`` the design weights).
    config
        The round's configuration.
    paths
        The round's paths (for a round-supplied frame).

    Returns
    -------
    (pandas.DataFrame, SurveyDesign, DesignBuilder)
        The rows (with the margin columns and the raked ``weight`` when raked), the design and
        its builder.

    Raises
    ------
    FrameError
        A margin names a column the group's frame lacks.
    DesignError
        A margin's level has no respondents, or raking fails (``SurveyDesign.rake``).
    """
    settings = config.estimation
    if settings.weighting != "raked":
        builder = DesignBuilder(settings.variance)
        return data, builder(data), builder
    frames = load_frames(paths.resolve_frames(config.frames))
    data, margins = prepare_raking(data, settings.margins or {}, frames)
    builder = DesignBuilder(settings.variance, margins)
    design = builder(data)
    logger.info("raked the weights to %s", settings.margins)
    return data.assign(weight=design.weights), design, builder
