"""The book's bibliography as files readers can load into a reference manager: CSL JSON and BibTeX.

CSL JSON is the data format of the Citation Style Language (Zotero, Mendeley, pandoc and every CSL
processor read it); it is plain JSON, so the standard library writes it. BibTeX is LaTeX inside
a format of its own: the escapes of `&`, `%`, `#`, `_`, `~`, braces and backslashes, written here as
pybtex's writer writes them (which costs a Python call per character: seconds for a large book).

Authors are given as the sources write them ("Lee Chi-dong", "Richard N. Haass"): a name is never
split into family and given names, since Korean, Japanese and Chinese names put the family name
first and a guess would misfile them. CSL takes such names as `literal`, BibTeX in braces.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from pybtex.bibtex.utils import split_tex_string

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


# What LaTeX reads as markup in a field, each written as the command or escape that prints it, as
# pybtex's writer (latexcodec, `ulatex+UTF-8`) writes them; every other character is kept as it is.
# Braces group in BibTeX, even escaped, and an unmatched one breaks the file, so they and the
# backslash are commands too. A tilde is a control word, which eats the space after it: `\ ` keeps
# a space, and a space parts it from any other character.
_ESCAPES = str.maketrans({"#": r"\#", "%": r"\%", "&": r"\&", "_": r"\_",
                          "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "\\": r"\textbackslash{}"})
_TILDE = re.compile("~( ?)")


def _tilde(match: re.Match) -> str:
    if match.group(1):
        return r"\textasciitilde\ "
    return r"\textasciitilde" if match.end() == len(match.string) else r"\textasciitilde "


def latex_text(text: str) -> str:
    """Text as a BibTeX field's LaTeX that prints it as written."""
    text = text.translate(_ESCAPES)
    return _TILDE.sub(_tilde, text) if "~" in text else text


def _quoted(value: str) -> str:
    # a field's delimiters: quotes, or braces where the value holds a quote
    return f"{{{value}}}" if '"' in value else f'"{value}"'


def bibtex_entry(source: Source) -> str:
    """One source as a BibTeX `@misc` entry: each name braced whole (printed as written, never
    split), the address left as written: `url` is read verbatim by biblatex and by hyperref's
    \\url, where an escaped `\\_` or `\\%` would be taken literally."""
    fields = []
    if authors := _authors(source):
        # a name's words as BibTeX reads them: split at white space outside braces, one space between
        names = " and ".join("{" + latex_text(" ".join(split_tex_string(name))) + "}" for name in authors)
        fields.append(("author", names))
    fields += [("title", latex_text(source.title)), ("publisher", latex_text(source.publisher)), ("year", str(source.date.year)),
               ("month", str(source.date.month)),
               ("date", source.date.isoformat()),  # biblatex's full date; BibTeX reads year and month
               ("url", source.url.replace("{", "%7B").replace("}", "%7D")), ("keywords", latex_text(source.category))]
    if source.note:
        fields.append(("note", latex_text(source.note)))
    return f"@misc{{{source.id}" + "".join(f",\n    {name} = {_quoted(value)}" for name, value in fields) + "\n}\n"


def bibtex(sources: Iterable[Source]) -> str:
    """The sources as BibTeX `@misc` entries, in id order."""
    return "\n".join(bibtex_entry(s) for s in sorted(sources, key=lambda s: s.id))
