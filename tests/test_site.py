"""The site as a reader and an editor meet it: build the fixture project for real, then read the HTML.

One built site is shared by the read-only tests; tests that change briefs work on a copy of it.
"""

from __future__ import annotations

import html
import json
import re
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from helpers import copy_project, http_get, mkdocs_serve, run, set_field, snapshot, wait_until

REPO_EDIT = "https://example.org/briefs-repo/edit/main/"
BRIEFS = {  # page folder -> brief file, for every brief of the fixture
    "summits/hanoi-2019": "briefs/summits/hanoi-2019.md",
    "summits/singapore-2018": "briefs/summits/singapore-2018.md",
    "actors/united-states": "briefs/actors/united-states.md",
    "actors/japan": "briefs/actors/japan.md",
    "actors/china": "briefs/actors/china.md",
    "issues/sanctions": "briefs/issues/sanctions.md",
    "issues/hostile-title": "briefs/issues/hostile-title.md",
}
VIEWS = ["summits", "actors", "issues", "views", "views/matrix", "views/timeline", "views/watch", "views/sources", "tags"]
HOSTILE_TITLE = "<script>alert(1)</script>"
DIAGNOSTIC = re.compile(r"briefs/actors/japan\.md:\d+:\d+: error: role")


# --- reading HTML ----------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def iter(self, tag: str | None = None, cls: str | None = None):
        for child in self.children:
            if isinstance(child, Element):
                if (tag is None or child.tag == tag) and (cls is None or cls in child.classes):
                    yield child
                yield from child.iter(tag, cls)

    def find(self, tag: str | None = None, cls: str | None = None) -> Element:
        found = next(self.iter(tag, cls), None)
        assert found is not None, f"no <{tag} class={cls}>"
        return found

    def elements(self) -> list[Element]:
        return [c for c in self.children if isinstance(c, Element)]


