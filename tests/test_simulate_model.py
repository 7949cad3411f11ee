"""Tests of the simulation's population model: the closed-form truth against brute force.

References are identities: the index weights equal an enumeration of all answer patterns, the
closed-form expected values equal a large Monte Carlo of the same model within its sampling
error, and the grid used for large populations equals the exact computation.
"""

from __future__ import annotations

import io
import itertools
import math
import re
import zipfile

import numpy as np
import pandas as pd
import pytest

from anchoring.frames import load_frames
from anchoring.instrument import load_instrument
from anchoring.simulate import free_text, truth
from anchoring.simulate.excel_export import save_workbook
from anchoring.simulate.population import build_population, index_item_weights, measure_truth
from anchoring.simulate.respondents import draw_answers
from anchoring.simulate.streams import derive_rng


@pytest.fixture(scope="module")
def instrument():
    return load_instrument()


@pytest.fixture(scope="module")
def municipalities(instrument):
    return build_population(instrument, load_frames(), "municipality", seed=3)


def test_streams_are_stable_and_independent():
    first = derive_rng(7, "answers:kommuner").random(3)
    assert np.array_equal(first, derive_rng(7, "answers:kommuner").random(3))
    assert not np.array_equal(first, derive_rng(7, "answers:fastleger").random(3))
    assert not np.array_equal(first, derive_rng(8, "answers:kommuner").random(3))


def test_index_weights_equal_an_enumeration_of_answer_patterns():
    rng = np.random.default_rng(1)
    answered = rng.uniform(0.5, 0.99, (3, 2, 7))
    roles = np.array([0.3, 0.7])
    weights, defined = index_item_weights(answered, roles)
    for org in range(3):
        expected = np.zeros(7)
        total = 0.0
        for r, role_p in enumerate(roles):
            p = answered[org, r]
            for pattern in itertools.product([0, 1], repeat=7):
                mask = np.array(pattern, dtype=bool)
                if mask.sum() * 2 < 7:  # methodology §3: at least half answered
                    continue
                prob = np.prod(np.where(mask, p, 1 - p))
                expected += role_p * prob * mask / mask.sum()
                total += role_p * prob
        assert weights[org] == pytest.approx(expected / total, rel=1e-12)
        assert defined[org] == pytest.approx(total, rel=1e-12)
        assert weights[org].sum() == pytest.approx(1.0, rel=1e-12)


def test_closed_form_truth_equals_a_large_monte_carlo(instrument, municipalities):
    """Many respondents of two municipalities (all five roles) reproduce the expected values."""
    n = 60_000
    item_ids = instrument.item_ids()
    reverse = np.array([instrument.item(i).reverse_keyed for i in item_ids]).reshape(4, 7)
    for org in (4, 200):
        roles = derive_rng(1, "roles").choice(municipalities.roles, size=n)
        respondents = pd.DataFrame({"org_index": np.full(n, org), "role": roles})
        codes = draw_answers(instrument, municipalities, respondents, 99, "mc").codes
        for m in range(len(instrument.measure_ids)):
            exact = measure_truth(municipalities, m, slice(org, org + 1))
            raw = codes[:, m, :].astype(float)
            scored = np.where(reverse[m], 6 - raw, raw)
            scored[(raw == 0) | (raw >= 8)] = np.nan
            answered = ~np.isnan(scored)
            defined = 2 * answered.sum(axis=1) >= 7
            index = 25 * (np.nanmean(scored[defined], axis=1) - 1)
            se = index.std() / math.sqrt(len(index))
            assert abs(index.mean() - exact.index[0]) < 4 * se, (org, m)
            assert abs(defined.mean() - exact.defined_share[0]) < 0.005
            agree = (scored >= 4)[answered.any(axis=1)]
            for d in range(7):
                column = scored[:, d]
                ok = ~np.isnan(column)
                share = (column[ok] >= 4).mean()
                assert abs(share - exact.agree_share[0, d]) < 4 * math.sqrt(0.25 / ok.sum())
                nonblank = raw[:, d] != 0
                dk = (raw[nonblank, d] == 8).mean()
                assert abs(dk - exact.dont_know_share[0, d]) < 4 * math.sqrt(0.25 / nonblank.sum())
                assert abs(ok.mean() - exact.answered_share[0, d]) < 0.006
            assert agree.size


def test_grid_for_large_populations_equals_the_exact_sums(instrument):
    gp = build_population(instrument, load_frames(), "gp", seed=4)
    strata, codes = np.unique(gp.units["stratum"].to_numpy(), return_inverse=True)
    m = instrument.measure_ids.index("dho")  # the lowest values: the largest relative error
    exact = truth._stratum_sums(measure_truth(gp, m), codes, len(strata))
    grid = truth._stratum_sums_on_grid(gp, m, codes, len(strata))
    chunked = truth._stratum_sums_exact(gp, m, codes, len(strata))
    for key, (numerator, weight) in exact.items():
        assert np.allclose(grid[key][0], numerator, rtol=1e-7, atol=0), key
        assert np.allclose(grid[key][1], weight, rtol=1e-7, atol=0), key
        ratio = numerator / weight
        tolerance = 1e-6 if key == "index" else 1e-8  # below the rounding of truth.json
        assert np.abs(grid[key][0] / grid[key][1] - ratio).max() < tolerance, key
        assert np.allclose(chunked[key][0], numerator, rtol=1e-12), key


def test_barrier_sentences_hold_their_own_theme_keyword_only(instrument):
    keywords = {t.id: t.keywords_nb for t in instrument.themes}
    for theme, sentences in free_text.THEME_SENTENCES.items():
        for sentence in sentences:
            text = sentence.casefold()
            own = [k for k in keywords[theme] if re.search(rf"\b{re.escape(k)}\b", text)]
            assert own, sentence
            for other, words in keywords.items():
                if other != theme:
                    assert not [w for w in words if w in text], (sentence, other)
    for sentence in (*free_text.FILLER_SENTENCES, *free_text.NO_THEME_COMMENTS):
        assert not [w for ws in keywords.values() for w in ws if w in sentence.casefold()]


def test_spliced_worksheet_rows_are_what_openpyxl_writes(tmp_path):
    """Rows written by ``xlsx_rows`` equal openpyxl's own XML for the same values."""
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.writer.excel import ExcelWriter

    values = [
        [7, dt.datetime(2026, 9, 8, 10, 15, 2), "Helse  Bergen HF", " litt enig ", None, "a & <b>"],
        [8, dt.datetime(2026, 9, 9, 23, 0, 59), "x\ny", '=HYPERLINK("http://x","klikk")', 3.5],
    ]
    stamp = dt.datetime(2026, 10, 5, 8)
    save_workbook([["Tittel"]], [values[0], *values], tmp_path / "spliced.xlsx", stamp)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Rapport")
    for row in [["Tittel"], values[0], *values]:
        cells = []
        for v in row:
            if isinstance(v, str):
                v = WriteOnlyCell(sheet, value=v)
                v.data_type = "s"
            cells.append(v)
        sheet.append(cells)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        ExcelWriter(workbook, archive).save()
    expected = zipfile.ZipFile(buffer).read("xl/worksheets/sheet1.xml")
    spliced = zipfile.ZipFile(tmp_path / "spliced.xlsx").read("xl/worksheets/sheet1.xml")
    assert spliced == expected
