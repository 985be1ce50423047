"""A big page's Markdown converted to HTML in a child process, for the preview's background.

Converting one of the views that span the book takes seconds at 1,000 briefs (the matrix's
0.96 MB of Markdown: Python-Markdown's inline patterns and HTML parser), and it cannot be cut into
steps: a save that came while the background converted it in the server's process waited for it,
with the lock or with the interpreter. A child forked from the server (a copy of it as it is, the
page, the config and the other pages included) converts it on the other core and sends back the
HTML, its table of contents, title and anchors, while the server goes on with the save. What it
sends back is used only if the page's Markdown is still the one it converted (`PageOutput.adopt`);
when the child fails, is killed or is too slow, the page is converted in the server as before.

Forked while the preview's lock is held, so that no thread of the preview changes what the child
copies; the child runs only Python-Markdown, the plugins' `on_page_content` and MkDocs' anchor
check, and leaves with `os._exit`, never returning into the server's code.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
from dataclasses import dataclass

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from .state import Converted

# a conversion that takes longer than this (seconds) is given up: the page is converted in the server
TIMEOUT = 60.0


@dataclass
class Conversion:
    """One page being converted by a child: the key of the Markdown it converts, the child, its pipe."""

    page: Page
    key: bytes
    pid: int
    pipe: int

    def result(self) -> Converted | None:
        """The converted page, once the child has sent it (the lock need not be held); None when it failed."""
        chunks, deadline = [], time.monotonic() + TIMEOUT
        try:
            while (left := deadline - time.monotonic()) > 0:
                ready, _, _ = select.select([self.pipe], [], [], left)
                if not ready:
                    break
                chunk = os.read(self.pipe, 1 << 20)
                if not chunk:
                    return _loaded(b"".join(chunks), self.key)
                chunks.append(chunk)
            os.kill(self.pid, signal.SIGKILL)
            return None
        finally:
            os.close(self.pipe)
            os.waitpid(self.pid, 0)


def start(page: Page, config: MkDocsConfig, files: Files, key: bytes) -> Conversion | None:
    """Fork a child that converts the page; None when no child could be made."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: convert, send, leave
        try:
            os.close(read_end)
            page.render(config, files)
            content = config.plugins.on_page_content(page.content, page=page, config=config, files=files)
            page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
            data = pickle.dumps((content, page.toc, page._title_from_render, page.present_anchor_ids), protocol=pickle.HIGHEST_PROTOCOL)
            view = memoryview(data)
            while view:
                view = view[os.write(write_end, view):]
        finally:
            os._exit(0)
    os.close(write_end)
    return Conversion(page, key, pid, read_end)


def _loaded(data: bytes, key: bytes) -> Converted | None:
    try:
        content, toc, title, anchors = pickle.loads(data)
    except Exception:  # cut short: the child failed on the way
        return None
    return Converted(key, content, toc, title, anchors)
