"""The language server: the workspace's open buffers as places.py reads them, the projects they
belong to, and the one thread on which everything written to the client goes."""

from __future__ import annotations

import asyncio
from importlib import metadata
from pathlib import Path
from typing import Callable

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path
from pygls.workspace.position_codec import PositionCodec

from ..format.model import MAX_FILE_BYTES
from .live import Snapshot
from .places import Document, Place, place_at
from .projects import Projects, path_of, read_text


class BriefbookServer(LanguageServer):
    def __init__(self) -> None:
        # Full sync: the client's lines are split where the loader splits them (pygls' incremental
        # edits split lines at characters such as U+2028 that the protocol and the loader do not)
        super().__init__("briefbook", metadata.version("briefbook"), text_document_sync_kind=lsp.TextDocumentSyncKind.Full)
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
        path = path_of(uri)
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
        return document.source if document is not None else read_text(path)

    def snapshot_for(self, uri: str) -> tuple[Snapshot, str] | None:
        path = path_of(uri)
        found = self.projects.project_for(path) if path else None
        if found is None or found[0].snapshot is None:
            return None
        return found[0].snapshot, found[1]


server = BriefbookServer()
