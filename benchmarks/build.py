"""How long does a full `mkdocs build` with briefbook take, against the floor of the same pages without it?

    python benchmarks/build.py [--sizes 100,500,1000,5000] [--render-sizes 10000] [--seed S] [--repeat R]
                               [--search material,pagefind] [--keep DIR] [--profile N]

For each size N it writes a synthetic corpus (benchmarks/corpus.py), then, in child processes:

- full: `mkdocs build --strict` of the project, with the briefbook plugin;
- floor: `briefbook render --out` writes the very same pages as plain Markdown with the same
  mkdocs.yml and navigation, minus the plugin; `mkdocs build --strict` of that is the floor,
  what MkDocs + Material cost for these pages whoever generates them;
- floor with the extension: the same, with briefbook's Markdown extension (site/markdown_ext.py,
  which the plugin adds to every site) added to the floor's markdown_extensions. The extension
  converts the views' large tables and lists itself, more cheaply than Python-Markdown does, so the
  floor without it converts more slowly than the full build; the floor with it is the one whose
  ratio isolates briefbook's own work (loading, checking, rendering). Both ratios are printed.

With `--search pagefind` the project uses the site's own search instead of Material's (no search
plugin, Pagefind's box in the header; the plugin indexes the built site), and the floor is
MkDocs plus Pagefind's command line run over the floor's site.

It prints seconds, ms per brief, the child's peak memory (ru_maxrss from wait4), the site's size
and its search index, and the ratios the targets are about. `--render-sizes` times `briefbook
render --out` (load, validate, render to Markdown, write; no MkDocs) on larger corpora: without
a cache, with the cache of the run before and nothing changed, and after an edit to one brief's
summary, then to its prose.
Full builds and the floor's `render --out` start with no cache (`.cache/briefbook` removed).
`--profile N` builds the N-brief corpus once more under cProfile and prints where the time goes.
"""

from __future__ import annotations

import argparse
import os
import platform
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import REFERENCE_EPOCH, write_corpus  # noqa: E402
from search import pagefind_project  # noqa: E402

BIN = Path(sys.executable).parent


@dataclass
class Run:
    seconds: float  # wall clock
    cpu: float  # user + system time of the child: steadier than wall time on a shared machine
    peak_mb: float


def run(args: list[str], cwd: Path) -> Run:
    """Run a child process; its wall time and peak resident memory (of that child alone)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": REFERENCE_EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    with tempfile.TemporaryFile() as log:
        child = subprocess.Popen(args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            log.seek(0)
            raise SystemExit(f"`{' '.join(args)}` failed in {cwd} ({child.returncode}):\n{log.read().decode()[-3000:]}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def cold(project: Path, args: list[str]) -> Run:
    """A run with no cache from an earlier one (`.cache/briefbook`): what a fresh clone pays."""
    shutil.rmtree(project / ".cache", ignore_errors=True)
    return run(args, project)


def middle_actor(project: Path) -> Path:
    actors = sorted((project / "briefs" / "actors").glob("*.md"))
    return actors[len(actors) // 2]


def edit_summary(project: Path) -> None:
    """An analyst's edit: one actor's summary changes (it shows on other pages too)."""
    actor = middle_actor(project)
    text = actor.read_text(encoding="utf-8")
    assert '\nsummary: "' in text, actor
    actor.write_text(text.replace('\nsummary: "', '\nsummary: "Edited. ', 1), encoding="utf-8")


def edit_body(project: Path) -> None:
    """The commonest edit: a paragraph added to one actor's prose (only its page shows it)."""
    actor = middle_actor(project)
    actor.write_text(actor.read_text(encoding="utf-8") + "\nA new closing paragraph.\n", encoding="utf-8")


def best(repeat: int, fn) -> Run:
    runs = [fn() for _ in range(repeat)]
    return min(runs, key=lambda r: r.cpu)


def t(r: Run) -> str:
    return f"{r.cpu:.2f} ({r.seconds:.2f})"


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), "?")
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), 0)
    return f"{os.cpu_count()} CPUs ({model}), {mem / 1024 / 1024:.0f} GB RAM, Python {platform.python_version()}, {platform.platform()}"


def mkdocs_build(project: Path, site: Path, config: str = "mkdocs.yml") -> list[str]:
    return [str(BIN / "mkdocs"), "build", "--strict", "--quiet", "--config-file", str(project / config), "--site-dir", str(site)]


