"""``truth.json``: the true values a simulated round's estimators must recover, and the plants.

The estimand is what the design of methodology §1 estimates: each organisation counts once and
the organisations of a stratum stand for all of it. So a group's true value is the mean, over
ALL organisations of the frame (all GPs for the GP group), of each organisation's expected value
under the population model (closed form with the normal CDF, see
:mod:`anchoring.simulate.population`; no Monte Carlo). The sector value is the equal-weight mean of
the three groups (methodology §2). The file's ``definitions`` key states each definition.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from anchoring.instrument import Instrument
from anchoring.simulate import settings
from anchoring.simulate.assembly import SimulatedRound
from anchoring.simulate.planted import intake_by_row, planted_by_row, summarise_source
from anchoring.simulate.population import GroupPopulation, MeasureTruth, measure_truth, truth_at

DEFINITIONS: dict[str, str] = {
    "index": (
        "Anchoring index 0-100 of a measure: per respondent 25 * (mean of the answered items - 1) "
        "with items coded 1-5, «Vet ikke» (8) and «Ikke relevant» (9) missing, the reverse-keyed "
        "dimension reversed (6 - code), defined when at least half of the measure's items have "
        "a substantive answer (methodology §3). An organisation's true value is the expected "
        "index of one of its respondents given that it is defined (role mixture included)."
    ),
    "mean_item": "Expected scored item (1-5, reverse key applied) among substantive answers.",
    "agree_share": (
        "Share of substantive answers (1-5) that are 4 or 5 after scoring (reverse key applied)."
    ),
    "dont_know_share": (
        "Share of «Vet ikke» among non-blank answers to the item (1-5, «Vet ikke», «Ikke "
        "relevant»); unanswered items are excluded from the denominator."
    ),
    "group_value": (
        "The finite-population value over ALL organisations of the group's frame "
        "(municipalities, hospital trusts; every GP of the (possibly round-supplied) GP frame), "
        "each organisation counting once as the design weights (N_h/n_h)(1/m_j) of methodology "
        "§1 make it: the ratio sum_j a_j v_j / sum_j a_j of the organisations' expected "
        "values v_j, "
        "where a_j is the organisation's expected share of respondents who enter the estimate "
        "(an estimate 'among those who answered' divides design-weighted totals): for the index "
        "the probability that a respondent's index is defined (organisations.defined_share), for "
        "mean_item and agree_share the probability of a substantive answer to the item "
        "(organisations.answered_share), for dont_know_share the non-blank share, which is the "
        "same in every organisation, so a plain mean. «Vet ikke» is more likely in weakly "
        "anchored organisations, so the ratio differs from the plain mean by up to about 0.01."
    ),
    "by_stratum": "The same ratio over the organisations of one stratum.",
    "sector": "Equal-weight mean of the three group values (methodology §2).",
    "computation": (
        "Closed form: category probabilities from the normal CDF at the thresholds (respondent "
        "effect and item noise integrated), «Vet ikke» probabilities from the logistic model, and "
        "the index's item weights from the exact Poisson-binomial distribution of the number of "
        "substantive answers. No Monte Carlo."
    ),
    "not_in_model": (
        "Rows the cleaning drops (duplicates' earlier copies, test and incomplete submissions) "
        "are not respondents. Planted straight-liners' blocks are not drawn from the model; "
        "keeping them (the default) moves an estimate by at most about share * 25 index points "
        "(their share is under 1 %). Speeders' answers are drawn from the model."
    ),
    "rows": (
        "Row numbers are 1-based data rows of the raw export (header and title rows excluded), "
        "in file order."
    ),
    "expected_exclusions": (
        "Rows the cleaning must drop, with the reason: 'duplicate' (the earlier of two "
        "submissions with identical answers; kept_row is the later one that stays), 'test' "
        "(submitted before the first fieldwork day), 'incomplete' (fewer than half of all items "
        "answered, any code counting as an answer). Every other row must be kept; kept rows "
        "have at least half of all items with a substantive answer."
    ),
    "flags": (
        "Kept rows with a quality flag: 'speeder' (answer time below 0.2 x the source's median; "
        "no other row is below 0.45 x) and 'straightliner' (every item of one measure block "
        "answered with the same code 1-5). planted=false marks a genuine respondent who "
        "straight-lined by chance."
    ),
    "pii": (
        "Planted strings the cleaning must redact or neutralise, exactly as they occur in the "
        "row's free text; digits gives a fødselsnummer's 11 digits."
    ),
    "must_keep": "Planted strings that must survive redaction unchanged.",
    "barrier_themes": (
        "Per source and row with a non-empty comment: the themes the comment was written from "
        "(each sentence holds a whole-word keyword of its theme and no keyword of another)."
    ),
}


def _round(value: float, digits: int = 8) -> float:
    return float(round(float(value), digits))


def _dim_dict(dimensions: list[str], values: np.ndarray) -> dict[str, float]:
    return {d: _round(v) for d, v in zip(dimensions, values, strict=True)}


def _summary(index: float, mean_item, agree, dont_know, dims: list[str]) -> dict[str, Any]:
    return {
        "index": _round(index, 6),
        "mean_item": _dim_dict(dims, mean_item),
        "agree_share": _dim_dict(dims, agree),
        "dont_know_share": _dim_dict(dims, dont_know),
    }


_STATISTICS = ("index", "mean_item", "agree_share", "dont_know_share")
_WEIGHT_OF = {
    "index": "defined_share",
    "mean_item": "answered_share",
    "agree_share": "answered_share",
    "dont_know_share": None,  # the non-blank share is the same in every organisation
}
"""Which organisation-level probability weights each statistic in the group's ratio."""

