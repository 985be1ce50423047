"""In Chromium: no brief body runs script on its page, and each payload here does run when nothing protects it.

Each payload sets its own flag on `window`. The protected pages are a real `briefbook build`,
and `briefbook render --out` built by plain MkDocs (no briefbook plugin, no sanitizer: only the
Markdown briefbook wrote); the unprotected ones are the same bodies converted by the site's
Markdown alone, which shows that every payload is live where the protection is off.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import markdown
import pytest
from helpers import REPO, build, run

from briefbook.format.settings import read_settings

pytestmark = pytest.mark.browser

PAYLOADS = {
    "three_backticks": "```code``` then\n\n<img src=x onerror=\"window.__bb_three_backticks=1\">",
    "unclosed_fence": "```\n<img src=x onerror=\"window.__bb_unclosed_fence=1\">",
    "span_into_block": "a `b\n<div><img src=x onerror=\"window.__bb_span_into_block=1\"></div>` c",
    "attribute_on_code": "```a\n```{onclick=\"window.__bb_attribute_on_code=1\"}",
    "attribute_on_span": "`x`{: onmouseover=\"window.__bb_attribute_on_span=1\"}",
    "script_link": "[click](javascript:window.__bb_script_link=1)",
    "entity_link": "[click](jav&#x61;script:window.__bb_entity_link=1)",
    "reference_link": "[click][r]\n\n[r]: javascript:window.__bb_reference_link=1",
    "backslash_tag": "\\<img src=x onerror=\"window.__bb_backslash_tag=1\">",
    "html_block": "<div markdown=\"1\">\n<img src=x onerror=\"window.__bb_html_block=1\">\n</div>",
    "svg": "<svg onload=\"window.__bb_svg=1\"></svg>",
    "iframe": "<iframe srcdoc=\"<script>parent.__bb_iframe=1</script>\"></iframe>",
}

# Fires what a reader might: every handler a click or a pointer can reach, and every script link.
TRIGGER = """() => {
  for (const el of document.querySelectorAll('article *, body > *')) {
    if (el.tagName === 'A') { if (el.href.startsWith('javascript:')) el.click(); continue; }
    el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
    el.dispatchEvent(new MouseEvent('click', {bubbles: true}));
  }
}"""
FLAGS = "() => Object.keys(window).filter(k => k.startsWith('__bb_'))"


def brief(name: str, body: str) -> str:
    slug = name.replace("_", "-")
    return f"---\nkind: issue\ntitle: Payload {slug}\nsummary: A body that tries to run script.\nreviewed: 2024-12-01\n---\n{body}\n"


@pytest.fixture(scope="module")
def payload_sites(tmp_path_factory) -> tuple[Path, Path, Path]:
    """The payloads built by briefbook, rendered by briefbook and built by MkDocs alone, and as plain Markdown HTML."""
    root = tmp_path_factory.mktemp("payloads")
    (root / "docs").mkdir()
    (root / "docs/index.md").write_text("# Payloads\n", encoding="utf-8")
    extensions = re.search(r"^markdown_extensions:\n(?:  .*\n)+", (REPO / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    (root / "mkdocs.yml").write_text("site_name: Payloads\ntheme:\n  name: material\nplugins:\n  - briefbook\n" + extensions.group(0), encoding="utf-8")
    for name, body in PAYLOADS.items():
        path = root / "briefs/issues" / f"{name.replace('_', '-')}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(brief(name, body), encoding="utf-8")
    protected = build(root)
    rendered = run(root, "briefbook", "render", "--out", str(root / "rendered"))
    assert rendered.returncode == 0, rendered.stderr
    assert "briefbook" not in (root / "rendered/mkdocs.yml").read_text(encoding="utf-8")
    build(root / "rendered", "mkdocs", "build", "--strict")
    setup = read_settings(root / "mkdocs.yml").markdown
    plain = root / "plain"
    plain.mkdir()
    for name, body in PAYLOADS.items():
        html = markdown.markdown(body, extensions=list(setup.extensions), extension_configs=json.loads(setup.configs))
        (plain / f"{name}.html").write_text(f"<!doctype html><html><body><article>{html}</article></body></html>", encoding="utf-8")
    return protected, root / "rendered/site", plain


@pytest.fixture(scope="module")
def urls(payload_sites, served) -> tuple[str, str, str]:
    return tuple(served(folder) for folder in payload_sites)


def flags_after_loading(browser, url: str) -> list[str]:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_load_state("load")
        page.evaluate(TRIGGER)
        page.wait_for_timeout(150)
        return page.evaluate(FLAGS)
    finally:
        context.close()


@pytest.mark.parametrize("name", PAYLOADS)
def test_the_payload_is_live_without_protection(browser, urls, name):
    assert flags_after_loading(browser, f"{urls[2]}{name}.html") == [f"__bb_{name}"]


@pytest.mark.parametrize("name", PAYLOADS)
@pytest.mark.parametrize("built_by", [0, 1], ids=["briefbook-build", "render-out-plain-mkdocs"])
def test_the_payload_runs_nothing_on_the_built_page(browser, urls, name, built_by):
    assert flags_after_loading(browser, f"{urls[built_by]}issues/{name.replace('_', '-')}/") == []
