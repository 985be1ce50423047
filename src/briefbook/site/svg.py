"""The timeline as an SVG picture, drawn at build time: no script, nothing fetched."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from xml.sax.saxutils import escape, quoteattr

from ..corpus.corpus import Corpus

WIDTH, LEFT, RIGHT, ROW = 960, 60, 40, 22


def timeline_svg(corpus: Corpus) -> str:
    """One bar per month with events, its height the number of events, a dashed line and a label
    at each summit, and the years along the axis. It carries its own light background, so that it
    reads the same in the site's light and dark schemes."""
    events = corpus.timeline_events()
    if not events:
        return _svg(80, ['<text x="20" y="45">No timeline entries.</text>'], "An empty timeline")
    every_month = Counter((event[0][0].date.year, event[0][0].date.month) for event in events)
    summits = [(s.brief.date, s.brief.location.city) for s in corpus.summits]  # type: ignore[union-attr]
    marked = list(every_month) + [(d.year, d.month) for d, _ in summits]
    first, last = min(marked), max(marked)
    # The chart covers the summits and the year before the first: the background reaches back
    # decades, and drawn to scale it would crowd the summits into a corner. Earlier events are counted.
    if summits:
        first = max(first, (summits[0][0].year - 1, 1))
    months = Counter({month: n for month, n in every_month.items() if month >= first})
    earlier = sum(every_month.values()) - sum(months.values())
    span = (last[0] - first[0]) * 12 + last[1] - first[1] + 1  # months, the last one whole
    tallest = max(months.values(), default=1)
    def x(year: int, month: int, day: int = 1) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * ((year - first[0]) * 12 + month - first[1] + (day - 1) / 31) / span

    labels = _summit_labels([(x(d.year, d.month, d.day), f"{city}, {d.day} {d:%b %Y}") for d, city in summits])
    label_rows = max((row for _, _, row, _ in labels), default=0) + 1
    top = 20 + ROW * label_rows
    height = top + 130
    base = height - 40

    parts = [f'<rect x="0" y="0" width="{WIDTH}" height="{height}" rx="6" class="paper"/>',
             f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" class="axis"/>']
    for year in range(first[0], last[0] + 1):
        month = first[1] if year == first[0] else 1
        parts.append(f'<line x1="{x(year, month):.1f}" y1="{base}" x2="{x(year, month):.1f}" y2="{base + 6}" class="axis"/>')
        parts.append(f'<text x="{x(year, month):.1f}" y="{base + 24}" class="year">{year}</text>')
    for (year, month), count in sorted(months.items()):
        bar = (base - top - 10) * count / tallest
        label = f"{dt.date(year, month, 1):%B %Y}: {count} event{'s' if count != 1 else ''}"
        parts.append(
            f'<rect x="{x(year, month, 16) - 4:.1f}" y="{base - bar:.1f}" width="8" height="{bar:.1f}" class="mark">'
            f"<title>{escape(label)}</title></rect>"
        )
    if earlier:
        parts.append(f'<text x="{LEFT - 50}" y="{base - 8}" class="earlier">← {earlier} earlier</text>')
    for at, text, row, ends_at_line in labels:
        y = 20 + ROW * row + 12
        parts.append(f'<line x1="{at:.1f}" y1="{y + 4}" x2="{at:.1f}" y2="{base}" class="summit"/>')
        parts.append(f'<text x="{at - 3 if ends_at_line else at + 3:.1f}" y="{y}" class="label{" end" if ends_at_line else ""}">'
                     f"{escape(text)}</text>")
    since = min(every_month)
    marks = f", with {len(summits)} summit{'s' if len(summits) != 1 else ''} marked" if summits else ""
    description = (f"{len(events)} events from {dt.date(*since, 1):%B %Y} to {dt.date(*last, 1):%B %Y}"
                   f"{marks}")
    return _svg(height, parts, description)


# the width of a label's character at 12 px, a little over the average of a sans-serif face
LABEL_CHAR = 6.8


def _summit_labels(marks: list[tuple[float, str]]) -> list[tuple[float, str, int, bool]]:
    """Each summit's label on the first row where it clears the labels before it: (x, text, row,
    whether it ends at its line). A label that would run off the picture ends at its line."""
    ends: list[float] = []  # the right edge of the last label on each row
    placed = []
    for at, text in sorted(marks):
        width = len(text) * LABEL_CHAR
        ends_at_line = at + 3 + width > WIDTH - 4
        start, end = (at - 3 - width, at) if ends_at_line else (at, at + 3 + width)
        row = next((r for r, edge in enumerate(ends) if edge + 8 < start), len(ends))
        if row == len(ends):
            ends.append(end)
        else:
            ends[row] = end
        placed.append((at, text, row, ends_at_line))
    return placed


def _svg(height: int, parts: list[str], description: str) -> str:
    style = (
        "text{font:13px sans-serif;fill:#222}.paper{fill:#fff}.axis{stroke:#555;stroke-width:1}"
        ".mark{fill:#3f51b5}.year{text-anchor:middle}.summit{stroke:#b71c1c;stroke-width:1.5;stroke-dasharray:4 3}"
        ".label{font-size:12px;fill:#b71c1c}.earlier{fill:#222}.end{text-anchor:end}"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" aria-label={quoteattr(description)}>'
        f"<title>{escape(description)}</title><style>{style}</style>{''.join(parts)}</svg>\n"
    )
