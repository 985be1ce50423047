"""Text and bodies as Typst markup, escaped where they are placed.

Text from a brief never reaches Typst as markup: every piece is a string literal (`#"…";`),
which Typst shows as it is, so no `#`, `$`, `@`, `<label>`, `]` or backslash in a brief can
run code, start math, reference, label or close a block. The trailing `;` ends the embedded
expression, so text that follows (`.len()`, `(`, `[`) cannot continue it.

A body is read once, as the site reads it (body.py: which spans are code, where the citations
are), turned into HTML by the site's Markdown engine, passed through the site's sanitizer, and
that HTML is written as Typst: the PDF shows what the page shows. What the PDF cannot show (an
image) is printed as its description and reported by `check` (`unprintable`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markupsafe import Markup

from ..format.body import BodyReading, MarkdownSetup, convert, read_body
from ..format.diagnostics import Diagnostic
from ..site.body_markdown import render_body
from ..site.sanitize import is_safe_url, sanitize

_WHITESPACE = re.compile(r"\s+")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_STRING_SPECIAL = re.compile(r'[\\"\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _STRING_ESCAPES.get(char) or f"\\u{{{ord(char):x}}}"


def string_literal(value: object) -> Markup:
    """Any value as a Typst string literal, quotes included: for code (`link(…)`, `document(title: …)`)."""
    return Markup(f'"{_STRING_SPECIAL.sub(_escape, str(value))}"')


def typst_text(value: object) -> Markup:
    """Any value as literal text in Typst markup (whitespace collapsed, apostrophes typeset)."""
    if isinstance(value, Markup):
        return value
    text = _WHITESPACE.sub(" ", str(value))
    if not text:
        return Markup("")
    if "'" in text:
        text = _APOSTROPHE.sub("’", text)
    return Markup(f'#"{_STRING_SPECIAL.sub(_escape, text)}";')


def anchor(kind: str, name: str) -> str:
    """An invisible link target labelled `name` (templates/print: `bb-anchor`), of a kind the
    preamble defines (`source`, `brief`, `position`, `judgment`, `body`)."""
    return f"#bb-anchor({string_literal(kind)}, {string_literal(name)})"


# `bb-anchor` calls in written Typst: only ever ours, as `("` cannot occur inside a string literal
ANCHOR = re.compile(r'#bb-anchor\(("[a-z]+"), ("(?:[^"\\]|\\.)*")\)')


def gated(content: str) -> Markup:
    """Content laid out from Typst's second pass on (templates/print: `bb-gate`), with the anchors in it named.

    Typst lays a document out again until what it asks of the layout settles. Its first pass cannot
    resolve a link (no target is known yet), so everything with a link in it is laid out again; the
    gate leaves the first pass with only the anchors, and the second lays the content out once."""
    anchors = "".join(f"({kind}, {name}), " for kind, name in ANCHOR.findall(content))
    return Markup(f"#bb-gate(({anchors}), [\n{content.strip()}\n])\n")


# --- the body --------------------------------------------------------------------------------


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


_VOID = {"br", "hr", "img", "wbr", "col", "input"}


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs) -> None:  # type: ignore[no-untyped-def]
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs) -> None:  # type: ignore[no-untyped-def]
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _tree(html: str) -> _Node:
    parser = _Tree()
    parser.feed(html)
    parser.close()
    return parser.root


@dataclass(frozen=True)
class BodyTargets:
    """What a body's links may point at in this document."""

    prefix: str  # this brief's labels: `<prefix><id>` for the ids in its body
    sources: frozenset[str]  # the sources with an entry (label `source-<id>`) in the document
    briefs: frozenset[str]  # the briefs in the document (label `brief-<id>`)
    heading_level: int = 3  # the level of the body's `#`/`##` headings


_INLINE = {"strong": "strong", "b": "strong", "em": "emph", "i": "emph", "sup": "super", "sub": "sub",
           "del": "strike", "s": "strike", "ins": "underline", "u": "underline", "mark": "highlight"}
_BLOCKS = {"p", "ul", "ol", "pre", "table", "blockquote", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "div", "details", "dl", "figure"}


_FLOW = {"root", "div", "blockquote", "details", "ul", "ol", "table", "thead", "tbody", "tfoot", "tr", "dl", "figure"}


