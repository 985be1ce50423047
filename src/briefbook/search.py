"""The site's search index: Pagefind, run over the built HTML.

Material's built-in search sends the whole index to every reader and builds it in the
browser: at 1,000 briefs that is over 2 MB compressed before the first result (see
benchmarks/README.md). Pagefind splits its index into small chunks and the browser
fetches only those a query needs. The theme override in `overrides/` wires it into
the header search box; pages mark their text with `data-pagefind-body` and their
facets (kind, actor, issue, tag) with `data-pagefind-filter`.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from pagefind.index import PagefindIndex

OUTPUT_DIR = "pagefind"


class SearchIndexError(Exception):
    pass


def build_search_index(site_dir: Path) -> int:
    """Index every page of a built site into site_dir/pagefind; return the number of pages indexed."""
    output = site_dir / OUTPUT_DIR
    shutil.rmtree(output, ignore_errors=True)

    async def run() -> int:
        # English for every page: one index, and stemming, so "abductees" also finds "abductee".
        # Leaving the block writes the index. Not text of the page: the "¶" of heading permalinks, and
        # admonition titles ("Bottom line up front" on every brief), which would fill the excerpts.
        config = {"force_language": "en", "output_path": str(output), "exclude_selectors": [".headerlink", ".admonition-title"]}
        async with PagefindIndex(config=config) as index:
            result = await index.add_directory(str(site_dir))
            return int(result["page_count"])

    try:
        return asyncio.run(run())
    except Exception as err:  # the service reports its failures as plain exceptions
        raise SearchIndexError(f"Pagefind could not index {site_dir}: {err}") from None