_ORGANISATION_KEYS = (
    "index",
    "defined_share",
    "agree_share",
    "dont_know_share",
    "answered_share",
)
GRID_THRESHOLD = 1_000_000
"""Above this many organisations (GP frames of rounds scaled about 200-fold) the truth uses the
per-stratum grid, which costs a fixed ``GRID_POINTS`` evaluations per stratum."""
GRID_POINTS = 20001
_CHUNK = 100_000
"""Organisations per slice of the exact computation (bounds memory)."""


def _group_truth(
    population: GroupPopulation, instrument: Instrument, keep_orgs: bool
) -> tuple[dict, dict]:
    dims = instrument.dimension_ids
    strata, codes = np.unique(population.units["stratum"].to_numpy(), return_inverse=True)
    per_measure: dict[str, dict] = {}
    organisations: dict[str, dict] = {k: {} for k in _ORGANISATION_KEYS}
    for m, measure in enumerate(instrument.measure_ids):
        if len(codes) > GRID_THRESHOLD:
            sums = _stratum_sums_on_grid(population, m, codes, len(strata))
        else:
            sums = _stratum_sums_exact(population, m, codes, len(strata))
            if keep_orgs:
                _keep_organisations(organisations, measure, measure_truth(population, m), dims)
        value = _summary(*(sums[k][0].sum(0) / sums[k][1].sum(0) for k in _STATISTICS), dims)
        value["by_stratum"] = {
            str(s): _summary(*(sums[key][0][k] / sums[key][1][k] for key in _STATISTICS), dims)
            for k, s in enumerate(strata)
        }
        per_measure[measure] = value
    return per_measure, organisations


def _weighted(t: MeasureTruth, key: str) -> tuple[np.ndarray, np.ndarray]:
    value = getattr(t, key)
    weight_key = _WEIGHT_OF[key]
    weight = getattr(t, weight_key) if weight_key else np.ones_like(value)
    return value * weight, weight


def _bincount(codes: np.ndarray, values: np.ndarray, n_strata: int) -> np.ndarray:
    if values.ndim == 1:
        return np.bincount(codes, values, n_strata)
    return np.stack([np.bincount(codes, values[:, d], n_strata) for d in range(values.shape[1])], 1)


def _stratum_sums(t: MeasureTruth, codes: np.ndarray, n_strata: int) -> dict[str, tuple]:
    """Per statistic: stratum sums of weight × value and of weight."""
    out = {}
    for key in _STATISTICS:
        numerator, weight = _weighted(t, key)
        out[key] = (_bincount(codes, numerator, n_strata), _bincount(codes, weight, n_strata))
    return out


