"""`briefbook lsp`: a language server over stdio for brief files and shared sources files.

A thin adapter, beside the MkDocs plugin and the CLI: the problems are those `check` finds (live.py
keeps the project loaded and checks the open buffers in place of their files), what a position
holds is read by places.py, and what a field is, its values and its description come from the
format (model.py through fields.py). This module only speaks the protocol.

Checking runs on a thread of its own, so that a first load of a large project or a burst of edits
never holds up completion or hover: it takes the latest text of each changed buffer, so edits that
come faster than it checks are checked once, as they stand.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import os
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, TypeVar

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace.position_codec import PositionCodec, ServerTextPosition

from . import __version__
from .diagnostics import Diagnostic
from .fields import FieldSpec, doc_of
from .live import LiveProject, Snapshot
from .loader import MAX_FILE_BYTES
from .model import BriefBase
from .places import ITEM, Document, Place, Section, Slot, extent, find_id, kind_spec, mapping_slot, outline, place_at, slot_at, split_lines
from .settings import CONFIG_FILE, Settings, SettingsError, read_settings
from .validate import BriefFile

logger = logging.getLogger("briefbook.lsp")
T = TypeVar("T")

SEVERITY = {"error": lsp.DiagnosticSeverity.Error, "warning": lsp.DiagnosticSeverity.Warning}
TARGET_WORDS = {"issue": "an issue brief", "actor": "an actor brief", "source": "a source"}
WATCHED = ("**/*.md", "**/*.yml", "**/*.yaml", f"**/{CONFIG_FILE}")
PARENT_CHECK_SECONDS = 2.0


def _guarded(default: Any) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Bad input never stops the server: a handler that fails logs why and answers nothing."""

    def wrap(handler: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(handler)
        def run(*args: Any) -> T:
            try:
                return handler(*args)
            except Exception:
                logger.exception("briefbook lsp: %s failed", handler.__name__)
                return default

        return run

    return wrap


# --- the projects and their checking ---------------------------------------------------------------


class Projects:
    """The projects of the open files: found from each file's folders, loaded once, checked on a thread."""

    def __init__(self, server: BriefbookServer):
        self.server = server
        self.loaded: dict[Path, LiveProject] = {}
        self._settings_of: dict[Path, Settings | None] = {}  # by folder of a file
        self._reported: set[str] = set()
        self._lock = threading.Condition()
        self._changed: dict[str, tuple[Path, str | None, int | None]] = {}  # uri: (path, text or None when closed, version)
        self._refresh = False
        self._reload = False
        self._open: dict[str, tuple[Path, str, int | None]] = {}  # uri: path, text and version of each open buffer, as last checked
        self._published: dict[str, tuple[Diagnostic, ...]] = {}  # uri: the last diagnostics sent
        self._shown: dict[Path, set[str]] = {}  # by project: the files that had problems when last linked
        threading.Thread(target=self._run, name="briefbook-check", daemon=True).start()

    # called on the protocol's thread

    def settings_for(self, path: Path) -> Settings | None:
        """The settings of the project whose briefs folder holds the file (its mkdocs.yml, else a
        `briefs/` folder above it with the default settings), or None."""
        folder = path.parent.resolve()
        if folder not in self._settings_of:
            self._settings_of[folder] = self._find_settings(folder / path.name)
        return self._settings_of[folder]

    def _find_settings(self, path: Path) -> Settings | None:
        for folder in path.parents:
            config = folder / CONFIG_FILE
            if config.is_file():
                try:
                    settings = read_settings(config)
                except SettingsError as err:  # `check` would refuse to run: so does the server, and says why
                    self._report_once(str(err))
                    return None
                if settings.briefs in path.parents:
                    return settings
        for folder in path.parents:  # no mkdocs.yml: `check` run in the folder that holds `briefs/`
            if (folder / Settings(project_dir=folder).briefs_dir) in path.parents:
                return read_settings(folder / CONFIG_FILE)
        return None

    def _report_once(self, message: str) -> None:
        if message not in self._reported:
            self._reported.add(message)
            params = lsp.ShowMessageParams(lsp.MessageType.Warning, f"briefbook: {message}")
            self.server.on_protocol_thread(lambda: self.server.window_show_message(params))

    def project_for(self, path: Path) -> tuple[LiveProject, str] | None:
        """The loaded project of a file and the file's name in it (None until loaded, or if not a brief)."""
        settings = self.settings_for(path)
        project = self.loaded.get(settings.project_dir) if settings else None
        display = project.display_of(path) if project else None
        return (project, display) if project and display else None

    def changed(self, uri: str, text: str | None, version: int | None) -> None:
        """A buffer was opened or edited (its whole text), or closed (None)."""
        path = _path_of(uri)
        if path is None or self.settings_for(path) is None:
            return
        with self._lock:
            self._changed[uri] = (path, text, version)
            self._lock.notify()

    def refresh(self, reload: bool = False) -> None:
        """Files changed on disk (mkdocs.yml among them when `reload`)."""
        with self._lock:
            self._refresh = True
            self._reload = self._reload or reload
            self._lock.notify()

    # on the checking thread

    def _run(self) -> None:
        while True:
            with self._lock:
                while not (self._changed or self._refresh):
                    self._lock.wait()
                changed, self._changed = self._changed, {}
                refresh, reload = self._refresh, self._reload
                self._refresh = self._reload = False
            try:
                self._check(changed, refresh, reload)
            except Exception:
                logger.exception("briefbook lsp: checking failed")

    def _check(self, changed: dict[str, tuple[Path, str | None, int | None]], refresh: bool, reload: bool) -> None:
        if reload:  # the settings may have changed: find and load every project afresh, with its buffers
            self._settings_of.clear()
            self.loaded.clear()
            changed = {**self._open, **changed}
        touched: dict[Path, LiveProject] = {}
        checked: dict[str, int | None] = {}  # uri: the version checked
        for uri, (path, text, version) in changed.items():
            settings = self.settings_for(path)
            if settings is None:
                continue
            project = self.loaded.get(settings.project_dir)
            if project is None:
                project = self.loaded[settings.project_dir] = LiveProject.load(settings)
                # the loaded files live as long as the server: the collector need not scan them again on each edit
                gc.freeze()
            display = project.display_of(path)
            if display is None:
                continue
            if text is None:
                self._open.pop(uri, None)
                project.close_buffer(display)
                project.refresh()
            else:
                self._open[uri] = (path, text, version)
                project.set_buffer(display, path, text)
            checked[uri] = version
            touched[settings.project_dir] = project
        if refresh:
            for key, project in self.loaded.items():
                project.refresh()
                touched[key] = project
        for key, project in touched.items():
            self._publish(key, project, project.relink(), checked)

    def _publish(self, key: Path, project: LiveProject, snapshot: Snapshot, checked: dict[str, int | None]) -> None:
        """Send the diagnostics of every file whose problems changed, and of each buffer just checked."""
        uri_of = {project.display_of(path): uri for uri, (path, _, _) in self._open.items()}
        shown = set(snapshot.diagnostics)
        candidates = shown | self._shown.get(key, set()) | {display for display, uri in uri_of.items() if uri in checked}
        self._shown[key] = shown
        sent = []
        for display in sorted(d for d in candidates if d):
            path = snapshot.path_of(display)
            uri = uri_of.get(display) or from_fs_path(str(path)) or ""
            problems = tuple(snapshot.diagnostics.get(display, ()))
            if uri not in checked and self._published.get(uri, ()) == problems:
                continue
            self._published[uri] = problems
            buffer = self._open.get(uri)
            lines = split_lines(buffer[1] if buffer else _read_text(path))
            diagnostics = [to_lsp_diagnostic(d, lines, self.server.codec) for d in problems]
            # an open buffer's diagnostics are for the version checked, even when another file changed them
            sent.append(lsp.PublishDiagnosticsParams(uri, diagnostics, version=buffer[2] if buffer else None))
        self.server.send_soon(sent)


def _read_text(path: Path) -> str:
    try:
        # as an editor shows it: no byte order mark, bad bytes replaced
        return path.read_bytes()[:MAX_FILE_BYTES].decode("utf-8", "replace").removeprefix("\ufeff")
    except OSError:
        return ""


def _path_of(uri: str) -> Path | None:
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(path) if path else None


def to_lsp_diagnostic(d: Diagnostic, lines: list[str], codec: PositionCodec) -> lsp.Diagnostic:
    """The same message as `check` prints, at the same line and column, over the key or value there."""
    line = min(max(d.line - 1, 0), max(len(lines) - 1, 0))
    text = lines[line] if lines else ""
    start = min(max(d.column - 1, 0), len(text))
    prefix = f"{d.file}:{d.line}:{d.column}: {d.severity}: "
    return lsp.Diagnostic(
        range=_range(lines, codec, line, start, line, extent(text, start)),
        message=d.text()[len(prefix):],
        severity=SEVERITY.get(d.severity, lsp.DiagnosticSeverity.Error),
        source="briefbook",
    )


def _range(lines: list[str], codec: PositionCodec, line: int, start: int, end_line: int, end: int) -> lsp.Range:
    return lsp.Range(_position(lines, codec, line, start), _position(lines, codec, end_line, end))


def _position(lines: list[str], codec: PositionCodec, line: int, column: int) -> lsp.Position:
    if 0 <= line < len(lines):
        column = min(column, len(lines[line]))
        return codec.position_to_client_units(lines, ServerTextPosition(line, column))
    return lsp.Position(line, column)


# --- the server ----------------------------------------------------------------------------------


class BriefbookServer(LanguageServer):
    def __init__(self) -> None:
        # Full sync: the client's lines are split where the loader splits them (pygls' incremental
        # edits split lines at characters such as U+2028 that the protocol and the loader do not)
        super().__init__("briefbook", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Full)
        self.projects = Projects(self)
        self.loop: asyncio.AbstractEventLoop | None = None

    @property
    def codec(self) -> PositionCodec:
        try:
            return self.workspace.position_codec
        except RuntimeError:  # not initialized yet
            return PositionCodec()

    def on_protocol_thread(self, call: Callable[[], None]) -> None:
        """Run a call that writes to the client where the protocol writes, whichever thread asks."""
        if self.loop is None:
            call()
        else:
            self.loop.call_soon_threadsafe(call)

    def send_soon(self, diagnostics: list[lsp.PublishDiagnosticsParams]) -> None:
        """Publish diagnostics made on the checking thread."""
        if diagnostics:
            self.on_protocol_thread(lambda: [self.text_document_publish_diagnostics(params) for params in diagnostics])

    def document(self, uri: str) -> tuple[Document, list[str]] | None:
        """The open buffer as places.py reads it, or None for what is no brief file (or too large to read)."""
        path = _path_of(uri)
        if path is None or self.projects.settings_for(path) is None:
            return None
        text = self.workspace.get_text_document(uri).source
        if len(text) > MAX_FILE_BYTES:
            return None
        doc = Document.of(text, path.name)
        return doc, doc.lines

    def place(self, uri: str, position: lsp.Position) -> tuple[Document, Place] | None:
        found = self.document(uri)
        if found is None:
            return None
        doc, lines = found
        server_position = self.codec.position_from_client_units(lines, lsp.Position(position.line, position.character))
        return doc, place_at(doc, server_position.line, server_position.character)

    def text_of(self, path: Path) -> str:
        """A file's text as the editor has it: its open buffer, else the file."""
        document = self.workspace.text_documents.get(from_fs_path(str(path)) or "")
        return document.source if document is not None else _read_text(path)

    def snapshot_for(self, uri: str) -> tuple[Snapshot, str] | None:
        path = _path_of(uri)
        found = self.projects.project_for(path) if path else None
        if found is None or found[0].snapshot is None:
            return None
        return found[0].snapshot, found[1]


server = BriefbookServer()


@server.feature(lsp.INITIALIZE)
def _initialize(ls: BriefbookServer, params: lsp.InitializeParams) -> None:
    ls.loop = asyncio.get_running_loop()
    if params.process_id:
        threading.Thread(target=_exit_with_parent, args=(params.process_id,), name="briefbook-parent", daemon=True).start()


def _exit_with_parent(pid: int) -> None:
    """The server exits when its client does, even a client that dies without closing the pipe."""
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:  # alive, under another user
            pass


@server.feature(lsp.INITIALIZED)
@_guarded(None)
def _initialized(ls: BriefbookServer, params: lsp.InitializedParams) -> None:
    workspace = ls.client_capabilities.workspace
    watching = workspace.did_change_watched_files if workspace else None
    if watching and watching.dynamic_registration:
        options = lsp.DidChangeWatchedFilesRegistrationOptions([lsp.FileSystemWatcher(glob_pattern=g) for g in WATCHED])
        ls.client_register_capability(lsp.RegistrationParams([lsp.Registration("briefbook-files", lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, options)]))


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
@_guarded(None)
def _did_open(ls: BriefbookServer, params: lsp.DidOpenTextDocumentParams) -> None:
    ls.projects.changed(params.text_document.uri, params.text_document.text, params.text_document.version)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
@_guarded(None)
def _did_change(ls: BriefbookServer, params: lsp.DidChangeTextDocumentParams) -> None:
    document = ls.workspace.get_text_document(params.text_document.uri)
    ls.projects.changed(document.uri, document.source, params.text_document.version)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
@_guarded(None)
def _did_close(ls: BriefbookServer, params: lsp.DidCloseTextDocumentParams) -> None:
    ls.projects.changed(params.text_document.uri, None, None)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
@_guarded(None)
def _did_save(ls: BriefbookServer, params: lsp.DidSaveTextDocumentParams) -> None:
    ls.projects.refresh()


@server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
@_guarded(None)
def _files_changed(ls: BriefbookServer, params: lsp.DidChangeWatchedFilesParams) -> None:
    ls.projects.refresh(reload=any(change.uri.endswith("/" + CONFIG_FILE) for change in params.changes))


# --- completion ----------------------------------------------------------------------------------


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["@", "[", " ", ",", ";"]))
@_guarded(None)
def _completion(ls: BriefbookServer, params: lsp.CompletionParams) -> lsp.CompletionList | None:
    found = ls.place(params.text_document.uri, params.position)
    if found is None:
        return None
    doc, place = found
    if place.where == "none":
        return None
    snapshot = ls.snapshot_for(params.text_document.uri)
    line = params.position.line
    text = doc.lines[line]
    edit_range = _range(doc.lines, ls.codec, line, place.start, line, place.end)
    items: list[lsp.CompletionItem] = []
    if place.where == "value" and place.path and place.path[-1] is ITEM and (slot := slot_at(doc.root(), place.path)) is not None:
        if slot.spec is not None and slot.spec.record is not None:  # `- ti`: the first key of a record item
            place = Place("key", place.path, place.start, place.end, place.word)
    if place.where == "citation":
        items = _id_items("source", snapshot, edit_range, "")
    elif place.where == "key":
        slot = mapping_slot(doc.root(), place.path)
        has_colon = text[place.end:].lstrip().startswith(":")
        if slot is not None and slot.record is not None:
            specs = list(slot.fields)
            if slot.record is BriefBase:  # no kind yet: offer it first
                specs.insert(0, kind_spec())
            for n, spec in enumerate(s for s in specs if s.name not in place.siblings):
                suffix = "" if has_colon else (": " if _is_scalar(spec) else ":")
                items.append(lsp.CompletionItem(
                    spec.name, kind=lsp.CompletionItemKind.Field, detail=_detail(spec), documentation=_markdown(field_help(spec)),
                    sort_text=f"{n:03d}", text_edit=lsp.TextEdit(edit_range, spec.name + suffix)))
        elif slot is not None and slot.keys_of is not None and slot.refers_to:
            items = [i for i in _id_items(slot.refers_to, snapshot, edit_range, "" if has_colon else ":") if i.label not in place.siblings]
    else:
        slot = _value_slot(doc, place)
        if slot is not None and slot.choices:
            items = [lsp.CompletionItem(value, kind=lsp.CompletionItemKind.EnumMember, detail=slot.spec.name if slot.spec else None,
                                        sort_text=f"{n:03d}", text_edit=lsp.TextEdit(edit_range, value))
                     for n, value in enumerate(slot.choices)]
        elif slot is not None and slot.refers_to:
            items = _id_items(slot.refers_to, snapshot, edit_range, "")
    return lsp.CompletionList(is_incomplete=False, items=items) if items else None


