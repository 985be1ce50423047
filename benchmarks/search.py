"""What does a reader download, and wait, before the first search result on a large site?

    python benchmarks/search.py [N] [--seed S] [--query Q ...] [--keep DIR]

Writes a synthetic N-brief project (benchmarks/corpus.py; default N = 1000), builds it twice
with `mkdocs build` (SOURCE_DATE_EPOCH fixed):

- material: the generated mkdocs.yml as it is, with Material's built-in search plugin (lunr):
  the browser fetches search/search_index.json and indexes it in a web worker;
- pagefind: the repository's search (the theme override in templates/overrides/, no Material search
  plugin); briefbook's plugin writes the Pagefind index after the build, as in the real site.

Then, for each site, Debian's Chromium (Playwright) opens the home page from a local HTTP
server, types each query into the header search box right after the page has loaded, like a
reader would, and records:

- bytes: every search file asked for (by the page or its workers) from the page load until the
  first query's first result
  (Material: the index and its worker; Pagefind: pagefind/* and the box's script), as stored
  on disk and gzip-compressed (level 6, what a web server sends; Pagefind's chunks are already
  gzip files, so they barely shrink);
- latency: from the last keystroke (keydown, in the page's clock) to the first result of the
  query in the list (a list item that was not there at the keystroke), which is the target;
  and to the last change of the results (the list, the count above it, the facets' counts,
  which Pagefind's box computes after the results, in further searches). The first query is cold: typed at a reader's
  pace (8 keys a second) straight after the page load, while the index loads. The next ones
  are warm: all but the last character put in at once (Pagefind searches them; Material,
  which searches on keyup, does not, so its list changes from empty to the results), then
  the last key.

Targets: under 1 MB transferred (compressed) and under 300 ms.
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import REFERENCE_EPOCH, write_corpus  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
DEFAULT_QUERIES = ["sanctions relief", "denuc", "verification"]
# Material's generated mkdocs.yml lines that the Pagefind site drops (its search plugin and features).
MATERIAL_SEARCH_LINES = ("    - search.suggest\n", "    - search.highlight\n")
BOXES = {
    # query input, result list, which fetched paths belong to search
    "material": ("input[data-md-component=search-query]", ".md-search-result__list",
                 lambda path: path.startswith("/search/") or "/workers/search." in path),
    "pagefind": ("[data-bb-search-query]", "[data-bb-search-results]",
                 lambda path: path.startswith("/pagefind/") or path.endswith("/briefbook-search.js")),
}


@dataclass
class Measure:
    variant: str
    build_seconds: float
    files: dict[str, tuple[int, int]] = field(default_factory=dict)  # path: (bytes on disk, gzip bytes)
    latencies: list[tuple[str, float, float, int]] = field(default_factory=list)  # (query, ms to the first result, to settled, results shown)

    @property
    def raw(self) -> int:
        return sum(raw for raw, _ in self.files.values())

    @property
    def compressed(self) -> int:
        return sum(min(raw, packed) for raw, packed in self.files.values())


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def pagefind_project(material: Path, target: Path) -> None:
    """The same project with the repository's search: Pagefind behind the header box."""
    shutil.copytree(material, target, ignore=shutil.ignore_patterns("site", ".cache"))
    config = (target / "mkdocs.yml").read_text(encoding="utf-8")
    for line in MATERIAL_SEARCH_LINES:
        config = config.replace(line, "")
    start = config.index("  - search:\n")
    end = config.index("  - tags\n")
    config = config[:start] + config[end:]
    config = config.replace("  font: false\n", f"  font: false\n  custom_dir: {REPO / 'templates' / 'overrides'}\n")
    (target / "mkdocs.yml").write_text(config, encoding="utf-8")


def build(project: Path) -> float:
    env = {**os.environ, "SOURCE_DATE_EPOCH": REFERENCE_EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(project / "site")], cwd=project, env=env, check=True)
    return time.perf_counter() - start


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))


