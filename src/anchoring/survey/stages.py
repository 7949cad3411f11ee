"""The sampling stages of a design, each one term of the linearised covariance.

A stage has *units* (PSUs at the first stage, secondary units inside a PSU at the second) nested
in *groups* (strata at the first stage, the PSUs themselves at the second). Its share of the
covariance of estimates with influence values ``z_i`` is

``Σ_g Σ_{u∈g} s_u (t_u − c_g T_g)(t_u − c_g T_g)'``

with ``t_u`` the unit totals of ``z``, ``T_g = Σ_{u∈g} t_u``, ``s_u`` the unit's scale and
``c_g = 1/n_g`` the centring at the group mean (``c_g = 0`` for a lonely unit under "adjust").
:func:`anchoring.survey.variance.linearised_covariance` sums the stages.

The second stage follows R's ``survey:::multistage``: for
``svydesign(ids = ~psu + ssu, strata = ~stratum, fpc = ~fpc + ssu_fpc, nest = TRUE)`` the
second-stage term of PSU ``j`` in stratum ``h`` is ``survey:::onestrat`` applied to the
secondary units of ``j`` (one stratum per PSU), multiplied by ``n_h / N_h``, the first-stage
sampling fraction. So it vanishes when PSUs are sampled with replacement (no fpc: R's ultimate
cluster estimator) and is the whole variance of a census stratum. Within a PSU with ``m_j``
secondary units out of ``M_j`` (``ssu_fpc``; infinite: with replacement),
``s = f_j m_j / (m_j − 1)`` with ``f_j = (M_j − m_j) / M_j``; a PSU with one secondary unit is
lonely and gets ``s = f_j`` uncentred under "adjust", nothing under "remove" and "certainty".

References
----------
Lumley T (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley, section 3.2 (multistage
sampling: with a first-stage fpc the later stages must be given).
Särndal CE, Swensson B, Wretman J (1992). *Model Assisted Survey Sampling*. Springer,
section 4.3 (two-stage sampling variance).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from anchoring.exceptions import DesignError
from anchoring.survey.columns import label_codes

CENSUS_TOLERANCE = 1e-7
"""A stage whose finite population correction is below this is a census (R's ``onestrat``)."""


@dataclass(frozen=True)
class StageVariance:
    """One stage's units, their groups and variance scales.

    Attributes
    ----------
    unit_codes : numpy.ndarray
        Unit code of every row, ``0 .. n_units − 1``.
    row_groups : numpy.ndarray
        Group code of every row (the group of its unit), ``0 .. n_groups − 1``.
    unit_scale : numpy.ndarray
        Per unit, the scale ``s_u`` of its squared (centred) total.
    group_centring : numpy.ndarray
        Per group, the weight ``s_g / n_g`` of the ``T_g T_g'`` term subtracted when centring
        the unit totals at the group mean (0 where the totals are not centred).
    one_row_per_unit : bool
        Every unit is a single row (respondents as secondary units), so a unit's total is its
        row's value and the variance can skip forming unit totals.
    """

    unit_codes: np.ndarray
    row_groups: np.ndarray
    unit_scale: np.ndarray
    group_centring: np.ndarray
    one_row_per_unit: bool = False

    @property
    def n_units(self) -> int:
        """Number of units of the stage."""
        return int(self.unit_scale.size)

    @property
    def n_groups(self) -> int:
        """Number of groups of the stage."""
        return int(self.group_centring.size)


def stage_variance(
    unit_codes: np.ndarray,
    unit_group: np.ndarray,
    group_scale: np.ndarray,
    lonely: np.ndarray,
    sampled: np.ndarray,
) -> StageVariance:
    """Assemble a stage from its codes and per-group scales.

    Parameters
    ----------
    unit_codes : numpy.ndarray
        Unit code of every row.
    unit_group : numpy.ndarray
        Group code of every unit.
    group_scale : numpy.ndarray
        Per group, the scale of its units' squared totals (already 0 where the group gives no
        variance).
    lonely : numpy.ndarray
        Per group, true where its single unit's total is not centred ("adjust").
    sampled : numpy.ndarray
        Per group, the number of sampled units.

    Returns
    -------
    StageVariance
    """
    centring = np.where(lonely, 0.0, group_scale / np.maximum(sampled, 1))
    return StageVariance(
        unit_codes=unit_codes,
        row_groups=unit_group[unit_codes],
        unit_scale=group_scale[unit_group],
        group_centring=centring,
        one_row_per_unit=unit_group.size == unit_codes.size,
    )


def stage_scales(
    sampled: np.ndarray, population: np.ndarray, lonely_psu: str
) -> tuple[np.ndarray, np.ndarray]:
    """Return the scale of every group of a stage and which groups are lonely and uncentred.

    Parameters
    ----------
    sampled : numpy.ndarray
        Per group, the number of sampled units ``n``.
    population : numpy.ndarray
        Per group, the population number of units ``N`` (``inf``: with replacement).
    lonely_psu : {"adjust", "fail", "remove", "certainty"}
        Treatment of a group with one sampled unit (the caller raises for "fail").

    Returns
    -------
    tuple of numpy.ndarray
        ``f n / (n − 1)`` per group (``f`` for a lonely group under "adjust", 0 for a census or
        a lonely group under "remove"/"certainty") and the boolean "lonely and uncentred".
    """
    fraction = correction_factor(sampled, population)
    lonely = sampled == 1
    many = np.maximum(sampled, 2)
    scale = np.where(lonely, fraction, fraction * many / (many - 1))
    if lonely_psu in ("remove", "certainty"):
        scale = np.where(lonely, 0.0, scale)
    return scale, lonely


def correction_factor(sampled: np.ndarray, population: np.ndarray) -> np.ndarray:
    """Return the finite population correction ``(N − n) / N`` (1 for ``N = inf``, 0 for a census).

    Parameters
    ----------
    sampled, population : numpy.ndarray
        ``n`` and ``N`` per group.

    Returns
    -------
    numpy.ndarray
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = np.where(np.isinf(population), 1.0, (population - sampled) / population)
    return np.where(fraction < CENSUS_TOLERANCE, 0.0, fraction)


def second_stage(
    data: pd.DataFrame,
    ssu: str | None,
    ssu_fpc: str | None,
    psu_codes: np.ndarray,
    first_stage_fraction: np.ndarray,
    lonely_psu: str,
) -> StageVariance:
    """Build the second stage: the secondary units inside each PSU.

    Parameters
    ----------
    data : pandas.DataFrame
        The respondent rows.
    ssu : str or None
        Column of secondary units, unique within a PSU; None: every row is its own unit.
    ssu_fpc : str or None
        Column with the population number of secondary units in the row's PSU (``M_j``,
        constant within a PSU, ``inf`` allowed); None: with replacement.
    psu_codes : numpy.ndarray
        PSU code of every row.
    first_stage_fraction : numpy.ndarray
        Per PSU, its stratum's first-stage sampling fraction ``n_h / N_h`` (0 without an fpc).
    lonely_psu : {"adjust", "fail", "remove", "certainty"}
        Treatment of a PSU with a single secondary unit.

    Returns
    -------
    StageVariance

    Raises
    ------
    DesignError
        For missing secondary-unit labels, an invalid ``ssu_fpc``, or a PSU with a single
        secondary unit (not a census) under ``lonely_psu="fail"``.
    """
    n_psu = first_stage_fraction.size
    unit_codes, unit_psu = _secondary_codes(data, ssu, psu_codes, n_psu)
    sampled = np.bincount(unit_psu, minlength=n_psu)
    population = _secondary_population(data, ssu_fpc, psu_codes, sampled)
    scale, lonely = stage_scales(sampled, population, lonely_psu)
    failing = np.flatnonzero(lonely & (scale > 0) & (first_stage_fraction > 0))
    if lonely_psu == "fail" and failing.size:
        row = int(np.flatnonzero(psu_codes == failing[0])[0])
        raise DesignError(
            f"the PSU of row {data.index[row]!r} has only one secondary unit (column "
            f"'{ssu}') and lonely_psu='fail'; choose lonely_psu='adjust', 'remove' or "
            "'certainty', or give ssu_fpc = 1 where that unit is the whole PSU"
        )
    return stage_variance(
        unit_codes,
        unit_psu,
        first_stage_fraction * scale,
        lonely & (lonely_psu == "adjust"),
        sampled,
    )


def range_per_group(
    values: np.ndarray, codes: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return the smallest and largest value in each group (to check a per-group constant).

    Parameters
    ----------
    values : numpy.ndarray
        One value per row.
    codes : numpy.ndarray
        The group code of every row, ``0 .. n_groups − 1``.
    n_groups : int
        Number of groups.

    Returns
    -------
    tuple of numpy.ndarray
        Per group the minimum and the maximum (``inf`` and ``-inf`` for an empty group).
    """
    low = np.full(n_groups, np.inf)
    np.minimum.at(low, codes, values)
    high = np.full(n_groups, -np.inf)
    np.maximum.at(high, codes, values)
    return low, high


