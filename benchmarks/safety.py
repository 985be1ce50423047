"""What safe rendering costs a build: the body reader and the sanitizer, against the same build without them.

    python benchmarks/safety.py [--size 1000] [--seed S] [--repeat R]

Writes a synthetic corpus (benchmarks/corpus.py) and a copy of it with `allow_raw_html: true`,
which turns the body escaping and the sanitizer off, then builds each with no cache, alternating,
and prints the best of R for each side by side. Then, in this process, the two parts alone: the
body reader over every body (and how many needed the Markdown engine because they hold code),
and nh3 over the HTML of every generated page.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import best, cold, machine, mkdocs_build, t  # noqa: E402
from corpus import write_corpus  # noqa: E402

from briefbook.format.body import read_body  # noqa: E402
from briefbook.site.body_markdown import render_body  # noqa: E402
from briefbook.corpus.load import load_corpus  # noqa: E402
from briefbook.site.pages import render_pages  # noqa: E402
from briefbook.site.sanitize import sanitize  # noqa: E402
from briefbook.format.settings import read_settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        safe = root / "safe"
        write_corpus(args.size, args.seed, safe)
        unsafe = root / "raw-html-allowed"
        shutil.copytree(safe, unsafe)
        config = unsafe / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        assert "- briefbook:\n" in text, "the corpus's mkdocs.yml has no briefbook entry to extend"
        config.write_text(text.replace("- briefbook:\n", "- briefbook:\n      allow_raw_html: true\n", 1), encoding="utf-8")
        runs: dict[str, list] = {"safe": [], "raw": []}
        for _ in range(args.repeat):  # alternate, so that a slow moment of the machine hits both
            runs["safe"].append(cold(safe, mkdocs_build(safe, root / "site-safe")))
            runs["raw"].append(cold(unsafe, mkdocs_build(unsafe, root / "site-raw")))
        with_safety, without = (min(r, key=lambda run: run.cpu) for r in runs.values())
        print(f"\n{args.size} briefs, cold `mkdocs build --strict`, CPU s (wall s), best of {args.repeat}:")
        print(f"  default (body reader + sanitizer): {t(with_safety)}")
        print(f"  allow_raw_html: true (neither):    {t(without)}")
        print(f"  cost of safe rendering:            {with_safety.cpu - without.cpu:+.2f} s CPU ({with_safety.cpu / without.cpu - 1:+.1%})")

        settings = read_settings(safe / "mkdocs.yml")
        corpus = load_corpus(settings).corpus
        bodies = [b.raw.body for b in corpus.briefs.values()]
        start = time.perf_counter()
        readings = [read_body(body, settings.markdown) for body in bodies]
        texts = [render_body(r, {}, False, settings.markdown) for r in readings]
        reader = time.perf_counter() - start
        with_code = sum(1 for r in readings if r.code)
        pages = render_pages(corpus, settings)
        import markdown

        engine = markdown.Markdown(extensions=list(settings.markdown.extensions))
        html = []
        for page in pages.values():
            if page.path.endswith(".md"):
                engine.reset()
                html.append(engine.convert(page.markdown))
        start = time.perf_counter()
        for fragment in html:
            sanitize(fragment)
        sanitizer = time.perf_counter() - start
        print(f"\nthe parts alone, in this process:")
        print(f"  body reader: {reader:.3f} s for {len(texts)} bodies ({with_code} with code, read by the engine)")
        print(f"  sanitizer:   {sanitizer:.3f} s for {len(html)} pages ({sum(map(len, html)) / 1e6:.1f} MB of HTML)")


if __name__ == "__main__":
    main()
