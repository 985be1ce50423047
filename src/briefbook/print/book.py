"""Corpus to Typst: the printed book, its summary alone, or one brief, through the project's print templates.

The templates (`templates/print/*.typ.j2`, the project's own before the packaged ones) write
Typst markup. Every `{{ value }}` is escaped as Typst text (typst_body.typst_text); `|str`
gives a string literal for code, `|id` an id checked by the model, for labels.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..corpus.corpus import ROLE_TITLES, Corpus
from ..files.shipped import default_templates_dir, template_options
from ..format.body import read_body
from ..format.model import LIKELIHOOD_RANGES, Source
from ..format.settings import Settings
from ..format.site_config import plain, read_config
from ..format.validate import BriefFile
from ..site.environment import SECTIONS
from ..site.pieces import PRIORITY_DOTS
from ..site.escaping import id_value
from .typst_body import BodyTargets, body_typst, gated, string_literal, typst_text

PAPERS = {"a4": "a4", "letter": "us-letter"}
TEMPLATE_SUFFIX = ".typ.j2"
# Above this many actor columns, the positions matrix is split into tables of this many, each on
# a landscape page with the issues repeated: every column stays on the page, none is cut.
MATRIX_COLUMNS = 7


@dataclass(frozen=True)
class BookIdentity:
    """What the book is called and in which language, from the site's configuration."""

    title: str
    description: str = ""
    language: str = "en"

    @classmethod
    def of(cls, title: str, description: str = "", language: str = "en") -> BookIdentity:
        """From the site's settings; a language Typst does not take (`pt-BR`, `klingon`) is given as its ISO 639 code, or English."""
        code = language.split("-")[0].split("_")[0].lower()
        return cls(title, description, code if re.fullmatch(r"[a-z]{2,3}", code) else "en")


def book_identity(config_file: Path) -> BookIdentity:
    """The book's title, description and language, from mkdocs.yml (`site_name`, `site_description`, the theme's `language`)."""
    config = plain(read_config(Path(config_file)))
    theme = config.get("theme")
    language = theme.get("language") if isinstance(theme, dict) else None
    return BookIdentity.of(str(config.get("site_name") or "Briefing book"), str(config.get("site_description") or ""), str(language or "en"))


@functools.lru_cache(maxsize=4)  # the site makes a PDF per brief: its templates are compiled once
def environment(settings: Settings) -> jinja2.Environment:
    env = jinja2.Environment(
        **template_options([settings.templates, default_templates_dir()]),
        autoescape=True,  # macro output stays Markup, so it is not escaped twice
        finalize=typst_text,
    )
    env.filters.update(gated=gated, str=string_literal, id=id_value, num=lambda v: Markup(str(int(v))), day=lambda d: f"{d.day} {d:%B %Y}",
                       chunks=lambda items, size: [items[i:i + size] for i in range(0, len(items), size)] or [[]])
    env.globals.update(likelihood_ranges=LIKELIHOOD_RANGES, priority_dots=PRIORITY_DOTS, sections=SECTIONS, role_titles=ROLE_TITLES,
                       matrix_columns=MATRIX_COLUMNS)
    return env


def site_order(corpus: Corpus) -> list[BriefFile]:
    """The briefs as the site's navigation lists them: summits by date, actors by role, issues by title."""
    return [*corpus.summits, *corpus.actors, *corpus.issues]


def numbered_sources(corpus: Corpus, briefs: list[BriefFile], everything: bool) -> list[Source]:
    """The document's bibliography: in order of first mention; for the whole book, the sources no brief cites after them."""
    ids: dict[str, None] = {}
    for brief in briefs:
        ids.update(dict.fromkeys(s.id for s in corpus.cited_sources(brief)))
    if everything:
        ids.update(dict.fromkeys(sorted(corpus.sources)))
    return [corpus.sources[i] for i in ids]


def review_state(corpus: Corpus) -> str:
    due = [b for b, reason in corpus.review_schedule() if reason]
    count = len(corpus.briefs)
    if not count:
        return "No briefs yet."
    if not due:
        latest = max(b.brief.reviewed for b in corpus.briefs.values())
        return f"All {count} briefs are within their review dates; the latest review is of {latest.day} {latest:%B %Y}."
    return f"{len(due)} of {count} briefs are due for review: {', '.join(b.brief.title for b in due[:5])}{', …' if len(due) > 5 else ''}."


def document(corpus: Corpus, settings: Settings, identity: BookIdentity, built: dt.date, paper: str = "a4",
             part: str = "book", brief: BriefFile | None = None) -> str:
    """The Typst source of the book (`part="book"`), its summary alone (`"summary"`) or one brief (`"brief"`)."""
    briefs = [brief] if brief is not None else site_order(corpus) if part == "book" else []
    summit = corpus.principal_summit
    # the summary stands on one or two pages: its judgments name no sources, the book's briefs do
    sources = numbered_sources(corpus, briefs, everything=part == "book")
    numbers = {s.id: n for n, s in enumerate(sources, start=1)}
    in_document = frozenset(b.id for b in briefs)
    bodies: dict[str, Markup] = {}
    for b in briefs:
        targets = BodyTargets(prefix=f"{b.id}--", sources=frozenset(numbers), briefs=in_document)
        bodies[b.id] = body_typst(read_body(b.raw.body, settings.markdown), numbers, targets, settings.allow_raw_html, settings.markdown)
    context: dict[str, Any] = dict(
        corpus=corpus, identity=identity, built=built, paper=PAPERS[paper], part=part, briefs=briefs, brief=brief,
        summit=summit, sources=sources, numbers=numbers, in_document=in_document, bodies=bodies, review_state=review_state(corpus),
    )
    return environment(settings).get_template(f"print/{part}{TEMPLATE_SUFFIX}").render(**context)
