"""A table cell's or list item's inline Markdown read the way Python-Markdown's inline patterns read it,
for the few kinds of piece briefbook's views are made of (markdown_blocks.py builds the blocks).

Each piece becomes what the patterns would make of it. A link is an `a` element, `**text**` a
`strong`, `*text*` an `em`, their text holding each backslash escape as the STX/ETX placeholder
that the unescape pass turns back into the character at the end. The text around them, where it
holds a tag, is stashed as the HTML the page would show (the tags as they are, the text escaped as
the serializer escapes it): one placeholder for the run instead of one per tag; where it holds no
tag it stays text, escapes as placeholders. An attribute list right after a link stays text, where
the attribute list pass finds it. Whatever else the Markdown holds, `fill` says False.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.util import ETX, STX, AtomicString, HtmlStash

_TAG = r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>\[\]`\\]*)?>"
_TAGS = re.compile(f"({_TAG})")
# the serializer's: an `&` that starts no entity
_LONE_AMPERSAND = re.compile(r"&(?!(?:\#[0-9]+|\#x[0-9a-f]+|[0-9a-z]+);)", re.IGNORECASE)
# no code, emphasis, link, image, tag, entity, attribute list, placeholder
_PLAIN = r"[^\\`*_\[\]!<&{}\x02\x03]"
# Each alternative starts with its literal character and looks behind it after, so that the search
# skips to the next `[` or `*` instead of trying three lookbehinds at every character of a cell;
# the repeats are possessive (none can give back a character that would let the rest match).
_ELEMENTS = re.compile(
    r"\[(?<!\\\[)((?:[^\]\\]++|\\.)*+)\]\(([^\s()<>\"'\\`\[\]]++)\)"  # [label](href), the `[` not escaped
    # Python-Markdown's delimiters: one that opens is followed by no space, one that closes follows none
    r"|\*(?<![\\*]\*)\*(?!\s)([^*]++)(?<!\s)\*\*(?!\*)"  # **strong**, the first `*` after no `\` or `*`
    r"|\*(?<![\\*]\*)(?!\s)([^*]++)(?<!\s)\*(?!\*)"  # *emphasis*
)
_ATTRIBUTES_AFTER_LINK = re.compile(r"\{[ .#a-zA-Z0-9-]+\}")
# MkDocs learns of a raw tag's anchor from its own HTML pass, which the blocks built here skip
_ANCHOR_ATTRIBUTE = re.compile(r"\s(?:id|name)\s*=", re.IGNORECASE)


class InlineReader:
    def __init__(self, escaped_chars: tuple[str, ...]):
        escapable = "[" + re.escape("".join(escaped_chars)) + "]"
        # possessive repeats: a failed match must not retry every split of a long run (exponential time)
        text_piece = rf"{_PLAIN}++|\\{escapable}|\\(?!{escapable})|&(?!\\)|!"
        self._segment = re.compile(rf"(?:{text_piece}|{_TAG})*+")
        self._label = re.compile(rf"(?!\^)(?:{text_piece})++")
        self._escape = re.compile(rf"\\({escapable})")

    @staticmethod
    def for_markdown(md: Markdown) -> InlineReader:
        return _reader(tuple(md.ESCAPED_CHARS))

    def fill(self, markdown: str, parent: etree.Element, stash: HtmlStash) -> bool:
        """Sets `parent`'s text and appends its inline elements; False (and `parent` to be thrown
        away) if the Markdown holds anything but the pieces above."""
        if "![" in markdown or "***" in markdown or ("<" in markdown and _ANCHOR_ATTRIBUTE.search(markdown)):
            return False
        parts = _ELEMENTS.split(markdown)  # text, (label, href, strong, em), text, ...
        texts = parts[0::5]
        for index, text in enumerate(texts):
            if index and parts[5 * index - 4] is not None and (attributes := _ATTRIBUTES_AFTER_LINK.match(text)):
                text = text[attributes.end():]
            if not self._segment.fullmatch(text):
                return False
        parent.text = self._text(texts[0], stash)
        for index in range(1, len(texts)):
            label, href, strong, emphasis = parts[5 * index - 4:5 * index]
            content = label if label is not None else strong if strong is not None else emphasis
            if not self._label.fullmatch(content):
                return False
            if label is not None:
                element = etree.SubElement(parent, "a", href=href)
            else:
                element = etree.SubElement(parent, "strong" if strong is not None else "em")
            element.text = AtomicString(self._placeholders(content))
            text = texts[index]
            attributes = _ATTRIBUTES_AFTER_LINK.match(text) if label is not None else None
            if attributes:
                element.tail = AtomicString(attributes.group() + self._text(text[attributes.end():], stash))
            else:
                element.tail = self._text(text, stash)
        return True

    def _text(self, text: str, stash: HtmlStash) -> AtomicString:
        if "<" not in text:
            return AtomicString(self._placeholders(text))
        pieces = _TAGS.split(text)  # text, tag, text, tag, ..., text
        pieces[0::2] = [self._as_html(piece) for piece in pieces[0::2]]
        return AtomicString(stash.store("".join(pieces)))

    def _placeholders(self, text: str) -> str:
        return self._escape.sub(_escape_placeholder, text) if "\\" in text else text

    def _as_html(self, text: str) -> str:
        """Text as the page shows it: each escaped character as itself, then escaped as the serializer
        escapes text (`&` that starts no entity, `>`; the reader lets no `<` through)."""
        if "\\" in text:
            text = self._escape.sub(r"\1", text)
        if "&" in text:
            text = _LONE_AMPERSAND.sub("&amp;", text)
        return text.replace(">", "&gt;") if ">" in text else text


def _escape_placeholder(match: re.Match[str]) -> str:
    return f"{STX}{ord(match.group(1))}{ETX}"


@functools.lru_cache(maxsize=8)
def _reader(escaped_chars: tuple[str, ...]) -> InlineReader:
    return InlineReader(escaped_chars)
