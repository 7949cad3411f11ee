"""Figures: accessible colours, deterministic PNGs of fixed size, alt text with the numbers."""

import io
from collections import Counter

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import IdentityTransform
from PIL import Image

from _report_fixtures import build_round
from anchoring.groups import GROUPS
from anchoring.report import load_report
from anchoring.report.alt_text import heatmap_alt, index_alt
from anchoring.report.distribution import answer_distribution
from anchoring.report.figure_change import build_change_figure, spread_labels
from anchoring.report.figure_distribution import MIN_LABELLED_SHARE, build_distribution_figure
from anchoring.report.figure_heatmap import build_heatmap_figure
from anchoring.report.figure_index import build_index_figure
from anchoring.report.figure_labels import Labels, _stamp, label_width
from anchoring.report.figure_legend import LEGEND_GID
from anchoring.report.figure_model import DPI, PALETTE, STYLE, WIDTH_IN, png_bytes, png_size
from anchoring.report.figures import (
    change_figure,
    distribution_figure,
    heatmap_figure,
    index_figure,
)
from anchoring.report.numbers import format_number, format_percent


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


@pytest.mark.parametrize("draw", [index_figure, distribution_figure])
def test_figures_are_deterministic_and_fixed_width(report, draw):
    first, second = draw(report, "pll"), draw(report, "pll")
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


# --- What the figures print: read from their artists before rendering ----------------------------


def _printed(figure: Figure) -> list[str]:
    """Every string a figure draws: its label sets, texts and legend entries."""
    printed: list[str] = []
    for artist in figure.findobj():
        if isinstance(artist, Labels):
            printed += artist.texts
        elif isinstance(artist, Text) and artist.get_visible() and artist.get_text():
            printed.append(artist.get_text())
    return printed


def _label_sets(figure: Figure) -> list[Labels]:
    return [a for a in figure.findobj() if isinstance(a, Labels)]


def _legend_entries(figure: Figure) -> list[str]:
    (legend,) = [s for s in _label_sets(figure) if s.get_gid() == LEGEND_GID]
    return list(legend.texts)


@pytest.fixture(scope="module")
def dho_distribution(report):
    return answer_distribution(report, "dho")


@pytest.fixture(scope="module")
def dho_bars(report, dho_distribution):
    with mpl.rc_context(STYLE):
        return build_distribution_figure(report, dho_distribution)


def test_distribution_prints_every_wide_share_and_every_dont_know_share(
    report, dho_distribution, dho_bars
):
    # The expected labels are computed from the same distribution the figure is drawn from.
    shown = dho_distribution[dho_distribution["is_shown"]]
    shares = [
        format_percent(v, "nb")
        for row in shown.itertuples(index=False)
        for v in (row.disagree, row.neutral, row.agree)
        if v >= MIN_LABELLED_SHARE
    ]
    dont_know = [format_percent(v, "nb") for v in shown["dont_know"].dropna()]
    printed = Counter(_printed(dho_bars))
    assert shares and dont_know
    assert not Counter(shares + dont_know) - printed
    sets = [sorted(s.texts) for s in _label_sets(dho_bars)]
    assert sorted(shares) in sets and sorted(dont_know) in sets


def test_distribution_shows_a_suppressed_group_as_hidden_with_its_dimension_names(
    report, dho_distribution, dho_bars
):
    # Fixture: DHO's hospital trusts are suppressed (min_orgs); the other groups are shown.
    assert not dho_distribution.loc[dho_distribution["group"] == "hospital", "is_shown"].any()
    printed = _printed(dho_bars)
    assert printed.count(": skjult (for få svar)") == 1
    for dimension in report.instrument.dimension_ids:
        assert printed.count(report.labels.dimension(dimension)) == len(GROUPS)
    for group in GROUPS:
        assert report.labels.group(group) in printed


def test_distribution_dimension_names_sit_on_their_bars(report, dho_bars):
    # Each shown group's bars are centred on the rows its dimension names are anchored at.
    (ax,) = dho_bars.axes
    names = next(s for s in _label_sets(dho_bars) if report.labels.dimension("nytte") in s.texts)
    name_rows = sorted(float(y) for _, y in names.positions)
    bars = next(c for c in ax.collections if isinstance(c, PolyCollection))
    bar_rows = {
        round(float(p.vertices[:, 1].min() + p.vertices[:, 1].max()) / 2, 6)
        for p in bars.get_paths()
    }
    shown_rows = [y for y in name_rows if round(y, 6) in bar_rows]
    assert len(shown_rows) == 2 * len(report.instrument.dimension_ids)  # two groups shown
    assert bar_rows <= {round(y, 6) for y in name_rows}


