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

from anchoring.cleaning.labels import factorize_text
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
    patterns = [theme_pattern(t) for t in themes]
    table = np.zeros((len(uniques) + 1, len(themes) + 1), dtype=bool)
    for i, text in enumerate(uniques):
        text = str(text)
        table[i, 0] = bool(text.strip())
        for j, pattern in enumerate(patterns, start=1):
            table[i, j] = pattern.search(text) is not None
    columns = ["has_barrier_text", *(f"{THEME_PREFIX}{t.id}" for t in themes)]
    return pd.DataFrame(table[positions], index=texts.index, columns=columns)
