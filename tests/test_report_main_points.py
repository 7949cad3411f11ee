"""Main points (Hovedfunn): ranking, numbers with intervals, Holm-adjusted change."""

import dataclasses

import pytest

from _report_fixtures import build_round
from anchoring.report import build_main_points, load_report, main_points
from anchoring.report.headlines import measure_headline
from anchoring.report.main_points import MAX_POINTS


def with_group_findings(report, **findings):
    """The report with the group tests' findings of status.parquet set per measure.

    ``findings``: measure → (has_group_difference, lagging_group, leading_group, p_holm), as
    the analysis stage writes them (anchoring.analysis.group_tests); other measures: none.
    """
    status = report.status.copy()
    status["has_group_difference"] = False
    status["lagging_group"] = ""
    status["leading_group"] = ""
    # the test of a measure with a hidden group is hidden too (fixture: dho, not assessed)
    status["group_test_p_value_holm"] = status["status"].ne("not_assessed").map({True: 0.5})
    for measure, values in findings.items():
        columns = ["has_group_difference", "lagging_group", "leading_group"]
        status.loc[status["measure"] == measure, [*columns, "group_test_p_value_holm"]] = values
    return dataclasses.replace(report, status=status)


@pytest.fixture()
def report_nb(tmp_path):
    # PLL: the group tests find the GPs lagging (its gap, 75 − 58, is the largest of the fixture)
    build_round(tmp_path)
    return with_group_findings(load_report(tmp_path, "fixture", "nb"), pll=(True, "gp", "", 8e-6))


def test_at_most_six_points_each_with_a_number_and_interval(report_nb):
    points = build_main_points(report_nb)
    assert 1 <= len(points) <= MAX_POINTS
    for point in points:
        if (
            point.kind in {"status", "gap", "change", "no_change"}
            and "ikke vurdert" not in point.text
        ):
            assert "KI" in point.text or "(" in point.text, point.text


def test_status_points_rank_the_weakest_measure_first(report_nb):
    # Fixture: dho is not assessed (hospital suppressed); the others are partly anchored with
    # sector index 59.3 (pjd) < 60.3 (kritisk_info) < 68.3 (pll) (tests/_report_fixtures.py).
    status = [p.measure for p in build_main_points(report_nb) if p.kind == "status"]
    assert status == ["dho", "pjd", "kritisk_info", "pll"]


def test_lagging_group_named_with_its_value_and_interval(report_nb):
    points = {p.measure: p.text for p in build_main_points(report_nb) if p.kind == "status"}
    # PLL: the group tests find the GPs lagging; GPs 58.0 with se 2.0 → 58.0 ± 1.96·2.0 =
    # 54.08–61.92 (fixture, normal interval).
    assert "Fastlegene henger etter med 58,0 (54,1–61,9)." in points["pll"]
    assert "68,3" in points["pll"]  # sector: mean of 72, 75, 58 = 68.33
    # the other measures' groups do not differ by the tests: no group is named
    assert not any(word in points["pjd"] for word in ("henger", "Sterkest", "Lavest"))


def test_a_leading_group_alone_is_named_as_strongest(tmp_path):
    build_round(tmp_path)
    report = with_group_findings(
        load_report(tmp_path, "fixture", "en"), pjd=(True, "", "hospital", 0.01)
    )
    pjd = next(p for p in build_main_points(report) if p.measure == "pjd" and p.kind == "status")
    assert "It is strongest among the hospital trusts, at" in pjd.text, pjd.text


def test_largest_gap_is_the_pll_gap(report_nb):
    gap = next(p for p in build_main_points(report_nb) if p.kind == "gap")
    # Fixture gaps: pll 75 − 58 = 17, pjd 11, kritisk_info 3, dho 7 → PLL; CI 17 ± 1.96·2.8.
    assert "PLL" in gap.text and "17,0 poeng (95 % KI 11,5–22,5" in gap.text
    assert "Holm-justert p <\xa00,001" in gap.text  # the test of equal groups, p_holm 8e-6


def test_the_gap_point_names_only_a_difference_the_test_supports(tmp_path):
    # pjd's groups differ by the test, pll's (the largest gap) do not: the point is about pjd
    build_round(tmp_path)
    report = with_group_findings(load_report(tmp_path, "fixture", "en"), pjd=(True, "", "", 0.01))
    gap = next(p for p in build_main_points(report) if p.kind == "gap")
    assert gap.measure == "pjd" and "11.0 points" in gap.text and "p = 0.010" in gap.text


def test_no_clear_difference_when_the_test_finds_none(tmp_path):
    # no measure's groups differ: the point says so, with the largest gap (PLL, 17 points) as
    # a size and its interval, and claims no difference; the titles name no group
    build_round(tmp_path)
    for lang, words in (
        ("nb", "Ingen klar forskjell mellom gruppene etter Holm-justering (3 tiltak)"),
        ("en", "No clear difference between the groups after Holm adjustment (3 measures)"),
    ):
        report = with_group_findings(load_report(tmp_path, "fixture", lang))
        points = build_main_points(report)
        assert not [p for p in points if p.kind == "gap"]
        (point,) = [p for p in points if p.kind == "no_gap"]
        assert point.text.startswith(words), point.text
        assert point.measure == "pll" and "17" in point.text
        assert "lag" not in point.text and "henger" not in point.text
    assert measure_headline(report, "pll") == (
        "PLL is partly anchored, with no clear difference between groups"
    )
    nb = with_group_findings(load_report(tmp_path, "fixture", "nb"))
    assert (
        measure_headline(nb, "pll")
        == "PLL er delvis forankret, uten klar forskjell mellom gruppene"
    )


def test_a_leading_group_is_named_in_the_title(tmp_path):
    build_round(tmp_path)
    report = with_group_findings(
        load_report(tmp_path, "fixture", "en"), pjd=(True, "", "hospital", 0.01)
    )
    assert measure_headline(report, "pjd").endswith("strongest among the hospital trusts")


def test_significant_change_after_holm_is_reported(report_nb):
    change = [p for p in build_main_points(report_nb) if p.kind == "change"]
    assert len(change) == 1
    assert "fastlegene" in change[0].text and "+6,0" in change[0].text
    # the Holm-adjusted p decides; the unadjusted interval is not offered as the evidence
    assert "Holm-justert p" in change[0].text and "KI" not in change[0].text


def _with_changes(report, *changes):
    """The report with change rows (measure, group, change, p_value_holm) set."""
    change = report.change.copy()
    for measure, group, delta, p_holm in changes:
        row = (change["measure"] == measure) & (change["group"] == group)
        current = change.loc[row, "estimate_previous"] + delta
        change.loc[row, ["change", "estimate_current", "p_value_holm"]] = [
            delta,
            float(current.iloc[0]),
            p_holm,
        ]
    return dataclasses.replace(report, change=change)


def test_the_largest_rise_and_the_largest_fall_come_first(report_nb):
    # Fixture: pll/gp +6.0 (p_holm < 0.05). Add a larger rise and two falls: the largest rise
    # (+9) and the largest fall (−7) take the two change places, before the −6.5 fall and +6.0.
    report = _with_changes(
        report_nb,
        ("pjd", "municipality", 9.0, 0.001),
        ("kritisk_info", "hospital", -7.0, 0.002),
        ("kritisk_info", "gp", -6.5, 0.003),
    )
    points = build_main_points(report)
    assert [p.kind for p in points] == ["status"] * 4 + ["change"] * 2
    assert "+9,0" in points[4].text and "har styrket seg" in points[4].text
    assert "−7,0" in points[5].text and "har svekket seg" in points[5].text


def test_a_significant_sector_change_is_told_in_the_status_sentence(report_nb):
    report = _with_changes(report_nb, ("pll", "sector", 5.1, 2e-9), ("pjd", "sector", 0.9, 0.4))
    points = {p.measure: p.text for p in build_main_points(report) if p.kind == "status"}
    assert "5,1 poeng høyere enn i forrige runde (Holm-justert p <\xa00,001)." in points["pll"]
    assert "forrige runde" not in points["pjd"]  # not significant after Holm: not told


