"""The bundled book's sources and judgments meet its editorial rules.

The rules are those of docs/methodology.md: every source has a publisher and an address that
points at the document, not at a site's front page or a blog's index; a judgment written "as of"
a date cites nothing published after that date; editors' notes on how a source was checked never
reach readers. Each test reads the real briefs, so an edit that breaks a rule fails here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

from briefbook.corpus.corpus import Corpus
from briefbook.format.settings import read_settings
from briefbook.site.export import export_json
from briefbook.site.pages import render_pages

MONTHS = {name: number for number, name in enumerate(calendar.month_name) if name}
VANTAGE = re.compile(
    r"^(?:As of|Looking back from) (?:(?P<day>\d{1,2}) )?(?P<month>" + "|".join(MONTHS) + r") (?P<year>\d{4})\b"
)
# The last segment of an address that lists documents rather than being one.
INDEX_SEGMENTS = {"blog", "blogs", "news", "articles", "posts", "briefings-statements", "press-releases",
                  "speeches", "category", "tag", "tags", "search", "page"}
# Phrases of the editors' record of their checks, which belong in editor_note, not in a reader's note.
EDITORIAL_PHRASES = ("search tool", "stored copy", "stored address", "tracking parameter", "could not be confirmed",
                     "the address keeps", "slug", "landing page")


def vantage_of(text: str) -> dt.date | None:
    """The date a judgment is written as of: the day it names, or the last day of its month."""
    match = VANTAGE.match(text.strip())
    if not match:
        return None
    year, month = int(match["year"]), MONTHS[match["month"]]
    day = int(match["day"]) if match["day"] else calendar.monthrange(year, month)[1]
    return dt.date(year, month, day)


def test_vantage_reads_the_day_or_the_end_of_the_month():
    assert vantage_of("As of March 2019, it is likely that...") == dt.date(2019, 3, 31)
    assert vantage_of("As of 8 March 2019, it is likely") == dt.date(2019, 3, 8)
    assert vantage_of("Looking back from February 2019, ...") == dt.date(2019, 2, 28)
    assert vantage_of("It is likely that, as of March 2019, ...") is None


def test_no_source_address_is_a_site_root_or_an_index(bundled_corpus: Corpus):
    bad = []
    for source in bundled_corpus.sources.values():
        parts = urlsplit(source.url)
        segments = [s for s in parts.path.split("/") if s]
        if not parts.netloc or (not segments and not parts.query):
            bad.append((source.id, source.url, "site root"))
        elif segments and segments[-1].lower() in INDEX_SEGMENTS:
            bad.append((source.id, source.url, "index page"))
    assert bad == []


def test_every_source_has_a_publisher_a_title_and_a_date(bundled_corpus: Corpus):
    for source in bundled_corpus.sources.values():
        assert source.publisher.strip() and source.publisher.lower() not in {"unknown", "n/a", "todo"}, source.id
        assert source.title.strip(), source.id
        assert source.date <= dt.date.today(), source.id


def test_every_key_judgment_states_its_vantage_and_cites_nothing_published_after_it(bundled_corpus: Corpus):
    late = []
    for brief in bundled_corpus.briefs.values():
        for kj in brief.brief.key_judgments:
            vantage = vantage_of(kj.text)
            assert vantage, f"{brief.id}: a key judgment does not say what date it is written as of: {kj.text[:60]}"
            for source_id in kj.sources:
                published = bundled_corpus.sources[source_id].date
                if published > vantage:
                    late.append((brief.id, kj.text[:50], source_id, published.isoformat()))
    assert late == []


def test_every_brief_keeps_what_came_later_in_a_labelled_aftermath(bundled_corpus: Corpus):
    for brief in bundled_corpus.briefs.values():
        body = brief.raw.body
        after_vantage = getattr(brief.brief, "date", None) and brief.brief.date > dt.date(2019, 3, 31)
        if after_vantage:
            assert "after the book's vantage" in body, brief.id
        else:
            assert "\n## Aftermath (after March 2019)\n" in f"\n{body}", brief.id


def test_readers_notes_carry_no_editorial_record(bundled_corpus: Corpus):
    for source in bundled_corpus.sources.values():
        note = (source.note or "").lower()
        assert not [p for p in EDITORIAL_PHRASES if p in note], (source.id, source.note)


def test_editors_notes_reach_no_output(bundled_corpus: Corpus, bundled_project: Path):
    notes = {s.id: s.editor_note for s in bundled_corpus.sources.values() if s.editor_note}
    assert len(notes) >= 10  # the bundled book records its checks; without them this test proves nothing
    published = export_json(bundled_corpus) + "".join(
        page.markdown for page in render_pages(bundled_corpus, read_settings(bundled_project / "mkdocs.yml")).values()
    )
    # a note's opening words are specific enough to stand for the note
    leaked = {sid: n for sid, n in notes.items() if " ".join(n.split()[:8]) in " ".join(published.split())}
    assert leaked == {}
