"""The anchoring index per stratum: county for municipalities and GPs, RHF for hospital trusts.

The analysis stage publishes the index of every measure and group per stratum of the sampling
design (rows of ``estimates.parquet`` with ``breakdown == "stratum"`` and ``domain`` the
group-qualified stratum id, e.g. ``municipality:46`` or ``hospital:HV``), suppressed by the same
rules as the national figures (methodology §7). This module pairs those estimates with the
strata's names from the round's sampling frames (:mod:`anchoring.frames`: county names from
Statistics Norway's classification 104, RHF names from the trusts' frame), in frame order, and
decides when a figure may name one region as the lowest. Nothing here estimates anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from anchoring.report.estimates import Estimate
from anchoring.report.inputs import Report

BREAKDOWN = "stratum"
"""The ``breakdown`` of the per-stratum rows of ``estimates.parquet``."""

MIN_REGIONS_FOR_LOWEST = 3
"""Fewest regions of a group for one of them to be called the lowest."""


@dataclass(frozen=True)
class Region:
    """One stratum of a group with its index.

    Attributes
    ----------
    stratum
        The group-qualified stratum id (``municipality:46``).
    name
        The stratum's name from the frame («Vestland», «Helse Vest RHF»).
    estimate
        The index with its interval and suppression flag; ``None`` when the analysis published
        no row for the stratum (no respondents there).
    """

    stratum: str
    name: str
    estimate: Estimate | None

    @property
    def is_shown(self) -> bool:
        """True when the value exists and may be published."""
        return self.estimate is not None and self.estimate.is_shown


def has_regions(report: Report, group: str) -> bool:
    """True when the round has a per-stratum index of any measure for the group."""
    rows = report.estimates.rows("mean", dimension="index", breakdown=BREAKDOWN, group=group)
    return not rows.empty


def regional_groups(report: Report) -> tuple[str, ...]:
    """The groups with per-stratum estimates, in report order (empty: no regional view)."""
    return tuple(g for g in report.groups if has_regions(report, g))


def regions(report: Report, measure: str, group: str) -> list[Region]:
    """Every stratum of the group's frame, in frame order, with the measure's index there.

    Parameters
    ----------
    report
        The loaded round.
    measure, group
        The measure and the stakeholder group.
    """
    strata = report.frames[group].strata
    return [
        Region(
            stratum.stratum,
            stratum.stratum_name,
            report.estimates.get(measure, group, "mean", "index", BREAKDOWN, stratum.stratum),
        )
        for stratum in strata.itertuples(index=False)
    ]


def clearly_lowest(found: list[Region]) -> Region | None:
    """The region whose whole 95 % interval lies below every other region's, if there is one.

    A figure's title names a region as the lowest only on this evidence. Two 95 % intervals that
    do not overlap mean a difference significant at well under 5 % (about 0.6 % for equal
    standard errors; Schenker and Gentleman 2001, *The American Statistician* 55:182–186), so
    requiring the lowest interval to clear every other one keeps the claim conservative across
    the comparisons (strata are sampled independently, methodology §1). No region is named when
    any region of the group is hidden or missing (the hidden one might be lower) or when the
    group has fewer than :data:`MIN_REGIONS_FOR_LOWEST` regions.

    Parameters
    ----------
    found
        The regions of one measure and group (:func:`regions`).
    """
    if len(found) < MIN_REGIONS_FOR_LOWEST or not all(r.is_shown for r in found):
        return None
    ordered = sorted(found, key=lambda r: (r.estimate.estimate, r.stratum))
    lowest, others = ordered[0], ordered[1:]
    if lowest.estimate.ci_high is None or any(r.estimate.ci_low is None for r in others):
        return None
    if all(lowest.estimate.ci_high < r.estimate.ci_low for r in others):
        return lowest
    return None