def _is_scalar(spec: FieldSpec) -> bool:
    return spec.container is None and spec.record is None


def _value_slot(doc: Document, place: Place) -> Slot | None:
    if place.path == ("kind",) and not doc.sources_file:
        return Slot(spec=kind_spec())
    return slot_at(doc.root(), place.path)


def _id_items(target: str, found: tuple[Snapshot, str] | None, edit_range: lsp.Range, suffix: str) -> list[lsp.CompletionItem]:
    if found is None:
        return []
    corpus = found[0].corpus
    if target == "source":
        entries = [(s.id, s.title, _source_line(s)) for s in corpus.sources.values()]
    else:
        entries = [(b.id, b.brief.title, b.brief.summary) for b in corpus.briefs.values() if b.kind == target]
    kind = lsp.CompletionItemKind.Reference if target == "source" else lsp.CompletionItemKind.File
    return [lsp.CompletionItem(named_id, kind=kind, detail=title, documentation=_markdown(more),
                               text_edit=lsp.TextEdit(edit_range, named_id + suffix)) for named_id, title, more in sorted(entries)]


def _source_line(source: Any) -> str:
    by = f", {source.author}" if source.author else ""
    return f"{source.publisher}{by}, {source.date.isoformat()}"


def _detail(spec: FieldSpec) -> str:
    return f"{spec.type_label}, {'required' if spec.required else 'optional'}"


