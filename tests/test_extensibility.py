"""A fifth measure needs one entry in instrument.yaml and nothing else.

Steg 2 may gain a measure between rounds. This test adds one to a copy of the packaged
instrument (the new entry is the only change) and runs the library end to end in-process:
simulate, clean, analyse and every section of the report, in both languages. The notebooks run
the same functions; they load the packaged instrument, so they are exercised by the end-to-end
tests instead.
"""

from __future__ import annotations

import pandas as pd
import pytest

from anchoring import report
from anchoring.analysis import analyse_round
from anchoring.cleaning import clean_round
from anchoring.instrument import default_instrument_path, load_instrument, loader
from anchoring.paths import RoundPaths
from anchoring.simulate import simulate_round

NEW_MEASURE = """  - id: epresept
    active: true
    name:
      nb: Multidose i e-resept
      en: Multi-dose dispensing in e-prescriptions
    short:
      nb: multidose
      en: multi-dose dispensing
    description:
      nb: Multidose forskrives og endres i e-resept.
      en: Multi-dose dispensing is prescribed and changed in e-prescriptions.
"""


@pytest.fixture(scope="module")
def five_measures(tmp_path_factory):
    """A project whose instrument has a fifth measure, simulated, cleaned and analysed."""
    base = tmp_path_factory.mktemp("five")
    text = default_instrument_path().read_text(encoding="utf-8")
    anchor = "\ndimensions:\n"
    assert text.count(anchor) == 1
    instrument_file = base / "instrument.yaml"
    instrument_file.write_text(text.replace(anchor, NEW_MEASURE + anchor), encoding="utf-8")
    patch = pytest.MonkeyPatch()
    patch.setattr(loader, "default_instrument_path", lambda: instrument_file)
    root = base / "project"
    simulate_round(root, "five", 7, scale=0.5)
    clean_round(root, "five")
    result = analyse_round(root, "five")
    yield root, result
    patch.undo()


def test_the_new_measure_is_asked_cleaned_and_estimated(five_measures):
    root, result = five_measures
    assert load_instrument().measure_ids[-1] == "epresept"
    responses = pd.read_parquet(RoundPaths(root, "five").responses_file)
    assert "epresept__nytte" in responses.columns
    index = result.index_table()
    assert set(index["measure"]) == {"pll", "pjd", "kritisk_info", "dho", "epresept"}
    assert index[index["measure"] == "epresept"]["estimate"].notna().all()
    assert result.status["measure"].tolist()[-1] == "epresept"


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_report_section_shows_the_new_measure(five_measures, lang):
    root, _ = five_measures
    r = report.load_report(root, "five", lang)
    name = {"nb": "Multidose i e-resept", "en": "Multi-dose dispensing in e-prescriptions"}[lang]
    overview = report.overview_section(r)._repr_html_()
    assert name in overview
    sections = report.measure_sections(r)._repr_html_()
    assert name in sections
    for section in (
        report.title_section,
        report.main_points_section,
        report.barrier_section,
        report.about_section,
        report.footer_section,
    ):
        assert section(r)._repr_html_()
    # the round has no previous round, so there is no change section
    assert report.change_section(r)._repr_html_() == ""
