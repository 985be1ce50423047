"""What converting the corpus-wide views to HTML costs, with and without the blocks built before Python-Markdown.

    python benchmarks/convert.py [N] [--seed S] [--site DIR] [--repeat R] [--profile VIEW]

Writes an N-brief project (benchmarks/corpus.py, default 1,000) and its `briefbook render --out`
output (or reads the output already in DIR), then converts each view's page as MkDocs does when it
builds or serves it (`Page.render`, with the site's Markdown extensions and briefbook's), once with
none of briefbook's two steps for them ("before": Python-Markdown converts the tables and lists, MkDocs
rewrites every link), with the tables and lists built by site/markdown_blocks.py ("blocks"), and with
each distinct link rewritten once as well ("+links", what the plugin does), alternated, R times each;
the best CPU time of each, and whether the three HTMLs are the same. `--profile VIEW` prints cProfile's top functions of each way.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs.structure.pages import Page

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import REFERENCE_EPOCH, write_corpus  # noqa: E402

from briefbook.site import markdown_blocks, markdown_ext  # noqa: E402

VIEWS = ["views/matrix.md", "views/timeline.md", "views/sources.md", "views/watch.md"]


def rendered_site(n: int, seed: int, folder: Path) -> Path:
    project, out = folder / "project", folder / "out"
    write_corpus(n, seed, project)
    env = dict(os.environ, SOURCE_DATE_EPOCH=REFERENCE_EPOCH)
    subprocess.run([sys.executable, "-m", "briefbook", "render", "--out", str(out)], cwd=project, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return out


class Converter:
    def __init__(self, site: Path):
        self.config = load_config(str(site / "mkdocs.yml"))
        self.config.markdown_extensions.append("briefbook.site.markdown_ext")  # as the plugin adds it
        self.files = get_files(self.config)

    def convert(self, path: str, steps: int) -> tuple[str, float]:
        """The page's HTML and CPU seconds, with none of briefbook's two steps (0), the blocks built (1),
        the blocks built and each distinct link rewritten once (2)."""
        page = Page(None, self.files.get_file_from_path(path), self.config)
        page.read_source(self.config)
        register, memo = markdown_blocks.register, markdown_ext._RepeatedLinksTreeprocessor.run
        if steps < 1:
            markdown_blocks.register = lambda md: None  # MkDocs makes the page's Markdown instance in render
        if steps < 2:
            markdown_ext._RepeatedLinksTreeprocessor.run = lambda self, root: None  # type: ignore[method-assign]
        try:
            start = time.process_time()
            page.render(self.config, self.files)
            return page.content or "", time.process_time() - start
        finally:
            markdown_blocks.register, markdown_ext._RepeatedLinksTreeprocessor.run = register, memo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--site", type=Path, help="`render --out` output to read instead of writing a corpus")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", choices=[v.removeprefix("views/").removesuffix(".md") for v in VIEWS])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefbook-convert-") as temporary:
        site = args.site or rendered_site(args.n, args.seed, Path(temporary))
        converter = Converter(site)
        if args.profile:
            profile(converter, f"views/{args.profile}.md")
            return
        print(f"{site}, load average {os.getloadavg()[0]:.1f}; best CPU seconds of {args.repeat}, alternated")
        print(f"{'view':<18}{'Markdown KB':>12}{'before':>8}{'blocks':>8}{'+links':>8}{'ratio':>7}  same HTML")
        totals = [0.0, 0.0, 0.0]
        for path in VIEWS:
            times: list[list[float]] = [[], [], []]
            html: list[str] = ["", "", ""]
            for _ in range(args.repeat):
                for steps in range(3):
                    html[steps], seconds = converter.convert(path, steps)
                    times[steps].append(seconds)
            best = [min(t) for t in times]
            totals = [total + b for total, b in zip(totals, best)]
            size = (site / "docs" / path).stat().st_size / 1000
            print(f"{path:<18}{size:>12,.0f}{best[0]:>8.3f}{best[1]:>8.3f}{best[2]:>8.3f}{best[0] / best[2]:>6.1f}x"
                  f"  {html[0] == html[1] == html[2]}")
        print(f"{'all four':<18}{'':>12}{totals[0]:>8.3f}{totals[1]:>8.3f}{totals[2]:>8.3f}{totals[0] / totals[2]:>6.1f}x")
        print(f"load average at the end {os.getloadavg()[0]:.1f}")


def profile(converter: Converter, path: str) -> None:
    for steps, name in enumerate(["before (Python-Markdown)", "blocks built", "blocks built, each link rewritten once"]):
        converter.convert(path, steps)  # warm
        profiler = cProfile.Profile()
        profiler.enable()
        converter.convert(path, steps)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(f"=== {path}, {name}\n{out.getvalue()}")


if __name__ == "__main__":
    main()
