"""Tables and lists of simple inline Markdown, built as elements before Python-Markdown reads them.

The corpus-wide views are tables and lists of thousands of entries (the positions matrix, what to
watch, the timeline, the sources), and Python-Markdown spent most of their conversion in passes that
find nothing to do in them: two HTML parsers over the whole page (MkDocs' anchor finder and the
raw-HTML extractor), then every inline pattern tried over every cell and item. A table or a tight
list whose every cell or item is made only of text, backslash escapes, entities, simple tags,
`[text](url)` links, `**strong**` and `*emphasis*` (and attribute lists of classes and ids where the
views put them) is turned here into the tree those passes would have made. The later passes
(attribute lists, MkDocs' link rewriting and checking, the safety pass, the serializer) then see what
they saw before, and the page's HTML is byte for byte the same: tests/test_markdown_blocks.py
converts pages both ways.

Anything else (code, images, a tag carrying an anchor id, nested blocks, a list next to another
list, an extension adding inline syntax) leaves the block to Python-Markdown, as does any page
converted without this extension (plain MkDocs over `render --out`'s output), which gives the same HTML.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.preprocessors import Preprocessor
from markdown.util import HTML_PLACEHOLDER_RE, AtomicString

from .markdown_inline import InlineReader

# The inline patterns whose syntax the reader knows; another extension's (emoji, smart quotes, magic
# links...) might find something in text the reader takes as plain.
KNOWN_INLINE_PATTERNS = frozenset({
    "backtick", "escape", "reference", "link", "image_link", "image_reference", "short_reference",
    "short_image_ref", "autolink", "automail", "linebreak", "html", "entity", "not_strong", "em_strong",
    "em_strong2", "footnote",
})

_SEPARATOR_CELL = re.compile(r" *-+ *")  # no colon: aligned columns are left to the tables extension
_PIPES = re.compile(r"\\\\|\\\||(\|)")
_ATTRIBUTE_LINE = re.compile(r"  \{[ .#a-zA-Z0-9-]+\}")  # `  { .bb-event .bb-actor-x }` under an item
# What would make an item's text a block of its own (a heading, a quote, a nested list, an admonition...)
_BLOCK_START = re.compile(r"[\s#>\-+=:|!?<]|\*\s|\d+[.)]")
_LIST_MARKER = re.compile(r"[ \t]|[*+-][ \t]|\d+\.[ \t]")


class PrebuiltBlock(str):
    """A stash entry: the block's Markdown (what the page shows wherever the placeholder lands
    outside Markdown, as inside a raw HTML block) and the element built from it."""

    element: etree.Element


class BlockPreprocessor(Preprocessor):
    """Finds tables (every line starting with `|`) and tight `- ` lists standing as blocks of their own
    and stashes each one whose every cell or item the reader takes whole, leaving its placeholder."""

    def run(self, lines: list[str]) -> list[str]:
        patterns = self.md.inlinePatterns
        if sum(name in patterns for name in KNOWN_INLINE_PATTERNS) != len(patterns):
            return lines  # an inline pattern the reader does not know
        reader = InlineReader.for_markdown(self.md)
        out: list[str] = []
        start, count = 0, len(lines)
        while start < count:
            line = lines[start]
            element, end = None, start
            if (line.startswith("|") or line.startswith("- ")) and (start == 0 or lines[start - 1] == ""):
                end = _block_end(lines, start)
                if end == count or lines[end] == "":
                    if line.startswith("|"):
                        element = self._table(lines[start:end], reader)
                    elif _alone(lines, start, end):
                        element = self._list(lines[start:end], reader)
            if element is None:
                out.append(line)
                start += 1
                continue
            entry = PrebuiltBlock("\n".join(lines[start:end]))
            entry.element = element
            out.append(self.md.htmlStash.store(entry))
            start = end
        return out

    def _table(self, rows: list[str], reader: InlineReader) -> etree.Element | None:
        if len(rows) < 2:
            return None
        header = rows[0].strip(" ")
        border = header.startswith("|") or _ends_with_pipe(header)
        head_cells = _split_row(header, border)
        separator = _split_row(rows[1].strip(" "), border)
        if len(head_cells) < 2 or len(separator) != len(head_cells) or not all(_SEPARATOR_CELL.fullmatch(c) for c in separator):
            return None
        table = etree.Element("table")
        columns = len(head_cells)
        body_rows = [_split_row(row.strip(" "), border) for row in rows[2:]] or [[]]
        for section_tag, cell_tag, section_rows in (("thead", "th", [head_cells]), ("tbody", "td", body_rows)):
            section = etree.SubElement(table, section_tag)
            for cells in section_rows:
                tr = etree.SubElement(section, "tr")
                for index in range(columns):
                    cell = etree.SubElement(tr, cell_tag)
                    if not cells:
                        continue  # an empty table's one empty row, as the tables extension makes it
                    if not reader.fill(cells[index].strip(" ") if index < len(cells) else "", cell, self.md.htmlStash):
                        return None
        return table

    def _list(self, lines: list[str], reader: InlineReader) -> etree.Element | None:
        ul = etree.Element("ul")
        index = 0
        while index < len(lines):
            text = lines[index][2:]
            attributes = lines[index + 1] if index + 1 < len(lines) and not lines[index + 1].startswith("- ") else None
            if not text or _BLOCK_START.match(text) or text.endswith(" ") or "|" in text.replace("\\|", ""):
                return None
            if attributes is not None and not _ATTRIBUTE_LINE.fullmatch(attributes):
                return None
            li = etree.SubElement(ul, "li")
            if not reader.fill(text, li, self.md.htmlStash):
                return None
            if attributes is not None:
                # left where Python-Markdown leaves it, at the end of the item's text, for the attribute list pass
                last = li[-1] if len(li) else None
                if last is None:
                    li.text = AtomicString(f"{li.text}\n{attributes}")
                else:
                    last.tail = AtomicString(f"{last.tail or ''}\n{attributes}")
            index += 2 if attributes is not None else 1
        return ul


class PrebuiltBlockProcessor(BlockProcessor):
    """Puts a stashed block's element where its placeholder stands as a block of its own."""

    def test(self, parent: etree.Element, block: str) -> bool:
        match = HTML_PLACEHOLDER_RE.fullmatch(block)
        if not match:
            return False
        stash = self.parser.md.htmlStash.rawHtmlBlocks
        index = int(match.group(1))
        return index < len(stash) and isinstance(stash[index], PrebuiltBlock)

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        index = int(HTML_PLACEHOLDER_RE.fullmatch(blocks.pop(0)).group(1))  # type: ignore[union-attr]
        stash = self.parser.md.htmlStash.rawHtmlBlocks
        parent.append(stash[index].element)  # type: ignore[union-attr]
        stash[index] = ""  # consumed: nothing left for the raw HTML pass to put back


