"""Where the time of one save goes in `briefbook serve`: each kind of edit profiled in one process.

    python benchmarks/serve_profile.py [N] [--seed S] [--project DIR] [--top T] [--only KIND ...]

Writes an N-brief project (benchmarks/corpus.py, default 1,000; or copies the project in DIR,
written there by an earlier run) in the default configuration (Pagefind), runs the preview's first
pass in this process (`preview.live_site.LiveSite`, without its background thread, so that
nothing but the save is measured), then makes each kind of edit that benchmarks/serve.py makes
and profiles (cProfile) the save's pass plus the writing of the pages serve.py then fetches.
For each, wall and CPU seconds, and the functions with the most time in them and under them.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import REFERENCE_EPOCH, write_corpus  # noqa: E402
from search import MATERIAL_SEARCH_LINES  # noqa: E402
from serve import edit  # noqa: E402


def default_configuration(project: Path) -> None:
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    for line in MATERIAL_SEARCH_LINES:
        config = config.replace(line, "")
    if "  - search:\n" in config:
        config = config[:config.index("  - search:\n")] + config[config.index("  - tags\n"):]
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")


def edits(project: Path) -> list[tuple[str, object, list[str]]]:
    """(kind, the save, the pages serve.py fetches after it), as benchmarks/serve.py makes them."""
    briefs = project / "briefs"
    actors = [p for p in sorted((briefs / "actors").glob("*.md")) if "role: stakeholder" in p.read_text(encoding="utf-8")]
    actor, neighbour = actors[3], actors[4]
    page = f"actors/{actor.stem}/index.html"
    issue = re.search(r"^positions:\n  ([a-z0-9-]+):", actor.read_text(encoding="utf-8"), re.MULTILINE).group(1)  # type: ignore[union-attr]
    added = briefs / "actors" / "benchmark-added-0.md"
    mark = "profilemark"

    def add() -> None:
        added.write_text(re.sub(r'^title: "', f'title: "{mark}added ', actor.read_text(encoding="utf-8"), count=1, flags=re.MULTILINE), encoding="utf-8")

    return [
        ("prose", lambda: actor.write_text(actor.read_text(encoding="utf-8") + f"\nA closing paragraph {mark}.\n", encoding="utf-8"), [page]),
        ("summary", lambda: edit(actor, r"^summary: \"", f'summary: "{mark}summary. '), [page, "actors/index.html"]),
        ("stance", lambda: edit(actor, rf"^(positions:\n  {issue}:\n(?:    .*\n)*?)    stance: \"[^\"]*\"", rf'\1    stance: "{mark}stance"'),
         [page, f"issues/{issue}/index.html", "views/matrix/index.html"]),
        ("title", lambda: edit(actor, r"^title: \"", f'title: "{mark}title '), [page, "actors/index.html", f"actors/{neighbour.stem}/index.html"]),
        ("added", add, [f"actors/{added.stem}/index.html", "actors/index.html"]),
        ("removed", added.unlink, ["actors/index.html"]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--project", type=Path, help="edit a copy of the project in this folder (written there first if it is not there)")
    parser.add_argument("--top", type=int, default=14)
    parser.add_argument("--only", nargs="*", help="profile only these kinds (the others are still made, unprofiled)")
    args = parser.parse_args()
    source = args.project or Path(tempfile.mkdtemp(prefix="briefbook-serve-profile-")) / "project"
    if not (source / "mkdocs.yml").is_file():
        write_corpus(args.n, args.seed, source)
        default_configuration(source)
    project = Path(tempfile.mkdtemp(prefix="briefbook-serve-profile-")) / "project"
    shutil.copytree(source, project, ignore=shutil.ignore_patterns(".cache", "site"))
    os.environ.update(SOURCE_DATE_EPOCH=REFERENCE_EPOCH, NO_MKDOCS_2_WARNING="1")
    os.chdir(project)

    from briefbook.files.store import keep_in_memory
    from briefbook.preview.live_site import LiveSite

    keep_in_memory()
    site = LiveSite(str(project / "mkdocs.yml"), tempfile.mkdtemp(prefix="briefbook-serve-profile-site-"), "127.0.0.1:8000")
    site.load().plugins.on_startup(command="serve", dirty=False)
    started = time.perf_counter()
    site.refresh()
    print(f"first pass {time.perf_counter() - started:.1f} s; load average {os.getloadavg()[0]:.2f}", flush=True)
    for kind, save, pages in edits(project):
        save()
        time.sleep(0.01)  # a new modification time
        profiler = cProfile.Profile() if not args.only or kind in args.only else None
        wall, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        site.refresh()
        for path in pages:
            site.ensure(os.path.join(site.site_dir, path))
        if profiler:
            profiler.disable()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"\n== {kind}: {wall:.2f} s wall, {cpu:.2f} s CPU (profiled), {len(site.stale)} pages left stale; "
              f"load {os.getloadavg()[0]:.2f}", flush=True)
        if profiler:
            for order in ("tottime", "cumulative"):
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
                text = out.getvalue()
                print(text[text.index("   ncalls"):].rstrip(), flush=True)


if __name__ == "__main__":
    main()
