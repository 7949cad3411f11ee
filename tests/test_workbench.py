"""anchoring.workbench: a recorded round, its design (the analysis' own) and the views.

Runs on the session's small simulated rounds (:func:`_pipeline_fixtures.completed_rounds`). The
design's estimates are checked against the published ``estimates.parquet`` (an identity: same
rows, same design, so equal to 1e-12), the ad-hoc suppression against the round's thresholds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import anchoring
from _pipeline_fixtures import CURRENT, completed_rounds
from anchoring.exceptions import InputFileError
from anchoring.instrument import load_instrument
from anchoring.workbench import displays, load_cleaning_result, views

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def r(tmp_path_factory):
    return anchoring.load_round(CURRENT, completed_rounds(tmp_path_factory))


def _published_index(r, measure):
    e = r.estimates
    rows = e[
        (e["measure"] == measure)
        & (e["breakdown"] == "")
        & (e["dimension"] == "index")
        & (e["statistic"] == "mean")
        & e["group"].isin(["municipality", "hospital", "gp"])
    ]
    return rows.set_index("group").sort_index()


@pytest.mark.parametrize("measure", ["pll", "dho"])
def test_design_mean_equals_the_published_index_of_every_group(r, measure):
    published = _published_index(r, measure)
    shown = published[~published["is_suppressed"]]
    assert len(shown) >= 2, "the test round should publish at least two groups"
    mine = r.design.mean(f"{measure}__index", by="group").set_index("group").loc[shown.index]
    np.testing.assert_allclose(mine["estimate"], shown["estimate"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(mine["se"], shown["se"], rtol=0, atol=1e-12)
    assert (mine["n"].to_numpy() == shown["n"].to_numpy()).all()


def test_design_item_is_the_scored_item_of_the_published_mean(r):
    e = r.estimates
    row = e[
        (e["measure"] == "pll")
        & (e["group"] == "municipality")
        & (e["breakdown"] == "")
        & (e["dimension"] == "nytte")
        & (e["statistic"] == "mean")
    ].iloc[0]
    mine = r.design.mean("pll__nytte", by="group").set_index("group").loc["municipality"]
    assert abs(mine["estimate"] - row["estimate"]) < 1e-12


def test_responses_carry_the_instruments_names_and_labelled_answers(r):
    instrument = load_instrument()
    group_names = {g.name["nb"] for g in instrument.groups}
    assert set(r.responses["group_name"]) <= group_names
    assert "it_leder" not in set(r.responses["role_name"])
    answers = r.responses["pll__nytte"]
    assert isinstance(answers.dtype, pd.CategoricalDtype) and answers.dtype.ordered
    assert list(answers.dtype.categories[:2]) == ["Helt uenig", "Litt uenig"]
    assert "Vet ikke" in set(answers.dropna())
    assert not r.responses["stratum_name"].str.contains(":").any()


def test_ad_hoc_table_is_suppressed_by_the_rounds_rules(r):
    table = r.design.mean("pll__index", by=["stratum_name", "role_name"])
    checked = r.suppress(table, "pll__index")
    settings = r.config.estimation
    small = (checked["n"] < settings.min_n) | (checked["n_orgs"] < settings.min_orgs)
    assert small.any(), "the breakdown should have small cells"
    assert checked.loc[small, "is_suppressed"].all()
    assert checked.loc[checked["is_suppressed"], "estimate"].isna().all()
    shown = ~checked["is_suppressed"]
    np.testing.assert_array_equal(checked.loc[shown, "estimate"], table.loc[shown, "estimate"])
    assert (checked["n_orgs"] <= checked["n"]).all()


def test_one_hidden_cell_hides_the_next_smallest_too(r):
    table = r.design.mean("pll__index", by="group")
    table.loc[0, "n"] = 1  # one cell below min_n, recoverable from the overall value
    checked = r.suppress(table, "pll__index")
    assert checked["is_suppressed"].sum() == 2
    assert "secondary_breakdown" in set(checked["suppression_reason"])


def test_a_round_without_recorded_outputs_says_to_run_it(tmp_path):
    from anchoring.simulate import simulate_round

    simulate_round(tmp_path, "fresh", seed=3, scale=0.1)  # raw exports and round.yaml, no run
    with pytest.raises(InputFileError, match="anchoring run --round fresh"):
        anchoring.load_round("fresh", tmp_path)


def test_recorded_cleaning_matches_the_quality_file(r):
    result = load_cleaning_result(r.paths.root, r.round_id)
    assert result.rows_read == result.kept_n + result.excluded_n
    assert result.kept_n == len(r.responses)


def test_every_view_draws_a_png(r):
    drawn = [
        views.fieldwork_figure(r),
        views.response_rate_figure(r),
        views.answers_by_group_figure(r),
        views.answers_by_stratum_figure(r, "pjd", group="municipality"),
        views.correlation_figure(r, "pll"),
        views.quality_flags_figure(r),
        views.dont_know_figure(r),
        views.barrier_themes_figure(r),
        views.index_figure(r),
        views.item_means_figure(r),
    ]
    for view in drawn:
        assert view._repr_png_().startswith(b"\x89PNG")


def test_bar_views_draw_no_interval(r):
    # seaborn draws an error bar as a Line2D per bar; errorbar=None leaves none
    for view in (views.barrier_themes_figure(r), views.response_rate_figure(r)):
        for ax in view.figure.axes:
            assert len(ax.lines) == 0, "a bar view drew an interval"


def test_tables_are_labelled_and_rounded(r):
    index = displays.index_table(r)
    assert "PLL" in set(index["Tiltak"]) and "Kommuner" in set(index["Gruppe"])
    values = [v for v in index["Indeks"] if v != displays.HIDDEN]
    assert all(round(v, 1) == v for v in values)
    assert displays.status_table(r)["Tiltak"].iloc[0] == "PLL"
    assert displays.design_summary(r).loc["Frihetsgrader i designet"].iloc[0] == (
        r.design.degrees_of_freedom
    )
