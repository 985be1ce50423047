"""Hostile briefs: no markup injected into the site, no escape from the project's folders, no lost work.

One site is built with every payload in every field a brief has (one issue, one actor and
one summit per payload), then every page, the search index and the timeline picture are
parsed with a real HTML parser and searched for anything a browser would run.
"""

from __future__ import annotations

import json
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import BUILD_EPOCH, Project, snapshot

from briefbook.format.model import Source
from briefbook.format.settings import Settings, SettingsError, read_settings
from briefbook.site import render_out

# Each payload holds {m}: a marker unique to the payload and the field it is put in.
PAYLOADS = [
    '<script>alert("{m}")</script>',
    "<img src=x onerror=alert('{m}')>",
    "<svg onload=alert('{m}')>",
    "<iframe src=\"javascript:alert('{m}')\">",
    "<a href=\"javascript:alert('{m}')\">x</a>",
    "<details open ontoggle=alert('{m}')>",
    "<base href=\"//evil.example/{m}/\">",
    "<meta http-equiv=refresh content=\"0;url=//e.example/{m}\">",
    "<style>*{{display:none}}</style>{m}",
    "<form action=javascript:alert('{m}')><button>x",
    '"><script>alert("{m}")</script>',
    "' onmouseover='alert(\"{m}\")' x='",
    "&lt;script&gt;alert('{m}')&lt;/script&gt;",
    "[{m}](javascript:alert(1))",
    "[{m}](JaVaScRiPt:alert(1))",
    "[{m}](jav&#x61;script:alert(1))",
    "[{m}](&#106;avascript&colon;alert(1))",
    "[{m}](java\tscript:alert(1))",
    "[{m}](&#x01;javascript:alert(1))",  # the character itself is refused by `check` (test_quoting.py)
    "[{m}](data:text/html,<script>alert(1)</script>)",
    "![{m}](data:image/svg+xml,<svg onload=alert(1)>)",
    "[{m}](vbscript:msgbox(1))",
    "<javascript:alert('{m}')>",
    "{m}{{ onclick=\"alert(1)\" }}",
    "[{m}](#){{ onclick=alert(1) }}",
    "{{{{ 7*7 }}}}{{% include '/etc/passwd' %}}{m}",
]

# field code -> (kind of brief, where it sits); each field of the format that holds text
FIELDS = {
    "it": ("issue", "title"), "is": ("issue", "summary"), "tg": ("issue", "tags"),
    "kj": ("issue", "key_judgments.text"), "wi": ("issue", "what_to_watch.indicator"),
    "ww": ("issue", "what_to_watch.why"), "tt": ("issue", "timeline.title"), "td": ("issue", "timeline.detail"),
    "st": ("issue", "sources.title"), "sp": ("issue", "sources.publisher"), "sa": ("issue", "sources.author"),
    "sn": ("issue", "sources.note"), "bd": ("issue", "body"),
    "at": ("actor", "title"), "as": ("actor", "summary"), "ln": ("actor", "leaders.name"),
    "lo": ("actor", "leaders.office"), "lt": ("actor", "leaders.term"), "ps": ("actor", "positions.stance"),
    "pm": ("actor", "positions.summary"),
    "mt": ("summit", "title"), "ms": ("summit", "summary"), "lc": ("summit", "location.city"),
    "lk": ("summit", "location.country"), "lv": ("summit", "location.venue"), "pn": ("summit", "people.name"),
    "pr": ("summit", "people.role"),
}
PAGE_DIR = {"issue": "issues/issue", "actor": "actors/actor", "summit": "summits/summit"}
HOSTILE_URL = "https://example.org/a\"onmouseover='alert(1)'<script>x</script>)"


def marker(n: int, code: str) -> str:
    return f"Q{n:02d}{code}Q"


def value(n: int, code: str) -> str:
    return PAYLOADS[n].format(m=marker(n, code))