class _Writer:
    def __init__(self, targets: BodyTargets, ids: set[str]):
        self.targets = targets
        self.ids = ids

    def children(self, node: _Node) -> str:
        kids = node.children
        if node.tag in _FLOW:  # whitespace between blocks is no text
            kids = [c for c in kids if not (isinstance(c, str) and not c.strip())]
        else:  # nor is it at the start or end of a paragraph, a heading or a cell
            kids = list(kids)
            if kids and isinstance(kids[0], str):
                kids[0] = kids[0].lstrip()
            if kids and isinstance(kids[-1], str):
                kids[-1] = kids[-1].rstrip()
        return "".join(self.node(c) for c in kids)

    def node(self, node: _Node | str) -> str:
        if isinstance(node, str):
            return typst_text(node)
        out = self.element(node)
        ident = node.attrs.get("id")
        if ident and out:
            out = anchor("body", self.targets.prefix + ident) + out
        return out

    def node_anchor(self, node: _Node) -> str:
        ident = node.attrs.get("id")
        return anchor("body", self.targets.prefix + ident) if ident else ""

    def element(self, node: _Node) -> str:
        tag = node.tag
        if tag in _INLINE:
            return f"#{_INLINE[tag]}[{self.children(node)}]"
        if tag == "p":
            return self.children(node).strip() + "\n\n"
        if tag == "br":
            return "#linebreak()"
        if tag == "code":
            return f"#raw({string_literal(node.text())});"
        if tag == "pre":
            code = node.text()
            lang = next((c.removeprefix("language-") for c in node.attrs.get("class", "").split() if c.startswith("language-")), "")
            for child in node.children:
                if isinstance(child, _Node) and child.tag == "code":
                    lang = lang or next((c.removeprefix("language-") for c in child.attrs.get("class", "").split() if c.startswith("language-")), "")
            lang_arg = f"lang: {string_literal(lang)}, " if re.fullmatch(r"[A-Za-z0-9_+-]{1,30}", lang) else ""
            return f"#block(width: 100%, inset: 6pt, fill: luma(245))[#raw(block: true, {lang_arg}{string_literal(code.rstrip())})]\n\n"
        if tag == "a":
            return self.link(node)
        if tag in ("ul", "ol"):
            items = [f"[{self.node_anchor(li)}{self.children(li).strip()}]" for li in node.children if isinstance(li, _Node) and li.tag == "li"]
            if not items:
                return ""
            if tag == "ul":
                return f"#list({', '.join(items)})\n\n"
            start = node.attrs.get("start", "1")
            start_arg = f"start: {int(start)}, " if start.isdigit() else ""
            return f"#enum({start_arg}{', '.join(items)})\n\n"
        if tag == "li":  # outside a list (malformed HTML): its content
            return self.children(node)
        if re.fullmatch(r"h[1-6]", tag):
            level = min(6, self.targets.heading_level + max(0, int(tag[1]) - 2))
            return f"#heading(level: {level}, outlined: false)[{self.children(node).strip()}]\n\n"
        if tag == "blockquote":
            return f"#quote(block: true)[{self.children(node).strip()}]\n\n"
        if tag == "hr":
            return "#line(length: 100%, stroke: 0.5pt + luma(160))\n\n"
        if tag == "table":
            return self.table(node)
        if tag == "dl":
            items = []
            term = ""
            for child in node.children:
                if isinstance(child, _Node) and child.tag == "dt":
                    term = self.children(child).strip()
                elif isinstance(child, _Node) and child.tag == "dd":
                    items.append(f"terms.item([{term}], [{self.children(child).strip()}])")
            return f"#terms({', '.join(items)})\n\n" if items else ""
        if tag == "img":
            alt = node.attrs.get("alt", "").strip()
            return f"#emph[{typst_text(f'[image: {alt}]' if alt else '[image]')}]"
        if tag in ("details",) or (tag == "div" and "admonition" in node.attrs.get("class", "").split()):
            return self.aside(node)
        if tag == "div" and "footnote" in node.attrs.get("class", "").split():
            return f"#block(above: 1.2em)[#set text(size: 0.85em)\n{self.children(node)}]\n\n"
        if tag in ("script", "style", "template"):  # never content, in a page either
            return ""
        if tag in _BLOCKS:
            return self.children(node).strip() + "\n\n"
        return self.children(node)

    def aside(self, node: _Node) -> str:
        title, rest = "", []
        for child in node.children:
            if isinstance(child, _Node) and (child.tag == "summary" or "admonition-title" in child.attrs.get("class", "").split()):
                title = self.children(child).strip()
            else:
                rest.append(self.node(child))
        heading = f"#strong[{title}]\n\n" if title else ""
        return (f"#block(width: 100%, inset: (left: 8pt, y: 4pt), stroke: (left: 2pt + luma(150)), breakable: true)"
                f"[{heading}{''.join(rest).strip()}]\n\n")

    def link(self, node: _Node) -> str:
        content = self.children(node)
        href = node.attrs.get("href", "")
        if {"footnote-backref", "headerlink"} & set(node.attrs.get("class", "").split()):  # the page's own navigation
            return ""
        if href.startswith("#source-") and href.removeprefix("#source-") in self.targets.sources:
            return f"#link(<source-{href.removeprefix('#source-')}>)[{content}]"
        if href.startswith("#"):
            fragment = href[1:]
            return f"#link(label({string_literal(self.targets.prefix + fragment)}))[{content}]" if fragment in self.ids else content
        if href.lower().startswith(("http://", "https://", "mailto:")) and is_safe_url(href):
            return f"#link({string_literal(href)})[{content}]"
        target = re.fullmatch(r"(?:[^#?]*/)?([a-z0-9-]+)\.md(?:#[^?]*)?", href)
        if target and target.group(1) in self.targets.briefs:
            return f"#link(<brief-{target.group(1)}>)[{content}]"
        return content

    def table(self, node: _Node) -> str:
        rows: list[tuple[bool, list[str]]] = []

        def collect(n: _Node, header: bool) -> None:
            for child in n.children:
                if not isinstance(child, _Node):
                    continue
                if child.tag == "tr":
                    cells = [c for c in child.children if isinstance(c, _Node) and c.tag in ("td", "th")]
                    rows.append((header or all(c.tag == "th" for c in cells), [f"[{self.children(c).strip()}]" for c in cells]))
                elif child.tag in ("thead", "tbody", "tfoot"):
                    collect(child, child.tag == "thead")

        collect(node, False)
        if not rows:
            return ""
        columns = max(len(cells) for _, cells in rows)
        parts = []
        for header, cells in rows:
            cells = cells + ["[]"] * (columns - len(cells))
            parts.append(f"table.header({', '.join(cells)})" if header and not parts else ", ".join(cells))
        return f"#bb-body-table(columns: {columns}, {', '.join(parts)})\n\n"


