"""`briefbook serve` rebuilds only what a save changed, and shows what a clean build shows.

A server runs on a copy of the fixture project while the briefs are edited as an analyst edits
them: a brief's prose, a summary the views show, a stance, a title (the navigation of every page),
a brief added, retitled (its page moves in the navigation), then removed; a title that is a tag of
other briefs; two saves in a row; a title edit, then a brief broken and fixed.
After each save, as soon as the server signals the new version (the
signal the browser reloads on), every page it serves is the page of a clean `mkdocs build` of the
same briefs, byte for byte (less the live-reload script it injects): the page itself, its
navigation, the views, the tags, briefs.json. The search index may follow a moment later, but
whole: within a few seconds every file of it is the clean build's. Both search configurations.
Also a site whose own nav names briefs (one as `./actors/japan.md` with a title of its own), with
pages as files, retitled.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import FIXTURES, build, copy_project, edit, free_port, mkdocs_serve, set_field

LIVERELOAD = re.compile(rb"<script>\s*var livereload = .*?</script>", re.DOTALL)
SEARCH_FOLLOWS_SECONDS = 60


def get(base: str, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(base + path, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, b""


def epoch(base: str, after: int = 0) -> int:
    """The version the server shows; with `after`, wait (the browser's live-reload poll) for a newer one."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status, body = get(base, f"/livereload/{after}/1")
        if status == 200 and int(body) > after:
            return int(body)
    pytest.fail("the server showed no new version after the save")


@contextlib.contextmanager
def serving(project: Path, port: int, log: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    base = f"http://127.0.0.1:{port}"
    with mkdocs_serve(project, log, ("briefbook", "serve"), port, env) as (server, _):
        deadline = time.monotonic() + 120
        while True:
            try:
                if get(base, "/")[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError):
                pass
            assert server.poll() is None, log.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(0.2)
        yield base


def clean_build(project: Path, target: Path) -> Path:
    """A clean build of the project's files as they stand, in a folder of its own with no cache."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for part in ("mkdocs.yml", "briefs", "docs"):
        source = project / part
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, target / part)
    return build(target, "mkdocs", "build", "--strict")


def differences(base: str, clean: Path, search: str) -> tuple[list[str], list[str]]:
    """The files served unlike the clean build: (site files, search index files)."""
    site, index = [], []
    for path in sorted(p for p in clean.rglob("*") if p.is_file() and not p.name.startswith(".")):
        relative = path.relative_to(clean).as_posix()
        status, served = get(base, "/" + relative)
        if status != 200 or LIVERELOAD.sub(b"", served) != path.read_bytes():
            (index if relative.startswith(search + "/") else site).append(relative)
    return site, index


def edits(project: Path) -> list[tuple[str, callable, str | None]]:
    """Each kind of save: (what it is, the save, a page that must be gone after it)."""
    japan, added = project / "briefs/actors/japan.md", project / "briefs/actors/korea.md"
    sanctions = project / "briefs/issues/sanctions.md"  # its title is a tag of every actor with a stance on it

    def add() -> None:
        text = japan.read_text(encoding="utf-8").replace("title: Japan (retitled)", "title: South Korea")
        added.write_text(text.replace("role: ally", "role: stakeholder"), encoding="utf-8")

    def saves_in_a_row() -> None:  # the second before the first's views are made
        set_field(japan, "title", "Japan (retitled twice)")
        time.sleep(0.3)
        edit(japan, "stance: relief only for verified steps", "stance: relief for verified steps only")

    def broken_then_fixed() -> None:  # the views left to make by the title edit, made from the last good briefs
        set_field(japan, "title", "Japan (retitled thrice)")
        time.sleep(0.5)
        set_field(japan, "role", "no-such-role")
        time.sleep(1.0)
        set_field(japan, "role", "ally")

    return [
        ("prose", lambda: japan.write_text(japan.read_text(encoding="utf-8") + "\nA new closing paragraph on the abductions.\n",
                                           encoding="utf-8"), None),
        ("summary", lambda: set_field(japan, "summary", "Tokyo welcomed the walk-out, as the sanctions stay as they are."), None),
        ("stance", lambda: edit(japan, "stance: no relief before concrete steps", "stance: relief only for verified steps"), None),
        ("title", lambda: set_field(japan, "title", "Japan (retitled)"), None),
        ("added", add, None),
        ("a title that moves its page in the navigation", lambda: set_field(added, "title", "A Korea & partners"), None),
        ("removed", added.unlink, "actors/korea/"),
        ("a title that changes the tags", lambda: set_field(sanctions, "title", "2019 sanctions relief"), None),
        ("saves in a row", saves_in_a_row, None),
        ("a broken brief fixed", broken_then_fixed, None),
    ]


@pytest.mark.parametrize("search", ["pagefind", "material"])
def test_every_save_serves_what_a_clean_build_gives(search: str, tmp_path: Path):
    project = copy_project(FIXTURES / "site", tmp_path / "project")
    port = free_port()
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    # the clean build links to where the server serves (its canonical links and sitemap say so)
    config = config.replace("site_url: https://example.org/briefs/", f"site_url: http://127.0.0.1:{port}/")
    if search == "pagefind":
        config = config.replace("  - search\n", "")
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    with serving(project, port, tmp_path / "serve.log") as base:
        each_save_serves_a_clean_build(base, project, edits(project), tmp_path, "pagefind" if search == "pagefind" else "search")


def each_save_serves_a_clean_build(base: str, project: Path, saves: list, tmp_path: Path, index_folder: str) -> None:
    """Apply each save in turn; after each, every file served is the clean build's (the search index within a few seconds)."""
    for kind, save, gone in saves:
        shown = epoch(base)
        save()
        saved = round(time.monotonic() * 1000)  # the server's epochs are the monotonic clock's ms when a pass began
        clean = clean_build(project, tmp_path / "clean")
        while shown <= saved:  # a pass that began after the last write of the save
            shown = epoch(base, shown)
        site, _ = differences(base, clean, index_folder)
        assert site == [], f"after the {kind} edit, the server showed these unlike a clean build: {site}"
        if gone:
            assert get(base, "/" + gone)[0] == 404, f"after the {kind} edit, {gone} is still served"
        deadline = time.monotonic() + SEARCH_FOLLOWS_SECONDS
        while (index := differences(base, clean, index_folder)[1]) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert index == [], f"{SEARCH_FOLLOWS_SECONDS} s after the {kind} edit, the search index still differs: {index}"


def test_a_retitled_brief_that_the_sites_own_nav_names_serves_what_a_clean_build_gives(tmp_path: Path):
    # mkdocs.yml's nav names briefs itself: one as `./actors/japan.md` under a title of its own (MkDocs
    # finds it as actors/japan.md, and every entry of that page then shows the nav's title), one by its
    # path alone (the page's own title); the pages are files (`use_directory_urls: false`) and a
    # hand-written page links to an anchor of a brief's page. A retitle is the navigation-only save.
    project = copy_project(FIXTURES / "site", tmp_path / "project")
    port = free_port()
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("site_url: https://example.org/briefs/", f"site_url: http://127.0.0.1:{port}/").replace("  - search\n", "")
    config = config.replace("  - Home: index.md\n", "  - Home: index.md\n  - Japan at a glance: ./actors/japan.md\n  - actors/china.md\n  - Notes: notes.md\n")
    (project / "mkdocs.yml").write_text(config + "use_directory_urls: false\n", encoding="utf-8")
    (project / "docs/notes.md").write_text("# Notes\n\nSee [where Japan stands](actors/japan.md#positions).\n", encoding="utf-8")
    japan, china = project / "briefs/actors/japan.md", project / "briefs/actors/china.md"
    saves = [
        ("title of a brief the nav titles", lambda: set_field(japan, "title", "Japan (retitled)"), None),
        ("title of a brief the nav names by path", lambda: set_field(china, "title", "'China <b>\"PRC\"</b> & *co*: #1'"), None),
    ]
    with serving(project, port, tmp_path / "serve.log") as base:
        each_save_serves_a_clean_build(base, project, saves, tmp_path, "pagefind")


def test_a_server_stopped_by_sigterm_removes_its_temporary_site(tmp_path: Path):
    # a service manager, `kill` or a closed terminal stops the server as Ctrl-C does
    project = copy_project(FIXTURES / "site", tmp_path / "project")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    with serving(project, free_port(), tmp_path / "serve.log", {"TMPDIR": str(temporary)}):
        assert [p.name for p in temporary.iterdir() if p.name.startswith("briefbook-preview-")]
    assert list(temporary.iterdir()) == [], (tmp_path / "serve.log").read_text(encoding="utf-8")[-2000:]
