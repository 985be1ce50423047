"""How long from saving a brief to `briefbook serve` showing the change?

    python benchmarks/serve.py [N] [--seed S] [--edits E] [--search pagefind|material] [--keep DIR]
                               [--serve-args ARGS]

Writes an N-brief project (benchmarks/corpus.py, default 1,000) with the default search
(Pagefind behind the header box; `--search material` keeps Material's search plugin), starts
`briefbook serve` on a free port and waits for the first build. Then, for each kind of edit,
E times (default 3, each on another actor):

- prose: a paragraph added to an actor's body; its page must show it;
- summary: an actor's summary, which its page and the actors index show;
- stance: a stance of one position, shown on the actor's page, its issue's page and the matrix;
- title: an actor retitled: its page, the actors index and a neighbour's navigation;
- added: a new brief: its page is served, and the actors index lists it;
- removed: that brief deleted: its page is gone, and the actors index no longer lists it;

and every edit must also reach briefs.json. Each time is taken from the save to the moment
every one of those pages, fetched over HTTP, shows the change: after the save the script
waits on the server's livereload signal (what the browser waits on), fetches the pages, and
waits for the next signal if one is not there yet. Beside it, how long the search index took
to follow (until `pagefind/pagefind-entry.json`, or Material's `search/search_index.json`,
changed; "-" if it did not within 60 s).

Targets (1,000 briefs): prose under 1 s; summary, stance, title under 2 s; added, removed under 3 s.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import BIN, machine  # noqa: E402
from corpus import REFERENCE_EPOCH, write_corpus  # noqa: E402
from search import MATERIAL_SEARCH_LINES  # noqa: E402

TARGETS = {"prose": 1.0, "summary": 2.0, "stance": 2.0, "title": 2.0, "added": 3.0, "removed": 3.0}
SEARCH_FILES = {"pagefind": "/pagefind/pagefind-entry.json", "material": "/search/search_index.json"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """The running server, read over HTTP as a browser would."""

    def __init__(self, base: str):
        self.base = base

    def get(self, path: str, timeout: float = 120) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def text(self, path: str) -> str:
        status, body = self.get(path)
        return body.decode("utf-8", "replace") if status == 200 else ""

    def epoch(self) -> int:
        """The version of the site the server shows now (the livereload poll answers at once for epoch 0)."""
        return int(self.get("/livereload/0/0")[1])

    def wait_epoch(self, after: int, deadline: float) -> int:
        """Block on the livereload poll until the server shows a version newer than `after`."""
        while time.perf_counter() < deadline:
            status, body = self.get(f"/livereload/{after}/1", timeout=max(1.0, deadline - time.perf_counter()) + 5)
            if status == 200 and int(body) > after:
                return int(body)
        raise TimeoutError("the server showed no new version")


def wait_until_up(served: Served, child: subprocess.Popen, limit: float = 900) -> None:
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        if child.poll() is not None:
            raise SystemExit(f"the server stopped with status {child.returncode}")
        try:
            if served.get("/", timeout=600)[0] == 200:
                return
        except (urllib.error.URLError, ConnectionError, socket.timeout):
            time.sleep(0.2)
    raise SystemExit("the server did not answer in time")


def edit(path: Path, pattern: str, replacement: str) -> None:
    text, count = re.subn(pattern, replacement, path.read_text(encoding="utf-8"), count=1, flags=re.MULTILINE)
    assert count == 1, f"no match for {pattern!r} in {path}"
    path.write_text(text, encoding="utf-8")


def measure(served: Served, save, shown, search_file: str, limit: float = 120) -> tuple[float, float | None]:
    """Seconds from the save to every page showing it; then seconds until the search index changed."""
    before_search = served.get(search_file)[1]
    epoch = served.epoch()
    start = time.perf_counter()
    save()
    deadline = start + limit
    while True:
        epoch = served.wait_epoch(epoch, deadline)
        if shown():
            seen = time.perf_counter() - start
            break
    search_deadline = time.perf_counter() + 60
    while time.perf_counter() < search_deadline:
        if served.get(search_file)[1] != before_search:
            return seen, time.perf_counter() - start
        time.sleep(0.05)
    return seen, None


def run_edits(project: Path, served: Served, edits: int, search_file: str) -> dict[str, list[tuple[float, float | None]]]:
    briefs = project / "briefs"
    actors = [p for p in sorted((briefs / "actors").glob("*.md")) if "role: stakeholder" in p.read_text(encoding="utf-8")]
    results: dict[str, list[tuple[float, float | None]]] = {kind: [] for kind in TARGETS}
    for i in range(edits):
        actor = actors[(i * 7 + 3) % len(actors)]
        page = f"/actors/{actor.stem}/"
        mark = f"benchmarkmark{i}x"

        def has(path: str, text: str) -> bool:
            return text in served.text(path)

        def record(kind: str, save, shown) -> None:
            taken = measure(served, save, shown, search_file)
            results[kind].append(taken)
            search = f"{taken[1]:.2f} s" if taken[1] is not None else "-"
            print(f"    {kind:<8} {actor.stem:<32} shown after {taken[0]:6.2f} s, search after {search}", flush=True)

        record("prose", lambda: actor.write_text(actor.read_text(encoding="utf-8") + f"\nA closing paragraph {mark}prose.\n", encoding="utf-8"),
               lambda: has(page, f"{mark}prose") and has("/briefs.json", f"{mark}prose"))
        record("summary", lambda: edit(actor, r"^summary: \"", f'summary: "{mark}summary. '),
               lambda: all(has(p, f"{mark}summary") for p in (page, "/actors/", "/briefs.json")))
        issue = re.search(r"^positions:\n  ([a-z0-9-]+):", actor.read_text(encoding="utf-8"), re.MULTILINE).group(1)  # type: ignore[union-attr]
        record("stance", lambda: edit(actor, rf"^(positions:\n  {issue}:\n(?:    .*\n)*?)    stance: \"[^\"]*\"", rf'\1    stance: "{mark}stance"'),
               lambda: all(has(p, f"{mark}stance") for p in (page, f"/issues/{issue}/", "/views/matrix/", "/briefs.json")))
        neighbour = actors[(i * 7 + 4) % len(actors)]
        record("title", lambda: edit(actor, r"^title: \"", f'title: "{mark}title '),
               lambda: all(has(p, f"{mark}title") for p in (page, "/actors/", f"/actors/{neighbour.stem}/", "/briefs.json")))
        added = briefs / "actors" / f"benchmark-added-{i}.md"

        def add() -> None:
            text = actor.read_text(encoding="utf-8")
            added.write_text(re.sub(r'^title: "', f'title: "{mark}added ', text, count=1, flags=re.MULTILINE), encoding="utf-8")

        record("added", add, lambda: all(has(p, f"{mark}added") for p in (f"/actors/{added.stem}/", "/actors/", "/briefs.json")))
        record("removed", added.unlink,
               lambda: served.get(f"/actors/{added.stem}/")[0] == 404 and not has("/actors/", f"{mark}added") and not has("/briefs.json", f"{mark}added")
               and "briefs" in served.text("/briefs.json"))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--edits", type=int, default=3, help="edits of each kind (default 3)")
    parser.add_argument("--search", choices=sorted(SEARCH_FILES), default="pagefind")
    parser.add_argument("--keep", type=Path, help="work in this (new) folder and keep it")
    parser.add_argument("--serve-args", default="", help="more arguments for `briefbook serve`, e.g. --dirty")
    parser.add_argument("--command", default=f"{BIN / 'briefbook'} serve", help="the server to start (default: briefbook serve)")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="briefbook-serve-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    project = root / "project"
    write_corpus(args.n, args.seed, project)
    if args.search == "pagefind":  # the default: no search plugin in mkdocs.yml, briefbook puts Pagefind's box in the header
        config = (project / "mkdocs.yml").read_text(encoding="utf-8")
        for line in MATERIAL_SEARCH_LINES:
            config = config.replace(line, "")
        config = config[:config.index("  - search:\n")] + config[config.index("  - tags\n"):]
        (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    port = free_port()
    command = [*shlex.split(args.command), "--dev-addr", f"127.0.0.1:{port}", *shlex.split(args.serve_args)]
    env = {**os.environ, "SOURCE_DATE_EPOCH": REFERENCE_EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    log = open(root / "serve.log", "wb")
    print(f"briefbook serve benchmark: {args.n} briefs, seed {args.seed}, {args.search} search, `{' '.join(Path(c).name for c in command)}`")
    print(f"machine: {machine()}; load average at start {os.getloadavg()[0]:.2f}")
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    served = Served(f"http://127.0.0.1:{port}")
    try:
        wait_until_up(served, child)
        print(f"  first build served after {time.perf_counter() - start:.1f} s", flush=True)
        while served.get(SEARCH_FILES[args.search])[0] != 200 and time.perf_counter() - start < 900:
            time.sleep(0.2)
        print(f"  search index served after {time.perf_counter() - start:.1f} s", flush=True)
        results = run_edits(project, served, args.edits, SEARCH_FILES[args.search])
    finally:
        os.killpg(child.pid, signal.SIGINT)
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
        log.close()
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}; seconds from the save to the served pages showing it:")
    print(f"  {'edit':<8} {'median':>7} {'max':>7} {'target':>7}  met   search follows (median / max)")
    for kind, taken in results.items():
        shown = [s for s, _ in taken]
        search = [s for _, s in taken if s is not None]
        follows = f"{statistics.median(search):.2f} / {max(search):.2f} s" if search else "-"
        if len(search) < len(taken):
            follows += f" ({len(taken) - len(search)} never within 60 s)"
        print(f"  {kind:<8} {statistics.median(shown):7.2f} {max(shown):7.2f} {TARGETS[kind]:7.1f}  "
              f"{'yes' if max(shown) < TARGETS[kind] else 'no ':<4}  {follows}")
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
