"""Open each rendered report in headless Chromium with the network blocked.

Asserts: no console error, no request leaving ``file://``/``data:``, no ``<img>``, every figure
an inline SVG drawn with a size and with a title and a description, its labels at least 11 px
high on a 390-pixel-wide phone, every table-of-contents link lands on an element, the main points
come before the first figure; saves full-page screenshots (1100 and 390 px wide) in the test's
tmp folder. At phone, tablet and desktop width: no sideways page scroll, no table that needs
sideways scrolling from tablet width on (on a phone only inside a keyboard-focusable region), and
axe-core finds no WCAG 2.2 AA violation. Printed: A4 pages that carry what is inside the closed
``<details>``, and no table wider than the A4 text column. Needs Debian's
``chromium`` (``apt-get install chromium``) and Playwright for Python; a missing browser fails.
"""

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from _report_fixtures import rendered_real_reports

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
"""axe-core from the npm registry (``make test`` installs it: tests/browser/package.json)."""
WIDTHS = (390, 768, 1280)
"""Phone, tablet and desktop widths the reports are checked at."""
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

_CHECKS = """() => {
  const text = (svg, tag) => (svg.querySelector(tag)?.textContent || '').trim();
  const figures = [...document.querySelectorAll('figure svg')].map(s => ({
    role: s.getAttribute('role'), width: s.getBoundingClientRect().width,
    height: s.getBoundingClientRect().height, title: text(s, 'title'), desc: text(s, 'desc')}));
  const links = [...document.querySelectorAll('nav.toc a')].map(a => {
    const id = decodeURIComponent(a.getAttribute('href').slice(1));
    return {href: a.getAttribute('href'), found: document.getElementById(id) !== null};
  });
  const points = document.querySelector('ul.main-points');
  const figure = document.querySelector('figure svg');
  const before = points && figure ?
    (points.compareDocumentPosition(figure) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0 : false;
  return {figures, images: document.images.length, links, before,
          lang: document.documentElement.lang, title: document.title};
}"""

_SMALLEST_LABEL_PX = """() => Math.min(...[...document.querySelectorAll('figure svg text')].map(
  t => t.getScreenCTM().a * parseFloat(getComputedStyle(t).fontSize)))"""


def _chromium_or_fail():
    if not CHROMIUM.is_file() and shutil.which("chromium") is None:
        pytest.fail("Chromium is missing: install Debian's package 'chromium' "
                    "(apt-get install -y chromium); the browser test needs it.")  # fmt: skip
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is missing: pip install playwright (dev extra).")
    return sync_playwright


