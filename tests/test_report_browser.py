"""Open each rendered report in headless Chromium with the network blocked.

Asserts: no console error, no request leaving ``file://``/``data:``, no ``<img>``, every figure
an inline SVG drawn with a size and with a title and a description, its labels at least 11 px
high on a 390-pixel-wide phone, every table-of-contents link lands on an element, the main points
come before the first figure; saves full-page screenshots (1100 and 390 px wide) in the test's
tmp folder. Needs Debian's
``chromium`` (``apt-get install chromium``) and Playwright for Python; a missing browser fails.
"""

import shutil
from pathlib import Path

import pytest

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


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return rendered_real_reports(tmp_path_factory.getbasetemp())


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_report_in_headless_chromium_offline(reports, lang, tmp_path):
    sync_playwright = _chromium_or_fail()
    path = reports[lang]
    errors, left, allowed = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=ARGS, headless=True,
            viewport={"width": 1100, "height": 900},
        )  # fmt: skip
        try:
            page = browser.new_page()

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
        finally:
            browser.close()
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
    sync_playwright = _chromium_or_fail()
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run 'make test' (it installs axe-core with npm ci).")
    found = {}
    with sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=ARGS, headless=True,
        )  # fmt: skip
        try:
            page = browser.new_page()
            page.goto(reports[lang].as_uri(), wait_until="load")
            page.add_script_tag(path=str(AXE))
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                found[width] = page.evaluate(_AXE_RUN, WCAG_22_AA)
        finally:
            browser.close()
    assert found == {width: [] for width in WIDTHS}, found
