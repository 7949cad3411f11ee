"""Barrier themes: whole-word keyword matching, per row or through codes of distinct texts."""

import numpy as np
import pandas as pd

from anchoring.cleaning.themes import tag_theme_codes, tag_themes
from anchoring.instrument import load_instrument

THEMES = load_instrument().themes


def test_whole_words_only():
    # keywords of the instrument: «tid» (kapasitet), «budsjett» (okonomi)
    tagged = tag_themes(pd.Series(["Tid er knapt", "tidlig ute", "Budsjett!"], dtype="str"), THEMES)
    assert tagged["theme__kapasitet"].tolist() == [True, False, False]
    assert tagged["theme__okonomi"].tolist() == [False, False, True]


def test_codes_tag_as_the_text_column_does():
    distinct = ["Tid er knapt", "", "ingen tema her", "Budsjett og opplæring"]
    codes = np.array([0, -1, 3, 1, 2, 0, -1, 3], dtype="int64")
    texts = pd.Series([distinct[c] if c >= 0 else None for c in codes], dtype="str")
    index = pd.RangeIndex(len(codes))
    # reference: the per-row function on the same texts written out
    expected = tag_themes(texts, THEMES)
    pd.testing.assert_frame_equal(tag_theme_codes(codes, distinct, THEMES, index), expected)
    # a comment is there unless the code is -1 or the text is blank (distinct[1] == "")
    present = [True, False, True, False, True, True, False, True]
    assert expected["has_barrier_text"].tolist() == present