def field_help(spec: FieldSpec) -> str:
    """A field as the format reference describes it: type, whether required, allowed values, description."""
    parts = [f"**`{spec.name}`**: {_detail(spec)}"]
    target = spec.refers_to or spec.keys_refer_to
    if target:
        parts.append(f"{'Keyed by' if spec.keys_refer_to else 'Names'} the id of {TARGET_WORDS[target]}.")
    if spec.allowed_values:
        parts.append(f"Allowed values: {spec.allowed_values}.")
    if spec.description:
        parts.append(spec.description)
    if spec.record is not None and doc_of(spec.record):
        parts.append(f"{spec.record.__name__}: {doc_of(spec.record)}")
    return "\n\n".join(parts)


def _markdown(text: str) -> lsp.MarkupContent:
    return lsp.MarkupContent(lsp.MarkupKind.Markdown, text)


# --- hover, definition, references ---------------------------------------------------------------


def _named(doc: Document, place: Place) -> tuple[str, str] | None:
    """The id at a place and what it names: (issue/actor/source, id), or None."""
    word = place.word.strip("\"'")
    if not word:
        return None
    if place.where == "citation":
        return "source", word
    if place.where == "key":
        slot = mapping_slot(doc.root(), place.path)
        return (slot.refers_to, word) if slot is not None and slot.keys_of is not None and slot.refers_to else None
    if place.where == "value":
        slot = _value_slot(doc, place)
        if slot is not None and slot.refers_to:
            return slot.refers_to, word
        if len(place.path) >= 3 and place.path[-1] == "id" and place.path[-3] == "sources":  # a source's declaration
            return "source", word
    return None


