"""`briefbook render --out`: the site as a plain MkDocs project, for an engine that runs no MkDocs plugin."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from ..corpus.corpus import Corpus
from ..corpus.load import gc_paused
from ..files.output_folder import RENDER_MARK as OWNER_MARK, OutputFolderError, check_target, remove_leftovers, staging_folder
from ..files.writer import create_or_link, replace_folder, write_atomic
from ..format.settings import Settings
from ..format.site_config import CONFIG_FILE, dump_config, read_config, theme_custom_dir
from .navigation import docs_pages, navigation
from .pages import Page


class RenderOutError(Exception):
    pass


def render_out(corpus: Corpus, pages: dict[str, Page], settings: Settings, out: Path, files: dict[str, Path] | None = None) -> int:
    """Write `out/mkdocs.yml` (navigation expanded, plugin removed) and `out/docs/` (hand-written + generated pages).

    Refuses a non-empty folder that an earlier `render --out` did not create.
    """
    # the corpus and the pages are millions of objects that the garbage collector would scan
    # again and again while the navigation and the files are made (a sixth of a cached run)
    with gc_paused():
        return _render_out(corpus, pages, settings, out, files or {})


def _render_out(corpus: Corpus, pages: dict[str, Page], settings: Settings, out: Path, files: dict[str, Path]) -> int:
    out = out.absolute()
    config_path = settings.project_dir / CONFIG_FILE
    config = read_config(config_path)
    custom_dir = theme_custom_dir(config, config_path)
    try:
        check_target(out, settings, OWNER_MARK, custom_dir if isinstance(custom_dir, str) else None)
    except OutputFolderError as err:
        raise RenderOutError(str(err)) from None
    docs_src = settings.path("docs_dir")
    config["nav"] = navigation(config.get("nav"), docs_pages(docs_src), corpus, settings.nav_section_size)
    config["docs_dir"] = "docs"
    config["plugins"] = [p for p in config.get("plugins") or [] if p != "briefbook" and not (isinstance(p, dict) and "briefbook" in p)]

    remove_leftovers(out)  # of killed runs: the caller holds the project lock
    staging = staging_folder(out)
    try:  # the previous output stays whole until the new one is complete
        shutil.copytree(docs_src, staging / "docs", symlinks=False)
        if isinstance(custom_dir, str) and not Path(custom_dir).is_absolute() and ".." not in Path(custom_dir).parts:
            # the theme overrides (the search box, see templates/overrides/) travel with the pages
            if (settings.project_dir / custom_dir).is_dir():
                shutil.copytree(settings.project_dir / custom_dir, staging / custom_dir, symlinks=False)
        _write_pages(pages, staging / "docs", out / "docs" if (out / OWNER_MARK).is_file() else None, docs_src)
        for relative, source in files.items():  # what the pages link to besides pages (the PDFs)
            (staging / "docs" / relative).parent.mkdir(parents=True, exist_ok=True)
            with open(source, "rb") as copied, open(staging / "docs" / relative, "xb") as copy:  # never into a linked page
                shutil.copyfileobj(copied, copy)
        write_atomic(staging / CONFIG_FILE, dump_config(config))
        write_atomic(staging / OWNER_MARK, "This folder is written by `briefbook render --out`; its content is replaced on each run.\n")
        replace_folder(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return len(pages)


def _write_pages(pages: dict[str, Page], docs: Path, previous: Path | None, docs_src: Path) -> None:
    """Each page created new in the staging folder `docs`; a page whose bytes the previous output
    holds is hard-linked from there instead (writing 10,000 files and, once the output is swapped,
    freeing the old ones cost more than rendering them after a small edit). The previous output is
    removed once the new one is in place, so the link is the new output's alone, and nothing ever
    writes into a file once made (files/writer.py)."""
    mode = stat.S_IMODE(docs.parent.stat().st_mode) & 0o666  # what a new file gets: the staging folder's, made just now
    folders: set[str] = set()
    staged, kept = os.fspath(docs), None if previous is None else os.fspath(previous)
    for page in pages.values():
        target = os.path.join(staged, page.path)
        folder = os.path.dirname(target)
        if folder not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)
        try:
            create_or_link(target, page.markdown.encode("utf-8"), None if kept is None else os.path.join(kept, page.path), mode)
        except FileExistsError:
            raise RenderOutError(f"{docs_src / page.path} clashes with a page briefbook generates; rename or remove it") from None
