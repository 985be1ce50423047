"""What does making the Pagefind index cost at scale, and what share of it is checking the index?

    python benchmarks/search_index.py [N ...] [--seed S] [--repeat R]

For each N (default 1000), writes a synthetic N-brief project (benchmarks/corpus.py) that uses
briefbook's Pagefind search (as benchmarks/search.py makes it), builds it
once with `mkdocs build`, then times on the built site, best of R runs (default 3):

- pagefind: the Pagefind command line over the site, run to its end;
- stabilize: the filter values sorted and the files renamed (the same site, the same bytes);
- check: every file of the index read to its end, the entry and the metadata compared, a
  query run for every page (briefbook.search.check_index);
- total: build_search_index as the plugin calls it (all of the above and the swap).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import REFERENCE_EPOCH, write_corpus  # noqa: E402
from search import pagefind_project  # noqa: E402  (benchmarks/search.py)

from briefbook.site import search  # noqa: E402


def best(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(n: int, seed: int, repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        material, project = Path(tmp) / "material", Path(tmp) / "project"
        write_corpus(n, seed, material)
        pagefind_project(material, project)
        env = {**os.environ, "SOURCE_DATE_EPOCH": REFERENCE_EPOCH, "NO_MKDOCS_2_WARNING": "1", "BRIEFBOOK_NO_CACHE": "1"}
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project, env=env, check=True)
        site = project / "site"
        staging = site / ".bench-index"

        def pagefind() -> None:
            shutil.rmtree(staging, ignore_errors=True)
            search._run_pagefind(site, staging)

        def stabilize() -> None:
            pagefind()
            search.stabilize(staging)

        times = {"pagefind": best(repeat, pagefind)}
        times["stabilize"] = best(repeat, stabilize) - times["pagefind"]
        times["check"] = best(repeat, lambda: search.check_index(staging))
        times["total"] = best(repeat, lambda: search.build_search_index(site))
        times["pages"] = search.check_index(site / "pagefind")
        return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| briefs | pages indexed | Pagefind | stabilize | check | total | check's share |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        t = measure(n, args.seed, args.repeat)
        print(f"| {n:,} | {t['pages']:,.0f} | {t['pagefind']:.2f} s | {t['stabilize']:.2f} s | {t['check']:.2f} s | "
              f"{t['total']:.2f} s | {t['check'] / t['total']:.0%} |", flush=True)


if __name__ == "__main__":
    main()
