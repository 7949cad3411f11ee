"""The rendered HTML reports of a real simulated, cleaned and analysed round: static checks.

The round is built once per session (``_report_fixtures.rendered_real_reports``): two simulated
rounds, cleaned and analysed by the package, the report notebook run with papermill per language
and rendered with :func:`anchoring.pipeline.render.render_report`, as the pipeline does.
Also: the report package imports nothing from the pipeline (data flows one way).
"""

import ast
import base64
import html
import re
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest

import anchoring.report
from _report_fixtures import REAL_PROVENANCE, REAL_ROUND, real_round_root, rendered_real_reports
from anchoring import __version__
from anchoring.exceptions import AnchoringError
from anchoring.paths import RoundPaths
from anchoring.pipeline.render import MAX_REPORT_BYTES, check_self_contained, render_report
from anchoring.report.xlsx import FILE_NAMES

REPORT_PACKAGE = Path(anchoring.report.__file__).parent

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


def test_footer_shows_the_provenance_passed_as_parameters(page):
    _, _, text, _ = page
    footer = text[text.index('<footer id="provenance"') :]
    assert f'data-provenance="package_version">{__version__}<' in footer
    for field in ("git_commit", "run_at"):
        assert f'data-provenance="{field}">{REAL_PROVENANCE[field]}<' in footer
    digest = re.search(r'data-provenance="inputs_digest">([^<]*)<', footer).group(1)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)


def test_footer_without_provenance_shows_a_dash(reports):
    # by hand (no parameters injected) the footer says the values are unknown
    from _report_fixtures import REAL_ROUND
    from anchoring.report import footer_section, load_report

    report = load_report(reports["nb"].parents[2], REAL_ROUND, "nb")
    html = footer_section(report).html
    for field in ("git_commit", "inputs_digest", "run_at"):
        assert f'data-provenance="{field}">–<' in html
    given = footer_section(report, git_commit="<b>", inputs_digest="d", run_at="t").html
    assert 'data-provenance="git_commit">&lt;b&gt;<' in given


def _imported_modules(source: str, package: str) -> set[str]:
    """Every module a source imports, at the top or in a function (relative ones resolved)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            names.update([module, *(f"{module}.{alias.name}" for alias in node.names)])
    return names


def _module_name(path: Path) -> str:
    return ".".join(("anchoring", *path.relative_to(REPORT_PACKAGE.parent).with_suffix("").parts))


REPORT_MODULES = sorted(REPORT_PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", REPORT_MODULES, ids=lambda p: p.name)
def test_report_modules_import_nothing_from_the_pipeline(path):
    package = _module_name(path).rsplit(".", 1)[0]
    names = _imported_modules(path.read_text(encoding="utf-8"), package)
    assert names, f"{path.name}: no imports found"
    assert [n for n in names if n.startswith("anchoring.pipeline")] == []


def test_the_import_check_sees_absolute_relative_and_late_imports():
    source = (
        "from .html import element\n"
        "from ..pipeline import cache\n"
        "def f():\n    import anchoring.pipeline.manifest\n"
    )
    names = _imported_modules(source, "anchoring.report")
    assert {"anchoring.report.html", "anchoring.pipeline.cache"} <= names
    assert "anchoring.pipeline.manifest" in names


_BLOCKED_IMPORT = """
import importlib, sys

class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "anchoring.pipeline" or name.startswith("anchoring.pipeline."):
            raise ImportError(f"the report imported {name}")

sys.meta_path.insert(0, Block())
for name in sys.argv[1:]:
    importlib.import_module(name)
"""


def test_every_report_module_imports_with_the_pipeline_blocked():
    # a fresh interpreter: also catches the pipeline reached through another package
    modules = [_module_name(p).removesuffix(".__init__") for p in REPORT_MODULES]
    done = subprocess.run(
        [sys.executable, "-c", _BLOCKED_IMPORT, *modules], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    refused = subprocess.run(
        [sys.executable, "-c", _BLOCKED_IMPORT, "anchoring.pipeline.render"],
        capture_output=True,
        text=True,
    )
    assert "the report imported anchoring.pipeline" in refused.stderr


def test_spreadsheet_beside_the_report_has_no_formula_cells(reports):
    for lang, path in reports.items():
        book = openpyxl.load_workbook(path.parent / FILE_NAMES[lang])
        cells = [c for s in book.worksheets for r in s.iter_rows() for c in r]
        assert cells and all(c.data_type != "f" for c in cells)


def test_the_report_carries_the_spreadsheet_beside_it_as_a_download(reports):
    """The e-mailed report is complete: its data: link holds exactly the file written."""
    for lang, path in reports.items():
        page = path.read_text(encoding="utf-8")
        link = re.search(
            r'<a href="data:application/vnd\.openxmlformats-officedocument\.spreadsheetml'
            r'\.sheet;base64,([A-Za-z0-9+/=]+)" download="([^"]+)">',
            page,
        )
        assert link and link.group(2) == FILE_NAMES[lang]
        written = (path.parent / FILE_NAMES[lang]).read_bytes()
        assert base64.b64decode(link.group(1), validate=True) == written


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
    executed = reports["nb"].parent / "notebooks" / "03_report.nb.ipynb"
    first = render_report(executed, tmp_path / "a.html", "nb")
    second = render_report(executed, tmp_path / "b.html", "nb")
    assert first.read_bytes() == second.read_bytes() == reports["nb"].read_bytes()


def test_showing_the_spreadsheet_section_writes_nothing(reports, tmp_path):
    from _report_fixtures import REAL_ROUND
    from anchoring.report import load_report, spreadsheet_section, write_spreadsheet

    root = reports["nb"].parents[2]
    report = load_report(root, REAL_ROUND, "en")
    spreadsheet = report.paths.reports_dir / FILE_NAMES["en"]
    written = spreadsheet.read_bytes()
    spreadsheet.unlink()
    try:
        assert f'download="{FILE_NAMES["en"]}"' in spreadsheet_section(report).html
        assert not spreadsheet.exists()
    finally:
        assert write_spreadsheet(report) == spreadsheet
    assert spreadsheet.read_bytes() == written


def test_unknown_language_is_refused(reports, tmp_path):
    executed = reports["nb"].parent / "notebooks" / "03_report.nb.ipynb"
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


def test_main_points_carry_the_largest_rise_and_fall_that_hold(page):
    # Issue 17: the main points tell the largest group change up and down that hold after Holm,
    # read here from the round's change.parquet with pandas alone (not the report's code).
    lang, path, text, _ = page
    change = pd.read_parquet(RoundPaths(real_round_root(path.parents[3]), REAL_ROUND).change_file)
    groups = change[change["group"] != "sector"]
    groups = groups[~groups["is_suppressed"].astype(bool) & (groups["p_value_holm"] < 0.05)]
    rises, falls = groups[groups["change"] > 0], groups[groups["change"] < 0]
    assert not rises.empty and not falls.empty, "the real round needs a rise and a fall"
    points = html.unescape(re.search(r'<ul class="main-points">(.*?)</ul>', text, re.S)[1])
    for rows in (rises, falls):
        largest = rows.loc[rows["change"].abs().idxmax()]
        sign = "+" if largest["change"] > 0 else "−"
        delta = f"{sign}{abs(largest['change']):.1f}"
        delta = delta.replace(".", ",") if lang == "nb" else delta
        assert f"{delta} " in points, (delta, points)
