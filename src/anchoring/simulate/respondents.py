"""Who answers: responding organisations per stratum, respondents per organisation, their answers.

Unit nonresponse depends on the stratum only (a propensity per county or RHF), never on an
organisation's attitude, so the design weights of methodology §1 remove it and the estimators are
unbiased for the finite-population truth. Two design situations are always present among the
municipalities: the one-municipality county (Oslo) responds, a census stratum, and the smallest
county with at least three municipalities has exactly one responding municipality, a lonely PSU.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from dataclasses import dataclass

import numpy as np
import pandas as pd

from anchoring.instrument import DONT_KNOW, NOT_APPLICABLE, Instrument
from anchoring.simulate import settings
from anchoring.simulate.population import GroupPopulation, role_logits
from anchoring.simulate.streams import derive_rng

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
BLANK = 0
"""Internal marker of an unanswered item in the simulation's code arrays (missing in exports)."""


@dataclass(frozen=True)
class StratumPlan:
    """How many PSUs of each stratum respond (and, for GPs, how big the frame is)."""

    frame_n: dict[str, int]
    responding_n: dict[str, int]
    lonely: tuple[str, ...]
    census: tuple[str, ...]


def plan_gp_strata(frame_n: dict[str, int], seed: int, scale: float) -> StratumPlan:
    """Responding GPs per county; enlarge the frame when the sample would exceed it.

    ``n_h = max(2, round(scale * p_h * N_h))`` with a propensity ``p_h`` per county. When some
    ``n_h > N_h`` the frame becomes ``ceil(scale * N_h)`` per county (a round-supplied frame,
    written beside the exports).
    """
    rng = derive_rng(seed, "response:gp")
    strata = sorted(frame_n)
    low, high = settings.RESPONSE_RATE_RANGE["gp"]
    propensity = rng.uniform(low, high, len(strata))
    wanted = {
        s: max(2, round(scale * p * frame_n[s])) for s, p in zip(strata, propensity, strict=True)
    }
    if any(wanted[s] > frame_n[s] for s in strata):
        frame_n = {s: max(frame_n[s], math.ceil(scale * frame_n[s])) for s in strata}
    responding = {s: min(wanted[s], frame_n[s]) for s in strata}
    return _plan(frame_n, responding)


def _plan(frame_n: dict[str, int], responding: dict[str, int]) -> StratumPlan:
    lonely = tuple(s for s in sorted(frame_n) if responding[s] == 1 and frame_n[s] > 1)
    census = tuple(s for s in sorted(frame_n) if responding[s] == frame_n[s])
    return StratumPlan(dict(frame_n), responding, lonely, census)


def cap_responding(plan: StratumPlan, organisations: int) -> StratumPlan:
    """The plan with at most ``organisations`` responding PSUs in the whole group.

    Strata are filled in their sorted order (each keeps at most its planned number), so a
    group of trusts cut to two answers with two trusts of the first region: a group the
    analysis must hide (``estimation.min_orgs``, default 3).
    """
    left = organisations
    responding = {}
    for stratum in sorted(plan.responding_n):
        responding[stratum] = min(plan.responding_n[stratum], left)
        left -= responding[stratum]
    return _plan(plan.frame_n, responding)


def plan_org_strata(population: GroupPopulation, seed: int) -> StratumPlan:
    """Responding organisations per stratum for municipalities or hospital trusts."""
    group = population.group
    rng = derive_rng(seed, f"response:{group}")
    frame_n = population.units.groupby("stratum").size().to_dict()
    strata = sorted(frame_n)
    low, high = settings.RESPONSE_RATE_RANGE[group]
    propensity = rng.uniform(low, high, len(strata))
    floor = 2 if group == "municipality" else 1
    responding = {
        s: min(frame_n[s], max(floor, round(p * frame_n[s])))
        for s, p in zip(strata, propensity, strict=True)
    }
    if group == "municipality":
        candidates = sorted((n, s) for s, n in frame_n.items() if n >= 3)
        if candidates:
            responding[candidates[0][1]] = 1  # the lonely PSU
    return _plan(frame_n, responding)


