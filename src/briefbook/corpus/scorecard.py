"""How the key judgments held up: the Brier score of the resolved ones, overall and by likelihood band.

A judgment states a band of the ICD 203 scale, not a number; it is scored at the band's midpoint
(`likely`, 55–80%, as 67.5%). The scorecard page says so.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Iterator
from xml.sax.saxutils import escape, quoteattr

from ..format.model import LIKELIHOOD_RANGES, KeyJudgment

if TYPE_CHECKING:
    from ..format.validate import BriefFile


def _midpoint(percent_range: str) -> float:
    low, high = (int(n) for n in re.findall(r"\d+", percent_range))
    return (low + high) / 200


BANDS = tuple(LIKELIHOOD_RANGES)
PROBABILITY = {band: _midpoint(r) for band, r in LIKELIHOOD_RANGES.items()}


@dataclass(frozen=True)
class Scored:
    """A resolved judgment with what it stated and how it turned out."""

    brief: "BriefFile"
    number: int  # 1-based, as its anchor #judgment-N
    judgment: KeyJudgment

    @property
    def probability(self) -> float:
        return PROBABILITY[self.judgment.likelihood]

    @property
    def outcome(self) -> int:
        return int(self.judgment.resolution.came_true)  # type: ignore[union-attr]

    @property
    def squared_error(self) -> float:
        return (self.probability - self.outcome) ** 2


@dataclass(frozen=True)
class Band:
    likelihood: str
    count: int
    came_true: int
    brier: float

    @property
    def probability(self) -> float:
        return PROBABILITY[self.likelihood]

    @property
    def observed(self) -> float:
        return self.came_true / self.count


@dataclass(frozen=True)
class Scorecard:
    scored: tuple[Scored, ...]
    unresolved: int
    overdue: int  # unresolved with a horizon that has passed

    @property
    def brier(self) -> float | None:
        return brier(self.scored)

    @property
    def bands(self) -> tuple[Band, ...]:
        """The bands with at least one resolved judgment, from least to most likely."""
        found = []
        for likelihood in BANDS:
            members = [s for s in self.scored if s.judgment.likelihood == likelihood]
            if members:
                found.append(Band(likelihood, len(members), sum(s.outcome for s in members), brier(members) or 0.0))
        return tuple(found)


def brier(scored: Iterable[Scored]) -> float | None:
    """The mean squared difference between stated probability and outcome (0 best, 1 worst)."""
    errors = [s.squared_error for s in scored]
    return sum(errors) / len(errors) if errors else None


def scorecard(briefs: Iterable["BriefFile"], today: dt.date) -> Scorecard:
    scored, unresolved, overdue = [], 0, 0
    for b in sorted(briefs, key=lambda b: b.id):
        for n, kj in enumerate(b.brief.key_judgments, start=1):
            if kj.resolution is not None:
                scored.append(Scored(b, n, kj))
            else:
                unresolved += 1
                overdue += bool(kj.horizon and kj.horizon < today)
    scored.sort(key=lambda s: (s.judgment.resolution.date, s.brief.id, s.number))  # type: ignore[union-attr]
    return Scorecard(tuple(scored), unresolved, overdue)


def open_questions(briefs: Iterable["BriefFile"], today: dt.date) -> Iterator[tuple["BriefFile", tuple, str, str]]:
    """What `check` warns of: (brief, field path, message, hint) for a judgment past its horizon with
    no resolution, and a watch item whose status is not the one its history last records."""
    for b in briefs:
        for i, kj in enumerate(b.brief.key_judgments):
            if kj.horizon and kj.horizon < today and kj.resolution is None:
                yield (b, ("key_judgments", i, "horizon"), f"the judgment's horizon {kj.horizon.isoformat()} has passed with no resolution",
                       "add a `resolution` (came_true, date, outcome, sources) or move the horizon")
        for i, item in enumerate(b.brief.what_to_watch):
            if item.history and item.history[-1].status != item.status:
                yield (b, ("what_to_watch", i, "status"), f"status `{item.status}` is not the last status of its history (`{item.history[-1].status}`)",
                       "add an entry to `history` for the new status, with its date and evidence")


def calibration_svg(card: Scorecard) -> str:
    """Stated probability (band midpoint) across, how often the band came true up: one circle per
    band, its area the number of judgments, on the diagonal of perfect calibration. It carries its
    own light background, so that it reads the same in the light and dark schemes."""
    size, left, right, top, bottom = 360, 70, 24, 24, 50
    width, height = size - left - right, size - top - bottom

    def x(p: float) -> float:
        return left + width * p

    def y(p: float) -> float:
        return size - bottom - height * p

    parts = [f'<rect x="0" y="0" width="{size}" height="{size}" rx="6" class="paper"/>',
             f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(0)}" class="axis"/>',
             f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(0)}" y2="{y(1)}" class="axis"/>',
             f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(1)}" class="ideal"/>']
    for tick in (0, 0.5, 1):
        parts.append(f'<text x="{x(tick):.1f}" y="{y(0) + 18}" class="tick">{tick:.0%}</text>')
        parts.append(f'<text x="{x(0) - 8}" y="{y(tick) + 4:.1f}" class="tick end">{tick:.0%}</text>')
    parts.append(f'<text x="{x(0.5)}" y="{size - 8}" class="tick">stated likelihood (band midpoint)</text>')
    parts.append(f'<text x="22" y="{y(0.5)}" class="tick" transform="rotate(-90 22 {y(0.5)})">came true</text>')
    most = max((band.count for band in card.bands), default=1)
    for band in card.bands:
        radius = 4 + 10 * (band.count / most) ** 0.5
        label = f"{band.likelihood}: {band.came_true} of {band.count} came true"
        parts.append(f'<circle cx="{x(band.probability):.1f}" cy="{y(band.observed):.1f}" r="{radius:.1f}" class="band">'
                     f"<title>{escape(label)}</title></circle>")
    if card.bands:
        description = "Calibration: " + "; ".join(f"{b.likelihood}, {b.came_true} of {b.count} came true" for b in card.bands)
    else:
        description = "Calibration: no resolved judgments yet"
    style = ("text{font:12px sans-serif;fill:#222}.paper{fill:#fff}.axis{stroke:#555;stroke-width:1}"
             ".ideal{stroke:#888;stroke-dasharray:4 3}.band{fill:#3f51b5;fill-opacity:.75;stroke:#1a237e}"
             ".tick{text-anchor:middle}.end{text-anchor:end}")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" aria-label={quoteattr(description)}>'
            f"<title>{escape(description)}</title><style>{style}</style>{''.join(parts)}</svg>\n")
