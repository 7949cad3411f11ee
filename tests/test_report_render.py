"""The rendered HTML reports of a real simulated, cleaned and analysed round: static checks.

The round is built once per session (``_report_fixtures.rendered_real_reports``): two simulated
rounds, cleaned and analysed by the package, the report notebook run with papermill per language
and rendered with :func:`anchoring.report.render_report`, as the pipeline does.
"""

import re
from collections import Counter
from html.parser import HTMLParser

import nbformat
import openpyxl
import pytest

from _report_fixtures import rendered_real_reports
from anchoring import __version__
from anchoring.exceptions import AnchoringError
from anchoring.report.render import MAX_REPORT_BYTES, check_self_contained
from anchoring.report.xlsx import FILE_NAMES

pytestmark = pytest.mark.slow


class _Page(HTMLParser):
    """Collects ids, anchor links, images, figures, headings and the order of sections."""

    def __init__(self):
        super().__init__()
        self.ids, self.toc_links, self.images, self.order = [], [], [], []
        self.svgs = []
        self.html_lang, self.in_title, self.title, self.in_nav = None, False, "", False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "title" and not self.svgs:  # the page's title, not a figure's (all in <body>)
            self.in_title = True
        if tag == "nav":
            self.in_nav = True
        if tag == "a" and self.in_nav:
            self.toc_links.append(a.get("href", ""))
        if tag == "img":
            self.images.append(a)
        if tag == "svg":
            self.svgs.append(a)
            self.order.append("figure")
        if tag == "ul" and "main-points" in (a.get("class") or ""):
            self.order.append("main-points")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if tag == "nav":
            self.in_nav = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return rendered_real_reports(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module", params=["nb", "en"])
def page(request, reports):
    path = reports[request.param]
    text = path.read_text(encoding="utf-8")
    parser = _Page()
    parser.feed(text)
    return request.param, path, text, parser


def test_lang_attribute_and_a_real_title(page):
    lang, _, text, parsed = page
    assert parsed.html_lang == lang
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S).group(1)
    assert parsed.title.strip() and parsed.title.strip() == h1.strip()


def test_nothing_is_loaded_from_outside_the_file(page):
    _, path, text, _ = page
    assert "http://" not in text and "https://" not in text
    lowered = text.lower()
    for forbidden in ("<script", "<link", "require.js", "mathjax", "@import", "<iframe"):
        assert forbidden not in lowered, forbidden
    check_self_contained(text, str(path))


def test_no_notebook_artefacts_or_stray_output(page):
    _, _, text, _ = page
    for artefact in ("No description has been provided", "jp-InputArea", "jp-OutputPrompt",
                     "In&nbsp;[", "Out[", "Traceback", "Warning:", "UserWarning",
                     "FutureWarning", "DeprecationWarning", "&lt;HtmlBlock", "<HtmlBlock",
                     "ReportFigure", "import "):  # fmt: skip
        assert artefact not in text, artefact


def test_executed_notebooks_have_no_stream_or_error_output(reports):
    for path in reports.values():
        notebook = nbformat.read(path.parent / "notebooks" / f"03_report.{_lang(path)}.ipynb", 4)
        kinds = {o.output_type for c in notebook.cells if c.cell_type == "code" for o in c.outputs}
        assert kinds <= {"display_data", "execute_result"}, kinds


def _lang(path):
    return "nb" if path.name.endswith(".nb.html") else "en"


def test_table_of_contents_links_land_on_elements(page):
    _, _, _, parsed = page
    assert len(parsed.toc_links) >= 5
    for href in parsed.toc_links:
        assert href.startswith("#") and href[1:] in parsed.ids, href


def test_every_figure_is_inline_svg_with_title_and_description_and_no_png(page):
    _, _, text, parsed = page
    assert parsed.images == [] and "data:image/png" not in text and "image/png" not in text
    assert len(parsed.svgs) >= 6
    for svg in parsed.svgs:
        assert svg["role"] == "img" and svg["aria-labelledby"] in parsed.ids
        assert svg["aria-describedby"] in parsed.ids
    titles = re.findall(r"<svg\b[^>]*><title id=\"[^\"]+\">([^<]+)</title><desc", text)
    assert len(titles) == len(parsed.svgs) and all(t.strip() for t in titles)
    assert text.count("<text ") > 100  # labels stay text


def test_every_id_of_the_page_is_unique(page):
    _, _, _, parsed = page
    repeated = [i for i, n in Counter(parsed.ids).items() if n > 1]
    assert parsed.ids and repeated == []


def test_main_points_come_before_the_first_figure(page):
    _, _, _, parsed = page
    assert parsed.order.index("main-points") < parsed.order.index("figure")


