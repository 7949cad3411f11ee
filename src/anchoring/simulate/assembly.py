"""Assemble a simulated round in memory: populations, samples, answers, dirt, rows in file order.

The parts draw from independent streams (:mod:`anchoring.simulate.streams`): the population from
the population seed, everything else from the round's seed, one stream per part and source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from anchoring.exceptions import AnchoringError
from anchoring.frames import Frames, load_frames
from anchoring.instrument import Instrument, load_instrument
from anchoring.simulate import free_text, settings
from anchoring.simulate.dirt import Planted, plant_dirt
from anchoring.simulate.exports import CHECKBOX_OPTIONS
from anchoring.simulate.formats import (
    DEFAULT_FORMATS,
    TOOL_FORMATS,
    check_formats,
    export_file,
)
from anchoring.simulate.intake import IntakePlanted, plant_intake
from anchoring.simulate.population import GroupPopulation, build_population
from anchoring.simulate.respondents import (
    Answers,
    StratumPlan,
    cap_responding,
    choose_respondents,
    draw_answer_times_ms,
    draw_answers,
    draw_practice_sizes,
    draw_submission_times,
    plan_gp_strata,
    plan_org_strata,
)
from anchoring.simulate.streams import derive_rng

SOURCES: tuple[tuple[str, str], ...] = (
    ("kommuner", "municipality"),
    ("helseforetak", "hospital"),
    ("fastleger", "gp"),
)
"""Source id and group of the three exports (the file is the id with the format's extension)."""

GP_FRAME_FILE = "fastleger-ramme.csv"
"""Round-supplied GP frame written when the GP sample would exceed the packaged frame."""

MAX_SCALE = 1000.0
CHECKBOX_SHARES = {"nyhetsbrev": 0.45, "helsefellesskap": 0.30, "leverandor": 0.25, "kollega": 0.35}


@dataclass(frozen=True)
class RoundSpec:
    """What to simulate: ids, seeds, size, fieldwork year and latent shifts."""

    round_id: str
    seed: int
    scale: float
    previous_round: str | None
    shift: dict | None
    year: int
    population_seed: int
    formats: tuple[str, ...] = DEFAULT_FORMATS
    """One format per group (:mod:`anchoring.simulate.formats`)."""
    responding: tuple[tuple[str, int], ...] = ()
    """Groups cut down to a number of responding organisations (GPs), e.g.
    ``(("hospital", 2),)``: a group the analysis hides (:func:`cap_responding`)."""


@dataclass
class SimulatedSource:
    """One source's rows in file order (``row`` = 1-based data row) and what was planted."""

    source_id: str
    group: str
    file: str
    table: pd.DataFrame
    planted: Planted
    guard_repairs_n: int
    format: str = DEFAULT_FORMATS[0]
    intake: IntakePlanted | None = None
    """What :mod:`anchoring.simulate.intake` planted (tool formats only)."""


@dataclass
class SimulatedRound:
    """Everything needed to write the exports, the config and the truth."""

    spec: RoundSpec
    instrument: Instrument
    fieldwork: tuple[dt.date, dt.date]
    populations: dict[str, GroupPopulation]
    plans: dict[str, StratumPlan]
    sources: list[SimulatedSource]
    gp_frame: pd.DataFrame | None


def check_spec(spec: RoundSpec, instrument: Instrument) -> None:
    """Refuse a seed, scale or shift that cannot be simulated, naming the fix."""
    check_formats(spec.formats)
    if not isinstance(spec.seed, int) or spec.seed < 0:
        raise AnchoringError(f"simulate: seed {spec.seed!r} must be a whole number >= 0.")
    if not 0 < spec.scale <= MAX_SCALE:
        raise AnchoringError(f"simulate: scale {spec.scale} must be > 0 and <= {MAX_SCALE:g}.")
    for group, organisations in spec.responding:
        if group not in instrument.group_ids or not isinstance(organisations, int):
            raise AnchoringError(
                f"simulate: responding {{{group!r}: {organisations!r}}} must map a group of "
                f"{instrument.group_ids} to a whole number of organisations >= 1."
            )
        if organisations < 1:
            raise AnchoringError(
                f"simulate: responding['{group}'] is {organisations}; give at least 1 (a "
                "group with no organisation has no export)."
            )
    for group, measures in (spec.shift or {}).items():
        if group not in instrument.group_ids or not isinstance(measures, dict):
            raise AnchoringError(
                f"simulate: shift key '{group}' must be one of {instrument.group_ids} with a "
                "mapping {measure: delta} or {measure: {dimension: delta}}."
            )
        for measure, delta in measures.items():
            dims = delta if isinstance(delta, dict) else {}
            if measure not in instrument.measure_ids or not set(dims) <= set(
                instrument.dimension_ids
            ):
                raise AnchoringError(
                    f"simulate: shift['{group}']['{measure}'] names an unknown measure or "
                    f"dimension (measures {instrument.measure_ids}, dimensions "
                    f"{instrument.dimension_ids})."
                )


def assemble_round(spec: RoundSpec) -> SimulatedRound:
    """Draw the whole round in memory (no files written)."""
    instrument = load_instrument()
    check_spec(spec, instrument)
    frames = load_frames()
    fieldwork = settings.fieldwork_dates(spec.year)
    gp_plan = plan_gp_strata(frames["gp"].psu_n(), spec.seed, spec.scale)
    populations = {
        group: build_population(
            instrument,
            frames,
            group,
            spec.population_seed,
            spec.shift,
            gp_plan.frame_n if group == "gp" else None,
        )
        for _, group in SOURCES
    }
    plans = {
        "municipality": plan_org_strata(populations["municipality"], spec.seed),
        "hospital": plan_org_strata(populations["hospital"], spec.seed),
        "gp": gp_plan,
    }
    for group, organisations in spec.responding:
        plans[group] = cap_responding(plans[group], organisations)
    sources = [
        _simulate_source(
            spec, instrument, frames, populations[group], plans[group], sid, fmt, fieldwork
        )
        for (sid, group), fmt in zip(SOURCES, spec.formats, strict=True)
    ]
    gp_frame = None
    if gp_plan.frame_n != frames["gp"].psu_n():
        strata = frames["gp"].strata
        gp_frame = pd.DataFrame(
            {
                "fylkesnummer": strata["stratum_code"].to_numpy(),
                "fylkesnavn": strata["stratum_name"].to_numpy(),
                "gp_n": [gp_plan.frame_n[s] for s in strata["stratum"]],
            }
        )
    return SimulatedRound(spec, instrument, fieldwork, populations, plans, sources, gp_frame)


def _simulate_source(
    spec: RoundSpec,
    instrument: Instrument,
    frames: Frames,
    population: GroupPopulation,
    plan: StratumPlan,
    source_id: str,
    fmt: str,
    fieldwork: tuple[dt.date, dt.date],
) -> SimulatedSource:
    group = population.group
    respondents = choose_respondents(population, plan, spec.seed, spec.scale)
    answers = draw_answers(instrument, population, respondents, spec.seed, source_id)
    table = _genuine_table(spec, instrument, respondents, answers, source_id, fieldwork)
    item_ids = instrument.item_ids()
    measure_items = {m: instrument.item_ids(m) for m in instrument.measure_ids}
    municipality_ids = list(frames["municipality"].units["org_id"])
    table, planted = plant_dirt(
        table,
        item_ids,
        measure_items,
        derive_rng(spec.seed, f"dirt:{source_id}"),
        fieldwork,
        spec.scale,
        municipality_ids,
    )
    intake = None
    if fmt in TOOL_FORMATS:
        hospitals = frames["hospital"].units
        table, intake = plant_intake(
            table,
            fmt,
            group,
            item_ids,
            derive_rng(spec.seed, f"intake:{source_id}"),
            fieldwork,
            planted,
            dict(zip(hospitals["org_id"], hospitals["org_name"], strict=True)),
        )
    table = table.sort_values(["submitted_s", "seq"], kind="stable", ignore_index=True)
    table["row"] = np.arange(1, len(table) + 1)
    return SimulatedSource(
        source_id,
        group,
        export_file(source_id, fmt),
        table,
        planted,
        answers.guard_repairs_n,
        fmt,
        intake,
    )


def _genuine_table(
    spec: RoundSpec,
    instrument: Instrument,
    respondents: pd.DataFrame,
    answers: Answers,
    source_id: str,
    fieldwork: tuple[dt.date, dt.date],
) -> pd.DataFrame:
    n = len(respondents)
    group = next(g for s, g in SOURCES if s == source_id)
    times = derive_rng(spec.seed, f"times:{source_id}")
    comments, themes = free_text.draw_comments(
        instrument,
        group,
        n,
        settings.BARRIER_TEXT_SHARE[group],
        derive_rng(spec.seed, f"free_text:{source_id}"),
    )
    table = pd.DataFrame(
        {
            "seq": np.arange(n),
            "kind": "genuine",
            "origin_seq": -1,
            "org_index": respondents["org_index"].to_numpy(),
            "org_id": respondents["org_id"].to_numpy(),
            "stratum": respondents["stratum"].to_numpy(),
            "role": respondents["role"].to_numpy(),
            "municipality_id": respondents["municipality_id"].to_numpy(),
            "submitted_s": draw_submission_times(n, times, *fieldwork),
            "answer_time_ms": draw_answer_times_ms(n, times),
            "practice_size": draw_practice_sizes(n, times) if group == "gp" else 0,
            "barriers": comments,
            "themes": pd.Series(themes, dtype=object),
        }
    )
    codes = answers.codes.reshape(n, -1)
    items = pd.DataFrame(codes, columns=instrument.item_ids(), dtype=np.int8)
    table = pd.concat([table, items], axis=1)
    if group == "municipality":
        ticks = derive_rng(spec.seed, f"checkbox:{source_id}").random((n, len(CHECKBOX_OPTIONS)))
        for k, option in enumerate(CHECKBOX_OPTIONS):
            table[f"kilde.{option}"] = (ticks[:, k] < CHECKBOX_SHARES[option]).astype(int)
    return table
