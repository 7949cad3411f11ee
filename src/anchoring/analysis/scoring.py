"""Item scoring: reverse keys, the anchoring index per respondent, agree and «Vet ikke» indicators.

Implements methodology §3. Every function is vectorised over respondents (no Python loop over
rows); the only loops are over the instrument's items.

Coding of an answer ``x`` to an item (raw direction, as in ``responses.parquet``):

=================  =========================  ===================  =====================
raw answer         scored item                agree indicator      «Vet ikke» indicator
=================  =========================  ===================  =====================
1–5                ``x`` (``6 − x`` if the    1 if the *scored*    0
                   item is reverse-keyed)     item is 4 or 5,
                                              else 0
8 «Vet ikke»       missing                    missing              1
9 «Ikke relevant»  missing                    missing              0
unanswered         missing                    missing              missing
=================  =========================  ===================  =====================

So the **agree share** is the share agreeing among substantive answers (1–5), and the
**«Vet ikke» share** is the share answering «Vet ikke» among everyone who answered the item,
«Vet ikke» and «Ikke relevant» included (a sign of low awareness, methodology §3). The agree
indicator is taken on the scored item, so for a reverse-keyed (negatively worded) item such as
``ressurser`` ("We lack the people and budget ...") it counts the favourable answers, i.e. those
*disagreeing* with the statement as worded; every dimension's agree share then reads "higher is
better anchored", like the index.

The anchoring index of a respondent for a measure is ``25 × (mean of answered scored items − 1)``
(0–100) when at least half of the measure's items are answered substantively, else missing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from anchoring.exceptions import DesignError
from anchoring.instrument import DONT_KNOW, NOT_APPLICABLE, SCALE_POINTS, Instrument

logger = logging.getLogger(__name__)

INDEX_PREFIX = "index_"
"""Column of the anchoring index of a measure: ``index_<measure>`` (R: ``~index_pll``)."""
AGREE_PREFIX = "agree_"
"""Column of the agree indicator of an item: ``agree_<item>``."""
DONT_KNOW_PREFIX = "dont_know_"
"""Column of the «Vet ikke» indicator of an item: ``dont_know_<item>``."""
SCORE_PREFIX = "score_"
"""Column of the scored item (1–5, reversed if reverse-keyed): ``score_<item>``."""

_VALID_CODES = (*SCALE_POINTS, DONT_KNOW, NOT_APPLICABLE)


def index_column(measure_id: str) -> str:
    """Name of the index column of a measure, e.g. ``index_pll``."""
    return f"{INDEX_PREFIX}{measure_id}"


def score_column(item_id: str) -> str:
    """Name of the scored-item column, e.g. ``score_pll__nytte``."""
    return f"{SCORE_PREFIX}{item_id}"


def agree_column(item_id: str) -> str:
    """Name of the agree-indicator column, e.g. ``agree_pll__nytte``."""
    return f"{AGREE_PREFIX}{item_id}"


def dont_know_column(item_id: str) -> str:
    """Name of the «Vet ikke»-indicator column, e.g. ``dont_know_pll__nytte``."""
    return f"{DONT_KNOW_PREFIX}{item_id}"


def _raw_codes(responses: pd.DataFrame, item_id: str) -> np.ndarray:
    """The raw answers of one item as float (NaN = unanswered); unknown codes raise."""
    if item_id not in responses.columns:
        raise DesignError(
            f"responses: item column '{item_id}' is missing. Re-run cleaning, or drop the "
            "measure from 'measures' in round.yaml."
        )
    values = (
        pd.to_numeric(responses[item_id], errors="coerce")
        .astype("float64")
        .to_numpy(na_value=np.nan)
    )
    known = np.isnan(values) | np.isin(values, _VALID_CODES)
    if not known.all():
        row = int(np.flatnonzero(~known)[0])
        raise DesignError(
            f"responses: column '{item_id}' has the code {values[row]:g} in row {row + 1}; "
            f"allowed are {list(_VALID_CODES)} or missing. Fix the value map in round.yaml."
        )
    return values


def score_item(raw: np.ndarray, reverse_keyed: bool) -> np.ndarray:
    """Score raw answers: 1–5 kept (``6 − x`` if reverse-keyed), 8, 9 and unanswered → NaN.

    Parameters
    ----------
    raw
        Raw answer codes as float, NaN for unanswered.
    reverse_keyed
        Whether the item is worded negatively (methodology §3: reversed before scoring).

    Returns
    -------
    numpy.ndarray
        Scored items on 1–5, NaN where not a substantive answer.
    """
    substantive = np.isin(raw, SCALE_POINTS)
    scored = np.where(substantive, raw, np.nan)
    return 6.0 - scored if reverse_keyed else scored


def agree_indicator(scored: np.ndarray, agree_codes: Sequence[int] = (4, 5)) -> np.ndarray:
    """1 where the scored item is an agreeing answer (4 or 5), 0 for 1–3, NaN otherwise."""
    return np.where(np.isnan(scored), np.nan, np.isin(scored, agree_codes).astype("float64"))


def dont_know_indicator(raw: np.ndarray) -> np.ndarray:
    """1 for «Vet ikke», 0 for any other answer (1–5, «Ikke relevant»), NaN if unanswered."""
    return np.where(np.isnan(raw), np.nan, (raw == DONT_KNOW).astype("float64"))


def anchoring_index(scored_items: np.ndarray) -> np.ndarray:
    """The anchoring index per respondent from a matrix of scored items (methodology §3).

    Parameters
    ----------
    scored_items
        Respondents × items of one measure, scored 1–5 with NaN where not answered
        substantively.

    Returns
    -------
    numpy.ndarray
        ``25 × (mean of answered items − 1)`` on 0–100 where at least half of the items are
        answered (``2 × answered ≥ items``), else NaN.
    """
    answered = np.sum(~np.isnan(scored_items), axis=1)
    total = np.nansum(scored_items, axis=1)
    enough = 2 * answered >= scored_items.shape[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / answered
    return np.where(enough & (answered > 0), 25.0 * (mean - 1.0), np.nan)


def score_responses(
    responses: pd.DataFrame, instrument: Instrument, measures: Sequence[str]
) -> pd.DataFrame:
    """Score every item of the given measures and compute each measure's anchoring index.

    Parameters
    ----------
    responses
        Cleaned responses (``responses.parquet``), items in raw direction with codes 1–5, 8, 9
        or missing.
    instrument
        The survey instrument (which items exist and which are reverse-keyed).
    measures
        The measures of the round.

    Returns
    -------
    pandas.DataFrame
        Same rows and index as ``responses``, one float64 column per derived variable (NaN =
        missing): ``score_<item>``, ``agree_<item>``, ``dont_know_<item>`` for each item, then
        ``index_<measure>`` for each measure. See the module docstring for the coding.

    Raises
    ------
    DesignError
        An item column is missing or holds an unknown code.
    """
    columns: dict[str, np.ndarray] = {}
    agree_codes = tuple(instrument.agree_codes)
    for measure_id in measures:
        scored_matrix = []
        for item_id in instrument.item_ids(measure_id):
            raw = _raw_codes(responses, item_id)
            scored = score_item(raw, instrument.item(item_id).reverse_keyed)
            scored_matrix.append(scored)
            columns[score_column(item_id)] = scored
            columns[agree_column(item_id)] = agree_indicator(scored, agree_codes)
            columns[dont_know_column(item_id)] = dont_know_indicator(raw)
        columns[index_column(measure_id)] = anchoring_index(np.column_stack(scored_matrix))
    scored_frame = pd.DataFrame(columns, index=responses.index)
    logger.debug("scored %d respondents on %d measures", len(responses), len(measures))
    return scored_frame
