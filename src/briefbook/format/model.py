"""The brief format: one pydantic model per kind, and the shared records.

This module is the single source of truth for the format. Validation, the JSON
Schema, the scaffolds of `briefbook new`, the format reference and the language
server's completion and hover all derive from these classes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_RE = re.compile(ID_PATTERN)
MAX_ID_LENGTH = 80
# names a file or folder may not have on Windows, whatever its suffix
RESERVED_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})

# The files of a briefs folder: a brief is Markdown, a shared sources file YAML.
BRIEF_SUFFIX = ".md"
SOURCES_SUFFIXES = (".yml", ".yaml")
# suffixes of files that are surely meant as briefs or sources, and what they should be
MEANT_SUFFIXES = {".md": BRIEF_SUFFIX, ".markdown": BRIEF_SUFFIX, ".mdown": BRIEF_SUFFIX, ".mkd": BRIEF_SUFFIX,
                  ".yml": ".yml", ".yaml": ".yaml"}
TEMPLATE_SUFFIX = ".md.j2"  # of the site's templates and the scaffolds of `briefbook new`

# What a file may hold: past these, reading it would cost more than any brief needs.
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 20  # levels of nesting in the front matter
MAX_NODES = 100_000  # values in the front matter
MAX_BODY_CHARS = 60_000
MAX_PARAGRAPH_CHARS = 6_000  # a paragraph, list or table without a blank line in it


def is_id(name: str) -> bool:
    return bool(ID_RE.match(name)) and len(name) <= MAX_ID_LENGTH


def as_id(name: str, fallback: str) -> str:
    """The id nearest to a name, for a hint: `Bad Name` -> `bad-name`."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:MAX_ID_LENGTH] or fallback


Id = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH),
    Field(description="An id: lowercase letters, digits and single hyphens, e.g. `hanoi-2019`."),
]


@dataclass(frozen=True)
class RefersTo:
    """Marks an id that names another record: a brief of this kind, or a source. `check` reports an
    id that names none; the language server completes these ids and goes to what they name."""

    target: Literal["issue", "actor", "source"]


IssueId = Annotated[Id, RefersTo("issue")]
ActorId = Annotated[Id, RefersTo("actor")]
SourceId = Annotated[Id, RefersTo("source")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]

# The ICD 203 seven-step scale, from least to most likely.
Likelihood = Literal[
    "almost no chance",
    "very unlikely",
    "unlikely",
    "roughly even chance",
    "likely",
    "very likely",
    "almost certain",
]
LIKELIHOOD_RANGES = {
    "almost no chance": "01–05%",
    "very unlikely": "05–20%",
    "unlikely": "20–45%",
    "roughly even chance": "45–55%",
    "likely": "55–80%",
    "very likely": "80–95%",
    "almost certain": "95–99%",
}
Confidence = Literal["high", "moderate", "low"]
Priority = Literal["high", "medium", "low"]
Role = Literal["principal", "counterpart", "ally", "stakeholder"]
WatchStatus = Literal["watching", "observed", "not observed"]
# What a source is, for the bibliography's groups: an official text, news reporting, or analysis and commentary.
SourceCategory = Literal["primary", "reporting", "analysis"]
Outcome = Literal["agreement", "joint statement", "declaration", "no agreement", "no document"]


def _web_url(value: str) -> str:
    if not value.lower().startswith(("http://", "https://")) or any(c.isspace() for c in value):
        raise ValueError("expected a web address starting with http:// or https://")
    return value


WebUrl = Annotated[str, StringConstraints(max_length=2_000), AfterValidator(_web_url)]


class Record(BaseModel):
    """Base of every model: unknown fields are errors, values are not coerced across types."""

    model_config = ConfigDict(extra="forbid", strict=False, frozen=True)


class Source(Record):
    """A public source, declared once and cited anywhere by its id."""

    id: Id
    title: ShortText
    publisher: ShortText
    author: ShortText | None = None
    date: dt.date = Field(description="Date of publication (YYYY-MM-DD).")
    url: WebUrl
    category: SourceCategory = Field(
        default="reporting",
        description="What the source is: `primary` (an official statement, transcript or document, or state media), "
        "`reporting` (news reporting, the default) or `analysis` (think tanks, scholars and commentary).",
    )
    note: Text | None = Field(default=None, description="For readers, shown with the source: what it is used for, or caveats about it.")
    # Kept out of every output (pages, search, briefs.json): it records the editors' checks, not the book.
    editor_note: Text | None = Field(
        default=None,
        exclude=True,
        description="For editors only, never published: how the source was found, checked or could not be confirmed.",
    )


