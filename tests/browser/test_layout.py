"""Screenshots for review (tests/screenshots/, gitignored), and no sideways scrolling on a phone.

The home page, each kind of brief and each view, at a desktop's 1366 px and a phone's 390 px, in
the light and the dark scheme: the first screen of each, as a reader first sees it; and the search
box and the views' filters in use.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
PAGES = {
    "home": "", "summit": "summits/hanoi-2019/", "actor": "actors/japan/", "issue": "issues/abductions/",
    "matrix": "views/matrix/", "timeline": "views/timeline/", "watch": "views/watch/", "sources": "views/sources/",
}
WIDTHS = {"desktop": 1366, "phone": 390}
SCHEMES = ["light", "dark"]
# Material keeps the reader's choice of scheme here: the second palette entry of mkdocs.yml is slate.
DARK = "localStorage.setItem('/.__palette', JSON.stringify({index: 1, color: {media: '', scheme: 'slate', primary: 'indigo', accent: 'indigo'}}))"
pytestmark = pytest.mark.browser


@contextlib.contextmanager
def screen(browser, url: str, device: str, scheme: str) -> Iterator[object]:
    """The page at a device's width in a scheme, transitions off, so that a screenshot shows its end state."""
    phone = device == "phone"
    context = browser.new_context(viewport={"width": WIDTHS[device], "height": 844 if phone else 900},
                                  device_scale_factor=1, is_mobile=phone, has_touch=phone)
    try:
        if scheme == "dark":
            context.add_init_script(DARK)
        page = context.new_page()
        page.goto(url)
        page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
        assert page.locator("body").get_attribute("data-md-color-scheme") == ("slate" if scheme == "dark" else "default")
        yield page
    finally:
        context.close()


def shot_and_check_width(page, name: str, device: str, scheme: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{device}-{scheme}.png"))
    # Wide tables scroll inside their own container (Material's table wrapper); the page itself
    # must not scroll sideways.
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"{name} at {WIDTHS[device]}px is {scroll_width}px wide"


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("device", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_page_fits_the_screen(browser, site_url, name, device, scheme):
    with screen(browser, site_url + PAGES[name], device, scheme) as page:
        shot_and_check_width(page, name, device, scheme)


# The views in use: the search box open on a query, and the timeline and the sources filtered by
# their controls. Each is a function of the page, after it has loaded.
def _search(page) -> None:
    phone = page.viewport_size["width"] < 600
    page.locator("label.md-header__button[for=__search]" if phone else "[data-bb-search-query]").click()
    page.mouse.move(0, page.viewport_size["height"] - 1)  # a pointer left over a button would show its tooltip
    page.keyboard.type("summit")
    page.wait_for_selector("[data-bb-search-results][data-query=summit] li", state="attached")
    page.keyboard.press("ArrowDown")


IN_USE = {
    "search": ("", _search),
    "timeline-filtered": ("views/timeline/", lambda page: page.locator(".bb-view-tools select[name=actor]").select_option("japan")),
    "sources-filtered": ("views/sources/", lambda page: page.locator(".bb-view-tools input[name=q]").fill("reuters")),
}


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("device", WIDTHS)
@pytest.mark.parametrize("name", IN_USE)
def test_view_in_use_fits_the_screen(browser, site_url, name, device, scheme):
    path, use = IN_USE[name]
    with screen(browser, site_url + path, device, scheme) as page:
        use(page)
        shot_and_check_width(page, name, device, scheme)


@pytest.mark.parametrize("name", ["home", "summit", "matrix"])
def test_printed_page_for_review(page, site_url, name):
    page.goto(site_url + PAGES[name])
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 718, "height": 1000})
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-print.png"), full_page=True)
    (SCREENSHOTS / f"{name}-print.pdf").write_bytes(page.pdf(format="A4"))
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 718, f"{name} printed is {scroll_width}px wide"
