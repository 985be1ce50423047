"""The Atom feed of the book's revisions (`feed.xml` at the site's root), written with feedgen.

One entry per revision of a brief, newest first, its summary the changes spelled out. Every date is
a commit's or a note's, never the clock's, so the same commit gives the same feed. Where the site's
address is known (`site_url`) the links are absolute; otherwise they are relative to the feed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import quote, urljoin

from feedgen.feed import FeedGenerator

from ..corpus.corpus import Corpus
from ..corpus.history import History, Revision
from ..format.settings import Site

FEED_FILE = "feed.xml"
MAX_ENTRIES = 100  # a reader polls the feed: the newest revisions are what it is for


def page_url(path: str, site: Site) -> str:
    """The URL of a generated page (`actors/japan.md`), as MkDocs makes it."""
    stem = path.removesuffix(".md")
    if not site.directory_urls:
        return quote(stem + ".html")
    if stem == "index" or stem.endswith("/index"):
        stem = stem.removesuffix("index")
        return quote(stem)
    return quote(stem + "/")


def atom_feed(history: History, corpus: Corpus, site: Site, brief_path: dict[str, str]) -> str:
    base = site.url.rstrip("/") + "/" if site.url else ""
    name = site.name or "Briefing book"
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, base or f"briefbook:{name}")
    feed = FeedGenerator()
    feed.id(base or namespace.urn)
    feed.title(name)
    feed.subtitle("What changed in the briefs, newest first.")
    feed.author({"name": name})
    feed.link(href=urljoin(base, page_url("changes.md", site)), rel="alternate")
    feed.link(href=urljoin(base, FEED_FILE), rel="self")
    feed.language("en")
    reviewed = [b.brief.reviewed for b in corpus.briefs.values()]
    latest = history.last_date or max(reviewed, default=dt.date(1970, 1, 1))
    feed.updated(_midnight(latest))
    for revision in history.revisions[:MAX_ENTRIES]:
        entry = feed.add_entry(order="append")
        entry.id(uuid.uuid5(namespace, revision.anchor).urn)
        entry.title(f"{revision.title}: {revision.message}")
        target = brief_path.get(revision.brief_id) if revision.exists else None
        if target:
            entry.link(href=urljoin(base, page_url(target, site)) + "#changes")
        else:
            entry.link(href=urljoin(base, page_url("changes.md", site)) + "#" + revision.anchor)
        entry.updated(_midnight(revision.date))
        entry.summary(_summary(revision))
    return feed.atom_str(pretty=True).decode("utf-8")


def _summary(revision: Revision) -> str:
    said = [c.text for c in revision.changes if c.kind != "note"]
    return f"{revision.message}." + (" Changes: " + "; ".join(said) + "." if said else "")


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
