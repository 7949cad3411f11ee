"""Cleaning: from raw survey exports to clean, weighted, redacted respondent rows.

Entry point :func:`clean_round` (notebook ``01_clean.ipynb``). Modules: :mod:`.labels` (answer
labels → codes), :mod:`.mapping` (columns and values from ``round.yaml``), :mod:`.organisations`
(organisation ids → frame), :mod:`.rules` (tests, incompletes, duplicates, speeders,
straight-liners, resubmissions, the analyst's exclusions), :mod:`.review` (rows listed for the
analyst), :mod:`.redaction` (personal data in free text), :mod:`.themes` (barrier
themes), :mod:`.quality` (``quality.json``), :mod:`.outputs` (schemas, writers).
"""

from __future__ import annotations

from anchoring.cleaning.clean import CleaningResult, clean_round
from anchoring.cleaning.quality import quality_markdown

__all__ = ["CleaningResult", "clean_round", "quality_markdown"]
