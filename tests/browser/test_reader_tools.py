"""The search box and the views' controls, as readers use them, in Chromium on the bundled site:
every result reachable, the keyboard, readers' pages only unless asked, facet counts that follow the
query, results that open at their section, Japanese terms; the timeline filtered by actor and issue,
the sources filtered and sorted, and both views whole without script."""

from __future__ import annotations

import re

import pytest
from test_search import choose, open_search, search, wait_for_results

pytestmark = pytest.mark.browser

MAINTAINERS = ["/editing/", "/format/", "/publishing/", "/security/", "/reliability/", "/architecture/", "/printing/"]


def status(page) -> str:
    return page.locator("[data-bb-search-status]").inner_text()


def test_every_result_is_reachable_ten_at_a_time(page, site_url):
    found = search(page, site_url, "summit")
    total = int(re.match(r"(\d+) matching", status(page)).group(1))
    assert total > 10 and len(found) == 10 and status(page) == f"{total} matching documents, 10 shown"
    more = page.locator("[data-bb-search-more]")
    items = page.locator("[data-bb-search-results] > li")
    while more.is_visible():
        listed = items.count()
        more.click()
        # each result shows as it arrives: wait for the whole batch of ten (or the last few)
        page.wait_for_function("n => document.querySelectorAll('[data-bb-search-results] > li').length >= n", arg=min(listed + 10, total))
        # the first of the added results has the focus, so that the keyboard carries on from there
        assert items.nth(listed).locator("a").first.evaluate("a => a === document.activeElement")
    assert items.count() == total and status(page) == f"{total} matching documents"
    paths = items.locator("a.md-search-result__link").evaluate_all("links => links.map(a => new URL(a.href).pathname)")
    assert len(set(paths)) == total  # each page once


def test_arrow_keys_move_through_the_results_and_escape_closes(page, site_url):
    search(page, site_url, "Yongbyon")
    links = page.locator("[data-bb-search-results] a")
    page.keyboard.press("ArrowDown")
    assert links.nth(0).evaluate("a => a === document.activeElement")
    page.keyboard.press("ArrowDown")
    assert links.nth(1).evaluate("a => a === document.activeElement")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.locator("[data-bb-search-query]").evaluate("box => box === document.activeElement")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    target = links.nth(1).get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{target}")
    open_search(page, site_url)
    assert page.locator("#__search").is_checked()
    page.keyboard.press("Escape")
    assert not page.locator("#__search").is_checked()


def test_maintainers_pages_answer_only_when_asked_for(page, site_url):
    # words the maintainers' pages use throughout, which readers' pages hardly do
    for query in ["workflow", "Pagefind", "cache"]:
        box = open_search(page, site_url)
        box.fill("")
        box.press_sequentially(query, delay=10)
        found = wait_for_results(page, query, {"audience": "Readers"})
        assert not [p for p in found if p in MAINTAINERS], (query, found)
    choose(page, "audience", "Maintainers")
    found = wait_for_results(page, "cache", {"audience": "Maintainers"})
    assert found and set(found) <= set(MAINTAINERS), found


def option_counts(page, facet: str) -> dict[str, int]:
    texts = page.locator(f"[data-bb-search-facets] select[name={facet}] option").all_inner_texts()
    return {m.group(1): int(m.group(2)) for m in (re.match(r"(.+) \((\d+)\)$", t) for t in texts) if m}


def test_facet_counts_follow_the_query(page, site_url):
    box = open_search(page, site_url)
    page.wait_for_selector("[data-bb-search-facets] select[name=kind]")
    everything = option_counts(page, "kind")
    box.press_sequentially("Yongbyon", delay=10)
    found = wait_for_results(page, "Yongbyon", {"audience": "Readers"})
    counts = option_counts(page, "kind")
    assert counts != everything and all(counts[kind] <= everything[kind] for kind in counts)
    assert sum(counts.values()) <= int(re.match(r"(\d+)", status(page)).group(1))  # the views have no kind
    choose(page, "kind", "Summit")
    summits = wait_for_results(page, "Yongbyon", {"audience": "Readers", "kind": "Summit"})
    assert len(summits) == counts["Summit"] and option_counts(page, "kind") == counts  # its own choice aside
    assert found


def test_a_result_opens_at_the_section_that_matches(page, site_url):
    search(page, site_url, "拉致")
    first = page.locator("[data-bb-search-results] a.md-search-result__link").first
    assert first.get_attribute("href").endswith("#japanese-terms")
    assert "Japanese terms" in first.inner_text()
    first.click()
    page.wait_for_url("**#japanese-terms")
    assert page.locator("#japanese-terms").evaluate("h => Math.abs(h.getBoundingClientRect().top) < 200")