def _ids(node: _Node, found: set[str]) -> set[str]:
    if node.attrs.get("id"):
        found.add(node.attrs["id"])
    for child in node.children:
        if isinstance(child, _Node):
            _ids(child, found)
    return found


def body_typst(reading: BodyReading, numbers: dict[str, int], targets: BodyTargets, allow_raw_html: bool, setup: MarkdownSetup) -> Markup:
    """A brief's body as Typst markup: citations numbered as in `numbers`, each linked to its entry."""
    if not reading.body.strip():
        return Markup("")
    # the body's HTML as the site's Markdown makes it for its page
    html = convert(render_body(reading, numbers, allow_raw_html, setup), setup)
    tree = _tree(html if allow_raw_html else sanitize(html, setup.extensions))
    return Markup(_Writer(targets, _ids(tree, set())).children(tree).strip() + "\n")


# --- what the PDF cannot show ----------------------------------------------------------------

# Raw HTML (where the site allows it) that the PDF shows as its text: everything but these.
_SHOWN_TAGS = set(_INLINE) | _BLOCKS | {"a", "br", "code", "li", "dt", "dd", "span", "abbr", "small", "summary", "tr", "td", "th",
                                        "thead", "tbody", "tfoot", "cite", "q", "kbd", "samp", "var", "time", "dfn", "caption"}
_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)")


def unprintable(reading: BodyReading, display: str, first_line: int, allow_raw_html: bool) -> list[Diagnostic]:
    """Warnings for what in a body the PDF cannot show: images (printed as their description) and,
    where the site allows raw HTML, elements other than text and its structure."""
    body = reading.body
    if "![" not in body and not (allow_raw_html and "<" in body):
        return []
    found = []
    for i in reading.prose():
        if body[i] == "[" and i and body[i - 1] == "!":
            line, column = reading.place(i - 1, first_line)
            found.append(Diagnostic(display, line, column, "body", "an image, which the PDF cannot show (it prints the image's description)",
                                    "describe what it shows in the text, or link to it", "warning"))
        elif body[i] == "<" and allow_raw_html and (tag := _TAG.match(body, i)) and tag.group(1).lower() not in _SHOWN_TAGS:
            line, column = reading.place(i, first_line)
            found.append(Diagnostic(display, line, column, "body", f"raw HTML `<{tag.group(1)}>`, which the PDF shows as its text only",
                                    "write it in Markdown, or accept that the PDF shows its text", "warning"))
    return found


def unprintable_in(corpus, settings) -> list[Diagnostic]:  # type: ignore[no-untyped-def]
    """`unprintable` for every brief of the corpus."""
    found: list[Diagnostic] = []
    for brief in corpus.briefs.values():
        body = brief.raw.body
        if "![" in body or (settings.allow_raw_html and "<" in body):
            found += unprintable(read_body(body, settings.markdown), brief.display, brief.raw.body_line, settings.allow_raw_html)
    return found
