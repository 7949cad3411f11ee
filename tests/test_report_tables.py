"""Report tables: suppressed cells show ":" with a footnote; everything is escaped."""

import dataclasses

import pandas as pd
import pytest

from _report_fixtures import EVIL, build_round
from anchoring.instrument import Theme
from anchoring.report import load_report, title_section
from anchoring.report.about import about_section
from anchoring.report.numbers import SUPPRESSED
from anchoring.report.tables import (
    change_table,
    measure_table,
    overview_table,
    stratum_table,
    theme_table,
)


@pytest.fixture()
def report(tmp_path):
    build_round(tmp_path)
    return load_report(tmp_path, "fixture", "nb")


def _row(table, first_text):
    return next(r for r in table.rows if r[0].text == first_text)


def test_overview_hides_suppressed_cells_with_a_colon_and_footnote(report):
    table = overview_table(report)
    dho = _row(table, "Datadeling for digital hjemmeoppfølging")
    # Columns: measure, municipality, hospital, gp, sector, status. The fixture suppresses the
    # hospital trusts (primary) and therefore the sector value (secondary).
    assert [c.text for c in dho[1:5]] == ["45,0", SUPPRESSED, "38,0", SUPPRESSED]
    assert dho[2].is_suppressed and dho[2].detail == ""
    assert dho[5].text == "Ikke vurdert"
    html = table.to_html()
    assert '<td class="num hidden">:</td>' in html
    assert "Skjult fordi gruppen har færre enn 5 svar eller færre enn 3 organisasjoner" in html


def test_shown_cells_carry_the_interval_and_are_right_aligned(report):
    pll = _row(overview_table(report), "Pasientens legemiddelliste (PLL)")
    # Fixture: municipality 72.0 with se 2.0 → 72.0 ± 1.96·2 = 68.08–75.92.
    assert (pll[1].text, pll[1].detail) == ("72,0", "(68,1–75,9)")
    assert 'class="num"' in overview_table(report).to_html()


def test_no_footnote_when_nothing_is_hidden(report):
    table = measure_table(report, "pll")
    assert not table.has_suppressed
    assert all("Skjult" not in note for note in table.all_notes())


def test_counts_of_a_suppressed_group_are_hidden_too(report):
    hospital = _row(measure_table(report, "dho"), "Helseforetak")
    assert [c.text for c in hospital[1:]] == [SUPPRESSED] * 4


def test_small_theme_counts_and_their_row_total_are_hidden(report):
    counts = report.theme_counts.copy()
    counts.loc[(counts["group"] == "hospital") & (counts["theme"] == "okonomi"), "count"] = 2
    table = theme_table(dataclasses.replace(report, theme_counts=counts))
    row = _row(table, "Økonomi")
    assert row[2].text == SUPPRESSED and row[4].text == SUPPRESSED  # hospital and total
    assert row[1].text != SUPPRESSED
    assert "Færre enn 3 omtaler" in table.to_html()


def test_change_rows_that_are_suppressed_show_colons(report):
    table = change_table(report)
    hidden = [r for r in table.rows if r[0].text.startswith("Datadeling") and r[1].text in
              ("Helseforetak", "Sektoren samlet")]  # fmt: skip
    assert len(hidden) == 2
    assert all(c.text == SUPPRESSED for r in hidden for c in r[2:])


def test_change_table_marks_the_changes_that_hold_after_holm(report):
    # The decision is the Holm-adjusted p (below 0.05: «Ja»), never the unadjusted interval:
    # make one change's interval exclude zero while its adjusted p is 0.27 (issue 17's PLL
    # hospital trusts, +3.6 (0.4–6.8), p 0.271): it must read «Nei».
    change = report.change.copy()
    row = (change["measure"] == "pll") & (change["group"] == "hospital")
    change.loc[row, ["change", "ci_low", "ci_high", "p_value_holm"]] = [3.6, 0.4, 6.8, 0.271]
    table = change_table(dataclasses.replace(report, change=change))
    header = [c.header for c in table.columns]
    assert header[-1] == "Holder etter justering"
    marks = {(r[0].text, r[1].text): r[-1].text for r in table.rows}
    expected = change.set_index(["measure", "group"])["p_value_holm"]
    for cells in table.rows:
        if cells[-1].text == SUPPRESSED:
            continue
        measure = next(m for m in report.measures if cells[0].text.startswith(
            report.labels.measure_short(m)[:1].upper() + report.labels.measure_short(m)[1:]))
        group = next(g for g in ("municipality", "hospital", "gp", "sector")
                     if report.labels.group(g) == cells[1].text)  # fmt: skip
        assert cells[-1].text == ("Ja" if expected[(measure, group)] < 0.05 else "Nei")
    assert marks[("PLL", "Helseforetak")] == "Nei"
    assert "Ja" in marks.values()
    # the note says what the mark means and that the intervals are unadjusted
    assert "Holm-justert p er under 0,05" in table.to_html()
    assert "uten denne justeringen" in table.to_html()


def test_theme_and_title_text_is_escaped(report):
    themes = tuple(
        Theme(t.id, {"nb": EVIL, "en": EVIL}, t.keywords_nb) for t in report.instrument.themes
    )
    evil_instrument = dataclasses.replace(report.instrument, themes=themes)
    config = report.config.model_copy(
        update={"title": report.config.title.model_copy(update={"nb": EVIL})}
    )
    evil = dataclasses.replace(report, instrument=evil_instrument, config=config)
    for html in (theme_table(evil).to_html(), title_section(evil).html):
        assert "<script" not in html and "<img" not in html
        assert "&lt;script&gt;" in html and "onerror=alert(1)&gt;" in html


def test_stratum_names_from_a_frame_are_escaped(report):
    strata = report.frames["municipality"].strata.copy()
    strata.loc[0, "stratum_name"] = EVIL
    frame = dataclasses.replace(report.frames["municipality"], strata=strata)
    frames = dataclasses.replace(report.frames, by_group={**report.frames.by_group,
                                                          "municipality": frame})  # fmt: skip
    html = stratum_table(dataclasses.replace(report, frames=frames)).to_html()
    assert "<script" not in html and "&lt;script&gt;" in html


def test_rows_are_in_a_stable_order(report):
    first = [r[0].text for r in overview_table(report).rows]
    assert first == [report.labels.measure(m) for m in report.measures]
    assert isinstance(report.estimates.table, pd.DataFrame)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_about_section_names_the_variance_design(tmp_path, lang):
    # default two-stage variance: the methods text says where the uncertainty comes from and
    # the one-stage limitation is absent; estimation.variance: one_stage lists it
    build_round(tmp_path)
    report = load_report(tmp_path, "fixture", lang)
    two_stage = {"nb": "hvilke personer som svarte", "en": "which people answered"}[lang]
    one_stage = {"nb": "ett-trinns design", "en": "one-stage design"}[lang]
    html = about_section(report).html
    assert two_stage in html and one_stage not in html
    settings = report.config.estimation.model_copy(update={"variance": "one_stage"})
    config = report.config.model_copy(update={"estimation": settings})
    html = about_section(dataclasses.replace(report, config=config)).html
    assert two_stage not in html and one_stage in html
