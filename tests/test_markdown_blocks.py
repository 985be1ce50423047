"""Tables and lists built before Python-Markdown reads them (site/markdown_blocks.py) give the HTML that
Python-Markdown itself gives, for the views' pages and for any text a brief or a template may put there."""

from __future__ import annotations

import markdown
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from briefbook.files.store import DISABLE_VARIABLE
from briefbook.format.settings import read_settings
from briefbook.site.escaping import html_text, markdown_text
from briefbook.site.markdown_blocks import BlockPreprocessor
from briefbook.site.pages import render_pages

EXTENSIONS = ["admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables", "pymdownx.details",
              "pymdownx.superfences", "toc", "briefbook.site.markdown_ext"]


def convert(text: str, prebuilt: bool) -> str:
    md = markdown.Markdown(extensions=EXTENSIONS)
    if not prebuilt:
        md.preprocessors.deregister("briefbook_blocks")
    return md.convert(text)


def left_to_python_markdown(text: str) -> list[str]:
    """The lines of tables and lists that the preprocessor did not take."""
    md = markdown.Markdown(extensions=EXTENSIONS)
    return [line for line in BlockPreprocessor(md).run(text.split("\n")) if line.startswith(("|", "- "))]


@pytest.fixture(scope="module")
def bundled_pages(bundled_project, bundled_corpus) -> dict[str, str]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv(DISABLE_VARIABLE, "1")  # the shared project is only read
        pages = render_pages(bundled_corpus, read_settings(bundled_project / "mkdocs.yml"))
    return {path: page.markdown.partition("\n---\n")[2] for path, page in pages.items() if path.endswith(".md")}


def test_every_page_of_the_bundled_book_converts_to_the_same_html(bundled_pages):
    assert len(bundled_pages) > 30
    for path, text in bundled_pages.items():
        assert convert(text, prebuilt=True) == convert(text, prebuilt=False), path


def test_the_views_tables_and_lists_are_built_whole(bundled_pages):
    for path in ["views/matrix.md", "views/watch.md", "views/timeline.md", "views/sources.md"]:
        text = bundled_pages[path]
        assert any(line.startswith(("|", "- ")) for line in text.split("\n")), path
        assert left_to_python_markdown(text) == [], path
    summit = bundled_pages["summits/hanoi-2019.md"]
    assert '<div class="bb-matrix bb-stack" markdown>' in summit  # the matrix of its agenda and participants
    left = left_to_python_markdown(summit)
    assert not any(line.startswith("| Issue |") for line in left)
    # its indicators' table is left whole: each row holds a raw anchor (`<span id="watch-1">`), which
    # MkDocs learns of from the HTML pass that a table built here skips
    assert any(line.startswith("| Indicator |") for line in left)


# Pieces of cells and items: what templates write around values, values escaped as the templates
# escape them, and the syntax the builder must leave to Python-Markdown (code, images, emphasis
# that does not close, raw anchors, attribute lists, stray brackets, placeholders' characters).
values = st.text(alphabet=st.sampled_from(list("ab &<>\"'\\`*_{}[]()#+-.!|:;=^~\x02\x03é●")), max_size=12)
pieces = st.one_of(
    values.map(markdown_text),
    values.map(lambda v: f'<span class="bb-x" title="{html_text(v)}">'),
    values.map(lambda v: f"[{markdown_text(v) or 'x'}](../actors/a.md#p-1)"),
    values.map(lambda v: f"**{markdown_text(v)}**"),
    values.map(lambda v: f"*{markdown_text(v)}*"),
    st.sampled_from([
        "</span>", "<em class=\"bb-gap\">", "</em>", "<span id=\"watch-1\"></span>", "<a name=\"x\">", "<time datetime=\"2019-01-01\">",
        "[x](https://example.org/?a=1&b=2)", "[x](<y z>)", "[x]( y )", "![i](a.png)", "[^1]", "[x]", "[x][y]", "{ #source-a }",
        "{ .bb-a }", "{: .b }", "{}", "`code`", "``", "*", "**", "***", "_", "__x__", "\\", "\\\\", "\\*", "\\|", "|", "&amp;",
        "&", "&#X41;", "&\\#123;", "&#123;", "<", ">", "<br/>", "<!-- c -->", "<http://example.org>", "<a@b.c>", "  ", " ", "!",
        "\x02", "\x03", "#", "> ", "1. ", "- ", "!!! note", ":", "=", "\t",
    ]),
)
# and, so that many blocks are built here at all, cells of only the pieces the views are made of
view_pieces = st.one_of(
    values.map(markdown_text), values.map(lambda v: f'<span class="bb-x" title="{html_text(v)}">'),
    values.map(lambda v: f"[{markdown_text(v) or 'x'}](../actors/a.md#p-1)"), values.map(lambda v: f"**{markdown_text(v)}**"),
    st.sampled_from(["</span>", "<em class=\"bb-gap\">", "</em>", "&amp;", " ", "; ", "{ #source-a }", "[1](sources.md#s-1)"]),
)
cells = st.one_of(st.lists(pieces, max_size=6), st.lists(view_pieces, max_size=6)).map("".join)


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def bullet_list(items: list[tuple[str, str | None]]) -> str:
    return "\n".join(f"- {text}" + (f"\n  {{ {attributes} }}" if attributes else "") for text, attributes in items)


blocks = st.one_of(
    st.integers(min_value=1, max_value=3).flatmap(lambda n: st.builds(table, st.lists(cells, min_size=n, max_size=n),
                                                                      st.lists(st.lists(cells, min_size=n, max_size=n), max_size=3))),
    st.builds(bullet_list, st.lists(st.tuples(cells, st.sampled_from([None, ".bb-event .bb-actor-a", "#x", ".a #b"])),
                                    min_size=1, max_size=3)),
)
# Where a block stands: alone, inside Markdown in HTML, inside raw HTML, next to a list or a
# paragraph, before an indented block, in a fenced code block.
contexts = st.sampled_from([
    "BLOCK", "Text.\n\nBLOCK\n\nMore.", '<div class="bb-matrix bb-stack" markdown>\n\nBLOCK\n\n</div>', "<div>\n\nBLOCK\n\n</div>",
    "- a list\n\nBLOCK", "BLOCK\n\n- a list", "BLOCK\n\n    indented", "Text\nBLOCK", "BLOCK\nText", "## Heading { #h }\n\nBLOCK",
    "```\nBLOCK\n```", "BLOCK\n\nOTHER", "BLOCK\nOTHER", "> quote\n\nBLOCK", "<!--\n\nBLOCK\n\n-->",
])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contexts, blocks, blocks)
# emphasis opened before a space or closed after one stays text for Python-Markdown (after its
# first pass has taken the placeholders' characters out of the page)
@example("BLOCK", "- **: \x03**", "")
@example("BLOCK", "- x *a * y", "")
@example("BLOCK", "| a |\n|---|\n| ** a** |", "")
def test_any_table_or_list_converts_to_the_html_python_markdown_gives(context, block, other):
    text = context.replace("BLOCK", block).replace("OTHER", other)
    assert convert(text, prebuilt=True) == convert(text, prebuilt=False)


def test_a_value_in_a_cell_stays_text():
    cell = markdown_text('<script>alert(1)</script> [x](javascript:alert(1)) { onclick="x" } *b* &amp;')
    text = table(["Issue", "Position"], [["a", cell]])
    assert left_to_python_markdown(text) == []  # built here, not by Python-Markdown
    html = convert(text, prebuilt=True)
    assert "<script>" not in html and "<a " not in html and "<em>" not in html and "<td onclick" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1)) { onclick=\"x\" } *b* &amp;amp;" in html
