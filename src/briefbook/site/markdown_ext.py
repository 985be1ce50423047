"""A Markdown extension the plugin adds to every page: safe links, accessible tables, and the large
tables and lists of the views converted cheaply (markdown_blocks.py, each distinct link rewritten once).

Raw HTML from briefs is escaped before it gets here (body.render_body), and the
HTML of their pages is sanitized after (sanitize.py); this is the line between: whatever Markdown a page holds, no `javascript:` link or
event-handler attribute reaches the HTML, and table headers carry their scope.
"""

from __future__ import annotations

import functools
import posixpath
import re
import xml.etree.ElementTree as etree
from typing import Any, Callable
from urllib.parse import unquote, urlunsplit

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
    same URLs, the same checks, a broken link reported once instead of at each place it stands. The
    matrix links to each actor's position on each issue, thousands of distinct links to a thousand
    pages: a link to an anchor of a page found among the site's files is the page's link with the
    anchor after it (`_SharedTargets`)."""

    def run(self, root: etree.Element) -> None:
        rewriter = self.md.treeprocessors["relpath"] if "relpath" in self.md.treeprocessors else None
        path_to_url = getattr(rewriter, "path_to_url", None)
        if callable(path_to_url):  # MkDocs makes the rewriter for this page alone, so the memo is this page's
            by_link = functools.lru_cache(maxsize=None)(path_to_url)
            shared = _SharedTargets.of(rewriter, by_link)
            rewriter.path_to_url = shared or by_link  # type: ignore[union-attr]


# A relative link MkDocs takes apart as it is: no scheme, query, space or control character, not absolute
_PLAIN_TARGET = re.compile(r"[^/\\:?#\s\x00-\x1f\x7f][^:?#\s\x00-\x1f\x7f]*")
_PLAIN_ANCHOR = re.compile(r"[^\s\x00-\x1f\x7f]+")


class _SharedTargets:
    """A page's links to anchors, rewritten as MkDocs' `path_to_url` (MkDocs 1.6) rewrites them where
    the page linked to is found: registered as a link to that anchor of that file, the page's own
    rewritten link with `#anchor` after it. Anything else (a page not found or excluded from the
    site, an absolute or external link, a query) is MkDocs' to rewrite and report, link by link."""

    def __init__(self, rewriter: Any, by_link: Callable[[str], str]):
        self._page, self._files, self._anchors = rewriter.file, rewriter.files, rewriter.links_to_anchors
        self._by_link = by_link
        self._targets: dict[str, tuple[Any, str] | None] = {}  # a link's part before `#` -> (the file, its rewritten link)

    @classmethod
    def of(cls, rewriter: Any, by_link: Callable[[str], str]) -> _SharedTargets | None:
        known = all(hasattr(rewriter, name) for name in ("file", "files", "links_to_anchors"))
        return cls(rewriter, by_link) if known and isinstance(rewriter.links_to_anchors, dict) else None

    def __call__(self, url: str) -> str:
        path, _, anchor = url.partition("#")
        if not anchor or not _PLAIN_ANCHOR.fullmatch(anchor):
            return self._by_link(url)
        if path not in self._targets:
            self._targets[path] = self._target(path)
        target = self._targets[path]
        if target is None:
            return self._by_link(url)
        file, rewritten = target
        self._anchors.setdefault(file, {}).setdefault(anchor, url)
        return urlunsplit(("", "", rewritten, "", anchor))

    def _target(self, path: str) -> tuple[Any, str] | None:
        if not _PLAIN_TARGET.fullmatch(path):
            return None
        # where MkDocs looks first, and warns if nothing is there
        uri = posixpath.normpath(posixpath.join(posixpath.dirname(self._page.src_uri), unquote(path)).lstrip("/"))
        file = self._files.get_file_from_path(uri)
        if file is None or file.inclusion.is_excluded():
            return None
        return file, self._by_link(path)


class BriefbookExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After attr_list (priority 8), so that attributes it adds are checked too.
        md.treeprocessors.register(_SafetyTreeprocessor(md), "briefbook_safety", 1)
        markdown_blocks.register(md)
        # Before MkDocs' link rewriting (priority 0), which the plugin's pages are converted with.
        md.treeprocessors.register(_RepeatedLinksTreeprocessor(md), "briefbook_repeated_links", 0.5)


def makeExtension(**kwargs) -> BriefbookExtension:
    return BriefbookExtension(**kwargs)
