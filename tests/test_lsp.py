"""`briefbook lsp`, as an editor meets it: a real client (pygls') drives the server over stdio.

The project is the small valid one of helpers.py with an mkdocs.yml. Each test opens the buffers
it edits and closes them again, so that the one server of the module serves them all; the tests
of parity with `check`, of disk changes and of exiting start servers of their own.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest
from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

from briefbook.format.fields import fields_of, records_of
from briefbook.format.model import KINDS

from helpers import BUILD_EPOCH, FIXTURES, REPO, VALID_BRIEFS, WAIT_SECONDS, valid_project

MKDOCS_YML = "site_name: Test book\nplugins:\n  - briefbook:\n      max_age_days: 365\n"


def write_project(root: Path, mkdocs: bool = True) -> Path:
    """The small valid project of helpers.py, with an mkdocs.yml and a page that is no brief."""
    valid_project(root)
    if mkdocs:
        (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
        (root / "docs").mkdir(exist_ok=True)
        (root / "docs/index.md").write_text("# Home\n\nNot a brief: no front matter.\n", encoding="utf-8")
    return root


class Editor:
    """An editor's side of the protocol, from synchronous tests: pygls' client on a loop of its own."""

    def __init__(self, root: Path, process_id: int | None = None, watch_files: bool = False):
        self.root = root
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.client = LanguageClient("briefbook-tests", "1")
        self.published: list[lsp.PublishDiagnosticsParams] = []
        self.messages: list[str] = []
        self.registered: list[lsp.Registration] = []
        self.versions: dict[str, int] = {}
        self.since: dict[str, int] = {}  # uri: how many publications there were when it was last opened
        self.changed = threading.Condition()

        @self.client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: lsp.PublishDiagnosticsParams) -> None:
            with self.changed:
                self.published.append(params)
                self.changed.notify_all()

        @self.client.feature(lsp.WINDOW_SHOW_MESSAGE)
        def message(params: lsp.ShowMessageParams) -> None:
            self.messages.append(params.message)

        @self.client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
        def register(params: lsp.RegistrationParams) -> None:
            self.registered += params.registrations

        env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH}
        self.run(self.client.start_io(sys.executable, "-m", "briefbook", "lsp", cwd=str(root), env=env))
        capabilities = lsp.ClientCapabilities(workspace=lsp.WorkspaceClientCapabilities(
            did_change_watched_files=lsp.DidChangeWatchedFilesClientCapabilities(dynamic_registration=watch_files)))
        self.run(self.client.initialize_async(lsp.InitializeParams(
            capabilities=capabilities, process_id=process_id or os.getpid(), root_uri=root.as_uri())))
        self.client.initialized(lsp.InitializedParams())

    @property
    def process(self) -> asyncio.subprocess.Process:
        return self.client._server  # type: ignore[return-value]

    def run(self, coroutine: Any, timeout: float = WAIT_SECONDS) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def uri(self, relative: str) -> str:
        return (self.root / relative).as_uri()

    def open(self, relative: str, text: str | None = None) -> str:
        uri = self.uri(relative)
        if text is None:
            text = (self.root / relative).read_text(encoding="utf-8")
        self.versions[uri] = 1
        self.since[uri] = len(self.published)
        self.client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)))
        return uri

    def change(self, uri: str, text: str) -> int:
        self.versions[uri] += 1
        self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(version=self.versions[uri], uri=uri), [lsp.TextDocumentContentChangeWholeDocument(text)]))
        return self.versions[uri]

    def close_document(self, uri: str) -> None:
        self.versions.pop(uri, None)
        self.client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri)))

    @contextmanager
    def editing(self, relative: str, text: str | None = None) -> Iterator[str]:
        uri = self.open(relative, text)
        try:
            yield uri
        finally:
            self.close_document(uri)

    def diagnostics(self, uri: str, version: int | None = None, where: Any = None) -> list[lsp.Diagnostic]:
        """The diagnostics published for a document (for this version of its buffer, by default the
        latest, when it is open); with `where`, the first such publication that satisfies it."""
        if version is None:
            version = self.versions.get(uri)
        deadline = time.monotonic() + WAIT_SECONDS
        with self.changed:
            while True:
                for params in self.published[self.since.get(uri, 0):]:
                    if params.uri == uri and (version is None or params.version == version) and (where is None or where(params.diagnostics)):
                        return list(params.diagnostics)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no diagnostics for {uri} (version {version}) in {WAIT_SECONDS} s")
                self.changed.wait(left)

    def request(self, method: str, params: Any) -> Any:
        return self.run(getattr(self.client, f"{method}_async")(params))

    def at(self, uri: str, text: str, needle: str, offset: int = 0) -> lsp.TextDocumentPositionParams:
        """The position just after `needle` in the text (plus `offset` characters)."""
        index = text.index(needle) + len(needle) + offset
        line = text.count("\n", 0, index)
        return lsp.TextDocumentPositionParams(lsp.TextDocumentIdentifier(uri), lsp.Position(line, index - text.rfind("\n", 0, index) - 1))

    def completion(self, uri: str, text: str, needle: str, offset: int = 0) -> list[lsp.CompletionItem]:
        where = self.at(uri, text, needle, offset)
        result = self.request("text_document_completion", lsp.CompletionParams(where.text_document, where.position))
        return list(result.items) if result else []

    def hover(self, uri: str, text: str, needle: str, offset: int = 0) -> str | None:
        where = self.at(uri, text, needle, offset)
        result = self.request("text_document_hover", lsp.HoverParams(where.text_document, where.position))
        return result.contents.value if result else None

    def stop(self) -> None:
        if self.process.returncode is None:
            self.run(self.client.shutdown_async(None))
            self.client.exit(None)
        self.run(self.client.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)


def brief(relative: str) -> str:
    return textwrap.dedent(VALID_BRIEFS[relative])


def messages(diagnostics: list[lsp.Diagnostic]) -> list[str]:
    return [d.message for d in diagnostics]


def apply(text: str, edit: lsp.TextEdit) -> str:
    lines = text.split("\n")
    start, end = edit.range.start, edit.range.end
    assert start.line == end.line
    line = lines[start.line]
    lines[start.line] = line[:start.character] + edit.new_text + line[end.character:]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def editor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Editor]:
    editor = Editor(write_project(tmp_path_factory.mktemp("lsp")))
    yield editor
    editor.stop()


HANOI = "briefs/summits/hanoi-2019.md"
US = "briefs/actors/united-states.md"
ISSUE = "briefs/issues/denuclearization.md"
SOURCES = "briefs/sources/x.yml"


# --- diagnostics -------------------------------------------------------------------------------


def test_every_file_gets_the_diagnostics_check_reports(tmp_path: Path) -> None:
    """A project of broken files: the server's diagnostics for each file are `check`'s, message,
    line, column and severity, without the file being opened."""
    write_project(tmp_path, mkdocs=False)
    for fixture in sorted((FIXTURES / "check").iterdir()):
        folder = "sources" if fixture.suffix == ".yml" else "issues"
        shutil.copyfile(fixture, tmp_path / "briefs" / folder / fixture.name)
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "BRIEFBOOK_NO_CACHE": "1"}
    done = subprocess.run([sys.executable, "-m", "briefbook", "check", "--format", "json"], cwd=tmp_path, env=env, capture_output=True, text=True)
    expected: dict[str, list[tuple[int, int, str, str]]] = {}
    for d in json.loads(done.stdout):
        text = f"{d['field']}: {d['message']}" if d["field"] else d["message"]
        expected.setdefault(d["file"], []).append((d["line"], d["column"], text + (f" ({d['hint']})" if d["hint"] else ""), d["severity"]))
    assert len(expected) >= 14, expected.keys()

    editor = Editor(tmp_path)
    try:
        editor.open(ISSUE)  # loads the project: every file's problems are published
        severity = {lsp.DiagnosticSeverity.Error: "error", lsp.DiagnosticSeverity.Warning: "warning"}
        for file, problems in expected.items():
            got = editor.diagnostics(editor.uri(file), where=lambda found: True)
            assert [(d.range.start.line + 1, d.range.start.character + 1, d.message, severity[d.severity]) for d in got] == problems, file
            assert all(d.source == "briefbook" for d in got)
    finally:
        editor.stop()


def test_unsaved_text_is_checked_against_the_corpus(editor: Editor) -> None:
    text = brief(HANOI)
    with editor.editing(HANOI, text) as uri:
        assert editor.diagnostics(uri) == []
        broken = text.replace("agenda: [denuclearization]", "agenda: [denuclearization, sanctions]").replace("- actor: north-korea", "- actor: north-koreaa")
        editor.change(uri, broken)
        found = editor.diagnostics(uri)
        assert messages(found) == ["participants[1].actor: unknown actor `north-koreaa` (did you mean `north-korea`?)",
                                   "agenda[1]: unknown issue `sanctions` (add a brief of kind issue with this file name)"]
        agenda = found[1].range
        line = broken.split("\n")[agenda.start.line]
        assert line[agenda.start.character:agenda.end.character] == "sanctions"

        # an issue not saved yet, open in another buffer, is known to the summit at once
        with editor.editing("briefs/issues/sanctions.md", brief(ISSUE).replace("title: Denuclearization", "title: Sanctions")) as new:
            assert editor.diagnostics(new) == []
            assert editor.diagnostics(uri, where=lambda found: len(found) == 1)[0].message.startswith("participants[1].actor")
        # closed without saving: gone again
        assert len(editor.diagnostics(uri, where=lambda found: len(found) == 2)) == 2


def test_cross_file_problems_follow_the_other_buffers(editor: Editor) -> None:
    with editor.editing(HANOI) as hanoi, editor.editing(ISSUE) as issue:
        assert editor.diagnostics(hanoi) == [] and editor.diagnostics(issue) == []
        # the issue becomes an actor: every reference to it breaks, in the files that make them
        editor.change(issue, brief(ISSUE).replace("kind: issue", "kind: actor\nrole: ally"))
        found = editor.diagnostics(hanoi, where=lambda found: bool(found))
        assert "agenda[0]: unknown issue `denuclearization`" in found[0].message
    with editor.editing("briefs/issues/more/denuclearization.md", brief(ISSUE)) as duplicate:
        assert messages(editor.diagnostics(duplicate)) == [
            "kind: the id `denuclearization` is already used by briefs/issues/denuclearization.md (ids are file names and must be unique across the briefs folder)"]
    with editor.editing(US, brief(US) + "\nAs reported [@nowhere].\n") as us:
        assert messages(editor.diagnostics(us)) == ["body: cites unknown source `nowhere` (declare it in a sources file or in this brief's `sources`)"]


def test_files_outside_the_briefs_folder_are_left_alone(editor: Editor) -> None:
    with editor.editing("docs/index.md") as page, editor.editing(ISSUE) as issue:
        assert editor.diagnostics(issue) == []
        assert not any(p.uri == page for p in editor.published)
        assert editor.hover(page, "# Home", "# Ho") is None


# --- completion --------------------------------------------------------------------------------


def test_completion_offers_the_fields_valid_at_the_cursor(editor: Editor) -> None:
    text = brief(HANOI).replace("    confidence: moderate\n", "    conf\n")
    with editor.editing(HANOI, text) as uri:
        items = editor.completion(uri, text, "    conf")
        # text, likelihood and sources are there already
        assert [i.label for i in items] == ["confidence", "horizon", "resolution"]
        assert items[0].detail == "one of the allowed values, required"
        assert "`high`, `moderate`, `low`" in items[0].documentation.value
        assert items[0].text_edit.new_text == "confidence: "

        item = text.replace("    sources: [hanoi-statement, kcna-report]\n", "    sources: [hanoi-statement, kcna-report]\n  - te\n")
        editor.change(uri, item)
        assert [i.label for i in editor.completion(uri, item, "  - te\n", -1)] == ["text", "likelihood", "confidence", "sources", "horizon", "resolution"]  # a new judgment

        top = text.replace("outcome: no agreement\n", "outcome: no agreement\n\n")
        editor.change(uri, top)
        labels = [i.label for i in editor.completion(uri, top, "outcome: no agreement\n")]
        assert labels == ["next_review", "tags", "sources", "what_to_watch", "timeline", "changes"]  # a summit's fields not yet written


def test_completion_offers_allowed_values(editor: Editor) -> None:
    text = brief(HANOI).replace("likelihood: unlikely", "likelihood: ").replace("outcome: no agreement", "outcome: no")
    with editor.editing(HANOI, text) as uri:
        labels = [i.label for i in editor.completion(uri, text, "likelihood: ")]
        assert labels == ["almost no chance", "very unlikely", "unlikely", "roughly even chance", "likely", "very likely", "almost certain"]
        outcome = editor.completion(uri, text, "outcome: no")
        assert "no agreement" in [i.label for i in outcome]
        edit = outcome[0].text_edit
        assert (edit.range.start.character, edit.range.end.character) == (len("outcome: "), len("outcome: no"))
    actor = brief(US).replace("role: principal", "role: ").replace("priority: high", "priority: ")
    with editor.editing(US, actor) as uri:
        assert [i.label for i in editor.completion(uri, actor, "role: ")] == ["principal", "counterpart", "ally", "stakeholder"]
        assert [i.label for i in editor.completion(uri, actor, "priority: ")] == ["high", "medium", "low"]
    kind = "---\nkind: \n---\n"
    with editor.editing("briefs/issues/new-one.md", kind) as uri:
        assert [i.label for i in editor.completion(uri, kind, "kind: ")] == list(KINDS)


def test_completion_offers_ids_with_their_titles(editor: Editor) -> None:
    text = brief(HANOI).replace("agenda: [denuclearization]", "agenda: [den]").replace("- actor: north-korea", "- actor: ")
    text = text.replace("sources: [hanoi-statement, kcna-report]", "sources: [hanoi-statement, ]").replace("[@hanoi-statement; @kcna-report]", "[@kc")
    with editor.editing(HANOI, text) as uri:
        agenda = editor.completion(uri, text, "agenda: [den")
        assert [(i.label, i.detail) for i in agenda] == [("denuclearization", "Denuclearization")]
        assert "dismantling of North Korea's nuclear programme" in agenda[0].documentation.value
        actors = editor.completion(uri, text, "- actor: united-states\n  - actor: ")
        assert [(i.label, i.detail) for i in actors] == [("north-korea", "North Korea"), ("united-states", "United States")]
        sources = editor.completion(uri, text, "sources: [hanoi-statement, ")
        assert [(i.label, i.detail) for i in sources] == [("hanoi-statement", "Statement on the Hanoi summit"), ("kcna-report", "Report on the talks")]
        block = text.replace("agenda: [den]", "agenda:\n  - den")
        editor.change(uri, block)
        assert [i.label for i in editor.completion(uri, block, "  - den")] == ["denuclearization"]
        editor.change(uri, text)
        cited = editor.completion(uri, text, "[@kc")
        assert [i.label for i in cited] == ["hanoi-statement", "kcna-report"]  # the client filters by what is typed
        edit = cited[1].text_edit
        assert text.split("\n")[edit.range.start.line][edit.range.start.character:edit.range.end.character] == "kc"
    issue = brief(ISSUE).replace("Denuclearization", "Sanctions").replace("reviewed: 2019-12-01", "reviewed: 2019-12-01\nrelated: [")
    with editor.editing("briefs/issues/sanctions.md", issue) as uri:
        assert [i.label for i in editor.completion(uri, issue, "related: [")] == ["denuclearization"]


def test_completion_of_position_keys(editor: Editor) -> None:
    actor = brief(US).replace("positions:\n  denuclearization:", "positions:\n  de\n  denuclearization:")
    with editor.editing("briefs/actors/japan.md", actor.replace("United States", "Japan")) as uri:
        # denuclearization is stated below: nothing else is left
        assert editor.completion(uri, actor, "positions:\n  de") == []
    empty = brief(US).split("positions:")[0] + "positions:\n  \n---\n"
    with editor.editing("briefs/actors/japan.md", empty) as uri:
        items = editor.completion(uri, empty, "positions:\n  ")
        assert [(i.label, i.detail, i.text_edit.new_text) for i in items] == [("denuclearization", "Denuclearization", "denuclearization:")]


# --- hover ---------------------------------------------------------------------------------------


def test_hover_describes_fields_ids_and_citations(editor: Editor) -> None:
    text = brief(HANOI)
    with editor.editing(HANOI, text) as uri:
        summary = editor.hover(uri, text, "\nsumm")
        assert summary.startswith("**`summary`**: text, required") and "The bottom line up front: one or two sentences." in summary
        confidence = editor.hover(uri, text, "confidence: mod")
        assert "Allowed values: `high`, `moderate`, `low`." in confidence
        agenda = editor.hover(uri, text, "agenda: [denu")
        assert agenda == "**Denuclearization** (issue `denuclearization`)\n\nThe dismantling of North Korea's nuclear programme."
        actor = editor.hover(uri, text, "- actor: north")
        assert actor.startswith("**North Korea** (actor `north-korea`)")
        cited = editor.hover(uri, text, "[@hanoi-statement; @kcna")
        assert cited.startswith("**Report on the talks**\n\nKCNA, 2019-03-01\n\n<https://example.org/kcna-report>")
        assert "Names the id of an issue brief" in editor.hover(uri, text, "agen")
    actor = brief(US)
    with editor.editing(US, actor) as uri:
        assert editor.hover(uri, actor, "  denuclear").startswith("**Denuclearization** (issue")
        assert "Keyed by the id of an issue brief" in editor.hover(uri, actor, "positi")


# --- definition, references, outline -------------------------------------------------------------


def test_go_to_definition_of_ids_and_citations(editor: Editor) -> None:
    text = brief(HANOI)
    with editor.editing(HANOI, text) as uri:
        where = editor.at(uri, text, "agenda: [denu")
        issue = editor.request("text_document_definition", lsp.DefinitionParams(where.text_document, where.position))
        assert (issue.uri, issue.range.start.line) == (editor.uri(ISSUE), 0)
        where = editor.at(uri, text, "[@hanoi-statement; @kcna")
        source = editor.request("text_document_definition", lsp.DefinitionParams(where.text_document, where.position))
        sources = textwrap.dedent(VALID_BRIEFS[SOURCES]).split("\n")
        assert source.uri == editor.uri(SOURCES)
        assert sources[source.range.start.line][source.range.start.character:source.range.end.character] == "kcna-report"
        where = editor.at(uri, text, "title: Han")
        assert editor.request("text_document_definition", lsp.DefinitionParams(where.text_document, where.position)) is None


def test_find_references_of_a_source_and_of_a_brief(editor: Editor) -> None:
    text = textwrap.dedent(VALID_BRIEFS[SOURCES])
    with editor.editing(SOURCES, text) as uri:
        where = editor.at(uri, text, "id: hanoi-st")
        found = editor.request("text_document_references", lsp.ReferenceParams(
            context=lsp.ReferenceContext(include_declaration=True), text_document=where.text_document, position=where.position))
        places = sorted((Path(l.uri).name, l.range.start.line) for l in found)
        # declared in x.yml; cited by the issue's body, the US position and body, and the summit's judgment and body
        assert places == [("denuclearization.md", 6), ("hanoi-2019.md", 19), ("hanoi-2019.md", 21),
                          ("united-states.md", 11), ("united-states.md", 13), ("x.yml", 1)]
    issue = brief(ISSUE)
    with editor.editing(ISSUE, issue) as uri:
        where = editor.at(uri, issue, "title: Denu")  # not on an id: the brief itself
        found = editor.request("text_document_references", lsp.ReferenceParams(
            context=lsp.ReferenceContext(include_declaration=False), text_document=where.text_document, position=where.position))
        hanoi = brief(HANOI).split("\n")
        named = [(Path(l.uri).name, l.range.start.line) for l in found]
        assert sorted(named) == [("hanoi-2019.md", 14), ("north-korea.md", 7), ("united-states.md", 7)]
        agenda = next(l for l in found if l.uri.endswith("hanoi-2019.md")).range
        assert hanoi[14][agenda.start.character:agenda.end.character] == "denuclearization"


def test_outline_of_the_front_matter(editor: Editor) -> None:
    text = brief(HANOI)
    with editor.editing(HANOI, text) as uri:
        symbols = editor.request("text_document_document_symbol", lsp.DocumentSymbolParams(lsp.TextDocumentIdentifier(uri)))
        assert [s.name for s in symbols] == ["kind", "title", "summary", "reviewed", "date", "end_date", "location",
                                             "participants", "outcome", "agenda", "key_judgments"]
        by_name = {s.name: s for s in symbols}
        assert [c.name for c in by_name["location"].children] == ["city", "country"]
        assert [c.name for c in by_name["participants"].children] == ["united-states", "north-korea"]
        assert by_name["participants"].kind == lsp.SymbolKind.Array
        judgments = by_name["key_judgments"]
        assert [c.name for c in judgments.children] == ["Talks resume within a year."]
        assert (judgments.range.start.line, judgments.range.end.line) == (15, 19)
        assert by_name["outcome"].detail == "no agreement"


# --- quick fixes -------------------------------------------------------------------------------


def _fix(editor: Editor, uri: str, text: str, needle: str) -> list[lsp.CodeAction]:
    where = editor.at(uri, text, needle)
    line = where.position.line
    return editor.request("text_document_code_action", lsp.CodeActionParams(
        where.text_document, lsp.Range(lsp.Position(line, 0), lsp.Position(line, 0)), lsp.CodeActionContext(diagnostics=[]))) or []


def test_quick_fixes_apply_the_hint(editor: Editor) -> None:
    text = brief(US).replace("    priority: high", "    prioirty: high").replace("stance: all at once", "stance: yes").replace("reviewed: 2019-12-01", "reviewed: 01/12/2019")
    with editor.editing(US, text) as uri:
        assert len(editor.diagnostics(uri)) == 3
        for needle, title, new in [("prioirty", "Change `prioirty` to `priority`", "priority"),
                                   ("stance: ", 'Change `yes` to "yes"', '"yes"'),
                                   ("reviewed: ", "Write the date as 2019-12-01", "2019-12-01")]:
            actions = _fix(editor, uri, text, needle)
            assert [(a.title, a.kind, a.is_preferred) for a in actions] == [(title, lsp.CodeActionKind.QuickFix, True)]
            (edit,) = actions[0].edit.changes[uri]
            assert edit.new_text == new
            text = apply(text, edit)
            editor.change(uri, text)
        assert editor.diagnostics(uri) == []
        assert text == brief(US).replace("all at once", '"yes"')
    summit = brief(HANOI).replace("agenda: [denuclearization]", "agenda: [denuclearisation]")
    with editor.editing(HANOI, summit) as uri:
        assert len(editor.diagnostics(uri)) == 1
        (agenda,) = _fix(editor, uri, summit, "agenda")
        assert agenda.title == "Change `denuclearisation` to `denuclearization`"
        summit = brief(HANOI).replace("confidence: moderate", "confidence: moderat")
        editor.change(uri, summit)
        assert len(editor.diagnostics(uri)) == 1
        (enum,) = _fix(editor, uri, summit, "confidence")
        assert enum.edit.changes[uri][0].new_text == "moderate"


# --- bad input, disk changes, exiting ------------------------------------------------------------


def test_bad_buffers_get_diagnostics_and_never_stop_the_server(editor: Editor) -> None:
    relative = "briefs/issues/garbage.md"
    with editor.editing(relative, "---\nkind: [unclosed\n  : : :\n---\n") as uri:
        assert messages(editor.diagnostics(uri))[0].startswith("YAML syntax error")
        editor.change(uri, "---\ntitle: \ud800\n---\n")  # what an editor sends of bytes that are not UTF-8
        assert messages(editor.diagnostics(uri)) == ["the file is not valid UTF-8 (byte 0xed) (save the file as UTF-8)"]
        enormous = "---\nkind: issue\n---\n" + "x" * 2_000_000
        editor.change(uri, enormous)
        assert "over the limit of 1,000,000" in messages(editor.diagnostics(uri))[0]
        assert editor.completion(uri, enormous, "kind: ") == []
        editor.change(uri, "\x00\x01\x02 not a brief \x1b[31m")
        assert editor.diagnostics(uri)
        for needle in ("\x00", "brief"):
            assert editor.completion(uri, "\x00\x01\x02 not a brief \x1b[31m", needle) == []
        # edits faster than the checks: the last text is what is checked, and the server keeps up
        text = brief(ISSUE)
        for n in range(200):
            last = editor.change(uri, text.replace("title: Denuclearization", f"title: Draft {n}\nrelatd{n}: x"))
        assert messages(editor.diagnostics(uri, last)) == ["relatd199: unknown field `relatd199` (did you mean `related`?)"]
    with editor.editing(ISSUE) as uri:
        assert editor.diagnostics(uri) == []
    assert editor.process.returncode is None


def test_changes_on_disk_are_seen(tmp_path: Path) -> None:
    write_project(tmp_path)
    editor = Editor(tmp_path, watch_files=True)
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while not editor.registered and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [r.method for r in editor.registered] == [lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES]
        uri = editor.open(HANOI, brief(HANOI).replace("agenda: [denuclearization]", "agenda: [denuclearization, sanctions]"))
        assert "unknown issue `sanctions`" in editor.diagnostics(uri)[0].message
        (tmp_path / "briefs/issues/sanctions.md").write_text(brief(ISSUE).replace("Denuclearization", "Sanctions"), encoding="utf-8")
        editor.client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(
            [lsp.FileEvent(editor.uri("briefs/issues/sanctions.md"), lsp.FileChangeType.Created)]))
        assert editor.diagnostics(uri, where=lambda found: not found) == []
        # a client that watches nothing: a save is when the server looks at the disk again
        (tmp_path / "briefs/issues/sanctions.md").unlink()
        editor.client.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(editor.uri(ISSUE))))
        assert len(editor.diagnostics(uri, where=bool)) == 1
    finally:
        editor.stop()


def test_the_server_exits_with_its_client(tmp_path: Path) -> None:
    write_project(tmp_path)
    editor = Editor(tmp_path)
    editor.run(editor.client.shutdown_async(None))
    editor.client.exit(None)
    assert editor.run(editor.process.wait(), timeout=10) == 0
    editor.run(editor.client.stop())

    # a client that dies without a word: the server sees its process gone
    client = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1)"])
    orphan = Editor(tmp_path, process_id=client.pid)
    client.wait()
    assert orphan.run(orphan.process.wait(), timeout=10) == 0
    orphan.run(orphan.client.stop())


# --- the format says which ids name what -----------------------------------------------------------


def test_every_id_the_format_marks_as_naming_a_record_is_checked(project) -> None:
    """Completion offers issue, actor or source ids where model.py marks a field with RefersTo;
    `check` must report an unknown id in each such field, or the two would disagree."""
    marked = {(record.__name__, spec.name, spec.refers_to or spec.keys_refer_to)
              for record in [*KINDS.values(), *records_of(list(KINDS.values()))] for spec in fields_of(record)
              if spec.refers_to or spec.keys_refer_to}
    assert marked == {("Summit", "agenda", "issue"), ("Actor", "positions", "issue"), ("Issue", "related", "issue"),
                      ("Participant", "actor", "actor"), ("WatchItem", "issue", "issue"),
                      ("KeyJudgment", "sources", "source"), ("TimelineEntry", "sources", "source"), ("Position", "sources", "source"),
                      ("Resolution", "sources", "source"), ("StatusChange", "sources", "source")}
    project.write("briefs/summits/hanoi-2019.md", brief(HANOI).replace("agenda: [denuclearization]", "agenda: [zz-agenda]")
                  .replace("actor: north-korea", "actor: zz-actor").replace("[hanoi-statement, kcna-report]", "[zz-judgment]")
                  .replace("key_judgments:", "what_to_watch:\n  - indicator: i\n    why: w\n    issue: zz-watch\n"
                           "timeline:\n  - date: 2019-02-27\n    title: t\n    sources: [zz-timeline]\nkey_judgments:"))
    project.write("briefs/actors/united-states.md", brief(US).replace("  denuclearization:", "  zz-positions:").replace("[hanoi-statement]", "[zz-position]"))
    project.write("briefs/issues/denuclearization.md", brief(ISSUE).replace("reviewed: 2019-12-01", "reviewed: 2019-12-01\nrelated: [zz-related]"))
    result = project.check("--format", "json")
    reported = {m for d in json.loads(result.output) for m in [d["message"]] if "zz-" in m}
    assert reported >= {"unknown issue `zz-agenda`", "unknown actor `zz-actor`", "cites unknown source `zz-judgment`",
                        "unknown issue `zz-watch`", "cites unknown source `zz-timeline`", "unknown issue `zz-positions`",
                        "cites unknown source `zz-position`", "unknown issue `zz-related`"}


def test_the_repository_editor_settings_start_the_language_server() -> None:
    from briefbook.cli import main

    settings = json.loads((REPO / ".vscode/settings.json").read_text(encoding="utf-8"))
    command, args = Path(settings["glspc.server.command"]), settings["glspc.server.commandArguments"]
    assert command.name == "briefbook" and args == ["lsp"] and args[0] in main.commands
    assert set(settings["glspc.server.languageId"]) == {"markdown", "yaml"}
    recommended = json.loads((REPO / ".vscode/extensions.json").read_text(encoding="utf-8"))["recommendations"]
    assert "zsol.vscode-glspc" in recommended
