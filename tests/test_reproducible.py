"""Reproducible builds: the same sources, built in two folders at two moments, give the same bytes,
and every date in the output (sitemap, gzip header) is SOURCE_DATE_EPOCH's."""

from __future__ import annotations

import datetime as dt
import gzip
import re
import struct
import time
from pathlib import Path

import pytest
from helpers import BUILD_EPOCH, BUNDLED_SITE_URL, build, copy_bundled_book, snapshot

BUILD_DAY = dt.datetime.fromtimestamp(int(BUILD_EPOCH), dt.timezone.utc).date()


@pytest.fixture(scope="module")
def second_build(bundled_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled book built again, in another folder and at least a second after the session's build."""
    time.sleep(1.5)  # a timestamp taken from the clock would now differ by at least a second
    project = copy_bundled_book(tmp_path_factory.mktemp("second-folder") / "book")
    return build(project, env={"SITE_URL": BUNDLED_SITE_URL})


def test_two_builds_of_the_same_sources_are_byte_identical(bundled_site: Path, second_build: Path) -> None:
    first, second = snapshot(bundled_site), snapshot(second_build)
    assert sorted(first) == sorted(second)
    assert len(first) > 50 and "site/summits/hanoi-2019/index.html" in first
    assert [name for name in first if first[name] != second[name]] == []


def test_sitemap_dates_are_source_date_epoch(bundled_site: Path) -> None:
    sitemap = (bundled_site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{BUNDLED_SITE_URL}summits/hanoi-2019/</loc>" in sitemap
    assert set(re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap)) == {BUILD_DAY.isoformat()}


def test_sitemap_gzip_header_carries_source_date_epoch(bundled_site: Path) -> None:
    raw = (bundled_site / "sitemap.xml.gz").read_bytes()
    # RFC 1952: bytes 4-7 hold the modification time; MkDocs writes the day of SOURCE_DATE_EPOCH
    (mtime,) = struct.unpack("<I", raw[4:8])
    assert dt.datetime.fromtimestamp(mtime, dt.timezone.utc).date() == BUILD_DAY
    assert gzip.decompress(raw) == (bundled_site / "sitemap.xml").read_bytes()
    name = raw[10:raw.index(b"\0", 10)] if raw[3] & 0x08 else b""  # FNAME, when the flags say it is there
    assert b"/" not in name, f"the build folder leaked into the gzip header: {name!r}"