def _stratum_sums_exact(
    population: GroupPopulation, m: int, codes: np.ndarray, n_strata: int
) -> dict[str, tuple]:
    """:func:`_stratum_sums` over every organisation, in slices of :data:`_CHUNK`."""
    total: dict[str, tuple] = {}
    for start in range(0, len(codes), _CHUNK):
        rows = slice(start, min(start + _CHUNK, len(codes)))
        part = _stratum_sums(measure_truth(population, m, rows), codes[rows], n_strata)
        for key, (numerator, weight) in part.items():
            if key in total:
                numerator, weight = numerator + total[key][0], weight + total[key][1]
            total[key] = (numerator, weight)
    return total


def _stratum_sums_on_grid(
    population: GroupPopulation, m: int, codes: np.ndarray, n_strata: int
) -> dict[str, tuple]:
    """The same sums for a large population, via a fine grid per stratum.

    Within a stratum the expected values and weights are smooth functions of the organisation
    effect ``u`` alone; they are computed exactly at :data:`GRID_POINTS` points spanning the
    stratum's ``u`` and interpolated linearly (error far below the rounding of the truth).
    """
    u = population.org_effect[:, m]
    n_dims = population.location.shape[1]
    out = {}
    for key in _STATISTICS:
        shape = (n_strata,) if key == "index" else (n_strata, n_dims)
        out[key] = (np.zeros(shape), np.zeros(shape))
    for k in range(n_strata):
        members = np.flatnonzero(codes == k)
        effects = u[members]
        grid = np.linspace(effects.min() - 1e-9, effects.max() + 1e-9, GRID_POINTS)
        stratum = np.full(GRID_POINTS, population.stratum_effect[members[0]])
        t = truth_at(population, m, grid, stratum)
        for key in _STATISTICS:
            for target, values in zip(out[key], _weighted(t, key), strict=True):
                if values.ndim == 1:
                    target[k] = np.interp(effects, grid, values).sum()
                else:
                    for d in range(n_dims):
                        target[k, d] = np.interp(effects, grid, values[:, d]).sum()
    return out


def _keep_organisations(organisations: dict, measure: str, t: MeasureTruth, dims: list) -> None:
    organisations["index"][measure] = np.round(t.index, 6).tolist()
    organisations["defined_share"][measure] = np.round(t.defined_share, 8).tolist()
    for key in ("agree_share", "dont_know_share", "answered_share"):
        array = np.round(getattr(t, key), 8)
        organisations[key][measure] = {d: array[:, k].tolist() for k, d in enumerate(dims)}


def _sector(groups: dict[str, dict], dims: list[str]) -> dict[str, Any]:
    values = list(groups.values())
    out: dict[str, Any] = {"index": _round(np.mean([v["index"] for v in values]), 6)}
    for key in ("mean_item", "agree_share", "dont_know_share"):
        out[key] = {d: _round(np.mean([v[key][d] for v in values])) for d in dims}
    return out


def build_truth(sim: SimulatedRound) -> dict[str, Any]:
    """The content of ``truth.json`` for a simulated round (see the module docstring)."""
    instrument, spec = sim.instrument, sim.spec
    dims = instrument.dimension_ids
    truth: dict[str, dict] = {m: {} for m in instrument.measure_ids}
    organisations = {}
    for group, population in sim.populations.items():
        per_measure, orgs = _group_truth(population, instrument, keep_orgs=group != "gp")
        for measure, value in per_measure.items():
            truth[measure][group] = value
        if group != "gp":
            organisations[group] = _organisation_table(population, sim, orgs)
    for measure in truth:
        truth[measure]["sector"] = _sector({g: truth[measure][g] for g in sim.populations}, dims)
    content = {
        "round_id": spec.round_id,
        "seed": spec.seed,
        "population_seed": spec.population_seed,
        "scale": spec.scale,
        "previous_round": spec.previous_round,
        "fieldwork": {"start": sim.fieldwork[0].isoformat(), "end": sim.fieldwork[1].isoformat()},
        "definitions": DEFINITIONS,
        "measures": instrument.measure_ids,
        "dimensions": dims,
        "groups": list(sim.populations),
        "model": _model(sim),
        "truth": truth,
        "organisations": organisations,
        "design": _design(sim),
        "sources": {s.source_id: summarise_source(s) for s in sim.sources},
        **planted_by_row(sim),
    }
    if spec.responding:  # a round with groups cut down (the default round's truth is unchanged)
        content["responding"] = dict(spec.responding)
    intake = intake_by_row(sim)
    if intake:  # a round with tool formats (the default round's truth is unchanged)
        content["formats"] = dict(zip(sim.populations, spec.formats, strict=True))
        content["intake"] = intake
    return content