def hostile_briefs(n: int) -> dict[str, str]:
    """An issue, an actor and a summit carrying payload n in every text field."""
    def v(code: str) -> str:
        return json.dumps(value(n, code))  # JSON strings are YAML: quotes, tabs and control characters survive

    issue = f"""\
---
kind: issue
title: {v('it')}
summary: {v('is')}
reviewed: 2019-12-01
tags: [{v('tg')}]
sources:
  - id: src-{n}
    title: {v('st')}
    publisher: {v('sp')}
    author: {v('sa')}
    note: {v('sn')}
    date: 2019-01-01
    url: {json.dumps(HOSTILE_URL)}
key_judgments:
  - text: {v('kj')}
    likelihood: likely
    confidence: low
    sources: [src-{n}]
what_to_watch:
  - indicator: {v('wi')}
    why: {v('ww')}
timeline:
  - date: 2019-02-{n % 27 + 1:02d}
    title: {v('tt')}
    detail: {v('td')}
    sources: [src-{n}]
---
{value(n, 'bd')} [@src-{n}]
"""
    actor = f"""\
---
kind: actor
title: {v('at')}
summary: {v('as')}
reviewed: 2019-12-01
role: principal
leaders:
  - name: {v('ln')}
    office: {v('lo')}
    term: {v('lt')}
positions:
  issue-{n}:
    stance: {v('ps')}
    priority: high
    summary: {v('pm')}
    sources: [src-{n}]
---
An actor.
"""
    summit = f"""\
---
kind: summit
title: {v('mt')}
summary: {v('ms')}
reviewed: 2019-12-01
date: 2019-02-27
location:
  city: {v('lc')}
  country: {v('lk')}
  venue: {v('lv')}
participants:
  - actor: actor-{n}
    people:
      - name: {v('pn')}
        role: {v('pr')}
outcome: no agreement
agenda: [issue-{n}]
---
A summit.
"""
    return {f"briefs/issues/issue-{n}.md": issue, f"briefs/actors/actor-{n}.md": actor, f"briefs/summits/summit-{n}.md": summit}


MKDOCS_YML = """\
site_name: Hostile briefs
theme:
  name: material
  features: [search.suggest, search.highlight]
plugins:
  - search
  - tags
  - briefbook:
      max_age_days: 0
{extra}
markdown_extensions:
  - admonition
  - attr_list
  - def_list
  - footnotes
  - md_in_html
  - tables
  - pymdownx.details
  - pymdownx.superfences
  - toc:
      permalink: true
"""


def write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")


@pytest.fixture(scope="module", autouse=True)
def fixed_today():
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
        yield


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, fixed_today):
    """The site built from every payload in every field; briefs/ and docs/ hashed before the build."""
    root = tmp_path_factory.mktemp("hostile")
    files = {"mkdocs.yml": MKDOCS_YML.format(extra=""), "docs/index.md": "# Home\n"}
    for n in range(len(PAYLOADS)):
        files.update(hostile_briefs(n))
    write(root, files)
    before = snapshot(root / "briefs", root / "docs")
    result = Project(root).run("build")
    assert result.exit_code == 0, result.output
    return root, before


# --- what a browser would run --------------------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "background", "srcset", "ping"}
FORBIDDEN_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "base", "form", "applet", "portal", "foreignobject"}


def scheme(url: str) -> str:
    cleaned = "".join(c for c in url if ord(c) > 0x20 and ord(c) != 0x7F).lower()
    return cleaned.split(":", 1)[0] if ":" in cleaned.split("/", 1)[0] else ""