def test_suppressed_cells_show_a_colon_with_the_footnote(page):
    lang, _, text, _ = page
    # The previous round hid the hospital trusts, so their change is suppressed.
    assert '<td class="num hidden">:</td>' in text
    note = {"nb": ": Skjult fordi", "en": ": Hidden because"}[lang]
    assert note in text


def test_report_is_smaller_than_3_mb(page):
    _, path, _, _ = page
    assert path.stat().st_size < MAX_REPORT_BYTES


def test_footer_is_filled_in(page):
    _, _, text, _ = page
    footer = text[text.index('<footer id="provenance"') :]
    assert f'data-provenance="package_version">{__version__}<' in footer
    run_at = re.search(r'data-provenance="run_at">([^<]*)<', footer).group(1)
    digest = re.search(r'data-provenance="inputs_digest">([^<]*)<', footer).group(1)
    assert run_at.endswith("UTC") and re.fullmatch(r"[0-9a-f]{64}", digest)


def test_spreadsheet_beside_the_report_has_no_formula_cells(reports):
    for lang, path in reports.items():
        book = openpyxl.load_workbook(path.parent / FILE_NAMES[lang])
        cells = [c for s in book.worksheets for r in s.iter_rows() for c in r]
        assert cells and all(c.data_type != "f" for c in cells)


def test_a_page_that_loads_a_resource_is_refused():
    with pytest.raises(AnchoringError, match="offline"):
        check_self_contained('<img src="https://cdn.example/x.png">')
    with pytest.raises(AnchoringError, match="offline"):
        check_self_contained('<script src="require.js"></script>')


def test_an_image_without_alt_text_is_refused():
    with pytest.raises(AnchoringError, match="alt text"):
        check_self_contained('<p>x</p><img src="data:image/png;base64,AAAA" width="10">')
    # the same image with alt text, and an attribute merely ending in "alt", pass and fail
    check_self_contained('<img src="data:image/png;base64,AAAA" alt="Index 50">')
    with pytest.raises(AnchoringError, match="alt text"):
        check_self_contained('<img data-salt="x" src="data:image/png;base64,AAAA">')


@pytest.mark.parametrize(
    "svg",
    [
        '<svg viewBox="0 0 1 1"><title>Index</title><desc>Kommuner 50</desc></svg>',
        '<svg role="img"><desc>Kommuner 50</desc><title>Index</title></svg>',
        '<svg role="img"><title> </title><desc>Kommuner 50</desc></svg>',
        '<svg role="img"><title>Index</title><desc></desc></svg>',
    ],
    ids=["no-role", "title-not-first", "empty-title", "empty-desc"],
)
def test_an_inline_svg_without_role_title_or_description_is_refused(svg):
    with pytest.raises(AnchoringError, match="title"):
        check_self_contained(f"<p>x</p><figure>{svg}</figure>")


def test_an_inline_svg_with_role_title_and_description_passes():
    check_self_contained(
        '<svg role="img" viewBox="0 0 1 1"><title id="a">Index</title>'
        '<desc id="b">Kommuner 50</desc><g><text>50</text></g></svg>'
    )


def test_rendering_is_deterministic_for_the_same_notebook(reports, tmp_path):
    from anchoring.report import render_report

    executed = reports["nb"].parent / "notebooks" / "03_report.nb.ipynb"
    fixed = {"git_commit": "abc", "inputs_digest": "0" * 64, "run_at": "2026-01-01 00:00:00 UTC"}
    first = render_report(executed, tmp_path / "a.html", "nb", provenance_values=fixed)
    second = render_report(executed, tmp_path / "b.html", "nb", provenance_values=fixed)
    assert first.read_bytes() == second.read_bytes()
    assert 'data-provenance="git_commit">abc<' in first.read_text(encoding="utf-8")


def test_unknown_language_is_refused(reports, tmp_path):
    executed = reports["nb"].parent / "notebooks" / "03_report.nb.ipynb"
    from anchoring.report import render_report

    with pytest.raises(AnchoringError, match="language"):
        render_report(executed, tmp_path / "x.html", "de")


def test_bars_agree_share_equals_the_published_estimate(reports):
    # Identity: the bars' agree share (weighted shares of 4–5 on the scored item) is the same
    # Hájek ratio as the analysis stage's agree_share (svymean of the agree indicator).
    from _report_fixtures import REAL_ROUND
    from anchoring.report import load_report
    from anchoring.report.distribution import answer_distribution

    root = reports["nb"].parents[2]
    report = load_report(root, REAL_ROUND, "en")
    for measure in report.measures:
        bars = answer_distribution(report, measure)
        for row in bars[bars["is_shown"]].itertuples(index=False):
            published = report.estimates.get(measure, row.group, "agree_share", row.dimension)
            assert row.agree == pytest.approx(published.estimate, rel=1e-9)
            total = row.disagree + row.neutral + row.agree
            assert total == pytest.approx(1.0, rel=1e-12)
