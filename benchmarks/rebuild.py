"""How long does `mkdocs build --dirty` (what `mkdocs serve --dirty` runs on each save) take after one edit?

    python benchmarks/rebuild.py [N] [--seed S] [--keep DIR]

Writes an N-brief corpus (default 1,000; benchmarks/corpus.py), builds it in full, then times,
each against that full build:

- a content edit: one actor's summary changes. Only the pages whose Markdown changed are
  rebuilt (the actor's page and the actors index); the benchmark checks both show the edit.
- a body edit: a paragraph is added to the actor's prose, which only its page shows.
- a stance edit: one position's stance changes; it shows on the actor's page, its issue's
  page, the matrix and the summits the actor attends, which are checked.
- a title edit, a brief added, a brief removed: the navigation on every page changes, so the
  plugin rebuilds every page (and removes the removed brief's output); checked on a sample.

Times are CPU seconds (user + system) of the child process, wall-clock in brackets.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import BIN, Run, machine, run, t  # noqa: E402
from corpus import write_corpus  # noqa: E402


def mkdocs(project: Path, *args: str) -> Run:
    return run([str(BIN / "mkdocs"), "build", "--quiet", *args], project)


def edit(path: Path, pattern: str, replacement: str) -> None:
    text, count = re.subn(pattern, replacement, path.read_text(encoding="utf-8"), count=1, flags=re.MULTILINE)
    assert count == 1, f"no match for {pattern!r} in {path}"
    path.write_text(text, encoding="utf-8")


def html(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


def rewritten(site: Path, since: float) -> int:
    return sum(1 for p in site.rglob("index.html") if p.stat().st_mtime > since)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="work in this (new) folder and keep it")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="briefbook-rebuild-bench-"))
    project = root / "project"
    try:
        write_corpus(args.n, args.seed, project)
        site = project / "site"
        print(f"briefbook rebuild benchmark: {args.n} briefs, seed {args.seed}")
        print(f"machine: {machine()}")
        full = mkdocs(project)
        pages = sum(1 for _ in site.rglob("index.html"))
        print(f"  {'full build':<44} {t(full):>16}   {pages} pages")
        briefs = project / "briefs"
        actor = next(p for p in sorted((briefs / "actors").glob("*.md")) if "role: stakeholder" in p.read_text(encoding="utf-8"))
        attending = sorted(p for p in (briefs / "summits").glob("*.md") if f"actor: {actor.stem}\n" in p.read_text(encoding="utf-8"))

        def dirty(label: str, check) -> None:
            stamp = max(p.stat().st_mtime for p in site.rglob("index.html"))
            r = mkdocs(project, "--dirty")
            check()
            print(f"  {label:<44} {t(r):>16}   {rewritten(site, stamp):>5} pages rewritten   "
                  f"{100 * r.cpu / full.cpu:5.1f}% of the full build (CPU)", flush=True)

        edit(actor, r"^summary: \"", 'summary: "Benchmark edit: a new bottom line. ')

        def shows_summary() -> None:
            assert "Benchmark edit: a new bottom line." in html(site, f"actors/{actor.stem}")
            assert "Benchmark edit: a new bottom line." in html(site, "actors")

        dirty("content edit (one actor's summary)", shows_summary)

        actor.write_text(actor.read_text(encoding="utf-8") + "\nBenchmark edit: a new closing paragraph.\n", encoding="utf-8")
        dirty("body edit (one actor's prose)", lambda: html(site, f"actors/{actor.stem}").index("Benchmark edit: a new closing paragraph."))

        edit(actor, r"^    stance: \"[^\"]*\"", '    stance: "benchmarked stance"')
        issue = re.search(r"^positions:\n  ([a-z0-9-]+):", actor.read_text(encoding="utf-8"), re.MULTILINE).group(1)  # type: ignore[union-attr]

        def shows_stance() -> None:
            for page in [f"actors/{actor.stem}", f"issues/{issue}", "views/matrix"] + [f"summits/{s.stem}" for s in attending if re.search(rf"^agenda: \[.*\b{issue}\b", s.read_text(), re.MULTILINE)]:
                assert "benchmarked stance" in html(site, page), page

        dirty("stance edit (actor, issue, matrix, summits)", shows_stance)

        edit(actor, r"^title: \"", 'title: "Retitled ')
        title = re.search(r'^title: "([^"]*)"', actor.read_text(encoding="utf-8"), re.MULTILINE).group(1)  # type: ignore[union-attr]

        def shows_title() -> None:
            assert title in html(site, "actors") and title in html(site, f"actors/{actor.stem}")

        dirty("title edit (navigation changes: every page)", shows_title)

        added = briefs / "actors" / "benchmark-added.md"
        shutil.copyfile(actor, added)
        edit(added, r"^title: \"", 'title: "Added ')
        dirty("brief added (every page)", lambda: html(site, "actors/benchmark-added"))

        added.unlink()

        def gone() -> None:
            assert not (site / "actors" / "benchmark-added").exists()
            assert "benchmark-added" not in html(site, "actors")

        dirty("brief removed (every page; its output deleted)", gone)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
