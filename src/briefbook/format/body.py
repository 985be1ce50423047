"""One reading of a brief's body: which of its characters the site's Markdown reads as code.

Every consumer asks this module: the citation check, citation links, the raw-HTML escape and
the bracket guard. It does not guess where code is; it asks the Markdown engine the site uses
(MkDocs' built-in extensions and the project's own): each character that matters (`<`, `{`,
brackets and parentheses) is replaced by a unique marker that Markdown reads as plain text,
the body is converted, and a marker that comes out inside `<code>` or `<pre>` was code.

A body with no code syntax at all (no backtick, no `~~~`, no indented line) has no code, and
is read without the engine. A body that has code is converted once more after escaping, and
its HTML compared with what the sanitizer would keep: where the two readings could differ (a
code span that runs across lines into an HTML tag), the escaping is done again with HTML,
braces and script links escaped inside code too, so that the Markdown briefbook writes is safe
even where no sanitizer runs.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown


# what MkDocs always adds to a site's markdown_extensions
MARKDOWN_EXTENSION = "briefbook.site.markdown_ext"  # added by the plugin; not the site's own
MKDOCS_BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")
CITATION_RE = re.compile(r"\[@([a-z0-9][a-z0-9-]*(?:\s*;\s*@[a-z0-9][a-z0-9-]*)*)\]")
_SPECIAL = re.compile(r"[<{\[\]()]")
# Any of these may start code: without one, a body is all prose.
_CODE_SYNTAX = re.compile(r"`|~~~|^[ >]*(?: {4}|\t)", re.MULTILINE)
# Lines whose brackets or braces are syntax that decides the blocks around them (a link,
# footnote or abbreviation definition ends a block; braces on a fence give its attributes):
# they keep these characters in the probe, so that the engine reads the same blocks.
DEFINITION_LINE = re.compile(r"^[ ]{0,3}\*?\[[^\[\]\n]*\]:", re.MULTILINE)
_FENCE_LINE = re.compile(r"^[ \t>]*(?:`{3,}|~{3,})[^\n]*", re.MULTILINE)
# markers: a pair of private-use characters, the first from the low half, the second from the high half
_LOW, _HALF = 0xE000, 3199
_MARKER = re.compile(f"[{chr(_LOW)}-{chr(_LOW + _HALF - 1)}][{chr(_LOW + _HALF)}-{chr(_LOW + 2 * _HALF - 1)}]")
_MARKER_RANGE = re.compile(f"[{chr(_LOW)}-{chr(_LOW + 2 * _HALF - 1)}]")
_NEUTRAL = "\uf8ff"  # stands for a body's own private-use characters in the probe


@dataclass(frozen=True)
class MarkdownSetup:
    """The site's Markdown: extension names and their settings."""

    extensions: tuple[str, ...] = MKDOCS_BUILTIN_EXTENSIONS
    # as JSON, a function by its name: what the caches key on, the same in every run
    configs: str = "{}"
    # as given (a `!!python/name:` setting is the function itself), for the engine
    live: dict | None = field(default=None, compare=False, hash=False, repr=False)

    @classmethod
    def of(cls, extensions: list, configs: dict | None = None) -> MarkdownSetup:
        names = list(MKDOCS_BUILTIN_EXTENSIONS)
        settings = dict(configs or {})
        for entry in extensions:
            if isinstance(entry, dict):  # mkdocs.yml's `- toc: {permalink: true}`
                for name, value in entry.items():
                    names.append(str(name))
                    if isinstance(value, dict):
                        settings[str(name)] = value
            elif isinstance(entry, str):
                names.append(entry)
        names = [n for n in dict.fromkeys(names) if n != MARKDOWN_EXTENSION]
        return cls(tuple(names), json.dumps(settings, sort_keys=True, default=_name), settings)


def _name(value: object) -> str:
    return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__qualname__)}"


@functools.lru_cache(maxsize=8)
def _engine(setup: MarkdownSetup) -> markdown.Markdown:
    configs = dict(setup.live) if setup.live is not None else json.loads(setup.configs)
    # Which text is code does not depend on how it is coloured: Pygments was most of the cost of
    # a body of many fences, and its output is spans with classes, which the sanitizer keeps.
    configs["pymdownx.highlight"] = {**configs.get("pymdownx.highlight", {}), "use_pygments": False}
    extensions = [*setup.extensions, "pymdownx.highlight"]
    try:
        return markdown.Markdown(extensions=extensions, extension_configs=configs)
    except Exception:  # a setting only MkDocs can give (a `!!python/name:`): the extensions as they come
        return markdown.Markdown(extensions=extensions, extension_configs={"pymdownx.highlight": {"use_pygments": False}})


