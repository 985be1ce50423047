"""Any briefbook site gets the Pagefind search box, without copying the theme overrides."""

from __future__ import annotations

from helpers import build


def test_a_site_without_overrides_gets_the_search_box_and_its_index(project):
    project.write("docs/index.md", "# Home\n")
    project.write("mkdocs.yml", """\
        site_name: A new briefing book
        theme:
          name: material
          font: false
        plugins:
          - tags
          - briefbook
        """)
    site = build(project.root, "mkdocs", "build")
    html = (site / "actors" / "united-states" / "index.html").read_text(encoding="utf-8")
    assert "briefbook-search.js" in html and "data-pagefind-body" in html
    assert (site / "assets" / "javascripts" / "briefbook-search.js").is_file()
    assert (site / "pagefind" / "pagefind-entry.json").is_file()


def test_a_site_that_keeps_materials_search_is_left_alone(project):
    project.write("docs/index.md", "# Home\n")
    project.write("mkdocs.yml", """\
        site_name: A site with Material's search
        theme:
          name: material
          font: false
        plugins:
          - search
          - briefbook
        """)
    site = build(project.root, "mkdocs", "build")
    html = (site / "actors" / "united-states" / "index.html").read_text(encoding="utf-8")
    assert "briefbook-search.js" not in html
    assert (site / "search" / "search_index.json").is_file()
    assert not (site / "pagefind").exists()
