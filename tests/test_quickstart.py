"""The README's quick start works on a fresh clone: its first command, exactly as written, installs
briefbook and the exact versions of requirements.lock into a new venv and builds the bundled site;
CI runs the same two commands; and the lock still pins what pyproject.toml asks for."""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import tomllib
from pathlib import Path

from helpers import REPO, quick_start_commands
from packaging.markers import Marker, default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

LOCK = REPO / "requirements.lock"
REFRESH = "refresh it as docs/publishing.md says (uv pip compile ...)"


def test_the_quick_start_installs_from_the_lock_builds_and_tests() -> None:
    build, test = quick_start_commands()
    assert "pip install -r requirements.lock -e ." in build and build.endswith("briefbook build")
    assert test == ".venv/bin/python -m pytest"


def test_ci_runs_the_quick_start_as_written() -> None:
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for command in quick_start_commands():
        assert command in script, f".ci/run does not run the README's `{command}`"


# --- the lock ---------------------------------------------------------------------------------------


def locked() -> dict[str, list[tuple[Version, str]]]:
    """requirements.lock as {name: [(version, marker), ...]}: a name is pinned once per set of Pythons and platforms."""
    pins: dict[str, list[tuple[Version, str]]] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==([^\s;]+)\s*(?:;\s*(.+))?", line)
        assert match, f"requirements.lock: `{line}` is not an exact pin (name==version)"
        name, version, marker = match.groups()
        pins.setdefault(canonicalize_name(name), []).append((Version(version), marker or ""))
    return pins


def required() -> list[Requirement]:
    """What pyproject.toml asks for: the dependencies and the test tools."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]]


def test_the_lock_pins_every_requirement_of_pyproject_within_its_range() -> None:
    pins = locked()
    for requirement in required():
        versions = pins.get(canonicalize_name(requirement.name))
        assert versions, f"requirements.lock has no {requirement.name}, which pyproject.toml requires: {REFRESH}"
        outside = [str(v) for v, _ in versions if not requirement.specifier.contains(v, prereleases=True)]
        assert not outside, f"requirements.lock pins {requirement.name}=={outside[0]}, outside `{requirement}`: {REFRESH}"


def test_the_lock_holds_everything_installed_here_each_at_its_version() -> None:
    """From pyproject's requirements down through each package's own, for this Python: each is pinned once,
    within the range asked for, and installed at that version (as `pip install -r requirements.lock` leaves it)."""
    pins = locked()
    environment = default_environment()
    expanded: set[tuple[str, str]] = set()
    todo = [(requirement, "pyproject.toml") for requirement in required()]
    while todo:
        requirement, wanted_by = todo.pop()
        name = canonicalize_name(requirement.name)
        versions = [v for v, marker in pins.get(name, []) if not marker or Marker(marker).evaluate(environment)]
        assert len(versions) == 1, f"requirements.lock pins {name} {len(versions)} times for this Python ({wanted_by} needs it): {REFRESH}"
        assert requirement.specifier.contains(versions[0], prereleases=True), \
            f"requirements.lock pins {name}=={versions[0]}, outside `{requirement}` of {wanted_by}: {REFRESH}"
        installed = Version(importlib.metadata.version(name))
        assert installed == versions[0], f"{name} {installed} is installed, the lock pins {versions[0]}: install as the quick start does"
        for extra in sorted(requirement.extras) or [""]:
            if (name, extra) not in expanded:
                expanded.add((name, extra))
                for text in importlib.metadata.requires(name) or []:
                    child = Requirement(text)
                    if child.marker is None or child.marker.evaluate({**environment, "extra": extra}):
                        todo.append((child, name))


def test_the_quick_start_builds_the_site_from_a_fresh_clone(tmp_path: Path) -> None:
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    clone = tmp_path / "briefbook"
    subprocess.run(["git", "clone", "--quiet", top, str(clone)], check=True, capture_output=True)
    command = quick_start_commands()[0]
    # a reader's shell: the system's tools only, nothing of this test run's venv or PATH
    env = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", str(tmp_path))}
    run = subprocess.run(["sh", "-c", command], cwd=clone, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, f"`{command}` failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    site = clone / "site"
    assert "Hanoi" in (site / "index.html").read_text(encoding="utf-8")
    hanoi = (site / "summits" / "hanoi-2019" / "index.html").read_text(encoding="utf-8")
    assert "Hanoi" in hanoi and "<h1" in hanoi
