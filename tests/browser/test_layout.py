"""Screenshots for review (tests/screenshots/, gitignored), and no sideways scrolling on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
PAGES = {"home": "", "brief": "summits/hanoi-2019/", "matrix": "views/matrix/"}
WIDTHS = {"desktop": 1280, "phone": 390}
pytestmark = pytest.mark.browser


@pytest.mark.parametrize("device", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_page_fits_the_screen(browser, site_url, name, device):
    width = WIDTHS[device]
    context = browser.new_context(viewport={"width": width, "height": 844 if device == "phone" else 900},
                                  device_scale_factor=1, is_mobile=device == "phone", has_touch=device == "phone")
    try:
        page = context.new_page()
        page.goto(site_url + PAGES[name])
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{device}.png"), full_page=True)
        # Wide tables scroll inside their own container (the matrix's .bb-matrix, Material's table
        # wrapper); the page itself must not scroll sideways.
        scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll_width <= inner_width, f"{name} at {width}px is {scroll_width}px wide"
    finally:
        context.close()
