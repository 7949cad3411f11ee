"""Figure titles that state the message (anchoring.report.figure_titles), read off the tables."""

import dataclasses

import pytest

from _report_fixtures import build_round
from anchoring.report import load_report
from anchoring.report.distribution import answer_distribution
from anchoring.report.figure_titles import (
    change_title,
    distribution_title,
    heatmap_title,
    index_title,
)


@pytest.fixture()
def fixture_root(tmp_path):
    build_round(tmp_path)
    return tmp_path


def _with_status(report, measure, **values):
    status = report.status.copy()
    for column, value in values.items():
        status.loc[status["measure"] == measure, column] = value
    return dataclasses.replace(report, status=status)


def test_heatmap_title_names_the_strongest_and_weakest_measure(fixture_root):
    # Fixture sector indices: pll 68.3 > kritisk_info 60.3 > pjd 59.3; dho hidden (not assessed)
    nb = load_report(fixture_root, "fixture", "nb")
    sector = {
        m: e.estimate
        for m in nb.measures
        for e in (nb.estimates.get(m, "sector", "mean"),)
        if e is not None and e.is_shown
    }
    high, low = max(sector, key=sector.get), min(sector, key=sector.get)
    assert (high, low) == ("pll", "pjd")
    assert heatmap_title(nb) == (
        f"PLL er sterkest forankret, {nb.labels.measure_short('pjd')} svakest"
    )
    en = load_report(fixture_root, "fixture", "en")
    assert heatmap_title(en).startswith("PLL is the most firmly anchored")


def test_index_title_names_a_group_only_where_the_tests_single_it_out(fixture_root):
    report = load_report(fixture_root, "fixture", "nb")
    plain = _with_status(report, "pll", lagging_group="", leading_group="")
    assert index_title(plain, "pll") == "Ingen klar forskjell mellom gruppene på PLL"
    lagging = _with_status(report, "pll", lagging_group="gp", leading_group="")
    assert index_title(lagging, "pll") == "Fastlegene ligger lavest på PLL"
    english = _with_status(
        load_report(fixture_root, "fixture", "en"),
        "pll",
        lagging_group="",
        leading_group="hospital",
    )
    assert index_title(english, "pll") == "The hospital trusts are highest on PLL"


def test_distribution_title_names_the_dimension_with_least_agreement(fixture_root):
    report = load_report(fixture_root, "fixture", "nb")
    distribution = answer_distribution(report, "pll")
    shown = distribution[distribution["is_shown"]]
    lowest = shown.groupby("dimension")["agree"].mean().idxmin()
    title = distribution_title(report, "pll", distribution)
    assert title.startswith(f"«{report.labels.dimension(lowest)}»"), title
    assert "minst tilslutning for PLL" in title
    # lowest in every group ⇔ «i alle gruppene»
    each = {g.loc[g["agree"].idxmin(), "dimension"] for _, g in shown.groupby("group")}
    assert title.endswith("i alle gruppene") == (each == {lowest})


def test_change_title_tells_the_rise_and_the_fall_that_hold(fixture_root):
    report = load_report(fixture_root, "fixture", "nb")
    # Fixture: only PLL among the GPs (+6.0) holds after Holm
    assert change_title(report) == "PLL har styrket seg hos fastlegene"
    change = report.change.copy()
    row = (change["measure"] == "pjd") & (change["group"] == "municipality")
    change.loc[row, ["change", "p_value_holm"]] = [-4.0, 0.01]
    both = dataclasses.replace(report, change=change)
    assert change_title(both) == (
        f"PLL har styrket seg hos fastlegene, {both.labels.measure_short('pjd')} "
        "har svekket seg hos kommunene"
    )
    change["p_value_holm"] = 0.5
    none = dataclasses.replace(report, change=change)
    assert change_title(none) == "Ingen endring siden forrige runde holder etter justering"