@contextlib.contextmanager
def opened_page(tmp_path: Path, **context):
    """A page of headless Chromium (its own profile under ``tmp_path``), closed afterwards."""
    sync_playwright = _chromium_or_fail()
    with sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=ARGS, headless=True,
            **context,
        )  # fmt: skip
        try:
            yield browser.new_page()
        finally:
            browser.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return rendered_real_reports(tmp_path_factory.getbasetemp())


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_report_in_headless_chromium_offline(reports, lang, tmp_path):
    path = reports[lang]
    errors, left, allowed = [], [], []
    with opened_page(tmp_path, viewport={"width": 1100, "height": 900}) as page:

        def route(r):
            url = r.request.url
            if url.startswith(("file://", "data:")):
                allowed.append(url[:40])
                r.continue_()
            else:
                left.append(url)
                r.abort()

        page.route("**/*", route)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri(), wait_until="load")
        result = page.evaluate(_CHECKS)
        page.screenshot(path=str(tmp_path / f"report-{lang}.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        smallest_on_phone = page.evaluate(_SMALLEST_LABEL_PX)
        page.screenshot(path=str(tmp_path / f"report-{lang}-390.png"), full_page=True)
    assert errors == [], errors
    assert left == [], f"requests left file:// and data: {left}"
    assert allowed, "the page itself was not loaded through the route"
    assert result["lang"] == lang and result["title"].strip()
    assert result["images"] == 0, "figures are inline SVG, not images"
    assert len(result["figures"]) >= 6, "no figures"
    for figure in result["figures"]:
        assert figure["role"] == "img" and figure["title"] and figure["desc"], figure
        assert figure["width"] > 300 and figure["height"] > 100, figure
    assert smallest_on_phone >= 10.5, f"a figure label is {smallest_on_phone:.1f} px on a phone"
    assert result["links"] and all(link["found"] for link in result["links"]), result["links"]
    assert result["before"], "main points must come before the first figure"
    assert (tmp_path / f"report-{lang}.png").stat().st_size > 10_000


_AXE_RUN = """async (tags) => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_no_accessibility_violations_at_phone_tablet_and_desktop_width(reports, lang, tmp_path):
    # axe-core's WCAG 2.0/2.1/2.2 A and AA rules, with every <details> open, at three widths
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run 'make test' (it installs axe-core with npm ci).")
    found = {}
    with opened_page(tmp_path) as page:
        page.goto(reports[lang].as_uri(), wait_until="load")
        page.add_script_tag(path=str(AXE))
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            found[width] = page.evaluate(_AXE_RUN, WCAG_22_AA)
    assert found == {width: [] for width in WIDTHS}, found


A4_TEXT_WIDTH_PX = 680
"""A4 (210 mm) less the report's 15-mm page margins, in CSS pixels (180 mm × 96 / 25.4)."""
A4_POINTS = (595.28, 841.89)
"""A4 in PDF points (210 × 297 mm); Chromium writes 594.96 × 841.92."""

_OPEN_DETAILS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"

_WIDTHS = """() => {
  const tables = [...document.querySelectorAll('main table')].map(t => {
    const wrap = t.parentElement, region = t.closest('.table-wrap[tabindex="0"][role="region"]');
    return {id: t.id, width: t.scrollWidth, room: wrap.clientWidth,
            region: region !== null && region.hasAttribute('aria-label')
                    && ['auto', 'scroll'].includes(getComputedStyle(region).overflowX)};
  });
  return {page: document.documentElement.scrollWidth, viewport: window.innerWidth, tables};
}"""


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_no_sideways_scrolling_of_page_or_table(reports, lang, tmp_path):
    # The page never scrolls sideways; from tablet width (and on the A4 text column) no table is
    # wider than its room (every <details> open); on a phone a wide table scrolls only inside a
    # named, keyboard-focusable region.
    found = {}
    with opened_page(tmp_path) as page:
        page.goto(reports[lang].as_uri(), wait_until="load")
        page.evaluate(_OPEN_DETAILS)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            found[width] = page.evaluate(_WIDTHS)
        page.emulate_media(media="print")
        page.set_viewport_size({"width": A4_TEXT_WIDTH_PX, "height": 900})
        found["print"] = page.evaluate(_WIDTHS)
    assert len(found[1280]["tables"]) >= 10, "the report's tables were not found"
    for width, result in found.items():
        assert result["page"] <= result["viewport"], f"{width}: the page scrolls sideways"
        wide = [t for t in result["tables"] if t["width"] > t["room"]]
        if width == 390:
            assert all(t["region"] for t in wide), f"390: scrolls outside a region: {wide}"
        else:
            assert wide == [], f"{width}: tables need sideways scrolling: {wide}"


def pdf_pages(pdf: bytes) -> list[tuple[tuple[float, ...], str]]:
    """The media box (in points) and the extracted text of each page of a PDF (pypdf)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [
        (tuple(float(v) for v in page.mediabox), page.extract_text() or "") for page in reader.pages
    ]


_DETAILS_ONLY = """() => {
  const caption = document.querySelector('details table caption');
  return {caption: caption ? caption.textContent : '',
          shown: caption ? caption.checkVisibility() : true,
          summary: document.querySelector('details summary')?.textContent || ''};
}"""


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_printed_report_is_a4_and_prints_the_closed_details(reports, lang, tmp_path):
    with opened_page(tmp_path) as page:
        page.goto(reports[lang].as_uri(), wait_until="load")
        closed = page.evaluate(_DETAILS_ONLY)
        pdf = page.pdf(prefer_css_page_size=True)
    (tmp_path / f"report-{lang}.pdf").write_bytes(pdf)
    assert closed["caption"] and not closed["shown"], (
        "the check needs a table inside closed details"
    )
    pages = pdf_pages(pdf)
    assert len(pages) >= 5, f"{len(pages)} pages"
    for box, _ in pages:
        width, height = box[2] - box[0], box[3] - box[1]
        assert abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2, box
    printed = re.sub(r"\s+", "", "".join(text for _, text in pages))
    assert re.sub(r"\s+", "", closed["caption"]) in printed, "details content is not printed"
    assert re.sub(r"\s+", "", closed["summary"]) not in printed, "the screen prompt is printed"


def test_a_table_in_parts_shows_narrow_tables_and_keeps_one_sheet():
    # HTML: one table per part (row headers and the part's columns, under the part's headers),
    # the notes once; the spreadsheet's records are those of the whole table.
    from anchoring.report.table_model import Cell, Column, ReportTable, TablePart, text_cell

    def number(v):
        return Cell(
            f"{v} %", v, detail=f"({v - 2}–{v + 2} %)", low=v - 2, high=v + 2, is_numeric=True
        )

    columns = [
        Column("Dimensjon"),
        Column("A: enig", ("A nedre", "A øvre")),
        Column("B: enig"),
        Column("A: vet ikke"),
    ]
    rows = [[text_cell("Kjennskap"), number(60), number(70), number(5)]]
    parts = (TablePart("a", "Tabell – A", (0, 1, 3), ("Dimensjon", "Enig (4–5)", "Vet ikke")),
             TablePart("b", "Tabell – B", (0, 2)))  # fmt: skip
    whole = ReportTable("table-x", "Tabell", columns, rows, ["Merknad."])
    split = ReportTable("table-x", "Tabell", columns, rows, ["Merknad."], html_parts=parts)
    html = split.to_html()
    assert html.count("<table") == 2 and html.count("Merknad.") == 1
    assert 'id="table-x"' in html and 'id="table-x-a"' in html and 'id="table-x-b"' in html
    first, second = html.split('id="table-x-b"')
    assert "Enig <span" in first and "A: vet ikke" not in first and "B: enig" not in first
    assert "B: enig" in second and "70 %" in second and "60 %" not in second
    assert html.count('class="table-wrap" tabindex="0" role="region"') == 2
    assert split.to_records() == whole.to_records()
    assert whole.to_html().count("<table") == 1
