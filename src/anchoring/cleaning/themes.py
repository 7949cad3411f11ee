"""Barrier themes: tag each (redacted) comment with the themes its words mention.

A theme matches when one of its bokmål keywords (``instrument.yaml``, ``barriers.themes``) occurs
as a whole word or phrase, case-insensitively: «tid» matches «Tid er knapt» but not «tidlig»
(methodology §7: free text is summarised as counts of barrier themes). Matching runs on the
redacted, markup-free text, once per distinct comment.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from anchoring.cleaning.answer_codes import factorize_text
from anchoring.instrument import Theme

THEME_PREFIX = "theme__"


def theme_pattern(theme: Theme) -> re.Pattern[str]:
    """Whole-word, case-insensitive pattern of a theme's keywords (longest first)."""
    words = sorted(theme.keywords_nb, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def tag_themes(texts: pd.Series, themes: tuple[Theme, ...] | list[Theme]) -> pd.DataFrame:
    """Boolean theme columns ``theme__<id>`` and ``has_barrier_text`` for each comment.

    Parameters
    ----------
    texts
        Redacted comments (``<NA>`` or blank: no comment).
    themes
        The instrument's barrier themes.

    Returns
    -------
    pandas.DataFrame
        ``has_barrier_text`` then one bool column per theme in instrument order, index as
        ``texts``.
    """
    positions, uniques = factorize_text(texts)
    return tag_theme_codes(positions, uniques, themes, texts.index)


def tag_theme_codes(
    codes: np.ndarray,
    distinct: list[str],
    themes: tuple[Theme, ...] | list[Theme],
    index: pd.Index | None = None,
) -> pd.DataFrame:
    """As :func:`tag_themes`, for comments given as codes into their distinct texts.

    For a caller that has the codes already (:func:`~anchoring.cleaning.redaction.redact_codes`):
    the column is not built as text and factorised again. Each distinct text is matched once.

    Parameters
    ----------
    codes
        int64 per row: position in ``distinct``, ``-1`` for no comment.
    distinct
        The texts the codes point to (redacted comments).
    themes
        The instrument's barrier themes.
    index
        Index of the result (default: a range index).

    Returns
    -------
    pandas.DataFrame
        ``has_barrier_text`` then one bool column per theme in instrument order.
    """
    patterns = [theme_pattern(t) for t in themes]
    table = np.zeros((len(distinct) + 1, len(themes) + 1), dtype=bool)
    for i, text in enumerate(distinct):
        text = str(text)
        table[i, 0] = bool(text.strip())
        for j, pattern in enumerate(patterns, start=1):
            table[i, j] = pattern.search(text) is not None
    columns = ["has_barrier_text", *(f"{THEME_PREFIX}{t.id}" for t in themes)]
    # code -1 (no comment) picks the all-False last row
    return pd.DataFrame(table[codes], index=index, columns=columns)