def _field_at(doc: Document, place: Place) -> FieldSpec | None:
    if place.where == "key":
        if not place.path and place.word == "kind":
            return kind_spec()
        slot = mapping_slot(doc.root(), place.path)
        return next((s for s in slot.fields if s.name == place.word), None) if slot is not None else None
    if place.where == "value":
        slot = _value_slot(doc, place)
        return slot.spec if slot is not None else None
    return None


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
@_guarded(None)
def _hover(ls: BriefbookServer, params: lsp.HoverParams) -> lsp.Hover | None:
    found = ls.place(params.text_document.uri, params.position)
    if found is None:
        return None
    doc, place = found
    named = _named(doc, place)
    text = None
    if named is not None:
        snapshot = ls.snapshot_for(params.text_document.uri)
        text = _describe_id(snapshot[0], *named) if snapshot else None
    if text is None:
        spec = _field_at(doc, place)
        text = field_help(spec) if spec is not None else None
    if text is None:
        return None
    line = params.position.line
    return lsp.Hover(_markdown(text), _range(doc.lines, ls.codec, line, place.start, line, place.end))


def _describe_id(snapshot: Snapshot, target: str, named_id: str) -> str | None:
    if target == "source":
        source = snapshot.corpus.sources.get(named_id)
        if source is None:
            return None
        note = f"\n\n{source.note}" if source.note else ""
        return f"**{source.title}**\n\n{_source_line(source)}\n\n<{source.url}>{note}"
    brief = snapshot.corpus.briefs.get(named_id)
    if brief is None or brief.kind != target:
        return None
    return f"**{brief.brief.title}** ({brief.kind} `{brief.id}`)\n\n{brief.brief.summary}"


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
@_guarded(None)
def _definition(ls: BriefbookServer, params: lsp.DefinitionParams) -> lsp.Location | None:
    found = ls.place(params.text_document.uri, params.position)
    snapshot = ls.snapshot_for(params.text_document.uri)
    named = _named(*found) if found else None
    if named is None or snapshot is None:
        return None
    return _declaration(ls, snapshot[0], *named)


