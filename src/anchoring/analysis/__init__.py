"""The analysis stage: design-based estimates, anchoring status and change of a round.

:func:`analyse_round` (notebook ``02_analyse``) reads ``responses.parquet`` and writes
``estimates.parquet``, ``group_tests.parquet``, ``status.parquet``, ``distributions.parquet``,
``drivers.parquet``, ``sensitivity.parquet``, ``themes.parquet`` and, when the previous round
has been analysed, ``change.parquet`` (methodology §§2–9; the columns of each in
:mod:`anchoring.schema`).

Modules
-------
round
    :func:`analyse_round` and :class:`AnalysisResult`: loading, the one design, writing.
round_design
    The round's one survey design: organisations in strata, then respondents inside them.
weighting
    The round's weights: design weights, or raked to the frame's margins; the design builder
    the drivers and the sensitivity line reuse.
estimate_rows
    Tidy estimate rows from the design: index, sector, gap, items, consensus, alpha, strata.
group_tests
    The Wald test that the groups are equal, the pairwise contrasts, Holm, lagging/leading.
response
    Response rates and weighting efficiency.
scoring, consensus, suppression, status, change
    Item coding and the index, consensus, small-cell suppression (estimates, group tests,
    distributions, theme counts), the status rule, change between rounds.
panel
    The previous round's respondents beside this round's: the stacked design of change.
distributions
    The answer distribution of every item per group (``distributions.parquet``).
drivers
    The drivers of readiness: the standardised design-based regression (``drivers.parquet``).
sensitivity
    The sector index under the variance design the round did not use (``sensitivity.parquet``).
themes
    Respondents per group whose barrier comment mentions each theme (``themes.parquet``).
parquet_tables
    The layouts of ``estimates.parquet`` and ``group_tests.parquet``; deterministic writing.
"""

from __future__ import annotations

from anchoring.analysis.parquet_tables import ESTIMATE_COLUMNS, GROUP_TEST_COLUMNS
from anchoring.analysis.round import (
    CHANGE_FILE,
    GROUP_TESTS_FILE,
    AnalysisResult,
    analyse_round,
)

__all__ = [
    "CHANGE_FILE",
    "ESTIMATE_COLUMNS",
    "GROUP_TESTS_FILE",
    "GROUP_TEST_COLUMNS",
    "AnalysisResult",
    "analyse_round",
]
