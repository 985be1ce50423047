"""The site's search index: Pagefind, run over the built HTML.

Material's built-in search sends the whole index to every reader and builds it in the
browser: at 1,000 briefs that is 1.2 MB compressed and seconds before the first result
(see benchmarks/README.md). Pagefind splits its index into small chunks and the browser
fetches only those a query needs. The theme override in `overrides/` wires it into the
header search box; pages mark their text with `data-pagefind-body` and their facets
(kind, actor, issue, tag) with `data-pagefind-filter`.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import shutil
import struct
from pathlib import Path
from typing import Any

from pagefind.index import PagefindIndex

OUTPUT_DIR = "pagefind"
SIGNATURE = b"pagefind_dcd"  # the head of every decompressed Pagefind index file, before its CBOR
CONFIG = {
    "force_language": "en",  # one index, with English stemming: "abductees" also finds "abductee"
    # Not text of the page: the "¶" of heading permalinks, and admonition titles ("Bottom line up
    # front" on every brief), which would fill the excerpts.
    "exclude_selectors": [".headerlink", ".admonition-title"],
}


class SearchIndexError(Exception):
    pass


def build_search_index(site_dir: Path) -> int:
    """Index every page of a built site into site_dir/pagefind; return the number of pages indexed."""
    output = site_dir / OUTPUT_DIR
    shutil.rmtree(output, ignore_errors=True)

    async def run() -> int:
        async with PagefindIndex(config={**CONFIG, "output_path": str(output)}) as index:  # leaving it writes the index
            result = await index.add_directory(str(site_dir))
            return int(result["page_count"])

    try:
        count = asyncio.run(run())
        stabilize(output)
    except Exception as err:  # the service reports its failures as plain exceptions
        raise SearchIndexError(f"Pagefind could not index {site_dir}: {err}") from None
    return count


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
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise SearchIndexError(f"{path} is not a Pagefind index file this version of briefbook knows")
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
        return _head(0, value)
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
