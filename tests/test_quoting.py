"""Every URL and attribute briefbook builds is quoted, and no text can deceive a reader or a terminal.

A folder name reaches the edit link of each brief in it; values reach anchors, attributes, the
timeline picture, briefs.json and the diagnostics printed by `check`. Each place gets a value
that would break out of it if it were not quoted.
"""

from __future__ import annotations

import json
import os
from html.parser import HTMLParser

import pytest
from helpers import BUILD_EPOCH, valid_project

HOSTILE_FOLDER = 'x"><img src=x onerror=alert(1)>'
EDIT_LINKS = """\
site_name: Edit links
repo_url: https://github.com/owner/briefs
edit_uri: edit/main/docs/
theme:
  name: material
  features: [content.action.edit]
plugins:
  - tags
  - briefbook:
      max_age_days: 0
{extra}
markdown_extensions: [admonition, attr_list, md_in_html, tables]
"""


class Elements(HTMLParser):
    """Every element and its attributes, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


def event_handlers(html: str) -> list[str]:
    return [f"<{tag} {name}>" for tag, attrs in elements(html) for name in attrs if name.startswith("on")]


# --- folder names and the edit link --------------------------------------------------------------


def test_a_folder_name_cannot_put_markup_into_the_edit_link(project):
    """A folder name that closes the edit link's href: `check` refuses it, and no site is built with it."""
    project.write("mkdocs.yml", EDIT_LINKS.format(extra=""))
    project.write("docs/index.md", "# Home\n")
    (project.root / "briefs" / HOSTILE_FOLDER).mkdir()
    os.replace(project.root / "briefs/issues/denuclearization.md", project.root / "briefs" / HOSTILE_FOLDER / "denuclearization.md")
    result = project.run("build")
    page = project.root / "site/issues/denuclearization/index.html"
    if page.exists():  # what the build made before folder names were checked
        assert event_handlers(page.read_text(encoding="utf-8")) == []
    assert result.exit_code == 1
    found = json.loads(project.check("--format", "json").output)
    assert [(d["file"], d["field"], d["severity"]) for d in found] == [(f"briefs/{HOSTILE_FOLDER}", "", "error")]
    assert "not an id" in found[0]["message"] and "x-img-src-x-onerror-alert-1" in found[0]["hint"]


@pytest.mark.parametrize("folder", ["Actors", "my briefs", "north_korea", "a--b", "con", "x\x1b[2J", "\u202eevil"])
def test_a_folder_under_the_briefs_folder_must_be_named_as_an_id(project, folder):
    for name in ("one", "two"):  # reported once for the folder, not for each file in it
        project.write(f"briefs/{folder}/inner/{name}.md", "---\nkind: issue\ntitle: T\nsummary: S.\nreviewed: 2019-12-01\n---\nx\n")
    found = json.loads(project.check("--format", "json").output)
    assert [(d["file"], d["line"], d["column"], d["severity"]) for d in found] == [(f"briefs/{folder}", 1, 1, "error")]
    # a file named on the command line is checked with its folders
    named = json.loads(project.check("--format", "json", f"briefs/{folder}/inner/one.md").output)
    assert [d["file"] for d in named] == [f"briefs/{folder}"]


def test_folders_a_build_skips_are_not_held_to_the_rule(project):
    for folder in ("_Drafts", ".Git stuff", "issues/_old notes"):
        project.write(f"briefs/{folder}/x.md", "---\nkind: issue\ntitle: T\nsummary: S.\nreviewed: 2019-12-01\n---\nx\n")
    project.write("briefs/topics/economy-2019/trade.md", "---\nkind: issue\ntitle: Trade\nsummary: S.\nreviewed: 2019-12-01\n---\nx\n")
    assert project.check().exit_code == 0


def test_new_refuses_a_folder_that_check_would_refuse(project):
    result = project.run("new", "issue", "trade", "--folder", "My Topics")
    assert result.exit_code == 1
    assert "the folder name `My Topics` is not an id" in result.output and "my-topics" in result.output
    assert not (project.root / "briefs/My Topics").exists()
    assert project.run("new", "issue", "trade", "--folder", "topics/economy").exit_code == 0


# --- one site, built once, with hostile values where briefbook builds URLs and attributes ---------

# Folders the maintainers choose (here the briefs folder, a setting) are not held to the rule of ids:
# the edit link quotes every character of the path all the same.
HOSTILE_BRIEFS_DIR = 'notes "><img src=x onerror=alert(1)> #1'
HOSTILE_TITLE = '</script><b onmouseover="alert(1)">Q & A\u2028end'
HOSTILE_ANCHOR = 'x" onclick="alert(1)'
HOSTILE_ISSUE = f"""\
---
kind: issue
title: {json.dumps(HOSTILE_TITLE)}
summary: "It's <b>bold</b> & \\"quoted\\"."
reviewed: 2019-12-01
tags: ["t\\" onclick=\\"alert(1)", "x' onfocus='alert(2)"]
timeline:
  - date: 2019-02-27
    title: "<svg onload=alert(1)>"
    detail: "]]><script>alert(1)</script>"
---
Body.
"""
# A project template may pass any text to href() and to the label macro: both quote it.
HOSTILE_VIEWS_INDEX = """\
{% import "_macros.md.j2" as m with context %}
---
title: "Compare"
---

# Compare

[anchor]({{ href("views/matrix.md", '""" + HOSTILE_ANCHOR + """') }})

{{ m.label('kind" onmouseover="alert(1)', 'value"><img src=x onerror=alert(2)>', 'title" onfocus="alert(3)') }}
"""


@pytest.fixture(scope="module")
def quoting_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("quoting")
    project = valid_project(root, HOSTILE_BRIEFS_DIR)
    project.write(f"{HOSTILE_BRIEFS_DIR}/issues/hostile.md", HOSTILE_ISSUE)
    project.write("templates/views-index.md.j2", HOSTILE_VIEWS_INDEX)
    project.write("docs/index.md", "# Home\n")
    project.write("mkdocs.yml", EDIT_LINKS.format(extra=f"      briefs_dir: {json.dumps(HOSTILE_BRIEFS_DIR)}"))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
        result = project.run("build")
    assert result.exit_code == 0, result.output
    return root / "site"


def page_elements(site, page: str) -> list[tuple[str, dict[str, str]]]:
    return elements((site / page / "index.html").read_text(encoding="utf-8"))


def test_every_page_is_free_of_event_handlers(quoting_site):
    pages = {str(p.relative_to(quoting_site)): event_handlers(p.read_text(encoding="utf-8")) for p in quoting_site.rglob("*.html")}
    assert len(pages) > 10
    assert {page: found for page, found in pages.items() if found} == {}


@pytest.mark.parametrize("page, brief", [("issues/hostile", "issues/hostile.md"), ("actors/north-korea", "actors/north-korea.md")])
def test_the_edit_link_quotes_every_character_of_the_path(quoting_site, page, brief):
    from urllib.parse import quote, unquote

    edit = [attrs["href"] for tag, attrs in page_elements(quoting_site, page) if tag == "a" and attrs.get("rel") == "edit"]
    assert edit == [f"https://github.com/owner/briefs/edit/main/{quote(HOSTILE_BRIEFS_DIR)}/{brief}"]
    assert unquote(edit[0]).endswith(f"/{HOSTILE_BRIEFS_DIR}/{brief}")  # still the brief's file


def test_an_anchor_a_template_passes_is_quoted(quoting_site):
    links = [attrs for tag, attrs in page_elements(quoting_site, "views") if tag == "a" and "matrix/#" in attrs.get("href", "")]
    assert [a["href"] for a in links] == ["matrix/#x%22%20onclick%3D%22alert%281%29"]
    assert "onclick" not in links[0]


