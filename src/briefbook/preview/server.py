"""`briefbook serve`: MkDocs' live-reload server over the live site (live_site.py), which writes a
stale page before it is served."""

from __future__ import annotations

import logging
import os
import posixpath
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.__main__ import ColorFormatter
from mkdocs.livereload import LiveReloadServer

from ..files.store import keep_in_memory
from .live_site import LiveSite

log = logging.getLogger("mkdocs.plugins.briefbook")
POLL_SECONDS = 0.2  # how often the watched folders are scanned for saves (MkDocs: 0.5)


class _PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server, asking the site for each page before serving it."""

    def __init__(self, site: LiveSite, **kwargs):
        super().__init__(**kwargs)
        self.site = site

    def _serve_request(self, environ, start_response):
        path = environ["PATH_INFO"].encode("latin-1").decode("utf-8", "ignore")
        with self._epoch_cond:  # after the pass under way, whose stale pages are then known
            self._epoch_cond.wait_for(lambda: self._visible_epoch == self._wanted_epoch)
        if (path + "/").startswith(self.mount_path) and not path.startswith("/livereload/"):
            relative = path[len(self.mount_path):]
            if path.endswith("/") or not relative:
                relative += "index.html"
            relative = posixpath.normpath("/" + relative).lstrip("/")
            self.site.ensure(os.path.join(self.root, relative))
            if not relative.endswith(".html"):
                self.site.ensure(os.path.join(self.root, relative, "index.html"))
        return super()._serve_request(environ, start_response)


def _show_log() -> None:
    """MkDocs' messages (serving, a save detected, warnings) as `mkdocs serve` shows them."""
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(ColorFormatter())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def _stop_on_terminate() -> None:
    """SIGTERM (`kill`, a service manager, a test) and SIGHUP (its terminal closed) stop the server
    as Ctrl-C does: by default they end the process at once, leaving its site in the temporary folder."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, interrupt)


def serve(config_file: str | None, dev_addr: str | None, open_in_browser: bool = False) -> None:
    """Serve the preview until interrupted (Ctrl-C)."""
    _show_log()
    _stop_on_terminate()
    site_dir = tempfile.mkdtemp(prefix="briefbook-preview-")
    keep_in_memory()
    site = LiveSite(config_file, site_dir, dev_addr)
    config = site.load()
    config.plugins.on_startup(command="serve", dirty=False)
    host, port = config.dev_addr
    server = _PreviewServer(site, builder=site.refresh, host=host, port=port, root=site_dir,
                            mount_path=urlsplit(config.site_url or "/").path, polling_interval=POLL_SECONDS)

    def error_page(code: int) -> bytes | None:
        page = Path(site_dir) / f"{code}.html"
        return page.read_bytes() if page.is_file() else None

    server.error_handler = error_page
    try:
        site.refresh()
        site.start()
        server.watch(config.docs_dir)
        if config.config_file_path:
            server.watch(config.config_file_path)
        for folder in config.theme.dirs:  # the project's overrides; installed themes change only with an upgrade
            if os.path.commonpath([os.path.abspath(folder), sys.prefix]) != sys.prefix:
                server.watch(folder)
        server = config.plugins.on_serve(server, config=config, builder=site.refresh)
        for item in config.watch:
            server.watch(item)
        try:
            server.serve(open_in_browser=open_in_browser)
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            site.stop()
            server.shutdown()
    finally:
        config.plugins.on_shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)
