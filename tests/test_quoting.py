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

from conftest import BUILD_EPOCH

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

    from briefbook.diagnostics import Diagnostic
    from briefbook.render import error_page
    from briefbook.settings import Settings

    name = "briefs/x`|<img src=x onerror=alert(1)>``\x1b.md"
    page = error_page([Diagnostic(name, 1, 1, "id", "not an id | really")], Settings(project_dir=tmp_path))
    html = markdown.markdown(page.markdown.split("---", 2)[2], extensions=["tables"])
    assert event_handlers(html) == []
    cells = [c for c in html.split("<td>")[1:]]
    assert len(cells) == 4
    assert cells[0].startswith("<code>briefs/x`|&lt;img src=x onerror=alert(1)&gt;``\\x1b.md</code>")
    assert cells[3].startswith("not an id | really")


def test_watch_shows_a_changed_file_name_escaped(project, monkeypatch):
    from briefbook import cli

    monkeypatch.setattr(cli, "watch_folder", lambda folder, run: run([str(project.root / "briefs/issues/a\x1b[2J.md")]))
    result = project.check("--watch")
    assert "changed: briefs/issues/a\\x1b[2J.md" in result.output and "\x1b" not in result.output
