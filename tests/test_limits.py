"""Oversized and pathological briefs: a clear error or a bounded cost, never a hang or a memory blowup.

Each case runs in its own process, which loads, validates and links the brief, renders the
pages and converts them with the site's Markdown extensions, as a build does. The process
reports its CPU time (not the wall clock: on a loaded machine the case waits for a core, which
says nothing of its cost) and its peak memory (the kernel's high-water mark, reset after imports).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

MAX_SECONDS = 5.0
MAX_PEAK_MB = 200

HEAD = "---\nkind: issue\ntitle: T\nsummary: S.\nreviewed: 2019-12-01\n"


def paragraphs(unit: str, total: int = 58_000, size: int = 5_500) -> str:
    """`total` characters of `unit` repeated, in paragraphs just under the paragraph limit."""
    one = unit * (size // len(unit))
    return "\n\n".join([one] * (total // len(one))) + "\n"


CASES = {
    # case: (brief text, substring of the expected error or None when the brief is valid)
    "five megabytes": (HEAD + "---\n" + "word " * 1_000_000, "over the limit of 1,000,000"),
    "deep flow nesting": (HEAD + "tags: " + "[" * 400_000 + "]" * 400_000 + "\n---\nx\n", "nesting depth"),
    "deep block nesting": (HEAD + "".join("  " * i + "a:\n" for i in range(900)) + "---\nx\n", "nested more than 20 levels deep"),
    "900 KB on one line of front matter": (HEAD.replace("S.", "x" * 900_000) + "---\nx\n", "at most 20000 characters"),
    "900 KB on one line of body": (HEAD + "---\n" + "word " * 180_000 + "\n", "over the limit of 60,000"),
    "a 10,000-character paragraph": (HEAD + "---\n" + "word\n" * 2_000, "over 6,000 characters long"),
    "300,000 tags": (HEAD + "tags: [" + ",".join(["a"] * 300_000) + "]\n---\nx\n", "more than 100000 values"),
    "5,000 positions": (HEAD.replace("issue", "actor") + "role: ally\npositions:\n" + "".join(
        f"  i{i}:\n    stance: s\n    priority: high\n    summary: s\n" for i in range(5_000)) + "---\nx\n", "at most 1000 items"),
    "200,000 list items": (HEAD + "tags:\n" + "- a\n" * 200_000 + "---\nx\n", "more than 100000 values"),
    "90,000 keys": (HEAD + "".join(f"k{i}: v\n" for i in range(90_000)) + "---\nx\n", "more than 100000 values"),
    "billion laughs": (HEAD + 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
                       + "".join(f"{k}: &{k} [{','.join([f'*{p}'] * 9)}]\n" for p, k in zip("abcdefgh", "bcdefghi")) + "---\nx\n",
                       "anchors and aliases"),
    # within the limits, Markdown's worst inputs must still build quickly
    "body of unmatched brackets": (HEAD + "---\n" + paragraphs("["), None),
    "body of link openers": (HEAD + "---\n" + paragraphs("[a]("), None),
    "body of nested brackets": (HEAD + "---\n" + paragraphs("[[[[[[a]]]]]]("), None),
    "body of angle brackets": (HEAD + "---\n" + paragraphs("<"), None),
    "body of braces": (HEAD + "---\n" + paragraphs("{"), None),
    "body of emphasis marks": (HEAD + "---\n" + paragraphs("*_"), None),
    "body of comment openers": (HEAD + "---\n" + paragraphs("<!--"), None),
    "body of entities": (HEAD + "---\n" + paragraphs("&#x61;"), None),
    "body of nested quotes": (HEAD + "---\n" + paragraphs(">"), None),
    "body of table rows": (HEAD + "---\n" + "\n\n".join(["|a|b|\n|-|-|\n" + "|x|y|\n" * 900] * 10) + "\n", None),
    "body of nested lists": (HEAD + "---\n" + "\n\n".join(["".join("  " * i + "- a\n" for i in range(70))] * 10), None),
}

CHILD = textwrap.dedent("""\
    import json, re, sys, tempfile, time
    from pathlib import Path
    import markdown
    from briefbook.corpus.load import load_corpus
    from briefbook.site.pages import render_pages
    from briefbook.format.settings import Settings

    EXTENSIONS = ["admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables", "pymdownx.details",
                  "pymdownx.superfences", "toc", "briefbook.site.markdown_ext"]

    def peak_kb():
        return int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1))

    root = Path(tempfile.mkdtemp())
    brief = root / "briefs/issues/case.md"
    brief.parent.mkdir(parents=True)
    brief.write_bytes(sys.stdin.buffer.read())
    markdown.markdown("warm *up*", extensions=EXTENSIONS)
    Path("/proc/self/clear_refs").write_text("5")  # reset the high-water mark: measure the case alone
    base = peak_kb()
    start = time.process_time()
    result = load_corpus(Settings(project_dir=root, max_age_days=0))
    errors = [d.text() for d in result.diagnostics if d.severity == "error"]
    if not errors:
        for page in render_pages(result.corpus, Settings(project_dir=root)).values():
            if page.path.endswith(".md"):
                markdown.markdown(page.markdown, extensions=EXTENSIONS)
    print(json.dumps({"seconds": time.process_time() - start, "peak_mb": (peak_kb() - base) / 1024, "errors": errors}))
""")


@pytest.mark.parametrize("case", list(CASES))
def test_cost_is_bounded(case):
    text, expected = CASES[case]
    child = subprocess.run([sys.executable, "-c", CHILD], input=text.encode(), capture_output=True, timeout=60)
    assert child.returncode == 0, child.stderr.decode()[-2000:]
    report = json.loads(child.stdout)
    print(f"{case}: {report['seconds']:.2f} s, {report['peak_mb']:.0f} MB")
    if expected is None:
        assert report["errors"] == []
    else:
        assert len(report["errors"]) >= 1 and expected in report["errors"][0], report["errors"][:3]
        assert all(len(e) < 500 for e in report["errors"]), "a message should stay readable"
    assert report["seconds"] < MAX_SECONDS
    assert report["peak_mb"] < MAX_PEAK_MB
