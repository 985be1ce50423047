"""The views that compare across briefs, built from fixture briefs into a real site."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup
from helpers import FIXTURES, build, copy_project, run

from briefbook.format.schema import export_schema

FIXTURE = FIXTURES / "views"  # on the build date, 2020-01-01, the sanctions brief is past its next_review


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(copy_project(FIXTURE, tmp_path_factory.mktemp("views") / "project"), "mkdocs", "build")


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def article(site: Path, path: str) -> BeautifulSoup:
    return page(site, path).select_one("article")


def test_matrix_cell_shows_the_stance_and_links_to_the_position_on_the_actor_page(site):
    matrix = article(site, "views/matrix")
    table = matrix.select_one(".bb-matrix table")
    columns = [th.get_text(strip=True) for th in table.select("thead th")]
    assert columns == ["Issue", "North Korea", "Japan", "China"]  # principals, then allies, then stakeholders
    assert all(th["scope"] == "col" for th in table.select("thead th"))
    rows = {tr.select_one("th").get_text(strip=True): tr for tr in table.select("tbody tr")}
    assert list(rows) == ["Abductions", "Sanctions"]
    assert all(tr.select_one("th")["scope"] == "row" for tr in rows.values())

    japan_cell = rows["Abductions"].select("td")[columns.index("Japan") - 1]
    assert "resolve before normalization" in japan_cell.get_text()
    assert japan_cell.select_one(".bb-priority")["title"] == "high priority"
    assert " ".join(japan_cell.select_one(".bb-priority").get_text().split()) == "●●● high priority"  # dots for the eye, words for screen readers
    link = japan_cell.select_one("a")["href"]
    assert link == "../../actors/japan/#position-abductions"
    assert page(site, "actors/japan").select_one("#position-abductions") is not None


def test_a_missing_position_is_a_marked_gap_not_a_blank(site):
    table = article(site, "views/matrix").select_one(".bb-matrix table")
    abductions = next(tr for tr in table.select("tbody tr") if "Abductions" in tr.select_one("th").get_text())
    china_cell = abductions.select("td")[2]
    assert china_cell.select_one(".bb-cell-actor").get_text(strip=True) == "China"  # named where the table stacks on a phone
    assert china_cell.select_one("em.bb-gap").get_text(strip=True) == "no stated position"


def test_each_summit_has_a_matrix_limited_to_its_agenda_and_participants(site):
    table = article(site, "summits/hanoi-2019").select_one(".bb-matrix table")
    columns = [th.get_text(strip=True) for th in table.select("thead th")]
    assert columns == ["Issue", "North Korea", "Japan"]  # the participant, and the ally; not China
    assert [th.get_text(strip=True) for th in table.select("tbody th")] == ["Sanctions"]


def test_timeline_merges_every_entry_sorted_and_grouped_by_year_and_month(site):
    timeline = article(site, "views/timeline")
    headings = [h.get_text(strip=True).rstrip("¶") for h in timeline.select("h2, h3")]
    assert headings == ["2002", "September 2002", "2019", "February 2019"]
    items = [li.get_text(" ", strip=True) for li in timeline.select("ul > li")]
    # the summit and Japan record the walk-out from the same report: one event, linking to both briefs
    assert [i.split(":")[0].strip() for i in items] == ["2002-09-17", "2019-02-28"]
    assert "Talks cut short" in items[1] and "Abe backs the walk-out" in items[1]
    links = [a["href"] for a in timeline.select("ul > li a")]
    assert "../../issues/abductions/" in links and "../../summits/hanoi-2019/" in links
    assert "../sources/#source-wire-report" in links


def test_timeline_picture_is_an_svg_drawn_at_build_time(site):
    svg = (site / "views" / "timeline.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "2 events from September 2002 to February 2019, with 1 summit marked" in svg
    assert "Hanoi, 27 Feb 2019" in svg  # the summit's line and label
    assert "<script" not in svg
    image = article(site, "views/timeline").select_one("img")
    assert image["src"] == "../timeline.svg" and image["alt"]


def test_issue_page_shows_every_actor_side_by_side(site):
    positions = article(site, "issues/sanctions").select_one("#positions").find_next("table")
    rows = {tr.select_one("th[scope=row] a").get_text(strip=True): tr.select("td") for tr in positions.select("tbody tr")}
    assert list(rows) == ["North Korea", "Japan", "China"]
    stance, summary = rows["Japan"]
    assert stance.select_one("a").get_text(strip=True) == "no early relief"
    assert stance.select_one(".bb-priority")["title"] == "high priority"
    assert summary.get_text(strip=True)
    assert "compare" in article(site, "actors/japan").get_text().lower()
    assert article(site, "actors/japan").select_one('a[href="../../views/matrix/"]') is not None


def test_what_to_watch_groups_every_indicator_by_issue_with_its_status(site):
    watch = article(site, "views/watch")
    section = watch.find("h2", string=lambda s: s and "Abductions" in s) or watch.select_one("h2")
    assert "Abductions" in section.get_text()
    rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in section.find_next("table").select("tbody tr")]
    assert ["An Abe–Kim meeting", "Abe wants to meet Kim directly.", "watching", "Japan"] in rows
    assert ["Talks between Tokyo and Pyongyang", "The issue moves only through direct contact.", "watching", "Abductions"] in rows


def test_bibliography_lists_every_source_once_with_the_briefs_that_cite_it(site):
    sources = article(site, "views/sources")
    entries = {li.select_one("a")["id"]: li.get_text(" ", strip=True) for li in sources.select("li")}
    assert set(entries) == {"source-mofa-statement", "source-wire-report", "source-unused-source"}
    assert "Cited by: Japan , Abductions" in entries["source-mofa-statement"].replace(" ,", " ,")
    assert "Cited by" not in entries["source-unused-source"]


def test_tags_cover_own_tags_kind_role_and_issues(site):
    japan_tags = [a.get_text(strip=True) for a in page(site, "actors/japan").select(".md-tag")]
    assert set(japan_tags) >= {"actor", "ally", "Abductions", "Sanctions"}
    abductions_tags = [a.get_text(strip=True) for a in page(site, "issues/abductions").select(".md-tag")]
    assert set(abductions_tags) >= {"human rights", "issue", "Abductions"}
    index = article(site, "tags").get_text(" ", strip=True)
    for tag in ("actor", "ally", "stakeholder", "summit", "human rights"):
        assert tag in index


def test_stale_brief_shows_a_notice_on_its_page_and_in_the_lists(site):
    notice = article(site, "issues/sanctions").select_one(".admonition.warning")
    assert notice is not None and "due for review since 2019-06-01" in notice.get_text()
    assert article(site, "issues/abductions").select_one(".admonition.warning") is None
    listing = article(site, "issues").select("li")
    stale = {li.select_one("a").get_text(strip=True): li.select_one(".bb-stale") is not None for li in listing}
    assert stale == {"Abductions": False, "Sanctions": True}


def test_check_warns_about_a_stale_brief_and_today_follows_source_date_epoch(tmp_path):
    project = copy_project(FIXTURE, tmp_path / "project")
    result = run(project, "briefbook", "check")
    assert result.returncode == 0
    assert "briefs/issues/sanctions.md:6:14: warning: next_review: the brief is stale: due for review since 2019-06-01" in result.stdout
    assert run(project, "briefbook", "check", "--strict").returncode == 1
    earlier = run(project, "briefbook", "check", env={"SOURCE_DATE_EPOCH": "1546300800"})  # 2019-01-01: nothing is stale yet
    assert (earlier.returncode, earlier.stdout) == (0, "No problems found.\n")


def test_briefs_json_holds_every_brief_and_validates_against_the_exported_schema(site, tmp_path):
    data = json.loads((site / "briefs.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, export_schema())
    assert sorted(b["id"] for b in data["briefs"]) == ["abductions", "china", "hanoi-2019", "japan", "north-korea", "sanctions"]
    japan = next(b for b in data["briefs"] if b["id"] == "japan")
    assert japan["front_matter"]["positions"]["abductions"]["stance"] == "resolve before normalization"
    assert japan["file"] == "briefs/actors/japan.md"

    out = tmp_path / "elsewhere" / "export.json"
    result = run(copy_project(FIXTURE, tmp_path / "project"), "briefbook", "export", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text(encoding="utf-8")) == data


def test_views_are_in_the_navigation(site):
    nav = page(site, "views").select_one("nav.md-nav--primary")
    labels = {a.get_text(strip=True) for a in nav.select("a")}
    assert {"Positions matrix", "Timeline", "What to watch", "Sources", "Tags"} <= labels


def test_a_project_s_macro_replaces_a_piece_made_in_python(tmp_path):
    # the smallest pieces (site/pieces.py) are named in _macros.md.j2; a project's copy of it may
    # define a macro of the same name, which every page then uses, in the matrix as on the brief
    from helpers import valid_project

    from briefbook.files.shipped import default_templates_dir

    project = valid_project(tmp_path / "project")
    project.write("mkdocs.yml", "site_name: Pieces\ntheme:\n  name: material\nplugins:\n  - briefbook\n")
    project.write("docs/index.md", "# Home\n")
    shipped = (default_templates_dir() / "_macros.md.j2").read_text(encoding="utf-8")
    project.write("templates/_macros.md.j2", shipped + "\n{% macro priority_mark(priority) -%}\nPRIORITY-{{ priority|upper }}\n{%- endmacro %}\n")
    (tmp_path / "out").mkdir()
    result = project.run("render", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    issue = (tmp_path / "out" / "docs" / "issues" / "denuclearization.md").read_text(encoding="utf-8")
    matrix = (tmp_path / "out" / "docs" / "views" / "matrix.md").read_text(encoding="utf-8")
    assert "PRIORITY-HIGH" in issue and "PRIORITY-HIGH" in matrix
    assert "bb-priority" not in issue and "[[1]](#source-" in issue  # the other pieces are still briefbook's
