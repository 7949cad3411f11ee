"""Report tables: suppressed cells show ":" with a footnote; everything is escaped."""

import dataclasses
import re

import pandas as pd
import pytest

from _report_fixtures import EVIL, build_round
from anchoring.analysis.suppression import suppress_theme_counts
from anchoring.instrument import Theme
from anchoring.report import load_report, title_section
from anchoring.report.about import STATEMENTS_ID, about_section, frames_table, statements_table
from anchoring.report.estimates import Estimates
from anchoring.report.figures import index_figure
from anchoring.report.html import escape
from anchoring.report.main_points import status_rule_text
from anchoring.report.numbers import SUPPRESSED
from anchoring.report.sections import section_id
from anchoring.report.tables import (
    change_table,
    dimension_table,
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
    counts = suppress_theme_counts(counts)  # the analysis flags them (themes.parquet)
    table = theme_table(dataclasses.replace(report, theme_counts=counts))
    row = _row(table, "Økonomi")
    assert row[2].text == SUPPRESSED and row[4].text == SUPPRESSED  # hospital and total
    assert row[1].text != SUPPRESSED
    assert "Færre enn 3 omtaler" in table.to_html()


def test_theme_table_shows_what_themes_parquet_flags_and_never_recounts(report):
    counts = report.theme_counts
    assert not counts["is_suppressed"].any()  # fixture: every count at least 3
    kapasitet = counts["theme"] == "kapasitet"
    # a count of 2 the analysis did not flag is shown; a flagged count is hidden whatever it is
    shown = counts.assign(count=counts["count"].mask(kapasitet & (counts["group"] == "gp"), 2))
    row = _row(theme_table(dataclasses.replace(report, theme_counts=shown)), "Kapasitet og tid")
    assert row[3].text == "2" and SUPPRESSED not in [c.text for c in row]
    flagged = counts.assign(is_suppressed=kapasitet & counts["group"].isin(["gp", "sector"]))
    row = _row(theme_table(dataclasses.replace(report, theme_counts=flagged)), "Kapasitet og tid")
    assert [c.text for c in row[1:]].count(SUPPRESSED) == 2
    assert row[3].text == SUPPRESSED and row[4].text == SUPPRESSED


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
    labels = report.labels
    measures = {labels.measure_short(m)[:1].upper() + labels.measure_short(m)[1:]: m
                for m in report.measures}  # fmt: skip
    groups = {labels.group(g): g for g in ("municipality", "hospital", "gp", "sector")}
    expected = change.set_index(["measure", "group"])["p_value_holm"]
    for (measure, group), mark in marks.items():
        if mark != SUPPRESSED:
            p_holm = expected[(measures[measure], groups[group])]
            assert mark == ("Ja" if p_holm < 0.05 else "Nei"), (measure, group, p_holm)
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


# Words (issue 17): the statements shown once, the shares' denominators explained once, the
# status rule stated once and referred to, the small phrases.


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_about_shows_each_statement_once_with_its_dimension(tmp_path, lang):
    build_round(tmp_path)
    report = load_report(tmp_path, "fixture", lang)
    instrument, labels = report.instrument, report.labels
    table = statements_table(report)
    names = [instrument.dimension(d).name[lang] for d in instrument.dimension_ids]
    assert [row[0].text for row in table.rows] == names
    readiness = {
        "nb": "Vi er klare til å ta i bruk tiltaket når det blir tilgjengelig.",
        "en": "We are ready to take the measure into use when it becomes available.",
    }[lang]
    assert readiness in [row[1].text for row in table.rows]
    html = about_section(report).html
    for row in table.rows:
        assert html.count(escape(row[1].text)) == 1
    # the measure's name stands as «tiltaket» / "the measure", and a statement opens with a capital
    assert all("{" not in row[1].text and row[1].text[0].isupper() for row in table.rows)
    # where the dimension tables point to, the heading is there
    assert f'id="{STATEMENTS_ID}">{escape(labels.text("statements"))}</h3>' in html


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_shares_denominators_are_explained_in_about_and_pointed_to(tmp_path, lang):
    build_round(tmp_path)
    report = load_report(tmp_path, "fixture", lang)
    html = about_section(report).html
    left_out = {"nb": "«Vet ikke» og «Ikke relevant» er holdt utenfor", "en": "are left out"}[lang]
    assert html.count(escape(left_out)) == 1
    notes = dimension_table(report, "pll").all_notes()
    assert any(report.labels.text("statements") in note for note in notes)


def _page_html(report) -> str:
    from anchoring.report.sections import main_points_section, measure_sections, overview_section

    blocks = (main_points_section(report), overview_section(report), measure_sections(report))
    return "".join(b.html for b in blocks) + about_section(report).html


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_status_rule_is_stated_once_and_referred_to(tmp_path, lang):
    build_round(tmp_path)
    report = load_report(tmp_path, "fixture", lang)
    page = _page_html(report)
    rule = escape(status_rule_text(report))
    assert page.count(rule) == 1
    assert rule in overview_table(report).to_html()
    # every status line and the main points' note link to the overview, where the rule is
    overview = section_id(report, "overview")
    assert page.count(f'href="#{overview}"') == len(report.measures) + 2  # + main points, about
    # nor is the analysis' rule of each measure (status.parquet) restated beside its status
    for rule_text in report.status[f"rule_{lang}"]:
        condition = rule_text.split(": ", 1)[-1].rstrip(".")
        assert condition and escape(condition) not in page


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_interval_note_is_given_once_per_place_not_per_table(tmp_path, lang):
    build_round(tmp_path)
    report = load_report(tmp_path, "fixture", lang)
    note = report.labels.text("note_interval")
    assert note in overview_table(report).all_notes()
    for measure in report.measures:
        # once per measure, under the index figure that opens the section's numbers; the index
        # and dimension tables below it do not repeat it
        assert index_figure(report, measure).caption == note
        assert note not in measure_table(report, measure).all_notes()
        assert note not in dimension_table(report, measure).all_notes()


def test_the_number_of_hidden_figures_is_a_sentence_also_when_none_is(tmp_path):
    build_round(tmp_path)
    report = load_report(tmp_path, "fixture", "nb")
    assert re.search(r"I denne rapporten er \d+ tall skjult\.", about_section(report).html)
    # nothing hidden: no estimate, no change, no barrier count below 3
    counts = report.theme_counts.assign(count=report.theme_counts["count"].clip(lower=3))
    counts = suppress_theme_counts(counts)
    none = dataclasses.replace(
        report,
        estimates=Estimates(report.estimates.table.assign(is_suppressed=False)),
        change=report.change.assign(is_suppressed=False),
        theme_counts=counts,
    )
    html = about_section(none).html
    assert "I denne rapporten er ingen tall skjult." in html and " 0 tall" not in html
    # one barrier count of 2 hides its cell and its row's total: two figures
    small = (counts["group"] == "hospital") & (counts["theme"] == "okonomi")
    counts = suppress_theme_counts(counts.assign(count=counts["count"].mask(small, 2)))
    two = dataclasses.replace(none, theme_counts=counts)
    assert "I denne rapporten er 2 tall skjult." in about_section(two).html
    # and a hidden response rate of a county is one more
    table = none.estimates.table
    rates = (table["breakdown"] == "stratum") & (table["statistic"] == "response_rate")
    county = table.index[rates]
    table = table.assign(is_suppressed=table.index.isin(county[:1]))
    three = dataclasses.replace(two, estimates=Estimates(table))
    assert "I denne rapporten er 3 tall skjult." in about_section(three).html


@pytest.mark.parametrize(("lang", "word"), [("nb", "fylker"), ("en", "counties")])
def test_the_frames_table_counts_the_strata_in_words(tmp_path, lang, word):
    build_round(tmp_path)
    report = load_report(tmp_path, "fixture", lang)
    municipality = frames_table(report).rows[0]
    n = len(report.frames["municipality"].strata)
    assert municipality[2].text == f"{n} {word}"


def test_the_independent_rounds_limitation_only_where_change_was_computed_so(tmp_path):
    build_round(tmp_path)
    report = load_report(tmp_path, "fixture", "en")
    limitation = "computed as if the samples were independent"
    panel_sentence = "count as the same unit"
    # the fixture's change table has no method column: computed as independent
    html = about_section(report).html
    assert limitation in html and panel_sentence not in html
    panel = dataclasses.replace(report, change=report.change.assign(method="panel"))
    html = about_section(panel).html
    assert limitation not in html and panel_sentence in html
    first = dataclasses.replace(report, change=None)
    assert limitation not in about_section(first).html
