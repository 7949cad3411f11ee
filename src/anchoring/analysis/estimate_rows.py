"""Tidy estimate rows of one round from its single survey design (methodology §§2–5, 8).

Every function takes the round's one :class:`~anchoring.survey.SurveyDesign` (built once over all
respondents) and asks it for *domain* estimates with ``by=`` (groups, or groups × strata), never
for a subset of rows. Each returns rows in the tidy layout of ``estimates.parquet`` (before
suppression): key columns, ``estimate, se, ci_low, ci_high, n, n_orgs, df``, for group and
stratum means and shares ``deff`` and ``effective_n`` (methodology §9) and, for the gap,
``contrast``.

Published intervals (methodology §2): a mean (the index, a mean item) is ``estimate ± t·se`` with
t on the domain's design degrees of freedom (``df="domain"``); a share has the Korn–Graubard
interval (``method="beta"``); the sector value and the gap, contrasts of the group means, keep
the normal interval of R's ``confint(svycontrast(...))``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import special

from anchoring.analysis.change import estimate_gap
from anchoring.analysis.consensus import category_shares, leik_dispersion, tastle_wierman_consensus
from anchoring.analysis.scoring import agree_column, dont_know_column, index_column, score_column
from anchoring.groups import GROUPS, SECTOR
from anchoring.instrument import SCALE_POINTS, Instrument
from anchoring.survey import SurveyDesign

GROUP = "group"
STRATUM = "stratum"
ORG = "org_id"
WEIGHT = "weight"


@dataclass(frozen=True)
class RoundData:
    """What every estimator needs: the design, its rows, the instrument and the settings.

    Attributes
    ----------
    design
        The round's one survey design (weights ``weight``, PSU ``org_id``, strata ``stratum``,
        fpc ``fpc``) over ``data``.
    data
        Respondent rows: the design columns and the scored variables of
        :func:`anchoring.analysis.scoring.score_responses`.
    instrument
        The survey instrument.
    measures
        The round's measures.
    level
        Confidence level of every interval.
    """

    design: SurveyDesign
    data: pd.DataFrame
    instrument: Instrument
    measures: tuple[str, ...]
    level: float

    @cached_property
    def _organisations(self) -> tuple[np.ndarray, np.ndarray]:
        """Integer code of each row's organisation (PSU within its stratum) and a row of each."""
        key = self.data[STRATUM].astype("str") + "\x1f" + self.data[ORG].astype("str")
        codes, uniques = pd.factorize(key)
        first_row = np.empty(len(uniques), dtype=np.int64)
        first_row[codes[::-1]] = np.arange(len(codes))[::-1]
        return codes, first_row

    def org_counts(self, variables: Sequence[str], by: Sequence[str]) -> dict[str, dict]:
        """Organisations (PSUs) with at least one answer to each variable, per ``by`` domain.

        Returns
        -------
        dict
            Variable → {domain: count}; the domain is the group id for one ``by`` column and
            a tuple of the values for several.
        """
        codes, first_row = self._organisations
        org_domain, domains = self._org_domains(tuple(by))
        result = {}
        for variable in variables:
            answered = self.data[variable].notna().to_numpy()
            per_org = np.bincount(codes[answered], minlength=len(first_row)) > 0
            counts = np.bincount(org_domain[per_org], minlength=len(domains))
            result[variable] = {k: int(n) for k, n in zip(domains, counts, strict=True)}
        return result

    def orgs_answering_all(self, variables: Sequence[str]) -> dict[str, int]:
        """Organisations (``org_id`` within ``group``) with a row answering every variable.

        Returns
        -------
        dict
            Group → count (0 for a group whose organisations never answered them all).
        """
        pairs, n_orgs, groups = self._group_orgs
        complete = self.data[list(variables)].notna().all(axis=1).to_numpy() & (pairs >= 0)
        counts = np.bincount(np.unique(pairs[complete]) // n_orgs, minlength=len(groups))
        return {g: int(n) for g, n in zip(groups, counts, strict=True)}

    @cached_property
    def _group_orgs(self) -> tuple[np.ndarray, int, list[str]]:
        """Each row's (group, organisation) pair as one code (-1 if either is missing)."""
        group_codes, groups = pd.factorize(self.data[GROUP])
        org_codes, orgs = pd.factorize(self.data[ORG])
        valid = (group_codes >= 0) & (org_codes >= 0)
        pairs = np.where(valid, group_codes.astype(np.int64) * len(orgs) + org_codes, -1)
        return pairs, len(orgs), [str(g) for g in groups]

    def _org_domains(self, by: tuple[str, ...]) -> tuple[np.ndarray, list]:
        """The ``by`` domain of each organisation (sorted domain codes) and the domains."""
        if by not in self._org_domain_cache:
            _, first_row = self._organisations
            org_keys = [self.data[c].astype("str").to_numpy()[first_row] for c in by]
            grouped = pd.Series(first_row).groupby(
                org_keys if len(by) > 1 else org_keys[0], sort=True
            )
            domains = list(grouped.size().index)
            self._org_domain_cache[by] = (grouped.ngroup().to_numpy(), domains)
        return self._org_domain_cache[by]

    @cached_property
    def _org_domain_cache(self) -> dict[tuple[str, ...], tuple[np.ndarray, list]]:
        return {}


Block = dict[str, object]
"""Tidy rows as columns: name → array (or a scalar, broadcast when assembled)."""


def _labels(table: pd.DataFrame, column: str) -> list[str]:
    return [str(v) for v in table[column].tolist()]


def _keyed(
    table: pd.DataFrame,
    *,
    measure: str,
    dimension: str,
    statistic: str,
    orgs: dict[object, int],
) -> Block:
    """Turn a ``SurveyDesign`` result by group (or group × stratum) into tidy rows.

    ``orgs`` maps the domain (group, or ``(group, stratum)``) to its organisations with an
    answer.
    """
    groups = _labels(table, GROUP)
    by_stratum = STRATUM in table.columns
    domains = _labels(table, STRATUM) if by_stratum else [""] * len(groups)
    keys = list(zip(groups, domains, strict=True)) if by_stratum else groups
    block: Block = {
        "measure": measure,
        "group": groups,
        "breakdown": STRATUM if by_stratum else "",
        "domain": domains,
        "dimension": dimension,
        "statistic": statistic,
    }
    for column in ("estimate", "se", "ci_low", "ci_high", "n", "df", "deff", "effective_n"):
        block[column] = table[column].to_numpy(dtype="float64") if column in table else np.nan
    block["n_orgs"] = np.array([orgs.get(k, 0) for k in keys], dtype="int64")
    return block


def _sector(
    round_data: RoundData,
    covariance: pd.DataFrame,
    group_rows: Block,
    *,
    measure: str,
    dimension: str,
    statistic: str,
) -> tuple[Block, pd.DataFrame | None]:
    """The equal-weight sector value ``(1/3) Σ_g est_g`` with its contrast SE (methodology §2).

    ``se = sqrt(c' V c)`` with ``c = (1/3, 1/3, 1/3)`` and ``V`` the design covariance of the
    group means from :meth:`SurveyDesign.mean_with_covariance`, the same estimation that gave
    ``group_rows`` (R: ``svycontrast(svyby(..., covmat = TRUE), rep(1/3, 3))``; the same
    arithmetic as :meth:`SurveyDesign.contrast`, the matrix also serves the gap). Normal interval;
    ``df`` is the design's (PSUs minus strata of the three groups).

    Returns
    -------
    tuple
        The sector row and the covariance matrix (None when a group has no respondents).
    """
    block: Block = {
        "measure": measure,
        "group": SECTOR,
        "breakdown": "",
        "domain": "",
        "dimension": dimension,
        "statistic": statistic,
        "n": float(np.sum(group_rows["n"])),
        "n_orgs": int(np.sum(group_rows["n_orgs"])),
        "df": float(round_data.design.degrees_of_freedom),
    }
    if sorted(group_rows["group"]) != sorted(GROUPS):
        # A group without respondents: no sector value (it is the mean of all three groups).
        block.update(estimate=np.nan, se=np.nan, ci_low=np.nan, ci_high=np.nan)
        return block, None
    order = [str(g) for g in covariance.index]
    estimates = dict(zip(group_rows["group"], np.asarray(group_rows["estimate"]), strict=True))
    vector = np.full(len(order), 1.0 / len(GROUPS))
    estimate = float(vector @ np.array([estimates[g] for g in order]))
    se = float(np.sqrt(max(vector @ covariance.to_numpy() @ vector, 0.0)))
    z = special.ndtri(0.5 + round_data.level / 2.0)
    block.update(estimate=estimate, se=se, ci_low=estimate - z * se, ci_high=estimate + z * se)
    return block, covariance


def estimate_index(round_data: RoundData) -> list[Block]:
    """Index by group (``svymean``), sector (equal-weight contrast) and the gap, per measure.

    Group intervals are t on the group's design degrees of freedom, with the design effect. The
    gap is the size of the difference between the highest and the lowest group index, with its
    normal interval from the design covariance of the group means
    (:meth:`SurveyDesign.mean_with_covariance`); whether the groups differ is the Wald test of
    :mod:`anchoring.analysis.group_tests`, not the gap.
    """
    variables = [index_column(m) for m in round_data.measures]
    orgs = round_data.org_counts(variables, [GROUP])
    blocks = []
    for measure, variable in zip(round_data.measures, variables, strict=True):
        by_group, covariance = round_data.design.mean_with_covariance(
            variable, by=GROUP, level=round_data.level, df="domain", deff=True
        )
        rows = _keyed(
            by_group, measure=measure, dimension="index", statistic="mean", orgs=orgs[variable]
        )
        sector, covariance = _sector(
            round_data, covariance, rows, measure=measure, dimension="index", statistic="mean"
        )
        blocks += [rows, sector, _gap(round_data, covariance, rows, measure)]
    return blocks


def _gap(
    round_data: RoundData, covariance: pd.DataFrame | None, rows: Block, measure: str
) -> Block:
    """Highest minus lowest group index with its interval, a size (methodology §5).

    Its z-test is left out: choosing the extremes after seeing them makes it reject 11–12 % of
    the time at a nominal 5 %.
    """
    groups = pd.DataFrame(
        {
            "group": rows["group"],
            "estimate": rows["estimate"],
            "se": rows["se"],
            "n": rows["n"],
            "n_orgs": rows["n_orgs"],
        }
    )
    if covariance is not None:
        groups = groups.set_index("group").loc[[str(g) for g in covariance.index]].reset_index()
        covariance = covariance.to_numpy()
    gap = estimate_gap(groups, covariance, level=round_data.level)
    involved = groups["group"].isin(str(gap["contrast"]).split(" - "))
    return {
        "measure": measure,
        "group": SECTOR,
        "breakdown": "",
        "domain": "",
        "dimension": "index",
        "statistic": "gap",
        "estimate": gap["estimate"],
        "se": gap["se"],
        "ci_low": gap["ci_low"],
        "ci_high": gap["ci_high"],
        "n": float(groups.loc[involved, "n"].sum()),
        "n_orgs": int(groups.loc[involved, "n_orgs"].sum()),
        "df": np.nan,
        "contrast": gap["contrast"],
    }


def estimate_index_by_stratum(round_data: RoundData) -> list[Block]:
    """Index by stratum (county, RHF): domain means ``by = [group, stratum]``, t intervals."""
    variables = [index_column(m) for m in round_data.measures]
    orgs = round_data.org_counts(variables, [GROUP, STRATUM])
    blocks = []
    for measure, variable in zip(round_data.measures, variables, strict=True):
        table = round_data.design.mean(
            variable, by=[GROUP, STRATUM], level=round_data.level, df="domain", deff=True
        )
        blocks.append(
            _keyed(table, measure=measure, dimension="index", statistic="mean", orgs=orgs[variable])
        )
    return blocks


_ITEM_STATISTICS = (
    ("agree_share", agree_column, "proportion"),
    ("dont_know_share", dont_know_column, "proportion"),
    ("mean", score_column, "mean"),
)


def estimate_items(round_data: RoundData) -> list[Block]:
    """Per dimension: agree share, «Vet ikke» share and mean item, by group + sector.

    Shares are ``svyciprop(method = "beta")`` (Korn–Graubard) domain estimates; the mean item
    is the mean of the scored item (1–5, reversed if reverse-keyed) with a t interval on the
    group's design degrees of freedom; both with the design effect. The sector value of each is
    the equal-weight contrast of the three groups (normal interval, as ``svycontrast``).
    """
    instrument = round_data.instrument
    items = [item for m in round_data.measures for item in instrument.item_ids(m)]
    variables = [column(item) for item in items for _, column, _ in _ITEM_STATISTICS]
    orgs = round_data.org_counts(variables, [GROUP])
    blocks = []
    for item in items:
        described = instrument.item(item)
        for statistic, column, method in _ITEM_STATISTICS:
            variable = column(item)
            proportion = method == "proportion"
            table, covariance = round_data.design.mean_with_covariance(
                variable,
                by=GROUP,
                level=round_data.level,
                proportion=proportion,
                method="beta",
                df=None if proportion else "domain",
                deff=True,
            )
            keys = {
                "measure": described.measure,
                "dimension": described.dimension,
                "statistic": statistic,
            }
            rows = _keyed(table, orgs=orgs[variable], **keys)
            blocks.append(rows)
            blocks.append(_sector(round_data, covariance, rows, **keys)[0])
    return blocks


def estimate_consensus(round_data: RoundData) -> list[Block]:
    """Tastle–Wierman consensus and Leik dispersion per item and group; measure = item mean.

    Computed from the design-weighted category shares of the scored item (methodology §4);
    these are descriptive and carry no standard error. The measure-level value of a group is
    the mean over the measure's items (``n``, ``n_orgs``: the largest over the items).
    """
    data = round_data.data
    codes, groups = pd.factorize(data[GROUP].astype("str"), sort=True)
    labels = [str(g) for g in groups]
    weights = data[WEIGHT].to_numpy(dtype="float64")
    blocks = []
    for measure in round_data.measures:
        items = round_data.instrument.item_ids(measure)
        variables = [score_column(i) for i in items]
        orgs = round_data.org_counts(variables, [GROUP])
        per_item = []
        for item, variable in zip(items, variables, strict=True):
            values = data[variable].to_numpy(dtype="float64")
            shares, n = category_shares(values, weights, codes, len(labels), SCALE_POINTS)
            per_item.append(
                pd.DataFrame(
                    {
                        GROUP: labels,
                        "dimension": round_data.instrument.item(item).dimension,
                        "consensus_tw": tastle_wierman_consensus(shares),
                        "dispersion_leik": leik_dispersion(shares),
                        "n": n,
                        "n_orgs": [orgs[variable].get(g, 0) for g in labels],
                    }
                )[n > 0]
            )
        items_table = pd.concat(per_item, ignore_index=True)
        measure_table = (
            items_table.groupby(GROUP, sort=True)
            .agg(
                consensus_tw=("consensus_tw", "mean"),
                dispersion_leik=("dispersion_leik", "mean"),
                n=("n", "max"),
                n_orgs=("n_orgs", "max"),
            )
            .reset_index()
            .assign(dimension="index")
        )
        for table in (items_table, measure_table):
            for statistic in ("consensus_tw", "dispersion_leik"):
                blocks.append(_descriptive(table, measure, statistic))
    return blocks


def _descriptive(table: pd.DataFrame, measure: str, statistic: str) -> Block:
    """Tidy rows of a statistic without standard error (consensus, dispersion, alpha)."""
    return {
        "measure": measure,
        "group": _labels(table, GROUP),
        "breakdown": "",
        "domain": "",
        "dimension": table["dimension"].to_numpy(),
        "statistic": statistic,
        "estimate": table[statistic].to_numpy(dtype="float64"),
        "se": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "n": table["n"].to_numpy(dtype="float64"),
        "n_orgs": table["n_orgs"].to_numpy(dtype="int64"),
        "df": np.nan,
    }


def estimate_alpha(round_data: RoundData) -> list[Block]:
    """Cronbach's alpha of each measure's scored items per group (R ``svycralpha``).

    Over the respondents who answered every item of the measure substantively, as
    ``svycralpha(..., na.rm = TRUE)``.
    """
    blocks = []
    for measure in round_data.measures:
        items = [score_column(i) for i in round_data.instrument.item_ids(measure)]
        table = round_data.design.cronbach_alpha(items, by=GROUP)
        orgs = round_data.orgs_answering_all(items)
        table = table.assign(
            alpha=table["estimate"],
            n_orgs=[orgs.get(str(g), 0) for g in table[GROUP]],
            dimension="index",
        )
        blocks.append(_descriptive(table, measure, "alpha"))
    return blocks
