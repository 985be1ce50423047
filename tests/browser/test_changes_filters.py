"""The living book in the browser: the changes page's and the watch view's filters, the since-date
picker, and screenshots for review of the changes page, the scorecard and a brief's Changes section."""

from __future__ import annotations

import pytest
from test_layout import SCHEMES, WIDTHS, screen, shot_and_check_width

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def history_url(served, history_site):
    return served(history_site)


def shown(page, selector: str) -> int:
    return page.evaluate(f"[...document.querySelectorAll({selector!r})].filter(e => !(e.closest('li, tr') || e).hidden).length")


def test_the_changes_page_filters_by_kind_actor_and_issue(page, history_url):
    page.goto(history_url + "changes/")
    assert shown(page, ".bb-filter-item") == 11
    page.select_option("select[name=filter-actor]", "north-korea")
    # its own two revisions (the stance reworded, the brief added) and the four of the summit it took part in
    assert shown(page, ".bb-filter-item") == 6
    assert page.locator(".bb-filter-count").inner_text() == "6 of 11 shown"
    page.select_option("select[name=filter-kind]", "actor")
    assert shown(page, ".bb-filter-item") == 2
    page.select_option("select[name=filter-actor]", "")
    page.select_option("select[name=filter-issue]", "denuclearization")
    assert shown(page, ".bb-filter-item") == 3  # both actors' briefs added, and the stance
    page.select_option("select[name=filter-kind]", "")
    page.select_option("select[name=filter-issue]", "sanctions")
    assert shown(page, ".bb-filter-item") == 1


def test_without_the_script_every_change_is_there_and_no_control_shows(browser, history_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(history_url + "changes/")
        assert page.locator(".bb-filter-item").count() == 11
        assert not page.locator(".bb-filters").is_visible()
        assert page.get_by_text("likelihood from unlikely to likely").is_visible()
    finally:
        context.close()


def test_the_watch_view_filters_by_status(page, site_url):
    page.goto(site_url + "views/watch/")
    total = shown(page, ".bb-filter-item")
    page.select_option("select[name=filter-status]", "observed")
    observed = shown(page, ".bb-filter-item")
    assert 0 < observed < total
    visible = page.evaluate("[...document.querySelectorAll('.bb-filter-item')].filter(e => !e.closest('tr').hidden)"
                            ".map(e => e.closest('tr').querySelector('.bb-status').textContent)")
    assert set(visible) == {"observed"}


def test_the_since_date_marks_what_moved_after_it(page, history_url):
    page.goto(history_url + "views/matrix/")
    mark = page.locator("[data-moved]")
    assert not mark.is_visible()  # the stance moved on 1 May 2019, before the last review
    page.fill(".bb-since input[type=date]", "2019-04-01")
    assert mark.is_visible() and "1 moved" in page.locator(".bb-since").inner_text()
    page.fill(".bb-since input[type=date]", "2019-06-01")
    assert not mark.is_visible()


PAGES = {"changes": ("history", "changes/"), "scorecard": ("bundled", "views/scorecard/"),
         "brief-changes": ("history", "summits/hanoi-2019/#changes")}


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("device", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_history_pages_for_review(browser, site_url, history_url, name, device, scheme):
    which, path = PAGES[name]
    with screen(browser, (history_url if which == "history" else site_url) + path, device, scheme) as page:
        shot_and_check_width(page, name, device, scheme)
