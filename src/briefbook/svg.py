"""The timeline as an SVG picture, drawn at build time: no script, nothing fetched."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from xml.sax.saxutils import escape, quoteattr

from .corpus import Corpus

WIDTH, LEFT, RIGHT, ROW = 960, 60, 40, 22


def timeline_svg(corpus: Corpus) -> str:
    """One mark per month with events, its height the number of events, labelled by year."""
    entries = corpus.timeline()
    if not entries:
        return _svg(80, ['<text x="20" y="45">No timeline entries.</text>'], "An empty timeline")
    months = Counter((e.date.year, e.date.month) for e, _ in entries)
    first, last = min(months), max(months)
    span = max(1, (last[0] - first[0]) * 12 + last[1] - first[1])
    tallest = max(months.values())
    height = 60 + ROW * 4
    base = height - 40

    def x(year: int, month: int) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * ((year - first[0]) * 12 + month - first[1]) / span

    parts = [f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" class="axis"/>']
    for year in range(first[0], last[0] + 1):
        month = first[1] if year == first[0] else 1
        parts.append(f'<text x="{x(year, month):.1f}" y="{base + 24}" class="year">{year}</text>')
    for (year, month), count in sorted(months.items()):
        bar = (base - 30) * count / tallest
        label = f"{dt.date(year, month, 1):%B %Y}: {count} event{'s' if count != 1 else ''}"
        parts.append(
            f'<rect x="{x(year, month) - 4:.1f}" y="{base - bar:.1f}" width="8" height="{bar:.1f}" class="mark">'
            f"<title>{escape(label)}</title></rect>"
        )
    description = f"{len(entries)} events from {dt.date(*first, 1):%B %Y} to {dt.date(*last, 1):%B %Y}"
    return _svg(height, parts, description)


def _svg(height: int, parts: list[str], description: str) -> str:
    style = (
        "text{font:13px sans-serif;fill:#444}.axis{stroke:#888;stroke-width:1}"
        ".mark{fill:#3f51b5}.year{text-anchor:middle}"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" aria-label={quoteattr(description)}>'
        f"<title>{escape(description)}</title><style>{style}</style>{''.join(parts)}</svg>\n"
    )
