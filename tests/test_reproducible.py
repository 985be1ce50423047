"""Reproducible builds: the same sources, built in two folders at two moments, give the same bytes,
and every date in the output (sitemap, gzip header) is SOURCE_DATE_EPOCH's."""

from __future__ import annotations

import datetime as dt
import gzip
import os
import re
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SOURCE_DATE_EPOCH = 1551312000  # 2019-02-28 00:00 UTC, not today: a date that leaked from the clock would show
SITE_URL = "https://briefbook.example.org/hanoi/"


def copy_of_the_repo(target: Path) -> Path:
    """The working tree as git sees it (tracked and new files, without ignored outputs and caches)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, check=True,
    ).stdout.decode().split("\0")
    for relative in filter(None, listed):
        source = REPO / relative
        if source.is_file():  # a file deleted but not yet staged is still listed
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / relative)
    if (REPO / "node_modules").is_dir():
        (target / "node_modules").symlink_to(REPO / "node_modules")
    return target


def build(project: Path) -> Path:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(SOURCE_DATE_EPOCH), "SITE_URL": SITE_URL}
    run = subprocess.run([sys.executable, "-m", "briefbook", "build"], cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return project / "site"


def tree(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    first = build(copy_of_the_repo(tmp_path_factory.mktemp("first")))
    time.sleep(1.5)  # a timestamp taken from the clock would now differ by at least a second
    second = build(copy_of_the_repo(tmp_path_factory.mktemp("second-folder")))
    return first, second


def test_two_builds_of_the_same_sources_are_byte_identical(two_builds: tuple[Path, Path]) -> None:
    first, second = map(tree, two_builds)
    assert sorted(first) == sorted(second)
    assert len(first) > 50 and "summits/hanoi-2019/index.html" in first
    assert [name for name in first if first[name] != second[name]] == []


def test_sitemap_dates_are_source_date_epoch(two_builds: tuple[Path, Path]) -> None:
    site = two_builds[0]
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{SITE_URL}summits/hanoi-2019/</loc>" in sitemap
    assert set(re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap)) == {"2019-02-28"}


def test_sitemap_gzip_header_carries_source_date_epoch(two_builds: tuple[Path, Path]) -> None:
    site = two_builds[0]
    raw = (site / "sitemap.xml.gz").read_bytes()
    # RFC 1952: bytes 4-7 hold the modification time; MkDocs writes the day of SOURCE_DATE_EPOCH
    (mtime,) = struct.unpack("<I", raw[4:8])
    assert dt.datetime.fromtimestamp(mtime, dt.timezone.utc).date() == dt.date(2019, 2, 28)
    assert gzip.decompress(raw) == (site / "sitemap.xml").read_bytes()
    assert b"first" not in raw and b"second-folder" not in raw, "the build folder leaked into the gzip header"
