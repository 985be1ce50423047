"""Browser fixtures: the bundled site built once, served on 127.0.0.1, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = REPO / "tests" / "screenshots"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
# The bundled site is built from a copy, so that the build's cache and output stay out of the checkout.
PROJECT_PARTS = ("mkdocs.yml", "briefs", "templates", "docs", "overrides")
BUILD_EPOCH = "1735689600"  # 2025-01-01: the site's dates do not depend on the day the tests run


def require_chromium() -> None:
    """A machine without Chromium skips the browser tests; CI must have it."""
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def serve(directory: Path) -> Iterator[str]:
    """Serve a folder on a free port of 127.0.0.1 until the generator is closed; yields the base URL."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def build_site(project: Path, site: Path) -> Path:
    """`briefbook build` of a project folder into site, as a user runs it; fails the test with the build's output."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-c", "from briefbook.cli import main; main()", "build", "--site-dir", str(site)]
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"briefbook build failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return site


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled site (the repository's briefs, templates, docs and mkdocs.yml), built once per session."""
    require_chromium()
    project = tmp_path_factory.mktemp("bundled")
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, project / part)
        elif source.exists():
            shutil.copyfile(source, project / part)
    return build_site(project, project / "site")


@pytest.fixture(scope="session")
def site_url(site_dir: Path) -> Iterator[str]:
    yield from serve(site_dir)


@pytest.fixture(scope="session")
def served() -> Iterator[object]:
    """serve(folder) for a test's own folders: each gives its base URL, and all stop at the end of the session."""
    with contextlib.ExitStack() as stack:
        yield lambda folder: stack.enter_context(contextlib.contextmanager(serve)(folder))


@pytest.fixture(scope="session")
def built() -> object:
    """build_site(project, site) for a test's own projects."""
    require_chromium()
    return build_site


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh desktop-sized page; JavaScript errors on the page fail the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