def choose_respondents(
    population: GroupPopulation, plan: StratumPlan, seed: int, scale: float
) -> pd.DataFrame:
    """The genuine respondents: one row each with organisation, stratum and role.

    Returns
    -------
    pandas.DataFrame
        Columns ``org_index`` (row of ``population.units``), ``org_id``, ``stratum``, ``role``,
        ``municipality_id`` (GPs), sorted by organisation.
    """
    group = population.group
    rng = derive_rng(seed, f"respondents:{group}")
    units = population.units
    chosen = []
    for stratum in sorted(plan.frame_n):
        members = np.flatnonzero(units["stratum"].to_numpy() == stratum)
        picked = rng.choice(members, size=plan.responding_n[stratum], replace=False)
        chosen.append(np.sort(picked))
    orgs = np.concatenate(chosen)
    sizes = _respondents_per_org(group, len(orgs), rng, scale)
    org_index = np.repeat(orgs, sizes)
    roles = _draw_roles(population, sizes, rng)
    table = pd.DataFrame(
        {
            "org_index": org_index,
            "org_id": units["org_id"].to_numpy()[org_index],
            "stratum": units["stratum"].to_numpy()[org_index],
            "role": roles,
            "municipality_id": units["municipality_id"].to_numpy()[org_index],
        }
    )
    return table.sort_values(["org_id"], kind="stable", ignore_index=True)


def _respondents_per_org(group: str, n: int, rng: np.random.Generator, scale: float) -> np.ndarray:
    if group == "gp":
        return np.ones(n, dtype=int)
    if group == "municipality":
        base = rng.choice(
            settings.MUNICIPALITY_RESPONDENTS, size=n, p=settings.MUNICIPALITY_RESPONDENT_WEIGHTS
        )
    else:
        low, high = settings.HOSPITAL_RESPONDENTS_RANGE
        base = np.clip(np.rint(rng.lognormal(math.log(7.5), 0.4, n)), low, high)
    return np.maximum(1, np.rint(scale * base)).astype(int)


def _draw_roles(population: GroupPopulation, sizes: np.ndarray, rng: np.random.Generator) -> list:
    roles = np.array(population.roles, dtype=object)
    if population.group != "municipality":
        return list(rng.choice(roles, size=int(sizes.sum()), p=population.role_weights))
    out = []
    for size in sizes:
        # Different people in one municipality hold different roles while there are enough
        # roles; either way each respondent's role is uniform over the roles (marginally).
        if size <= len(roles):
            out.extend(rng.permutation(roles)[:size])
        else:
            out.extend(rng.choice(roles, size=size))
    return out


@dataclass(frozen=True)
class Answers:
    """Answer codes of genuine respondents (raw direction) and how many guard repairs were made.

    ``codes`` is ``(n, n_measures, n_dimensions)`` int8: 1–5, 8 «Vet ikke», 9 «Ikke relevant»,
    0 unanswered.
    """

    codes: np.ndarray
    guard_repairs_n: int


def draw_answers(
    instrument: Instrument,
    population: GroupPopulation,
    respondents: pd.DataFrame,
    seed: int,
    source_id: str,
) -> Answers:
    """Draw every genuine respondent's answers from the population model.

    The respondent effects, item noise and missingness draws come from three streams of their
    own and are drawn in slices of respondents (bounded memory; the result does not depend on
    the slice size). A genuine respondent always keeps at least half of all items with a
    substantive answer: in the extremely rare case the random blanks, «Vet ikke» and «Ikke
    relevant» leave fewer, the respondent's own substantive answers are restored in item order
    (counted as guard repairs).
    """
    streams = [derive_rng(seed, f"answers:{source_id}:{part}") for part in _ANSWER_PARTS]
    org_index = respondents["org_index"].to_numpy()
    role_index = {r: i for i, r in enumerate(population.roles)}
    logits = role_logits(population.roles)[respondents["role"].map(role_index).to_numpy()]
    reverse = np.array([d.reverse_keyed for d in instrument.dimensions])
    n = len(org_index)
    codes = np.empty((n, *population.location.shape), dtype=np.int8)
    repairs = 0
    for start in range(0, n, _ANSWER_CHUNK):
        rows = slice(start, min(start + _ANSWER_CHUNK, n))
        codes[rows], fixed = _answer_slice(
            population, org_index[rows], logits[rows], reverse, streams
        )
        repairs += fixed
    return Answers(codes, repairs)


_ANSWER_PARTS = ("respondent", "item", "missing")
_ANSWER_CHUNK = 50_000


