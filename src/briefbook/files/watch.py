"""Watching the briefs folder for saves: polling modification times, with the standard library only.

Polling every half second costs a directory walk (well under a millisecond per
hundred files) and behaves the same on every platform and file system, network
shares and containers included, where change notifications often do not arrive.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable

Snapshot = dict[str, tuple[int, int]]
POLL_SECONDS = 0.5


def snapshot(folder: Path) -> Snapshot:
    """Each file under the folder with its modification time and size; hidden files (editors'
    swap files, half-written temporary files) are left out."""
    files: Snapshot = {}
    for current, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.startswith("."):
                continue
            path = os.path.join(current, name)
            try:
                status = os.stat(path)
            except OSError:  # removed between the listing and the stat
                continue
            files[path] = (status.st_mtime_ns, status.st_size)
    return files


def changed_files(before: Snapshot, after: Snapshot) -> list[str]:
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


def watch(folder: Path, on_change: Callable[[list[str]], None], interval: float = POLL_SECONDS) -> None:
    """Call `on_change` once at the start, then each time a file under the folder is added, removed or saved.

    Runs until interrupted (Ctrl-C raises KeyboardInterrupt to the caller).
    """
    last: Snapshot | None = None
    while True:
        current = snapshot(folder)
        if current != last:
            on_change([] if last is None else changed_files(last, current))
            last = current
        time.sleep(interval)

