"""A page's links rewritten by MkDocs with briefbook's Markdown extension (site/markdown_ext.py: each
distinct link asked once, a link to an anchor of a page found made from that page's link) give what
MkDocs alone gives: the same HTML, the same links to anchors registered for MkDocs' anchor checks,
the same warnings. The HTML is compared with the extension's where every link is MkDocs' to rewrite
(the extension's other passes change the tables: their headers' scope)."""

from __future__ import annotations

import logging

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from briefbook.site import markdown_ext

LINKS = [
    "../actors/japan.md#sanctions-relief", "../actors/japan.md#sanctions-relief", "../actors/japan.md#denuclearization",
    "../actors/japan.md", "../actors/japan.md#", "../actors/china.md#sanctions-relief", "../actors/china.md#a#b",
    "../actors/missing.md#sanctions-relief", "../actors/missing.md#sanctions-relief", "../actors/draft.md#x",
    "../actors/japan.md?x=1#sanctions-relief", "/actors/japan.md#sanctions-relief", "https://example.org/a.md#b",
    "#sanctions-relief", "../actors/ja%70an.md#sanctions-relief", "../actors/./japan.md#stance-%C3%A9",
    "../actors/japan#sanctions-relief", "../actors/#sanctions-relief", "../actors/japan.md#with%20space",
    "../../actors/japan.md#climbing", "mailto:someone@example.org#x",
]


def _site(tmp_path, with_briefbook: bool, use_directory_urls: bool):
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    extensions = ["attr_list", "tables", "toc"] + (["briefbook.site.markdown_ext"] if with_briefbook else [])
    config = MkDocsConfig()
    config.load_dict({"site_name": "links", "docs_dir": str(docs), "site_dir": str(tmp_path / "site"),
                      "markdown_extensions": extensions, "use_directory_urls": use_directory_urls})
    errors, warnings = config.validate()
    assert not errors, errors
    names = ["views/matrix.md", "actors/japan.md", "actors/china.md", "actors/index.md", "actors/draft.md"]
    files = Files([File(n, str(docs), str(tmp_path / "site"), use_directory_urls) for n in names])
    files.get_file_from_path("actors/draft.md").inclusion = InclusionLevel.EXCLUDED
    return config, files


def _converted(tmp_path, caplog, with_briefbook: bool, use_directory_urls: bool) -> tuple[str, dict, list[str]]:
    config, files = _site(tmp_path, with_briefbook, use_directory_urls)
    page = Page(None, files.get_file_from_path("views/matrix.md"), config)
    cells = " ".join(f"[link {i}]({url})" for i, url in enumerate(LINKS))
    page.markdown = f"# Matrix\n\n| Issue | Positions |\n|---|---|\n| one | {cells} |\n\nA paragraph: {cells}\n"
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        page.render(config, files)
    anchors = {file.src_uri: dict(by_anchor) for file, by_anchor in (page.links_to_anchors or {}).items()}
    return page.content, anchors, [r.getMessage() for r in caplog.records]


@pytest.mark.parametrize("use_directory_urls", [True, False])
def test_links_are_rewritten_registered_and_reported_as_mkdocs_does(tmp_path, caplog, monkeypatch, use_directory_urls):
    html_bb, anchors_bb, warnings_bb = _converted(tmp_path, caplog, with_briefbook=True, use_directory_urls=use_directory_urls)
    _, anchors, warnings = _converted(tmp_path, caplog, with_briefbook=False, use_directory_urls=use_directory_urls)
    with monkeypatch.context() as patch:
        patch.setattr(markdown_ext._SharedTargets, "of", classmethod(lambda cls, rewriter, by_link: None))
        html, _, _ = _converted(tmp_path, caplog, with_briefbook=True, use_directory_urls=use_directory_urls)
    assert html_bb == html
    assert html.count('href="../../actors/japan/#sanctions-relief"' if use_directory_urls else 'href="../actors/japan.html#sanctions-relief"') == 6  # twice as written, once quoted; in the table and the paragraph
    assert anchors_bb == anchors
    assert list(anchors_bb["actors/japan.md"]) == list(anchors["actors/japan.md"])  # in the same order
    assert "sanctions-relief" in anchors["actors/china.md"] and "draft.md" in " ".join(warnings)
    # a broken link is reported once where MkDocs alone reports it at each place it stands
    assert sorted(set(warnings_bb)) == sorted(set(warnings))
    assert any("missing.md#sanctions-relief" in w for w in warnings_bb)
