"""What readers see, in Chromium on the bundled site: at a desktop's 1366 px, on a 390 px phone, and printed."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
MATRIX_PAGES = ["views/matrix/", "summits/hanoi-2019/"]
ACTORS = ["North Korea (DPRK)", "United States", "Japan", "South Korea (ROK)", "China", "Russia"]


@contextlib.contextmanager
def opened(browser, url: str, viewport: dict[str, int]) -> Iterator[object]:
    phone = viewport["width"] < 600
    context = browser.new_context(viewport=viewport, device_scale_factor=1, is_mobile=phone, has_touch=phone)
    try:
        page = context.new_page()
        page.goto(url)
        yield page
    finally:
        context.close()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


# --- the positions tables ---------------------------------------------------------------------------

# Each column's header, where it ends against the table's scroll container and the window, and
# whether that container scrolls sideways.
COLUMNS = """() => [...document.querySelectorAll("article .bb-matrix table")].map(table => {
  const box = (table.closest(".md-typeset__scrollwrap") || table.parentElement);
  const edge = Math.min(box.getBoundingClientRect().right, window.innerWidth);
  return {
    scrolls: box.scrollWidth > box.clientWidth + 1 || table.scrollWidth > table.clientWidth + 1,
    hidden: [...table.querySelectorAll("thead th")].filter(th => th.getBoundingClientRect().right > edge + 1).map(th => th.innerText),
  };
})"""


@pytest.mark.parametrize("path", MATRIX_PAGES)
def test_every_matrix_column_is_in_view_at_1366_px(browser, site_url, path):
    with opened(browser, site_url + path, DESKTOP) as page:
        tables = page.evaluate(COLUMNS)
    assert tables, "no positions matrix on the page"
    for table in tables:
        assert table == {"scrolls": False, "hidden": []}


# Every cell of the positions tables: whether it lies inside the screen, and the text a reader sees in it.
CELLS = """() => [...document.querySelectorAll("article .bb-matrix tbody td")].map(td => {
  const r = td.getBoundingClientRect();
  return {inside: r.width > 0 && r.left >= -1 && r.right <= window.innerWidth + 1, text: td.innerText.trim()};
})"""


@pytest.mark.parametrize("path", [*MATRIX_PAGES, "issues/abductions/"])
def test_on_a_phone_every_position_reads_without_scrolling_sideways(browser, site_url, path):
    with opened(browser, site_url + path, PHONE) as page:
        cells = page.evaluate(CELLS)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert cells
    outside = [c["text"][:40] for c in cells if not c["inside"]]
    assert outside == [], "cells off a 390 px screen"
    assert scroll_width <= PHONE["width"]
    if path == "views/matrix/":
        # a stacked cell names its actor, or the reader could not tell whose stance it is
        names = {c["text"].split("\n")[0].split(" ●")[0].split(" ○")[0].strip() for c in cells}
        assert names >= set(ACTORS), names


def test_the_printed_matrix_has_every_column(page, site_url):
    page.goto(site_url + "views/matrix/")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 718, "height": 1000})  # A4's width less Chromium's default margins, at 96 dpi
    assert page.evaluate(COLUMNS) == [{"scrolls": False, "hidden": []}]
    text = squash(pdf_text(page.pdf(format="A4")))
    for actor in ACTORS:
        assert squash(actor) in text, f"{actor} is not on paper"


def test_priority_and_gaps_read_without_colour(page, site_url):
    page.goto(site_url + "views/matrix/")
    legend = page.locator("article .bb-legend").first.inner_text()
    assert "●●● high" in legend and "●○○ low" in legend and "no stated position" in legend
    marks = page.locator("article .bb-matrix .bb-priority")
    assert marks.count() > 20
    dots = set(marks.evaluate_all("marks => marks.map(m => m.querySelector('[aria-hidden]').textContent)"))
    assert dots == {"●●●", "●●○", "●○○"}
    # the words stay for screen readers
    assert set(marks.evaluate_all("marks => marks.map(m => m.querySelector('.bb-sr').textContent.trim())")) == {
        "high priority", "medium priority", "low priority"}
