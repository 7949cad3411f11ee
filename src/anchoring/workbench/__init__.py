"""The analyst's workbench: a recorded round, its design and exploratory views.

:func:`load_round` gives a round as the pipeline left it (labelled responses, published tables,
the instrument and the analysis' own survey design); :mod:`.views` draws the exploratory
seaborn figures of ``notebooks/04_explore.ipynb`` and :mod:`.displays` the labelled, rounded
tables the stage notebooks show. Nothing here writes a file.
"""

from __future__ import annotations

from anchoring.workbench.round import Round, load_cleaning_result, load_round

__all__ = ["Round", "load_cleaning_result", "load_round"]
