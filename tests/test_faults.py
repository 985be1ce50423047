"""Faults a build meets in real use: killed at any moment, run twice at once, Pagefind under load
or writing a damaged index. The site is always a whole one, the old or the new, and a build
that cannot make a whole site fails.

The project is the small one of conftest.py, with Pagefind search; each test works on a copy.
"""

from __future__ import annotations

import gzip
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import BUILD_EPOCH, Project, copy_project, edit, snapshot, tool, valid_project
from helpers import run as run_as_user

from briefbook.site.search import build_search_index

ENV = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "NO_MKDOCS_2_WARNING": "1"}


def command(*args: str) -> list[str]:
    return [tool("briefbook"), *args]


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_as_user(root, "briefbook", *args)


def edit_brief(root: Path) -> None:
    edit(root / "briefs/issues/denuclearization.md", "they disagree on the order of steps", "they still disagree on the order of steps")


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith((".site", ".out")))


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The project built and rendered before and after the edit, each cleanly in a folder of its own."""
    base = tmp_path_factory.mktemp("faults")
    before = valid_project(base / "before")
    before.write("mkdocs.yml", "site_name: Faults\nplugins:\n  - briefbook:\n      max_age_days: 0\n")
    before.write("docs/index.md", "# Home\n\nThe briefing book.\n")
    seconds = {}
    for what, args in (("site", ("build",)), ("out", ("render", "--out", "out"))):
        started = time.monotonic()
        result = run(before.root, *args)
        assert result.returncode == 0, result.stdout + result.stderr
        seconds[what] = time.monotonic() - started
    after = base / "after"
    shutil.copytree(before.root, after, ignore=shutil.ignore_patterns("site", "out", ".cache"))
    edit_brief(after)
    for args in (("build",), ("render", "--out", "out")):
        assert run(after, *args).returncode == 0
    return {"project": before.root, "seconds": seconds,
            "site": (snapshot(before.root / "site"), snapshot(after / "site")),
            "out": (snapshot(before.root / "out"), snapshot(after / "out"))}


@pytest.fixture
def built(reference: dict, tmp_path: Path) -> Path:
    """A copy of the project as built before the edit (its site, rendered folder and cache), then edited."""
    root = copy_project(reference["project"], tmp_path / "project")
    edit_brief(root)
    return root


# --- killed at any moment ------------------------------------------------------------------------

KILLS = [(seed, seed % 2 == 0) for seed in range(4)]  # four moments; half kill MkDocs' child too


@pytest.mark.parametrize("what, args", [("site", ("build",)), ("out", ("render", "--out", "out"))])
@pytest.mark.parametrize("seed, whole_group", KILLS, ids=[f"seed{s}-{'group' if g else 'parent'}" for s, g in KILLS])
def test_a_run_killed_at_any_moment_leaves_the_old_or_the_new_output_and_the_next_run_a_clean_one(
        reference, built, what, args, seed, whole_group):
    old, new = reference[what]
    # the moment: seeded, anywhere from the start to a little after the end of a run as long as the first
    delay = random.Random(seed).uniform(0.05, reference["seconds"][what] * 1.1)
    process = subprocess.Popen(command(*args), cwd=built, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    time.sleep(delay)
    if whole_group:  # as a cancelled CI job or the OOM killer's cleanup: briefbook and its MkDocs child
        os.killpg(process.pid, signal.SIGKILL)
    else:  # briefbook alone: its MkDocs child runs on to its end, orphaned
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    left = snapshot(built / what)
    assert left == old or left == new, f"killed after {delay:.2f} s: {what}/ is neither the old nor the new one"

    result = run(built, *args)  # waits for an orphaned child, which still holds the project's lock
    assert result.returncode == 0, result.stdout + result.stderr
    assert snapshot(built / what) == new
    assert leftovers(built) == []


# --- two at once ---------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [("build",), ("render", "--out", "out")], ids=["build", "render"])
def test_two_runs_at_once_both_succeed_and_leave_a_whole_output(reference, built, args):
    what = "site" if args == ("build",) else "out"
    shutil.rmtree(built / what)
    first = subprocess.Popen(command(*args), cwd=built, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(0.3)
    second = subprocess.Popen(command(*args), cwd=built, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    outputs = [p.communicate(timeout=300)[0] for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    assert snapshot(built / what) == reference[what][1]
    assert leftovers(built) == []


# --- the output's unchanged files, linked from the output before ---------------------------------


def pages_of(out: Path) -> dict[str, os.stat_result]:
    return {str(p.relative_to(out)): p.lstat() for p in sorted((out / "docs").rglob("*.md"))}


def test_render_links_from_the_old_output_only_files_that_nothing_else_can_change(reference, built, tmp_path):
    """`render --out` hard-links a page the edit left as it was from the output before, which is then
    removed: never a file that was edited there, is another's link, a symbolic link, or has other permissions."""
    out = built / "out"
    before = pages_of(out)
    old_pages = {str(p.relative_to(out)) for p in (out / "docs").rglob("*.md")}
    unchanged = sorted(path for path in old_pages if reference["out"][0].get(f"out/{path}") == reference["out"][1].get(f"out/{path}")
                       and not (built / path).exists())  # generated, not copied from the project's docs
    assert len(unchanged) >= 6, unchanged
    edited, shared, linked_away, private = (out / path for path in unchanged[:4])
    with open(edited, "r+b") as handle:  # edited in place, its size and time as they were
        handle.write(b"#")
    os.utime(edited, ns=(before[unchanged[0]].st_atime_ns, before[unchanged[0]].st_mtime_ns))
    mine = tmp_path / "mine.md"
    os.link(shared, mine)  # a link of the user's own: writing into it later must not change the output
    kept_elsewhere = tmp_path / "kept.md"
    shutil.copyfile(linked_away, kept_elsewhere)
    linked_away.unlink()
    linked_away.symlink_to(kept_elsewhere)
    private.chmod(0o600)

    result = run(built, "render", "--out", "out")
    assert result.returncode == 0, result.stdout + result.stderr
    assert snapshot(out) == reference["out"][1]
    after = pages_of(out)
    assert all(s.st_nlink == 1 for s in after.values()), "a file of the output is shared with another name"
    kept = [path for path in unchanged[4:] if (after[path].st_dev, after[path].st_ino) == (before[path].st_dev, before[path].st_ino)]
    assert kept == unchanged[4:], "the unchanged pages were written again instead of linked"
    for path in unchanged[:4]:
        assert after[path].st_ino != before[path].st_ino, path
        assert not (out / path).is_symlink()
    assert after[unchanged[3]].st_mode == after[unchanged[4]].st_mode
    mine.write_bytes(b"changed by the user")
    kept_elsewhere.write_bytes(b"changed by the user")
    assert snapshot(out) == reference["out"][1]
    assert leftovers(built) == []


