"""Where `briefbook render --out` spends its time, stage by stage, in one process per case.

    python benchmarks/render_stages.py N [--seed S] [--keep DIR] [--profile CASE] [--cases a,b,...]

Writes the N-brief corpus (benchmarks/corpus.py), then runs, each case in a child process of its
own so that its peak memory is its own: no cache (a fresh clone), the cache of the run before with
nothing changed, one actor's summary edited, one actor's prose edited. Each prints the CPU seconds
(user + system) of `load_corpus`, `render_pages` without the cache's save, the page cache's save
and `render_out`, the wall time of the whole, and the child's peak memory (ru_maxrss) at the end
of each stage.
`--profile prose` runs that case under cProfile as well and prints its top functions.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import edit_body, edit_summary  # noqa: E402
from corpus import REFERENCE_EPOCH, write_corpus  # noqa: E402

CASES = ("cold", "unchanged", "summary", "prose")


def child(project: Path, out: Path, profile: bool) -> None:
    """One `render --out` in this process, each stage timed."""
    from briefbook.corpus.load import load_corpus
    from briefbook.format.settings import read_settings
    from briefbook.site import page_cache
    from briefbook.site.pages import render_pages
    from briefbook.site.render_out import render_out

    times: dict[str, float] = {}
    peaks: dict[str, float] = {}  # the process's peak memory at the end of each stage, MB

    def peak(stage: str) -> None:
        peaks[stage] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    saving = page_cache.PageCache.save

    def timed_save(self) -> None:  # type: ignore[no-untyped-def]
        peak("render_pages")
        start = time.process_time()
        saving(self)
        times["cache save"] = time.process_time() - start
        peak("cache save")

    page_cache.PageCache.save = timed_save  # type: ignore[method-assign]

    def run() -> None:
        start_wall = time.perf_counter()
        settings = read_settings(project / "mkdocs.yml")
        start = time.process_time()
        loaded = load_corpus(settings)
        times["load_corpus"] = time.process_time() - start
        peak("load_corpus")
        start = time.process_time()
        pages = render_pages(loaded.corpus, settings)
        times["render_pages"] = time.process_time() - start - times.get("cache save", 0.0)
        start = time.process_time()
        render_out(loaded.corpus, pages, settings, out)
        times["render_out"] = time.process_time() - start
        peak("render_out")
        times["wall"] = time.perf_counter() - start_wall

    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(run)
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(35)
        stats.sort_stats("tottime").print_stats(25)
    else:
        run()
    print("  ".join(f"{name} {seconds:5.2f}" for name, seconds in times.items()), flush=True)
    print("  peak MB after " + ", ".join(f"{stage} {mb:.0f}" for stage, mb in peaks.items()), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep the corpus (reused if it is there)")
    parser.add_argument("--profile", choices=CASES, help="run this case under cProfile too")
    parser.add_argument("--cases", default=",".join(CASES), help=f"the cases to run, in order (default {','.join(CASES)})")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-profile", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, args.child_profile)
        return
    root = args.keep or Path(tempfile.mkdtemp(prefix="briefbook-stages-"))
    project, out = root / f"corpus-{args.n}", root / f"rendered-{args.n}"
    try:
        if not project.exists():
            write_corpus(args.n, args.seed, project)
        env = {**os.environ, "SOURCE_DATE_EPOCH": REFERENCE_EPOCH}
        print(f"`render --out` of {args.n} briefs, stages in CPU seconds, in one process per case; load {os.getloadavg()[0]:.1f}")
        for case in args.cases.split(","):
            for profiled in (False, True) if case == args.profile else (False,):
                # the profiled run makes the same change again, to a corpus it has not seen
                if case == "cold":
                    shutil.rmtree(project / ".cache", ignore_errors=True)
                elif case == "summary":
                    edit_summary(project)
                elif case == "prose":
                    edit_body(project)
                print(f"{case}{' (cProfile)' if profiled else ''}:", flush=True)
                command = [sys.executable, __file__, "--child", str(project), str(out)] + (["--child-profile"] if profiled else [])
                subprocess.run(command, env=env, check=True)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
