"""A folder brought to new content by writing only the files whose bytes changed.

Writing 10,000 pages into a fresh folder and deleting the 10,000 old ones cost more than
rendering them (creating and unlinking a file is the slow part), while an edit changes a few.
So an earlier output is compared with the new content, and only what differs is written, in two
steps: every changed file is first written whole beside its target under a temporary name; only
when all of them are written are they renamed into place, and the files no longer produced
removed. A run that fails while writing (a full disk) removes its temporary files and leaves the
earlier output as it was. A folder that cannot be updated this way (none yet, or one holding a
symbolic link, or a file where a folder now goes) is written whole in a staging folder and
swapped in, as before.
"""

from __future__ import annotations

import os
import secrets
import shutil
from stat import S_ISREG
from pathlib import Path
from typing import Callable, Union

from .writer import replace_folder

Content = Union[str, bytes, Path]  # a file's text (UTF-8), its bytes, or a file to copy (its mode and times too)


class _CannotUpdate(Exception):
    """The earlier output cannot be brought up to date in place: write it whole instead."""


def update_folder(target: Path, content: dict[str, Content], folders: set[str], staging: Callable[[], Path]) -> int:
    """Make `target` hold exactly `content` (paths relative to it, with `/`) and the empty `folders`;
    the number of files written. `staging` gives a new folder beside the target, used when the
    target cannot be updated in place."""
    try:
        if target.is_dir() and not target.is_symlink() and any(target.iterdir()):
            return _update_in_place(target, content, folders)
    except _CannotUpdate:
        pass
    new = staging()
    try:
        for relative in sorted(folders):
            (new / relative).mkdir(parents=True, exist_ok=True)
        made = {new}
        for relative, data in content.items():
            path = new / relative
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            _write(path, data)  # in place: nobody reads the staging folder before it is swapped in
        replace_folder(new, target)
    finally:
        shutil.rmtree(new, ignore_errors=True)
    return len(content)


def _existing(target: Path) -> tuple[dict[str, os.stat_result], set[str]]:
    files, dirs = {}, set()
    for folder, subfolders, names in os.walk(target):
        relative = os.path.relpath(folder, target).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        for name in subfolders:
            if os.path.islink(os.path.join(folder, name)):
                raise _CannotUpdate()  # writing through it would write outside the folder
            dirs.add(prefix + name)
        for name in names:
            stat = os.lstat(os.path.join(folder, name))
            if not S_ISREG(stat.st_mode):  # a symbolic link, a socket: not what this module writes
                raise _CannotUpdate()
            files[prefix + name] = stat
    return files, dirs


def _unchanged(path: Path, stat: os.stat_result | None, data: Content) -> bool:
    if stat is None:
        return False
    data = _bytes(data)
    return stat.st_size == len(data) and path.read_bytes() == data


def _update_in_place(target: Path, content: dict[str, Content], folders: set[str]) -> int:
    files, dirs = _existing(target)
    needed = set(folders)
    for relative in content:
        parent = relative.rpartition("/")[0]
        while parent and parent not in needed:
            needed.add(parent)
            parent = parent.rpartition("/")[0]
    if needed & files.keys() or content.keys() & dirs:
        raise _CannotUpdate()  # a file where a folder goes, or the other way round
    changed = [(target / r, d) for r, d in content.items() if not _unchanged(target / r, files.get(r), d)]
    made: list[Path] = []
    written: list[tuple[Path, Path]] = []
    try:  # first every changed file, whole, under a temporary name
        for relative in sorted(needed - dirs):
            (target / relative).mkdir()
            made.append(target / relative)
        token = secrets.token_hex(4)
        for path, data in changed:
            temporary = path.with_name(f".{path.name}.{token}.tmp")
            written.append((temporary, path))
            _write(temporary, data)
    except BaseException:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
        for folder in reversed(made):
            folder.rmdir()
        raise
    for temporary, path in written:  # then each in place, in one step
        os.replace(temporary, path)
    for relative in files.keys() - content.keys():
        (target / relative).unlink()
    for relative in sorted(dirs - needed, reverse=True):  # the deepest first
        (target / relative).rmdir()
    return len(changed)


def _bytes(data: Content) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data.read_bytes() if isinstance(data, Path) else data


def _write(path: Path, data: Content) -> None:
    if isinstance(data, Path):
        shutil.copy2(data, path)
    else:
        with open(path, "xb") as handle:  # the umask's permissions, as any file the user makes
            handle.write(_bytes(data))
