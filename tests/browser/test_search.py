"""The header search box finds what analysts type, and its facets narrow the results: in Chromium, on the bundled site."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser


def open_search(page, site_url: str):
    page.goto(site_url)
    box = page.locator("[data-bb-search-query]")
    box.click()
    return box


def wait_for_results(page, query: str, filters: dict[str, str] | None = None) -> list[str]:
    """The paths of the results listed for this query and these filters, once the box shows them.
    Readers' pages are chosen unless the filters say otherwise (the box starts so)."""
    results = page.locator("[data-bb-search-results]")
    chosen = {key: value for key, value in {"audience": "Readers", **(filters or {})}.items() if value}
    page.wait_for_function(
        "([query, filters]) => { const list = document.querySelector('[data-bb-search-results]');"
        " return list.dataset.query === query && list.dataset.filters === filters; }",
        arg=[query, json.dumps(chosen, separators=(",", ":"))],
    )
    hrefs = results.locator("a.md-search-result__link").evaluate_all("links => links.map(a => new URL(a.href).pathname)")
    return hrefs


def search(page, site_url: str, query: str) -> list[str]:
    """Type the query into the header box key by key, like a reader; return the result paths in order."""
    box = open_search(page, site_url)
    box.press_sequentially(query, delay=15)
    return wait_for_results(page, query)


@pytest.mark.parametrize(
    ("query", "expected", "within"),
    [
        ("abductees", ["/issues/abductions/", "/actors/japan/"], 3),
        ("Yongbyon", ["/summits/hanoi-2019/"], 3),
        ("denuc", ["/issues/denuclearization/"], 3),  # part of a word
        ("HANOI", ["/summits/hanoi-2019/"], 3),  # another case
        ("Abe", ["/actors/japan/"], 1),  # leaders
        ("Moon Jae-in", ["/actors/south-korea/"], 5),
    ],
)
def test_a_query_lists_its_briefs_among_the_first_results(page, site_url, query, expected, within):
    found = search(page, site_url, query)
    for path in expected:
        assert path in found[:within], f"{query!r}: {path} not in the first {within} results {found}"


def test_a_stance_label_finds_the_actor_and_the_issue_that_hold_it(page, site_url, bundled_corpus):
    # the longest stance label that only one actor uses: specific enough to name a position
    stances = [(p.stance, actor.id, issue) for actor in bundled_corpus.actors for issue, p in actor.brief.positions.items()]
    counts: dict[str, int] = {}
    for stance, _, _ in stances:
        counts[stance.lower()] = counts.get(stance.lower(), 0) + 1
    stance, actor, issue = max((s for s in stances if counts[s[0].lower()] == 1), key=lambda s: (len(s[0]), s))
    found = search(page, site_url, stance)
    assert f"/actors/{actor}/" in found[:3], (stance, found)
    assert f"/issues/{issue}/" in found, (stance, found)


def test_a_query_without_match_says_so(page, site_url):
    assert search(page, site_url, "zzyzx") == []
    assert page.locator("[data-bb-search-status]").inner_text() == "No matching documents"


def test_enter_opens_the_first_result(page, site_url):
    found = search(page, site_url, "abductees")
    first = page.locator("[data-bb-search-results] a.md-search-result__link").first.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{first}")
    assert first.split("#")[0] == found[0]


def choose(page, facet: str, value: str) -> None:
    page.locator(f"[data-bb-search-facets] select[name={facet}]").select_option(value)


def test_facets_narrow_the_results_by_kind_actor_issue_and_tag(page, site_url, bundled_corpus):
    box = open_search(page, site_url)
    page.wait_for_selector("[data-bb-search-facets] select[name=tag]")

    # no query, one facet: the list of that facet's pages
    choose(page, "kind", "Actor")
    actors = wait_for_results(page, "", {"kind": "Actor"})
    assert sorted(actors) == sorted(f"/actors/{a.id}/" for a in bundled_corpus.actors)

    # a query narrowed by kind: only summits, though actors and issues also say "Yongbyon"
    box.press_sequentially("Yongbyon", delay=15)
    choose(page, "kind", "Summit")
    summits = wait_for_results(page, "Yongbyon", {"kind": "Summit"})
    assert summits and all(p.startswith("/summits/") for p in summits), summits
    assert "/summits/hanoi-2019/" in summits

    # by actor: the summits Japan took part in (none on Yongbyon), then its issues once the kind is cleared
    choose(page, "kind", "")
    choose(page, "actor", bundled_corpus.briefs["japan"].brief.title)
    japan = wait_for_results(page, "Yongbyon", {"actor": bundled_corpus.briefs["japan"].brief.title})
    assert "/actors/japan/" in japan
    assert not [p for p in japan if p.startswith("/actors/") and p != "/actors/japan/"], japan

    # by issue and by tag, each exactly the briefs that carry it
    choose(page, "actor", "")
    box.fill("")
    abductions = bundled_corpus.briefs["abductions"].brief.title
    choose(page, "issue", abductions)
    concerned = {"/issues/abductions/"} | {f"/actors/{a.id}/" for a in bundled_corpus.actors if "abductions" in a.brief.positions}
    concerned |= {f"/summits/{s.id}/" for s in bundled_corpus.summits if "abductions" in s.brief.agenda}
    assert set(wait_for_results(page, "", {"issue": abductions})) == concerned

    choose(page, "issue", "")
    tag = "yongbyon"
    choose(page, "tag", tag)
    tagged = {f"/{b.kind}s/{b.id}/" for b in bundled_corpus.briefs.values() if tag in b.brief.tags}
    assert tagged and set(wait_for_results(page, "", {"tag": tag})) == tagged
