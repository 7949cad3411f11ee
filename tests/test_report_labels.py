"""Labels: every report phrase exists in both languages; instrument names are used."""

import pytest

from anchoring.instrument import LANGUAGES, load_instrument
from anchoring.report.labels import STATUS_IDS, UI_TEXT, Labels
from anchoring.status import STATUS_LABELS


@pytest.mark.parametrize("key", sorted(UI_TEXT))
def test_every_phrase_has_both_languages(key):
    assert set(UI_TEXT[key]) == set(LANGUAGES)
    assert all(UI_TEXT[key][lang].strip() for lang in LANGUAGES)


def test_status_names_match_the_analysis_stage():
    instrument = load_instrument()
    for lang in LANGUAGES:
        labels = Labels(instrument, lang)
        for status in STATUS_IDS:
            assert labels.status(status) == STATUS_LABELS[status][lang]


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
