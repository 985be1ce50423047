"""axe-core finds no serious or critical accessibility violation on the site's main kinds of page."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser
AXE = Axe()  # axe-core, as shipped inside the Python package


def axe_problems(page) -> list[str]:
    violations = AXE.run(page).response["violations"]
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {[node['target'] for node in v['nodes']][:5]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("path", ["", "summits/hanoi-2019/", "actors/japan/", "issues/abductions/", "views/matrix/"])
def test_page_has_no_serious_violation(page, site_url, path):
    page.goto(site_url + path)
    assert axe_problems(page) == []


def test_search_box_with_results_and_facets_has_no_serious_violation(page, site_url):
    page.goto(site_url)
    page.locator("[data-bb-search-query]").click()
    page.keyboard.type("Yongbyon")
    page.wait_for_selector("[data-bb-search-results][data-query=Yongbyon] li", state="attached")
    assert axe_problems(page) == []


def test_dark_scheme_has_no_serious_violation(page, site_url):
    page.goto(site_url + "actors/japan/")
    # colours fade over Material's transitions; axe must see the end state
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
    page.locator("[data-md-component=palette] label:visible").click()
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    assert axe_problems(page) == []