def test_a_results_text_starts_after_the_heading_it_names(page, site_url):
    search(page, site_url, "summit")
    named = page.locator("[data-bb-search-results] .bb-search-section-link")
    assert named.count() > 0
    for link in named.all():
        heading = link.locator("strong").inner_text()
        excerpt = link.inner_text()[len(heading):].strip()
        assert excerpt and not excerpt.lower().startswith(heading.lower()), (heading, excerpt)
    # the date a brief was reviewed is the page's, not an answer to the query
    first_text = page.locator("[data-bb-search-results] .md-search-result__article p").first.inner_text()
    assert "next review" not in first_text and "PDF of this brief" not in first_text
    first_title = page.locator("[data-bb-search-results] .md-search-result__article h1").first.evaluate("h => h.lastChild.textContent")
    assert first_title and not first_text.startswith(first_title), (first_title, first_text)


@pytest.mark.parametrize(("query", "expected"), [
    ("拉致問題", {"/issues/abductions/", "/actors/japan/"}),
    ("拉致", {"/issues/abductions/", "/actors/japan/"}),
    ("拉致被害者", {"/issues/abductions/"}),
    ("被害者", {"/issues/abductions/"}),  # a part of a term, which the brief also gives on its own
    ("北朝鮮", {"/actors/japan/"}),
    ("rachi mondai", {"/issues/abductions/", "/actors/japan/"}),
])
def test_japanese_terms_find_their_briefs(page, site_url, query, expected):
    assert expected <= set(search(page, site_url, query)[:3])


# --- the timeline and the sources -------------------------------------------------------------------

def shown_events(page) -> list[str]:
    return page.locator("li.bb-event:not([hidden])").evaluate_all("items => items.map(li => li.className)")


def test_timeline_filters_by_actor_and_issue_and_keeps_it_in_the_address(page, site_url):
    page.goto(site_url + "views/timeline/")
    every = shown_events(page)
    page.locator(".bb-view-tools select[name=actor]").select_option("japan")
    japan = shown_events(page)
    assert 0 < len(japan) < len(every) and all("bb-actor-japan" in c for c in japan)
    assert page.locator(".bb-view-status").inner_text() == f"{len(japan)} of {len(every)} events shown."
    page.locator(".bb-view-tools select[name=issue]").select_option("abductions")
    both = shown_events(page)
    assert both and all("bb-actor-japan" in c and "bb-issue-abductions" in c for c in both)
    # a month with no event shown is hidden with its heading
    assert all(h.evaluate("h => !h.nextElementSibling || !h.nextElementSibling.hidden") for h in page.locator("article h3:visible").all())
    assert "actor=japan" in page.url and "issue=abductions" in page.url
    page.reload()
    assert shown_events(page) == both


def test_sources_filter_by_words_and_sort_by_title(page, site_url, bundled_corpus):
    page.goto(site_url + "views/sources/")
    page.locator(".bb-view-tools input[name=q]").fill("reuters")
    shown = page.locator("li.bb-source:not([hidden])")
    assert 0 < shown.count() < len(bundled_corpus.sources)
    assert all("reuters" in t.lower() for t in shown.all_inner_texts())
    page.locator(".bb-view-tools select[name=sort]").select_option("title")
    reporting = page.locator("h2#reporting + p + ul > li.bb-source:not([hidden]) > a[id]").all_inner_texts()
    assert reporting == sorted(reporting, key=str.lower)
    assert not page.locator("h2#primary").is_visible() or page.locator("h2#primary + p + ul > li:not([hidden])").count()


def test_views_are_whole_without_script(browser, site_url, bundled_corpus):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "views/timeline/")
        assert page.locator(".bb-view-tools").count() == 0 and page.locator(".bb-filter-options").is_hidden()
        assert page.locator("li.bb-event:visible").count() == len(bundled_corpus.timeline_events())
        page.goto(site_url + "views/sources/")
        assert page.locator("li.bb-source:visible").count() == len(bundled_corpus.sources)
    finally:
        context.close()


def test_view_tools_have_no_serious_violation(page, site_url):
    from test_accessibility import axe_problems

    for path in ["views/timeline/?actor=japan", "views/sources/?q=reuters"]:
        page.goto(site_url + path)
        assert page.locator(".bb-view-tools").count() == 1
        assert axe_problems(page) == []
