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
