"""The linearised covariance of domain estimates from unit totals of influence values.

For influence values ``z_i`` of the domain estimates (one column per domain, a row's value in the
column of its own domain), each sampling stage (:mod:`anchoring.survey.stages`) contributes

``V_stage = Σ_g Σ_{u∈g} s_u (t_u − c_g T_g)(t_u − c_g T_g)'``

with ``t_u`` the unit totals (PSUs in strata; secondary units in PSUs), ``T_g = Σ_{u∈g} t_u``
and ``c_g = 1/n_g`` (0 for a lonely unit under "adjust"), and ``V`` is the sum over stages. A
stage is computed in one pass as ``Σ_u s_u t_u t_u' − Σ_g (s_g/n_g) T_g T_g'`` with sparse
unit × domain matrices, so domains that share units get their covariance and no Python loop runs
over domains or units. This is R's ``svyrecvar`` (``survey:::multistage`` and
``survey:::onestrat``).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from anchoring.survey.stages import StageVariance
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
        The design's codes and stages.
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
    covariance = sum(
        _stage_covariance(stage, rows, influence, domain_codes, n_domains)
        for stage in structure.stages
    )
    return (covariance + covariance.T) / 2


def _stage_covariance(
    stage: StageVariance,
    rows: np.ndarray,
    influence: np.ndarray,
    domain_codes: np.ndarray,
    n_domains: int,
) -> np.ndarray:
    """One stage's term ``Σ_u s_u t_u t_u' − Σ_g (s_g/n_g) T_g T_g'``."""
    unit_totals = sparse.csr_matrix(
        (influence, (stage.unit_codes[rows], domain_codes)), shape=(stage.n_units, n_domains)
    )
    # each unit's row times sqrt(s_u): diag(sqrt(s)) @ unit_totals without building it
    row_scale = np.sqrt(stage.unit_scale)[
        np.repeat(np.arange(stage.n_units), np.diff(unit_totals.indptr))
    ]
    scaled = sparse.csr_matrix(
        (unit_totals.data * row_scale, unit_totals.indices, unit_totals.indptr),
        shape=unit_totals.shape,
    )
    cross = np.asarray((scaled.T @ scaled).todense())
    group_totals = np.asarray((stage.unit_in_group @ unit_totals).todense())
    centre = group_totals.T @ (stage.group_centring[:, None] * group_totals)
    return cross - centre