def _declaration(ls: BriefbookServer, snapshot: Snapshot, target: str, named_id: str) -> lsp.Location | None:
    if target == "source":
        declared = snapshot.declaration(named_id)
        if declared is None:
            return None
        display, line, column = declared
        return _location(ls, snapshot, display, line, column, named_id)
    brief = snapshot.corpus.briefs.get(named_id)
    if brief is None or brief.kind != target:
        return None
    uri = from_fs_path(str(snapshot.path_of(brief.display))) or ""
    return lsp.Location(uri, lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)))


def _location(ls: BriefbookServer, snapshot: Snapshot, display: str, line: int, column: int, named_id: str,
              texts: dict[str, list[str]] | None = None) -> lsp.Location:
    """Where an id is written (the loader's 1-based line and column), over the id alone; `texts`
    keeps the lines of each file read, for the next location in it."""
    path = snapshot.path_of(display)
    texts = {} if texts is None else texts
    if display not in texts:
        texts[display] = split_lines(ls.text_of(path))
    lines = texts[display]
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    start, end = find_id(text, column - 1, named_id)
    return lsp.Location(from_fs_path(str(path)) or "", _range(lines, ls.codec, line - 1, start, line - 1, end))


@server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
@_guarded(None)
def _references(ls: BriefbookServer, params: lsp.ReferenceParams) -> list[lsp.Location] | None:
    found = ls.place(params.text_document.uri, params.position)
    snapshot = ls.snapshot_for(params.text_document.uri)
    if found is None or snapshot is None:
        return None
    named = _named(*found)
    if named is None:  # not on an id: the brief itself
        typed = snapshot[0].files.get(snapshot[1])
        if typed is None or not isinstance(typed.typed, BriefFile):
            return None
        named = typed.typed.kind, typed.typed.id
    target, named_id = named
    texts: dict[str, list[str]] = {}
    locations = [_location(ls, snapshot[0], display, line, column, named_id, texts) for display, line, column in snapshot[0].references_to(target, named_id)]
    if params.context.include_declaration and (declared := _declaration(ls, snapshot[0], target, named_id)) is not None:
        locations.insert(0, declared)
    return locations


