"""What many tests share: the fixed build date, running briefbook and MkDocs as a user does, copying
projects, the tools a test may need, and talking to a local `mkdocs serve`.

Imported as `helpers` (pytest puts tests/ on sys.path); fixtures that use these live in conftest.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from briefbook.cli import main

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
# A fixed "today" for every build and check: 2020-01-01. The fixture briefs, reviewed late in 2019, are
# not stale on it (but the views fixture's sanctions brief, due 2019-06-01, is); the bundled book was
# reviewed later still; and a date leaked from the clock would differ from it.
BUILD_EPOCH = "1577836800"
# The published address the bundled site is built for, so that its sitemap and canonical links exist.
BUNDLED_SITE_URL = "https://briefbook.example.org/hanoi/"
# What a build of the bundled book reads: the rest of the repository (tests, caches, outputs) stays out.
BUNDLED_PARTS = ("mkdocs.yml", "briefs", "templates", "docs")
BIN = Path(sys.executable).parent
WAIT_SECONDS = 30


# --- the tools a test needs ---------------------------------------------------------------------


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


def require(found: object, what: str, install: str) -> None:
    """A tool the README's two commands do not install: a machine without it skips the test, naming the
    install step; CI (CI=true), which installs it, fails instead."""
    if found:
        return
    message = f"{what} is missing ({install})"
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)


def tool(name: str) -> str:
    """A console script of this venv (briefbook, mkdocs, properdocs, zensical, ...): the README's first
    command installs them all, so a missing one fails the test."""
    path = BIN / name
    assert path.is_file(), f"{path} is missing: install the project as the README's quick start does"
    return str(path)


def quick_start_commands() -> list[str]:
    """The commands of the README's quick start: the first installs and builds, the second runs the tests."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", section, re.S)
    assert block, "README.md's Quick start has no code block"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


# --- running briefbook and the site engines -----------------------------------------------------


def run(project: Path, *command: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """A console script of this venv (`briefbook build`, `mkdocs build --dirty`, ...) run in a project
    folder as a user runs it, on the fixed build date unless `env` says otherwise."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run([tool(command[0]), *command[1:]], cwd=project, env=env, capture_output=True, text=True,
                          timeout=timeout)


def build(project: Path, *command: str, env: dict[str, str] | None = None) -> Path:
    """Build a project (`briefbook build` unless another command is given); fails the test with the
    build's output. Returns the project's site/ folder."""
    result = run(project, *(command or ("briefbook", "build")), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


@dataclass
class Project:
    """A project folder: write briefs into it and run `briefbook` there, in this process."""

    root: Path

    def write(self, relative: str, text: str | bytes) -> Path:
        """Write a file; text is dedented, so fixtures can be indented in the test."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8", newline="")
        return path

    def copy(self, fixture: str, relative: str) -> Path:
        """Copy a file from tests/fixtures/ into the project, byte for byte."""
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURES / fixture, target)
        return target

    def run(self, *args: str) -> Result:
        """`briefbook ARGS` in the project folder."""
        with contextlib.chdir(self.root):
            return CliRunner().invoke(main, list(args), catch_exceptions=False)

    def check(self, *args: str) -> Result:
        return self.run("check", *args)


# --- the small valid project ---------------------------------------------------------------------

