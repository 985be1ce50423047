"""The sources view grouped and counted, and the bibliography the build writes beside it: CSL JSON that
a CSL processor reads, and BibTeX that a BibTeX parser reads back, whatever the sources' text holds."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from pybtex.database import parse_string

from briefbook.format.model import Source
from briefbook.site.bibliography import bibtex, csl_json
from briefbook.site.svg import LABEL_CHAR, _summit_labels


def sources_page(site: Path) -> BeautifulSoup:
    return BeautifulSoup((site / "views" / "sources" / "index.html").read_text(encoding="utf-8"), "html.parser").select_one("article")


def test_the_sources_view_groups_counts_and_orders_by_date(bundled_site, bundled_corpus):
    article = sources_page(bundled_site)
    for category, heading in [("primary", "Primary sources"), ("reporting", "Reporting"), ("analysis", "Analysis")]:
        expected = sorted((s for s in bundled_corpus.sources.values() if s.category == category), key=lambda s: (s.date, s.id))
        title = article.select_one(f"h2#{category}")
        assert title.get_text(strip=True).rstrip("¶") == f"{heading} ({len(expected)})"
        entries = title.find_next("ul").select("li.bb-source")
        assert [li.select_one("a")["id"] for li in entries] == [f"source-{s.id}" for s in expected]
        assert [li.select_one("time")["datetime"] for li in entries] == [s.date.isoformat() for s in expected]
    assert f"{len(bundled_corpus.sources)} in all" in article.get_text(" ")


def test_the_sources_view_links_the_bibliography_downloads(bundled_site):
    links = {a.get_text(strip=True): a["href"] for a in sources_page(bundled_site).select(".bb-downloads a")}
    assert links == {"CSL JSON": "../bibliography.json", "BibTeX": "../bibliography.bib"}
    for href in links.values():
        assert (bundled_site / "views" / "sources" / href).resolve().is_file()


def test_the_csl_json_download_is_read_by_a_csl_processor(bundled_site, bundled_corpus):
    items = json.loads((bundled_site / "views" / "bibliography.json").read_text(encoding="utf-8"))
    assert [item["id"] for item in items] == sorted(bundled_corpus.sources)
    source = bundled_corpus.sources["38north-jannuzi-2019-03-05"]
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    bibliography.register(Citation([CitationItem(source.id)]))
    [entry] = [str(e) for e in bibliography.bibliography()]
    assert source.title in entry and "Frank Jannuzi" in entry and "2019" in entry and source.url in entry
    editorial = [s for s in bundled_corpus.sources.values() if s.editor_note]
    assert editorial and not any(s.editor_note in json.dumps(items, ensure_ascii=False) for s in editorial)


def test_the_bibtex_download_parses_back_to_every_source(bundled_site, bundled_corpus):
    data = parse_string((bundled_site / "views" / "bibliography.bib").read_text(encoding="utf-8"), "bibtex")
    assert sorted(data.entries) == sorted(bundled_corpus.sources)
    entry = data.entries["38north-jannuzi-2019-03-05"]
    assert entry.type == "misc" and entry.fields["year"] == "2019" and entry.fields["keywords"] == "analysis"
    assert [str(p) for p in entry.persons["author"]] == ["{Frank Jannuzi}"]


AWKWARD = Source(
    id="awkward", title='Kim & Trump: 50% of {the} "deal" #1 \\ back_slash {', publisher="Yonhap", date=dt.date(2019, 2, 28),
    author="Lee Chi-dong and Lee Haye-ah", url="https://example.org/a_b%20c?x={1}", category="reporting",
)


def test_bibtex_escapes_what_latex_reads_and_keeps_each_name_whole():
    written = bibtex([AWKWARD])
    entry = parse_string(written, "bibtex").entries["awkward"]  # an unmatched brace would not parse
    assert entry.fields["title"] == (r'Kim \& Trump: 50\% of \textbraceleft{}the\textbraceright{} "deal" \#1 '
                                     r"\textbackslash{} back\_slash \textbraceleft{}")
    assert [str(p) for p in entry.persons["author"]] == ["{Lee Chi-dong}", "{Lee Haye-ah}"]  # family name first, not split
    assert entry.fields["url"] == "https://example.org/a_b%20c?x=%7B1%7D"  # read verbatim: not escaped


def test_bibtex_writes_a_tilde_as_the_command_that_prints_it_and_names_with_one_space_between_words():
    # a tilde is LaTeX's unbreakable space: written as a command, which eats the space after it
    source = AWKWARD.model_copy(update={"title": "a~b ~ c~~", "author": "Lee   Chi-dong and O~Haye", "note": "~"})
    entry = parse_string(bibtex([source]), "bibtex").entries["awkward"]
    assert entry.fields["title"] == r"a\textasciitilde b \textasciitilde\ c\textasciitilde \textasciitilde"
    assert entry.fields["note"] == r"\textasciitilde"
    assert [str(p) for p in entry.persons["author"]] == ["{Lee Chi-dong}", "{O Haye}"]  # words as BibTeX splits them


def test_csl_json_keeps_the_text_and_gives_names_as_written():
    [item] = json.loads(csl_json([AWKWARD]))
    assert item["title"] == AWKWARD.title and item["type"] == "article-newspaper" and item["container-title"] == "Yonhap"
    assert item["author"] == [{"literal": "Lee Chi-dong"}, {"literal": "Lee Haye-ah"}]
    assert item["issued"] == {"date-parts": [[2019, 2, 28]]}


def test_a_source_without_a_category_is_reporting_and_a_wrong_one_is_refused():
    fields = {"id": "x", "title": "T", "publisher": "P", "date": dt.date(2019, 1, 1), "url": "https://example.org/"}
    assert Source(**fields).category == "reporting"
    with pytest.raises(ValueError, match="category"):
        Source(**fields, category="blog")


def test_summit_labels_on_the_chart_never_overlap():
    # six summits, three of them within weeks: each label on a row where it clears the one before
    marks = [(100.0, "Panmunjom, 27 Apr 2018"), (130.0, "Singapore, 12 Jun 2018"), (300.0, "Pyongyang, 18 Sep 2018"),
             (420.0, "Hanoi, 27 Feb 2019"), (470.0, "Vladivostok, 25 Apr 2019"), (500.0, "Panmunjom, 30 Jun 2019"),
             (940.0, "Late, 1 Dec 2019")]
    placed = _summit_labels(marks)
    spans: dict[int, list[tuple[float, float]]] = {}
    for at, text, row, ends_at_line in placed:
        width = len(text) * LABEL_CHAR
        spans.setdefault(row, []).append((at - width, at) if ends_at_line else (at, at + width))
    for row in spans.values():
        row.sort()
        assert all(a_end < b_start for (_, a_end), (b_start, _) in zip(row, row[1:])), row
    assert placed[-1][3]  # the last, near the right edge, ends at its line


def test_every_hand_written_page_but_the_methodology_is_for_maintainers(bundled_site):
    # the search box answers readers from readers' pages; a new page for maintainers must say so
    docs = Path(__file__).resolve().parents[1] / "docs"
    for page in sorted(docs.glob("*.md")):
        html = (bundled_site / page.stem / "index.html").read_text(encoding="utf-8")
        audience = "Readers" if page.stem == "methodology" else "Maintainers"
        assert f'data-pagefind-filter="audience:{audience}"' in html, page.name
