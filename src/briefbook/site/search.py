"""The site's search index: Pagefind, run over the built HTML.

Material's built-in search sends the whole index to every reader and builds it in the
browser: at 1,000 briefs that is 1.2 MB compressed and seconds before the first result
(see benchmarks/README.md). Pagefind splits its index into small chunks and the browser
fetches only those a query needs. The theme override in `templates/overrides/` wires it into the
header search box; pages mark their text with `data-pagefind-body` and their facets
(kind, actor, issue, tag) with `data-pagefind-filter`.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import re
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any, Callable

from pagefind.service import get_executable

from ..files.writer import replace_folder

OUTPUT_DIR = "pagefind"
SIGNATURE = b"pagefind_dcd"  # the head of every decompressed Pagefind index file, before its CBOR
CONFIG = {
    "force_language": "en",  # one index, with English stemming: "abductees" also finds "abductee"
    # Not text of the page: the "¶" of heading permalinks, and admonition titles ("Bottom line up
    # front" on every brief), which would fill the excerpts.
    "exclude_selectors": [".headerlink", ".admonition-title"],
}
# the files of the bundle the site loads or may load, besides the index itself
BUNDLE_FILES = ("pagefind.js", "pagefind-worker.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-highlight.js")


class SearchIndexError(Exception):
    pass


def build_search_index(site_dir: Path, wanted: Callable[[], bool] = lambda: True) -> int:
    """Index every page of a built site into site_dir/pagefind; return the number of pages indexed.
    A whole index replaces the previous one only if it is still `wanted()` (the preview asks: a
    save came in while Pagefind read the pages).

    Pagefind's command line runs to its end, and the index it wrote is checked whole (see
    check_index) before it replaces the previous one: its Python service answered before its
    files were written, and was stopped then, so that under load one index in five was cut short
    while the build went on. Raises SearchIndexError, with the previous index left in place.
    """
    site_dir = site_dir.absolute()
    staging = site_dir / f".{OUTPUT_DIR}.new"  # hidden: MkDocs leaves it, and a later run removes it
    shutil.rmtree(staging, ignore_errors=True)
    try:
        _run_pagefind(site_dir, staging)
        try:
            stabilize(staging)
        except _DAMAGE as err:  # Pagefind's own files do not read to their end
            raise _incomplete(staging, f"{type(err).__name__}: {err}") from None
        count = check_index(staging)
        if wanted():
            replace_folder(staging, site_dir / OUTPUT_DIR)
    except OSError as err:
        raise SearchIndexError(f"Pagefind could not index {site_dir}: {err}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return count


def _run_pagefind(site_dir: Path, output: Path) -> None:
    binary = get_executable()
    if binary is None:
        raise SearchIndexError("the Pagefind program is missing; install it with `pip install 'pagefind[extended]'`")
    command = [str(binary), "--site", str(site_dir), "--output-path", str(output), "--force-language", CONFIG["force_language"], "--quiet"]
    for selector in CONFIG["exclude_selectors"]:
        command += ["--exclude-selectors", selector]
    result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace")
    if result.returncode != 0:
        said = " ".join((result.stderr or result.stdout).split())[-500:]
        raise SearchIndexError(f"Pagefind could not index {site_dir} (exit status {result.returncode}): {said or 'no message'}")


def check_index(output: Path) -> int:
    """Check that a Pagefind index is whole; return its number of pages, or raise SearchIndexError.

    Every file of the index is there and reads to its end (gzip checks each file's length and
    CRC), the entry, the metadata and the page count agree, and queries answer: for pages spread
    over the whole index (QUERIES of them), the first four letters of a long word of the page's
    text find it, as the search box would. The bundle's scripts and styles, which Pagefind copies
    as they are, must be there and not empty.
    """
    def broken(what: str) -> SearchIndexError:
        return _incomplete(output, what)

    try:
        entry = json.loads((output / "pagefind-entry.json").read_text(encoding="utf-8"))
        languages = entry["languages"]
        if not isinstance(languages, dict) or not languages:
            raise broken("pagefind-entry.json lists no language")
        for name in BUNDLE_FILES:
            if (output / name).stat().st_size == 0:
                raise broken(f"{name} is empty")
        for wasm in [output / f"wasm.{language['wasm']}.pagefind" for language in languages.values()] + sorted(output.glob("wasm.*.pagefind")):
            _unzip(wasm)
        count = 0
        for language in languages.values():
            meta = _read(output / f"pagefind.{language['hash']}.pf_meta")
            version, pages, chunks, filters = meta[0], meta[1], meta[2], meta[3]
            if version != entry["version"] or len(pages) != language["page_count"]:
                raise broken(f"the metadata of {language['hash']} does not match pagefind-entry.json")
            for _name, chunk in filters:
                _read(output / "filter" / f"{chunk}.pf_filter")
            for _first, _last, chunk in chunks:
                _unzip(output / "index" / f"{chunk}.pf_index")
            fragments = [json.loads(_unzip(output / "fragment" / f"{page}.pf_fragment")[len(SIGNATURE):]) for page, _words in pages]
            index = _WordIndex(output, chunks, len(pages))
            for number in sorted({round(i * (len(pages) - 1) / max(QUERIES - 1, 1)) for i in range(QUERIES)} if pages else ()):
                probe = _QUERY_WORD.search(str(fragments[number].get("content", "")).lower())
                if probe and number not in index.pages_matching(probe.group()[:4]):
                    raise broken(f"a search for `{probe.group()[:4]}` does not find {fragments[number].get('url')}")
            count += len(pages)
    except SearchIndexError:
        raise
    except _DAMAGE as err:
        raise broken(f"{type(err).__name__}: {err}") from None
    return count


# Pages queried by check_index. Decoding an index chunk in Python is the slow part of the check;
# a query reads the one or two chunks its prefix falls in, as Pagefind's own search does.
QUERIES = 12


class _WordIndex:
    """The words of an index, read chunk by chunk as queries need them."""

    def __init__(self, output: Path, chunks: list, page_count: int):
        self.output, self.chunks, self.page_count = output, chunks, page_count
        self.read: dict[str, dict[str, set[int]]] = {}

    def _chunk(self, name: str) -> dict[str, set[int]]:
        if name not in self.read:
            words: dict[str, set[int]] = {}
            for word, where, *_ in _read(self.output / "index" / f"{name}.pf_index")[0]:
                # each page as the difference from the one before
                found = set(itertools.accumulate(page for page, *_ in where))
                if any(page >= self.page_count for page in found):
                    raise _incomplete(self.output, f"the word `{word}` points at a page the metadata does not list")
                words[word] = found
            self.read[name] = words
        return self.read[name]

    def pages_matching(self, prefix: str) -> set[int]:
        found: set[int] = set()
        # each chunk holds the words from `first` to `last`, both cut to a few letters
        for first, last, name in self.chunks:
            if first[:len(prefix)] <= prefix and prefix[:len(last)] <= last:
                for word, pages in self._chunk(name).items():
                    if word.startswith(prefix):
                        found |= pages
        return found


# what reading a file cut short, missing or of the wrong shape raises
_DAMAGE = (OSError, ValueError, KeyError, TypeError, IndexError, EOFError)


def _incomplete(output: Path, what: str) -> SearchIndexError:
    return SearchIndexError(f"the search index Pagefind wrote in {output} is incomplete, so the build stops: {what}")


# a word whose first four letters Pagefind's English stemming leaves as they are
_QUERY_WORD = re.compile(r"\b[a-z]{7,}\b")


def _unzip(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE) and path.suffix != ".pagefind":
        raise SearchIndexError(f"{path} is not a Pagefind index file this version of briefbook knows")
    return data


def stabilize(output: Path) -> None:
    """Make the same site give the same index bytes.

    Pagefind writes each filter's values in hash-map order, which changes from run to run
    (Pagefind issue #638), and names files by a hash of their content. Sort the values,
    then rename the filter files, and the metadata file that lists them, by their new content.
    """
    entry_file = output / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    renamed: dict[str, str] = {}
    for old in sorted((output / "filter").glob("*.pf_filter")):
        name, values = _read(old)
        new = _write(output / "filter", old.stem.split("_")[0], ".pf_filter", [name, sorted(values)], 7)
        renamed[old.stem] = new
        old.unlink()
    for language in entry["languages"].values():
        old = output / f"pagefind.{language['hash']}.pf_meta"
        meta = _read(old)
        meta[3] = sorted([name, renamed.get(chunk, chunk)] for name, chunk in meta[3])  # [filter name, file hash]
        old.unlink()
        language["hash"] = _write(output, "pagefind." + language["hash"].split("_")[0], ".pf_meta", meta, 10).removeprefix("pagefind.")
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _read(path: Path) -> Any:
    data = _unzip(path)
    value, end = _decode(data, len(SIGNATURE))
    if end != len(data):
        raise SearchIndexError(f"{path} has {len(data) - end} unread bytes")
    return value


def _write(folder: Path, prefix: str, suffix: str, value: Any, digits: int) -> str:
    data = SIGNATURE + _encode(value)
    stem = f"{prefix}_{hashlib.sha256(data).hexdigest()[:digits]}"
    (folder / f"{stem}{suffix}").write_bytes(gzip.compress(data, mtime=0))
    return stem


# The part of CBOR (RFC 8949) that Pagefind's index files use: integers, strings, arrays, maps, booleans.
# A file cut short raises IndexError or reads as a shorter value (then `_read` finds unread bytes).


def _decode(data: bytes, i: int) -> tuple[Any, int]:
    head = data[i]
    major, info = head >> 5, head & 31
    i += 1
    if info < 24:
        arg = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        arg = int.from_bytes(data[i:i + size], "big")
        i += size
    else:
        raise SearchIndexError(f"unexpected CBOR item {head:#x} in a Pagefind index file")
    if major == 0:
        return arg, i
    if major == 1:
        return -1 - arg, i
    if major in (2, 3):
        raw = data[i:i + arg]
        return (bytes(raw) if major == 2 else raw.decode("utf-8")), i + arg
    if major in (4, 5):
        items = []
        for _ in range(arg * (2 if major == 5 else 1)):
            item, i = _decode(data, i)
            items.append(item)
        return (items if major == 4 else dict(zip(items[::2], items[1::2]))), i
    if major == 7 and info in (20, 21):
        return info == 21, i
    raise SearchIndexError(f"unexpected CBOR item {head:#x} in a Pagefind index file")


def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if n < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, n)
    raise SearchIndexError(f"{n} is too large for CBOR")


def _encode(value: Any) -> bytes:
    if isinstance(value, bool):
        return bytes([0xF5 if value else 0xF4])
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_encode(v) for v in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(_encode(k) + _encode(v) for k, v in value.items())
    raise SearchIndexError(f"cannot write {type(value).__name__} as CBOR")