class Resolution(Record):
    """How a key judgment turned out, once events have decided it: the scorecard scores it."""

    came_true: bool = Field(description="Whether what the judgment estimated happened.")
    date: dt.date = Field(description="When events decided it (YYYY-MM-DD).")
    outcome: Text = Field(description="What happened, in a sentence or two.")
    sources: list[SourceId] = Field(default_factory=list, max_length=50)


class KeyJudgment(Record):
    """An estimative judgment, kept apart from reported fact (ICD 203)."""

    text: Text
    likelihood: Likelihood
    confidence: Confidence
    sources: list[SourceId] = Field(default_factory=list, max_length=50)
    horizon: dt.date | None = Field(default=None, description="The date by which events should decide the judgment; `check` warns when it has passed with no resolution.")
    resolution: Resolution | None = None


class StatusChange(Record):
    """A watch item's status as of a date, with the evidence for it."""

    date: dt.date
    status: WatchStatus
    sources: list[SourceId] = Field(default_factory=list, max_length=50, description="The evidence: source ids.")
    note: Text | None = Field(default=None, description="What was seen, in a sentence.")


class ChangeNote(Record):
    """An editorial note on a revision of the brief, for what a commit message does not explain."""

    date: dt.date
    text: Text


class WatchItem(Record):
    """An indicator to watch: what would show the judgment is right or wrong."""

    indicator: Text
    why: Text
    status: WatchStatus = "watching"
    issue: IssueId | None = Field(default=None, description="The issue this indicator bears on (defaults to the brief's own issue).")
    history: list[StatusChange] = Field(default_factory=list, max_length=200, description="Each change of status, oldest first; the last gives `status` its date and evidence.")


class TimelineEntry(Record):
    date: dt.date
    title: ShortText
    detail: Text | None = None
    sources: list[SourceId] = Field(default_factory=list, max_length=50)


class Location(Record):
    city: ShortText
    country: ShortText
    venue: ShortText | None = None


class Person(Record):
    name: ShortText
    role: ShortText


class Participant(Record):
    actor: ActorId
    people: list[Person] = Field(default_factory=list, max_length=100)


class Leader(Record):
    name: ShortText
    office: ShortText
    term: ShortText = Field(description="Years in office, e.g. `2012–2020`.")


class Position(Record):
    """An actor's position on one issue."""

    stance: ShortText = Field(description="A short label for the stance, e.g. `maximum pressure`.")
    priority: Priority
    summary: Text
    sources: list[SourceId] = Field(default_factory=list, max_length=50)


class BriefBase(Record):
    title: ShortText
    summary: Text = Field(description="The bottom line up front: one or two sentences.")
    reviewed: dt.date = Field(description="Date the brief was last reviewed.")
    next_review: dt.date | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=100)
    sources: list[Source] = Field(default_factory=list, max_length=500)
    key_judgments: list[KeyJudgment] = Field(default_factory=list, max_length=100)
    what_to_watch: list[WatchItem] = Field(default_factory=list, max_length=200)
    timeline: list[TimelineEntry] = Field(default_factory=list, max_length=1_000)
    changes: list[ChangeNote] = Field(default_factory=list, max_length=500, description="Editorial change notes, shown with the brief's revisions.")


class Summit(BriefBase):
    """A meeting of leaders."""

    kind: Literal["summit"]
    date: dt.date
    end_date: dt.date | None = None
    location: Location
    participants: list[Participant] = Field(min_length=1, max_length=50)
    outcome: Outcome
    agenda: list[IssueId] = Field(default_factory=list, max_length=200, description="Issue ids.")


class Actor(BriefBase):
    """A country or party with interests in the summits."""

    kind: Literal["actor"]
    role: Role
    leaders: list[Leader] = Field(default_factory=list, max_length=50)
    positions: dict[IssueId, Position] = Field(default_factory=dict, max_length=1_000, description="Keyed by issue id.")


class Issue(BriefBase):
    """A topic at stake, such as sanctions relief."""

    kind: Literal["issue"]
    related: list[IssueId] = Field(default_factory=list, max_length=200, description="Related issue ids.")


class SourceList(Record):
    """A shared sources file (`*.yml` under the briefs folder): sources cited by id from any brief."""

    sources: list[Source] = Field(max_length=10_000)


Brief = Union[Summit, Actor, Issue]
KINDS: dict[str, type[BriefBase]] = {"summit": Summit, "actor": Actor, "issue": Issue}
