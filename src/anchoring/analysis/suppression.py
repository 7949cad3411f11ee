"""Primary and secondary small-cell suppression of the tidy estimates (methodology §7).

A suppressed value is *absent*: its ``estimate``, ``se``, ``ci_low``, ``ci_high`` (and
``p_value``, ``p_value_holm`` where present) are set to null, and ``is_suppressed`` and
``suppression_reason`` say why. Keys and counts (``n``, ``n_orgs``) stay, so a report can print the
symbol ":" with a footnote.

Rules, applied in this order:

1. **Primary** (``too_few_respondents`` / ``too_few_organisations``): a cell with fewer than
   ``min_n`` respondents or fewer than ``min_orgs`` organisations (PSUs) behind it.
2. **Secondary, sector** (``secondary_sector``): the sector value is the equal-weight mean of the
   three group values, so with one group hidden it would give that group back
   (``3·sector − the other two``). The sector value is hidden whenever any of its groups is
   hidden (the methodology allows hiding "the next smallest cell or the total"; hiding the total
   keeps every group value that is safe to show).
3. **Secondary, breakdowns** (``secondary_breakdown``): in a row of stratum cells with its shown
   group total, a single hidden cell could be recovered from the total and the other cells, so
   the next smallest shown cell (fewest respondents, then fewest organisations, then stratum id)
   is hidden too.
4. **Secondary, gap** (``secondary_gap``): the gap between the highest and lowest group index is
   hidden when a group index of the measure is hidden (it would bound or reveal that value).
5. **Group tests** (``secondary_group_test``, :func:`suppress_group_tests`): the test that the
   group indices of a measure are equal and its pairwise contrasts (``group_tests.parquet``)
   are hidden when a group index of the measure is hidden, for the same reason; their values
   are null and they leave the Holm families.
6. **Answer distributions** (:func:`suppress_distributions`, ``distributions.parquet``): a
   group's distribution of an item is hidden with the item's ``agree_share`` (its reason), and
   with the group's index (``secondary_index``), as the report has always drawn them.
7. **Barrier themes** (:func:`suppress_theme_counts`, ``themes.parquet``): a group's count of
   respondents mentioning a theme that is above 0 and below :data:`MIN_THEME_COUNT`
   (``too_few_mentions``), and the theme's total over the groups (``sector``) when one of its
   groups is hidden (``secondary_sector``, as rule 2), so that the hidden count cannot be
   recovered by subtraction. The counts stay in the file (like ``n`` in the estimates); the
   report shows ":" for them.

Statistics that describe the design and not anybody's answers (``response_rate``,
``weighting_efficiency``) are never suppressed.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pyarrow as pa

from anchoring.groups import GROUPS, SECTOR
from anchoring.schema import DISTRIBUTIONS, ESTIMATES, GROUP_TESTS, THEMES

logger = logging.getLogger(__name__)

KEY_COLUMNS: tuple[str, ...] = tuple(c for c in ESTIMATES.keys if c != "round_id")
"""The keys of an estimate within a round (:data:`anchoring.schema.ESTIMATES`)."""
VALUE_COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys(
        c.name
        for table in (ESTIMATES, GROUP_TESTS)
        for c in table.columns
        if c.type == pa.float64()
    )
)
"""The value columns a suppressed row loses: every float column of ``estimates.parquet`` and
``group_tests.parquet`` (:mod:`anchoring.schema`); keys and counts stay."""
DISTRIBUTION_VALUES: tuple[str, ...] = tuple(
    c.name for c in DISTRIBUTIONS.columns if c.type == pa.float64()
)
"""The shares a hidden answer distribution loses (:data:`anchoring.schema.DISTRIBUTIONS`)."""
EXEMPT_STATISTICS: frozenset[str] = frozenset({"response_rate", "weighting_efficiency"})

TOO_FEW_RESPONDENTS = "too_few_respondents"
TOO_FEW_ORGANISATIONS = "too_few_organisations"
SECONDARY_SECTOR = "secondary_sector"
SECONDARY_BREAKDOWN = "secondary_breakdown"
SECONDARY_GAP = "secondary_gap"
SECONDARY_GROUP_TEST = "secondary_group_test"
SECONDARY_INDEX = "secondary_index"
TOO_FEW_MENTIONS = "too_few_mentions"

MIN_THEME_COUNT = 3
"""Barrier-theme counts below this (and above 0) are hidden (helsedata.no and KS show nothing
below 3; docs/decisions.md, "Suppression")."""


def suppress_small_cells(
    estimates: pd.DataFrame, min_n: int = 5, min_orgs: int = 3
) -> pd.DataFrame:
    """Apply primary and secondary suppression to a tidy estimates table.

    Parameters
    ----------
    estimates
        Tidy estimates with the key columns ``measure, group, breakdown, domain, dimension,
        statistic``, the value columns and ``n``, ``n_orgs``.
    min_n, min_orgs
        Primary thresholds (``RoundConfig.estimation``; methodology §7 defaults 5 and 3).

    Returns
    -------
    pandas.DataFrame
        A copy with ``is_suppressed`` (bool) and ``suppression_reason`` (``""`` when shown, else
        one of the reasons in the module docstring; primary reasons joined by ``"; "``), and
        the value columns of suppressed rows set to null.
    """
    table = estimates.copy()
    table["suppression_reason"] = _primary_reasons(table, min_n, min_orgs)
    _suppress_sector(table)
    _suppress_breakdowns(table)
    _suppress_gap(table)
    table["is_suppressed"] = table["suppression_reason"] != ""
    for column in VALUE_COLUMNS:
        if column in table.columns:
            table[column] = table[column].astype("float64").mask(table["is_suppressed"])
    logger.info(
        "suppressed %d of %d estimates (%d primary)",
        int(table["is_suppressed"].sum()),
        len(table),
        int(table["suppression_reason"].str.startswith("too_few").sum()),
    )
    return table


def _primary_reasons(table: pd.DataFrame, min_n: int, min_orgs: int) -> pd.Series:
    exempt = table["statistic"].isin(EXEMPT_STATISTICS) | (table["group"] == SECTOR)
    n = table["n"].astype("float64").fillna(0).to_numpy()
    orgs = table["n_orgs"].astype("float64").fillna(0).to_numpy()
    few_n = np.where(~exempt & (n < min_n), TOO_FEW_RESPONDENTS, "")
    few_orgs = np.where(~exempt & (orgs < min_orgs), TOO_FEW_ORGANISATIONS, "")
    reasons = ["; ".join(r for r in pair if r) for pair in zip(few_n, few_orgs, strict=True)]
    return pd.Series(reasons, index=table.index, dtype="str")


def _suppress_sector(table: pd.DataFrame) -> None:
    """Hide a sector value when one of its groups is hidden (rule 2)."""
    keys = ["measure", "breakdown", "domain", "dimension", "statistic"]
    in_group = table["group"].isin(GROUPS) & ~table["statistic"].isin(EXEMPT_STATISTICS)
    hidden = table.loc[in_group & (table["suppression_reason"] != ""), keys].drop_duplicates()
    if hidden.empty:
        return
    sector = table["group"] == SECTOR
    marked = table[keys].merge(hidden.assign(_hit=True), on=keys, how="left")["_hit"]
    hit = (
        sector & marked.fillna(False).astype(bool).to_numpy() & (table["suppression_reason"] == "")
    )
    table.loc[hit, "suppression_reason"] = SECONDARY_SECTOR


def _suppress_breakdowns(table: pd.DataFrame) -> None:
    """In a row of stratum cells with a shown total, never leave exactly one cell hidden."""
    cells = table[(table["breakdown"] != "") & ~table["statistic"].isin(EXEMPT_STATISTICS)]
    if cells.empty:
        return
    row_keys = ["measure", "group", "breakdown", "dimension", "statistic"]
    totals = table[(table["breakdown"] == "") & (table["domain"] == "")]
    total_shown = totals.set_index(["measure", "group", "dimension", "statistic"])[
        "suppression_reason"
    ].eq("")
    for key, row in cells.groupby(row_keys, sort=True):
        total_key = (key[0], key[1], key[3], key[4])
        if not bool(total_shown.get(total_key, False)):
            continue
        hidden = row["suppression_reason"] != ""
        if int(hidden.sum()) != 1 or len(row) < 2:
            continue
        shown = row[~hidden].sort_values(["n", "n_orgs", "domain"], kind="mergesort")
        table.loc[shown.index[0], "suppression_reason"] = SECONDARY_BREAKDOWN


def _measures_with_hidden_group_index(table: pd.DataFrame) -> set[str]:
    hidden = table[
        table["group"].isin(GROUPS)
        & (table["breakdown"] == "")
        & (table["dimension"] == "index")
        & (table["statistic"] == "mean")
        & (table["suppression_reason"] != "")
    ]
    return set(hidden["measure"])


def _suppress_gap(table: pd.DataFrame) -> None:
    """Hide the gap of a measure when one of its group indices is hidden (rule 4)."""
    measures = _measures_with_hidden_group_index(table)
    gap = (table["statistic"] == "gap") & table["measure"].isin(measures)
    table.loc[gap & (table["suppression_reason"] == ""), "suppression_reason"] = SECONDARY_GAP


def suppress_group_tests(tests: pd.DataFrame, estimates: pd.DataFrame) -> pd.DataFrame:
    """Hide the group tests of every measure with a hidden group index (rule 5).

    Parameters
    ----------
    tests
        Group tests (``group_tests.parquet`` rows, see
        :mod:`anchoring.analysis.group_tests`) with ``measure`` and the value columns.
    estimates
        The round's estimates after :func:`suppress_small_cells`.

    Returns
    -------
    pandas.DataFrame
        A copy with ``is_suppressed``, ``suppression_reason`` (``secondary_group_test``) and the
        value columns (and ``f``) of hidden rows set to null.
    """
    table = tests.copy()
    hidden = table["measure"].isin(_measures_with_hidden_group_index(estimates)).to_numpy()
    table["suppression_reason"] = np.where(hidden, SECONDARY_GROUP_TEST, "")
    table["suppression_reason"] = table["suppression_reason"].astype("str")
    table["is_suppressed"] = hidden
    for column in VALUE_COLUMNS:
        if column in table.columns:
            table[column] = table[column].astype("float64").mask(table["is_suppressed"])
    return table


def suppress_distributions(distributions: pd.DataFrame, estimates: pd.DataFrame) -> pd.DataFrame:
    """Hide a group's answer distribution of an item with its agree share or index (rule 6).

    Parameters
    ----------
    distributions
        ``distributions.parquet`` rows (:mod:`anchoring.analysis.distributions`).
    estimates
        The round's estimates after :func:`suppress_small_cells`.

    Returns
    -------
    pandas.DataFrame
        A copy with ``is_suppressed``, ``suppression_reason`` (the ``agree_share``'s reason,
        else ``secondary_index``) and the shares of hidden rows set to null.
    """
    overall = estimates[estimates["breakdown"] == ""]
    keys = ["measure", "group", "dimension"]
    agree = overall.loc[overall["statistic"] == "agree_share", [*keys, "suppression_reason"]]
    index = overall.loc[
        (overall["statistic"] == "mean") & (overall["dimension"] == "index"),
        ["measure", "group", "suppression_reason"],
    ]
    table = distributions.copy()
    agree_reason = table[keys].merge(agree, on=keys, how="left")["suppression_reason"]
    index_reason = table[["measure", "group"]].merge(index, on=["measure", "group"], how="left")
    reason = np.where(
        agree_reason.fillna("") != "",
        agree_reason.fillna(""),
        np.where(index_reason["suppression_reason"].fillna("") != "", SECONDARY_INDEX, ""),
    )
    table["suppression_reason"] = pd.Series(reason, index=table.index).astype("str")
    table["is_suppressed"] = table["suppression_reason"] != ""
    for column in DISTRIBUTION_VALUES:
        table[column] = table[column].astype("float64").mask(table["is_suppressed"])
    return table


def suppress_theme_counts(themes: pd.DataFrame, min_count: int = MIN_THEME_COUNT) -> pd.DataFrame:
    """Flag small barrier-theme counts and the totals that would give them back (rule 7).

    Parameters
    ----------
    themes
        ``themes.parquet`` rows (:func:`anchoring.analysis.themes.count_themes`): per theme one
        row per group and one ``sector`` row (the sum over the groups).
    min_count
        Counts above 0 and below this are hidden (:data:`MIN_THEME_COUNT`).

    Returns
    -------
    pandas.DataFrame
        A copy with ``is_suppressed`` and ``suppression_reason`` (``too_few_mentions`` for a
        group, ``secondary_sector`` for a theme's total when one of its groups is hidden); the
        counts are kept.
    """
    table = themes.copy()
    is_group = table["group"].isin(GROUPS).to_numpy()
    small = is_group & (table["count"] > 0).to_numpy() & (table["count"] < min_count).to_numpy()
    hidden_themes = set(table.loc[small, "theme"])
    secondary = (table["group"] == SECTOR).to_numpy() & table["theme"].isin(hidden_themes)
    reason = np.where(small, TOO_FEW_MENTIONS, np.where(secondary, SECONDARY_SECTOR, ""))
    table["suppression_reason"] = pd.Series(reason, index=table.index).astype("str")
    table["is_suppressed"] = table["suppression_reason"] != ""
    logger.info(
        "suppressed %d of %d barrier-theme counts (%d below %d)",
        int(table["is_suppressed"].sum()),
        len(table),
        int(small.sum()),
        min_count,
    )
    return THEMES.conform(table)
