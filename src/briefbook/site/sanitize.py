"""The last line of defence: the HTML of every page made from a brief passes nh3 (the Rust
ammonia sanitizer) before it is written, unless the site allows raw HTML.

The allow-list is what briefbook's templates, Material and the Markdown extensions a briefing
book uses put in a page's content; anything else (a script, an iframe, an event handler, a
`javascript:` link, a style beyond text alignment) is removed. docs/security.md lists it.
"""

from __future__ import annotations

import functools
import html
import re
from collections import Counter
from html.parser import HTMLParser

import nh3

_EVERYWHERE = {
    "class", "id", "title", "lang", "dir", "hidden", "role",
    "aria-hidden", "aria-label", "aria-labelledby", "aria-describedby",
    # Pagefind reads these from the page: briefbook's templates set them
    "data-pagefind-body", "data-pagefind-ignore", "data-pagefind-filter", "data-pagefind-meta",
    "data-pagefind-weight", "data-pagefind-sort", "data-pagefind-index-attrs",
    # the filters of the changes and watch pages and the since-date picker (templates/overrides/assets/javascripts/briefbook-filter.js)
    "data-filter-option", "data-filter-value", "data-filter-kind", "data-filter-actor", "data-filter-issue", "data-filter-status",
    "data-moved", "data-since-default",
}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": _EVERYWHERE,
    "a": {"href", "rel"},  # links, footnote references, permalinks, autolinks
    "img": {"src", "alt", "width", "height", "loading"},
    "th": {"scope", "colspan", "rowspan", "style"},  # tables: alignment as style="text-align: …"
    "td": {"colspan", "rowspan", "style"},
    "col": {"span"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "details": {"open"},  # pymdownx.details
    "time": {"datetime"},
    "abbr": set(),
}
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "nav", "ol", "p", "pre", "q", "s",
    "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "time", "tr", "u", "ul", "var", "wbr",
}
# What more an extension puts in a page, when the site enables it.
EXTENSION_ALLOWS: dict[str, dict[str, set[str]]] = {
    "pymdownx.tasklist": {"input": {"type", "checked", "disabled"}, "label": set()},
    "pymdownx.tabbed": {"input": {"type", "name", "checked"}, "label": {"for"}, "div": {"data-tabs"}},  # Material's content tabs
    "pymdownx.emoji": {"svg": {"xmlns", "viewbox", "width", "height"}, "path": {"d"}},  # Material's icons, inline
}
URL_SCHEMES = {"http", "https", "mailto"}
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
STYLE_PROPERTIES = {"text-align"}

@functools.lru_cache(maxsize=8)
def _cleaner(extensions: tuple[str, ...]) -> nh3.Cleaner:
    tags, attributes = set(ALLOWED_TAGS), {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}
    for extension in extensions:
        for tag, names in EXTENSION_ALLOWS.get(extension, {}).items():
            tags.add(tag)
            attributes.setdefault(tag, set()).update(names)
    return nh3.Cleaner(
        tags=tags,
        attributes=attributes,
        url_schemes=URL_SCHEMES,
        filter_style_properties=STYLE_PROPERTIES,
        strip_comments=False,  # Material's tags plugin marks where its listings go in comments
        link_rel=None,  # the page's own links keep the rel they have
    )


def is_safe_url(url: str) -> bool:
    """Relative URLs and http, https and mailto links; nothing a browser would run or inline."""
    # The serializer keeps character references (`jav&#x61;script:`) and the browser decodes them.
    decoded = url
    for _ in range(3):
        url, decoded = decoded, html.unescape(decoded)
        if decoded == url:
            break
    match = _SCHEME.match(_CONTROL.sub("", decoded))
    return match is None or match.group(1).lower() in URL_SCHEMES


def sanitize(markup: str, extensions: tuple[str, ...] = ()) -> str:
    """The HTML with only what the allow-list (and the site's Markdown extensions) allow."""
    return _cleaner(extensions).clean(markup)


class _Elements(HTMLParser):
    """Every element and each of its attributes, as (tag, name, value) triples."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: Counter[tuple[str, str, str]] = Counter()

    def handle_starttag(self, tag: str, attrs) -> None:  # type: ignore[no-untyped-def]
        self.found[(tag, "", "")] += 1
        for name, value in attrs:
            value = " ".join((value or "").split())
            if name == "style":  # the sanitizer writes `text-align: left;` as `text-align:left`
                value = value.replace(" ", "").rstrip(";")
            self.found[(tag, name, value)] += 1

    handle_startendtag = handle_starttag


def _elements(markup: str) -> Counter[tuple[str, str, str]]:
    parser = _Elements()
    parser.feed(markup)
    parser.close()
    return parser.found


def removed_by_sanitizer(markup: str, extensions: tuple[str, ...] = ()) -> list[str]:
    """What the sanitizer would take out of this HTML (elements and attributes), empty if nothing."""
    removed = _elements(markup) - _elements(sanitize(markup, extensions))
    return sorted(f"<{tag}>" if not name else f"<{tag} {name}={value!r}>" for tag, name, value in removed)
