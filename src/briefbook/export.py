"""briefs.json: every brief as structured data, for other tools."""

from __future__ import annotations

import json
from typing import Any

from .corpus import Corpus

EXPORT_VERSION = 1


def export_data(corpus: Corpus) -> dict[str, Any]:
    """Every brief as structured data: its id, file, front matter (as validated) and body."""
    return {
        "version": EXPORT_VERSION,
        "briefs": [
            {
                "id": b.id,
                "kind": b.kind,
                "file": b.display,
                "front_matter": b.brief.model_dump(mode="json", exclude_defaults=False),
                "body": b.raw.body,
            }
            for b in corpus.briefs.values()
        ],
        "sources": [s.model_dump(mode="json") for s in sorted(corpus.sources.values(), key=lambda s: s.id)],
    }


def export_json(corpus: Corpus) -> str:
    # compact, so that the C encoder does the work: briefs.json of 10,000 briefs took seconds indented
    return json.dumps(export_data(corpus), separators=(",", ":"), ensure_ascii=False, sort_keys=True) + "\n"
