"""The compiled templates an earlier run kept: compiling them is a quarter of a small rebuild."""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2

from ..files.store import cannot_write, code_version, enabled, ignored, read_checked, write_checked
from ..format.settings import Settings


def compiled_templates(settings: Settings) -> jinja2.BytecodeCache | None:
    """Templates compiled by an earlier run (compiling them is a quarter of a small rebuild). Jinja
    keys them by their source alone, not by the environment that compiled them: hence a folder
    per version of briefbook's code."""
    if not enabled():
        return None
    folder = settings.cache / f"templates-{code_version().hex()[:16]}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for other in settings.cache.glob("templates-*"):
            if other != folder:
                shutil.rmtree(other, ignore_errors=True)
    except OSError as err:  # a read-only project: compile each time
        cannot_write(settings.cache, err)
        return None
    return CompiledTemplates(folder)


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates, one checked file each (see read_checked): Jinja's own file cache
    fails on every later build once a file is cut short, and runs whatever a flipped bit left."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.writable = True

    def _path(self, bucket: jinja2.bccache.Bucket) -> Path:
        return self.folder / f"{bucket.key}.cache"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        content = read_checked(self._path(bucket))
        if content is None:
            return
        try:
            bucket.bytecode_from_string(content)
        except Exception as err:  # whole, but not what this Python can load
            ignored(self._path(bucket), f"{type(err).__name__}: {err}")
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if not self.writable:
            return
        try:
            write_checked(self._path(bucket), bucket.bytecode_to_string())
        except OSError as err:
            self.writable = False
            cannot_write(self.folder.parent, err)