def test_the_label_macro_escapes_its_attributes(quoting_site):
    labels = [attrs for tag, attrs in page_elements(quoting_site, "views") if tag == "span" and "bb-label" in attrs.get("class", "")]
    assert labels == [{"class": 'bb-label bb-kind" onmouseover="alert(1) bb-kind" onmouseover="alert(1)-value"><img-src=x-onerror=alert(2)>',
                       "title": 'title" onfocus="alert(3)'}]


def test_tags_and_titles_reach_no_attribute_of_the_facets(quoting_site):
    # the brief's facets, apart from the page body's own "audience" (which no brief's text reaches)
    facets = [(tag, attrs) for tag, attrs in page_elements(quoting_site, "issues/hostile")
              if "data-pagefind-filter" in attrs and "data-pagefind-body" not in attrs]
    assert sorted(attrs["data-pagefind-filter"] for _, attrs in facets) == ["issue", "kind", "tag", "tag"]
    assert all(set(attrs) == {"data-pagefind-filter"} for _, attrs in facets)


def test_the_timeline_picture_is_well_formed_and_holds_no_text_from_a_brief(quoting_site):
    import xml.etree.ElementTree as ET

    svg = ET.fromstring((quoting_site / "views/timeline.svg").read_text(encoding="utf-8"))
    texts = [t.strip() for e in svg.iter() for t in (e.text, e.tail, *e.attrib.values()) if t and t.strip()]
    assert not [t for t in texts if "<" in t or "alert" in t or "script" in t]
    assert "February 2019: 1 event" in texts


def test_briefs_json_escapes_what_html_or_javascript_would_read(quoting_site):
    text = (quoting_site / "briefs.json").read_text(encoding="utf-8")
    assert not set("<>&\u2028") & set(text)
    assert "\\u003c/script\\u003e" in text
    briefs = {b["id"]: b for b in json.loads(text)["briefs"]}
    assert briefs["hostile"]["front_matter"]["title"] == HOSTILE_TITLE  # the data is as written
    assert briefs["hostile"]["front_matter"]["timeline"][0]["detail"] == "]]><script>alert(1)</script>"
    assert briefs["hostile"]["file"] == f"{HOSTILE_BRIEFS_DIR}/issues/hostile.md"


