"""What a run keeps for the next one: results keyed by the hash of everything they came from.

Loading and rendering 10,000 briefs takes about 20 s, but an edit changes a few of them: the
next run reuses the rest. A stored entry says what it was made from (a file's bytes, a page's
context and every question its template asked of the corpus); it is used only if all of that is
unchanged, so a cached run gives the same pages as a fresh one. The store is sharded, so that a
change rewrites a few small files, not all of it; any unreadable or outdated shard is simply a miss.
Every file is stored with a digest of its content and checked against it before it is used, so
a file cut short or a flipped bit is a miss too, never a traceback or a wrong page.

The cache is trusted as the project's own files are (it is read with pickle): it lives inside
the project, where mkdocs.yml can already run code. See docs/security.md.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import struct
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, Hashable

from .writer import write_atomic

log = logging.getLogger("briefbook")
SHARDS = 64
# the head of every file the cache writes, then the digest of the rest; a file without it is from
# another version of briefbook (a miss, said nowhere), a file whose digest differs is damaged
MAGIC = b"briefbook-cache-3\n"
_DIGEST_SIZE = 16
_VERSION_SIZE = struct.Struct(">H")  # the length of a shard's version, which comes first
# disables the cache for one run (for a suspicion, a benchmark or a test of the cold path)
DISABLE_VARIABLE = "BRIEFBOOK_NO_CACHE"
_LIBRARIES = ("pydantic", "pydantic-core", "PyYAML", "Jinja2", "MarkupSafe", "Markdown", "pymdown-extensions", "nh3")


def digest(*parts: bytes) -> bytes:
    """The digest of the parts joined, without joining them."""
    # SHA-256 where the processor has it in hardware (SHA-NI, ARMv8) runs 2-3 times BLAKE2b's speed
    # over the page cache's few hundred megabytes, and matches it on short keys
    check = hashlib.sha256()
    for part in parts:
        check.update(part)
    return check.digest()[:_DIGEST_SIZE]


def read_checked(path: Path) -> bytes | None:
    """What `write_checked` stored at `path`, or None (a miss) when it is missing, unreadable or damaged."""
    content = _checked_view(path)
    return None if content is None else bytes(content)


def _checked_view(path: Path) -> memoryview | None:
    # a view, not a copy: the page cache's largest shards are tens of megabytes
    try:
        data = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):  # not there (nor, maybe, the folder): a plain miss
        return None
    except OSError as err:
        ignored(path, err.strerror or str(err))
        return None
    if not data.startswith(MAGIC):
        return None
    view = memoryview(data)
    stored, content = view[len(MAGIC):len(MAGIC) + _DIGEST_SIZE], view[len(MAGIC) + _DIGEST_SIZE:]
    if digest(content) != stored:
        ignored(path, "its content does not match its digest")
        return None
    return content


def write_checked(path: Path, *content: bytes) -> None:
    """Store `content` (the parts of it, in order) with its digest, replacing the file in one step;
    raises OSError."""
    write_atomic(path, [MAGIC, digest(*content), *content])


def ignored(path: Path, why: str) -> None:
    log.warning("ignored the cached file %s (%s); it is made again", path, why)


_unwritable: set[Path] = set()  # said once per folder and process: several stores share a folder


def cannot_write(folder: Path, err: OSError) -> None:
    if folder not in _unwritable:
        _unwritable.add(folder)
        log.warning("cannot write the cache in %s (%s); the run goes on without it", folder, err.strerror or err)


@functools.cache
def code_version() -> bytes:
    """briefbook's own code and the libraries that shape a result: a cache from other code is not used."""
    h = hashlib.blake2b(digest_size=16)
    h.update(sys.version.encode())
    for name in _LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=?;".encode())
    package = Path(__file__).parents[1]
    for module in sorted(package.rglob("*.py")):
        h.update(module.relative_to(package).as_posix().encode() + b"\0" + module.read_bytes())
    return h.digest()


