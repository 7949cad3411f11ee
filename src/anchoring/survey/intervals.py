"""Normal, t, logit and Korn–Graubard confidence intervals for design-based estimates.

- :func:`normal_interval`: ``estimate ± z·se`` (R: ``confint()`` of ``svymean``/``svyby``).
- :func:`t_interval`: ``estimate ± t_df·se`` on the design degrees of freedom (R:
  ``confint(..., df = degf(subset(des, dom)))``).
- :func:`logit_interval`: ``expit(logit p ± t_df · se / (p (1 − p)))``, R's
  ``svyciprop(..., method = "logit")``, whose Wald interval on the logit scale uses the t
  quantile on the design degrees of freedom (computed as R's ``confint.svyglm`` does).
- :func:`beta_interval`: Korn and Graubard's (1998) Clopper–Pearson interval on the
  effective sample size, R's ``svyciprop(..., method = "beta")``.

References
----------
Lumley T (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley, section 2.3; the R
help page ``?svyciprop``.
Korn EL, Graubard BI (1998). Confidence intervals for proportions with small expected number of
positive counts estimated from survey data. *Survey Methodology* 24, 193–201.
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


def t_interval(
    estimate: np.ndarray, se: np.ndarray, df: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Return the interval ``estimate ± t_df · se`` on the design degrees of freedom.

    R: ``confint(svymean(~y, subset(des, dom), na.rm = TRUE), df = degf(subset(des, dom)))``
    (``confint.svystat`` with ``df``). Where ``df ≤ 0`` the limits are NaN (no variance
    estimate to speak of), where R's ``qt`` gives NaN too.

    Parameters
    ----------
    estimate, se : numpy.ndarray
        Estimates and their standard errors.
    df : numpy.ndarray
        Degrees of freedom of each estimate.
    level : float
        Confidence level, e.g. 0.95.

    Returns
    -------
    tuple of numpy.ndarray
        Lower and upper limits.
    """
    df = np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore"):
        t = special.stdtrit(np.where(df > 0, df, np.nan), 1 - (1 - level) / 2)
    return estimate - t * se, estimate + t * se


def beta_interval(
    proportion: np.ndarray,
    se: np.ndarray,
    n_answered: np.ndarray,
    n_rows: np.ndarray,
    df: np.ndarray,
    level: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the Korn–Graubard interval of a proportion (R: ``svyciprop(method = "beta")``).

    The Clopper–Pearson interval on the degrees-of-freedom-adjusted effective sample size
    (Korn & Graubard 1998): ``n* = p (1 − p) / se² · (t_{n−1} / t_df)²`` with ``n`` the rows
    of the domain (R's ``nrow(design)``: rows whose item is missing count) and ``df`` the
    domain's design degrees of freedom; the limits are the beta quantiles
    ``B(α/2; n* p, n* (1 − p) + 1)`` and ``B(1 − α/2; n* p + 1, n* (1 − p))``.

    Where ``p`` is 0 or 1 the variance is 0 and R's ``n*`` is 0/0 (its limits are NaN). As
    Korn & Graubard (1998) and the NCHS standards for proportions (Parker et al. 2017) do,
    the effective sample size is then the actual one (the domain's answered rows, adjusted
    for the degrees of freedom as above): the interval is ``[0, 1 − (α/2)^{1/n*}]`` at 0 %,
    never of zero width. Where the variance is 0 with ``0 < p < 1`` (every PSU of the domain
    in a census stratum) the interval is ``[p, p]``, the limit of the formula as ``n*`` grows
    (R gives 0.5 for both limits there, from ``qbeta`` with infinite parameters).

    Parameters
    ----------
    proportion, se : numpy.ndarray
        Estimated proportions and their linearised standard errors.
    n_answered : numpy.ndarray
        Rows of the domain with an answer and a non-zero weight.
    n_rows : numpy.ndarray
        Rows of the domain, answered or not.
    df : numpy.ndarray
        Design degrees of freedom of the domain.
    level : float
        Confidence level.

    Returns
    -------
    tuple of numpy.ndarray
        Lower and upper limits; NaN where ``df ≤ 0`` or the domain has one row, as in R.

    References
    ----------
    Korn EL, Graubard BI (1998). Confidence intervals for proportions with small expected
    number of positive counts estimated from survey data. *Survey Methodology* 24, 193–201.
    Parker JD, Talih M, Malec DJ et al. (2017). National Center for Health Statistics data
    presentation standards for proportions. *Vital Health Stat* 2(175).
    """
    p = np.asarray(proportion, dtype=float)
    alpha = 1 - level
    with np.errstate(divide="ignore", invalid="ignore"):
        t_rows = special.stdtrit(np.where(n_rows > 1, n_rows - 1.0, np.nan), alpha / 2)
        t_design = special.stdtrit(np.where(df > 0, df, np.nan), alpha / 2)
        boundary = (p == 0) | (p == 1)
        variance = np.asarray(se, dtype=float) ** 2
        n_effective = np.where(boundary, n_answered, p * (1 - p) / variance)
        n_star = n_effective * (t_rows / t_design) ** 2
        low = special.betaincinv(n_star * p, n_star * (1 - p) + 1, alpha / 2)
        high = special.betaincinv(n_star * p + 1, n_star * (1 - p), 1 - alpha / 2)
    low = np.where(p == 0, 0.0, low)
    high = np.where(p == 1, 1.0, high)
    degenerate = ~boundary & (variance == 0)
    low = np.where(degenerate, p, low)
    high = np.where(degenerate, p, high)
    undefined = np.isnan(t_rows) | np.isnan(t_design) | np.isnan(p)
    return np.where(undefined, np.nan, low), np.where(undefined, np.nan, high)
