"""Text from a brief made literal where a template places it: in Markdown, in raw HTML, in page
metadata, in a link, in a code span. Every value a template writes passes one of these."""

from __future__ import annotations

import functools
import html
import json
import re
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

from ..format.model import ID_RE

# Characters Python-Markdown (with tables) treats as syntax; a backslash makes each literal. The
# backslash comes first, so that no other's backslash is doubled. (str.replace per character: a
# regular expression's substitution called Python for each match, and was most of the escaping.)
_MARKDOWN_SPECIAL = tuple((c, "\\" + c) for c in "\\`*_{}[]()#+-.!|>")


def markdown_text(value: Any) -> Markup:
    """Any value as literal text inside Markdown: no markup, links or HTML can come through."""
    if isinstance(value, Markup):
        return value
    return _escaped_markdown(value if type(value) is str else str(value))


@functools.lru_cache(maxsize=1 << 16)  # titles, stances and labels recur on many pages
def _escaped_markdown(text: str) -> Markup:
    text = _one_line(text).replace("&", "&amp;").replace("<", "&lt;")
    for special, escaped in _MARKDOWN_SPECIAL:
        if special in text:
            text = text.replace(special, escaped)
    return Markup(text)


def _one_line(text: str) -> str:
    """Every run of white space as one space, none at the ends (what a regular expression of
    `\\s+` and a strip give, several times faster)."""
    return " ".join(text.split())


def html_text(value: Any) -> Markup:
    """For use inside raw HTML blocks, where Markdown is not processed."""
    return escape(_one_line(str(value)))


def meta_value(value: Any) -> Markup:
    """A page-metadata value as JSON (valid YAML), HTML-escaped: MkDocs themes insert titles,
    descriptions and tags into the page without escaping them."""
    if isinstance(value, (list, tuple)):
        dumped = json.dumps([html.escape(_one_line(str(v))) for v in value], ensure_ascii=False)
    else:
        dumped = json.dumps(html.escape(_one_line(str(value))), ensure_ascii=False)
    # JSON leaves these as they are, but YAML refuses them unescaped, and the page would not build
    return Markup(_YAML_UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped))


_YAML_UNPRINTABLE = re.compile("[\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def url_value(url: str) -> Markup:
    """A validated http(s) URL, made safe as a Markdown link destination."""
    return Markup(quote(url, safe=":/?#[]@!$&'*+,;=%~"))


def code_span(value: Any) -> Markup:
    """Text as a Markdown code span, whose fence of backticks is longer than any run of them in the text."""
    text = _one_line(str(value))
    fence = "`" * (max(map(len, _BACKTICKS.findall(text)), default=0) + 1)
    return Markup(f"{fence} {text} {fence}")


_BACKTICKS = re.compile("`+")


def id_value(value: str) -> Markup:
    """An id checked by the model ([a-z0-9-]), usable as is in anchors and paths."""
    return _checked_id(value) if type(value) is str else _id(value)


@functools.lru_cache(maxsize=1 << 16)  # each id is placed on many pages
def _checked_id(value: str) -> Markup:
    return _id(value)


def _id(value: str) -> Markup:
    if not ID_RE.match(value):
        raise ValueError(f"not an id: {value!r}")
    return Markup(value)

