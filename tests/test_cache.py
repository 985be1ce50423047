"""The cache across runs never shows anything a fresh run would not.

Each test copies the bundled briefing book, runs once to fill the cache, edits the project, and
compares what a cached run gives (pages, problems with their lines) with a run that uses no cache.
"""

from __future__ import annotations

import json
import os
import logging
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import BUILD_EPOCH, copy_bundled_book, copy_project, edit, run

from briefbook.cli import main
from briefbook.corpus.load import load_corpus
from briefbook.files import store
from briefbook.files.store import DISABLE_VARIABLE, stored_entries, write_checked
from briefbook.format.settings import read_settings
from briefbook.site import pages as render
from briefbook.site.export import canonical
from briefbook.site.page_cache import CHECKED_FILE
from briefbook.site.questions import BRIEF_ASPECTS, Answers
from briefbook.site.pages import render_pages

LATER_EPOCH = "1893456000"  # 2030-01-01: past the next review of every bundled brief


@pytest.fixture(scope="module")
def warmed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_bundled_book(tmp_path_factory.mktemp("cache") / "project")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
        site(project)
    assert list((project / ".cache/briefbook").glob("rendered-*.pickle"))
    return project


@pytest.fixture
def project(warmed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    monkeypatch.delenv(DISABLE_VARIABLE, raising=False)
    return copy_project(warmed, tmp_path / "project")


def site(project: Path) -> tuple[list, dict[str, tuple[str, str | None]]]:
    settings = read_settings(project / "mkdocs.yml")
    result = load_corpus(settings)
    pages = render_pages(result.corpus, settings) if result.ok else {}
    return [d.text() for d in result.diagnostics], {p: (page.markdown, page.source) for p, page in pages.items()}


def fresh_site(project: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list, dict]:
    with monkeypatch.context() as mp:
        mp.setenv(DISABLE_VARIABLE, "1")
        return site(project)


def append_ally(project: Path) -> None:
    (project / "briefs/actors/australia.md").write_text(
        "---\nkind: actor\ntitle: Australia\nsummary: A treaty ally watching the talks.\nreviewed: 2026-11-29\nrole: ally\n---\nText.\n",
        encoding="utf-8")


EDITS = {
    "an actor's summary": lambda p: edit(p / "briefs/actors/japan.md", "Tokyo welcomed", "Tokyo quietly welcomed"),
    "a stance": lambda p: edit(p / "briefs/actors/japan.md", "stance: complete, verifiable, irreversible dismantlement", "stance: complete dismantlement"),
    "a timeline entry's title": lambda p: edit(p / "briefs/actors/japan.md", "title: Koizumi in Pyongyang;", "title: Koizumi visits Pyongyang;"),
    "an issue's title": lambda p: edit(p / "briefs/issues/sanctions.md", "title: Sanctions and sanctions relief", "title: Sanctions relief"),
    "a new ally (a column on every summit's matrix)": append_ally,
    "a summit removed": lambda p: (p / "briefs/summits/vladivostok-2019.md").unlink(),
    "a brief moved to another folder (its edit link)": lambda p: (p / "briefs/issues/missiles.md").rename(p / "briefs/missiles.md"),
    "a body's prose": lambda p: edit(p / "briefs/actors/japan.md", "took the breakdown in Hanoi calmly", "took the breakdown in Hanoi coolly"),
    "a citation added to a body (the sources it lists, and the sources view)":
        lambda p: edit(p / "briefs/issues/missiles.md", "## Overview\n", "## Overview\n\nSee also [@theweek-cut-short-2019-02-28].\n"),
    "a shared source's title": lambda p: edit(p / "briefs/sources/primary.yml", 'title: "Remarks in a Meeting', 'title: "Remarks at a Meeting'),
    "a template": lambda p: edit(p / "templates/actor.md.j2", "**Role:**", "**Role in the talks:**"),
    "a setting": lambda p: edit(p / "mkdocs.yml", "max_age_days: 730", "max_age_days: 30"),
}


@pytest.mark.parametrize("change", EDITS, ids=list(EDITS))
def test_a_cached_run_after_an_edit_gives_what_a_fresh_run_gives(project, monkeypatch, change):
    EDITS[change](project)
    cached = site(project)
    assert cached == fresh_site(project, monkeypatch)
    assert cached == site(project)  # and again, now from the cache it just refreshed


def test_edits_in_a_row_each_give_what_a_fresh_run_gives(project, monkeypatch):
    # the title edit rebuilds briefs.json from the pieces of the other briefs, kept from the run
    # before: the Japan piece it reuses must still make briefs.json follow Japan's prose edit
    for change in ("an issue's title", "a body's prose", "a stance"):
        EDITS[change](project)
        assert site(project) == fresh_site(project, monkeypatch), change


def test_a_later_day_is_a_change_too(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", LATER_EPOCH)  # every brief stale now
    cached = site(project)
    assert any("stale" in d for d in cached[0])
    assert cached == fresh_site(project, monkeypatch)


CORPUS_VIEWS = ("views/timeline.md", "views/sources.md", "views/matrix.md", "views/watch.md")


def test_an_edit_renders_only_the_pages_that_show_what_changed(project, monkeypatch):
    rendered = count_renders(monkeypatch)
    site(project)
    assert rendered == []  # nothing changed: every page comes from the cache

    edit(project / "briefs/actors/japan.md", "Tokyo welcomed", "Tokyo quietly welcomed")
    cached = site(project)
    # Japan's page and the index that lists each actor with its summary render again; the views
    # across the corpus and the summits (Japan, an ally, is a column of every summit's matrix)
    # read other fields of Japan's, not its summary, and are reused
    assert sorted(rendered) == ["actors/index.md", "actors/japan.md"]
    assert cached == fresh_site(project, monkeypatch)


def test_an_edit_to_a_stance_renders_the_pages_that_show_positions(project, monkeypatch):
    rendered = count_renders(monkeypatch)
    EDITS["a stance"](project)
    cached = site(project)
    assert {"actors/japan.md", "issues/denuclearization.md", "views/matrix.md", "summits/hanoi-2019.md"} <= set(rendered)
    assert not set(rendered) & {"views/timeline.md", "views/sources.md", "views/watch.md", "actors/index.md"}
    assert not [page for page in rendered if page.startswith("actors/") and page != "actors/japan.md"]
    assert cached == fresh_site(project, monkeypatch)


def test_an_edit_to_what_the_timeline_shows_renders_the_timeline(project, monkeypatch):
    rendered = count_renders(monkeypatch)
    EDITS["a timeline entry's title"](project)
    cached = site(project)
    assert "actors/japan.md" in rendered and "views/timeline.md" in rendered
    assert not set(rendered) & {"views/matrix.md", "views/watch.md", "actors/index.md", "summits/hanoi-2019.md"}
    assert "Koizumi visits Pyongyang" in cached[1]["views/timeline.md"][0]
    assert cached == fresh_site(project, monkeypatch)


def test_an_edit_to_a_body_renders_only_its_page(project, monkeypatch):
    rendered = count_renders(monkeypatch)
    edit(project / "briefs/actors/japan.md", "took the breakdown in Hanoi calmly", "took the breakdown in Hanoi coolly")
    pages = site(project)[1]
    assert rendered == ["actors/japan.md"]  # and briefs.json, put together from its pieces
    assert "coolly" in pages["actors/japan.md"][0] and "coolly" in pages["briefs.json"][0]


def test_a_template_that_shows_another_briefs_body_follows_its_edits(project, monkeypatch):
    template = project / "templates/issue.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + '\n{{ corpus.briefs["japan"].raw.body }}\n', encoding="utf-8")
    site(project)
    rendered = count_renders(monkeypatch)
    edit(project / "briefs/actors/japan.md", "took the breakdown in Hanoi calmly", "took the breakdown in Hanoi coolly")
    cached = site(project)
    assert "issues/missiles.md" in rendered and "coolly" in cached[1]["issues/missiles.md"][0]
    assert cached == fresh_site(project, monkeypatch)


def test_a_second_run_with_nothing_changed_makes_nothing(project, monkeypatch):
    rendered, pieces = count_renders(monkeypatch), count_json_pieces(monkeypatch)
    first = site(project)
    second = site(project)
    assert (rendered, pieces) == ([], [])
    assert first == second == fresh_site(project, monkeypatch)


def test_an_edit_to_one_body_after_an_unchanged_run_remakes_one_page_and_one_piece_of_briefs_json(project, monkeypatch):
    site(project)  # nothing changed: briefs.json reused whole, and its pieces kept for the next run
    rendered, pieces = count_renders(monkeypatch), count_json_pieces(monkeypatch)
    edit(project / "briefs/actors/japan.md", "took the breakdown in Hanoi calmly", "took the breakdown in Hanoi coolly")
    cached = site(project)
    assert rendered == ["actors/japan.md"] and pieces == ["japan"]
    assert cached == fresh_site(project, monkeypatch)


A_PARAGRAPH_ABOVE_JAPANS_CITATIONS = ("## Overview\n", "## Overview\n\nA first paragraph, added.\n")


def test_a_prose_edit_that_moves_citations_renders_only_its_page_and_asks_only_what_read_its_body(project, monkeypatch):
    # the edit moves every citation of the body down two lines: only where it cites changes, not what
    asked = count_questions_asked_again(monkeypatch)
    rendered = count_renders(monkeypatch)
    edit(project / "briefs/actors/japan.md", *A_PARAGRAPH_ABOVE_JAPANS_CITATIONS)
    cached = site(project)
    assert rendered == ["actors/japan.md"]
    # briefs.json holds every body, so it asked of each file; no other page read Japan's body
    assert len(asked) == 1 and ("@file", "japan") in asked[0]
    assert cached == fresh_site(project, monkeypatch)


def test_a_template_that_shows_where_another_brief_cites_follows_a_prose_edit(project, monkeypatch):
    template = project / "templates/issue.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + '\n{{ corpus.briefs["japan"].citations }}\n', encoding="utf-8")
    site(project)
    rendered = count_renders(monkeypatch)
    edit(project / "briefs/actors/japan.md", *A_PARAGRAPH_ABOVE_JAPANS_CITATIONS)
    cached = site(project)
    assert {"actors/japan.md", "issues/missiles.md"} <= set(rendered)
    assert cached == fresh_site(project, monkeypatch)


def test_a_summary_edit_asks_again_only_the_corpus_and_the_edited_brief(project, monkeypatch):
    answered: list[tuple] = []
    original = Answers._answer

    def answering(self, question):
        answered.append(question)
        return original(self, question)

    monkeypatch.setattr(Answers, "_answer", answering)
    EDITS["an actor's summary"](project)
    cached = site(project)
    of_briefs = {question[1] for question in answered if question[0] in BRIEF_ASPECTS}
    assert of_briefs == {"japan"} and len(answered) > len(of_briefs)  # and the corpus's questions
    assert cached == fresh_site(project, monkeypatch)


def test_a_preview_asks_again_only_what_read_the_body_it_saved(project, monkeypatch):
    monkeypatch.setattr(store, "_kept", {})  # the stores kept in memory from one run to the next, as `serve` does
    site(project)
    for _ in range(2):  # the first edit reads the cache from its files, the second from memory
        asked = count_questions_asked_again(monkeypatch)
        rendered = count_renders(monkeypatch)
        edit(project / "briefs/actors/japan.md", *A_PARAGRAPH_ABOVE_JAPANS_CITATIONS)
        cached = site(project)
        assert rendered == ["actors/japan.md"] and len(asked) == 1
        assert cached == fresh_site(project, monkeypatch)


def test_a_preview_after_edits_to_front_matter_gives_what_a_fresh_run_gives(project, monkeypatch):
    # in memory, the corpus last checked is at hand: the corpus's questions that read none of the
    # fields an edit changed (front_changes.py) are not asked again
    monkeypatch.setattr(store, "_kept", {})
    site(project)
    stances = ["complete, verifiable, irreversible dismantlement", "complete dismantlement"]
    original = Answers._answer
    for change in ("a stance", "an actor's summary", "a timeline entry's title", "an issue's title", "a shared source's title",
                   "a citation added to a body (the sources it lists, and the sources view)", "a new ally (a column on every summit's matrix)",
                   "a stance back"):
        answered: list[str] = []
        monkeypatch.setattr(Answers, "_answer", lambda self, question: answered.append(question[0]) or original(self, question))
        if change.startswith("a stance"):
            edit(project / "briefs/actors/japan.md", f"stance: {stances[0]}", f"stance: {stances[1]}")
            stances.reverse()
        else:
            EDITS[change](project)
        cached = site(project)
        assert cached == fresh_site(project, monkeypatch), change
        if change.startswith("a stance"):
            assert "positions_on" in answered and not {"timeline_events", "cited_sources", "watch_by_issue"} & set(answered)
        if change == "an actor's summary":
            assert not {"positions_on", "timeline_events", "cited_sources", "tags_of"} & set(answered)
        if change == "a timeline entry's title":
            assert "timeline_events" in answered


def test_a_run_stopped_while_the_cache_is_written_leaves_one_the_next_run_can_use(project, monkeypatch):
    edit(project / "briefs/actors/japan.md", "took the breakdown in Hanoi calmly", "took the breakdown in Hanoi coolly")
    writes = []
    original = store.write_checked

    def stopped_after_two(path, *content):
        if len(writes) == 2:
            raise KeyboardInterrupt  # what a kill does to the run, seen from the cache: the writes stop
        writes.append(path)
        original(path, *content)

    monkeypatch.setattr(store, "write_checked", stopped_after_two)
    with pytest.raises(KeyboardInterrupt):
        site(project)
    monkeypatch.setattr(store, "write_checked", original)
    assert not (project / ".cache/briefbook" / CHECKED_FILE).exists()
    edit(project / "briefs/actors/japan.md", "took the breakdown in Hanoi coolly", "took the breakdown in Hanoi calmly")
    assert site(project) == fresh_site(project, monkeypatch)
    edit(project / "briefs/actors/japan.md", *A_PARAGRAPH_ABOVE_JAPANS_CITATIONS)
    assert site(project) == fresh_site(project, monkeypatch)


@pytest.mark.parametrize("damage", ["cut short", "from other code"])
def test_a_damaged_record_of_the_corpus_checked_is_a_miss(project, monkeypatch, damage):
    checked = project / ".cache/briefbook" / CHECKED_FILE
    if damage == "cut short":
        checked.write_bytes(checked.read_bytes()[:40])
    else:
        write_checked(checked, b"older" + b"\0" * 40)
    asked = count_questions_asked_again(monkeypatch)
    edit(project / "briefs/actors/japan.md", *A_PARAGRAPH_ABOVE_JAPANS_CITATIONS)
    cached = site(project)
    assert len(asked) > 10  # every page is asked again, none is taken on trust
    assert cached == fresh_site(project, monkeypatch)


def test_a_preview_after_a_run_that_failed_halfway_gives_what_a_fresh_run_gives(project, monkeypatch):
    # a preview keeps the cache in memory; a run that fails after remaking some pages leaves them
    # there, made from a corpus that the next run may not have (here the edit is taken back)
    monkeypatch.setattr(store, "_kept", {})
    template = project / "templates/issue.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + '\n{{ corpus.briefs["japan"].raw.body }}\n', encoding="utf-8")
    site(project)
    edit(project / "briefs/actors/japan.md", "took the breakdown in Hanoi calmly", "took the breakdown in Hanoi coolly")
    original = render.brief_json

    def stopped(brief):  # briefs.json is made after the pages: the page is made again by then
        raise KeyboardInterrupt

    monkeypatch.setattr(render, "brief_json", stopped)
    with pytest.raises(KeyboardInterrupt):
        site(project)
    monkeypatch.setattr(render, "brief_json", original)
    edit(project / "briefs/actors/japan.md", "took the breakdown in Hanoi coolly", "took the breakdown in Hanoi calmly")
    cached = site(project)
    assert "coolly" not in cached[1]["issues/missiles.md"][0]
    assert cached == fresh_site(project, monkeypatch)
    edit(project / "briefs/actors/japan.md", *A_PARAGRAPH_ABOVE_JAPANS_CITATIONS)
    assert site(project) == fresh_site(project, monkeypatch)


def count_questions_asked_again(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """The questions of each cached entry asked again from now on, a dict per entry."""
    asked: list[dict] = []
    original = Answers.same

    def counting(self, questions, *args):
        asked.append(questions)
        return original(self, questions, *args)

    monkeypatch.setattr(Answers, "same", counting)
    return asked


def count_json_pieces(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the briefs whose part of briefs.json is made from now on (the others come from the cache)."""
    made: list[str] = []
    original = render.brief_json

    def counting(brief):
        made.append(brief.id)
        return original(brief)

    monkeypatch.setattr(render, "brief_json", counting)
    return made


def count_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the pages rendered from now on (the others come from the cache)."""
    rendered: list[str] = []
    original = render.Renderer.render

    def counting(self, template, path, corpus, **context):
        rendered.append(path)
        return original(self, template, path, corpus, **context)

    monkeypatch.setattr(render.Renderer, "render", counting)
    return rendered


def test_problems_from_cached_files_keep_their_lines(project, monkeypatch):
    # references break in files the cache holds: their lines come from the cached positions
    (project / "briefs/issues/human-rights.md").rename(project / "briefs/issues/rights.md")
    cached = site(project)
    broken = [d for d in cached[0] if d.startswith("briefs/actors/china.md:") and "unknown issue `human-rights`" in d]
    assert broken and not broken[0].startswith("briefs/actors/china.md:1:")
    assert cached == fresh_site(project, monkeypatch)


def test_a_damaged_cache_is_a_miss_not_a_failure(project, monkeypatch):
    for shard in (project / ".cache/briefbook").glob("*.pickle"):
        shard.write_bytes(shard.read_bytes()[: shard.stat().st_size // 2])
    assert site(project) == fresh_site(project, monkeypatch)
    monkeypatch.chdir(project)
    (project / "briefs/summits/vladivostok-2019.md").write_text("---\nkind: summit\n---\n")  # errors, to compare
    checked = CliRunner().invoke(main, ["check", "--format", "json"])
    monkeypatch.setenv(DISABLE_VARIABLE, "1")
    assert checked.exit_code == 1 and checked.output == CliRunner().invoke(main, ["check", "--format", "json"]).output


def test_a_cache_left_by_other_code_is_a_miss_said_nowhere(project, monkeypatch, caplog):
    # what another version of briefbook kept names classes that may have moved since (here, where
    # BriefFile was before the package had folders): its version is read first, its entries never
    moved = b"\x80\x02cbriefbook.validate\nBriefFile\nq\x00."
    for shard in (project / ".cache/briefbook").glob("*.pickle"):
        write_checked(shard, struct.pack(">H", 5) + b"older" + moved)
    core = logging.getLogger("briefbook")
    core.addHandler(caplog.handler)
    try:
        cached = site(project)
    finally:
        core.removeHandler(caplog.handler)
    assert [r.getMessage() for r in caplog.records] == []
    assert cached == fresh_site(project, monkeypatch)


def test_removed_briefs_leave_the_cache(project):
    (project / "briefs/summits/vladivostok-2019.md").unlink()
    site(project)
    keys = [key for shard in (project / ".cache/briefbook").glob("*.pickle") for key in stored_entries(shard)]
    assert "summits/singapore-2018.md" in keys and "summits/vladivostok-2019.md" not in keys
    assert not [key for key in keys if "vladivostok-2019" in str(key)]


def test_briefs_json_put_together_from_cached_pieces_is_canonical_json(project, monkeypatch):
    edit(project / "briefs/actors/japan.md", "Tokyo welcomed", "Tokyo quietly welcomed")
    text = site(project)[1]["briefs.json"][0]
    assert "Tokyo quietly welcomed" in text
    assert text == canonical(json.loads(text)) + "\n"


def test_a_cache_that_cannot_be_written_leaves_the_run_as_it_would_be(project, monkeypatch):
    shutil.rmtree(project / ".cache/briefbook")
    (project / ".cache/briefbook").write_text("not a folder")  # as root, a file stops writes where permissions would not
    edit(project / "briefs/actors/japan.md", "Tokyo welcomed", "Tokyo quietly welcomed")
    assert site(project) == fresh_site(project, monkeypatch)
    assert (project / ".cache/briefbook").read_text() == "not a folder"


# --- a damaged cache is a miss, always -------------------------------------------------------------


def compiled_templates(project: Path) -> list[Path]:
    """The compiled templates this copy of the project uses (Jinja keys them by the template's full path)."""
    for file in (project / ".cache/briefbook").glob("templates-*/*.cache"):
        file.unlink()
    forget_pages(project)
    site(project)
    forget_pages(project)  # so that the next run loads every compiled template
    files = sorted((project / ".cache/briefbook").glob("templates-*/*.cache"))
    assert files, "no compiled template in the cache"
    return files


def forget_pages(project: Path) -> None:
    """Drop the cached pages: the next run renders every page again."""
    for shard in (project / ".cache/briefbook").glob("rendered-*.pickle"):
        shard.unlink()


def cli(project: Path, monkeypatch: pytest.MonkeyPatch, *args: str):
    monkeypatch.chdir(project)
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_compiled_templates_cut_short_are_a_miss_with_one_line_each(project, monkeypatch):
    files = compiled_templates(project)
    for file in files:
        file.write_bytes(file.read_bytes()[: file.stat().st_size // 2])
    for _ in range(2):  # the later build too: the damaged files were replaced
        assert site(project) == fresh_site(project, monkeypatch)
        forget_pages(project)
    for file in files:
        file.write_bytes(file.read_bytes()[:100])
    result = cli(project, monkeypatch, "render", "--out", "out")
    assert result.exit_code == 0, result.output
    ignored = [line for line in result.output.splitlines() if "ignored the cached file" in line]
    assert len(ignored) == len(files) and all(line.startswith("briefbook: warning: ") for line in ignored), result.output


def flip(path: Path, text: bytes, replacement: bytes) -> None:
    """Change bytes inside a cached file that still leave it readable: what a flipped bit on disk can do."""
    data = path.read_bytes()
    assert text in data and len(text) == len(replacement)
    path.write_bytes(data.replace(text, replacement, 1))


def test_a_flipped_bit_in_a_compiled_template_never_shows_on_a_page(project, monkeypatch):
    # the compiled actor template holds its text as constants: "**Role:**" would become "**Rolf:**"
    holder = next(f for f in compiled_templates(project) if b"**Role:**" in f.read_bytes())
    flip(holder, b"**Role:**", b"**Rolf:**")
    cached = site(project)
    assert not any("**Rolf:**" in markdown for markdown, _ in cached[1].values())
    assert cached == fresh_site(project, monkeypatch)


def test_a_flipped_bit_in_a_cached_page_never_shows(project, monkeypatch):
    shard = next(p for p in (project / ".cache/briefbook").glob("rendered-*.pickle") if b"Tokyo welcomed" in p.read_bytes())
    flip(shard, b"Tokyo welcomed", b"Tokyo wElcomed")
    cached = site(project)
    assert "Tokyo welcomed" in cached[1]["actors/japan.md"][0] and "wElcomed" not in str(cached)
    assert cached == fresh_site(project, monkeypatch)


def test_a_flipped_bit_in_a_cached_brief_never_shows(project, monkeypatch):
    shard = next(p for p in (project / ".cache/briefbook").glob("briefs-*.pickle") if b"Tokyo welcomed" in p.read_bytes())
    flip(shard, b"Tokyo welcomed", b"Tokyo wElcomed")
    forget_pages(project)  # the pages are made again from the cached briefs
    assert site(project) == fresh_site(project, monkeypatch)


@pytest.fixture
def read_only(project: Path):
    """Make the cache folder read-only, for root too (an immutable attribute), then writable again."""
    cache = project / ".cache/briefbook"
    for path in [cache, *cache.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    immutable = os.geteuid() == 0 and subprocess.run(["chattr", "-R", "+i", str(cache)], capture_output=True).returncode == 0
    probe = cache / "probe"
    try:
        probe.write_text("x")
    except OSError:
        pass
    else:
        probe.unlink()
        pytest.fail("could not make the cache read-only here (neither permissions nor chattr +i stop writes)")
    yield cache
    if immutable:
        subprocess.run(["chattr", "-R", "-i", str(cache)], check=True)
    for path in [cache, *cache.rglob("*")]:
        path.chmod(path.stat().st_mode | 0o200)


def build_site(project: Path) -> subprocess.CompletedProcess[str]:
    return run(project, "briefbook", "build")


def test_a_read_only_cache_is_a_warning_and_the_build_goes_on(project, read_only):
    edit(project / "briefs/actors/japan.md", "Tokyo welcomed", "Tokyo quietly welcomed")
    result = build_site(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "cannot write the cache" in result.stderr
    assert "Tokyo quietly welcomed" in (project / "site/actors/japan/index.html").read_text(encoding="utf-8")


def test_a_file_where_the_cache_folder_should_be_is_a_warning_and_the_build_goes_on(project):
    shutil.rmtree(project / ".cache/briefbook")
    (project / ".cache/briefbook").write_text("not a folder")
    result = build_site(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "cannot write" in result.stderr
    assert (project / "site/actors/japan/index.html").is_file()
    assert (project / ".cache/briefbook").read_text() == "not a folder"
