"""The projects of the files open in the editor: each found from a file's folders, loaded once,
and checked on a thread of its own as buffers change."""

from __future__ import annotations

import gc
import threading
from pathlib import Path
from typing import Callable, Protocol

from lsprotocol import types as lsp
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace.position_codec import PositionCodec

from ..format.diagnostics import Diagnostic
from ..format.model import MAX_FILE_BYTES
from ..format.settings import Settings, SettingsError, read_settings
from ..format.site_config import CONFIG_FILE
from .live import LiveProject, Snapshot
from .places import split_lines
from .protocol import logger, to_lsp_diagnostic



class Client(Protocol):
    """What the projects need of the server: the client's position units, and the thread that writes to it."""

    codec: PositionCodec

    def on_protocol_thread(self, call: Callable[[], None]) -> None: ...

    def send_soon(self, diagnostics: list[lsp.PublishDiagnosticsParams]) -> None: ...

    def window_show_message(self, params: lsp.ShowMessageParams) -> None: ...

class Projects:
    """The projects of the open files: found from each file's folders, loaded once, checked on a thread."""

    def __init__(self, server: Client):
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
        path = path_of(uri)
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
            lines = split_lines(buffer[1] if buffer else read_text(path))
            diagnostics = [to_lsp_diagnostic(d, lines, self.server.codec) for d in problems]
            # an open buffer's diagnostics are for the version checked, even when another file changed them
            sent.append(lsp.PublishDiagnosticsParams(uri, diagnostics, version=buffer[2] if buffer else None))
        self.server.send_soon(sent)


def read_text(path: Path) -> str:
    try:
        # as an editor shows it: no byte order mark, bad bytes replaced
        return path.read_bytes()[:MAX_FILE_BYTES].decode("utf-8", "replace").removeprefix("\ufeff")
    except OSError:
        return ""


def path_of(uri: str) -> Path | None:
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(path) if path else None
