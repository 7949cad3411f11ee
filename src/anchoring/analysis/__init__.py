"""The analysis stage: design-based estimates, anchoring status and change of a round.

:func:`analyse_round` (notebook ``02_analyse``) reads ``responses.parquet`` and writes
``estimates.parquet``, ``status.parquet`` and, when the previous round has been analysed,
``change.parquet`` (methodology §§2–8).

Modules
-------
round
    :func:`analyse_round` and :class:`AnalysisResult`: loading, the one design, writing.
estimators
    Tidy estimate rows from the design: index, sector, gap, items, consensus, alpha, strata.
response
    Response rates and weighting efficiency.
tables
    The layout of ``estimates.parquet`` and deterministic Parquet writing.
"""

from __future__ import annotations

from anchoring.analysis.round import CHANGE_FILE, AnalysisResult, analyse_round
from anchoring.analysis.tables import ESTIMATE_COLUMNS

__all__ = ["CHANGE_FILE", "ESTIMATE_COLUMNS", "AnalysisResult", "analyse_round"]
