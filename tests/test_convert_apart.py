"""The preview's background converts a big page in a child process (preview/convert_apart.py):
what the child sends back is what converting it in the server gives, and a child that fails
gives nothing, so that the page is converted in the server.

Run in a child Python of its own: the preview keeps its stores and environment in memory for the
whole process, which the other tests must not inherit.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import FIXTURES, copy_project

SCRIPT = r"""
import json, sys
from briefbook.files.store import keep_in_memory
from briefbook.preview import convert_apart
from briefbook.preview.live_site import LiveSite

keep_in_memory()
site = LiveSite(sys.argv[1], sys.argv[2], "127.0.0.1:8000")
site.load().plugins.on_startup(command="serve", dirty=False)
site.refresh()
current = site.current
found = {}
for path in ("views/matrix.md", "actors/japan.md", "index.md"):
    file = current.files.get_file_from_path(path)
    key = site.output.keys[file.src_uri]
    apart = convert_apart.start(file.page, current.config, current.files, key).result()
    site.output.convert(file.page, current.config, current.files, key)
    here = site.output.converted[file.src_uri]
    found[path] = [[c.key == key, c.content, str(c.toc), c.title_from_render, sorted(c.anchors or ())] for c in (apart, here)]
file = current.files.get_file_from_path("views/matrix.md")
def fails(config, files):
    raise RuntimeError("a plugin failed")
file.page.render = fails
found["failed"] = convert_apart.start(file.page, current.config, current.files, b"").result() is None
print(json.dumps(found))
"""


def test_a_page_converted_apart_is_the_page_converted_here_and_a_failed_child_gives_nothing(tmp_path: Path):
    project = copy_project(FIXTURES / "site", tmp_path / "project")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8").replace("  - search\n", "")  # the default: Pagefind
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(project / "mkdocs.yml"), str(tmp_path / "site")],
                          cwd=project, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found.pop("failed") is True
    for path, (apart, here) in found.items():
        assert apart == here, path
        assert apart[0] and apart[1], path  # made from the page's Markdown, with content