def test_no_significant_change_is_said_with_the_largest_change(tmp_path):
    build_round(tmp_path, significant_change=False)
    report = load_report(tmp_path, "fixture", "en")
    points = build_main_points(report)
    no_change = [p for p in points if p.kind == "no_change"]
    assert len(no_change) == 1 and not [p for p in points if p.kind == "change"]
    # 12 group comparisons, minus dho/hospital which is suppressed → 11 in the family.
    assert "No change since the previous round is statistically significant" in no_change[0].text
    assert "(11 comparisons)" in no_change[0].text
    assert "95% CI" in no_change[0].text


def test_first_round_has_no_change_point(tmp_path):
    build_round(tmp_path, previous=None)
    report = load_report(tmp_path, "fixture", "nb")
    assert not [p for p in build_main_points(report) if p.kind in {"change", "no_change"}]


def test_the_gap_gives_way_to_a_second_change(report_nb):
    # Make a second change significant: 4 status + 2 changes + 1 gap = 7 candidates; the
    # status of every measure, the rise and the fall are kept, the gap gives way.
    change = report_nb.change.copy()
    row = (change["measure"] == "pjd") & (change["group"] == "municipality")
    change.loc[row, ["change", "estimate_current", "p_value_holm"]] = [-5.0, 45.0, 0.01]
    points = build_main_points(dataclasses.replace(report_nb, change=change))
    assert len(points) == MAX_POINTS
    assert [p.kind for p in points] == ["status"] * 4 + ["change"] * 2
    assert "+6,0" in points[-2].text  # |+6.0| > |−5.0|: the larger change comes first


def test_too_few_places_drop_the_strongest_status_first(report_nb, monkeypatch):
    # Four status candidates for three places (four points minus the change): PLL, the
    # strongest measure (sector 68.3 in the fixture), gives way; the gap finds no place.
    monkeypatch.setattr(main_points, "MAX_POINTS", 4)
    points = build_main_points(report_nb)
    assert [p.kind for p in points] == ["status"] * 3 + ["change"]
    assert "pll" not in [p.measure for p in points if p.kind == "status"]


def test_active_titles_state_the_finding(report_nb, tmp_path):
    # PLL: partly anchored, and the group tests find the GPs lagging.
    assert (
        measure_headline(report_nb, "pll") == "PLL er delvis forankret, og fastlegene henger etter"
    )
    assert measure_headline(report_nb, "dho").endswith("for få svar fra helseforetakene")
    english = with_group_findings(
        load_report(tmp_path, "fixture", "en"), pll=(True, "gp", "", 8e-6)
    )
    assert measure_headline(english, "pll") == "PLL is partly anchored, and the GPs lag behind"


def test_a_significant_gap_alone_names_no_group(tmp_path):
    # The fixture's gap rows carry a z-test p-value of 2e-6 for PLL (the old rule): without the
    # group tests' finding in status.parquet no group is named.
    build_round(tmp_path)
    report = load_report(tmp_path, "fixture", "en")
    assert "lag" not in measure_headline(report, "pll")


def test_a_change_holds_at_the_rounds_own_level(report_nb):
    # estimation.level 0.90: a change holds below Holm p 0.10 (as the group tests' is_significant
    # uses 1 − level), so p 0.07 is told; at the default 0.95 it is not.
    change = report_nb.change.copy()
    row = (change["measure"] == "pjd") & (change["group"] == "municipality")
    change.loc[row, ["change", "estimate_current", "p_value_holm"]] = [-4.0, 46.0, 0.07]
    default = dataclasses.replace(report_nb, change=change)
    estimation = default.config.estimation.model_copy(update={"level": 0.90})
    at_90 = dataclasses.replace(
        default, config=default.config.model_copy(update={"estimation": estimation})
    )
    assert main_points.significance_level(at_90) == pytest.approx(0.10)
    assert not [p for p in build_main_points(default) if "−4,0" in p.text]
    assert [p for p in build_main_points(at_90) if p.kind == "change" and "−4,0" in p.text]
