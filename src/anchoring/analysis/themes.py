"""Barrier-theme counts per group: ``themes.parquet`` (the report's table of barriers).

The cleaning stage tags each kept respondent's redacted barrier comment with the themes its words
mention (:mod:`anchoring.cleaning.themes`, the ``theme__<id>`` flags of ``responses.parquet``);
free text never leaves that stage (methodology §7: "free text is summarised as counts of barrier
themes"). This module counts, per group and theme, the respondents whose comment mentions the
theme: a plain unweighted count, not an estimate, as the report has always shown it. The
``sector`` row of a theme is the sum over the three groups (the report's row total), and
``respondents`` is the group's number of kept respondents. Small counts are flagged by
:func:`anchoring.analysis.suppression.suppress_theme_counts`.
"""

from __future__ import annotations

import logging

import pandas as pd

from anchoring.analysis.estimate_rows import GROUP, GROUPS
from anchoring.groups import SECTOR
from anchoring.instrument import Instrument
from anchoring.schema import THEMES

logger = logging.getLogger(__name__)

THEMES_FILE = THEMES.file
THEME_PREFIX = "theme__"
"""Prefix of the theme flag columns of ``responses.parquet`` (``schema.RESPONSE_VARYING``)."""


def theme_columns(instrument: Instrument) -> list[str]:
    """The flag column of every barrier theme of the instrument, in instrument order."""
    return [f"{THEME_PREFIX}{theme}" for theme in instrument.theme_ids()]


def count_themes(responses: pd.DataFrame, instrument: Instrument, round_id: str) -> pd.DataFrame:
    """Respondents per group (and in all groups) whose barrier comment mentions each theme.

    Parameters
    ----------
    responses
        The kept respondents: ``group`` and the theme flags ``theme__<id>`` (a null flag counts
        as not mentioned). A theme whose column is absent gets no rows (logged), as the report
        then shows 0 for it.
    instrument
        The instrument (its themes, in order).
    round_id
        The round.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`anchoring.schema.THEMES`, one row per group (the three groups,
        then ``sector``) × theme, suppression not yet applied (``is_suppressed`` false).
    """
    themes = [t for t in instrument.theme_ids() if f"{THEME_PREFIX}{t}" in responses.columns]
    missing = [t for t in instrument.theme_ids() if t not in themes]
    if missing:
        logger.warning("responses have no flag column for theme(s) %s: not counted", missing)
    group = responses[GROUP].to_numpy(dtype=object)
    respondents = {g: int((group == g).sum()) for g in GROUPS}
    respondents[SECTOR] = sum(respondents.values())
    rows = []
    for theme in themes:
        flags = responses[f"{THEME_PREFIX}{theme}"].astype("boolean").fillna(False).to_numpy(bool)
        counts = {g: int((flags & (group == g)).sum()) for g in GROUPS}
        counts[SECTOR] = sum(counts.values())
        rows += [
            {"group": g, "theme": theme, "count": counts[g], "respondents": respondents[g]}
            for g in (*GROUPS, SECTOR)
        ]
    table = pd.DataFrame(rows, columns=["group", "theme", "count", "respondents"])
    table.insert(0, "round_id", round_id)
    order = {g: i for i, g in enumerate((*GROUPS, SECTOR))}
    table = table.sort_values("group", key=lambda s: s.map(order), kind="stable")
    table["is_suppressed"] = False
    table["suppression_reason"] = ""
    return THEMES.conform(table.reset_index(drop=True))
