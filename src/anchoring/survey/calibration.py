"""Raking: calibrating design weights to population margins, with the calibration in the variance.

Raking (Deville & Särndal 1992, the "raking ratio" distance) multiplies each design weight
``d_i`` by ``g_i = exp(x_i' λ)``, where ``x_i`` holds an intercept and the indicators of the
row's level of every margin variable (the first level of each left out), and ``λ`` solves the
calibration equations ``Σ_i d_i g_i x_i = T`` for the population totals ``T``. The solution is
found by Newton's method from ``λ = 0``, as R's ``survey:::grake`` does, and iterated to full
convergence (R stops when every misfit is below ``1e-7 (1 + |T|)``).

The variance of an estimator from the calibrated weights is that of its *calibration
residuals*: each influence value ``z_i`` is replaced by ``w_i e_i`` with ``e_i`` the residual of
``z_i / w_i`` in a regression on ``x_i`` weighted by the design weights ``d_i`` (``w_i = d_i
g_i``; Deville & Särndal 1992, section 3; Lumley 2010, section 7.3). This is R's
``calibrate(des, ~a + b, population = ..., calfun = "raking")``: it stores the QR decomposition
of ``x_i √d_i`` and ``svyrecvar`` takes ``qr.resid(qr, z / (g √d)) · g √d`` before summing over
the design's stages.

References
----------
Deville JC, Särndal CE (1992). Calibration estimators in survey sampling. *Journal of the
American Statistical Association* 87, 376–382.
Lumley T (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley, chapter 7.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from anchoring.exceptions import DesignError

CONVERGENCE_TOLERANCE = 1e-11
"""Newton stops when every ``|T − Σ w x| / (1 + |T|)`` is below this."""
MAX_ITERATIONS = 50
TOTALS_TOLERANCE = 1e-9
"""Relative difference allowed between the grand totals of two margins."""

Margins = Mapping[str, Mapping[object, float]]


@dataclass(frozen=True)
class Calibration:
    """One calibration of a design's weights, as the variance needs it.

    Attributes
    ----------
    basis : numpy.ndarray
        ``(n_rows, p)`` orthonormal basis of the columns of ``x_i √d_i`` (the Q of its QR
        decomposition, R's ``tqr``).
    scale : numpy.ndarray
        Per row ``g_i √d_i`` (R's ``w`` of the calibration), 0 where ``d_i`` is 0.
    """

    basis: np.ndarray
    scale: np.ndarray

    def residuals(self, influence: np.ndarray) -> np.ndarray:
        """Return the g-weighted calibration residuals of ``(n_rows, k)`` influence values."""
        with np.errstate(divide="ignore", invalid="ignore"):
            scaled = np.where(self.scale[:, None] > 0, influence / self.scale[:, None], 0.0)
        residual = scaled - self.basis @ (self.basis.T @ scaled)
        return residual * self.scale[:, None]


def rake(
    data: pd.DataFrame, weights: np.ndarray, margins: Margins
) -> tuple[np.ndarray, Calibration]:
    """Rake design weights to population margins.

    Parameters
    ----------
    data : pandas.DataFrame
        The design's rows.
    weights : numpy.ndarray
        The weights to calibrate (≥ 0); rows of weight 0 stay at 0.
    margins : mapping
        ``{variable: {level: population total}}``; the grand total (the intercept) is the sum
        of any margin, and every margin must have the same sum.

    Returns
    -------
    tuple
        The calibrated weights and the :class:`Calibration` for the variance.

    Raises
    ------
    DesignError
        If a margin variable is not a column or has missing values, a level of the data has
        no population total or a population total has no rows, a total is not a positive
        number, the margins' grand totals disagree, the margins are collinear in the data, or
        raking does not converge.
    """
    matrix, totals = margin_matrix(data, weights, margins)
    scaled = matrix * np.sqrt(weights)[:, None]
    if np.linalg.matrix_rank(scaled) < matrix.shape[1]:
        raise DesignError(
            f"the raking margins {list(margins)} are collinear in the data (a level of one "
            "margin holds exactly the rows of a level of another); merge those levels or drop "
            "one margin"
        )
    factors = raking_factors(matrix, weights, totals)
    basis, _ = np.linalg.qr(scaled)
    return weights * factors, Calibration(basis=basis, scale=factors * np.sqrt(weights))


def raking_factors(matrix: np.ndarray, weights: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Solve ``Σ_i d_i exp(x_i' λ) x_i = T`` by Newton's method and return ``g = exp(X λ)``.

    Parameters
    ----------
    matrix : numpy.ndarray
        ``(n_rows, p)`` calibration variables ``x_i`` (intercept and level indicators).
    weights : numpy.ndarray
        Design weights ``d_i``.
    totals : numpy.ndarray
        Population totals ``T``.

    Returns
    -------
    numpy.ndarray
        The g-weights.

    Raises
    ------
    DesignError
        If the equations are not solved within ``MAX_ITERATIONS`` steps.
    """
    coefficients = np.zeros(matrix.shape[1])
    factors = np.ones(matrix.shape[0])
    for _ in range(MAX_ITERATIONS):
        misfit = totals - matrix.T @ (weights * factors)
        if np.all(np.abs(misfit) / (1 + np.abs(totals)) < CONVERGENCE_TOLERANCE):
            return factors
        jacobian = matrix.T @ (matrix * (weights * factors)[:, None])
        step = np.linalg.solve(jacobian, misfit)
        coefficients, factors = _take_step(matrix, coefficients, step)
    worst = np.max(np.abs(misfit) / (1 + np.abs(totals)))
    raise DesignError(
        f"raking did not reach the population margins in {MAX_ITERATIONS} iterations (largest "
        f"relative misfit {worst:.2g}); the margins cannot be met with positive weights from "
        "these rows: check the totals against the frame, or merge small levels"
    )


def _take_step(
    matrix: np.ndarray, coefficients: np.ndarray, step: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Take a Newton step, halving it while the g-weights overflow (as R's ``grake``)."""
    for _ in range(MAX_ITERATIONS):
        with np.errstate(over="ignore"):
            factors = np.exp(matrix @ (coefficients + step))
        if np.all(np.isfinite(factors)):
            break
        step = step / 2
    return coefficients + step, factors


def margin_matrix(
    data: pd.DataFrame, weights: np.ndarray, margins: Margins
) -> tuple[np.ndarray, np.ndarray]:
    """Return the calibration variables and their population totals.

    The columns are an intercept, then for each margin the indicators of its levels but the
    first (in the order given), R's ``model.matrix(~a + b)`` with treatment contrasts.

    Parameters
    ----------
    data : pandas.DataFrame
        The design's rows.
    weights : numpy.ndarray
        Design weights; levels are checked among the rows of positive weight.
    margins : mapping
        ``{variable: {level: population total}}``.

    Returns
    -------
    tuple of numpy.ndarray
        ``(n_rows, p)`` matrix and ``p`` totals.
    """
    if not isinstance(margins, Mapping) or not margins:
        raise DesignError(
            f"rake() needs margins as {{variable: {{level: population total}}}}, got {margins!r}"
        )
    columns = [np.ones(len(data))]
    totals: list[float] = []
    grand_totals: dict[str, float] = {}
    for variable, levels in margins.items():
        labels = _margin_labels(data, weights, variable, levels)
        level_totals = _level_totals(variable, levels)
        grand_totals[variable] = sum(level_totals.values())
        for level in list(level_totals)[1:]:
            columns.append((labels == level).astype(float))
            totals.append(level_totals[level])
    _check_grand_totals(grand_totals)
    grand = next(iter(grand_totals.values()))
    return np.column_stack(columns), np.array([grand, *totals])


def _level_totals(variable: str, levels: Mapping[object, float]) -> dict[str, float]:
    """Return ``{str(level): total}``, each total a positive finite number."""
    totals: dict[str, float] = {}
    for level, total in levels.items():
        try:
            value = float(total)
        except (TypeError, ValueError):
            value = np.nan
        if not np.isfinite(value) or value <= 0:
            raise DesignError(
                f"raking margin '{variable}': the population total of level '{level}' is "
                f"{total!r}; give a positive number (the count of units in the population)"
            )
        totals[str(level)] = value
    return totals


def _margin_labels(
    data: pd.DataFrame, weights: np.ndarray, variable: str, levels: object
) -> np.ndarray:
    """Return the margin variable's values as text, checked against the margin's levels."""
    if variable not in data.columns:
        raise DesignError(
            f"raking margin '{variable}' is not a column of the data; the data has columns "
            f"{', '.join(map(str, data.columns))}"
        )
    if not isinstance(levels, Mapping) or not levels:
        raise DesignError(
            f"raking margin '{variable}' must map each level to its population total, got "
            f"{levels!r}"
        )
    series = data[variable]
    used = weights > 0
    missing = series.isna().to_numpy() & used
    if missing.any():
        row = data.index[int(np.flatnonzero(missing)[0])]
        raise DesignError(
            f"raking margin '{variable}' has {int(missing.sum())} missing value(s) (first at "
            f"row {row!r}); every row must have a level of a margin variable"
        )
    labels = series.astype(str).to_numpy()
    in_data = set(labels[used])
    given = {str(level) for level in levels}
    _check_levels(variable, sorted(in_data - given), sorted(given - in_data))
    return labels


def _check_levels(variable: str, without_total: list[str], without_rows: list[str]) -> None:
    if without_total:
        raise DesignError(
            f"raking margin '{variable}': level(s) {without_total} occur in the data but have "
            "no population total; add their totals to the margin"
        )
    if without_rows:
        raise DesignError(
            f"raking margin '{variable}': level(s) {without_rows} have a population total but "
            "no responding rows, so no weight can reach it; merge them with a neighbouring "
            "level in both the data and the margin"
        )


def _check_grand_totals(grand_totals: dict[str, float]) -> None:
    values = list(grand_totals.values())
    reference = values[0]
    for variable, value in grand_totals.items():
        if abs(value - reference) > TOTALS_TOLERANCE * max(abs(reference), 1.0):
            first = next(iter(grand_totals))
            raise DesignError(
                f"raking margins disagree on the population size: '{first}' sums to "
                f"{reference:g} but '{variable}' sums to {value:g}; every margin must count "
                "the same population"
            )
