"""Validation of the design and the integer codes and variance stages of strata and PSUs.

The structure is computed once per design: the weight of every row, the integer code of its
primary sampling unit (PSU) and stratum, and per PSU the variance scale of its stratum. It
follows R's ``survey`` package (``svydesign(..., nest = TRUE)`` with
``options(survey.lonely.psu = ...)``; ``survey:::onestrat``):

- a stratum with ``n_h`` sampled PSUs out of ``N_h`` (the fpc) contributes
  ``f_h · n_h / (n_h − 1) · Σ_j (t_hj − t̄_h)(t_hj − t̄_h)'`` with ``f_h = (N_h − n_h) / N_h``
  (``f_h = 1`` without an fpc: sampling with replacement) and ``t_hj`` the PSU totals of the
  influence values;
- a census stratum (``f_h < 1e-7``, i.e. ``n_h = N_h``) contributes nothing at this stage;
- a stratum with one sampled PSU ("lonely") contributes ``f_h · t_h1 t_h1'`` for
  ``lonely_psu="adjust"`` (the PSU total is not centred at a stratum mean, which for a mean's
  influence values is centring at the grand mean), nothing for ``"remove"`` and
  ``"certainty"``, and is an error for ``"fail"``.

A two-stage design adds the term of its secondary units inside the PSUs
(:func:`anchoring.survey.stages.second_stage`).

References
----------
Lumley T (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley. Chapter 2 and
appendix C (linearisation, lonely PSUs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from anchoring.exceptions import DesignError
from anchoring.survey.columns import first_row_label, label_codes, numeric_column
from anchoring.survey.stages import (
    StageVariance,
    correction_factor,
    range_per_group,
    second_stage,
    stage_scales,
    stage_variance,
)

if TYPE_CHECKING:
    from anchoring.survey.calibration import Calibration

LONELY_PSU_OPTIONS = ("adjust", "fail", "remove", "certainty")


@dataclass(frozen=True)
class DesignStructure:
    """The integer codes and variance scales of a design, computed once.

    Attributes
    ----------
    weights : numpy.ndarray
        Design weight of every row (float64, ≥ 0).
    psu_codes : numpy.ndarray
        PSU code of every row, ``0 .. n_psu − 1`` (PSUs nested in strata when ``nest``).
    stratum_codes : numpy.ndarray
        Stratum code of every row, ``0 .. n_strata − 1``.
    stratum_labels : tuple of str
        The stratum label of each code (``""`` when the design has no strata).
    stages : tuple of StageVariance
        The variance terms: PSUs in strata, then (two-stage designs) secondary units in PSUs.
    calibrations : tuple of Calibration
        The calibrations the weights went through, in order (empty for design weights); the
        influence values are replaced by their calibration residuals before the stages sum
        them (R: the ``postStrata`` of a calibrated design).
    """

    weights: np.ndarray
    psu_codes: np.ndarray
    stratum_codes: np.ndarray
    stratum_labels: tuple[str, ...]
    stages: tuple[StageVariance, ...]
    calibrations: tuple[Calibration, ...] = ()

    @property
    def n_psu(self) -> int:
        """Number of PSUs in the design."""
        return self.stages[0].n_units

    @property
    def n_strata(self) -> int:
        """Number of strata in the design."""
        return len(self.stratum_labels)


def build_structure(
    data: pd.DataFrame,
    weights: str,
    psu: str | None,
    strata: str | None,
    fpc: str | None,
    lonely_psu: str,
    nest: bool,
    second: tuple[str | None, str | None] | None = None,
) -> DesignStructure:
    """Validate the design columns and compute the integer codes and variance scales.

    Parameters
    ----------
    data : pandas.DataFrame
        The respondent rows (one row per respondent).
    weights, psu, strata, fpc : str or None
        Column names as in :class:`anchoring.survey.SurveyDesign`.
    lonely_psu : {"adjust", "fail", "remove", "certainty"}
        Treatment of a stratum with one sampled PSU (R's ``survey.lonely.psu``).
    nest : bool
        PSU labels are unique only within a stratum (R's ``nest = TRUE``).
    second : tuple of (str or None), optional
        ``(ssu, ssu_fpc)`` of a two-stage design (see
        :func:`anchoring.survey.stages.second_stage`); None: one stage.

    Returns
    -------
    DesignStructure

    Raises
    ------
    DesignError
        On empty data, an unknown ``lonely_psu``, missing or negative weights, missing stratum
        or PSU labels, a PSU label in two strata with ``nest=False``, or an invalid fpc.
    """
    if len(data) == 0:
        raise DesignError("the design data has no rows")
    if lonely_psu not in LONELY_PSU_OPTIONS:
        raise DesignError(
            f"lonely_psu={lonely_psu!r} is not supported; use one of {LONELY_PSU_OPTIONS}"
        )
    weight_values = _weight_values(data, weights)
    stratum_codes, stratum_index = label_codes(data, strata, "strata")
    stratum_labels = tuple(str(label) for label in stratum_index)
    psu_codes, psu_stratum = _psu_codes(data, psu, strata, stratum_codes, nest)
    sampled = np.bincount(psu_stratum, minlength=len(stratum_labels))
    population = _population_sizes(data, fpc, strata, stratum_codes, stratum_labels, sampled)
    scale, lonely = stage_scales(sampled, population, lonely_psu)
    failing = np.flatnonzero(lonely & (correction_factor(sampled, population) > 0))
    if lonely_psu == "fail" and failing.size:
        raise DesignError(
            f"stratum '{stratum_labels[int(failing[0])]}' of column '{strata}' has only one "
            "sampled PSU and lonely_psu='fail'; choose lonely_psu='adjust' (R's "
            "survey.lonely.psu), 'remove' or 'certainty', or merge the stratum with another"
        )
    stages = [
        stage_variance(psu_codes, psu_stratum, scale, lonely & (lonely_psu == "adjust"), sampled)
    ]
    if second is not None:
        fraction = np.where(np.isinf(population), 0.0, sampled / population)[psu_stratum]
        stages.append(second_stage(data, *second, psu_codes, fraction, lonely_psu))
    return DesignStructure(
        weights=weight_values,
        psu_codes=psu_codes,
        stratum_codes=stratum_codes,
        stratum_labels=stratum_labels,
        stages=tuple(stages),
    )


def _weight_values(data: pd.DataFrame, weights: str) -> np.ndarray:
    values = numeric_column(data, weights, "weights")
    missing = ~np.isfinite(values)
    if missing.any():
        raise DesignError(
            f"weights column '{weights}' has {int(missing.sum())} missing or infinite value(s) "
            f"(first at row {first_row_label(data, missing)!r}); every row needs a design weight"
        )
    negative = values < 0
    if negative.any():
        row = first_row_label(data, negative)
        raise DesignError(
            f"weights column '{weights}' has {int(negative.sum())} negative value(s) "
            f"(first at row {row!r}: {data.loc[row, weights]}); design weights must be ≥ 0"
        )
    return values


def _psu_codes(
    data: pd.DataFrame,
    psu: str | None,
    strata: str | None,
    stratum_codes: np.ndarray,
    nest: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the PSU code of every row and the stratum code of every PSU."""
    if psu is None:
        codes = np.arange(len(data), dtype=np.int64)
        return codes, stratum_codes.copy()
    psu_labels, labels = label_codes(data, psu, "psu")
    if not nest:
        _check_psu_in_one_stratum(psu_labels, stratum_codes, labels, psu, strata)
    keys = stratum_codes * len(labels) + psu_labels
    codes, unique_keys = pd.factorize(keys)  # hash-based; the order of PSU codes is immaterial
    return codes.astype(np.int64), (unique_keys // len(labels)).astype(np.int64)


def _check_psu_in_one_stratum(
    label_codes: np.ndarray,
    stratum_codes: np.ndarray,
    labels: pd.Index,
    psu: str,
    strata: str | None,
) -> None:
    some_stratum = np.full(len(labels), -1, dtype=np.int64)
    some_stratum[label_codes] = stratum_codes  # one of the label's strata, whichever
    elsewhere = some_stratum[label_codes] != stratum_codes
    if elsewhere.any():
        label = labels[int(label_codes[elsewhere][0])]
        raise DesignError(
            f"psu column '{psu}': PSU '{label}' appears in more than one stratum of "
            f"column '{strata}'; PSU labels must be unique across strata, or pass "
            "nest=True if they are only unique within a stratum"
        )


def _population_sizes(
    data: pd.DataFrame,
    fpc: str | None,
    strata: str | None,
    stratum_codes: np.ndarray,
    stratum_labels: tuple[str, ...],
    sampled: np.ndarray,
) -> np.ndarray:
    """Return N_h per stratum (infinity without an fpc), checked against the sample."""
    if fpc is None:
        return np.full(sampled.size, np.inf)
    values = numeric_column(data, fpc, "fpc")
    missing = np.isnan(values)
    if missing.any():
        raise DesignError(
            f"fpc column '{fpc}' has {int(missing.sum())} missing value(s) "
            f"(first at row {first_row_label(data, missing)!r}); give every row the population "
            "number of PSUs in its stratum"
        )
    low, high = range_per_group(values, stratum_codes, sampled.size)
    varying = np.flatnonzero(low != high)
    if varying.size:
        h = int(varying[0])
        raise DesignError(
            f"fpc column '{fpc}' varies within stratum '{stratum_labels[h]}' of column "
            f"'{strata}' (from {low[h]:g} to {high[h]:g}); it must be constant within a stratum"
        )
    too_small = np.flatnonzero(low < sampled)
    if too_small.size:
        h = int(too_small[0])
        raise DesignError(
            f"fpc column '{fpc}': stratum '{stratum_labels[h]}' has fpc {low[h]:g} but "
            f"{int(sampled[h])} PSUs were sampled in it; the fpc is the population number of "
            "PSUs in the stratum (not a sampling fraction) and cannot be smaller"
        )
    return low