# --- outline -------------------------------------------------------------------------------------


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
@_guarded(None)
def _symbols(ls: BriefbookServer, params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol] | None:
    found = ls.document(params.text_document.uri)
    if found is None:
        return None
    doc, lines = found
    return [_symbol(section, lines, ls.codec) for section in outline(doc)]


def _symbol(section: Section, lines: list[str], codec: PositionCodec) -> lsp.DocumentSymbol:
    if section.is_item:
        kind = lsp.SymbolKind.Object
    elif section.is_list:
        kind = lsp.SymbolKind.Array
    elif section.children:
        kind = lsp.SymbolKind.Namespace
    else:
        kind = lsp.SymbolKind.Field
    end_line = max(section.end_line, section.line)
    whole = _range(lines, codec, section.line, 0, end_line, len(lines[end_line]) if end_line < len(lines) else 0)
    name_width = 1 if section.is_item else len(section.name)
    chosen = _range(lines, codec, section.line, section.column, section.line, section.column + name_width)
    return lsp.DocumentSymbol(section.name or "…", kind, whole, chosen, detail=section.detail or None,
                              children=[_symbol(child, lines, codec) for child in section.children])


# --- quick fixes ---------------------------------------------------------------------------------

_SUGGESTIONS = re.compile(r"did you mean ((?:`[^`]+`(?:, )?)+)\?")
_QUOTE = re.compile(r'^quote it: (".*")$')
_ISO_DATE = re.compile(r"^(?:write it as|write the date alone:) (\d{4}-\d{2}-\d{2})$")
_WRONG = re.compile(r"`([^`]*)`")


