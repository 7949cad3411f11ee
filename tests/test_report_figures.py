"""Figures: accessible colours, deterministic PNGs of fixed size, alt text with the numbers."""

import pytest

from _report_fixtures import build_round
from anchoring.report import load_report
from anchoring.report.alt_text import heatmap_alt, index_alt
from anchoring.report.figure_model import DPI, PALETTE, WIDTH_IN, png_size
from anchoring.report.figures import (
    change_figure,
    distribution_figure,
    heatmap_figure,
    index_figure,
)


def _contrast_with_white(colour: str) -> float:
    """WCAG 2.1 contrast ratio (relative luminance, sRGB) of a colour against white."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("figures")
    build_round(root)
    return load_report(root, "fixture", "nb")


@pytest.mark.parametrize("name", sorted(k for k in PALETTE if k != "grid"))
def test_colours_have_at_least_3_to_1_contrast_against_white(name):
    assert _contrast_with_white(PALETTE[name]) >= 3.0


def test_white_contrast_reference_values():
    # WCAG: black on white is 21:1, #767676 is the classic 4.54:1 grey.
    assert _contrast_with_white("#000000") == pytest.approx(21.0)
    assert _contrast_with_white("#767676") == pytest.approx(4.54, abs=0.01)


def test_figures_are_deterministic_and_fixed_width(report):
    first, second = index_figure(report, "pll"), index_figure(report, "pll")
    assert first.png == second.png
    assert png_size(first.png)[0] == int(WIDTH_IN * DPI)
    assert b"Software" not in first.png and b"tIME" not in first.png


def test_every_figure_has_alt_text_and_is_an_embedded_png(report):
    figures = [
        heatmap_figure(report),
        distribution_figure(report, "dho"),
        index_figure(report, "dho"),
        change_figure(report),
    ]
    for figure in figures:
        html = figure.to_html()
        assert figure.alt.strip() and 'src="data:image/png;base64,' in html
        assert png_size(figure.png)[0] == int(WIDTH_IN * DPI)


def test_alt_text_carries_the_key_numbers(report):
    # Fixture PLL index: municipalities 72.0 ± 1.96·2.0; DHO hospital trusts suppressed.
    assert "Kommuner 72,0 (68,1–75,9)" in index_alt(report, "pll")
    assert "Helseforetak : (skjult)" in index_alt(report, "dho")
    assert "PLL: kommuner 72,0, helseforetak 75,0, fastleger 58,0" in heatmap_alt(report)


def test_no_change_figure_without_an_earlier_round(tmp_path):
    build_round(tmp_path, previous=None)
    assert change_figure(load_report(tmp_path, "fixture", "en")) is None