class _TreeBuilder(HTMLParser):
    """A tolerant DOM for assertions: the standard library's tokenizer, no regex over markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", {})

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(path: Path) -> Element:
    builder = _TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    builder.close()
    return builder.root


def article(site: Path, page: str) -> Element:
    return parse(site / page / "index.html").find("article")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- the built site --------------------------------------------------------------------------


@pytest.fixture
def site(fixture_project: Path) -> Path:
    return fixture_project / "site"


def test_every_brief_and_view_has_its_page(site: Path):
    for page in [*BRIEFS, *VIEWS, "."]:
        assert (site / page / "index.html").is_file(), page
    assert (site / "views/timeline.svg").is_file()
    exported = json.loads((site / "briefs.json").read_text(encoding="utf-8"))
    assert sorted(b["file"] for b in exported["briefs"]) == sorted(BRIEFS.values())


def test_a_brief_page_reads_bottom_line_first_then_judgments_structure_prose_and_sources(site: Path):
    page = article(site, "issues/sanctions")
    blocks = [e for e in page.elements() if e.tag not in ("a", "nav") and "hidden" not in e.attrs]
    assert blocks[0].tag == "h1" and squash(blocks[0].text).startswith("Sanctions relief")
    currency, bluf = blocks[1], blocks[2]
    assert "bb-currency" in currency.classes and squash(currency.text) == "Reviewed 1 December 2019"
    assert "bb-bluf" in bluf.classes
    assert squash(bluf.text) == "Bottom line North Korea asked for the 2016–2017 UN sanctions to be lifted in exchange for Yongbyon; the United States refused."

    headings = [squash(h.text).rstrip("¶") for h in page.iter("h2")]
    assert headings == ["Key judgments", "Positions", "Related", "Analysis", "What to watch", "Timeline", "Changes", "Sources"]

    judgment = next(page.find("h2").parent.iter("ol")).find("li")  # the first list after "Key judgments"
    labels = {" ".join(s.classes): squash(s.text) for s in judgment.iter("span", "bb-label")}
    assert labels == {
        "bb-label bb-likelihood bb-likelihood-very-likely": "very likely (80–95%)",
        "bb-label bb-confidence bb-confidence-moderate": "moderate confidence",
    }
    assert judgment.attrs["id"] == "judgment-1"
    assert [a.attrs["href"] for a in judgment.iter("a", "bb-permalink")] == ["#judgment-1"]

    analysis = squash(page.text.split("Analysis", 1)[1].split("What to watch", 1)[0])
    assert analysis == ("¶ The sanctions are the main leverage the United States holds [1]. "
                        "Each side told its own story of the request [2][3].")
    emphasis = [squash(e.text) for e in page.iter("em")]
    assert "main leverage" in emphasis

    sources = list(page.iter("ol"))[-1]
    entries = sources.elements()
    assert [e.find("a").attrs["href"] for e in entries] == [
        "https://example.org/sources/resolutions",
        "https://example.org/sources/hanoi-press-conference",
        "https://example.org/sources/ri-press-conference?lang=en&page=2",
    ]
    anchors = [a.attrs.get("id") for e in entries for a in e.iter("a") if a.attrs.get("id")]
    assert anchors == ["source-sanctions-resolutions", "source-hanoi-press-conference", "source-ri-press-conference"]
    # every citation in the page points at one of those numbered entries, the one wrapped over two lines too
    cited = {a.attrs["href"] for a in page.iter("a") if a.attrs.get("href", "").startswith("#source-")}
    assert cited == {f"#{anchor}" for anchor in anchors}
    assert "?]" not in page.text

    assert squash(page.text).index("What to watch") < squash(page.text).index("Timeline") < squash(page.text).index("Sources")


def test_a_body_with_its_own_headings_leaves_no_empty_section(site: Path):
    headings = [squash(h.text).rstrip("¶") for h in article(site, "actors/united-states").iter("h2")]
    assert headings == ["Positions", "The walk-out", "Changes", "Sources"]
    for page in BRIEFS:
        blocks = [e for e in article(site, page).elements() if e.tag not in ("a", "nav") and "hidden" not in e.attrs]
        for heading, following in zip(blocks, blocks[1:]):
            if heading.tag in ("h2", "h3") and following.tag in ("h2", "h3"):
                assert following.tag > heading.tag, f"{page}: empty section {squash(heading.text)!r}"


def test_summit_page_has_its_facts_and_agenda_matrix(site: Path):
    text = squash(article(site, "summits/hanoi-2019").text)
    assert "Date: 27–28 February 2019" in text
    assert "United States: Donald J. Trump, President" in text
    assert "Place: Sofitel Legend Metropole, Hanoi, Vietnam" in text
    assert "Outcome: no agreement" in text
    matrix = article(site, "summits/hanoi-2019").find("div", "bb-matrix").find("table")
    rows = [[squash(cell.text) for cell in row.elements()] for row in matrix.iter("tr")]
    assert rows[0] == ["Issue", "United States", "Japan"]  # the participants, then the allies
    # each cell names its actor (shown where the table stacks on a phone), then the priority as dots and words
    assert rows[1] == ["Sanctions relief", "United States ●●● high priority sanctions stay until denuclearization",
                       "Japan ●●● high priority no relief before concrete steps"]
    assert rows[2] == [HOSTILE_TITLE, "United States ●○○ low priority no comment", "Japan ●○○ low priority watch closely"]


def test_section_indexes_list_every_brief_grouped(site: Path):
    summits = squash(article(site, "summits").text)
    assert summits.index("Singapore summit") < summits.index("Hanoi summit")

    actors = article(site, "actors")
    groups: dict[str, list[str]] = {}
    for element in actors.elements():
        if element.tag == "h2":
            heading = squash(element.text).rstrip("¶")
            groups[heading] = []
        elif element.tag == "ul" and groups:
            groups[heading] += [squash(a.text) for a in element.iter("a")]
    assert groups == {"Principals": ["United States"], "Allies": ["Japan"], "Stakeholders": ["China"]}

    issues = [squash(a.text) for a in article(site, "issues").find("ul").iter("a")]
    assert issues == [HOSTILE_TITLE, "Sanctions relief"]


def test_a_title_written_as_markup_shows_as_text(site: Path):
    page = parse(site / "issues/hostile-title/index.html")
    assert squash(page.find("h1").text).rstrip("¶") == HOSTILE_TITLE
    assert squash(page.find("title").text).startswith(HOSTILE_TITLE)
    body = page.find("article")
    assert "A title written as markup must show as text, and so must <b>this</b> & that." in squash(body.text)
    assert "raw HTML that must not run: <img src=x onerror=alert(2)>." in squash(body.text)
    assert [squash(s.text) for s in body.iter("strong")] == ["strong"]  # the body is Markdown all the same
    # nowhere in the site, where the title shows in the nav, tables, tags and links, does it become markup
    for path in site.rglob("*.html"):
        document = parse(path)
        for script in document.iter("script"):
            assert "alert" not in script.text, path
        for element in document.iter():
            assert element.tag not in ("b", "img") or "this" not in element.text and "x" != element.attrs.get("src"), path
            assert not any(name.startswith("on") for name in element.attrs), (path, element.tag, element.attrs)


def test_generated_sections_are_in_the_nav(site: Path):
    nav = parse(site / "index.html").find("nav", "md-nav--primary")
    links = {a.attrs["href"]: squash(a.text) for a in nav.iter("a") if "href" in a.attrs}
    for page in [*BRIEFS, *VIEWS]:
        assert f"{page}/" in links, page
    entries = {squash(entry.text) for entry in nav.iter(cls="md-nav__link")}
    assert {"Summits", "Actors", "Issues", "Compare", "Principals", "Allies", "Stakeholders"} <= entries
    assert links["issues/hostile-title/"] == HOSTILE_TITLE


def test_edit_links_point_at_the_brief_file_and_views_have_none(site: Path):
    for page, brief in BRIEFS.items():
        edits = [a.attrs["href"] for a in parse(site / page / "index.html").iter("a") if a.attrs.get("title") == "Edit this page"]
        assert edits == [REPO_EDIT + brief], page
    assert edits and REPO_EDIT + "briefs/actors/japan.md" in [
        a.attrs["href"] for a in parse(site / "actors/japan/index.html").iter("a")]
    for page in VIEWS:
        assert not [a for a in parse(site / page / "index.html").iter("a") if a.attrs.get("title") == "Edit this page"], page


def test_page_meta_gives_material_tags_and_search_boost(site: Path):
    tags = {squash(a.text) for a in article(site, "actors/japan").iter(cls="md-tag")}
    assert tags == {"actor", "ally", "Sanctions relief", HOSTILE_TITLE}
    tag_page = squash(article(site, "tags").text)
    assert "united nations" in tag_page and "Sanctions relief" in tag_page
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    boosts = {d["location"]: d.get("boost") for d in index["docs"]}
    assert boosts["actors/japan/"] == 3 and boosts["summits/hanoi-2019/"] == 3
    assert boosts["views/matrix/"] == 1


def test_search_index_holds_every_title_and_summary(fixture_project: Path, site: Path):
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    text = squash(html.unescape(" ".join(re.sub(r"<[^>]+>", " ", d["title"] + " " + d["text"]) for d in index["docs"])))
    for brief in BRIEFS.values():
        front = yaml.safe_load((fixture_project / brief).read_text(encoding="utf-8").split("---")[1])
        assert squash(front["title"]) in text, brief
        assert squash(front["summary"]) in text, brief


# --- failures leave the site alone -----------------------------------------------------------


@pytest.fixture
def built_copy(fixture_project: Path, tmp_path: Path) -> Path:
    """A copy of the built project (with its site/ and cache), for a test that changes it or writes beside it."""
    return copy_project(fixture_project, tmp_path / "project")


@pytest.mark.parametrize("command", [("briefbook", "build"), ("mkdocs", "build"), ("mkdocs", "build", "--strict")])
def test_a_brief_with_an_error_fails_the_build_and_keeps_the_site(built_copy: Path, command):
    before = snapshot(built_copy / "site")
    set_field(built_copy / "briefs/actors/japan.md", "role", "friend")
    result = run(built_copy, *command)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert DIAGNOSTIC.search(output), output
    assert "Traceback" not in output
    assert snapshot(built_copy / "site") == before


def test_strict_build_fails_on_a_stale_brief_before_touching_the_site(built_copy: Path):
    before = snapshot(built_copy / "site")
    set_field(built_copy / "briefs/actors/china.md", "reviewed", "2015-12-01")
    plain = run(built_copy, "mkdocs", "build", "--strict", "--site-dir", "other-site")
    assert plain.returncode != 0 and not (built_copy / "other-site").exists()
    for command in [("mkdocs", "build", "--strict"), ("briefbook", "build")]:
        result = run(built_copy, *command)
        output = result.stdout + result.stderr
        assert result.returncode != 0, output
        assert re.search(r"briefs/actors/china\.md:\d+:\d+: \w+: reviewed: the brief is stale", output), output
        assert "Traceback" not in output
        assert snapshot(built_copy / "site") == before


# --- render --out ----------------------------------------------------------------------------


def test_render_out_writes_a_plain_mkdocs_project_that_builds_without_the_plugin(built_copy: Path, tmp_path: Path):
    out = tmp_path / "rendered"
    result = run(built_copy, "briefbook", "render", "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    config = yaml.safe_load((out / "mkdocs.yml").read_text(encoding="utf-8"))
    assert not any("briefbook" in (p if isinstance(p, str) else list(p)) for p in config["plugins"])
    for page in [*BRIEFS, "summits/index", "views/matrix", "tags"]:
        assert (out / "docs" / f"{page}.md").is_file() or (out / "docs" / page / "index.md").is_file(), page
    assert (out / "docs/index.md").read_text(encoding="utf-8") == (built_copy / "docs/index.md").read_text(encoding="utf-8")

    site = tmp_path / "rendered-site"
    plain = run(out, "mkdocs", "build", "--strict", "-f", str(out / "mkdocs.yml"), "--site-dir", str(site))
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert squash(article(site, "issues/hostile-title").find("h1").text).rstrip("¶") == HOSTILE_TITLE
    assert "main leverage" in [squash(e.text) for e in article(site, "issues/sanctions").iter("em")]

    again = run(built_copy, "briefbook", "render", "--out", str(out))
    assert again.returncode == 0, again.stdout + again.stderr

    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    refused = run(built_copy, "briefbook", "render", "--out", str(foreign))
    assert refused.returncode == 2
    assert "is not empty and was not written by briefbook" in refused.stderr
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]


# --- mkdocs serve ----------------------------------------------------------------------------

BANNER = "The briefs have 1 problem"


def test_serve_shows_the_problems_keeps_the_last_good_pages_and_recovers(built_copy: Path, tmp_path: Path):
    log = tmp_path / "serve.log"
    # a hand-written page, the broken brief's last good page, another brief's page, a view
    pages = ["", "actors/japan/", "issues/sanctions/", "views/matrix/"]
    with mkdocs_serve(built_copy, log) as (server, port):
        base = f"http://127.0.0.1:{port}/briefs/"  # the path of site_url
        wait_until(lambda: http_get(base + "actors/japan/")[0] == 200, "the first build", log)
        assert "Tokyo welcomed the no-deal outcome" in http_get(base + "actors/japan/")[1]
        assert http_get(base + "briefbook-errors/")[0] == 404
        assert all(BANNER not in http_get(base + page)[1] for page in pages)

        japan = built_copy / "briefs/actors/japan.md"
        set_field(japan, "role", "friend")
        wait_until(lambda: http_get(base + "briefbook-errors/")[0] == 200, "the error page", log)
        error_page = http_get(base + "briefbook-errors/")[1]
        assert "briefs/actors/japan.md" in error_page and "friend" in error_page and BANNER not in error_page
        assert DIAGNOSTIC.search(log.read_text(encoding="utf-8")), log.read_text(encoding="utf-8")
        status, last_good = http_get(base + "actors/japan/")
        assert status == 200 and "Tokyo welcomed the no-deal outcome" in last_good
        for page in pages:  # every page says so, and links to the problems
            status, text = http_get(base + page)
            assert status == 200 and BANNER in text, page
            link = re.search(r'<a href="([^"]+)">See the problems</a>', text)
            assert link, page
            assert urllib.parse.urljoin(base + page, html.unescape(link.group(1))) == base + "briefbook-errors/"

        set_field(japan, "role", "ally")
        set_field(japan, "summary", "Fixed while serving, Tokyo welcomed the outcome.")
        wait_until(lambda: "Fixed while serving" in http_get(base + "actors/japan/")[1], "the fixed page", log)
        assert http_get(base + "briefbook-errors/")[0] == 404
        assert all(BANNER not in http_get(base + page)[1] for page in pages)
        assert server.poll() is None
        assert "Traceback" not in log.read_text(encoding="utf-8")