class Scan(HTMLParser):
    """Everything live in a page: elements, attributes, script and style text; and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self.live: list[str] = []  # attribute values and script/style content: where a marker must not be
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.check(tag, attrs)
        if tag not in ("img", "meta", "link", "br", "hr", "input", "source", "wbr"):
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.check(tag, attrs)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def check(self, tag, attrs):
        theme_search_form = tag == "form" and "md-search__form" in (dict(attrs).get("class") or "") and "action" not in dict(attrs)
        if tag in FORBIDDEN_ELEMENTS and not theme_search_form:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and any(k == "http-equiv" and (v or "").lower() == "refresh" for k, v in attrs):
            self.problems.append("<meta http-equiv=refresh>")
        for name, val in attrs:
            val = val or ""
            if name == "alt":  # an image's text alternative is its text
                self.text.append(val)
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES and scheme(val) in ("javascript", "data", "vbscript"):
                self.problems.append(f"<{tag} {name}={val!r}>")
            if name in URL_ATTRIBUTES or name not in ("content", "title", "alt", "aria-label", "id", "data-md-component"):
                self.live.append(f"<{tag} {name}={val!r}>")

    def handle_data(self, data):
        if self.stack and self.stack[-1] in ("script", "style"):
            self.live.append(f"<{self.stack[-1]}>{data}")
            if "alert" in data or "display:none" in data.replace(" ", ""):
                self.problems.append(f"<{self.stack[-1]}> {data[:80]!r}")
        else:
            self.text.append(data)


def scan(markup: str) -> Scan:
    parser = Scan()
    parser.feed(markup)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def pages(hostile_site) -> dict[str, Scan]:
    root, _ = hostile_site
    return {str(p.relative_to(root / "site")): scan(p.read_text(encoding="utf-8")) for p in (root / "site").rglob("*.html")}


def test_no_page_holds_an_injected_element_or_attribute(pages):
    assert len(pages) > 3 * len(PAYLOADS)
    found = {path: page.problems for path, page in pages.items() if page.problems}
    assert found == {}


def test_markers_never_reach_an_attribute_or_a_script(pages):
    leaks = {path: [v for v in page.live if "Q" in v and any(marker(n, c) in v for n in range(len(PAYLOADS)) for c in FIELDS)]
             for path, page in pages.items()}
    assert {path: found for path, found in leaks.items() if found} == {}


@pytest.mark.parametrize("code", sorted(FIELDS))
@pytest.mark.parametrize("n", range(len(PAYLOADS)), ids=[f"payload{n}" for n in range(len(PAYLOADS))])
def test_each_payload_shows_as_text_on_its_page(pages, n, code):
    """The payload reached the page as text (escaped once), not dropped and not live."""
    kind, field = FIELDS[code]
    page = pages[f"{PAGE_DIR[kind]}-{n}/index.html"]
    text = " ".join("".join(page.text).split())
    assert marker(n, code) in text
    if code != "bd":  # front matter is text; the body is Markdown, whose links are meant to work
        shown = " ".join(value(n, code).split())
        assert shown in text


def test_the_page_title_and_description_show_the_payload_as_text(pages):
    n = 0
    page = pages[f"issues/issue-{n}/index.html"]
    assert value(n, "it") in "".join(page.text)  # the <title> element's text is part of the page text
    assert not page.problems


def test_the_search_index_holds_no_live_markup(hostile_site):
    """Material's search inserts titles and text of results as HTML."""
    root, _ = hostile_site
    index = json.loads((root / "site/search/search_index.json").read_text(encoding="utf-8"))
    problems, seen = [], 0
    for doc in index["docs"]:
        for key in ("title", "text"):
            found = scan(doc.get(key) or "")
            problems += [(doc["location"], key, p) for p in found.problems]
            problems += [(doc["location"], key, v) for v in found.live if "Q" in v]
            seen += "Q00itQ" in "".join(found.text)
    assert problems == []
    assert seen, "the payloads should be searchable as text"


def test_the_timeline_picture_holds_no_script(hostile_site):
    root, _ = hostile_site
    svg = (root / "site/views/timeline.svg").read_text(encoding="utf-8")
    found = scan(svg)
    assert found.problems == []
    assert "<script" not in svg.lower() and "foreignobject" not in svg.lower()


def test_briefs_json_keeps_the_payloads_as_data(hostile_site):
    root, _ = hostile_site
    data = json.loads((root / "site/briefs.json").read_text(encoding="utf-8"))
    titles = {b["id"]: b["front_matter"]["title"] for b in data["briefs"]}
    assert titles["issue-0"] == value(0, "it")


def test_check_and_build_leave_briefs_and_docs_untouched(hostile_site):
    root, before = hostile_site
    assert Project(root).check().exit_code == 0
    assert Project(root).run("export").exit_code == 0
    assert snapshot(root / "briefs", root / "docs") == before


# --- raw HTML, allowed deliberately --------------------------------------------------------------

RAW_BODY = """\
<div class="deliberate-html">Allowed <abbr title="Democratic People's Republic of Korea">DPRK</abbr></div>

[link](javascript:alert(1)) and [entity](jav&#x61;script:alert(1))
"""