def _secondary_codes(
    data: pd.DataFrame, ssu: str | None, psu_codes: np.ndarray, n_psu: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return the secondary-unit code of every row (nested in its PSU) and each unit's PSU."""
    if ssu is None:
        return np.arange(len(data), dtype=np.int64), psu_codes.copy()
    labels, index = label_codes(data, ssu, "ssu", sort=False)
    codes, unique_keys = pd.factorize(psu_codes * len(index) + labels)
    return codes.astype(np.int64), (unique_keys // len(index)).astype(np.int64)


def _secondary_population(
    data: pd.DataFrame, ssu_fpc: str | None, psu_codes: np.ndarray, sampled: np.ndarray
) -> np.ndarray:
    """Return ``M_j`` per PSU (``inf`` without an ``ssu_fpc``), checked against the sample."""
    if ssu_fpc is None:
        return np.full(sampled.size, np.inf)
    series = data[ssu_fpc]
    if not pd.api.types.is_numeric_dtype(series):
        raise DesignError(
            f"column '{ssu_fpc}' used as ssu_fpc is not numeric (dtype {series.dtype}); "
            "give the population number of secondary units in the PSU"
        )
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    bad = np.isnan(values)
    if bad.any():
        row = data.index[int(np.flatnonzero(bad)[0])]
        raise DesignError(
            f"ssu_fpc column '{ssu_fpc}' has {int(bad.sum())} missing value(s) (first at row "
            f"{row!r}); give every row the population number of secondary units in its PSU "
            "(inf when unknown)"
        )
    low, high = range_per_group(values, psu_codes, sampled.size)
    _check_secondary_population(data, ssu_fpc, psu_codes, sampled, low, high)
    return low


def _check_secondary_population(
    data: pd.DataFrame,
    ssu_fpc: str,
    psu_codes: np.ndarray,
    sampled: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
) -> None:
    for problem, psus in (
        ("varies within the PSU", np.flatnonzero(low != high)),
        ("is smaller than the secondary units sampled there", np.flatnonzero(low < sampled)),
    ):
        if psus.size:
            j = int(psus[0])
            row = data.index[int(np.flatnonzero(psu_codes == j)[0])]
            raise DesignError(
                f"ssu_fpc column '{ssu_fpc}' {problem} of row {row!r} (values {low[j]:g} to "
                f"{high[j]:g}, {int(sampled[j])} sampled); it is the population number of "
                "secondary units in the PSU, constant within it and at least the number sampled"
            )
