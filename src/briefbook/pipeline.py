"""The pipeline, the same for every adapter: load the briefs, check and link them, render the outputs.

`run` is the whole of it for one project; the MkDocs plugin and the CLI call it, and the language
server runs its load and check a file at a time (editor/live.py, on the same stages). The other
functions are what a command does around a run: `build_site` runs MkDocs in a child process (the
plugin runs the pipeline there) and swaps the new site in; `render_site` writes `render --out`.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import jinja2

from .corpus.corpus import Corpus
from .corpus.load import load_corpus
from .files import watch as watching
from .files.output_folder import RENDER_MARK, SITE_MARK, OutputFolderError, check_target, remove_leftovers, staging_folder
from .files.project_lock import LOCK_FD_VARIABLE, project_lock
from .files.writer import replace_folder, write_atomic
from .format.diagnostics import Diagnostic, printable
from .format.settings import Settings, build_date
from .format.site_config import read_config, theme_custom_dir
from .site.pages import Page, render_pages
from .site.render_out import RenderOutError, render_out
from .site.template_errors import template_error


class Stop(Exception):
    """A run that cannot go on: its one line for the user (empty when the problems were reported) and the exit status."""

    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.status = status


class UsageStop(Stop):
    """A command pointed at something it may not use: a usage error (status 2)."""

    def __init__(self, message: str):
        super().__init__(message, 2)


@dataclass
class Run:
    corpus: Corpus
    diagnostics: list[Diagnostic]
    pages: dict[str, Page] = field(default_factory=dict)  # none when the briefs have errors

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


def run(settings: Settings, *, strict: bool | None = None, paths: list[Path] | None = None, render: bool = True,
        report: Callable[[list[Diagnostic]], None] | None = None) -> Run:
    """Load, check and link the briefs (every problem at once, given to `report` first), then render
    the pages if none is an error."""
    loaded = load_corpus(settings, paths, strict)
    if report is not None:
        report(loaded.diagnostics)
    if not render or not loaded.ok:
        return Run(loaded.corpus, loaded.diagnostics)
    try:
        pages = render_pages(loaded.corpus, settings)
    except jinja2.TemplateError as err:  # whatever a template raised: one line naming it
        raise Stop(template_error(err)) from None
    return Run(loaded.corpus, loaded.diagnostics, pages)


class _CoreLog(logging.Handler):
    def __init__(self, show: Callable[[logging.LogRecord], None]):
        super().__init__(logging.WARNING)
        self.show = show

    def emit(self, record: logging.LogRecord) -> None:
        self.show(record)


def show_core_log(show: Callable[[logging.LogRecord], None]) -> None:
    """Give what the core logs (a damaged cache file ignored, a cache that cannot be written) to an
    adapter, which says it its own way: the adapter that runs now."""
    core = logging.getLogger("briefbook")
    for old in [h for h in core.handlers if isinstance(h, _CoreLog)]:
        core.removeHandler(old)
    core.addHandler(_CoreLog(show))
    core.propagate = False


def check_output(target: Path, settings: Settings, mark: str, config_file: Path) -> None:
    """Refuse (status 2) an output folder that would replace the project's files or the user's."""
    try:
        check_target(target, settings, mark, theme_custom_dir(read_config(config_file), config_file))
    except OutputFolderError as err:
        raise Stop(str(err), 2) from None


def build_site(settings: Settings, config_file: Path, target: Path, report: Callable[[list[Diagnostic]], None],
               on_wait: Callable[[], None]) -> None:
    """Check strictly, then `mkdocs build --strict` into a folder of this run's own, swapped in only when it succeeds."""
    check_output(target, settings, SITE_MARK, config_file)
    with project_lock(settings.project_dir, on_wait) as lock_fd:
        if run(settings, strict=True, render=False, report=report).errors:
            raise Stop("")
        remove_leftovers(target)
        staging = staging_folder(target)
        try:
            if run_mkdocs("build", "--strict", "--config-file", str(config_file), "--site-dir", str(staging), lock_fd=lock_fd) != 0:
                raise Stop("the build failed; the previous site was left in place.")
            if not (staging / SITE_MARK).is_file():  # built without the briefbook plugin: mark it still, as briefbook's
                write_atomic(staging / SITE_MARK, "{}")
            try:
                replace_folder(staging, target)
            except OSError as err:
                raise Stop(f"the new site could not be put in place of {target} ({err.strerror or err}); the previous site was left in place.") from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def render_site(settings: Settings, config_file: Path, out: Path, report: Callable[[list[Diagnostic]], None],
                on_wait: Callable[[], None]) -> int:
    """`render --out`: the pages and the hand-written docs as a plain MkDocs project; the number of pages written."""
    check_output(out.absolute(), settings, RENDER_MARK, config_file)
    with project_lock(settings.project_dir, on_wait):
        try:
            done = run(settings, report=report)
        except Stop as err:
            raise Stop(f"{err}; nothing was written") from None
        if done.errors:
            raise Stop("")
        try:
            return render_out(done.corpus, done.pages, settings, out, site_pdf_files(done.corpus, settings, config_file))
        except RenderOutError as err:
            raise UsageStop(str(err)) from None
        except OSError as err:
            raise Stop(f"could not write {out} ({err.strerror or err}); the previous output was left in place") from None


