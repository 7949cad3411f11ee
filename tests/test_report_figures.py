"""Figures: inline SVG with text as text, deterministic, readable on a phone, accessible colours."""

import html
import itertools
import re
from collections import Counter

import matplotlib as mpl
import pytest
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from _report_fixtures import build_round
from anchoring.groups import GROUPS
from anchoring.report import load_report
from anchoring.report.alt_text import heatmap_alt, index_alt
from anchoring.report.distribution import CATEGORIES, answer_distribution
from anchoring.report.figure_change import build_change_figure, spread_labels
from anchoring.report.figure_distribution import DARK_CATEGORIES
from anchoring.report.figure_heatmap import DARK_BANDS, build_heatmap_figure
from anchoring.report.figure_model import (
    ANSWER_COLOURS,
    BAND_COLOURS,
    GROUP_COLOURS,
    INDEX_COLOURS,
    LIGHT_TEXT,
    MIN_FONT_PT,
    MIN_LIGHTNESS_STEP,
    STYLE,
    TEXT,
)
from anchoring.report.figure_parts import value_range
from anchoring.report.figures import (
    change_figure,
    distribution_figure,
    heatmap_figure,
    index_figure,
)
from anchoring.report.numbers import format_number, format_percent

PHONE_COLUMN_PX = 350
"""The report's column on a 390-pixel-wide phone (the page keeps 20 px either side)."""


def _linear(colour: str) -> list[float]:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def _luminance(colour: str) -> float:
    """Relative luminance Y of an sRGB colour (IEC 61966-2-1; WCAG 2.1 and CIE Y of D65 white)."""
    r, g, b = _linear(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two colours."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _lightness(colour: str) -> float:
    """CIE 1976 L* of an sRGB colour (D65 white: Y = 1)."""
    y = _luminance(colour)
    f = y ** (1 / 3) if y > (6 / 29) ** 3 else y / (3 * (6 / 29) ** 2) + 4 / 29
    return 116 * f - 16


def test_colour_formulas_reference_values():
    # WCAG: black on white is 21:1, #767676 the classic 4.54:1 grey; CIE: L*(white) = 100,
    # L*(black) = 0, and sRGB #777777 is the mid grey of L* 50.
    assert _contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert _contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert _lightness("#FFFFFF") == pytest.approx(100.0)
    assert _lightness("#000000") == pytest.approx(0.0)
    assert _lightness("#777777") == pytest.approx(50.0, abs=0.1)


@pytest.mark.parametrize(
    "palette", [ANSWER_COLOURS, BAND_COLOURS, GROUP_COLOURS], ids=["answers", "bands", "groups"]
)
def test_neighbouring_colours_differ_in_lightness(palette):
    # Neighbours in a palette (legend order) stay apart in greyscale and for colour-blind readers.
    pairs = list(itertools.pairwise(palette.items()))
    steps = {f"{a}/{b}": abs(_lightness(ca) - _lightness(cb)) for (a, ca), (b, cb) in pairs}
    assert min(steps.values()) >= MIN_LIGHTNESS_STEP, steps


def test_text_on_every_fill_has_4_5_to_1_contrast():
    # The shares printed inside the bars and the values inside the heatmap's cells.
    for category in CATEGORIES:
        text = LIGHT_TEXT if category in DARK_CATEGORIES else TEXT
        assert _contrast(text, ANSWER_COLOURS[category]) >= 4.5, category
    for band, fill in BAND_COLOURS.items():
        text = LIGHT_TEXT if band in DARK_BANDS else TEXT
        assert _contrast(text, fill) >= 4.5, band


@pytest.mark.parametrize("colour", [*GROUP_COLOURS.values(), *INDEX_COLOURS.values()])
def test_line_colours_print_readable_values_on_white(colour):
    # The change chart prints each line's last value in the line's colour.
    assert _contrast(colour, "#FFFFFF") >= 4.5


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("figures")
    build_round(root)
    return load_report(root, "fixture", "nb")


@pytest.fixture(scope="module")
def figures(report):
    return [
        heatmap_figure(report),
        distribution_figure(report, "dho"),
        index_figure(report, "pll"),
        index_figure(report, "dho"),
        change_figure(report),
    ]


def _texts(svg: str) -> list[str]:
    """The strings of the SVG's ``<text>`` elements, one per line of a label."""
    return [html.unescape(t) for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)]


