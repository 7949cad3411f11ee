"""Normal and logit confidence intervals for design-based estimates.

- :func:`normal_interval`: ``estimate ± z·se`` (R: ``confint()`` of ``svymean``/``svyby``).
- :func:`logit_interval`: ``expit(logit p ± t_df · se / (p (1 − p)))``, R's
  ``svyciprop(..., method = "logit")``, whose Wald interval on the logit scale uses the t
  quantile on the design degrees of freedom (computed as R's ``confint.svyglm`` does).

References
----------
Lumley T (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley, section 2.3; the R
help page ``?svyciprop``.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from anchoring.exceptions import DesignError


def check_level(level: float) -> float:
    """Return ``level`` as a float, or raise :class:`DesignError` unless 0 < level < 1."""
    try:
        value = float(level)
    except (TypeError, ValueError) as error:
        raise DesignError(f"level must be a number between 0 and 1, got {level!r}") from error
    if not 0 < value < 1:
        raise DesignError(f"level must be between 0 and 1 (exclusive), got {level!r}")
    return value


def normal_interval(
    estimate: np.ndarray, se: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Return the normal interval ``estimate ± z·se``.

    Parameters
    ----------
    estimate, se : numpy.ndarray
        Estimates and their standard errors.
    level : float
        Confidence level, e.g. 0.95.

    Returns
    -------
    tuple of numpy.ndarray
        Lower and upper limits.
    """
    z = special.ndtri(1 - (1 - level) / 2)  # the normal quantile (scipy.stats.norm.ppf)
    return estimate - z * se, estimate + z * se


def logit_interval(
    proportion: np.ndarray, se: np.ndarray, df: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Return the logit interval of a proportion with t on the design degrees of freedom.

    ``expit(logit p ± t_df · se / (p (1 − p)))``. The t multiplier is computed the way R's
    ``confint.svyglm`` does it, as the normal quantile of the equivalent level
    ``1 − 2 Φ(t_{(1−level)/2, df})``; beyond ``|t| ≈ 8.2`` (df = 1 at the 95 % level) that level
    rounds to 1, the multiplier is infinite and the interval is (0, 1), as in R.

    Parameters
    ----------
    proportion, se : numpy.ndarray
        Estimated proportions and their linearised standard errors.
    df : numpy.ndarray
        Design degrees of freedom of each estimate.
    level : float
        Confidence level, e.g. 0.95.

    Returns
    -------
    tuple of numpy.ndarray
        Lower and upper limits. Where ``se`` is 0 (``p`` is 0 or 1, or every PSU of the domain
        is in a census stratum) both limits equal ``p``: R's ``svyciprop`` reports the same up
        to ~2e-10 (from a logistic fit that does not converge when ``p`` is 0 or 1), or NaN
        when the multiplier is infinite. Where ``df ≤ 0`` the limits are NaN, as in R. R also
        reports NaN rather than 1 for an upper limit of ``expit(∞)``.
    """
    p = np.asarray(proportion, dtype=float)
    df = np.asarray(df, dtype=float)
    tail = (1 - level) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        # Φ(t quantile): special.ndtr = norm.cdf, special.stdtrit(df, q) = t.ppf(q, df)
        t_level = 1 - 2 * special.ndtr(special.stdtrit(np.where(df > 0, df, np.nan), tail))
        normal_tail = (1 - t_level) / 2
        lower_factor = special.ndtri(normal_tail)
        upper_factor = special.ndtri(1 - normal_tail)
        varies = (se > 0) & (p > 0) & (p < 1)
        logit_se = np.where(varies, se / (p * (1 - p)), 0.0)
        centre = special.logit(np.where(varies, p, 0.5))
        low = np.where(varies, special.expit(centre + lower_factor * logit_se), p)
        high = np.where(varies, special.expit(centre + upper_factor * logit_se), p)
    undefined = ~(df > 0) | np.isnan(p)
    return np.where(undefined, np.nan, low), np.where(undefined, np.nan, high)