@pytest.mark.parametrize("allowed", [False, True], ids=["escaped", "allowed"])
def test_raw_html_in_the_body_passes_only_when_the_site_allows_it(tmp_path, allowed):
    files = {"mkdocs.yml": MKDOCS_YML.format(extra="      allow_raw_html: true" if allowed else ""), "docs/index.md": "# Home\n",
             "briefs/issues/raw.md": "---\nkind: issue\ntitle: Raw\nsummary: S.\nreviewed: 2019-12-01\n---\n" + RAW_BODY}
    write(tmp_path, files)
    assert Project(tmp_path).run("build").exit_code == 0
    html = (tmp_path / "site/issues/raw/index.html").read_text(encoding="utf-8")
    page = scan(html)
    assert ('<div class="deliberate-html">' in html) is allowed
    assert ("&lt;div class=" in html) is not allowed
    # the second line of defence holds either way: Markdown links never get a script URL
    assert page.problems == []
    assert 'href="jav' not in html
    if allowed:  # only the Markdown extension stands between the links and the page
        assert html.count("#unsafe-link-removed") == 2
    else:  # the body reader shows the links as the text they are
        assert "<p>[link](javascript:alert(1)) and [entity](javascript:alert(1))</p>" in html


# --- sources must be web addresses ---------------------------------------------------------------

@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "vbscript:x", " https://example.org/",
                                 "https://example.org/ x", "ftp://example.org/", "//example.org/", "example.org", "https:\x01//x"])
def test_source_urls_must_be_http_or_https(url):
    with pytest.raises(ValueError, match="http:// or https://"):
        Source(id="s", title="t", publisher="p", date="2019-01-01", url=url)


@pytest.mark.parametrize("url", ["https://example.org/", "HTTP://EXAMPLE.ORG/a?b=c#d"])
def test_web_urls_are_accepted(url):
    assert Source(id="s", title="t", publisher="p", date="2019-01-01", url=url).url == url


# --- paths: nothing read or written outside the project's folders --------------------------------


def check_json(project, *args: str) -> tuple[int, list[dict]]:
    result = project.check("--format", "json", *args)
    return result.exit_code, json.loads(result.output)


def messages(found: list[dict]) -> list[tuple[str, str]]:
    return [(d["file"], d["message"]) for d in found]


def test_ids_in_references_cannot_climb_out(project):
    project.write("briefs/summits/hanoi-2019.md", (project.root / "briefs/summits/hanoi-2019.md").read_text()
                  .replace("actor: north-korea", "actor: ../actors/north-korea").replace("[denuclearization]", "[../../etc/passwd]"))
    project.write("briefs/actors/united-states.md", (project.root / "briefs/actors/united-states.md").read_text()
                  .replace("  denuclearization:", "  ../denuclearization:"))
    code, found = check_json(project)
    assert code == 1
    invalid = sorted(d["message"] for d in found if "is not a valid id" in d["message"])
    assert invalid == sorted(["key `../denuclearization` is not a valid id", "`../actors/north-korea` is not a valid id",
                              "`../../etc/passwd` is not a valid id"])


def test_a_citation_that_climbs_out_is_not_a_citation(project):
    project.write("briefs/issues/sanctions.md", "---\nkind: issue\ntitle: S\nsummary: S.\nreviewed: 2019-12-01\n---\nSee [@../../etc/passwd].\n")
    assert project.check().exit_code == 0
    pages = project.run("export")
    bodies = {b["id"]: b["body"] for b in json.loads(pages.output)["briefs"]}
    assert bodies["sanctions"] == "See [@../../etc/passwd].\n"


