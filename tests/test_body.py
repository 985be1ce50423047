"""The body as the site's Markdown reads it: code is code for every consumer, and nothing live gets through.

The property test renders generated bodies through the bundled site's Markdown configuration
alone (no briefbook extension, no sanitizer), as an engine building `render --out` would, and
checks that the HTML holds nothing the sanitizer would remove and that citations are linked
exactly where they are prose.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefbook.format.body import MarkdownSetup, read_body
from briefbook.site.body_markdown import render_body
from briefbook.format.settings import read_settings
from briefbook.site.sanitize import removed_by_sanitizer, sanitize

REPO = Path(__file__).resolve().parents[1]
SETUP = read_settings(REPO / "mkdocs.yml").markdown
NUMBERS = {"a": 1, "b": 2}


def engine_html(text: str, setup: MarkdownSetup = SETUP) -> str:
    """The HTML a plain engine makes of this Markdown: the site's extensions, nothing of briefbook's."""
    import json

    return markdown.markdown(text, extensions=list(setup.extensions), extension_configs=json.loads(setup.configs))


def page_html(body: str, allow_raw_html: bool = False) -> str:
    return engine_html(render_body(read_body(body, SETUP), NUMBERS, allow_raw_html, SETUP))


class Text(HTMLParser):
    """The text of an HTML fragment, split into what is inside code and what is not."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.code: list[str] = []
        self.prose: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.depth += tag in ("code", "pre")

    def handle_endtag(self, tag):
        if tag in ("code", "pre") and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        (self.code if self.depth else self.prose).append(data)


def text_of(html: str) -> Text:
    parser = Text()
    parser.feed(html)
    parser.close()
    return parser


# --- the cases a line scanner got wrong -------------------------------------------------------------

def test_an_inline_code_span_of_three_backticks_does_not_open_a_fence():
    html = page_html("```code``` and then\n\n<img src=x onerror=alert(1)>\n\nmore [@a]")
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="#source-a"' in html


def test_an_unclosed_fence_is_prose():
    html = page_html("```\n<img src=x onerror=alert(1)> [@a]\n")
    assert "<img" not in html and 'href="#source-a"' in html


@pytest.mark.parametrize("body", [
    "```\n[@a] <b>x</b>\n```\n",
    "~~~~\n[@a]\n~~~~\n",
    "text\n\n    [@a] indented code\n",
    "- item\n\n        [@a] code in a list item\n",
    "`[@a]` in a code span",
    "``code with a ` inside [@a]``",
    "!!! note\n\n    ```\n    [@a]\n    ```\n",
])
def test_a_citation_in_code_stays_literal_and_is_not_checked(body):
    reading = read_body(body, SETUP)
    assert reading.citations() == [] and reading.citation_places(1) == []
    html = page_html(body)
    assert "[@a]" in "".join(text_of(html).code) and "#source-a" not in html


def test_a_citation_in_prose_is_linked_and_checked_where_it_is():
    body = "Intro `code [@b]`\n\n```\n[@b]\n```\n\nProse [@a; @b] here.\n"
    assert read_body(body, SETUP).citation_places(10) == [("a", 16, 7), ("b", 16, 7)]
    html = page_html(body)
    assert html.count('href="#source-b"') == 1 and html.count('href="#source-a"') == 1


def test_raw_html_in_code_is_shown_as_code():
    html = page_html("```html\n<script>alert(1)</script>\n```\n\nand `<b>` inline")
    assert "<script>alert(1)</script>" in "".join(text_of(html).code) and "<code>&lt;b&gt;</code>" in html
    assert "<script" not in html and removed_by_sanitizer(html) == []


def test_the_bracket_guard_works_after_a_line_that_looks_like_a_fence():
    body = "```code``` then\n\n" + "[" * 5000 + "\n"
    text = render_body(read_body(body, SETUP), NUMBERS, False, SETUP)
    assert text.count("\\[") == 5000  # each shown as itself, none a link Markdown must scan from


def test_a_code_span_running_into_an_html_tag_is_escaped_after_all():
    # Python-Markdown takes `<div ...>` at the start of a line as an HTML block before it looks for code spans
    html = page_html("a `b\n<div onclick=alert(1)>` c\n")
    assert removed_by_sanitizer(html) == [] and "onclick" not in html.replace("onclick=alert(1)&gt;", "")


def test_an_attribute_list_after_a_code_span_is_text():
    html = page_html("```a\n```{onclick=alert(1)}\n\n`x`{: onclick=alert(2)}")
    assert removed_by_sanitizer(html) == [] and 'onclick="' not in html


