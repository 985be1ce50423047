"""Writing files so that an interrupted run never leaves a half-written one."""

from __future__ import annotations

import ctypes
import os
import secrets
import shutil
import stat
import sys
import tempfile
from pathlib import Path


def write_atomic(path: Path, content: str | bytes | list[bytes]) -> None:
    """Write to a temporary file beside the target, then rename it into place. A list is written
    part after part, never joined: a cache's shard can be tens of megabytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    parts = content if isinstance(content, list) else [content.encode("utf-8") if isinstance(content, str) else content]
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            for part in parts:
                handle.write(part)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def create_new(path: Path, content: str) -> None:
    """Create a file that must not exist yet: written whole, then linked into place.

    Raises FileExistsError when the file exists, even if it appeared a moment ago:
    linking (or, where links are unsupported, opening with mode "x") fails rather
    than replaces.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: exclusive creation is still race-free
            with open(path, "xb") as handle:
                handle.write(data)
    finally:
        Path(tmp).unlink(missing_ok=True)


def sync_pages(folder: Path, pages: dict) -> Path:
    """Make `folder` hold exactly the given pages; unchanged files keep their modification time,
    so that `mkdocs build --dirty` rebuilds only the pages whose content changed.

    Written in place, not through a temporary file: only briefbook's own builds read this
    folder, and a file cut short by a killed run differs from its page, so the next run rewrites it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    wanted, folders = set(), {folder}
    for page in pages.values():
        target = folder / page.path
        wanted.add(target)
        data = page.markdown.encode("utf-8")
        try:
            if target.read_bytes() == data:
                continue
        except OSError:
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
        target.write_bytes(data)
    for existing in sorted(folder.rglob("*"), reverse=True):
        if existing.is_file() and existing not in wanted:
            existing.unlink()
        elif existing.is_dir() and not any(existing.iterdir()):
            existing.rmdir()
    return folder


_NO_FOLLOW = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def create_or_link(path: str, data: bytes, previous: str | None, mode: int) -> bool:
    """Create the new file `path` holding `data` (FileExistsError if anything is there): a hard link
    to `previous` when that is a regular file holding these very bytes with the permissions `mode`,
    that no other name links to; else written. True when linked.

    A link is shared: whatever is later written into either name shows in both. So `previous` must
    be a file that only the output being replaced holds (it is removed once the new one is in place),
    and nothing here ever opens an existing file to write: every file is created new, then never written again.
    """
    if previous is not None and _linked(previous, path, data, mode):
        return True
    fd = os.open(path, _CREATE, 0o666)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return False


def _linked(previous: str, path: str, data: bytes, mode: int) -> bool:
    try:
        fd = os.open(previous, _NO_FOLLOW)
    except OSError:  # not there, or a symbolic link
        return False
    try:
        held = os.fstat(fd)
        if (not stat.S_ISREG(held.st_mode) or held.st_nlink != 1 or held.st_size != len(data)
                or stat.S_IMODE(held.st_mode) != mode or not _holds(fd, data)):
            return False
        os.link(previous, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links, a file of another owner: written instead
        return False
    finally:
        os.close(fd)
    made = os.lstat(path)
    if (made.st_dev, made.st_ino) != (held.st_dev, held.st_ino):  # `previous` was replaced meanwhile
        os.unlink(path)
        return False
    return True


_CHUNK = 1 << 20


def _holds(fd: int, data: bytes) -> bool:
    """Whether the file open at `fd` (as long as `data`, said its size) holds `data`, read a chunk at a
    time: briefs.json alone is tens of megabytes."""
    done = 0
    while True:
        part = os.read(fd, _CHUNK)
        if not part:
            return done == len(data)
        if part != data[done:done + len(part)]:
            return False
        done += len(part)


RETIRED_INFIX = ".old-"


def replace_folder(new: Path, target: Path) -> None:
    """Put a fully written folder in place of `target`, never leaving `target` half-written or missing.

    Raises OSError when the folders cannot be swapped; `target` is then as it was."""
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        new.rename(target)
    elif _exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # it holds the previous content now
    else:  # two renames: a run killed between them leaves the previous content in .NAME.old-*
        retired = target.with_name(f".{target.name}{RETIRED_INFIX}{secrets.token_hex(4)}")
        target.rename(retired)
        try:
            new.rename(target)
        except OSError:
            retired.rename(target)
            raise
        shutil.rmtree(retired, ignore_errors=True)


_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux's renameat2 with RENAME_EXCHANGE); False where it is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library without renameat2
        return False
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0