def test_render_writes_every_file_where_links_cannot_be_made(reference, built, monkeypatch):
    """On a file system without hard links (or a file that may not be linked), the output is written
    whole, the same bytes."""
    def refused(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", refused)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    result = Project(built).run("render", "--out", "out")
    assert result.exit_code == 0, result.output
    assert snapshot(built / "out") == reference["out"][1]
    assert leftovers(built) == []


# --- Pagefind --------------------------------------------------------------------------------------


def _burn(stop) -> None:
    while not stop.is_set():
        sum(i * i for i in range(10_000))


PAGEFIND_RUNS_UNDER_LOAD = 8


def test_pagefind_under_cpu_load_gives_a_whole_index_every_time(reference, tmp_path):
    site = Path(shutil.copytree(reference["project"] / "site", tmp_path / "site"))
    expected = snapshot(site / "pagefind")
    stop = multiprocessing.Event()
    burners = [multiprocessing.Process(target=_burn, args=(stop,)) for _ in range(2 * (os.cpu_count() or 1))]
    for burner in burners:
        burner.start()
    try:
        for run_number in range(PAGEFIND_RUNS_UNDER_LOAD):
            build_search_index(site)
            assert snapshot(site / "pagefind") == expected, f"run {run_number + 1}: the index differs from the one built without load"
    finally:
        stop.set()
        for burner in burners:
            burner.join()


DAMAGES = {
    # what Pagefind left, though it exited 0: one file cut at a 4 KiB boundary, an empty entry, a missing chunk
    "a fragment cut short": "import pathlib; f = max(pathlib.Path(out, 'fragment').iterdir(), key=lambda p: p.stat().st_size); "
                            "f.write_bytes(f.read_bytes()[:max(1, f.stat().st_size // 4096 * 4096 or f.stat().st_size // 2)])",
    "an empty pagefind-entry.json": "import pathlib; pathlib.Path(out, 'pagefind-entry.json').write_bytes(b'')",
    "an index chunk missing": "import pathlib; next(pathlib.Path(out, 'index').iterdir()).unlink()",
    "the metadata missing": "import pathlib; next(pathlib.Path(out).glob('*.pf_meta')).unlink()",
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_search_index_fails_the_build_and_keeps_the_previous_site(built, tmp_path, damage):
    from pagefind.service import get_executable

    # a Pagefind that damages what it wrote, then exits 0
    fake = tmp_path / "pagefind"
    fake.write_text(f"#!{sys.executable}\nimport subprocess, sys\n"
                    f"result = subprocess.run([{str(get_executable())!r}, *sys.argv[1:]])\n"
                    "args = sys.argv[1:]\nout = args[args.index('--output-path') + 1] if '--output-path' in args else "
                    "args[args.index('--site') + 1] + '/pagefind'\n"
                    f"{DAMAGES[damage]}\nsys.exit(result.returncode)\n")
    fake.chmod(0o755)
    before = snapshot(built / "site")
    result = subprocess.run(command("build"), cwd=built, env={**ENV, "PAGEFIND_BINARY_PATH": str(fake)},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "search index" in result.stderr and "incomplete" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(built / "site") == before
    assert leftovers(built) == []


def test_an_index_cut_short_is_refused_whatever_file_is_cut(reference, tmp_path):
    """Every file of the index, cut at a 4 KiB boundary (or emptied): the check refuses each."""
    from briefbook.site.search import check_index, SearchIndexError

    index = reference["project"] / "site" / "pagefind"
    files = [p for p in sorted(index.rglob("*")) if p.is_file() and (p.suffix.startswith(".pf_") or p.name.endswith((".pagefind", ".json")))]
    assert len(files) > 10
    for victim in files:
        copy = Path(shutil.copytree(index, tmp_path / victim.name))
        data = victim.read_bytes()
        (copy / victim.relative_to(index)).write_bytes(data[:len(data) // 4096 * 4096 if len(data) > 4096 else len(data) // 2])
        with pytest.raises(SearchIndexError, match="incomplete"):
            check_index(copy)
        shutil.rmtree(copy)
    assert check_index(index) > 0


def test_the_index_of_a_built_site_passes_the_check_and_counts_every_page(reference):
    from briefbook.site.search import check_index, SIGNATURE

    index = reference["project"] / "site" / "pagefind"
    fragments = [gzip.decompress(p.read_bytes()) for p in (index / "fragment").iterdir()]
    assert all(f.startswith(SIGNATURE) for f in fragments)
    assert check_index(index) == len(fragments)


def test_an_index_whose_words_lead_nowhere_is_refused(reference, tmp_path):
    """Whole files, but no word finds any page: the queries of the check catch it."""
    from briefbook.site.search import _encode, _read, check_index, SearchIndexError, SIGNATURE

    index = Path(shutil.copytree(reference["project"] / "site" / "pagefind", tmp_path / "pagefind"))
    for chunk in (index / "index").iterdir():
        words = _read(chunk)
        chunk.write_bytes(gzip.compress(SIGNATURE + _encode([[[word, [], *rest] for word, _pages, *rest in words[0]], *words[1:]])))
    with pytest.raises(SearchIndexError, match="does not find"):
        check_index(index)
