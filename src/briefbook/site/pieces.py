"""The small pieces that every brief's page repeats many times (a citation, a label, a priority
mark, a gap, a moved mark, a source's entry in a list), made in Python for the templates: a Jinja macro call costs more than
the piece it makes (a brief's page called some thirty, and each value it placed passed Jinja's
attribute look-up and finalize). `_macros.md.j2` gives them their macro names; a project's copy
of it may define a macro of that name instead. Each makes what the macro it replaced made, byte
for byte, escaped as the templates escape.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Iterable

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from ..format.model import Source
from .escaping import html_text, id_value, markdown_text, url_value

# Priority as filled dots: a shape that reads without colour, in print and for colour-blind readers.
PRIORITY_DOTS = {"high": "●●●", "medium": "●●○", "low": "●○○"}
GAP = Markup('<em class="bb-gap">no stated position</em>')


@pass_context
def cite(context: Context, ids: Iterable[str]) -> Markup:
    """The page's numbered links to these sources (those of the brief's list, `numbers`)."""
    numbers = context["numbers"]
    return Markup("".join([f" [[{markdown_text(numbers[i])}]](#source-{id_value(i)})" for i in ids if i in numbers]))


def label(kind: Any, value: Any, title: Any = "", text: Any = "") -> Markup:
    """A likelihood, a confidence, ...: the kind and the value as classes, the text (by default
    "kind: value") shown."""
    kind_class = html_text(kind)
    title_attribute = f' title="{html_text(title)}"' if title else ""
    shown = markdown_text(text) if text else f"{markdown_text(str(kind).replace('-', ' '))}: {markdown_text(value)}"
    return Markup(f'<span class="bb-label bb-{kind_class} bb-{kind_class}-{html_text(str(value).replace(" ", "-"))}"{title_attribute}>{shown}</span>')


@functools.lru_cache(maxsize=64)
def priority_mark(priority: str) -> Markup:
    """Priority as a meter of filled dots, which reads without colour; the words are there for screen
    readers, and the legend above each table says what the dots mean."""
    words = html_text(priority)
    return Markup(f'<span class="bb-priority bb-priority-{words}" title="{words} priority"><span aria-hidden="true">'
                  f'{markdown_text(PRIORITY_DOTS[priority])}</span><span class="bb-sr"> {words} priority</span></span>')


def gap() -> Markup:
    return GAP


@pass_context
def moved_mark(context: Context, day: dt.date | None) -> Markup:
    """"Moved" on what changed on or after the date the reader chose (by default the book's last
    review, `last_review`; the script of the since-date picker shows and hides the marks)."""
    if not day:
        return Markup("")
    iso = html_text(day.isoformat())
    hidden = " hidden" if day < context["last_review"] else ""
    return Markup(f' <span class="bb-moved" data-moved="{iso}"{hidden} title="changed {iso}">moved {iso}</span>')


def source_entry(source: Source) -> Markup:
    """A source as a list shows it: its title linked (with its anchor), publisher, author, date, note."""
    author = f", {markdown_text(source.author)}" if source.author else ""
    note = f" *{markdown_text(source.note)}*" if source.note else ""
    day = source.date.isoformat()
    return Markup(f"[{markdown_text(source.title)}]({url_value(source.url)}){{ #source-{id_value(source.id)} }}. {markdown_text(source.publisher)}"
                  f'{author}, <time datetime="{html_text(day)}">{markdown_text(day)}</time>.{note}')


PIECES = {"cite": cite, "label": label, "priority_mark": priority_mark, "gap": gap, "moved_mark": moved_mark, "source_entry": source_entry}