@pytest.mark.parametrize(
    "draw",
    [
        heatmap_figure,
        lambda r: distribution_figure(r, "pll"),
        lambda r: index_figure(r, "pll"),
        change_figure,
    ],
    ids=["heatmap", "distribution", "index", "change"],
)
def test_same_inputs_give_the_same_svg_bytes(report, draw):
    first, second = draw(report), draw(report)
    assert first.svg.encode() == second.svg.encode()
    assert len(_texts(first.svg)) > 5


def test_figures_are_inline_svg_with_role_title_and_description(figures):
    for figure in figures:
        page = figure.to_html()
        assert page.startswith(f'<figure id="{figure.figure_id}"')
        assert "<img" not in page and "data:image/png" not in page
        opening = re.match(r"<svg\b[^>]*>", figure.svg).group(0)
        assert 'role="img"' in opening and "viewBox=" in opening and "width=" not in opening
        title = re.search(r"<title[^>]*>([^<]+)</title>", figure.svg).group(1)
        desc = re.search(r"<desc[^>]*>([^<]+)</desc>", figure.svg).group(1)
        assert html.unescape(title) == figure.title and html.unescape(desc) == figure.description
        assert f"<figcaption>{html.escape(figure.title)}</figcaption>" in page
        for leftover in ("<?xml", "<!DOCTYPE", "xmlns", "http", "<style", "<metadata"):
            assert leftover not in figure.svg, leftover


def test_ids_are_unique_across_the_figures_of_a_page(figures):
    ids = [i for f in figures for i in re.findall(r'\sid="([^"]+)"', f.svg)]
    assert len(ids) > 50 and len(ids) == len(set(ids))
    for figure in figures:
        referenced = re.findall(r'(?:href="#|url\(#)([^")]+)', figure.svg)
        assert referenced and all(r.startswith(figure.figure_id + "-") for r in referenced)
        assert set(referenced) <= set(re.findall(r'\sid="([^"]+)"', figure.svg))


def test_labels_are_at_least_11_px_in_a_phone_column(figures):
    # The SVG scales to the column: a font of s units in a viewBox w units wide is drawn at
    # s · 350 / w pixels on a 390-pixel phone.
    for figure in figures:
        width = float(re.search(r'viewBox="0 0 ([\d.]+) ', figure.svg).group(1))
        sizes = [float(s) for s in re.findall(r"font-size: ([\d.]+)px", figure.svg)]
        assert sizes and min(sizes) >= MIN_FONT_PT
        assert min(sizes) * PHONE_COLUMN_PX / width >= 11.0, (figure.figure_id, width)


def test_alt_text_carries_the_key_numbers(report):
    # Fixture PLL index: municipalities 72.0 ± 1.96·2.0; DHO hospital trusts suppressed.
    assert "Kommuner 72,0 (68,1–75,9)" in index_alt(report, "pll")
    assert "Helseforetak : (skjult)" in index_alt(report, "dho")
    assert "PLL: kommuner 72,0, helseforetak 75,0, fastleger 58,0" in heatmap_alt(report)


def test_no_change_figure_without_an_earlier_round(tmp_path):
    build_round(tmp_path, previous=None)
    assert change_figure(load_report(tmp_path, "fixture", "en")) is None


# --- What the figures print, read from the SVG's text ---------------------------------------------


