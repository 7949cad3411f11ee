"""The linearised covariance of domain estimates from PSU totals of influence values.

For influence values ``z_i`` of the domain estimates (one column per domain, a row's value in the
column of its own domain), the with-replacement Taylor-linearisation covariance is

``V = Σ_h s_h Σ_{j∈h} (t_hj − c_h S_h)(t_hj − c_h S_h)'``

with ``t_hj`` the PSU totals, ``S_h = Σ_j t_hj`` and ``c_h = 1/n_h`` (``c_h = 0`` for a lonely
stratum under "adjust"); ``s_h`` is the stratum's scale (see
:mod:`anchoring.survey.structure`). It is computed in one pass as
``Σ_j s_j t_j t_j' − Σ_h s_h c_h S_h S_h'`` with sparse PSU × domain matrices, so domains that
share PSUs get their covariance and no Python loop runs over domains or PSUs. This is R's
``svyrecvar`` (``survey:::onestrat``) for a one-stage design.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from anchoring.survey.structure import DesignStructure


def linearised_covariance(
    structure: DesignStructure,
    rows: np.ndarray,
    influence: np.ndarray,
    domain_codes: np.ndarray,
    n_domains: int,
) -> np.ndarray:
    """Return the design covariance matrix of ``n_domains`` estimates.

    Parameters
    ----------
    structure : DesignStructure
        The design's codes and stratum scales.
    rows : numpy.ndarray
        Integer positions of the rows with a non-zero influence value.
    influence : numpy.ndarray
        The influence value of each of those rows (e.g. ``w_i (y_i − ȳ_d) / Σ_d w`` for a
        domain mean).
    domain_codes : numpy.ndarray
        The domain (column) of each of those rows, ``0 .. n_domains − 1``.
    n_domains : int
        Number of domains.

    Returns
    -------
    numpy.ndarray
        The ``n_domains × n_domains`` covariance matrix.
    """
    psu_totals = sparse.csr_matrix(
        (influence, (structure.psu_codes[rows], domain_codes)),
        shape=(structure.n_psu, n_domains),
    )
    # each PSU row times sqrt(s_j), the product diag(sqrt(s)) @ psu_totals without building it
    row_scale = np.sqrt(structure.psu_scale)[
        np.repeat(np.arange(structure.n_psu), np.diff(psu_totals.indptr))
    ]
    scaled = sparse.csr_matrix(
        (psu_totals.data * row_scale, psu_totals.indices, psu_totals.indptr),
        shape=psu_totals.shape,
    )
    cross = np.asarray((scaled.T @ scaled).todense())
    stratum_totals = np.asarray((structure.psu_in_stratum @ psu_totals).todense())
    centre = stratum_totals.T @ (structure.stratum_centring[:, None] * stratum_totals)
    covariance = cross - centre
    return (covariance + covariance.T) / 2