def site_pdf_files(corpus: Corpus, settings: Settings, config_file: Path) -> dict[str, Path]:
    """The book and each brief as PDFs where the `pdf` setting asks for them, by their path in the site."""
    if not settings.pdf:
        return {}
    from .print import pdf  # Typst is loaded only where PDFs are made
    from .print.book import book_identity

    try:
        return pdf.site_pdf_files(corpus, settings, book_identity(config_file), build_date())
    except pdf.PdfError as err:
        raise Stop(f"the PDF failed: {err}") from None


def write_pdf(settings: Settings, config_file: Path, out: Path, paper: str, summary: bool, report: Callable[[list[Diagnostic]], None]) -> None:
    """`briefbook pdf`: the book (or its summary) written whole to `out`, or nothing written. The
    briefs are checked as for a site with PDFs: what the PDF cannot show is reported too."""
    from .print import pdf
    from .print.book import book_identity

    settings = dataclasses.replace(settings, pdf=True)
    loaded = run(settings, render=False, report=report)
    if loaded.errors:
        raise Stop("")
    try:
        data = pdf.typeset(loaded.corpus, settings, book_identity(config_file), build_date(), paper, "summary" if summary else "book")
        write_atomic(out, data)
    except pdf.PdfError as err:
        raise Stop(f"{err}; no PDF was written") from None
    except OSError as err:
        raise Stop(f"could not write {out} ({err.strerror or err}); no PDF was written") from None


def run_mkdocs(*args: str, lock_fd: int | None = None) -> int:
    """Run MkDocs in a child process: the plugin is the only part of briefbook that imports MkDocs."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": os.environ.get("NO_MKDOCS_2_WARNING", "1")}
    if lock_fd is not None:
        env[LOCK_FD_VARIABLE] = str(lock_fd)
    return subprocess.call([sys.executable, "-m", "mkdocs", *args], env=env, pass_fds=() if lock_fd is None else (lock_fd,))


def check_on_every_save(settings: Settings, check: Callable[[], str], say: Callable[[str], None]) -> None:
    """`check --watch`: the check's report at the start and after every save in the briefs folder,
    under a header naming what changed, until Ctrl-C."""
    def run(changed: list[str]) -> None:
        shown = ", ".join(printable(os.path.relpath(p, settings.project_dir)) for p in changed[:3]) + (", …" if len(changed) > 3 else "")
        header = f"changed: {shown}" if changed else f"watching {os.path.relpath(settings.briefs, settings.project_dir)}/"
        say(f"\n[{time.strftime('%H:%M:%S')}] briefbook check: {header}\n{check()}")

    try:
        watching.watch(settings.briefs, run)
    except KeyboardInterrupt:
        say("")