VALID_BRIEFS = {
    "briefs/sources/x.yml": """\
        sources:
          - id: hanoi-statement
            title: Statement on the Hanoi summit
            publisher: White House
            date: 2019-02-28
            url: https://example.org/hanoi-statement
          - id: kcna-report
            title: Report on the talks
            publisher: KCNA
            date: 2019-03-01
            url: https://example.org/kcna-report
        """,
    "briefs/issues/denuclearization.md": """\
        ---
        kind: issue
        title: Denuclearization
        summary: The dismantling of North Korea's nuclear programme.
        reviewed: 2019-12-01
        ---
        Both sides say they want it [@hanoi-statement]; they disagree on the order of steps.
        """,
    "briefs/actors/united-states.md": """\
        ---
        kind: actor
        title: United States
        summary: Seeks complete denuclearization before sanctions relief.
        reviewed: 2019-12-01
        role: principal
        positions:
          denuclearization:
            stance: all at once
            priority: high
            summary: A full declaration first.
            sources: [hanoi-statement]
        ---
        The United States walked away in Hanoi [@hanoi-statement].
        """,
    "briefs/actors/north-korea.md": """\
        ---
        kind: actor
        title: North Korea
        summary: Seeks sanctions relief in exchange for step-by-step measures.
        reviewed: 2019-12-01
        role: counterpart
        positions:
          denuclearization:
            stance: step by step
            priority: high
            summary: Yongbyon in exchange for partial relief.
            sources: [kcna-report]
        ---
        North Korea offered Yongbyon [@kcna-report].
        """,
    "briefs/summits/hanoi-2019.md": """\
        ---
        kind: summit
        title: Hanoi summit
        summary: Ended early without an agreement.
        reviewed: 2019-12-01
        date: 2019-02-27
        end_date: 2019-02-28
        location:
          city: Hanoi
          country: Vietnam
        participants:
          - actor: united-states
          - actor: north-korea
        outcome: no agreement
        agenda: [denuclearization]
        key_judgments:
          - text: Talks resume within a year.
            likelihood: unlikely
            confidence: moderate
            sources: [hanoi-statement, kcna-report]
        ---
        The summit ended early [@hanoi-statement; @kcna-report].
        """,
}


def valid_project(root: Path, briefs_dir: str = "briefs") -> Project:
    """The small valid project (an issue, two actors, a summit, a shared sources file) written into root."""
    project = Project(root)
    for relative, text in VALID_BRIEFS.items():
        project.write(briefs_dir + relative.removeprefix("briefs"), text)
    return project


# --- copying and comparing projects -------------------------------------------------------------


def copy_project(source: Path, target: Path) -> Path:
    """A copy of a project folder (a fixture, or a built project with its site/ and cache), links kept."""
    shutil.copytree(source, target, symlinks=True)
    return target


def copy_bundled_book(target: Path) -> Path:
    """What a build of the repository's own briefing book reads, copied, so that its cache and output
    stay out of the checkout."""
    target.mkdir(parents=True)
    for part in BUNDLED_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copyfile(source, target / part)
    return target


def snapshot(*folders: Path) -> dict[str, str]:
    """Every file under the folders, by its path from the folder's parent (`site/index.html`) and the digest of its bytes."""
    return {str(p.relative_to(folder.parent)): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()}


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in a file, which must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def set_field(path: Path, name: str, value: str) -> None:
    """Replace a top-level front-matter line `name: ...`."""
    text, count = re.subn(rf"(?m)^{name}: .*$", f"{name}: {value}", path.read_text(encoding="utf-8"), count=1)
    assert count == 1, f"no `{name}:` line in {path}"
    path.write_text(text, encoding="utf-8")


# --- a local `mkdocs serve` ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str) -> tuple[int, str]:
    """(status, body); status 0 while the server does not answer yet."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def wait_until(condition, what: str, log: Path, seconds: float = WAIT_SECONDS) -> None:
    """Poll until the condition holds; fail with the server's log (less its request lines) if it never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    lines = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if '"GET /' not in line]
    pytest.fail(f"waited {seconds} s for {what}; server log:\n" + "\n".join(lines[-40:]))