def _answer_slice(
    population: GroupPopulation,
    org_index: np.ndarray,
    logits: np.ndarray,
    reverse: np.ndarray,
    streams: list[np.random.Generator],
) -> tuple[np.ndarray, int]:
    respondent, item, missing = streams
    n = len(org_index)
    n_measures, n_dimensions = population.location.shape
    theta = population.theta(org_index)
    theta += respondent.normal(0.0, settings.SD_RESPONDENT, (n, n_measures))[:, :, None]
    theta += item.normal(0.0, settings.SD_ITEM, (n, n_measures, n_dimensions))
    score = 1 + np.searchsorted(np.asarray(settings.THRESHOLDS), theta).astype(np.int8)
    raw = np.where(reverse[None, None, :], 6 - score, score).astype(np.int8)
    dont_know = population.dont_know_probability(org_index, logits)
    u = missing.random((n, n_measures, n_dimensions))
    b = settings.BLANK_RATE
    dk_edge = b + (1 - b) * dont_know
    na_edge = dk_edge + (1 - b) * population.not_applicable[None, :, :]
    codes = raw.copy()
    codes[(u >= b) & (u < dk_edge)] = DONT_KNOW
    codes[(u >= dk_edge) & (u < na_edge)] = NOT_APPLICABLE
    codes[u < b] = BLANK
    repairs = _guard_half_answered(codes.reshape(n, -1), raw.reshape(n, -1))
    return codes, repairs


def _guard_half_answered(codes: np.ndarray, raw: np.ndarray) -> int:
    need = math.ceil(codes.shape[1] / 2)
    substantive = (codes >= 1) & (codes <= 5)
    short = np.flatnonzero(substantive.sum(axis=1) < need)
    repairs = 0
    for row in short:
        for col in np.flatnonzero(~substantive[row]):
            if substantive[row].sum() >= need:
                break
            codes[row, col] = raw[row, col]
            substantive[row, col] = True
            repairs += 1
    return repairs


def draw_submission_times(
    n: int, rng: np.random.Generator, start: dt.date, end: dt.date
) -> np.ndarray:
    """Submission instants (Unix seconds) within fieldwork: early peak, reminders, office hours."""
    days = (end - start).days + 1
    dates = [start + dt.timedelta(days=k) for k in range(days)]
    weights = np.array(
        [
            (
                0.8**k
                + 0.6 * 0.7 ** max(0, k - 7) * (k >= 7)
                + 0.5 * 0.7 ** max(0, k - 14) * (k >= 14)
            )
            * (0.15 if d.weekday() >= 5 else 1.0)
            for k, d in enumerate(dates)
        ]
    )
    day = rng.choice(days, size=n, p=weights / weights.sum())
    office = rng.random(n) < 0.85
    hour = np.where(office, 7.5 + 9.4 * rng.beta(2.2, 2.8, n), rng.uniform(17.0, 22.9, n))
    seconds = np.floor(hour * 3600).astype(np.int64)
    return local_day_start(dates)[day] + seconds


def local_day_start(dates: list[dt.date]) -> np.ndarray:
    """Unix seconds of local midnight (Europe/Oslo) of each date, using the noon UTC offset."""
    out = []
    for date in dates:
        noon = dt.datetime(date.year, date.month, date.day, 12, tzinfo=OSLO)
        offset = noon.utcoffset() or dt.timedelta(0)
        midnight = dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC) - offset
        out.append(int(midnight.timestamp()))
    return np.array(out, dtype=np.int64)


def draw_answer_times_ms(n: int, rng: np.random.Generator) -> np.ndarray:
    """Genuine answer times in ms: log-normal around the median, clipped (no accidental speeder)."""
    median = settings.ANSWER_TIME_MEDIAN_S
    seconds = median * np.exp(rng.normal(0.0, settings.ANSWER_TIME_SDLOG, n))
    low, high = settings.ANSWER_TIME_CLIP
    seconds = np.clip(seconds, low * median, high * median)
    return np.rint(seconds * 1000 + rng.integers(0, 1000, n)).astype(np.int64)


def draw_practice_sizes(n: int, rng: np.random.Generator) -> np.ndarray:
    """Number of GPs in the practice (1–12; most practices have 3–6)."""
    sizes = np.arange(1, 13)
    weights = np.array([6, 7, 10, 13, 13, 11, 9, 8, 7, 6, 5, 5], dtype=float)
    return rng.choice(sizes, size=n, p=weights / weights.sum())