def enabled() -> bool:
    return not os.environ.get(DISABLE_VARIABLE)


def stored_entries(path: Path, version: bytes | None = None) -> dict[Hashable, Any] | None:
    """The entries of a shard that `Store.save` wrote, or None: missing, damaged (said once), or
    made by other code or for other inputs than `version` (a plain miss, said nowhere: the version
    is read before the entries, whose classes may have moved since)."""
    content = _checked_view(path)
    if content is None or len(content) < _VERSION_SIZE.size:
        return None
    (size,) = _VERSION_SIZE.unpack_from(content)
    start = _VERSION_SIZE.size + size
    if version is not None and content[_VERSION_SIZE.size:start] != version:
        return None
    try:
        entries = pickle.loads(content[start:])
    except Exception as err:  # whole and of this version, but not what this code can read: start afresh
        ignored(path, f"{type(err).__name__}: {err}")
        return None
    return entries if isinstance(entries, dict) else None


# While a process serves a preview, its stores stay in memory from one run to the next: reading
# and unpickling every shard again cost more than the rest of a small refresh (benchmarks/README.md).
_kept: dict[tuple[Path, str, bytes], Store] | None = None


def keep_in_memory() -> None:
    global _kept
    _kept = {} if _kept is None else _kept


def kept() -> bool:
    return _kept is not None


def opened(folder: Path, name: str, version: bytes = b"") -> Store:
    """The store of this run: read from its files, or, while kept in memory, the one of the last run."""
    if _kept is None:
        return Store(folder, name, version)
    store = _kept.get((folder, name, version))
    if store is None:
        store = _kept[(folder, name, version)] = Store(folder, name, version)
    store._used = set()  # a run drops what it does not ask for (save)
    return store


class Store:
    """A persistent map, in `folder/name-NN.pickle` shards. Entries not asked for or put during a
    run are dropped when it saves, so that removed briefs do not linger."""

    def __init__(self, folder: Path, name: str, version: bytes = b""):
        self.folder, self.name = folder, name
        self.version = code_version() + version
        self._shards: dict[int, dict[Hashable, Any]] = {}
        self._used: set[Hashable] = set()
        self._changed: set[int] = set()

    def _shard_of(self, key: Hashable) -> int:
        return digest(repr(key).encode())[0] % SHARDS

    def _path(self, shard: int) -> Path:
        return self.folder / f"{self.name}-{shard:02d}.pickle"

    def _shard(self, shard: int) -> dict[Hashable, Any]:
        entries = self._shards.get(shard)
        if entries is None:
            entries = {}
            stored = stored_entries(self._path(shard), self.version)
            self._shards[shard] = entries = stored if stored is not None else {}
        return entries

    def get(self, key: Hashable) -> Any:
        self._used.add(key)
        return self._shard(self._shard_of(key)).get(key)

    def put(self, key: Hashable, value: Any) -> None:
        shard = self._shard_of(key)
        self._shard(shard)[key] = value
        self._used.add(key)
        self._changed.add(shard)

    def save(self) -> bool:
        """Write the shards that changed or lost entries; call it only after a complete run.
        False if a shard could not be written."""
        for shard, entries in self._shards.items():
            unused = entries.keys() - self._used
            if unused:
                for key in unused:
                    del entries[key]
                self._changed.add(shard)
        loaded = {self._path(shard) for shard in self._shards}
        try:
            for path in self.folder.glob(f"{self.name}-*.pickle"):
                if path not in loaded:
                    path.unlink()  # no entry of it was asked for: all of it is stale
            for shard in sorted(self._changed):
                write_checked(self._path(shard), _VERSION_SIZE.pack(len(self.version)) + self.version,
                              pickle.dumps(self._shards[shard], protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as err:  # a read-only project still builds; the next run is cold
            cannot_write(self.folder, err)
            return False
        self._changed.clear()
        return True