def register(md: Markdown) -> None:
    # After the fenced code blocks (25) have been stashed, before MkDocs' anchor finder (21) and the
    # raw-HTML extractor (20) read the page; the block processor before every other (md_in_html's 105).
    md.preprocessors.register(BlockPreprocessor(md), "briefbook_blocks", 23)
    md.parser.blockprocessors.register(PrebuiltBlockProcessor(md.parser), "briefbook_blocks", 110)


def _block_end(lines: list[str], start: int) -> int:
    """The end of the run of lines from `start` that a table (`|` lines) or a list (`- ` items, each
    with at most one attribute line) could hold."""
    end = start + 1
    if lines[start].startswith("|"):
        while end < len(lines) and lines[end].startswith("|"):
            end += 1
        return end
    while end < len(lines) and (lines[end].startswith("- ") or (lines[end].startswith("  {") and lines[end - 1].startswith("- "))):
        end += 1
    return end


def _alone(lines: list[str], start: int, end: int) -> bool:
    """Whether the list at lines[start:end] is a list of its own: Python-Markdown joins a list to a list
    just before or after it (as one loose list), and an indented block after it to its last item."""
    after = end
    while after < len(lines) and lines[after] == "":
        after += 1
    if after < len(lines) and _LIST_MARKER.match(lines[after]):
        return False
    before = start - 1
    while before >= 0 and lines[before] == "":
        before -= 1
    while before >= 0 and lines[before] != "":
        if _LIST_MARKER.match(lines[before]):
            return False
        before -= 1
    return True


def _split_row(row: str, border: bool) -> list[str]:
    """The tables extension's split, for rows without code spans (the reader refuses a backtick)."""
    if border:
        if row.startswith("|"):
            row = row[1:]
        if _ends_with_pipe(row):
            row = row[:-1]
    if "\\|" not in row:
        return row.split("|")  # no pipe is escaped
    cells, start = [], 0
    for match in _PIPES.finditer(row):
        if match.group(1):
            cells.append(row[start:match.start()])
            start = match.end()
    cells.append(row[start:])
    return cells


def _ends_with_pipe(row: str) -> bool:
    """Whether the row ends with a pipe that no backslash escapes (the tables extension's end border)."""
    if not row.endswith("|"):
        return False
    backslashes = len(row) - 1 - len(row[:-1].rstrip("\\"))
    return backslashes % 2 == 0
