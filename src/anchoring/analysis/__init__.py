"""The analysis stage: design-based estimates, anchoring status and change of a round.

:func:`analyse_round` (notebook ``02_analyse``) reads ``responses.parquet`` and writes
``estimates.parquet``, ``group_tests.parquet``, ``status.parquet`` and, when the previous round
has been analysed, ``change.parquet`` (methodology §§2–9).

Modules
-------
round
    :func:`analyse_round` and :class:`AnalysisResult`: loading, the one design, writing.
estimate_rows
    Tidy estimate rows from the design: index, sector, gap, items, consensus, alpha, strata.
group_tests
    The Wald test that the groups are equal, the pairwise contrasts, Holm, lagging/leading.
response
    Response rates and weighting efficiency.
round_design
    The round's one survey design: organisations in strata, then respondents inside them.
scoring, consensus, suppression, status, change
    Item coding and the index, consensus, small-cell suppression, the status rule, change
    between rounds.
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
