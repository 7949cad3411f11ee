"""The linearised covariance of domain estimates from unit totals of influence values.

For influence values ``z_i`` of the domain estimates (one column per domain, a row's value in the
column of its own domain), each sampling stage (:mod:`anchoring.survey.stages`) contributes

``V_stage = Σ_g Σ_{u∈g} s_u (t_u − c_g T_g)(t_u − c_g T_g)'``

with ``t_u`` the unit totals (PSUs in strata; secondary units in PSUs), ``T_g = Σ_{u∈g} t_u``
and ``c_g = 1/n_g`` (0 for a lonely unit under "adjust"), and ``V`` is the sum over stages. A
stage is computed in one pass as ``Σ_u s_u t_u t_u' − Σ_g (s_g/n_g) T_g T_g'`` with sparse
unit × domain matrices, so domains that share units get their covariance and no Python loop runs
over domains or units. This is R's ``svyrecvar`` (``survey:::multistage`` and
``survey:::onestrat``). A calibrated design first replaces the influence values by their
g-weighted calibration residuals (:mod:`anchoring.survey.calibration`), as ``svyrecvar`` does
with the design's ``postStrata``.
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
    if structure.calibrations:
        # calibration spreads every domain's influence values over all rows
        dense = np.zeros((structure.weights.size, n_domains))
        np.add.at(dense, (rows, domain_codes), influence)
        return influence_covariance(structure, dense)
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
    if stage.one_row_per_unit:
        # a unit total is one row's influence value, in the column of its domain only, so
        # Σ_u s_u t_u t_u' is diagonal
        squares = stage.unit_scale[stage.unit_codes[rows]] * influence**2
        cross = np.diag(np.bincount(domain_codes, weights=squares, minlength=n_domains))
    else:
        unit_totals = _totals(
            stage.unit_codes[rows], domain_codes, influence, stage.n_units, n_domains
        )
        cross = _weighted_gram(unit_totals, stage.unit_scale)
    group_totals = _totals(
        stage.row_groups[rows], domain_codes, influence, stage.n_groups, n_domains
    )
    return cross - _weighted_gram(group_totals, stage.group_centring)


def _totals(
    codes: np.ndarray, domain_codes: np.ndarray, values: np.ndarray, n: int, n_domains: int
) -> sparse.csr_matrix:
    """Sum ``values`` into a sparse ``n × n_domains`` table by (code, domain)."""
    return sparse.csr_matrix((values, (codes, domain_codes)), shape=(n, n_domains))


def _weighted_gram(totals: sparse.csr_matrix, weights: np.ndarray) -> np.ndarray:
    """Return ``Σ_k w_k t_k t_k'`` over the rows ``t_k`` of a totals table.

    Sparse throughout: a unit has values in few domains, and a dense product of a tall table
    would call multi-threaded BLAS, which stalls on a busy 2-core machine.
    """
    row_weights = np.repeat(weights, np.diff(totals.indptr))
    weighted = sparse.csr_matrix(
        (totals.data * row_weights, totals.indices, totals.indptr), shape=totals.shape
    )
    return (totals.T @ weighted).toarray()


def influence_covariance(structure: DesignStructure, influence: np.ndarray) -> np.ndarray:
    """Return the design covariance of estimates with a dense matrix of influence values.

    The general form of :func:`linearised_covariance` for influence values that a row holds in
    several columns at once: the estimating-function scores of a regression (one column per
    coefficient), or any influence values after calibration, which the g-weighted residuals
    spread to every row (:mod:`anchoring.survey.calibration`). This is R's ``svyrecvar``
    applied to an ``n × k`` matrix.

    Parameters
    ----------
    structure : DesignStructure
        The design's codes, stages and calibrations.
    influence : numpy.ndarray
        ``(n_rows, k)`` influence values, zero for rows that do not contribute.

    Returns
    -------
    numpy.ndarray
        The ``k × k`` covariance matrix.
    """
    values = np.asarray(influence, dtype=float)
    for calibration in structure.calibrations:
        values = calibration.residuals(values)
    covariance = sum(_dense_stage_covariance(stage, values) for stage in structure.stages)
    return (covariance + covariance.T) / 2


def _dense_stage_covariance(stage: StageVariance, values: np.ndarray) -> np.ndarray:
    """One stage's term ``Σ_u s_u t_u t_u' − Σ_g (s_g/n_g) T_g T_g'`` for dense values."""
    unit_totals = _sum_rows(stage.unit_codes, values, stage.n_units)
    group_totals = _sum_rows(stage.row_groups, values, stage.n_groups)
    cross = unit_totals.T @ (unit_totals * stage.unit_scale[:, None])
    return cross - group_totals.T @ (group_totals * stage.group_centring[:, None])


def _sum_rows(codes: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Sum the rows of ``values`` by code into an ``n × k`` array."""
    rows = np.arange(codes.size)
    indicator = sparse.csr_matrix((np.ones(codes.size), (codes, rows)), shape=(n, codes.size))
    return np.asarray(indicator @ values)
