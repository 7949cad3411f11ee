"""Labels: status names agree with the analysis stage; instrument names are used.

That every phrase has both languages is tested on the text catalog (tests/test_texts.py).
"""

import pytest

from anchoring.instrument import load_instrument
from anchoring.report.labels import Labels


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