@contextlib.contextmanager
def mkdocs_serve(project: Path, log: Path, command: tuple[str, ...] = ("mkdocs", "serve"),
                 port: int | None = None, env: dict[str, str] | None = None) -> Iterator[tuple[subprocess.Popen, int]]:
    """`mkdocs serve` (or another server: `briefbook serve`) of a project on a free 127.0.0.1 port, on the
    fixed build date, its output in `log`; always stopped (SIGTERM, then SIGKILL after 10 s)."""
    port = port or free_port()
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    with log.open("w", encoding="utf-8") as out:
        server = subprocess.Popen([tool(command[0]), *command[1:], "--dev-addr", f"127.0.0.1:{port}"],
                                  cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield server, port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


# --- a project with a git history ---------------------------------------------------------------

HISTORY_SITE_URL = "https://example.org/book/"
HISTORY_CONFIG = f"""\
site_name: "History fixture"
site_url: {HISTORY_SITE_URL}
theme:
  name: material
  font: false
  palette:
    - scheme: default
      toggle:
        icon: material/brightness-7
        name: Switch to dark mode
    - scheme: slate
      toggle:
        icon: material/brightness-4
        name: Switch to light mode
plugins:
  - briefbook
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
"""
NORTH_KOREA_JUDGMENT = """\
key_judgments:
  - text: The North tests an ICBM in 2019.
    likelihood: very unlikely
    confidence: moderate
    horizon: 2019-12-31
    resolution:
      came_true: false
      date: 2019-12-31
      outcome: No ICBM was launched in 2019.
      sources: [kcna-report]
positions:"""
WATCH_ITEM = """\
what_to_watch:
  - indicator: Working-level talks resume.
    why: The channel survives.
    status: watching
"""
OBSERVED = """\
what_to_watch:
  - indicator: Working-level talks resume.
    why: The channel survives.
    status: observed
    history:
      - date: 2019-06-30
        status: observed
        note: The leaders agreed to resume them.
        sources: [kcna-report]
changes:
  - date: 2019-07-02
    text: Judgment 1 resolved after the June meeting.
"""
RESOLVED = """\
    likelihood: likely
    confidence: moderate
    resolution:
      came_true: true
      date: 2019-06-30
      outcome: Talks resumed.
      sources: [kcna-report]"""


def git(project: Path, *args: str, date: str | None = None) -> str:
    """git in the project, as a fixed committer on a fixed date, so that the history is the same each run."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org", "GIT_COMMITTER_NAME": "Editor",
           "GIT_COMMITTER_EMAIL": "editor@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    if date:
        env |= {"GIT_AUTHOR_DATE": f"{date}T12:00:00Z", "GIT_COMMITTER_DATE": f"{date}T12:00:00Z"}
    done = subprocess.run(["git", *args], cwd=project, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def history_project(root: Path) -> Project:
    """The small valid project committed five times: briefs added, a judgment's likelihood raised, a
    stance reworded, a brief added and one removed, an indicator observed and a judgment resolved."""
    project = valid_project(root)
    project.write("mkdocs.yml", HISTORY_CONFIG)
    project.write(".gitignore", "site/\n.cache/\n")
    project.write("docs/about.md", "# About\n\nA fixture.\n")
    summit, north_korea = root / "briefs/summits/hanoi-2019.md", root / "briefs/actors/north-korea.md"
    edit(north_korea, "positions:", NORTH_KOREA_JUDGMENT)
    edit(summit, "---\nThe summit", WATCH_ITEM + "---\nThe summit")
    project.write("briefs/issues/missiles.md", """\
        ---
        kind: issue
        title: Missiles
        summary: Short- and long-range testing.
        reviewed: 2019-12-01
        ---
        The moratorium holds.
        """)
    git(root, "init", "-q", "-b", "main")
    steps = [
        ("2019-03-01", "Briefs of the Hanoi summit", lambda: None),
        ("2019-04-01", "Talks judgment raised after the April speech", lambda: edit(summit, "likelihood: unlikely", "likelihood: likely")),
        ("2019-05-01", "North Korea's stance reworded", lambda: edit(north_korea, "stance: step by step", "stance: phased exchange")),
        ("2019-06-01", "Sanctions brief added, missiles folded into it", lambda: (
            (root / "briefs/issues/missiles.md").unlink(),
            project.write("briefs/issues/sanctions.md", "---\nkind: issue\ntitle: Sanctions\nsummary: The UN measures.\nreviewed: 2019-12-01\n---\nFive resolutions.\n"))),
        ("2019-07-01", "Talks indicator observed, judgment resolved", lambda: (
            edit(summit, WATCH_ITEM, OBSERVED),
            edit(summit, "    likelihood: likely\n    confidence: moderate", RESOLVED))),
    ]
    for date, message, change in steps:
        change()
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", message, date=date)
    return project
