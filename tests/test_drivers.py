"""Tests of anchoring.analysis.drivers: the standardised design-based regression of readiness."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from anchoring.analysis.drivers import DRIVER_COLUMNS, TOO_FEW, estimate_drivers
from anchoring.analysis.round_design import round_design
from anchoring.analysis.scoring import score_column
from anchoring.instrument import load_instrument
from anchoring.survey import SurveyDesign


def _round(rng, n_orgs: dict[str, int]) -> pd.DataFrame:
    instrument = load_instrument()
    rows = []
    for group, count in n_orgs.items():
        for org in range(count):
            rows += [{"group": group, "org_id": f"{group}{org}", "stratum": f"{group}:a"}] * 2
    data = pd.DataFrame(rows)
    data["fpc"] = data.groupby("stratum")["org_id"].transform("nunique") * 2
    data["weight"] = rng.uniform(1, 3, len(data))
    data["respondent_key"] = [f"r{k}" for k in range(len(data))]
    latent = rng.normal(0, 1, (len(data), 7))
    for k, dimension in enumerate(instrument.dimension_ids):
        values = latent[:, k] if dimension != "beredskap" else latent[:, 0] + latent[:, 1]
        data[score_column(f"pll__{dimension}")] = np.clip(np.rint(3 + values), 1, 5)
    return data


def test_drivers_equal_a_design_glm_on_weighted_standardised_items():
    rng = np.random.default_rng(9)
    data = _round(rng, {"municipality": 80, "gp": 30})
    instrument = load_instrument()
    table = estimate_drivers(data, round_design, instrument, ("pll",), "r1")
    assert list(table.columns) == list(DRIVER_COLUMNS)
    muni = table[table["group"] == "municipality"].set_index("dimension")
    assert not muni["is_suppressed"].any() and muni.at["kjennskap", "n_orgs"] == 80
    # by hand: standardise with the weighted mean and SD of the group, fit on the whole design
    rows = data["group"] == "municipality"
    w = data.loc[rows, "weight"]
    z = {}
    for d in instrument.dimension_ids:
        y = data.loc[rows, score_column(f"pll__{d}")]
        m = np.average(y, weights=w)
        z[d] = ((y - m) / np.sqrt(np.average((y - m) ** 2, weights=w))).reindex(data.index)
    design = SurveyDesign(
        data.assign(**z), "weight", "org_id", "stratum", "fpc", ssu="respondent_key"
    )
    others = [d for d in instrument.dimension_ids if d != "beredskap"]
    fit = design.glm("beredskap ~ " + " + ".join(others)).coefficients.set_index("term")
    for column in ("estimate", "se", "ci_low", "ci_high", "df"):
        np.testing.assert_allclose(muni.loc[others, column], fit.loc[others, column], rtol=1e-9)
    # readiness is built from knowledge and priority: they carry it, the rest about nothing
    assert muni.at["kjennskap", "estimate"] > 0.3 and muni.at["prioritet", "estimate"] > 0.3
    # 30 GPs < 10 per coefficient (7): not modelled, counts kept
    gp = table[table["group"] == "gp"]
    assert gp["is_suppressed"].all() and (gp["suppression_reason"] == TOO_FEW).all()
    assert gp["estimate"].isna().all() and (gp["n_orgs"] == 30).all()
    assert table[table["group"] == "hospital"]["is_suppressed"].all()


def test_drivers_are_standardised_so_scale_does_not_matter():
    rng = np.random.default_rng(3)
    data = _round(rng, {"municipality": 75})
    instrument = load_instrument()
    doubled = data.assign(weight=data["weight"] * 2)
    a = estimate_drivers(data, round_design, instrument, ("pll",), "r1")
    b = estimate_drivers(doubled, round_design, instrument, ("pll",), "r1")
    assert a["estimate"].dropna().to_numpy() == pytest.approx(b["estimate"].dropna().to_numpy())


def test_many_measures_build_the_design_frame_in_one_piece():
    # 5 measures x 3 groups x 7 items = 105 standardised columns: inserted one at a time they
    # would make a frame of more than 100 blocks (pandas' PerformanceWarning)
    rng = np.random.default_rng(5)
    data = _round(rng, {"municipality": 75})
    measures = ("pll", "m2", "m3", "m4", "m5")
    for measure in measures[1:]:
        for dimension in load_instrument().dimension_ids:
            data[score_column(f"{measure}__{dimension}")] = data[score_column(f"pll__{dimension}")]
    data = data.copy()  # consolidated, as a round's rows read from Parquet are
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.PerformanceWarning)
        table = estimate_drivers(data, round_design, load_instrument(), measures, "r1")
    muni = table[table["group"] == "municipality"]
    assert muni.groupby("dimension")["estimate"].nunique().eq(1).all()  # same items, same fit
