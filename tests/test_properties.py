"""Property tests: any bytes give a brief or diagnostics; any valid brief renders to Markdown that builds."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as etree
from html.parser import HTMLParser

import markdown
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefbook.corpus.link import link
from briefbook.format.characters import DECEPTIVE
from briefbook.format.diagnostics import Diagnostic
from briefbook.format.loader import load_file
from briefbook.format.settings import Settings
from briefbook.format.validate import SourcesFile, validate_file
from briefbook.site.pages import render_pages
from briefbook.site.sanitize import is_safe_url

EXTENSIONS = ["admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables", "pymdownx.details",
              "pymdownx.superfences", "toc", "briefbook.site.markdown_ext"]
TODAY = dt.date(2020, 1, 1)

# Front-matter-shaped bytes find the YAML and model paths; arbitrary bytes find the decoding ones.
fragments = st.sampled_from([b"---\n", b"kind: issue\n", b"title: ", b"summary: ", b"reviewed: 2019-12-01\n", b"tags: [",
                             b"]\n", b"- ", b"  ", b"&a ", b"*a", b"!!python/object ", b"\t", b"\xef\xbb\xbf", b"\r\n",
                             b"\xff", b"{", b"}", b":", b"\"", b"'", b"#", b"\n", b"[@x]", b"```\n", b"<script>"])
pieces = st.lists(st.one_of(fragments, st.binary(max_size=8)), max_size=40).map(b"".join)
# Valid files with a few pieces spliced in somewhere find the validation and linking paths.
VALID_FILES = [
    b"---\nkind: issue\ntitle: Sanctions\nsummary: S.\nreviewed: 2019-12-01\ntags: [a]\n---\nBody [@x].\n",
    b"sources:\n  - id: x\n    title: T\n    publisher: P\n    date: 2019-01-01\n    url: https://example.org/\n",
]
spliced = st.tuples(st.sampled_from(VALID_FILES), st.integers(min_value=0), st.lists(fragments, max_size=3).map(b"".join)).map(
    lambda t: t[0][: t[1] % (len(t[0]) + 1)] + t[2] + t[0][t[1] % (len(t[0]) + 1):])
brief_bytes = st.one_of(st.binary(max_size=400), pieces, spliced)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=brief_bytes, suffix=st.sampled_from([".md", ".yml"]))
def test_any_bytes_give_a_brief_or_diagnostics(tmp_path, data, suffix):
    path = tmp_path / f"any-brief{suffix}"
    path.write_bytes(data)
    raw, problems = load_file(path, path.name)
    assert all(isinstance(d, Diagnostic) and d.file == path.name and d.line >= 1 and d.message for d in problems)
    if raw is None:
        assert problems
        return
    typed, more = validate_file(raw)
    assert all(isinstance(d, Diagnostic) and d.line >= 1 for d in more)
    if typed is None:
        assert more
        return
    # a valid file links on its own: cross-file problems are diagnostics on its lines, and it is in the corpus
    corpus, linked = link([typed], TODAY, 0)
    assert all(isinstance(d, Diagnostic) and d.file == path.name and d.line >= 1 and d.message for d in linked)
    if isinstance(typed, SourcesFile):
        assert set(corpus.sources) == {source.id for source in typed.sources}
    else:
        assert corpus.briefs == {typed.id: typed}


# Text with every character Markdown, HTML, YAML and Jinja treat as syntax, and any other a brief may hold.
markup = st.text(alphabet=st.sampled_from(list("ab <>&\"'`*_[](){}#|!\\-+.:;=/@^~%\n\t")) | st.characters(codec="utf-8").filter(lambda c: not DECEPTIVE.match(c)),
                 min_size=1, max_size=40).filter(lambda s: s.strip())
short = markup.map(lambda s: s[:300])
day = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2019, 12, 1))


@st.composite
def corpus_files(draw) -> dict[str, dict]:
    """An issue, an actor and a summit with markup-laden text in every field."""
    source = {"id": "src", "title": draw(short), "publisher": draw(short), "author": draw(short), "note": draw(markup),
              "date": draw(day), "url": "https://example.org/" + draw(st.text(alphabet="abc/?=&#()'\"<>%", max_size=10))}
    common = lambda: {  # noqa: E731
        "title": draw(short), "summary": draw(markup), "reviewed": dt.date(2019, 12, 1), "tags": draw(st.lists(short.map(lambda s: s[:60]), max_size=3)),
        "key_judgments": [{"text": draw(markup), "likelihood": "likely", "confidence": "low", "sources": ["src"]}],
        "what_to_watch": [{"indicator": draw(markup), "why": draw(markup)}],
        "timeline": [{"date": draw(day), "title": draw(short), "detail": draw(markup), "sources": ["src"]}],
    }
    issue = {"kind": "issue", **common(), "sources": [source]}
    actor = {"kind": "actor", **common(), "role": "principal", "leaders": [{"name": draw(short), "office": draw(short), "term": draw(short)}],
             "positions": {"issue-a": {"stance": draw(short), "priority": "high", "summary": draw(markup), "sources": ["src"]}}}
    summit = {"kind": "summit", **common(), "date": draw(day), "location": {"city": draw(short), "country": draw(short), "venue": draw(short)},
              "participants": [{"actor": "actor-a", "people": [{"name": draw(short), "role": draw(short)}]}],
              "outcome": "no agreement", "agenda": ["issue-a"]}
    bodies = [draw(st.text(alphabet=st.sampled_from(list("ab <>&*_[](){}#|!`\\-\n")), max_size=200)) + " [@src]\n" for _ in range(3)]
    return {"issues/issue-a.md": (issue, bodies[0]), "actors/actor-a.md": (actor, bodies[1]), "summits/summit-a.md": (summit, bodies[2])}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(files=corpus_files())
def test_any_valid_brief_renders_to_markdown_that_builds(tmp_path_factory, files):
    root = tmp_path_factory.mktemp("prop")
    typed = []
    for relative, (front, body) in files.items():
        path = root / "briefs" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body, encoding="utf-8")
        raw, problems = load_file(path, relative)
        assert raw is not None, problems
        brief, problems = validate_file(raw)
        assert brief is not None, problems
        typed.append(brief)
    corpus, problems = link(typed, TODAY, 0)
    assert [d for d in problems if d.severity == "error"] == []
    for page in render_pages(corpus, Settings(project_dir=root)).values():
        if page.path.endswith(".md"):
            front, _, text = page.markdown.removeprefix("---\n").partition("\n---\n")
            meta = yaml.safe_load(front)  # page metadata is valid YAML, as MkDocs reads it
            assert isinstance(meta, dict) and "title" in meta
            html = markdown.markdown(text, extensions=EXTENSIONS)
            elements = _elements(html)
            assert {tag for tag, _ in elements} <= MARKDOWN_TAGS, html
            for tag, attrs in elements:
                assert not any(name.startswith("on") for name, _ in attrs), html
                assert all(is_safe_url(v or "") for name, v in attrs if name in ("href", "src")), html
        elif page.path.endswith(".svg"):
            etree.fromstring(page.markdown)


MARKDOWN_TAGS = {"p", "a", "em", "strong", "code", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead",
                 "tbody", "tr", "th", "td", "div", "span", "br", "hr", "img", "blockquote", "sup", "dl", "dt", "dd", "details",
                 "summary", "abbr", "p", "time"}


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def _elements(html: str) -> list[tuple[str, list]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.found
