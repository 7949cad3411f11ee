"""Design-weighted statistics reported without a standard error: alpha, Kish, the SRS variance.

- Cronbach's alpha ``K/(K − 1) · (1 − Σ_k var(x_k) / var(Σ_k x_k))`` from design-weighted
  variances ``Σ w (x − x̄)² / Σ w`` over the rows where every item is answered (R:
  ``svycralpha``; Cronbach 1951).
- Kish's weighting efficiency ``(Σw)² / (n Σw²)``, the effective share of the sample left after
  weighting (Kish 1965, section 11.7).
- The variance of a mean under simple random sampling with replacement, the denominator of the
  design effect (R: ``svymean(..., deff = "replace")``).

Every function works on all domains at once: ``codes`` gives each row's domain.

References
----------
Cronbach LJ (1951). Coefficient alpha and the internal structure of tests. *Psychometrika* 16,
297–334.
Kish L (1965). *Survey Sampling*. Wiley.
"""

from __future__ import annotations

import numpy as np


def weighted_variance(
    values: np.ndarray, weights: np.ndarray, codes: np.ndarray, n_domains: int
) -> np.ndarray:
    """Return the weighted variance ``Σ w (x − x̄)² / Σ w`` of each domain (two-pass).

    Parameters
    ----------
    values, weights, codes : numpy.ndarray
        Per row: the value, its design weight and its domain.
    n_domains : int
        Number of domains.

    Returns
    -------
    numpy.ndarray
    """
    weight_sum = np.bincount(codes, weights=weights, minlength=n_domains)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.bincount(codes, weights=weights * values, minlength=n_domains) / weight_sum
        squares = weights * (values - mean[codes]) ** 2
        return np.bincount(codes, weights=squares, minlength=n_domains) / weight_sum


def cronbach_alpha(
    items: np.ndarray, weights: np.ndarray, codes: np.ndarray, n_domains: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return Cronbach's alpha and the number of rows with a non-zero weight per domain.

    Parameters
    ----------
    items : numpy.ndarray
        ``(n_rows, K)`` item values, every item answered on every row given.
    weights, codes : numpy.ndarray
        Per row: design weight and domain.
    n_domains : int
        Number of domains.

    Returns
    -------
    tuple of numpy.ndarray
        Alpha and the row count per domain.
    """
    n_items = items.shape[1]
    item_variance = sum(
        weighted_variance(items[:, k], weights, codes, n_domains) for k in range(n_items)
    )
    total_variance = weighted_variance(items.sum(axis=1), weights, codes, n_domains)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = n_items / (n_items - 1) * (1 - item_variance / total_variance)
    return alpha, np.bincount(codes[weights > 0], minlength=n_domains)


def kish_efficiency(
    weights: np.ndarray, codes: np.ndarray, n_domains: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return Kish's weighting efficiency and the number of rows per domain.

    Parameters
    ----------
    weights, codes : numpy.ndarray
        Per row (non-zero weights only): design weight and domain.
    n_domains : int
        Number of domains.

    Returns
    -------
    tuple of numpy.ndarray
        ``(Σw)² / (n Σw²)`` (between 0 and 1) and ``n`` per domain.
    """
    n = np.bincount(codes, minlength=n_domains)
    weight_sum = np.bincount(codes, weights=weights, minlength=n_domains)
    square_sum = np.bincount(codes, weights=weights**2, minlength=n_domains)
    with np.errstate(divide="ignore", invalid="ignore"):
        return weight_sum**2 / (n * square_sum), n


def srs_variance_of_mean(
    values: np.ndarray, weights: np.ndarray, codes: np.ndarray, n_domains: int
) -> np.ndarray:
    """Return the variance of each domain mean under simple random sampling with replacement.

    ``s² / n`` with ``s² = n/(n − 1) · Σ w (y − ȳ)² / Σ w`` the design-weighted population
    variance estimate over the domain's ``n`` rows of non-zero weight: the denominator of R's
    ``svymean(..., deff = "replace")`` (``svyvar(x, design) / nobs``), so that the design
    effect ``deff = V_design / (s² / n)`` compares the design with a simple random sample of
    the same size drawn with replacement (Kish 1965, section 8.2).

    Parameters
    ----------
    values, weights, codes : numpy.ndarray
        Per answered row: the value, its design weight and its domain.
    n_domains : int
        Number of domains.

    Returns
    -------
    numpy.ndarray
        NaN for a domain with fewer than two rows.
    """
    n = np.bincount(codes[weights > 0], minlength=n_domains).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        corrected = weighted_variance(values, weights, codes, n_domains) * n / (n - 1)
        return np.where(n > 1, corrected / n, np.nan)
