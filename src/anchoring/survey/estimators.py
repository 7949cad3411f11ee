"""Point estimates and linearised covariances of domain means and totals.

Influence values (Lumley 2010, section 2.3 and appendix C; Binder 1983):

- domain total ``Σ_{i∈d} w_i y_i``: ``z_i = w_i y_i``;
- domain mean ``ȳ_d = Σ_{i∈d} w_i y_i / Σ_{i∈d} w_i``: ``z_i = w_i (y_i − ȳ_d) / Σ_{i∈d} w_i``;

for the rows of the domain with a value, zero elsewhere (R ``svyby(..., na.rm = TRUE)``). The
covariance across domains comes from :func:`anchoring.survey.variance.linearised_covariance`.

References
----------
Binder DA (1983). On the variances of asymptotically normal estimators from complex surveys.
*International Statistical Review* 51, 279–292.
Lumley T (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from anchoring.survey.domains import Domains
from anchoring.survey.structure import DesignStructure
from anchoring.survey.variance import linearised_covariance


@dataclass(frozen=True)
class DomainEstimates:
    """Point estimates of a statistic in every domain, their covariance and row counts."""

    estimate: np.ndarray
    covariance: np.ndarray
    n: np.ndarray

    @property
    def se(self) -> np.ndarray:
        """Standard errors: square roots of the covariance diagonal."""
        return np.sqrt(np.clip(np.diag(self.covariance), 0.0, None))


def domain_means(
    structure: DesignStructure, values: np.ndarray, domains: Domains
) -> DomainEstimates:
    """Return the weighted mean of ``values`` in every domain and their covariance.

    Parameters
    ----------
    structure : DesignStructure
        The design's codes.
    values : numpy.ndarray
        The variable, NaN where missing.
    domains : Domains
        The domains.

    Returns
    -------
    DomainEstimates
        A domain without any answered row gets NaN (R returns 0 with SE 0).
    """
    rows = np.flatnonzero((domains.codes >= 0) & ~np.isnan(values))
    codes, weights = domains.codes[rows], structure.weights[rows]
    weight_sum = np.bincount(codes, weights=weights, minlength=domains.count)
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = (
            np.bincount(codes, weights=weights * values[rows], minlength=domains.count) / weight_sum
        )
        influence = weights * (values[rows] - estimate[codes]) / weight_sum[codes]
    covariance = linearised_covariance(structure, rows, influence, codes, domains.count)
    empty = weight_sum == 0
    covariance[empty, :] = np.nan
    covariance[:, empty] = np.nan
    n = np.bincount(codes[weights > 0], minlength=domains.count)
    return DomainEstimates(estimate, covariance, n)


def domain_totals(
    structure: DesignStructure, values: np.ndarray, domains: Domains
) -> DomainEstimates:
    """Return the estimated population total of ``values`` in every domain.

    Parameters
    ----------
    structure : DesignStructure
        The design's codes.
    values : numpy.ndarray
        The variable, NaN where missing (zero contribution).
    domains : Domains
        The domains.

    Returns
    -------
    DomainEstimates
    """
    rows = np.flatnonzero((domains.codes >= 0) & ~np.isnan(values))
    codes, weights = domains.codes[rows], structure.weights[rows]
    influence = weights * values[rows]
    estimate = np.bincount(codes, weights=influence, minlength=domains.count)
    covariance = linearised_covariance(structure, rows, influence, codes, domains.count)
    n = np.bincount(codes[weights > 0], minlength=domains.count)
    return DomainEstimates(estimate, covariance, n)
