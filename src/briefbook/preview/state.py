"""What the preview keeps between saves to tell what a save changed: digests, the stamps of the
theme's and the docs' files, each page's converted HTML, and the theme's Jinja environment."""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page


def digest(*parts: Any) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        # a page's Markdown as its bytes: its repr cost a tenth of a save that reads every page
        data = part if isinstance(part, bytes) else b"s" + part.encode("utf-8", "surrogatepass") if isinstance(part, str) else b"r" + repr(part).encode()
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.digest()


@dataclass
class Converted:
    """A page's Markdown as it was converted: what a page with the same Markdown gets again."""

    key: bytes
    content: str
    toc: Any
    title_from_render: str | None
    anchors: set[str] | None


@dataclass
class Pending:
    """A page to write: its context when it was computed in the pass (for Material's search), else None."""

    page: Page
    context: Any = None


@dataclass
class Pass:
    """One save's view of the site: the config, files, navigation and theme of that pass."""

    config: MkDocsConfig
    files: Files
    nav: Navigation
    env: Any
    doc_files: list[File]
    signature: bytes
    generation: int


class ThemeEnvironment:
    """The theme's Jinja environment, kept while mkdocs.yml and the theme's files are unchanged:
    compiling Material's templates again and listing its thousands of files cost a second a save."""

    def __init__(self) -> None:
        self.made_from: Any = None
        self.env: Any = None

    def environment(self, config: MkDocsConfig, theme_stamp: list) -> Any:
        made_from = (config_bytes(config), theme_stamp)
        if self.env is not None and self.made_from == made_from:
            return self.env
        env = config.theme.get_env()
        listed: dict[Any, list[str]] = {}
        list_templates = env.list_templates

        def listed_once(extensions=None, filter_func=None):
            if extensions not in listed:
                listed[extensions] = list_templates(extensions, filter_func)
            return listed[extensions]

        env.list_templates = listed_once
        self.made_from, self.env = made_from, env
        return env


def theme_stamp(config: MkDocsConfig) -> list:
    """The templates of the project's theme folders as they stand (a change to an override shows on
    every page). The installed themes' own change only with an upgrade, which restarts the server."""
    stamps = []
    for folder in config.theme.dirs:
        if os.path.commonpath([os.path.abspath(folder), sys.prefix]) == sys.prefix:
            continue
        for current, _dirs, names in os.walk(folder):
            for name in names:
                if name.endswith(".html"):
                    try:
                        status = os.stat(os.path.join(current, name))
                    except OSError:
                        continue
                    stamps.append((current, name, status.st_mtime_ns, status.st_size))
    return stamps


def docs_stamp(config: MkDocsConfig) -> list:
    """The hand-written pages and files as they stand."""
    stamps = []
    for current, _dirs, names in os.walk(config.docs_dir):
        for name in names:
            try:
                status = os.stat(os.path.join(current, name))
            except OSError:
                continue
            stamps.append((current, name, status.st_mtime_ns, status.st_size))
    return sorted(stamps)


def config_bytes(config: MkDocsConfig) -> bytes:
    return Path(config.config_file_path).read_bytes() if config.config_file_path else b""


def write_atomic(path: str, data: bytes) -> None:
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".page.", suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)