def pagefind_floor(rendered: Path, site: Path, config: str = "mkdocs.yml") -> Run:
    """The floor with Pagefind: MkDocs, then Pagefind's command line over the site, as the plugin runs it."""
    from pagefind.service import get_executable

    built = run(mkdocs_build(rendered, site, config), rendered)
    indexed = run([str(get_executable()), "--site", str(site), "--output-path", str(site / "pagefind"), "--force-language", "en",
                   "--quiet"], rendered)
    return Run(built.seconds + indexed.seconds, built.cpu + indexed.cpu, max(built.peak_mb, indexed.peak_mb))


EXTENDED_CONFIG = "mkdocs-with-extension.yml"


def with_extension(rendered: Path) -> Path:
    """The floor's mkdocs.yml with briefbook's Markdown extension appended, as the plugin appends it.

    Written beside `render --out`'s mkdocs.yml, so that docs_dir and the theme's folder resolve alike."""
    from briefbook.format.body import MARKDOWN_EXTENSION
    from briefbook.format.site_config import dump_config, read_config

    config = read_config(rendered / "mkdocs.yml")
    extensions = config.setdefault("markdown_extensions", [])
    if isinstance(extensions, dict):  # the mapping form: {name: options}
        extensions[MARKDOWN_EXTENSION] = None
    elif MARKDOWN_EXTENSION not in extensions:
        extensions.append(MARKDOWN_EXTENSION)
    (rendered / EXTENDED_CONFIG).write_text(dump_config(config), encoding="utf-8")
    return rendered / EXTENDED_CONFIG


def measure(n: int, seed: int, repeat: int, root: Path, search: str = "material") -> dict:
    project = root / f"corpus-{n}-{search}"
    write_corpus(n, seed, project)
    if search == "pagefind":
        pagefind_project(project, project.with_name(project.name + "-tmp"))
        shutil.rmtree(project)
        project.with_name(project.name + "-tmp").rename(project)
    rendered = root / f"rendered-{n}-{search}"
    render = best(repeat, lambda: cold(project, [str(BIN / "briefbook"), "render", "--out", str(rendered)]))
    with_extension(rendered)
    full_site, floor_site = root / f"site-{n}-{search}", root / f"floor-site-{n}-{search}"
    floor_build = pagefind_floor if search == "pagefind" else lambda out, site, config: run(mkdocs_build(out, site, config), out)
    full, floor, floor_ext = [], [], []
    for _ in range(repeat):  # alternate, so that a slow moment of the machine hits all three
        full.append(cold(project, mkdocs_build(project, full_site)))
        floor.append(floor_build(rendered, floor_site, "mkdocs.yml"))
        floor_ext.append(floor_build(rendered, floor_site, EXTENDED_CONFIG))
    fastest = lambda runs: min(runs, key=lambda r: r.cpu)  # noqa: E731
    return {
        "n": n, "search": search, "full": fastest(full), "floor": fastest(floor), "floor_ext": fastest(floor_ext), "render": render,
        "site": size_of(full_site), "floor_site": size_of(floor_site),
        "index": size_of(full_site / ("pagefind" if search == "pagefind" else "search")),
        "pages": sum(1 for _ in full_site.rglob("index.html")),
    }


