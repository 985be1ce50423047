"""`briefbook lsp`: a language server over stdio for brief files and shared sources files.

A thin adapter, beside the MkDocs plugin and the CLI: the problems are those `check` finds (live.py
keeps the project loaded and checks the open buffers in place of their files), what a position
holds is read by places.py, and what a field is, its values and its description come from the
format (model.py through fields.py). This module wires the protocol: the lifecycle
and the buffers here, the help while writing in assist.py, the projects in projects.py.

Checking runs on a thread of its own, so that a first load of a large project or a burst of edits
never holds up completion or hover: it takes the latest text of each changed buffer, so edits that
come faster than it checks are checked once, as they stand.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import time

from lsprotocol import types as lsp

from . import assist  # noqa: F401  (registers the help while writing on the server)
from ..format.site_config import CONFIG_FILE
from .protocol import guarded
from .server import BriefbookServer, server

WATCHED = ("**/*.md", "**/*.yml", "**/*.yaml", f"**/{CONFIG_FILE}")
PARENT_CHECK_SECONDS = 2.0


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
@guarded(None)
def _initialized(ls: BriefbookServer, params: lsp.InitializedParams) -> None:
    workspace = ls.client_capabilities.workspace
    watching = workspace.did_change_watched_files if workspace else None
    if watching and watching.dynamic_registration:
        options = lsp.DidChangeWatchedFilesRegistrationOptions([lsp.FileSystemWatcher(glob_pattern=g) for g in WATCHED])
        ls.client_register_capability(lsp.RegistrationParams([lsp.Registration("briefbook-files", lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, options)]))


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
@guarded(None)
def _did_open(ls: BriefbookServer, params: lsp.DidOpenTextDocumentParams) -> None:
    ls.projects.changed(params.text_document.uri, params.text_document.text, params.text_document.version)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
@guarded(None)
def _did_change(ls: BriefbookServer, params: lsp.DidChangeTextDocumentParams) -> None:
    document = ls.workspace.get_text_document(params.text_document.uri)
    ls.projects.changed(document.uri, document.source, params.text_document.version)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
@guarded(None)
def _did_close(ls: BriefbookServer, params: lsp.DidCloseTextDocumentParams) -> None:
    ls.projects.changed(params.text_document.uri, None, None)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
@guarded(None)
def _did_save(ls: BriefbookServer, params: lsp.DidSaveTextDocumentParams) -> None:
    ls.projects.refresh()


@server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
@guarded(None)
def _files_changed(ls: BriefbookServer, params: lsp.DidChangeWatchedFilesParams) -> None:
    ls.projects.refresh(reload=any(change.uri.endswith("/" + CONFIG_FILE) for change in params.changes))


def serve() -> None:
    """Serve on standard input and output until the client exits or goes away."""
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(name)s: %(message)s")
    server.start_io()
