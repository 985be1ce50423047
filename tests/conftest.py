"""Shared fixtures: a small valid project written into a temporary folder."""

from __future__ import annotations

import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from briefbook.cli import main

FIXTURES = Path(__file__).parent / "fixtures"

# A fixed "today" so that staleness warnings never depend on when the tests run.
BUILD_EPOCH = "1577836800"  # 2020-01-01

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


@dataclass
class Project:
    """A project folder: write briefs into it and run `briefbook` there."""

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
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    def check(self, *args: str) -> Result:
        return self.run("check", *args)


def valid_project(root: Path, briefs_dir: str = "briefs") -> Project:
    """The small valid project (an issue, two actors, a summit, a shared sources file) written into root."""
    project = Project(root)
    for relative, text in VALID_BRIEFS.items():
        project.write(briefs_dir + relative.removeprefix("briefs"), text)
    return project


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The small valid project, as the working folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    return valid_project(tmp_path)


# For module-scoped fixtures: with tests/browser/conftest.py beside this one, `import conftest` is ambiguous.
@pytest.fixture(scope="session")
def make_valid_project():
    return valid_project


@pytest.fixture(scope="session")
def build_epoch() -> str:
    return BUILD_EPOCH
