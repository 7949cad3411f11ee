"""Labels: status names agree with the analysis stage; instrument names are used.

That every phrase has both languages is tested on the text catalog (tests/test_texts.py).
"""

import pytest

from anchoring.instrument import load_instrument
from anchoring.report.labels import Labels
from anchoring.texts import catalog


def test_names_come_from_the_instrument():
    instrument = load_instrument()
    nb, en = Labels(instrument, "nb"), Labels(instrument, "en")
    assert nb.measure("pll") == "Pasientens legemiddelliste (PLL)"
    assert en.dimension("nytte") == "Expected benefit"
    assert nb.group("gp") == "Fastleger" and nb.group("sector") == "Sektoren samlet"
    assert en.theme("leverandor") == "Record-system vendor"
    assert nb.scale(8) == "Vet ikke"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="language"):
        Labels(load_instrument(), "sv")


def test_consensus_has_one_name_and_enighet_is_only_a_dimension():
    # «Enighet» once meant the consensus column, the status rule's consensus and a dimension
    instrument = load_instrument()
    nb = Labels(instrument, "nb")
    assert nb.text("consensus").startswith("Konsensus")
    phrases = [entry["nb"] for entry in catalog().values()]
    assert not [p for p in phrases if "enighet" in p.lower()]
    assert "konsensus" in nb.text("rule_well_condition", index=65, pct=95, limit=50, consensus=0.6)
    dimensions = [d.name["nb"] for d in instrument.dimensions]
    assert [d for d in dimensions if "enighet" in d.lower()] == ["Enighet om prioritering"]


def test_the_readiness_dimension_is_not_called_beredskap():
    # «Beredskap» reads as emergency preparedness; the id stays so processed data are unchanged
    instrument = load_instrument()
    assert "beredskap" in instrument.dimension_ids
    words = [d.name[lang] for d in instrument.dimensions for lang in ("nb", "en")]
    words += [entry[lang] for entry in catalog().values() for lang in ("nb", "en")]
    assert not [w for w in words if "beredskap" in w.lower()]
    assert Labels(instrument, "nb").dimension("beredskap") == "Klar til å ta i bruk"
    assert Labels(instrument, "en").dimension("beredskap") == "Readiness to adopt"


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_a_statement_reads_as_asked_with_the_measure_unnamed(lang):
    labels = Labels(load_instrument(), lang)
    benefit = {
        "nb": "Tiltaket vil gi nytte for pasienter, brukere og helsepersonell hos oss.",
        "en": "The measure will benefit patients, users and health personnel in our organisation.",
    }[lang]
    assert labels.statement("nytte") == benefit
