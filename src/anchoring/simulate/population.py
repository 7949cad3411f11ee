"""The synthetic population and its response model: true locations, organisation effects, truth.

The model (see :mod:`anchoring.simulate.settings` for the numbers) is a cumulative probit model per
group × measure × dimension with a stratum effect, an organisation effect and a respondent effect.
Item nonresponse (blank), «Vet ikke» and «Ikke relevant» are drawn independently of the answer
value given the organisation and role; «Vet ikke» is more likely in organisations with a low
effect and for some roles. Because of this, every organisation's expected value of each estimand
has a closed form:

* the item's category probabilities come from the normal CDF at the thresholds, integrating the
  respondent effect and the item noise (their variances add);
* the agree share among substantive answers is ``P(score >= 4)``;
* the «Vet ikke» share among non-blank answers is the role-mixture of the «Vet ikke» probability;
* the expected anchoring index of a respondent (given that it is defined, i.e. at least half of the
  measure's items have a substantive answer) is ``25 * (sum_i W_i * E[score_i] - 1)``, where
  ``W_i = E[1{i answered} / #answered ; #answered >= half]`` normalised by ``P(#answered >= half)``,
  computed exactly from the Poisson-binomial distribution of the number of answered items.

No Monte Carlo is involved in the truth; ``tests/test_simulate_model.py`` checks the closed form
against a brute-force simulation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit, logit, ndtr

from anchoring.frames import Frames
from anchoring.instrument import Instrument
from anchoring.simulate import settings
from anchoring.simulate.streams import derive_rng

SCORE_SD = math.sqrt(settings.SD_RESPONDENT**2 + settings.SD_ITEM**2)
"""Standard deviation of the latent answer around the organisation's location."""


@dataclass(frozen=True)
class GroupPopulation:
    """All organisations (PSUs) of one group with their drawn effects and the response model.

    Attributes
    ----------
    group
        ``municipality``, ``hospital`` or ``gp``.
    units
        One row per organisation: ``org_id``, ``org_name``, ``stratum`` (qualified),
        ``stratum_code``, ``municipality_id`` (GPs: the practice's municipality; else empty).
    org_effect
        ``(n_orgs, n_measures)`` organisation effect ``u`` (general plus measure-specific).
    stratum_effect
        ``(n_orgs,)`` effect of each organisation's stratum.
    location
        ``(n_measures, n_dimensions)`` latent location ``mu`` (scored direction, shift included).
    dont_know_logit
        ``(n_measures, n_dimensions)`` base «Vet ikke» logit.
    not_applicable
        ``(n_measures, n_dimensions)`` «Ikke relevant» probability among non-blank answers.
    roles, role_weights
        Role codes and their probabilities for a respondent of this group.
    """

    group: str
    units: pd.DataFrame
    org_effect: np.ndarray
    stratum_effect: np.ndarray
    location: np.ndarray
    dont_know_logit: np.ndarray
    not_applicable: np.ndarray
    roles: tuple[str, ...]
    role_weights: np.ndarray

    def theta(self, org_index: np.ndarray) -> np.ndarray:
        """Latent location ``(n, n_measures, n_dimensions)`` of the given organisations."""
        base = self.org_effect[org_index] + self.stratum_effect[org_index, None]
        return self.location[None, :, :] + base[:, :, None]

    def dont_know_probability(self, org_index: np.ndarray, role_logit: np.ndarray) -> np.ndarray:
        """P(«Vet ikke» | non-blank), ``(n, n_measures, n_dimensions)``, per organisation × role."""
        shift = (
            role_logit[:, None, None]
            - settings.DONT_KNOW_ORG_SLOPE * (self.org_effect[org_index][:, :, None])
        )
        return expit(self.dont_know_logit[None, :, :] + shift)