def test_render_out_writes_the_navigation_as_yaml_that_reads_back_escaped(quoting_site, tmp_path, monkeypatch):
    import yaml

    from briefbook.cli import main
    from click.testing import CliRunner

    monkeypatch.chdir(quoting_site.parent)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    out = tmp_path / "plain"
    assert CliRunner().invoke(main, ["render", "--out", str(out)]).exit_code == 0
    nav = yaml.safe_load((out / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    issues = next(item["Issues"] for item in nav if isinstance(item, dict) and "Issues" in item)
    assert {"&lt;/script&gt;&lt;b onmouseover=&quot;alert(1)&quot;&gt;Q &amp; A\u2028end": "issues/hostile.md"} in issues


def test_navigation_titles_are_html_escaped(tmp_path):
    from briefbook.corpus.load import load_corpus
    from briefbook.site.navigation import navigation
    from briefbook.format.settings import Settings

    (tmp_path / "briefs/issues").mkdir(parents=True)
    for n in range(3):  # grouped into labelled runs of two
        (tmp_path / f"briefs/issues/i{n}.md").write_text(HOSTILE_ISSUE.replace("Q & A", f"Q & A {n}"), encoding="utf-8")
    corpus = load_corpus(Settings(project_dir=tmp_path)).corpus

    def titles(items):
        for item in items:
            if isinstance(item, dict):
                (title, value), = item.items()
                yield title
                if isinstance(value, list):
                    yield from titles(value)

    shown = list(titles(navigation(None, [], corpus, 2)))
    assert "&lt;/script&gt;&lt;b onmouseover=&quot;alert(1)&quot;&gt;Q &amp; A 0\u2028end" in shown
    assert not [t for t in shown if set(t) & set("<>\"'") or "& " in t]


# --- characters that deceive ---------------------------------------------------------------------

REFUSED = ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9b",
           "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


def check_json(project, *args: str) -> tuple[int, list[dict]]:
    result = project.check("--format", "json", *args)
    return result.exit_code, json.loads(result.output)


def places(found: list[dict]) -> list[tuple[int, int, str]]:
    return [(d["line"], d["column"], d["field"]) for d in found]


@pytest.mark.parametrize("c", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_a_control_character_anywhere_in_a_brief_is_an_error_where_it_is(project, c):
    project.write("briefs/issues/sanctions.md", (
        "---\nkind: issue\n"
        f"title: Sanc{c}tions\n"                                   # line 3, column 12
        "summary: S.\nreviewed: 2019-12-01\n"
        "key_judgments:\n"
        f"  - text: 'Relief {c}comes'\n"                           # line 7, column 19
        "    likelihood: likely\n    confidence: low\n"
        "---\n"
        f"First line.\nSecond {c}line.\r\n"                        # line 12, column 8
    ))
    code, found = check_json(project)
    assert code == 1
    assert places(found) == [(3, 12, "title"), (7, 19, "key_judgments[0].text"), (12, 8, "body")]
    assert all(d["severity"] == "error" and f"U+{ord(c):04X}" in d["message"] for d in found)


@pytest.mark.parametrize("escape, shown", [("\\e[2J", "U+001B"), ("\\x1b", "U+001B"), ("\\u202e", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
                                           ("\\N", "U+0085"), ("\\r", "U+000D"), ("\\0", "U+0000"), ("\\U00002066", "U+2066")])
def test_a_control_character_written_as_a_yaml_escape_is_an_error_on_its_value(project, escape, shown):
    project.write("briefs/sources/x.yml", (project.root / "briefs/sources/x.yml").read_text().replace(
        "title: Report on the talks", f'title: "Report{escape} on the talks"'))
    project.write("briefs/actors/north-korea.md", (project.root / "briefs/actors/north-korea.md").read_text().replace(
        "  denuclearization:", f'  "denuclearization{escape}":').replace("stance: step by step", f'stance: "step {escape}by step"'))
    code, found = check_json(project)
    refused = [d for d in found if shown in d["message"]]
    assert [(d["file"], d["line"], d["column"]) for d in refused] == [
        ("briefs/actors/north-korea.md", 8, 3), ("briefs/actors/north-korea.md", 9, 13), ("briefs/sources/x.yml", 8, 12)]
    assert refused[0]["field"].startswith("positions.denuclearization")  # the key
    assert refused[1]["field"].endswith(".stance") and refused[2]["field"] == "sources[1].title"
    assert "remove the escape" in refused[0]["hint"]
    assert code == 1


def test_tabs_newlines_crlf_and_the_bidi_marks_are_text(project):
    project.write("briefs/issues/sanctions.md", (
        "---\r\nkind: issue\r\n"
        "title: \"Sanctions\\trelief \u200fע\u200e \u061c\"\r\n"
        "summary: |\r\n  Two\r\n  lines.\r\n"
        "reviewed: 2019-12-01\r\n---\r\nA\ttab and a joiner: \u200d.\r\n"
    ))
    code, found = check_json(project)
    assert (code, found) == (0, [])


def test_a_file_full_of_control_characters_gets_a_count_after_the_first_twenty(project):
    project.write("briefs/issues/sanctions.md", "---\nkind: issue\ntitle: T\nsummary: S.\nreviewed: 2019-12-01\n---\n" + "\x1b[2J\n" * 50)
    code, found = check_json(project)
    assert code == 1 and len(found) == 21
    assert places(found)[:2] == [(7, 1, "body"), (8, 1, "body")]
    assert found[-1]["message"] == "30 more control characters from here on" and found[-1]["line"] == 27


# --- diagnostics printed as text -----------------------------------------------------------------

FORGING_NAME = "a\n::error file=forged.md,line=1::forged\x1b[2J\u202e.md"


@pytest.fixture
def forging(project):
    """A file whose name (not an id) holds a newline, ESC and a bidi override, and a value holding a newline."""
    project.write(f"briefs/issues/{FORGING_NAME}", "---\nkind: issue\ntitle: T\nsummary: S.\nreviewed: 2019-12-01\n---\nx\n")
    project.write("briefs/summits/hanoi-2019.md", (project.root / "briefs/summits/hanoi-2019.md").read_text().replace(
        "likelihood: unlikely", 'likelihood: "unlikely\\n::error file=forged.md::forged"'))
    return project


def test_text_diagnostics_show_control_characters_as_escapes(forging):
    result = forging.check()
    assert result.exit_code == 1
    assert not {"\x1b", "\u202e", "\r"} & set(result.output)
    lines = result.output.splitlines()
    assert len(lines) == 3 and lines[-1] == "2 errors, 0 warnings."
    assert lines[0].startswith("briefs/issues/a\\x0a::error file=forged.md,line=1::forged\\x1b[2J\\u202e.md:1:1: error: id:")
    assert "`unlikely\\x0a::error file=forged.md::forged` is not allowed" in lines[1]


def test_github_annotations_cannot_be_forged(forging):
    result = forging.check("--format", "github")
    lines = result.output.splitlines()
    assert len(lines) == 3 and all(line.startswith("::error file=briefs/") for line in lines[:2])
    assert not {"\x1b", "\u202e"} & set(result.output)
    file_property = lines[0].split(",line=1,col=1,")[0]
    assert file_property == "::error file=briefs/issues/a\\x0a%3A%3Aerror file=forged.md%2Cline=1%3A%3Aforged\\x1b[2J\\u202e.md"
    assert lines[1].startswith("::error file=briefs/summits/hanoi-2019.md,line=18,col=17,title=key_judgments[0].likelihood::"
                               "`unlikely\\x0a::error file=forged.md::forged` is not allowed (")


def test_json_diagnostics_keep_the_values_and_escape_what_json_leaves(forging):
    result = forging.check("--format", "json")
    assert "\x1b" not in result.output and "\u202e" not in result.output and "\\u202e" in result.output
    found = json.loads(result.output)
    assert [d["file"] for d in found] == [f"briefs/issues/{FORGING_NAME}", "briefs/summits/hanoi-2019.md"]


def test_the_problems_page_of_serve_shows_a_file_name_as_code(tmp_path):
    import markdown

    from briefbook.format.diagnostics import Diagnostic
    from briefbook.site.error_page import error_page
    from briefbook.format.settings import Settings

    name = "briefs/x`|<img src=x onerror=alert(1)>``\x1b.md"
    page = error_page([Diagnostic(name, 1, 1, "id", "not an id | really")], Settings(project_dir=tmp_path))
    html = markdown.markdown(page.markdown.split("---", 2)[2], extensions=["tables"])
    assert event_handlers(html) == []
    cells = [c for c in html.split("<td>")[1:]]
    assert len(cells) == 4
    assert cells[0].startswith("<code>briefs/x`|&lt;img src=x onerror=alert(1)&gt;``\\x1b.md</code>")
    assert cells[3].startswith("not an id | really")


def test_watch_shows_a_changed_file_name_escaped(project, monkeypatch):
    from briefbook.files import watch

    monkeypatch.setattr(watch, "watch", lambda folder, run: run([str(project.root / "briefs/issues/a\x1b[2J.md")]))
    result = project.check("--watch")
    assert "changed: briefs/issues/a\\x1b[2J.md" in result.output and "\x1b" not in result.output