def measure(variant: str, site: Path, build_seconds: float, queries: list[str]) -> Measure:
    from playwright.sync_api import sync_playwright

    query_box, result_list, is_search = BOXES[variant]
    # the page's and its workers' requests; how many there were when the first query's first result
    # showed (told by the page, so a few later ones may be counted: an upper bound)
    fetched: list[str] = []
    fetched_by_first_result = [0]
    result = Measure(variant, build_seconds)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda request: fetched.append(unquote(urlparse(request.url).path)))
            page.expose_function("__firstResultSeen", lambda: fetched_by_first_result.__setitem__(0, fetched_by_first_result[0] or len(fetched)))
            page.goto(base, wait_until="load")
            page.evaluate("""(list) => {
                window.__lastKey = 0; window.__lastResult = 0; window.__firstResult = 0;
                let before = new Set();  // the list's items at the last keystroke
                document.addEventListener("keydown", () => {
                    window.__lastKey = performance.now(); window.__firstResult = 0;
                    before = new Set(document.querySelectorAll(list + " > li"));
                }, true);
                new MutationObserver(() => {
                    const now = performance.now();
                    window.__lastResult = now;
                    const items = document.querySelectorAll(list + " > li");
                    if (!window.__firstResult && items.length && !before.has(items[0])) {
                        window.__firstResult = now;
                        window.__firstResultSeen();
                    }
                }).observe(document.querySelector(list).closest(".md-search-result"),
                           { childList: true, subtree: true, characterData: true });
            }""", result_list)
            box = page.locator(query_box)
            for number, query in enumerate(queries):
                box.click()
                if number:  # clear the box with a key, so that Material (which listens to keyup) empties its list
                    box.press("Control+a")
                    box.press("Backspace")
                    page.wait_for_timeout(1000)
                page.evaluate("window.__lastResult = 0")
                if number == 0:  # at a reader's pace (8 keys a second), straight after the page load
                    box.press_sequentially(query, delay=125)
                else:
                    # All but the last character at once, without key events: Material, which searches on keyup,
                    # then searches only after the last keystroke and its list changes from empty to the results.
                    box.fill(query[:-1])
                    box.press(query[-1])
                # settled: results shown and no change to the list for a second
                page.wait_for_function("window.__lastResult > window.__lastKey", timeout=60_000)
                while True:
                    before = page.evaluate("window.__lastResult")
                    page.wait_for_timeout(1000)
                    if page.evaluate("window.__lastResult") == before:
                        break
                first, settled = page.evaluate("[window.__firstResult - window.__lastKey, window.__lastResult - window.__lastKey]")
                shown = page.locator(f"{result_list} > li").count()
                result.latencies.append((query if number else f"{query} (cold)", first, settled, shown))
                if number == 0:
                    for path in dict.fromkeys(fetched[:fetched_by_first_result[0]]):
                        if is_search(path):
                            file = site / path.lstrip("/")
                            if file.is_file():
                                result.files[path] = (file.stat().st_size, gzip_size(file))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return result


def report(m: Measure) -> None:
    print(f"\n{m.variant}: built in {m.build_seconds:.1f} s")
    print(f"  fetched for the first query: {len(m.files)} files, {m.raw / 1e6:.2f} MB on disk, "
          f"{m.compressed / 1e6:.3f} MB compressed")
    for path, (raw, packed) in sorted(m.files.items(), key=lambda item: -item[1][0])[:5]:
        print(f"    {path}: {raw / 1e3:.1f} kB, gzip {packed / 1e3:.1f} kB")
    for query, first, settled, shown in m.latencies:
        print(f"  {query!r}: {first:.0f} ms from the last keystroke to the first result, "
              f"{settled:.0f} ms to the last change ({shown} shown)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=1000, help="number of briefs (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--query", action="append", help=f"a query to type (repeatable; default {DEFAULT_QUERIES})")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it; sites already built there are measured again")
    parser.add_argument("--only", choices=sorted(BOXES), help="measure one variant")
    args = parser.parse_args()
    queries = args.query or DEFAULT_QUERIES

    root = args.keep or Path(tempfile.mkdtemp(prefix="briefbook-search-"))
    try:
        material = root / "material"
        if not (material / "briefs").exists():  # --keep of an earlier run measures its sites again
            write_corpus(args.n, args.seed, material)
        print(f"briefbook search benchmark: {args.n} briefs (seed {args.seed}); queries {queries}")
        print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, Chromium at {CHROMIUM}")
        variants = [args.only] if args.only else sorted(BOXES)
        if "pagefind" in variants and not (root / "pagefind").exists():
            pagefind_project(material, root / "pagefind")
        for variant in variants:
            project = root / variant
            seconds = build(project) if not (project / "site").exists() else float("nan")
            report(measure(variant, project / "site", seconds, queries))
        print("\ntargets: under 1 MB compressed before the first result, under 300 ms from the last keystroke to it")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
