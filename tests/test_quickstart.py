"""The README's quick start works on a fresh clone: its first command, exactly as written, installs
briefbook into a new venv from the package index and builds the bundled site."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def quick_start_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", section, re.S)
    assert block, "README.md's Quick start has no code block"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def test_the_quick_start_names_a_build_and_a_test_command() -> None:
    build, test = quick_start_commands()[:2]
    assert "briefbook build" in build and "pip install" in build
    assert "pytest" in test


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
