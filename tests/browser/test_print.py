"""A brief prints cleanly: Chromium's PDF of it has the brief, not the site's chrome."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.browser

BRIEF = "summits/hanoi-2019/"
CHROME = [".md-header", ".md-tabs", ".md-sidebar", ".md-footer", ".md-search", ".md-top", ".md-content__button"]


def pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_a_brief_prints_without_chrome_with_details_open_and_link_targets(page, site_url):
    page.goto(site_url + BRIEF)
    title = page.locator("article h1").inner_text().rstrip("¶").strip()
    summary = page.locator("article .bb-bluf [data-pagefind-weight]").first.inner_text()
    source = page.locator("article a[href^='http']").last.get_attribute("href")
    site_name = page.locator(".md-header__topic").first.inner_text().strip()
    # A collapsed block as a brief's `??? note "..."` renders it (pymdownx.details); the bundled briefs have none yet.
    page.evaluate("""() => document.querySelector("article").insertAdjacentHTML("beforeend",
        '<details class="note"><summary>Background</summary><p>Text folded away on screen.</p></details>')""")
    page.emulate_media(media="print")

    shown = page.evaluate("selectors => selectors.filter(s => [...document.querySelectorAll(s)]"
                          ".some(e => getComputedStyle(e).display !== 'none'))", CHROME)
    assert shown == [], "shown in print"

    text = pdf_text(page.pdf(format="A4"))
    assert squash(title) in squash(text)
    assert squash(summary) in squash(text)
    assert "Text folded away on screen." in text, "a collapsed details block stays collapsed in print"
    assert squash(f"<{source}>") in squash(text), "an external link's target is not printed"
    assert text.count(site_name) == 1, "the header or the navigation is printed (the masthead names the book once)"
    assert "Search" not in text