def quick_fixes(d: Diagnostic, text: str) -> list[tuple[str, int, int, str]]:
    """The edits a diagnostic's hint names: (title, start column, end column, new text), 0-based columns."""
    wrong_match = _WRONG.search(d.message)
    if wrong_match is None:
        return []
    wrong, column = wrong_match.group(1), d.column - 1
    if (date := _ISO_DATE.match(d.hint)) is not None:
        return [(f"Write the date as {date.group(1)}", column, extent(text, column), date.group(1))]
    if (quoted := _QUOTE.match(d.hint)) is not None:
        replacements = [quoted.group(1)]
    elif (suggested := _SUGGESTIONS.search(d.hint)) is not None:
        replacements = re.findall(r"`([^`]+)`", suggested.group(1))
    else:
        return []
    start, end = find_id(text, column, wrong)
    if text[start:end] != wrong:
        return []
    return [(f"Change `{wrong}` to {new if new.startswith(chr(34)) else f'`{new}`'}", start, end, new) for new in replacements]


@server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
@_guarded(None)
def _code_actions(ls: BriefbookServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
    uri = params.text_document.uri
    found = ls.document(uri)
    snapshot = ls.snapshot_for(uri)
    if found is None or snapshot is None:
        return None
    doc, lines = found
    first, last = params.range.start.line, params.range.end.line
    actions = []
    for d in snapshot[0].diagnostics.get(snapshot[1], []):
        line = d.line - 1
        if not first <= line <= last or line >= len(lines):
            continue
        for n, (title, start, end, new) in enumerate(quick_fixes(d, lines[line])):
            edit = lsp.TextEdit(_range(lines, ls.codec, line, start, line, end), new)
            actions.append(lsp.CodeAction(title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[to_lsp_diagnostic(d, lines, ls.codec)],
                                          is_preferred=n == 0, edit=lsp.WorkspaceEdit(changes={uri: [edit]})))
    return actions or None


def serve() -> None:
    """Serve on standard input and output until the client exits or goes away."""
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(name)s: %(message)s")
    server.start_io()