def test_symlinks_out_of_the_briefs_folder_are_refused(project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.md").write_text("---\nkind: issue\ntitle: Secret\nsummary: S.\nreviewed: 2019-12-01\n---\nsecret\n")
    (project.root / "briefs/issues/secret.md").symlink_to(outside / "secret.md")
    (project.root / "briefs/elsewhere").symlink_to(outside, target_is_directory=True)
    code, found = check_json(project)
    assert code == 1
    assert messages(found) == [("briefs/elsewhere", "the folder is a symbolic link; it was not read"),
                               ("briefs/issues/secret.md", "the file links to a place outside the briefs folder")]


def test_a_path_named_on_the_command_line_outside_the_briefs_folder_is_refused(project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "x.md"
    outside.write_text("---\nkind: issue\n---\n")
    code, found = check_json(project, str(outside))
    assert code == 1
    assert [d["message"] for d in found] == ["the file links to a place outside the briefs folder"]


@pytest.mark.parametrize("name, message", [
    ("Japan.md", "the file name gives the id `Japan`, which is not a valid id"),
    ("con.md", "`con` is a reserved device name on Windows"),
    ("nul.md", "`nul` is a reserved device name on Windows"),
    ("..md", None),  # a hidden file: not a brief
])
def test_file_names_that_cannot_be_ids(project, name, message):
    project.write(f"briefs/issues/{name}", "---\nkind: issue\ntitle: T\nsummary: S.\nreviewed: 2019-12-01\n---\nx\n")
    code, found = check_json(project)
    assert [d["message"] for d in found] == ([message] if message else [])
    assert code == (1 if message else 0)


def test_the_same_id_in_two_folders_is_a_duplicate(project):
    project.write("briefs/issues/north-korea.md", "---\nkind: issue\ntitle: T\nsummary: S.\nreviewed: 2019-12-01\n---\nx\n")
    code, found = check_json(project)
    assert code == 1
    assert any(d["message"].startswith("the id `north-korea` is already used by briefs/") for d in found)


@pytest.mark.parametrize("setting", ["briefs_dir: ../elsewhere", "briefs_dir: /tmp", "templates_dir: ../../x", "cache_dir: /var/tmp"])
def test_settings_cannot_point_outside_the_project(project, setting):
    project.write("mkdocs.yml", f"site_name: x\nplugins:\n  - briefbook:\n      {setting}\n")
    result = project.check()
    assert result.exit_code == 2
    assert "points outside the project folder" in result.output
    with pytest.raises(SettingsError):
        read_settings(project.root / "mkdocs.yml")


def test_settings_refuse_a_briefs_folder_that_links_outside(project, tmp_path_factory):
    (project.root / "linked").symlink_to(tmp_path_factory.mktemp("outside"), target_is_directory=True)
    with pytest.raises(SettingsError, match="outside the project"):
        Settings(project_dir=project.root, briefs_dir="linked").briefs


@pytest.mark.parametrize("include", ["../mkdocs.yml", "/etc/passwd", "../../../../../../etc/passwd"])
def test_templates_cannot_include_files_outside_their_folders(project, include):
    project.write("mkdocs.yml", "site_name: x\n")
    project.write("docs/index.md", "# Home\n")
    project.write("templates/issue.md.j2", f'{{% include "{include}" %}}\n')
    result = project.run("render", "--out", "out")
    assert result.exit_code == 1
    assert "template error" in result.output and "Traceback" not in result.output
    assert "site_name" not in result.output and "root:" not in result.output
    assert not (project.root / "out").exists()


@pytest.mark.parametrize("out", ["briefs/rendered", "docs/rendered", "templates", "."])
def test_render_out_refuses_the_projects_own_folders(project, out):
    project.write("mkdocs.yml", "site_name: x\n")
    project.write("docs/index.md", "# Home\n")
    (project.root / "templates").mkdir()
    before = snapshot(project.root / "briefs", project.root / "docs")
    result = project.run("render", "--out", out)
    assert result.exit_code == 2
    assert "choose" in result.output
    assert snapshot(project.root / "briefs", project.root / "docs") == before


# --- no lost work --------------------------------------------------------------------------------


def small_site(project) -> None:
    project.write("mkdocs.yml", "site_name: x\nplugins:\n  - briefbook:\n      max_age_days: 0\n")
    project.write("docs/index.md", "# Home\n")


def previous_site(project) -> None:
    """A site an earlier build left (with the mark of a site briefbook built: an unmarked one is refused)."""
    project.write("site/index.html", "the previous site")
    project.write("site/.briefbook-state.json", "{}")


def test_a_failed_build_leaves_the_previous_site_in_place(project):
    small_site(project)
    previous_site(project)
    project.write("docs/broken.md", "[a link to nowhere](missing.md)\n")  # a strict-mode warning: fails late in the build
    result = project.run("build")
    assert result.exit_code == 1
    assert "the previous site was left in place" in result.output
    assert [p.name for p in project.root.iterdir() if p.name.startswith(".site")] == []
    assert (project.root / "site/index.html").read_text() == "the previous site"
    assert sorted(p.name for p in (project.root / "site").iterdir()) == [".briefbook-state.json", "index.html"]


def test_a_brief_error_fails_the_build_before_it_starts(project):
    small_site(project)
    previous_site(project)
    project.write("briefs/issues/broken.md", "---\nkind: issue\n---\n")
    assert project.run("build").exit_code == 1
    assert (project.root / "site/index.html").read_text() == "the previous site"


def test_render_out_interrupted_midway_leaves_the_previous_output_whole(project, monkeypatch):
    small_site(project)
    assert project.run("render", "--out", "out").exit_code == 0
    before = snapshot(project.root / "out")
    calls = []
    real = render_out.create_or_link

    def failing_write(path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 4:  # the disk fills while the pages are written (or linked from the output before)
            raise OSError(28, "No space left on device")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(render_out, "create_or_link", failing_write)
    result = project.run("render", "--out", "out")
    assert result.exit_code == 1
    assert "could not write" in result.output and "No space left on device" in result.output and "left in place" in result.output
    assert snapshot(project.root / "out") == before
    assert sorted(p.name for p in project.root.iterdir() if p.name.startswith(".out")) == []


def test_a_template_that_raises_midway_leaves_the_previous_output_whole(project):
    small_site(project)
    assert project.run("render", "--out", "out").exit_code == 0
    before = snapshot(project.root / "out")
    # fails on the second brief only: pages are being rendered when it raises
    project.write("templates/actor.md.j2", '{% if brief.id == "united-states" %}{{ b.no_such_field }}{% endif %}\n')
    result = project.run("render", "--out", "out")
    assert result.exit_code == 1
    assert "template error" in result.output and "no_such_field" in result.output
    assert snapshot(project.root / "out") == before


def test_render_out_refuses_a_folder_it_did_not_write(project):
    small_site(project)
    project.write("mine/notes.txt", "my notes")
    result = project.run("render", "--out", "mine")
    assert result.exit_code == 2
    assert "not empty and was not written by briefbook" in result.output
    assert (project.root / "mine/notes.txt").read_text() == "my notes"


def test_an_interrupted_write_leaves_the_old_file(tmp_path, monkeypatch):
    from briefbook.files import writer

    target = tmp_path / "briefs.json"
    target.write_text("old")

    def no_rename(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(writer.os, "replace", no_rename)
    with pytest.raises(KeyboardInterrupt):
        writer.write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["briefs.json"]


def test_commands_never_modify_briefs_or_docs(project):
    small_site(project)
    before = snapshot(project.root / "briefs", project.root / "docs")
    for args in (["check"], ["check", "--strict"], ["export"], ["export", "--out", "data/briefs.json"], ["render", "--out", "out"],
                 ["render", "--out", "out"], ["schema"]):
        assert project.run(*args).exit_code == 0, args
    assert snapshot(project.root / "briefs", project.root / "docs") == before


def two_sites(tmp_path: Path) -> tuple[Path, Path]:
    """A site in place and a new one written beside it, each with one page of its own."""
    target, new = tmp_path / "site", tmp_path / ".site.building"
    for folder, content in ((target, "old"), (new, "new")):
        (folder / content).mkdir(parents=True)
        (folder / content / "page.html").write_text(content, encoding="utf-8")
    return target, new


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's; elsewhere the two-rename path below runs")
def test_replacing_a_folder_swaps_it_in_one_step_and_keeps_nothing_of_the_old(tmp_path, monkeypatch):
    from briefbook.files import writer

    target, new = two_sites(tmp_path)
    swaps = []
    real_exchange = writer._exchange

    def watched_exchange(a: Path, b: Path) -> bool:
        swapped = real_exchange(a, b)
        # the moment after the one step: the new site is in place and the old one, whole, in its stead
        swaps.append((swapped, (target / "new" / "page.html").exists(), (new / "old" / "page.html").exists()))
        return swapped

    monkeypatch.setattr(writer, "_exchange", watched_exchange)
    writer.replace_folder(new, target)
    assert swaps == [(True, True, True)]
    assert (target / "new" / "page.html").read_text(encoding="utf-8") == "new"
    assert not (target / "old").exists() and not new.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_replacing_a_folder_without_the_one_step_swap_keeps_nothing_of_the_old(tmp_path, monkeypatch):
    from briefbook.files import writer

    target, new = two_sites(tmp_path)
    monkeypatch.setattr(writer, "_exchange", lambda a, b: False)  # a system without renameat2
    writer.replace_folder(new, target)
    assert (target / "new" / "page.html").read_text(encoding="utf-8") == "new"
    assert not (target / "old").exists() and not new.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
