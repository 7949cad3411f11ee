"""Consensus inside a group: Tastle–Wierman consensus and Leik's ordinal dispersion.

Implements methodology §4. Both measures take the weighted shares of the ordered categories
(1..K) of one item in one group; means hide polarisation, these do not.

References
----------
Tastle, W. J. and Wierman, M. J. (2007). Consensus and dissention: a measure of ordinal
dispersion. *International Journal of Approximate Reasoning* 45(3), 531–545.

Leik, R. K. (1966). A measure of ordinal consensus. *Pacific Sociological Review* 9(2), 85–90.

Ruedin, D. R package ``agrmt`` (functions ``consensus`` and ``Leik``), whose documented example
vector is used in the tests.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from anchoring.exceptions import DesignError


def _as_shares(shares: np.ndarray | Sequence[float]) -> np.ndarray:
    """Rows of category shares (or counts) normalised to sum to 1; a 1-D input is one row."""
    values = np.atleast_2d(np.asarray(shares, dtype="float64"))
    if values.shape[1] < 2:
        raise DesignError("consensus: need at least two ordered categories (K >= 2).")
    if np.any(values < 0):
        raise DesignError("consensus: category shares or counts must not be negative.")
    totals = values.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, values / totals, np.nan)


def tastle_wierman_consensus(shares: np.ndarray | Sequence[float]) -> np.ndarray:
    """Tastle–Wierman consensus ``Cns = 1 + Σ p_i log2(1 − |i − μ| / (K − 1))``.

    Parameters
    ----------
    shares
        Category shares or counts of the ordered categories 1..K: one row per item × group
        (2-D) or a single distribution (1-D). Rows are normalised to sum to 1.

    Returns
    -------
    numpy.ndarray
        One value per row on [0, 1]: 1 when all mass is in one category, 0 for an even split
        between the two extremes; NaN for a row with no mass. Empty categories are skipped
        (their term is 0).
    """
    p = _as_shares(shares)
    k = p.shape[1]
    positions = np.arange(1, k + 1, dtype="float64")
    mu = p @ positions
    distance = np.abs(positions[None, :] - mu[:, None]) / (k - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log2(1.0 - distance), 0.0)
    consensus = 1.0 + terms.sum(axis=1)
    # All mass in one category: 1 by definition (Tastle & Wierman 2007).
    consensus = np.where(np.nanmax(p, axis=1, initial=0.0) >= 1.0, 1.0, consensus)
    return np.where(np.isnan(p).any(axis=1), np.nan, consensus)


def leik_dispersion(shares: np.ndarray | Sequence[float]) -> np.ndarray:
    """Leik's ordinal dispersion ``D = Σ min(F_i, 1 − F_i) / ((K − 1)/2)``.

    Parameters
    ----------
    shares
        Category shares or counts of the ordered categories 1..K (see
        :func:`tastle_wierman_consensus`).

    Returns
    -------
    numpy.ndarray
        One value per row on [0, 1]: 0 when all mass is in one category, 1 for an even split
        between the two extremes; NaN for a row with no mass. ``F_i`` is the cumulative share.
    """
    p = _as_shares(shares)
    k = p.shape[1]
    cumulative = np.cumsum(p, axis=1)
    return np.minimum(cumulative, 1.0 - cumulative).sum(axis=1) / ((k - 1) / 2.0)


def weighted_category_shares(
    data: pd.DataFrame,
    variable: str,
    weight: str,
    by: Sequence[str],
    categories: Sequence[int],
) -> pd.DataFrame:
    """Weighted shares of each category of ``variable`` within each ``by`` domain.

    The point estimate of a domain's category distribution (``Σ w·[y = c] / Σ w`` over the
    domain's rows with ``y`` answered), i.e. ``svymean(~factor(y), na.rm = TRUE)`` by domain.
    Rows with ``y`` (or a ``by`` value) missing are left out; a value outside ``categories``
    is an error.

    Parameters
    ----------
    data
        Respondent rows.
    variable
        The scored item (values in ``categories`` or NaN).
    weight
        The weight column.
    by
        Domain columns.
    categories
        The ordered categories, e.g. ``(1, 2, 3, 4, 5)``.

    Returns
    -------
    pandas.DataFrame
        Indexed by the ``by`` values (sorted; domains with no answer are left out), one column
        per category (shares summing to 1) and ``n`` (answered rows).
    """
    codes, domains = _domain_codes(data, by)
    values = pd.to_numeric(data[variable]).to_numpy(dtype="float64", na_value=np.nan)
    weights = data[weight].to_numpy(dtype="float64")
    try:
        shares, n = category_shares(values, weights, codes, len(domains), categories)
    except DesignError as error:
        raise DesignError(f"consensus: column '{variable}': {error}") from None
    table = pd.DataFrame(shares, index=domains, columns=list(categories))
    table["n"] = n
    return table[n > 0]


def category_shares(
    values: np.ndarray,
    weights: np.ndarray,
    codes: np.ndarray,
    n_domains: int,
    categories: Sequence[int],
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted category shares per domain from integer domain codes (vectorised core).

    Parameters
    ----------
    values
        The item per row (NaN = not answered).
    weights
        The weight per row.
    codes
        The domain of each row, ``0 .. n_domains − 1`` (``-1``: in no domain).
    n_domains
        Number of domains.
    categories
        The ordered categories.

    Returns
    -------
    tuple of numpy.ndarray
        Shares (domains × categories; NaN rows for a domain without answers) and the answered
        rows per domain.
    """
    answered = ~np.isnan(values) & (codes >= 0)
    grid = np.asarray(categories, dtype="float64")
    position = np.minimum(np.searchsorted(grid, values[answered]), len(grid) - 1)
    if np.any(grid[position] != values[answered]):
        raise DesignError(f"a value is outside the categories {list(categories)}.")
    cell = codes[answered] * len(grid) + position
    totals = np.bincount(cell, weights=weights[answered], minlength=n_domains * len(grid))
    totals = totals.reshape(n_domains, len(grid))
    n = np.bincount(codes[answered], minlength=n_domains)
    with np.errstate(invalid="ignore", divide="ignore"):
        return totals / totals.sum(axis=1, keepdims=True), n


def _domain_codes(data: pd.DataFrame, by: Sequence[str]) -> tuple[np.ndarray, pd.Index]:
    """Code of each row's ``by`` domain (sorted domains) and the domain index."""
    if len(by) == 1:
        codes, uniques = pd.factorize(data[by[0]], sort=True)
        return codes, pd.Index(uniques, name=by[0])
    grouped = data.groupby(list(by), sort=True, observed=True)
    return grouped.ngroup().to_numpy(), pd.MultiIndex.from_frame(
        grouped.size().index.to_frame(index=False)
    )


def consensus_by_domain(shares: pd.DataFrame, categories: Sequence[int]) -> pd.DataFrame:
    """Tastle–Wierman consensus and Leik dispersion for each row of a shares table.

    Parameters
    ----------
    shares
        Output of :func:`weighted_category_shares`.
    categories
        The category columns, in order.

    Returns
    -------
    pandas.DataFrame
        Same index, columns ``consensus_tw``, ``dispersion_leik``, ``n``.
    """
    matrix = shares[list(categories)].to_numpy(dtype="float64")
    return pd.DataFrame(
        {
            "consensus_tw": tastle_wierman_consensus(matrix) if len(matrix) else [],
            "dispersion_leik": leik_dispersion(matrix) if len(matrix) else [],
            "n": shares["n"].to_numpy(),
        },
        index=shares.index,
    )
