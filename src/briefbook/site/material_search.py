"""Material's search index after `mkdocs build --dirty`: every page of the site, not only those rebuilt.

Material's search plugin indexes the pages a build renders. A dirty build renders only the
pages that changed, so the index it writes holds those pages alone (14 of 1,107 in a 100-brief
site), and search finds nothing else. For a site that keeps Material's search, briefbook keeps
the entries of the pages left as they were from the index the previous build wrote, in the
order a full build gives; when that index is missing or unreadable, every page is rebuilt.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..files.writer import write_atomic

INDEX_FILE = Path("search") / "search_index.json"

Entries = dict[str, list[dict[str, Any]]]  # a page's URL -> its entries, in order


def keeps_material_search(config: Any) -> bool:
    """Whether the site (its MkDocs config) uses Material's own search plugin, registered as
    `material/search`, rather than Pagefind."""
    return any(name.split("/")[-1] == "search" for name in config.plugins)


def _page_of(entry: dict[str, Any]) -> str:
    return str(entry.get("location", "")).split("#", 1)[0]


def read_entries(site_dir: Path) -> tuple[dict[str, Any], Entries] | None:
    """The index in the site (its config and each page's entries), or None when it is missing or unreadable."""
    try:
        data = json.loads((site_dir / INDEX_FILE).read_text(encoding="utf-8"))
        docs = data["docs"]
        if not isinstance(data.get("config"), dict) or not isinstance(docs, list):
            return None
        entries: Entries = {}
        for entry in docs:
            entries.setdefault(_page_of(entry), []).append(entry)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return data["config"], entries


def write_merged(site_dir: Path, previous: Entries, pages: list[str], rebuilt: set[str]) -> None:
    """Rewrite the index the search plugin just wrote (the rebuilt pages) with the previous entries
    of every other page; `pages` are the site's page URLs in build order."""
    written = read_entries(site_dir)
    if written is None:
        raise ValueError(f"{site_dir / INDEX_FILE} is missing or unreadable after the build")
    config, fresh = written
    docs = [entry for page in pages for entry in (fresh.get(page, []) if page in rebuilt else previous.get(page, []))]
    # as the search plugin writes it
    write_atomic(site_dir / INDEX_FILE, json.dumps({"config": config, "docs": docs}, separators=(",", ":"), default=str))
