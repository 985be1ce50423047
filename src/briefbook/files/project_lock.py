"""One run at a time per project: builds and renders of the same project wait for each other.

Two builds started a second apart shared the generated pages in the cache: one rewrote or
removed them while the other's MkDocs read them, and both reported success over a site with
half its pages. Each run now takes a lock on the project folder itself (flock on the folder,
so that a read-only project or a broken cache folder can still be locked) and holds it until
its site is in place; a second run says that it waits, then goes on.

`briefbook build` runs MkDocs in a child process, whose plugin takes the lock too: the CLI
hands the child its locked descriptor (LOCK_FD_VARIABLE), which the child locks again, a no-op
on the same open file, instead of waiting for its own parent.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; runs are not serialized there
    fcntl = None  # type: ignore[assignment]

LOCK_FD_VARIABLE = "BRIEFBOOK_LOCK_FD"


@contextmanager
def project_lock(project_dir: Path, on_wait: Callable[[], None]) -> Iterator[int | None]:
    """Hold the project's lock for the block, calling `on_wait` first if another run holds it.
    Yields the locked descriptor (None where locking is not available), to hand to a child."""
    if fcntl is None:
        yield None
        return
    inherited = _inherited(project_dir)
    if inherited is not None:
        yield inherited
        return
    try:
        fd = os.open(project_dir, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield None
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:  # a file system without flock: go on unlocked, as before
            pass
        yield fd
    finally:
        os.close(fd)  # releases the lock


def _inherited(project_dir: Path) -> int | None:
    """The descriptor a parent briefbook handed down, if it is this project's and already locked by it."""
    value = os.environ.get(LOCK_FD_VARIABLE, "")
    if not value.isdigit():
        return None
    fd = int(value)
    try:
        same = os.path.samestat(os.fstat(fd), os.stat(project_dir))
        if same:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # succeeds at once: the lock is on this very open file
    except OSError:  # not open, or locked by someone else: not ours
        return None
    return fd if same else None
