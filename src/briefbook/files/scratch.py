"""Temporary folders that live as long as the process that made them.

A folder in the system's temporary directory outlives a process that only forgets it: the PDFs
made where the cache cannot be written, and Typst's empty package folder, were left in `/tmp`
by every run that made them. One folder per purpose per process, removed when the process exits.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path


@functools.lru_cache(maxsize=None)
def scratch_folder(purpose: str) -> Path:
    """This process's temporary folder for `purpose` (made on first use), removed at exit."""
    folder = Path(tempfile.mkdtemp(prefix=f"briefbook-{purpose}-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder
