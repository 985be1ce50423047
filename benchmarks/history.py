"""What does the history cost a build? N briefs with C commits each, against the same build without git.

    python benchmarks/history.py [--briefs 1000] [--commits 5] [--seed S] [--repeat R] [--keep DIR]

It writes a synthetic corpus (benchmarks/corpus.py), commits it, then commits C - 1 revisions of
every brief (a key judgment's likelihood moved, a stance reworded, the summary rewritten), so
that each brief has C versions. Then, in child processes, with no cache:

- history: `briefbook render --out` of the git checkout (reads the log, every version, and
  compares their front matter, besides loading and rendering);
- floor: the same command on a copy of the project without `.git`: no history, the same pages
  less their revisions.

And in this process, the history alone (`read_history`: one `git log`, one `git cat-file
--batch`, the diffs). Both again with the cache of the run before (nothing changed). It prints CPU seconds (wall in
brackets) and the difference.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import best, run, t  # noqa: E402
from corpus import REFERENCE_EPOCH, write_corpus  # noqa: E402

LIKELIHOODS = ["unlikely", "roughly even chance", "likely", "very likely"]
GIT_ENV = {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org", "GIT_COMMITTER_NAME": "Bench",
           "GIT_COMMITTER_EMAIL": "bench@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(project: Path, *args: str, day: int = 1) -> None:
    when = f"2025-{day:02d}-01T12:00:00Z"
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", *args], cwd=project, env=env, check=True, capture_output=True)


def revise(text: str, k: int) -> str:
    """Revision k of a brief: its first judgment's likelihood moved, its first stance and its summary reworded."""
    text = re.sub(r"(    likelihood: ).*", lambda m: m.group(1) + LIKELIHOODS[k % len(LIKELIHOODS)], text, count=1)
    text = re.sub(r'(    stance: ")([^"]*)"', lambda m: f'{m.group(1)}{m.group(2).split(" (")[0]} (revision {k})"', text, count=1)
    return re.sub(r'^(summary: ")([^"]*)"', lambda m: f'{m.group(1)}{m.group(2)} Revised {k}."', text, count=1, flags=re.M)


def make(n: int, commits: int, seed: int, root: Path) -> Path:
    project = root / "project"
    write_corpus(n, seed, project)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "The briefs")
    briefs = sorted((project / "briefs").rglob("*.md"))
    for k in range(1, commits):
        for path in briefs:
            path.write_text(revise(path.read_text(encoding="utf-8"), k), encoding="utf-8")
        git(project, "commit", "-q", "-am", f"Revision {k} of every brief", day=k + 1)
    return project


def history_alone(project: Path) -> tuple[float, int]:
    os.environ["SOURCE_DATE_EPOCH"] = REFERENCE_EPOCH
    from briefbook.corpus.load import load_corpus
    from briefbook.corpus.history import read_history
    from briefbook.format.settings import read_settings

    settings = read_settings(project / "mkdocs.yml")
    corpus = load_corpus(settings).corpus
    start = time.perf_counter()
    history = read_history(settings.briefs, corpus)
    return time.perf_counter() - start, len(history.revisions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefs", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="briefbook-history-"))
    try:
        start = time.perf_counter()
        project = make(args.briefs, args.commits, args.seed, root)
        print(f"{args.briefs} briefs, {args.commits} commits each, made in {time.perf_counter() - start:.1f} s")
        floor_project = root / "floor"
        shutil.copytree(project, floor_project, ignore=shutil.ignore_patterns(".git"))
        briefbook = str(Path(sys.executable).parent / "briefbook")

        def render(where: Path, cold: bool = True):
            def once():
                if cold:
                    shutil.rmtree(where / ".cache", ignore_errors=True)
                shutil.rmtree(where / "out", ignore_errors=True)
                return run([briefbook, "render", "--out", "out"], where)
            return once

        with_history = best(args.repeat, render(project))
        floor = best(args.repeat, render(floor_project))
        # the cache of the run before: the pages, and each comparison of two versions of a brief
        warm_history = best(args.repeat, render(project, cold=False))
        warm_floor = best(args.repeat, render(floor_project, cold=False))
        alone = min(history_alone(project)[0] for _ in range(args.repeat))
        revisions = history_alone(project)[1]
        print(f"render --out with history: {t(with_history)}")
        print(f"render --out without (floor): {t(floor)}")
        print(f"history's cost: {with_history.seconds - floor.seconds:+.2f} s wall, {with_history.cpu - floor.cpu:+.2f} s CPU "
              f"({(with_history.seconds / floor.seconds - 1) * 100:+.0f}%)")
        print(f"again, with the cache of the run before: {t(warm_history)} with history, {t(warm_floor)} without")
        print(f"read_history alone (no cache): {alone:.2f} s for {revisions} revisions")
        print(f"load: {os.getloadavg()[0]:.2f} (1-minute average at the end)")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