def profile(n: int, seed: int, root: Path, top: int = 30) -> None:
    project = root / f"corpus-{n}"
    if not project.exists():
        write_corpus(n, seed, project)
    out = root / f"build-{n}.prof"
    run([sys.executable, "-m", "cProfile", "-o", str(out), str(BIN / "mkdocs"), "build", "--quiet", "--site-dir", str(root / f"profile-site-{n}")], project)
    stats = pstats.Stats(str(out))
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"\nwhere a {n}-brief `mkdocs build` spends its time (cProfile, {total:.1f} s profiled):")
    stats.sort_stats("cumulative").print_stats(r"briefbook/(plugin|corpus|render|navigation|loader|validate)\.py|mkdocs/(commands/build|structure/pages)\.py:\d+\((_build_page|_populate_page|render|build)\)|material/plugins|mkdocs/contrib/search", top)
    stats.sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,500,1000,5000", help="corpus sizes to build (default 100,500,1000,5000)")
    parser.add_argument("--render-sizes", default="10000", help="corpus sizes for `briefbook render --out` alone (default 10000; empty for none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--search", default="material", help="search configurations of the full builds: material, pagefind or both (default material)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the fastest is kept (default 1)")
    parser.add_argument("--keep", type=Path, help="work in this (new) folder and keep the corpora and sites")
    parser.add_argument("--profile", type=int, metavar="N", help="also profile the build of the N-brief corpus")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    render_sizes = [int(s) for s in args.render_sizes.split(",") if s]
    searches = [s for s in args.search.split(",") if s]

    root = args.keep or Path(tempfile.mkdtemp(prefix="briefbook-build-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    print(f"briefbook build benchmark, seed {args.seed}, best of {args.repeat}")
    print(f"machine: {machine()}")
    try:
        results = []
        print("times are CPU seconds (user + system) of the child, wall-clock seconds in brackets; ms/brief and overhead use CPU time")
        print("floor: MkDocs alone on `render --out`'s pages; floor+ext: the same with briefbook's Markdown extension, "
              "the floor that isolates briefbook's own work")
        print(f"{'search':>8} {'briefs':>7} {'pages':>6} | {'full s':>15} {'ms/brief':>8} {'peak MB':>7} | {'floor s':>15} {'overhead':>8} | "
              f"{'floor+ext s':>15} {'overhead':>8} | {'site MB':>7} {'KB/brief':>8} {'search MB':>9} | {'render --out s':>15}")
        for n, search in [(n, search) for n in sizes for search in searches]:
            r = measure(n, args.seed, args.repeat, root, search)
            results.append(r)
            full, floor, floor_ext = r["full"], r["floor"], r["floor_ext"]
            print(f"{search:>8} {n:>7} {r['pages']:>6} | {t(full):>15} {1000 * full.cpu / n:>8.2f} {full.peak_mb:>7.0f} | "
                  f"{t(floor):>15} {100 * (full.cpu / floor.cpu - 1):>7.1f}% | {t(floor_ext):>15} {100 * (full.cpu / floor_ext.cpu - 1):>7.1f}% | "
                  f"{r['site'] / 1e6:>7.1f} {r['site'] / n / 1e3:>8.1f} {r['index'] / 1e6:>9.1f} | {t(r['render']):>15}", flush=True)
        fresh_clone = {}
        for n in render_sizes:
            project = root / f"corpus-{n}"
            write_corpus(n, args.seed, project)
            out = root / f"rendered-{n}"
            render = [str(BIN / "briefbook"), "render", "--out", str(out)]

            def fresh() -> Run:
                shutil.rmtree(out, ignore_errors=True)
                return cold(project, render)

            print(f"`briefbook render --out` of {n} briefs (load, validate, render, write; no MkDocs):")
            runs = {"no cache, no output (a fresh clone)": best(args.repeat, fresh),
                    "no cache, the output of the run before": best(args.repeat, lambda: cold(project, render)),
                    "cache, nothing changed": best(args.repeat, lambda: run(render, project))}
            edit_summary(project)
            runs["cache, one actor's summary edited"] = run(render, project)
            edit_body(project)
            runs["cache, one actor's prose edited"] = run(render, project)
            fresh_clone[n] = runs["no cache, no output (a fresh clone)"]
            for label, r in runs.items():
                print(f"  {label:<40} {r.seconds:6.2f} s wall, {r.cpu:6.2f} s CPU ({1000 * r.cpu / n:5.2f} ms a brief), peak {r.peak_mb:5.0f} MB",
                      flush=True)
        if 1000 in fresh_clone and len(fresh_clone) > 1:
            largest = max(fresh_clone)
            ratio = (fresh_clone[largest].cpu / largest) / (fresh_clone[1000].cpu / 1000)
            print(f"  render --out, fresh clone: CPU ms per brief at {largest:,} / at 1,000: {ratio:.2f}× (target ≤ 1.25×)")

        by_n = {r["n"]: r for r in results if r["search"] == searches[0]} if searches else {}
        print("\ntargets:")
        for r in results:
            if r["n"] == 1000:
                print(f"  cold full build at 1,000 briefs, {r['search']} search: {r['full'].cpu / r['floor_ext'].cpu:.3f}× the floor with "
                      f"briefbook's Markdown extension (briefbook's own work; target ≤ 1.05×), "
                      f"{r['full'].cpu / r['floor'].cpu:.3f}× the floor without it")
        if 500 in by_n and 5000 in by_n:
            ratio = (by_n[5000]["full"].cpu / 5000) / (by_n[500]["full"].cpu / 500)
            print(f"  ms per brief at 5,000 / at 500: {ratio:.2f}× (target ≤ 1.25×)")
        if 5000 in by_n:
            r = by_n[5000]
            print(f"  peak memory at 5,000 briefs: {r['full'].peak_mb:.0f} MB (target < 1024 MB)")
            print(f"  site size at 5,000 briefs: {r['site'] / 5000 / 1e3:.1f} KB per brief (target < 100 KB)")
        if args.profile:
            profile(args.profile, args.seed, root)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