@pytest.mark.parametrize(
    ("largest", "expected"),
    [
        (0.10, ["10\xa0%", "20\xa0%"]),  # column ends at 25 %
        (0.30, ["20\xa0%", "40\xa0%"]),  # ends at 1.35 × 30 % = 40.5 %
        (0.60, ["20\xa0%", "40\xa0%", "60\xa0%", "80\xa0%"]),  # ends at 81 %
    ],
)
def test_dont_know_scale_labels_do_not_crowd(report, dho_distribution, largest, expected):
    # The «Vet ikke» column ends at max(25 %, 1.35 × the largest share): 10 % steps while they
    # are at least MIN_SCALE_GAP_IN apart (up to a largest share of about 19 %), else 20 %.
    distribution = dho_distribution.copy()
    shown = distribution["is_shown"]
    distribution.loc[shown, "dont_know"] = largest / 2
    distribution.loc[distribution.index[shown][0], "dont_know"] = largest
    with mpl.rc_context(STYLE):
        figure = build_distribution_figure(report, distribution)
    scale = next(s for s in _label_sets(figure) if "50\xa0%" in s.texts)
    assert [t for t in scale.texts if t not in ("50\xa0%", "0\xa0%")] == expected


def test_distribution_legend_has_the_four_answer_categories(report, dho_bars):
    expected = [report.labels.text(c) for c in ("disagree", "neutral", "agree", "dont_know")]
    assert _legend_entries(dho_bars) == expected


def test_legend_row_is_centred_and_its_entries_apart(dho_bars):
    (legend,) = [s for s in _label_sets(dho_bars) if s.get_gid() == LEGEND_GID]
    em = 9 / 72  # legend.fontsize in STYLE, inches
    starts = legend.positions[:, 0]
    widths = [
        label_width(t, fontsize=9, color=PALETTE["text"], dpi=DPI) / DPI for t in legend.texts
    ]
    ends = starts + np.array(widths)
    # Between a label's end and the next label: the column spacing, handle and its pad (4.8 em).
    assert np.allclose(starts[1:] - ends[:-1], 4.8 * em)
    row_start = starts[0] - 2.8 * em  # handle length 2 em and the pad of 0.8 em before the text
    assert (row_start + ends[-1]) / 2 == pytest.approx(WIDTH_IN / 2)


def test_index_figure_prints_estimates_with_intervals_and_hides_suppressed(report):
    with mpl.rc_context(STYLE):
        pll = _printed(build_index_figure(report, "pll"))
        dho = _printed(build_index_figure(report, "dho"))
    # Fixture PLL index: municipalities 72.0 ± 1.96·2.0 (as in the alt text test above).
    assert "72,0 (68,1–75,9)" in pll
    assert all(g in pll for g in ("Kommuner", "Helseforetak", "Fastleger", "Sektoren samlet"))
    # DHO: hospital trusts (min_orgs) and the sector (secondary suppression) are hidden.
    assert dho.count(": skjult (for få svar)") == 2
    assert dho.count(":") == 2


def test_heatmap_prints_every_cell_and_the_band_legend(report):
    with mpl.rc_context(STYLE):
        figure = build_heatmap_figure(report)
    cells = next(s for s in _label_sets(figure) if "72,0" in s.texts)
    # One value per measure × (three groups + sector); DHO hospital trusts and sector hidden.
    expected = [
        format_number(e.estimate, "nb") if e is not None and e.is_shown else ":"
        for m in report.measures
        for e in report.estimates.index_by_group(m).values()
    ]
    assert list(cells.texts) == expected and expected.count(":") == 2
    assert _legend_entries(figure) == [
        "Under 50",
        "50 til under 65",
        "65 eller mer",
        ": skjult (for få svar)",
    ]


def test_change_figure_prints_each_lines_last_value(report):
    with mpl.rc_context(STYLE):
        figure = build_change_figure(report)
    history = report.history
    last_round = history["round_id"].iloc[-1]
    last = history[(history["round_id"] == last_round) & ~history["is_suppressed"].astype(bool)]
    printed = Counter(_printed(figure))
    assert not Counter(format_number(v, "nb") for v in last["estimate"]) - printed
    assert _legend_entries(figure) == [report.labels.group(g) for g in (*GROUPS, "sector")]


def test_spread_labels_keeps_order_and_the_least_gap():
    ends = [(50.0, 1.0, "gp"), (48.0, 1.0, "hospital"), (70.0, 1.0, "sector")]
    assert spread_labels(ends, 7.5) == [
        (48.0, 1.0, "hospital"),
        (55.5, 1.0, "gp"),  # 48 + 7.5
        (70.0, 1.0, "sector"),
    ]