def test_fence_attributes_stay_attributes():
    html = page_html('```{.python title="x"}\nprint(1)\n```\n')
    assert '<span class="filename">x</span>' in html and "<code>" in html and "{" not in html


@pytest.mark.parametrize("link", ["[x](javascript:alert(1))", "[x]( <javascript:alert(1)>)", "[x](jav&#x61;script:alert(1))",
                                  "![x](JaVaScRiPt:alert(1))", "[x][r]\n\n[r]: javascript:alert(1)", "[x][r]\n\n[r]:\n  data:text/html,x"])
def test_links_that_would_run_script_are_text(link):
    html = page_html(link)
    assert removed_by_sanitizer(html) == [] and "href=" not in html and "src=" not in html


def test_web_links_and_autolinks_stay_links():
    html = page_html("[a](https://example.org/a) <https://example.org/b> [c](../actors/japan.md#x) [d](mailto:x@example.org)")
    assert html.count("<a href=") == 4


def test_with_raw_html_allowed_html_passes_and_citations_still_follow_the_code():
    html = page_html('<div class="x">[@a]</div>\n\n`[@a]`', allow_raw_html=True)
    assert '<div class="x">' in html and "<code>[@a]</code>" in html


def test_a_bodys_own_private_use_characters_do_not_confuse_the_reader():
    body = "\ue000\uec7f `x \ue001\uec80 <b>` and <i>\n"
    html = page_html(body)
    assert "<code>x \ue001\uec80 &lt;b&gt;</code>" in html and "&lt;i&gt;" in html


# --- property: whatever the body, nothing live, citations linked exactly in prose ------------------

pieces = st.sampled_from([
    "```", "````", "~~~", "~~~~", "```python", "```{.py}", "```{onclick=alert(1)}", "`", "``", "`x`", "```x```",
    "    ", "\t", "- ", "1. ", "> ", "!!! note", "??? note", "[^1]: ", "[^1]", ": ", "| a | b |", "|---|---|",
    "<b>", "</b>", "<img src=x onerror=alert(1)>", "<div markdown>", "</div>", "<script>alert(1)</script>",
    "<!--", "-->", "<https://example.org/x>", "{: onclick=alert(1)}", "{onclick=alert(1)}", "{.x}",
    "[x](https://example.org/)", "[x](javascript:alert(1))", "[x][r]", "[r]: javascript:alert(1)", "[r]: https://example.org/",
    "[", "]", "(", ")", "[@a]", "[@b]", "[@a; @b]", "[@zzz]", "\\", "&#x61;", "text", " ", "\n", "\n\n",
])
bodies = st.lists(pieces, min_size=1, max_size=30).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies)
def test_no_body_puts_live_markup_on_its_page_and_citations_are_linked_only_in_prose(body):
    html = page_html(body)
    assert removed_by_sanitizer(html) == [], (body, html)
    text = text_of(html)
    code, prose = "".join(text.code), "".join(text.prose)
    assert "](#source-" not in code, (body, html)  # a citation in code is left as written
    assert not re.search(r"\[@(a|b)[;\]]", prose), (body, html)  # one in prose is linked


@settings(max_examples=100, deadline=None)
@given(body=bodies)
def test_each_protection_is_needed(body):
    """The fixtures are honest: the same bodies, unescaped, do reach the page live (so the property above tests something)."""
    html = engine_html(body)
    if "<img src=x onerror=alert(1)>" in body and "`" not in body and "~~~" not in body and "<!--" not in body and "    " not in body and "\t" not in body:
        assert removed_by_sanitizer(html), (body, html)


def test_the_sanitizer_keeps_what_the_site_makes():
    html = engine_html("# T\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n!!! note \"N\"\n    x[^1]\n\n[^1]: f\n\n`c`\n\n??? tip\n    d\n")
    assert removed_by_sanitizer(html) == []
    assert 'style="text-align:left"' in sanitize(html)


def test_the_sanitizer_keeps_what_an_enabled_extension_makes_and_only_then():
    extensions = ("pymdownx.tabbed", "pymdownx.tasklist")
    html = markdown.markdown('=== "A"\n    a\n\n- [x] done\n', extensions=list(extensions), extension_configs={"pymdownx.tabbed": {"alternate_style": True}})
    assert "<input" in html and "<label" in html
    assert removed_by_sanitizer(html, extensions) == []
    assert removed_by_sanitizer(html)  # a site without them has no use for inputs
