"""briefs.json: every brief as structured data, for other tools."""

from __future__ import annotations

import json
from typing import Any, Callable

from .corpus import Corpus
from .validate import BriefFile

EXPORT_VERSION = 1


def brief_data(b: BriefFile) -> dict[str, Any]:
    """A brief as structured data: its id, file, front matter (as validated) and body."""
    return {
        "id": b.id,
        "kind": b.kind,
        "file": b.display,
        "front_matter": b.brief.model_dump(mode="json", exclude_defaults=False),
        "body": b.raw.body,
    }


def _dumps(data: Any) -> str:
    # compact, so that the C encoder does the work: briefs.json of 10,000 briefs took seconds indented
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


def brief_json(b: BriefFile) -> str:
    return _dumps(brief_data(b))


def export_json(corpus: Corpus, brief_json: Callable[[BriefFile], str] = brief_json) -> str:
    """Every brief and source as one JSON document. Written piece by piece, in the order
    `json.dumps(..., sort_keys=True)` would give, so that the renderer can reuse the piece of
    each unchanged brief."""
    briefs = ",".join(brief_json(b) for b in corpus.briefs.values())
    sources = _dumps([s.model_dump(mode="json") for s in sorted(corpus.sources.values(), key=lambda s: s.id)])
    return f'{{"briefs":[{briefs}],"sources":{sources},"version":{EXPORT_VERSION}}}\n'
