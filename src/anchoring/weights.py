"""Design weights, finite population correction, Kish efficiency and raking (methodology §§1, 8).

Each organisation counts once and the responding organisations of a stratum stand for all of it:

``weight = (N_h / n_h) × (1 / m_j)``

with ``N_h`` the frame's PSUs in stratum ``h`` (also the ``fpc`` column), ``n_h`` the responding
PSUs in the stratum, and ``m_j`` the valid respondents of organisation ``j`` (1 for a GP, who is
their own PSU). The weights of a stratum sum to ``N_h``. This is the design of R's
``svydesign(ids = ~psu, strata = ~stratum, fpc = ~fpc, weights = ~weight, nest = TRUE)``.

Weighting efficiency (Kish): ``(Σw)² / (n Σw²)``, 1 for equal weights.

Raking (optional, methodology §1): iterative proportional fitting of the weights to known margins
(e.g. county × size class), :func:`rake_weights`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from anchoring.exceptions import DesignError


def design_weights(frame: pd.DataFrame, psu_n: Mapping[str, int]) -> pd.DataFrame:
    """Design weight and fpc of each respondent.

    Parameters
    ----------
    frame
        One row per kept respondent with ``stratum`` (group-qualified) and ``org_id`` (the PSU;
        for GPs the respondent key).
    psu_n
        Frame PSUs per stratum (``N_h``), e.g. :meth:`anchoring.frames.Frame.psu_n`.

    Returns
    -------
    pandas.DataFrame
        ``fpc`` (int64, ``N_h``) and ``weight`` (float64), index as ``frame``.

    Raises
    ------
    DesignError
        A stratum is not in the frame, or has more responding PSUs than the frame holds.

    Examples
    --------
    >>> rows = pd.DataFrame({"stratum": ["s", "s", "s"], "org_id": ["a", "a", "b"]})
    >>> design_weights(rows, {"s": 10})["weight"].tolist()  # (10/2)·(1/2), (10/2)·(1/2), 10/2
    [2.5, 2.5, 5.0]
    """
    if frame.empty:
        return pd.DataFrame(
            {"fpc": pd.Series(dtype="int64"), "weight": pd.Series(dtype="float64")},
            index=frame.index,
        )
    unknown = sorted(set(pd.unique(frame["stratum"])) - set(psu_n))  # distinct values, not rows
    if unknown:
        raise DesignError(
            f"strata {unknown} are not in the sampling frame; check the frames "
            "and the organisation ids."
        )
    strata, stratum_names = pd.factorize(frame["stratum"])
    orgs, _ = pd.factorize(frame["org_id"])
    pair = strata.astype("int64") * (int(orgs.max()) + 1) + orgs
    pair_index, pairs = pd.factorize(pair)  # hashing: no sort of the rows
    per_pair = np.bincount(pair_index, minlength=len(pairs))
    responding_by_stratum = np.bincount(
        pairs // (int(orgs.max()) + 1), minlength=len(stratum_names)
    )
    population_by_stratum = np.array([int(psu_n[s]) for s in stratum_names], dtype="int64")
    over = [
        s
        for s, n, big_n in zip(
            stratum_names, responding_by_stratum, population_by_stratum, strict=True
        )
        if n > big_n
    ]
    if over:
        raise DesignError(
            f"strata {sorted(over)} have more responding organisations than the frame holds; "
            "supply the round's own frame (round.yaml 'frames')."
        )
    population = population_by_stratum[strata]
    weight = population / responding_by_stratum[strata] / per_pair[pair_index]
    return pd.DataFrame(
        {"fpc": population.astype("int64"), "weight": weight.astype("float64")}, index=frame.index
    )


def kish_efficiency(weights: pd.Series | np.ndarray) -> float:
    """Kish's weighting efficiency ``(Σw)² / (n Σw²)`` (methodology §8); NaN for no weights."""
    w = np.asarray(weights, dtype="float64")
    if len(w) == 0 or not np.any(w):
        return float("nan")
    return float(w.sum() ** 2 / (len(w) * np.square(w).sum()))


def rake_weights(
    frame: pd.DataFrame,
    weights: pd.Series,
    margins: Mapping[str, Mapping[str, float]],
    max_iterations: int = 100,
    tolerance: float = 1e-10,
) -> pd.Series:
    """Rake weights to population margins by iterative proportional fitting.

    Parameters
    ----------
    frame
        Respondent rows holding one column per margin variable.
    weights
        Starting (design) weights.
    margins
        Variable → level → population total. Every level present in ``frame`` needs a total.
    max_iterations, tolerance
        Stop when the largest relative margin error is below ``tolerance``.

    Returns
    -------
    pandas.Series
        Raked weights, index as ``frame``.

    Raises
    ------
    DesignError
        A level has no total, or the fitting does not converge.
    """
    raked = weights.astype("float64").copy()
    for variable, totals in margins.items():
        missing = sorted(set(frame[variable].astype(str)) - {str(k) for k in totals})
        if missing:
            raise DesignError(f"raking: margin '{variable}' has no population total for {missing}.")
    for _ in range(max_iterations):
        worst = 0.0
        for variable, totals in margins.items():
            levels = frame[variable].astype(str)
            target = levels.map({str(k): float(v) for k, v in totals.items()})
            current = raked.groupby(levels).transform("sum")
            worst = max(worst, float(np.max(np.abs(current / target - 1))))
            raked = raked * target / current
        if worst < tolerance:
            return raked
    raise DesignError(
        f"raking did not converge in {max_iterations} iterations; check that the "
        "margins are consistent (equal grand totals)."
    )