def test_pngs_are_rgb_with_their_resolution_and_decode_to_the_canvas(report):
    with mpl.rc_context(STYLE):
        figure = build_index_figure(report, "pll")
        png = png_bytes(figure)
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
    assert png[25] == 2  # IHDR colour type 2: truecolour (RGB), no alpha
    image = Image.open(io.BytesIO(png))
    assert image.mode == "RGB" and image.info["dpi"] == pytest.approx((DPI, DPI), abs=1e-3)
    assert np.array_equal(np.asarray(image), np.asarray(canvas.buffer_rgba())[:, :, :3])


# --- Labels draws what Text would draw -----------------------------------------------------------

_STRINGS = ["88\xa0%", "Kjennskap", "gjÅ(", "Svakt\nforankret", "\nx", "78,4 (76,9–79,9)"]


def _rendered(text: str, style: dict, as_labels: bool) -> np.ndarray:
    """One string drawn alone at the middle of a small white figure, as grey levels."""
    figure = Figure(figsize=(3, 1), dpi=DPI)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    if as_labels:
        ax.add_artist(Labels([(0.5, 0.5)], [text], transform=ax.transData, **style))
    else:
        ax.text(0.5, 0.5, text, **style)
    return np.asarray(Image.open(io.BytesIO(png_bytes(figure))).convert("L")).astype(float)


def _ink_box(grey: np.ndarray) -> tuple[int, int, int, int]:
    rows, cols = np.nonzero(grey < 255)
    return rows.min(), rows.max(), cols.min(), cols.max()


@pytest.mark.parametrize("ha", ["left", "center", "right"])
@pytest.mark.parametrize("va", ["center", "top", "bottom", "baseline"])
def test_labels_draw_what_text_draws_within_a_pixel(ha, va):
    # A label starts on a whole pixel (Text may start a fraction of a pixel off it): the ink
    # may move by at most one pixel, and there is as much of it.
    with mpl.rc_context(STYLE):
        for text in _STRINGS:
            for weight in ("normal", "bold"):
                style = {"fontsize": 9.5, "fontweight": weight, "color": "#222222"}
                style.update(ha=ha, va=va)
                reference = _rendered(text, style, as_labels=False)
                drawn = _rendered(text, style, as_labels=True)
                box, expected = np.array(_ink_box(drawn)), np.array(_ink_box(reference))
                assert np.abs(box - expected).max() <= 1, (text, weight)
                ink, expected_ink = (255 - drawn).sum(), (255 - reference).sum()
                assert abs(ink - expected_ink) <= 0.03 * expected_ink, (text, weight)


def test_labels_give_the_same_bytes_with_or_without_rendered_strings_kept(report):
    _stamp.cache_clear()
    first = distribution_figure(report, "pll").png
    assert _stamp.cache_info().currsize > 0
    assert distribution_figure(report, "pll").png == first
    _stamp.cache_clear()
    assert distribution_figure(report, "pll").png == first


def test_labels_keep_white_text_white_on_colour():
    # White labels on a coloured bar (the shares) stay white: the rendered string keeps its
    # colour and its transparency around the glyphs.
    with mpl.rc_context(STYLE):
        figure = Figure(figsize=(2, 1), dpi=DPI)
        ax = figure.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        ax.add_patch(Rectangle((0, 0), 1, 1, color=PALETTE["agree"]))
        ax.add_artist(
            Labels(
                [(0.5, 0.5)],
                ["88\xa0%"],
                transform=ax.transData,
                fontsize=12,
                fontweight="bold",
                color="white",
            )
        )
        pixels = np.asarray(Image.open(io.BytesIO(png_bytes(figure))))
    colours = {tuple(int(c) for c in p) for p in pixels.reshape(-1, 3)}
    assert (255, 255, 255) in colours and (0x21, 0x66, 0xAC) in colours
    assert all(c[2] >= 0xAC for c in colours)  # only blends of white and the blue


def test_labels_reject_mismatched_inputs():
    with pytest.raises(ValueError, match="one text per position"):
        Labels([(0, 0)], ["a", "b"], transform=IdentityTransform(), fontsize=9, color="k")
    with pytest.raises(ValueError, match="one colour"):
        Labels([(0, 0)], ["a"], transform=IdentityTransform(), fontsize=9, color=["k", "r"])
    with pytest.raises(ValueError, match="alignment"):
        Labels([(0, 0)], ["a"], transform=IdentityTransform(), fontsize=9, color="k", va="x")
