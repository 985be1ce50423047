"""A brief's body as the Markdown of its page: citations linked to the numbered sources, brackets
bounded, and (unless the site allows raw HTML) markup and links that would run script shown as text.
What is code and what is prose comes from the one reading of the body (format/body.py)."""

from __future__ import annotations

import re

from ..format.body import DEFINITION_LINE, BodyReading, MarkdownSetup, convert
from .sanitize import is_safe_url, removed_by_sanitizer

_AUTOLINK = re.compile(r"<https?://[^\s<>]+>")
# Python-Markdown reads `(` right after `]` as a link destination; `[x]: dest` defines one.
# A target longer than this is not read to its end (a paragraph of `](` would make that
# quadratic); one that long is taken for unsafe, as it may hide its scheme behind references.
MAX_TARGET = 512
_LINK_TARGET = re.compile(rf"\(\s*<?([^)\s>]{{0,{MAX_TARGET}}})")
_DEFINITION_TARGET = re.compile(rf"\]:[ ]*\n?[ ]*<?(\S{{0,{MAX_TARGET}}})")
# Python-Markdown scans from each `[` and each `](` to its match, or to the end of the block when
# there is none: a body of unmatched or deeply nested brackets takes hours to build. Brackets that
# cannot close within their paragraph, or nest deeper than any real link does, are escaped; they
# show exactly as before, and the cost stays linear.
MAX_BRACKET_DEPTH = 3


def render_body(reading: BodyReading, numbers: dict[str, int], allow_raw_html: bool, setup: MarkdownSetup) -> str:
    """The body as the Markdown of its page: citations linked to the numbered sources, brackets
    bounded, and unless the site allows raw HTML, HTML, attribute lists and links that would run
    script shown as text."""
    text = _escaped(reading, numbers, allow_raw_html)
    if allow_raw_html or not reading.code:
        return text
    if not removed_by_sanitizer(convert(text, setup), setup.extensions):
        return text
    # HTML, braces and links escaped in code too: safe whatever the engine takes for code
    return _escaped(reading, numbers, allow_raw_html, markup_in_code=True)


def _escaped(reading: BodyReading, numbers: dict[str, int], allow_raw_html: bool, markup_in_code: bool = False) -> str:
    body = reading.body
    edits: dict[int, tuple[int, str]] = {}  # position: (length replaced, replacement)
    for match in reading.citations():
        ids = [part.strip().lstrip("@") for part in match.group(1).split(";")]
        edits[match.start()] = (match.end() - match.start(), "".join(f"[[{numbers[i]}]](#source-{i})" if i in numbers else f"[{i}?]" for i in ids))
    prose = reading.prose()
    for i in _unbounded_brackets(body, prose):
        edits[i] = (1, "\\" + body[i])
    if not allow_raw_html:
        markup = reading.all_prose() if markup_in_code else reading
        for i in markup.prose():
            if body[i] == "<" and not _AUTOLINK.match(body, i):
                edits[i] = (1, "&lt;")
            elif body[i] == "{":
                edits[i] = (1, "\\{")
        for i in unsafe_links(markup):
            edits[i] = (1, "\\" + body[i])
    if not edits:
        return body
    out, last = [], 0
    for i in sorted(edits):
        if i < last:
            continue
        length, replacement = edits[i]
        out += [body[last:i], replacement]
        last = i + length
    out.append(body[last:])
    return "".join(out)


def unsafe_links(reading: BodyReading) -> list[int]:
    """Where a link or link definition outside code points at a scheme other than http, https or mailto
    (the `(` of its target, or the `[` of its definition)."""
    body = reading.body
    found = [i for i in reading.prose() if body[i] == "(" and i and body[i - 1] == "]" and not _target_is_safe(_LINK_TARGET, body, i)]
    for match in DEFINITION_LINE.finditer(body):
        if not _target_is_safe(_DEFINITION_TARGET, body, match.end() - 2):
            found.append(body.index("[", match.start()))
    return sorted(found)


def _target_is_safe(pattern: re.Pattern[str], body: str, at: int) -> bool:
    match = pattern.match(body, at)
    return match is None or (len(match.group(1)) < MAX_TARGET and is_safe_url(match.group(1)))


def _unbounded_brackets(body: str, prose: list[int]) -> list[int]:
    """The prose brackets to escape: those that cannot close within their paragraph, and those nested too deep."""
    escaped: list[int] = []
    squares: list[int] = []  # open `[`
    parens: list[tuple[int, bool]] = []  # open `(`, and whether it follows `]` (a link target)
    paragraph_end = -1

    def end_paragraph() -> None:
        escaped.extend(squares)
        escaped.extend(i for i, link in parens if link)
        squares.clear()
        parens.clear()

    for i in prose:
        if i > paragraph_end:
            end_paragraph()
            blank = _BLANK_LINE.search(body, i)
            paragraph_end = blank.start() if blank else len(body)
        c = body[i]
        if c == "[":
            if len(squares) >= MAX_BRACKET_DEPTH:
                escaped.append(i)
            else:
                squares.append(i)
        elif c == "]" and squares:
            squares.pop()
        elif c == "(":
            link = i > 0 and body[i - 1] == "]"
            if link and sum(p[1] for p in parens) >= MAX_BRACKET_DEPTH:
                escaped.append(i)
            else:
                parens.append((i, link))
        elif c == ")" and parens:
            parens.pop()
    end_paragraph()
    return escaped


_BLANK_LINE = re.compile(r"\n[ \t]*\n")
