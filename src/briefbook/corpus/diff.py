"""What changed from one version of a brief's front matter to the next, field by field: a judgment's
likelihood moved, a stance reworded, a position added, an indicator's status. The versions are read
as text and parsed a top-level field at a time, only where the two differ."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

import yaml

from ..format.model import LIKELIHOOD_RANGES

if TYPE_CHECKING:
    from .corpus import Corpus

_SCALE = list(LIKELIHOOD_RANGES)
_CONFIDENCE = ["low", "moderate", "high"]
_PRIORITY = ["low", "medium", "high"]
_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Change:
    """One structured difference between two versions of a brief."""

    kind: str  # added, removed, judgment, likelihood, confidence, resolution, stance, priority, position, status, watch, summary, title, note
    text: str
    direction: str | None = None  # "up" or "down", where the field has an order
    anchor: str = ""  # where on the brief's page the change is seen
    issue: str | None = None  # the issue it bears on, for the filters


class FrontMatter:
    """A version's front matter, parsed a top-level field at a time and only when asked: two versions
    of a brief mostly differ in a field or two, and a field whose text is the same in both is not
    parsed at all (parsing every version whole was nine tenths of the history's cost)."""

    _TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:", re.M)

    def __init__(self, text: str):
        starts = [(m.start(), m.group(1)) for m in self._TOP_KEY.finditer(text)]
        self.blocks = {key: text[at:(starts[i + 1][0] if i + 1 < len(starts) else len(text))]
                       for i, (at, key) in enumerate(starts)}
        self._parsed: dict[str, Any] = {}

    def same(self, other: "FrontMatter", key: str) -> bool:
        return self.blocks.get(key) == other.blocks.get(key)

    def get(self, key: str, default: Any = None) -> Any:
        if key not in self._parsed:
            block = self.blocks.get(key)
            try:
                loaded = yaml.load(block, Loader=_YAML) if block else None
            except yaml.YAMLError:
                loaded = None
            self._parsed[key] = loaded.get(key) if isinstance(loaded, dict) else None
        value = self._parsed[key]
        return default if value is None else value


def front_matter(data: bytes | None) -> FrontMatter | None:
    """A version's front matter; empty when it has none (the diff then says little)."""
    if data is None:
        return None
    text = data.decode("utf-8", "replace").lstrip("\ufeff")
    if not text.startswith("---"):
        return FrontMatter("")
    end = text.find("\n---", 3)
    return FrontMatter(text[3:end if end > 0 else None])


def concerns(kind: str, brief_id: str, front: "FrontMatter | dict[str, Any]") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The actors and issues a brief concerns: a summit's participants and agenda, an actor and its positions, an issue."""
    if kind == "summit":
        actors = [p.get("actor") for p in _list(front.get("participants")) if isinstance(p, dict)]
        return _ids(actors), _ids(_list(front.get("agenda")))
    if kind == "actor":
        return (brief_id,), _ids(_dict(front.get("positions")))
    return (), (brief_id,)


def _ids(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if isinstance(v, str)))


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _short(text: Any, limit: int = 90) -> str:
    words = " ".join(str(text).split())
    return words if len(words) <= limit else words[:limit].rsplit(" ", 1)[0] + "…"


def _direction(scale: list[str], old: Any, new: Any) -> str | None:
    if old in scale and new in scale and old != new:
        return "up" if scale.index(new) > scale.index(old) else "down"
    return None


def diff(before: FrontMatter | None, after: FrontMatter | None, kind: str, corpus: "Corpus") -> Iterator[Change]:
    """The structured changes from one version of a brief's front matter to the next."""
    if before is None:
        yield Change("added", "brief added")
        return
    if after is None:
        yield Change("removed", "brief removed")
        return
    def changed(key: str) -> bool:
        return not before.same(after, key) and before.get(key) != after.get(key)  # type: ignore[union-attr]

    if changed("title") and before.get("title"):
        yield Change("title", f"retitled from “{_short(before.get('title'))}”")
    if changed("summary"):
        yield Change("summary", "bottom line rewritten")
    if changed("key_judgments"):
        yield from _judgments(_list(before.get("key_judgments")), _list(after.get("key_judgments")))
    if kind == "actor" and changed("positions"):
        yield from _positions(_dict(before.get("positions")), _dict(after.get("positions")), corpus)
    if changed("what_to_watch"):
        yield from _watch(_list(before.get("what_to_watch")), _list(after.get("what_to_watch")))
    added = len(_list(after.get("timeline"))) - len(_list(before.get("timeline"))) if changed("timeline") else 0
    if added > 0:
        yield Change("timeline", f"{added} timeline entr{'y' if added == 1 else 'ies'} added", anchor="timeline")