def location_table(instrument: Instrument, group: str, shift: dict | None = None) -> np.ndarray:
    """Latent location ``mu[m, d]`` of a group, with the round's shift added.

    Parameters
    ----------
    instrument
        The instrument (active measures and dimensions, in file order).
    group
        The group id.
    shift
        ``{group: {measure: delta}}`` or ``{group: {measure: {dimension: delta}}}`` on the latent
        scale (about 24 index points per unit near the middle of the scale).
    """
    measures, dimensions = instrument.measure_ids, instrument.dimension_ids
    table = np.zeros((len(measures), len(dimensions)))
    base = settings.BASE_LOCATION.get(group, {})
    for a, measure in enumerate(measures):
        for b, dimension in enumerate(dimensions):
            table[a, b] = (
                base.get(measure, settings.DEFAULT_LOCATION)
                + settings.DIMENSION_OFFSET.get(dimension, 0.0)
                + settings.GROUP_DIMENSION_OFFSET.get((group, dimension), 0.0)
            )
    for measure, delta in (shift or {}).get(group, {}).items():
        a = measures.index(measure)
        if isinstance(delta, dict):
            for dimension, value in delta.items():
                table[a, dimensions.index(dimension)] += float(value)
        else:
            table[a, :] += float(delta)
    return table


def _rate_tables(instrument: Instrument, group: str) -> tuple[np.ndarray, np.ndarray]:
    measures, dimensions = instrument.measure_ids, instrument.dimension_ids
    dont_know = np.full((len(measures), len(dimensions)), settings.DONT_KNOW_RATE[group])
    not_applicable = np.full_like(dont_know, settings.NOT_APPLICABLE_RATE)
    for a, measure in enumerate(measures):
        for b, dimension in enumerate(dimensions):
            dont_know[a, b] += settings.DONT_KNOW_EXTRA.get((group, measure), 0.0)
            dont_know[a, b] += settings.DONT_KNOW_EXTRA.get((group, dimension), 0.0)
            dont_know[a, b] += settings.DIMENSION_DONT_KNOW_EXTRA.get(dimension, 0.0)
            not_applicable[a, b] += settings.NOT_APPLICABLE_EXTRA.get((group, dimension), 0.0)
    return logit(dont_know), not_applicable


OTHER_ROLE = "annet"
"""The «Annet» role: never drawn (so adding it to the instrument leaves rounds unchanged); the
tool-format exports plant a few (:mod:`anchoring.simulate.intake`)."""


def simulated_roles(instrument: Instrument, group: str) -> tuple[str, ...]:
    """The role codes the simulator draws for a group: the instrument's, without «Annet»."""
    return tuple(r.id for r in instrument.roles[group] if r.id != OTHER_ROLE)


def _roles(instrument: Instrument, group: str) -> tuple[tuple[str, ...], np.ndarray]:
    roles = simulated_roles(instrument, group)
    if group == "hospital":
        weights = np.array([settings.HOSPITAL_ROLE_WEIGHTS.get(r, 0.1) for r in roles])
    else:
        weights = np.ones(len(roles))
    return roles, weights / weights.sum()


def _unit_table(
    frames: Frames, group: str, gp_counts: dict[str, int] | None, rng: np.random.Generator
) -> pd.DataFrame:
    frame = frames[group]
    if frame.lists_units:
        units = frame.units[["org_id", "org_name", "stratum", "stratum_code"]].copy()
        units["municipality_id"] = ""
        return units.reset_index(drop=True)
    counts = gp_counts if gp_counts is not None else frame.psu_n()
    municipalities = frames["municipality"].units
    pieces = []
    for stratum in sorted(counts):
        code = stratum.split(":", 1)[1]
        n = int(counts[stratum])
        pieces.append(
            pd.DataFrame(
                {
                    "org_id": [f"gp-{code}-{k:06d}" for k in range(1, n + 1)],
                    "org_name": "",
                    "stratum": stratum,
                    "stratum_code": code,
                    "municipality_id": _practice_municipalities(municipalities, code, n, rng),
                }
            )
        )
    return pd.concat(pieces, ignore_index=True)


