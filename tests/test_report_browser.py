"""Open each rendered report in headless Chromium with the network blocked.

Asserts: no console error, no request leaving ``file://``/``data:``, every image decoded with
non-empty alt text, every table-of-contents link lands on an element, the main points come
before the first figure; saves a full-page screenshot in the test's tmp folder. Needs Debian's
``chromium`` (``apt-get install chromium``) and Playwright for Python; a missing browser fails.
"""

import shutil
from pathlib import Path

import pytest

from _report_fixtures import rendered_real_reports

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
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
  const images = [...document.images].map(i => ({
    complete: i.complete, width: i.naturalWidth, alt: (i.getAttribute('alt') || '').trim()}));
  const links = [...document.querySelectorAll('nav.toc a')].map(a => {
    const id = decodeURIComponent(a.getAttribute('href').slice(1));
    return {href: a.getAttribute('href'), found: document.getElementById(id) !== null};
  });
  const points = document.querySelector('ul.main-points');
  const figure = document.querySelector('img');
  const before = points && figure ?
    (points.compareDocumentPosition(figure) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0 : false;
  return {images, links, before, lang: document.documentElement.lang, title: document.title};
}"""


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
        finally:
            browser.close()
    assert errors == [], errors
    assert left == [], f"requests left file:// and data: {left}"
    assert allowed, "the page itself was not loaded through the route"
    assert result["lang"] == lang and result["title"].strip()
    assert result["images"], "no images"
    for image in result["images"]:
        assert image["complete"] and image["width"] > 0 and image["alt"], image
    assert result["links"] and all(link["found"] for link in result["links"]), result["links"]
    assert result["before"], "main points must come before the first figure"
    assert (tmp_path / f"report-{lang}.png").stat().st_size > 10_000
