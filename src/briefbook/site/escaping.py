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

# Characters Python-Markdown (with tables) treats as syntax; a backslash makes each literal.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")
_WHITESPACE = re.compile(r"\s+")


def markdown_text(value: Any) -> Markup:
    """Any value as literal text inside Markdown: no markup, links or HTML can come through."""
    if isinstance(value, Markup):
        return value
    return _escaped_markdown(value if type(value) is str else str(value))


@functools.lru_cache(maxsize=1 << 16)  # titles, stances and labels recur on many pages
def _escaped_markdown(text: str) -> Markup:
    text = _WHITESPACE.sub(" ", text).strip()
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return Markup(_MARKDOWN_SPECIAL.sub(r"\\\1", text))


def html_text(value: Any) -> Markup:
    """For use inside raw HTML blocks, where Markdown is not processed."""
    return escape(_WHITESPACE.sub(" ", str(value)).strip())


def meta_value(value: Any) -> Markup:
    """A page-metadata value as JSON (valid YAML), HTML-escaped: MkDocs themes insert titles,
    descriptions and tags into the page without escaping them."""
    if isinstance(value, (list, tuple)):
        dumped = json.dumps([html.escape(_WHITESPACE.sub(" ", str(v)).strip()) for v in value], ensure_ascii=False)
    else:
        dumped = json.dumps(html.escape(_WHITESPACE.sub(" ", str(value)).strip()), ensure_ascii=False)
    # JSON leaves these as they are, but YAML refuses them unescaped, and the page would not build
    return Markup(_YAML_UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped))


_YAML_UNPRINTABLE = re.compile("[\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def url_value(url: str) -> Markup:
    """A validated http(s) URL, made safe as a Markdown link destination."""
    return Markup(quote(url, safe=":/?#[]@!$&'*+,;=%~"))


def code_span(value: Any) -> Markup:
    """Text as a Markdown code span, whose fence of backticks is longer than any run of them in the text."""
    text = _WHITESPACE.sub(" ", str(value)).strip()
    fence = "`" * (max(map(len, _BACKTICKS.findall(text)), default=0) + 1)
    return Markup(f"{fence} {text} {fence}")


_BACKTICKS = re.compile("`+")


def id_value(value: str) -> Markup:
    """An id checked by the model ([a-z0-9-]), usable as is in anchors and paths."""
    if not ID_RE.match(value):
        raise ValueError(f"not an id: {value!r}")
    return Markup(value)