def _practice_municipalities(
    municipalities: pd.DataFrame, county: str, n: int, rng: np.random.Generator
) -> np.ndarray:
    # The frame counts GPs per county only. Spread them over the county's municipalities with
    # skewed random sizes (a few towns hold most GPs; all of Oslo's are in 0301).
    ids = municipalities.loc[municipalities["stratum_code"] == county, "org_id"].to_numpy()
    if len(ids) == 0:
        return np.full(n, "", dtype=object)
    size = rng.lognormal(0.0, 1.2, len(ids))
    return rng.choice(ids, size=n, p=size / size.sum()).astype(object)


def build_population(
    instrument: Instrument,
    frames: Frames,
    group: str,
    seed: int,
    shift: dict | None = None,
    gp_counts: dict[str, int] | None = None,
) -> GroupPopulation:
    """Draw the organisations of one group with their stratum and organisation effects.

    Parameters
    ----------
    instrument, frames
        The instrument and the sampling frames.
    group
        The group id.
    seed
        The population seed (stream ``population:<group>``).
    shift
        Latent shifts (see :func:`location_table`); they move locations, not the draws.
    gp_counts
        GPs per qualified stratum when the round overrides the GP frame.
    """
    rng = derive_rng(seed, f"population:{group}")
    units = _unit_table(frames, group, gp_counts, derive_rng(seed, f"practices:{group}"))
    strata = sorted(units["stratum"].unique())
    stratum_draw = dict(zip(strata, rng.normal(0.0, settings.SD_STRATUM, len(strata)), strict=True))
    n_orgs, n_measures = len(units), len(instrument.measure_ids)
    general = rng.normal(0.0, settings.SD_ORG_GENERAL, n_orgs)
    specific = rng.normal(0.0, settings.SD_ORG_MEASURE, (n_orgs, n_measures))
    dont_know_logit, not_applicable = _rate_tables(instrument, group)
    roles, weights = _roles(instrument, group)
    return GroupPopulation(
        group=group,
        units=units,
        org_effect=general[:, None] + specific,
        stratum_effect=units["stratum"].map(stratum_draw).to_numpy(dtype=float),
        location=location_table(instrument, group, shift),
        dont_know_logit=dont_know_logit,
        not_applicable=not_applicable,
        roles=roles,
        role_weights=weights,
    )


def role_logits(roles: tuple[str, ...]) -> np.ndarray:
    """The «Vet ikke» logit shift of each role code."""
    return np.array([settings.ROLE_DONT_KNOW_LOGIT.get(r, 0.0) for r in roles])


def _poisson_binomial_steps(p: np.ndarray, order: range) -> list[np.ndarray]:
    """Distributions of the number of successes among the first k items of ``order``, k = 0..K.

    ``p`` holds independent success probabilities on its last axis (length K); every
    distribution has K + 1 slots on a new last axis.
    """
    k = p.shape[-1]
    dist = np.zeros((*p.shape[:-1], k + 1))
    dist[..., 0] = 1.0
    out = [dist]
    for i in order:
        pi = p[..., i : i + 1]
        new = dist * (1.0 - pi)
        new[..., 1:] += dist[..., :-1] * pi
        dist = new
        out.append(dist)
    return out


