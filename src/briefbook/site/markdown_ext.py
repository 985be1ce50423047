"""A Markdown extension the plugin adds to every page: safe links, accessible tables, and the large
tables and lists of the views converted cheaply (markdown_blocks.py, each distinct link rewritten once).

Raw HTML from briefs is escaped before it gets here (body.render_body), and the
HTML of their pages is sanitized after (sanitize.py); this is the line between: whatever Markdown a page holds, no `javascript:` link or
event-handler attribute reaches the HTML, and table headers carry their scope.
"""

from __future__ import annotations

import functools
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from . import markdown_blocks
from .sanitize import is_safe_url

URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "srcset")


class _SafetyTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for name in list(element.attrib):
                lowered = name.lower()
                if lowered.startswith("on"):
                    del element.attrib[name]
                elif lowered in URL_ATTRIBUTES and not is_safe_url(element.attrib[name]):
                    element.attrib[name] = "#unsafe-link-removed"
        for table in root.iter("table"):
            _add_scopes(table, row_headers=False)
        for container in root.iter("div"):
            if "bb-matrix" in container.get("class", "").split():
                for table in container.iter("table"):
                    _add_scopes(table, row_headers=True)


def _add_scopes(table: etree.Element, row_headers: bool) -> None:
    for th in table.iterfind("thead/tr/th"):
        th.set("scope", "col")
    if row_headers:
        for row in table.iterfind("tbody/tr"):
            if len(row) and row[0].tag == "td":
                row[0].tag = "th"
                row[0].set("scope", "row")


class _RepeatedLinksTreeprocessor(Treeprocessor):
    """MkDocs rewrites and checks a page's links one by one, with path arithmetic for each, and a view
    links to the same briefs thousands of times. Its answer for a link depends on the link alone (the
    page and the site are fixed for the conversion), so it is asked once for each distinct link: the
    same URLs, the same checks, a broken link reported once instead of at each place it stands."""

    def run(self, root: etree.Element) -> None:
        rewriter = self.md.treeprocessors["relpath"] if "relpath" in self.md.treeprocessors else None
        path_to_url = getattr(rewriter, "path_to_url", None)
        if callable(path_to_url):  # MkDocs makes the rewriter for this page alone, so the memo is this page's
            rewriter.path_to_url = functools.lru_cache(maxsize=None)(path_to_url)  # type: ignore[union-attr]


class BriefbookExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After attr_list (priority 8), so that attributes it adds are checked too.
        md.treeprocessors.register(_SafetyTreeprocessor(md), "briefbook_safety", 1)
        markdown_blocks.register(md)
        # Before MkDocs' link rewriting (priority 0), which the plugin's pages are converted with.
        md.treeprocessors.register(_RepeatedLinksTreeprocessor(md), "briefbook_repeated_links", 0.5)


def makeExtension(**kwargs) -> BriefbookExtension:
    return BriefbookExtension(**kwargs)
