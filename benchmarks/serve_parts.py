"""CPU seconds of the parts of a stance save and a summary save in `briefbook serve`, unprofiled.

    python benchmarks/serve_parts.py --project DIR [--repeat R]

Copies the project in DIR (written there by benchmarks/serve_profile.py or serve.py's --keep),
runs the preview's first pass in this process (no background thread), then R times: a stance
edit, then a summary edit, each followed by the pages benchmarks/serve.py fetches, and the brief
put back. For each save, the CPU seconds (`time.process_time`) of the pass and of those pages,
and of the parts: the page cache's questions asked again, briefbook's rendering, a view made on
request, the conversions. Unlike serve_profile.py, nothing is slowed by a profiler, so two
checkouts can be compared side by side (`PYTHONPATH=OTHER/src` for the other).
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import REFERENCE_EPOCH  # noqa: E402
from serve_profile import edits  # noqa: E402

PARTS = {  # (module, class, method) -> label
    ("briefbook.site.page_cache", "PageCache", "_still_true"): "questions",
    ("briefbook.site.pages", "Renderer", "pages"): "rendering (questions included)",
    ("briefbook.preview.views_on_demand", "ViewsOnDemand", "make"): "views made on request",
    ("briefbook.preview.page_output", "PageOutput", "convert"): "conversion",
}


def timed(spent: dict[str, float]) -> None:
    import importlib

    for (module, cls, name), label in PARTS.items():
        owner = getattr(importlib.import_module(module), cls)
        original = getattr(owner, name)

        def wrapper(*args, _original=original, _label=label, **kwargs):
            started = time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_label] += time.process_time() - started

        setattr(owner, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    project = Path(tempfile.mkdtemp(prefix="briefbook-serve-parts-")) / "project"
    shutil.copytree(args.project, project, ignore=shutil.ignore_patterns(".cache", "site"))
    os.environ.update(SOURCE_DATE_EPOCH=REFERENCE_EPOCH, NO_MKDOCS_2_WARNING="1")
    os.chdir(project)

    from briefbook.files.store import keep_in_memory
    from briefbook.preview.live_site import LiveSite

    keep_in_memory()
    spent: dict[str, float] = collections.defaultdict(float)
    timed(spent)
    site = LiveSite(str(project / "mkdocs.yml"), tempfile.mkdtemp(prefix="briefbook-serve-parts-site-"), "127.0.0.1:8000")
    site.load().plugins.on_startup(command="serve", dirty=False)
    site.refresh()
    saves = {kind: (save, pages) for kind, save, pages in edits(project)}
    brief = project / "briefs" / "actors" / (saves["stance"][1][0].split("/")[1] + ".md")
    original = brief.read_text(encoding="utf-8")

    def save_and_fetch(save, pages) -> None:
        save()
        time.sleep(0.01)  # a new modification time
        site.refresh()
        for path in pages:
            site.ensure(os.path.join(site.site_dir, path))

    print(f"load average {os.getloadavg()[0]:.2f}", flush=True)
    for run in range(args.repeat):
        for kind in ("stance", "summary"):
            spent.clear()
            started = time.process_time()
            save, pages = saves[kind]
            save_and_fetch(save, pages)
            total = time.process_time() - started
            parts = ", ".join(f"{label} {seconds:.3f}" for label, seconds in spent.items())
            print(f"{kind} #{run + 1}: {total:.3f} s CPU ({parts}); load {os.getloadavg()[0]:.2f}", flush=True)
            save_and_fetch(lambda: brief.write_text(original, encoding="utf-8"), pages)


if __name__ == "__main__":
    main()