def test_distribution_prints_every_dont_know_share_and_every_wide_share(report):
    distribution = answer_distribution(report, "dho")
    printed = Counter(_texts(distribution_figure(report, "dho").svg))
    shown = distribution[distribution["is_shown"]]
    dont_know = [format_percent(v, "nb") for v in shown["dont_know"].dropna()]
    # A share of 30 % is wide enough for its number on any range of the bars.
    wide = [
        format_percent(v, "nb")
        for row in shown.itertuples(index=False)
        for v in (row.disagree, row.neutral, row.agree)
        if v >= 0.30
    ]
    all_shares = [
        format_percent(v, "nb")
        for row in shown.itertuples(index=False)
        for v in (row.disagree, row.neutral, row.agree, row.dont_know)
    ]
    assert dont_know and wide
    assert not Counter(dont_know + wide) - printed
    percentages = Counter(t for t in printed.elements() if t.endswith("%"))
    scale = Counter(format_percent(v, "nb") for v in (0.5, 0.0, 0.5))
    assert not percentages - Counter(all_shares) - scale  # nothing printed that is not a share


def test_distribution_shows_a_suppressed_group_as_hidden(report):
    # Fixture: DHO's hospital trusts are suppressed (min_orgs); the other groups are shown.
    distribution = answer_distribution(report, "dho")
    assert not distribution.loc[distribution["group"] == "hospital", "is_shown"].any()
    printed = _texts(distribution_figure(report, "dho").svg)
    assert printed.count(": skjult (for få svar)") == 1
    for dimension in report.instrument.dimension_ids:
        assert printed.count(report.labels.dimension(dimension)) == len(GROUPS) - 1
    for group in GROUPS:
        assert report.labels.group(group) in printed
    legend = [report.labels.text(c) for c in ("disagree", "neutral", "agree", "dont_know")]
    assert all(entry in printed for entry in legend)


def test_index_figure_prints_estimates_with_intervals_and_hides_suppressed(report):
    pll = _texts(index_figure(report, "pll").svg)
    dho = _texts(index_figure(report, "dho").svg)
    # Fixture PLL index: municipalities 72.0 ± 1.96·2.0 (as in the alt text test above).
    assert "72,0 (68,1–75,9)" in pll
    assert all(g in pll for g in ("Kommuner", "Helseforetak", "Fastleger", "Sektoren samlet"))
    # DHO: hospital trusts (min_orgs) and the sector (secondary suppression) are hidden.
    assert dho.count(": skjult (for få svar)") == 2
    assert dho.count(":") == 2


def test_heatmap_prints_every_cell_and_the_band_legend(report):
    printed = _texts(heatmap_figure(report).svg)
    expected = [
        format_number(e.estimate, "nb") if e is not None and e.is_shown else ":"
        for m in report.measures
        for e in report.estimates.index_by_group(m).values()
    ]
    cells = [t for t in printed if t in set(expected)]
    assert cells == expected and expected.count(":") == 2
    for entry in ("Under 50", "50 til under 65", "65 eller mer", ": skjult (for få svar)"):
        assert entry in printed


def _legend_rows(figure: Figure) -> list[str]:
    """The legend's entries in reading order: row by row, left to right."""
    figure.draw_without_rendering()
    (legend,) = figure.legends
    boxes = [(t.get_window_extent(), t.get_text()) for t in legend.get_texts()]
    return [text for box, text in sorted(boxes, key=lambda b: (-round(b[0].y0), b[0].x0))]


def test_legends_read_row_by_row_in_order(report):
    with mpl.rc_context(STYLE):
        heatmap = build_heatmap_figure(report)
        change = build_change_figure(report)
    assert _legend_rows(heatmap) == [
        "Under 50",
        "50 til under 65",
        "65 eller mer",
        ": skjult (for få svar)",
    ]
    assert _legend_rows(change) == [
        *(report.labels.group(g) for g in (*GROUPS, "sector")),
        "Fylt: endringen holder",
        "Åpen: holder ikke",
    ]


def test_change_figure_prints_each_lines_last_value(report):
    history = report.history
    last_round = history["round_id"].iloc[-1]
    last = history[(history["round_id"] == last_round) & ~history["is_suppressed"].astype(bool)]
    printed = Counter(_texts(change_figure(report).svg))
    assert not Counter(format_number(v, "nb") for v in last["estimate"]) - printed