def _organisation_table(population: GroupPopulation, sim: SimulatedRound, orgs: dict) -> dict:
    source = next(s for s in sim.sources if s.group == population.group)
    genuine = source.table[source.table["kind"] == "genuine"]
    counts = genuine.groupby("org_id").size()
    ids = population.units["org_id"].tolist()
    return {
        "org_id": ids,
        "stratum": population.units["stratum"].tolist(),
        "respondents_n": [int(counts.get(o, 0)) for o in ids],
        **orgs,
    }


def _model(sim: SimulatedRound) -> dict[str, Any]:
    instrument = sim.instrument
    dims = instrument.dimension_ids
    location = {
        group: {
            measure: _dim_dict(dims, population.location[m])
            for m, measure in enumerate(instrument.measure_ids)
        }
        for group, population in sim.populations.items()
    }
    return {
        "kind": "cumulative probit per group x measure x dimension (scored direction)",
        "thresholds": list(settings.THRESHOLDS),
        "sd": {
            "stratum": settings.SD_STRATUM,
            "organisation_general": settings.SD_ORG_GENERAL,
            "organisation_measure": settings.SD_ORG_MEASURE,
            "respondent": settings.SD_RESPONDENT,
            "item": settings.SD_ITEM,
        },
        "location": location,
        "shift": sim.spec.shift or {},
        "blank_rate": settings.BLANK_RATE,
        "not_applicable_rate": settings.NOT_APPLICABLE_RATE,
        "dont_know_base_rate": settings.DONT_KNOW_RATE,
        "dont_know_org_slope": settings.DONT_KNOW_ORG_SLOPE,
        "guard_repairs_n": {s.source_id: s.guard_repairs_n for s in sim.sources},
    }


def _design(sim: SimulatedRound) -> dict[str, Any]:
    out: dict[str, Any] = {}
    lonely, census = [], []
    for group, plan in sim.plans.items():
        out[group] = {
            s: {"frame_n": int(plan.frame_n[s]), "responding_n": int(plan.responding_n[s])}
            for s in sorted(plan.frame_n)
        }
        lonely += plan.lonely
        census += plan.census
    out["lonely_psu_strata"] = sorted(lonely)
    out["census_strata"] = sorted(census)
    out["gp_frame_file"] = None if sim.gp_frame is None else "fastleger-ramme.csv"
    return out


def dumps_truth(truth: dict[str, Any]) -> str:
    """Serialise the truth deterministically: indented objects, lists of scalars on one line."""
    return _dump(truth, 0) + "\n"


def _dump(value: Any, level: int) -> str:
    pad = "  " * (level + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        if all(not isinstance(v, dict | list | tuple) for v in value.values()) and len(value) < 12:
            return json.dumps({str(k): _plain(v) for k, v in value.items()}, ensure_ascii=False)
        items = [
            f"{pad}{json.dumps(str(k), ensure_ascii=False)}: {_dump(v, level + 1)}"
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + "  " * level + "}"
    if isinstance(value, list | tuple):
        if all(not isinstance(v, dict | list | tuple) for v in value):
            return json.dumps([_plain(v) for v in value], ensure_ascii=False)
        items = [f"{pad}{_dump(v, level + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + "\n" + "  " * level + "]"
    return _scalar(value)


def _scalar(value: Any) -> str:
    return json.dumps(_plain(value), ensure_ascii=False)


def _plain(value: Any) -> Any:
    """A JSON-ready Python scalar (finite floats only)."""
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            raise ValueError("truth values must be finite")
        return float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value
