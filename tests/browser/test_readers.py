"""What readers see, in Chromium on the bundled site: at a desktop's 1366 px, on a 390 px phone, and printed."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from pathlib import Path

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


# --- a brief's page ---------------------------------------------------------------------------------

BRIEFS = ["summits/hanoi-2019/", "actors/japan/", "issues/abductions/"]
BRIEF_IDS = {p.stem for p in (Path(__file__).resolve().parents[2] / "briefs").rglob("*.md")}


@pytest.mark.parametrize("path", BRIEFS)
def test_a_brief_opens_on_a_phone_with_its_title_currency_and_bottom_line(browser, site_url, path):
    with opened(browser, site_url + path, PHONE) as page:
        top = page.evaluate("""() => Object.fromEntries(
            ["article h1", "article .bb-currency", "article .bb-bluf"].map(s => [s, document.querySelector(s).getBoundingClientRect().top]))""")
        assert top["article h1"] < top["article .bb-currency"] < top["article .bb-bluf"] < PHONE["height"] / 2, top
        assert "Reviewed" in page.locator("article .bb-currency").inner_text()
        # the tags come after the content, as the titles of the briefs they name
        tags = page.locator("article .md-tag")
        assert tags.count() > 0
        assert page.evaluate("() => { const tags = document.querySelector('article .md-tags'); const sources = document.getElementById('sources');"
                             " return !!(sources.compareDocumentPosition(tags) & Node.DOCUMENT_POSITION_FOLLOWING); }")
        names = [n.strip() for n in tags.all_inner_texts()]
        assert not [n for n in names if n in BRIEF_IDS], f"tags shown as ids, not titles: {names}"
        assert len(names) == len(set(names))


@pytest.mark.parametrize("path", BRIEFS)
def test_the_bottom_line_leads_in_type_no_smaller_than_the_body(browser, site_url, path):
    with opened(browser, site_url + path, DESKTOP) as page:
        sizes = page.evaluate("""() => {
            const size = e => parseFloat(getComputedStyle(e).fontSize);
            const body = [...document.querySelectorAll("article p:not([class])")].find(p => !p.closest(".bb-bluf, .admonition, table"));
            return [size(document.querySelector("article .bb-bluf [data-pagefind-weight]")), size(body)];
        }""")
    bluf, body = sizes
    assert bluf > body, f"bottom line {bluf}px, body {body}px"


def test_key_judgments_show_likelihood_range_and_confidence_with_a_legend_and_a_link_each(page, site_url):
    page.goto(site_url + "summits/hanoi-2019/")
    judgments = page.locator("article li.bb-judgment")
    count = judgments.count()
    assert count >= 3
    legend = page.locator("article h2#key-judgments ~ .bb-legend").first.inner_text()
    assert "Likelihood" in legend and "Confidence" in legend
    for n in range(1, count + 1):
        judgment = page.locator(f"article li#judgment-{n}")
        text = judgment.inner_text()
        assert re.search(r"\((\d\d)–(\d\d)%\)", text), text  # the range is printed, not a tooltip
        assert re.search(r"\b(high|moderate|low) confidence\b", text), text
        assert judgment.locator(f"a.bb-permalink[href='#judgment-{n}']").count() == 1
    # a link to one judgment opens the page at it
    page.goto(site_url + "summits/hanoi-2019/#judgment-3")
    box = page.locator("article li#judgment-3").bounding_box()
    assert 0 <= box["y"] < 900 / 2, box


def test_tags_stay_out_of_the_searched_text(page, site_url):
    # Pagefind's own record of the page's text, from which it draws every excerpt
    page.goto(site_url)
    content = page.evaluate("""async () => {
        const pagefind = await import(new URL("pagefind/pagefind.js", document.baseURI).href);
        await pagefind.init();
        const found = await pagefind.search("Metropole");
        for (const result of found.results) {
          const data = await result.data();
          if (data.url.includes("hanoi-2019")) return data.content;
        }
        return null;
    }""")
    assert content and "Metropole" in content
    assert "us-north-korea" not in content and "Filed under" not in content


# --- print ------------------------------------------------------------------------------------------


def test_a_printed_brief_has_the_book_the_edition_and_the_bottom_line_on_page_one_and_tags_at_the_end(page, site_url):
    page.goto(site_url + "summits/hanoi-2019/")
    site_name = page.title().split(" - ")[-1].strip()
    bottom_line = page.locator("article .bb-bluf [data-pagefind-weight]").inner_text()
    title = page.locator("article h1").inner_text().rstrip("¶").strip()
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages]
    first = squash(pages[0])
    assert squash(site_name) in first
    assert re.search(r"editionof\d{1,2}[A-Z][a-z]+\d{4}", first), first[:120]  # the date the site was built
    assert squash(title) in first and squash(bottom_line) in first
    assert "Reviewed" in pages[0]
    assert "Filed under" in pages[-1] and "Filed under" not in " ".join(pages[:-1])
    assert "Link to this judgment" not in " ".join(pages)
    every = squash(" ".join(pages))
    for actor in ["United States", "North Korea (DPRK)", "Japan", "South Korea (ROK)"]:  # the summit's matrix, whole
        assert squash(actor) in every


# --- the front page ---------------------------------------------------------------------------------


def test_the_front_page_is_the_books_made_from_its_briefs(page, site_url):
    from briefbook.corpus.load import load_corpus
    from briefbook.format.settings import read_settings

    corpus = load_corpus(read_settings(Path(__file__).resolve().parents[2] / "mkdocs.yml")).corpus
    summit = corpus.principal_summit
    assert summit.id == "hanoi-2019"
    page.goto(site_url)
    assert page.locator("article h1").inner_text().strip() == page.locator(".md-header__topic").first.inner_text().strip()  # the book's title
    assert squash(page.locator("article .bb-bluf").text_content()) == squash("Bottom line" + summit.brief.summary)
    # the principal summit's key judgments, each linking to it in the brief
    judgments = page.locator("article h2#key-judgments + ol > li")
    assert judgments.count() == len(summit.brief.key_judgments)
    for n, kj in enumerate(summit.brief.key_judgments, start=1):
        item = judgments.nth(n - 1)
        assert squash(kj.text) in squash(item.inner_text())
        assert item.locator("a.bb-permalink").get_attribute("href") == f"summits/hanoi-2019/#judgment-{n}"
    # the positions at a glance: every actor and every issue
    header = page.locator("article #positions ~ .bb-matrix thead th").all_inner_texts()
    assert [h.strip() for h in header[1:]] == [a.brief.title for a in corpus.actors]
    assert page.locator("article #positions ~ .bb-matrix tbody tr").count() == len(corpus.issues)
    # what is due for review, and the ways in
    assert "due" in page.locator("article h2#review + *").inner_text().lower()
    ways = page.locator("article h2#ways-in + ul").inner_text()
    for name in ["Summits", "Actors", "Issues", "Compare", "Search"]:
        assert name in ways
    links = set(page.locator("article h2#ways-in + ul a").evaluate_all("links => links.map(a => new URL(a.href).pathname)"))
    assert {f"/{b.kind}s/{b.id}/" for b in corpus.briefs.values()} <= links


# --- the views --------------------------------------------------------------------------------------


def test_the_timeline_lists_each_event_once_and_its_chart_marks_the_summits_in_both_schemes(browser, site_url):
    with opened(browser, site_url + "views/timeline/", DESKTOP) as page:
        entries = page.evaluate("""() => [...document.querySelectorAll("article h3 + ul > li")].map(li => ({
            date: li.querySelector("strong").textContent,
            sources: [...li.querySelectorAll(".bb-event-meta a[href*='#source-']")].map(a => a.hash),
            briefs: li.querySelectorAll(".bb-event-meta a:not([href*='#source-'])").length}))""")
        # no two entries of one day cite the same source: such entries are one event
        for a, b in zip(entries, entries[1:]):
            assert not (a["date"] == b["date"] and set(a["sources"]) & set(b["sources"])), (a, b)
        assert any(e["briefs"] > 1 for e in entries), "no event links to each brief that records it"
        koizumi = [e for e in entries if e["date"] == "2002-09-17"]
        assert len(koizumi) == 1 and koizumi[0]["briefs"] == 2
        # the summits under the chart link to their months' entries
        anchors = page.locator("article .bb-legend a").evaluate_all("links => links.map(a => a.hash)")
        assert len(anchors) >= 5
        for anchor in anchors:
            assert page.locator(f"article h3{anchor}").count() == 1
        svg = page.request.get(site_url + "views/timeline.svg").text()
        for city in ["Singapore", "Hanoi", "Vladivostok"]:
            assert f">{city}, " in svg
        assert 'class="paper"' in svg  # its own light ground: the dark scheme leaves its labels legible
        chart = page.locator("article img.bb-timeline-chart").bounding_box()
        assert chart["width"] > 600


def test_the_timeline_chart_keeps_legible_labels_on_a_phone_and_scrolls_in_its_own_box(browser, site_url):
    # The SVG's labels are 12-13 units in a 960-unit drawing: at the width of a 390 px phone's
    # column (358 px) they would be under 5 px. At 780 px or more they are at least 9.75 px.
    with opened(browser, site_url + "views/timeline/", PHONE) as page:
        chart = page.locator("article img.bb-timeline-chart")
        assert chart.bounding_box()["width"] >= 780
        box = chart.evaluate("img => { const p = img.parentElement; return [p.scrollWidth, p.clientWidth, getComputedStyle(p).overflowX]; }")
        assert box[0] > box[1] and box[2] == "auto", box
        scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll_width <= inner_width, f"the timeline at 390 px is {scroll_width}px wide"


def test_the_timeline_months_list_is_not_marked_with_the_notes_pencil(browser, site_url):
    # Material draws a collapsible block's icon from --md-admonition-icon--note, a pencil, which a
    # reader takes for "edit"; the months' list has its own icon.
    with opened(browser, site_url + "views/timeline/", DESKTOP) as page:
        icon, pencil = page.evaluate("""() => [
            getComputedStyle(document.querySelector("article details.bb-months > summary"), "::before").maskImage,
            getComputedStyle(document.body).getPropertyValue("--md-admonition-icon--note").trim()]""")
    assert icon.startswith("url(") and pencil.startswith("url(")
    assert icon != pencil, icon