def test_change_intervals_are_drawn_over_the_markers_and_thicker_than_lines(report):
    with mpl.rc_context(STYLE):
        figure = build_change_figure(report)
    for ax in figure.axes:
        lines = [a for a in ax.get_lines() if len(a.get_xdata())]
        bars = [c for c in ax.collections if isinstance(c, LineCollection)]
        assert lines and bars
        assert min(b.get_zorder() for b in bars) > max(a.get_zorder() for a in lines)
        assert min(b.get_linewidth().min() for b in bars) > max(a.get_linewidth() for a in lines)


def test_change_markers_are_filled_only_where_the_change_holds_after_holm(report):
    # The fixture's only change with Holm p < 0.05 is PLL among the GPs (+6.0): its panel
    # has one filled marker (the current round), every other marker is hollow.
    holds = report.change[report.change["p_value_holm"] < 0.05]
    assert list(zip(holds["measure"], holds["group"], strict=True)) == [("pll", "gp")]
    with mpl.rc_context(STYLE):
        figure = build_change_figure(report)
    filled = {}
    for ax, measure in zip(figure.axes, report.measures, strict=True):
        filled[measure] = [
            a for a in ax.get_lines() if len(a.get_xdata()) and a.get_markerfacecolor() != "white"
        ]
    assert {m: len(lines) for m, lines in filled.items()} == {
        m: int(m == "pll") for m in report.measures
    }
    (marker,) = filled["pll"]
    history = report.history
    current = history[
        (history["round_id"] == history["round_id"].iloc[-1])
        & (history["measure"] == "pll")
        & (history["group"] == "gp")
    ]
    assert marker.get_ydata()[0] == pytest.approx(float(current["estimate"].iloc[0]), abs=1e-9)


def test_the_change_scale_is_zoomed_to_the_values_within_0_to_100():
    assert value_range([52.0, 61.0], [58.0, 79.0]) == (40.0, 90.0)
    assert value_range([3.0], [99.0]) == (0.0, 100.0)
    assert value_range([49.0], [51.0]) == (40.0, 60.0)  # at least 20 points tall
    assert value_range([96.0], [98.0]) == (80.0, 100.0)


def test_spread_labels_keeps_order_and_the_least_gap_centred_on_the_values():
    ends = [(50.0, 1.0, "gp"), (48.0, 1.0, "hospital"), (70.0, 1.0, "sector")]
    assert spread_labels(ends, 7.5) == [
        (45.25, 1.0, "hospital"),  # 48 and 50 are 7.5 apart around their mean 49
        (52.75, 1.0, "gp"),
        (70.0, 1.0, "sector"),  # far enough: stays
    ]


def test_spread_labels_merges_a_cluster_that_comes_too_close():
    # 50, 52 spread to 46.25, 53.75 ... then 58 is too close to the cluster: all three centred on
    # their mean 53.33, 7.5 apart.
    ends = [(50.0, 0.0, "a"), (52.0, 0.0, "b"), (58.0, 0.0, "c")]
    placed = spread_labels(ends, 7.5)
    assert [g for _, _, g in placed] == ["a", "b", "c"]
    assert [y for y, _, _ in placed] == pytest.approx([53.3333 - 7.5, 53.3333, 53.3333 + 7.5])


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_legends_stay_inside_the_figure(tmp_path, lang):
    # A legend wider than the figure is cut off in the SVG (the English change chart's
    # marks once were): every legend's box must lie within the figure's, in both languages.
    build_round(tmp_path)
    report = load_report(tmp_path, "fixture", lang)
    with mpl.rc_context(STYLE):
        for figure in (build_heatmap_figure(report), build_change_figure(report)):
            figure.canvas.draw()
            bounds = figure.bbox
            for legend in figure.legends:
                box = legend.get_window_extent()
                assert box.x0 >= bounds.x0 - 0.5 and box.x1 <= bounds.x1 + 0.5, (lang, box)
