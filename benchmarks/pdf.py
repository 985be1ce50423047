"""How long does the printed book take: the bundled book, and synthetic corpora of N briefs?

    python benchmarks/pdf.py [--sizes 1000] [--seed S] [--site]

For the bundled book and each size N (a corpus from benchmarks/corpus.py) it runs `briefbook pdf`
in a child process and prints its wall and CPU seconds (targets: the bundled book < 5 s, 1,000
briefs < 60 s) and the page count; then, in this process, where the time goes: loading and
checking, writing the Typst source, typesetting it. `--site` also times what the site build adds
with the `pdf` setting: the book and one PDF per brief, from no cache and from the cache of that run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import REFERENCE_EPOCH, write_corpus  # noqa: E402

from pypdf import PdfReader  # noqa: E402

from briefbook.corpus.load import load_corpus  # noqa: E402
from briefbook.print.book import book_identity, document  # noqa: E402
from briefbook.print.pdf import compile_pdf, site_pdfs  # noqa: E402
from briefbook.format.settings import build_date, read_settings  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGETS = {"bundled": 5.0, 1000: 60.0}


def child(project: Path) -> tuple[float, float]:
    """`briefbook pdf` in the project: (wall, CPU) seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([str(BIN / "briefbook"), "pdf", "--out", "book.pdf"], cwd=project, check=True, capture_output=True,
                   env={**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", REFERENCE_EPOCH)})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def stages(project: Path, site: bool) -> str:
    config = project / "mkdocs.yml"
    start = time.perf_counter()
    settings = read_settings(config)
    corpus = load_corpus(settings).corpus
    loaded = time.perf_counter()
    identity = book_identity(config)
    source = document(corpus, settings, identity, build_date())
    written = time.perf_counter()
    compile_pdf(source, build_date())
    typeset = time.perf_counter()
    line = f"load {loaded - start:.2f} s, Typst source {written - loaded:.2f} s ({len(source) / 1e6:.1f} MB), typesetting {typeset - written:.2f} s"
    if site:
        folder = Path(tempfile.mkdtemp(prefix="bb-pdf-site-"))
        t0 = time.perf_counter()
        count = len(site_pdfs(corpus, settings, identity, build_date(), folder))
        t1 = time.perf_counter()
        site_pdfs(corpus, settings, identity, build_date(), folder)
        t2 = time.perf_counter()
        shutil.rmtree(folder)
        line += f"; site's {count} PDFs {t1 - t0:.2f} s, again from their cache {t2 - t1:.2f} s"
    return line


def report(name: str, project: Path, target: float | None, site: bool) -> None:
    wall, cpu = child(project)
    pages = len(PdfReader(project / "book.pdf").pages)
    verdict = "" if target is None else f" (target < {target:.0f} s: {'met' if wall < target else 'NOT met'})"
    print(f"{name}: `briefbook pdf` {wall:.2f} s wall, {cpu:.2f} s CPU, {pages} pages{verdict}")
    print(f"  in one process: {stages(project, site)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--site", action="store_true")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} (times taken while other work runs are upper bounds)")
    with tempfile.TemporaryDirectory(prefix="bb-pdf-") as scratch:
        bundled = Path(scratch) / "bundled"
        bundled.mkdir()
        for part in ("mkdocs.yml", "briefs", "templates", "docs"):
            (shutil.copytree if (REPO / part).is_dir() else shutil.copyfile)(REPO / part, bundled / part)
        os.environ.setdefault("SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc).timestamp())))
        report("bundled book", bundled, TARGETS["bundled"], args.site)
        os.environ["SOURCE_DATE_EPOCH"] = REFERENCE_EPOCH
        for size in [int(s) for s in args.sizes.split(",") if s]:
            project = Path(scratch) / f"n{size}"
            write_corpus(size, args.seed, project)
            report(f"{size:,} briefs", project, TARGETS.get(size), args.site)


if __name__ == "__main__":
    main()