def convert(text: str, setup: MarkdownSetup) -> str:
    engine = _engine(setup)
    engine.reset()
    return engine.convert(text)


class _CodeText(HTMLParser):
    """Collects the text inside code elements, and the text elsewhere."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.code: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:  # type: ignore[no-untyped-def]
        if tag in ("code", "pre"):
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("code", "pre") and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.code.append(data)


def _marker(n: int) -> str:
    return chr(_LOW + n // _HALF) + chr(_LOW + _HALF + n % _HALF)


def _marker_number(marker: str) -> int:
    return (ord(marker[0]) - _LOW) * _HALF + ord(marker[1]) - _LOW - _HALF


@dataclass(frozen=True)
class BodyReading:
    """A body and the positions of its special characters (`<`, `{`, brackets, parentheses) that are code."""

    body: str
    special: tuple[int, ...]  # every position of a special character
    code: frozenset[int]

    def citations(self) -> list[re.Match[str]]:
        """The `[@id]` citations outside code."""
        return self._citations

    @functools.cached_property
    def _citations(self) -> list[re.Match[str]]:  # asked for by the escape, the prose and the check
        return [m for m in CITATION_RE.finditer(self.body) if m.start() not in self.code]

    def citation_places(self, first_line: int) -> list[tuple[str, int, int]]:
        """Each cited id with its line and column in the file."""
        found = []
        for match in self.citations():
            line, column = self.place(match.start(), first_line)
            for part in match.group(1).split(";"):
                found.append((part.strip().lstrip("@"), line, column))
        return found

    def place(self, i: int, first_line: int) -> tuple[int, int]:
        """The line and column in the file of the body's character i."""
        line_start = self.body.rfind("\n", 0, i) + 1
        return first_line + self.body.count("\n", 0, i), i - line_start + 1

    def prose(self) -> list[int]:
        """The special characters outside code, citations and backslash escapes, in order."""
        return self._prose

    @functools.cached_property
    def _prose(self) -> list[int]:
        taken = {i for m in self.citations() for i in range(m.start(), m.end())}
        return [i for i in self.special if i not in self.code and i not in taken and not escaped_by_backslash(self.body, i)]

    def all_prose(self) -> BodyReading:
        return BodyReading(self.body, self.special, frozenset())


def read_body(body: str, setup: MarkdownSetup) -> BodyReading:
    special = tuple(m.start() for m in _SPECIAL.finditer(body))
    if not special or not _CODE_SYNTAX.search(body):
        return BodyReading(body, special, frozenset())
    return BodyReading(body, special, _code_positions(body, special, setup))


def _code_positions(body: str, special: tuple[int, ...], setup: MarkdownSetup) -> frozenset[int]:
    kept: set[int] = set()
    for match in DEFINITION_LINE.finditer(body):
        kept.update(i for i in range(match.start(), match.end()) if body[i] in "[]")
    for match in _FENCE_LINE.finditer(body):
        kept.update(i for i in range(match.start(), match.end()) if body[i] == "{")
    probe, last, numbered = [], 0, []
    for i in special:
        if i in kept:
            continue
        probe += [_MARKER_RANGE.sub(_NEUTRAL, body[last:i]), _marker(len(numbered))]
        numbered.append(i)
        last = i + 1
    probe.append(_MARKER_RANGE.sub(_NEUTRAL, body[last:]))
    parser = _CodeText()
    parser.feed(convert("".join(probe), setup))
    parser.close()
    code = {numbered[_marker_number(m)] for m in _MARKER.findall("".join(parser.code)) if _marker_number(m) < len(numbered)}
    # a fence's attributes stay as written; render_body's second look catches a line that was no fence
    code.update(i for i in kept if body[i] == "{")
    return frozenset(code)


def escaped_by_backslash(body: str, i: int) -> bool:
    if body[i] == "<":  # not among the characters Markdown lets a backslash escape: `\\<b>` is a tag
        return False
    slashes = 0
    while i - slashes > 0 and body[i - slashes - 1] == "\\":
        slashes += 1
    return slashes % 2 == 1