def index_item_weights(
    answered: np.ndarray, role_weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weights ``W_i`` of the expected index of a respondent, given that the index is defined.

    Parameters
    ----------
    answered
        ``(n, n_roles, n_items)``: probability that the item has a substantive answer (1–5) for a
        respondent of each organisation and role; items are independent given both.
    role_weights
        ``(n_roles,)`` role probabilities.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``(n, n_items)`` weights summing to one: ``E[I | defined] = 25 (sum_i W_i E[s_i] - 1)``
        with ``I = 25 (mean of answered s - 1)`` defined when at least half the items are answered
        (methodology §3); and ``(n,)`` the probability that the index is defined (role
        mixture). The number of other items answered is Poisson-binomial; it is built from
        prefix and suffix distributions (items before and after ``i``).
    """
    n_items = answered.shape[-1]
    minimum = math.ceil(n_items / 2)
    total = np.arange(2 * n_items + 1)  # answered among the other items, from both sides
    share = np.where(total + 1 >= minimum, 1.0 / (total + 1), 0.0)
    pair = share[np.add.outer(np.arange(n_items + 1), np.arange(n_items + 1))]
    prefix = _poisson_binomial_steps(answered, range(n_items))
    suffix = _poisson_binomial_steps(answered, range(n_items - 1, -1, -1))
    weights = np.empty(answered.shape)
    for i in range(n_items):
        before, after = prefix[i], suffix[n_items - 1 - i]
        weights[..., i] = answered[..., i] * ((before @ pair) * after).sum(axis=-1)
    defined = prefix[n_items][..., minimum:].sum(axis=-1)
    numerator = np.einsum("r,nri->ni", role_weights, weights)
    denominator = np.einsum("r,nr->n", role_weights, defined)
    return numerator / denominator[:, None], denominator


@dataclass(frozen=True)
class MeasureTruth:
    """Expected values of organisations for one measure (closed form).

    ``index`` and ``defined_share`` are ``(n_orgs,)``; the others ``(n_orgs, n_dimensions)``.
    Scores are in the scored direction (reverse key applied). ``answered_share`` is the
    probability that a respondent gives the item a substantive answer (1–5) and
    ``defined_share`` that the respondent's index is defined; they weight the organisation in a
    ratio estimate "among those who answered" (see :mod:`anchoring.simulate.truth`).
    """

    index: np.ndarray
    mean_item: np.ndarray
    agree_share: np.ndarray
    dont_know_share: np.ndarray
    answered_share: np.ndarray
    defined_share: np.ndarray


def measure_truth(population: GroupPopulation, m: int, rows: slice | None = None) -> MeasureTruth:
    """The expected index, mean item, agree and «Vet ikke» shares of organisations.

    Parameters
    ----------
    population
        The group's organisations and response model.
    m
        Position of the measure in ``instrument.measure_ids``.
    rows
        The organisations (rows of ``population.units``); default all.
    """
    rows = rows if rows is not None else slice(None)
    return truth_at(population, m, population.org_effect[rows, m], population.stratum_effect[rows])


def truth_at(
    population: GroupPopulation, m: int, org_effect: np.ndarray, stratum_effect: np.ndarray
) -> MeasureTruth:
    """Expected values for organisations with the given effects (closed form, module docstring).

    Parameters
    ----------
    population
        Supplies the locations, «Vet ikke» and «Ikke relevant» rates and role mix.
    m
        Position of the measure.
    org_effect, stratum_effect
        ``(n,)`` organisation effect ``u`` for measure ``m`` and stratum effect.
    """
    theta = population.location[m][None, :] + (org_effect + stratum_effect)[:, None]
    below = ndtr((np.asarray(settings.THRESHOLDS) - theta[..., None]) / SCORE_SD)
    mean_item = 5.0 - below.sum(axis=-1)  # 1 + sum over cuts of P(score above the cut)
    agree = 1.0 - below[..., 2]
    shift = (
        role_logits(population.roles)[None, :, None]
        - settings.DONT_KNOW_ORG_SLOPE * (org_effect[:, None, None])
    )
    dk = expit(population.dont_know_logit[m][None, None, :] + shift)  # (n, roles, dims)
    dont_know = np.einsum("r,nrd->nd", population.role_weights, dk)
    answered = (1.0 - settings.BLANK_RATE) * (1.0 - dk - population.not_applicable[m])
    weights, defined = index_item_weights(answered, population.role_weights)
    index = 25.0 * ((weights * mean_item).sum(axis=-1) - 1.0)
    answered_share = np.einsum("r,nrd->nd", population.role_weights, answered)
    return MeasureTruth(index, mean_item, agree, dont_know, answered_share, defined)
