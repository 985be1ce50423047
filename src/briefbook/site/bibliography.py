"""The book's bibliography as files readers can load into a reference manager: CSL JSON and BibTeX.

CSL JSON is the data format of the Citation Style Language (Zotero, Mendeley, pandoc and every CSL
processor read it); it is plain JSON, so the standard library writes it. BibTeX is LaTeX inside
a format of its own, so pybtex writes it: the escapes of `&`, `%`, `#`, `_` and braces.

Authors are given as the sources write them ("Lee Chi-dong", "Richard N. Haass"): a name is never
split into family and given names, since Korean, Japanese and Chinese names put the family name
first and a guess would misfile them. CSL takes such names as `literal`, BibTeX in braces.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import Any

from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.output.bibtex import Writer

from ..format.model import Source

CSL_JSON_FILE = "views/bibliography.json"
BIBTEX_FILE = "views/bibliography.bib"

# The CSL item type of each category (CSL 1.0.2 types).
CSL_TYPES = {"primary": "document", "reporting": "article-newspaper", "analysis": "article"}


def _authors(source: Source) -> list[str]:
    return [name.strip() for name in (source.author or "").split(" and ") if name.strip()]


def csl_item(source: Source) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": source.id,
        "type": CSL_TYPES[source.category],
        "title": source.title,
        "publisher": source.publisher,
        "issued": {"date-parts": [[source.date.year, source.date.month, source.date.day]]},
        "URL": source.url,
        "genre": source.category,
    }
    if source.category == "reporting":  # a news organisation is where the story appeared
        item["container-title"] = source.publisher
    if authors := _authors(source):
        item["author"] = [{"literal": name} for name in authors]
    if source.note:
        item["note"] = source.note
    return item


def csl_json(sources: Iterable[Source]) -> str:
    """The sources as a CSL JSON array, in id order, one item a line."""
    items = [json.dumps(csl_item(s), ensure_ascii=False) for s in sorted(sources, key=lambda s: s.id)]
    return "[\n" + ",\n".join(items) + "\n]\n"


# Braces group in BibTeX, even escaped, and an unmatched one breaks the file; pybtex's escaping
# (latexcodec) leaves braces and backslashes as LaTeX. Each is held as a private-use character
# through the escaping and written as LaTeX's command for it.
_HELD = str.maketrans({"{": "\ue000", "}": "\ue001", "\\": "\ue002"})
_COMMANDS = {"\ue000": r"\textbraceleft{}", "\ue001": r"\textbraceright{}", "\ue002": r"\textbackslash{}"}


class _BibtexWriter(Writer):
    """pybtex's BibTeX writer, with braces and backslashes of the text written as commands, each
    name braced whole, and the address left as written: `url` is read verbatim by biblatex and by
    hyperref's \\url, where an escaped `\\_` or `\\%` would be taken literally."""

    def _encode(self, text: str) -> str:
        return "".join(_COMMANDS.get(c, c) for c in super()._encode(text.translate(_HELD)))

    def _write_persons(self, stream, persons, role):  # type: ignore[no-untyped-def]
        if persons:
            names = " and ".join("{" + self._encode(person.get_part_as_text("last")) + "}" for person in persons)
            stream.write(f",\n    {role} = {self.quote(names)}")

    def _write_field(self, stream, type, value):  # type: ignore[no-untyped-def] # noqa: A002 - pybtex's names
        if type == "url":
            stream.write(f",\n    {type} = {self.quote(value.replace('{', '%7B').replace('}', '%7D'))}")
        else:
            super()._write_field(stream, type, value)


def bibtex_entry(source: Source) -> Entry:
    fields = {
        "title": source.title,
        "publisher": source.publisher,
        "year": str(source.date.year),
        "month": str(source.date.month),
        "date": source.date.isoformat(),  # biblatex's full date; BibTeX reads year and month
        "url": source.url,
        "keywords": source.category,
    }
    if source.note:
        fields["note"] = source.note
    # each name is written in braces (see _BibtexWriter): one name, printed as written
    persons = {"author": [Person(last=name) for name in _authors(source)]}
    return Entry("misc", fields=fields, persons=persons if persons["author"] else None)


def bibtex(sources: Iterable[Source]) -> str:
    """The sources as BibTeX `@misc` entries, in id order."""
    data = BibliographyData({s.id: bibtex_entry(s) for s in sorted(sources, key=lambda s: s.id)})
    out = io.StringIO()
    _BibtexWriter(encoding="UTF-8").write_stream(data, out)
    return out.getvalue()