def _pair(old: list, new: list, key: str) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Matches items of two lists: same `key` text first, then the rest by position."""
    matched, free_old = [], [i for i in range(len(old))]
    free_new = []
    by_key: dict[Any, list[int]] = {}
    for i, item in enumerate(old):
        by_key.setdefault(_dict(item).get(key), []).append(i)
    for j, item in enumerate(new):
        same = by_key.get(_dict(item).get(key))
        if same:
            i = same.pop(0)
            matched.append((i, j))
            free_old.remove(i)
        else:
            free_new.append(j)
    reworded = list(zip(free_old, free_new))
    matched += reworded
    return sorted(matched, key=lambda p: p[1]), free_old[len(reworded):], free_new[len(reworded):]


def _judgments(old: list, new: list) -> Iterator[Change]:
    matched, removed, added = _pair(old, new, "text")
    for i, j in matched:
        a, b = _dict(old[i]), _dict(new[j])
        anchor, label = f"judgment-{j + 1}", f"judgment {j + 1}"
        if a.get("text") != b.get("text"):
            yield Change("judgment", f"{label} reworded: “{_short(b.get('text'))}”", anchor=anchor)
        if a.get("likelihood") != b.get("likelihood"):
            yield Change("likelihood", f"{label}: likelihood from {a.get('likelihood')} to {b.get('likelihood')}",
                         _direction(_SCALE, a.get("likelihood"), b.get("likelihood")), anchor)
        if a.get("confidence") != b.get("confidence"):
            yield Change("confidence", f"{label}: confidence from {a.get('confidence')} to {b.get('confidence')}",
                         _direction(_CONFIDENCE, a.get("confidence"), b.get("confidence")), anchor)
        resolution = _dict(b.get("resolution"))
        if resolution and _dict(a.get("resolution")) != resolution:
            verdict = "came true" if resolution.get("came_true") is True else "did not come true"
            yield Change("resolution", f"{label} resolved: {verdict}", anchor=anchor)
    for j in added:
        yield Change("judgment", f"judgment {j + 1} added: “{_short(_dict(new[j]).get('text'))}”", anchor=f"judgment-{j + 1}")
    for i in removed:
        yield Change("judgment", f"judgment removed: “{_short(_dict(old[i]).get('text'))}”", anchor="key-judgments")


def _issue_title(corpus: "Corpus", issue_id: str) -> str:
    brief = corpus.briefs.get(issue_id)
    return brief.brief.title if brief else issue_id


def _positions(old: dict, new: dict, corpus: "Corpus") -> Iterator[Change]:
    for issue_id, position in new.items():
        title, anchor, b = _issue_title(corpus, str(issue_id)), f"position-{issue_id}", _dict(position)
        if issue_id not in old:
            yield Change("position", f"position added on {title}: {b.get('stance')}", anchor=anchor, issue=str(issue_id))
            continue
        a = _dict(old[issue_id])
        if a.get("stance") != b.get("stance"):
            yield Change("stance", f"stance on {title} from “{a.get('stance')}” to “{b.get('stance')}”", anchor=anchor, issue=str(issue_id))
        if a.get("priority") != b.get("priority"):
            yield Change("priority", f"priority of {title} from {a.get('priority')} to {b.get('priority')}",
                         _direction(_PRIORITY, a.get("priority"), b.get("priority")), anchor, str(issue_id))
    for issue_id in old:
        if issue_id not in new:
            yield Change("position", f"position removed on {_issue_title(corpus, str(issue_id))}", anchor="positions", issue=str(issue_id))


def _watch(old: list, new: list) -> Iterator[Change]:
    matched, removed, added = _pair(old, new, "indicator")
    for i, j in matched:
        a, b = _dict(old[i]), _dict(new[j])
        before, after = a.get("status", "watching"), b.get("status", "watching")
        if before != after:
            yield Change("status", f"indicator “{_short(b.get('indicator'), 60)}”: {before} → {after}", anchor=f"watch-{j + 1}",
                         issue=b.get("issue") if isinstance(b.get("issue"), str) else None)
    for j in added:
        yield Change("watch", f"indicator added: “{_short(_dict(new[j]).get('indicator'), 60)}”", anchor=f"watch-{j + 1}")
    for i in removed:
        yield Change("watch", f"indicator removed: “{_short(_dict(old[i]).get('indicator'), 60)}”", anchor="what-to-watch")
