"""The site's navigation: the hand-written pages plus the generated sections.

Sections are nested so that none lists more than `nav_section_size` entries (a setting): with
Material's navigation.prune, every page then renders only its own branch, which
keeps the build linear in the number of briefs.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from ..corpus.corpus import ROLE_ORDER, ROLE_TITLES, Corpus
from ..format.validate import BriefFile
from .environment import SECTIONS
from .pages import page_path

NavItem = Any  # a path, {title: path} or {title: [items]}, as in mkdocs.yml
SECTION_TITLES = {"summits": "Summits", "actors": "Actors", "issues": "Issues", "views": "Compare"}
VIEW_TITLES = {
    "views/matrix.md": "Positions matrix",
    "views/timeline.md": "Timeline",
    "views/watch.md": "What to watch",
    "views/sources.md": "Sources",
    "views/scorecard.md": "Scorecard",
    "changes.md": "What changed",
    "tags.md": "Tags",
}


def _entry(brief: BriefFile) -> tuple[str, str]:
    # themes insert nav titles into the page unescaped
    return html.escape(brief.brief.title), page_path(brief)


def chunked(entries: list[tuple[str, NavItem]], size: int) -> list[NavItem]:
    """{title: item} entries, grouped into labelled runs ("Abe–Moon") while there are too many."""
    items = [{title: item} for title, item in entries]
    while len(entries) > size:
        groups = [entries[i:i + size] for i in range(0, len(entries), size)]
        entries = [(f"{g[0][0]} – {g[-1][0]}", [{t: item} for t, item in g]) for g in groups]
        items = [{title: item} for title, item in entries]
    return items


def _section(corpus: Corpus, section: str, size: int) -> list[NavItem]:
    index = f"{section}/index.md"
    if section == "summits":
        summits = corpus.summits
        if len(summits) <= size:
            return [index, *chunked([_entry(s) for s in summits], size)]
        years: dict[int, list] = {}
        for s in summits:
            years.setdefault(s.brief.date.year, []).append(_entry(s))  # type: ignore[union-attr]
        return [index, *chunked([(str(year), chunked(entries, size)) for year, entries in years.items()], size)]
    if section == "actors":
        groups = []
        for role in ROLE_ORDER:
            actors = [_entry(a) for a in corpus.actors if a.brief.role == role]  # type: ignore[union-attr]
            if actors:
                groups.append((ROLE_TITLES[role], chunked(actors, size)))
        return [index, *[{title: items} for title, items in groups]]
    if section == "issues":
        return [index, *chunked([_entry(i) for i in corpus.issues], size)]
    return [index, *[{title: path} for path, title in VIEW_TITLES.items()]]


def docs_pages(docs_dir: Path) -> list[str]:
    """The hand-written pages, as paths inside the docs folder."""
    return sorted(str(p.relative_to(docs_dir)) for p in docs_dir.rglob("*.md"))


def navigation(user_nav: list[NavItem] | None, docs_pages: list[str], corpus: Corpus, size: int) -> list[NavItem]:
    """Expand each `Title: <section>/index.md` entry of the user's nav into its section; append missing ones."""
    sections = {f"{name}/index.md": name for name in [*SECTIONS.values(), "views"]}
    if user_nav is None:
        home = [p for p in docs_pages if p == "index.md"]
        user_nav = home + [{SECTION_TITLES[s]: f"{s}/index.md"} for s in sections.values()] + [p for p in sorted(docs_pages) if p != "index.md"]
    placed: set[str] = set()

    def expand(item: NavItem) -> NavItem:
        if isinstance(item, str) and item in sections:
            placed.add(item)
            return {SECTION_TITLES[sections[item]]: _section(corpus, sections[item], size)}
        if isinstance(item, dict) and len(item) == 1:
            (title, value), = item.items()
            if isinstance(value, str) and value in sections:
                placed.add(value)
                return {title: _section(corpus, sections[value], size)}
            if isinstance(value, list):
                return {title: [expand(child) for child in value]}
        return item

    nav = [expand(item) for item in user_nav]
    for index, name in sections.items():
        if index not in placed:
            nav.append({SECTION_TITLES[name]: _section(corpus, name, size)})
    return nav
