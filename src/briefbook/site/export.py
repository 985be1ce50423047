"""briefs.json: every brief as structured data, for other tools."""

from __future__ import annotations

import json
import re
from typing import Any, Callable

from ..corpus.corpus import Corpus
from ..format.schema import EXPORT_VERSION
from ..format.validate import BriefFile



def brief_data(b: BriefFile) -> dict[str, Any]:
    """A brief as structured data: its id, file, front matter (as validated) and body."""
    return {
        "id": b.id,
        "kind": b.kind,
        "file": b.display,
        "front_matter": b.brief.model_dump(mode="json", exclude_defaults=False),
        "body": b.raw.body,
    }


def canonical(data: Any) -> str:
    """Data as briefs.json writes it: keys sorted, compact (so that the C encoder does the work:
    briefs.json of 10,000 briefs took seconds indented), with what HTML or JavaScript would read escaped."""
    return _inert(json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=True))


# JSON leaves these as they are. Escaped, briefs.json stays inert where it is read as something
# else: a page that puts it in a <script> element, a server that labels it HTML (a browser sniffing
# `<script>` in a title), JavaScript before ES2019 (which ends a string at U+2028). It reads back the same.
_HTML_AND_LINE_SEPARATORS = re.compile("[<>&\u2028\u2029]")


def _inert(dumped: str) -> str:
    return _HTML_AND_LINE_SEPARATORS.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def brief_json(b: BriefFile) -> str:
    return canonical(brief_data(b))


def export_json(corpus: Corpus, brief_json: Callable[[BriefFile], str] = brief_json) -> str:
    """Every brief and source as one JSON document. Written piece by piece, in the order
    `json.dumps(..., sort_keys=True)` would give, so that the renderer can reuse the piece of
    each unchanged brief."""
    parts = ['{"briefs":[']
    for b in corpus.briefs.values():
        parts += (brief_json(b), ",")
    if len(parts) > 1:
        parts.pop()
    sources = canonical([s.model_dump(mode="json") for s in sorted(corpus.sources.values(), key=lambda s: s.id)])
    parts += ('],"sources":', sources, f',"version":{EXPORT_VERSION}}}\n')
    # joined once: each copy of tens of megabytes costs most of a second in fresh memory
    return "".join(parts)
