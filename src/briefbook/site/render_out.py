"""`briefbook render --out`: the site as a plain MkDocs project, for an engine that runs no MkDocs plugin."""

from __future__ import annotations

import os
from pathlib import Path

from ..corpus.corpus import Corpus
from ..corpus.load import gc_paused
from ..files.output_folder import RENDER_MARK as OWNER_MARK, OutputFolderError, check_target, remove_leftovers, staging_folder
from ..files.folder_update import Content, update_folder
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
    content: dict[str, Content] = {}
    folders = {"docs"}
    _add_tree(docs_src, "docs", content, folders)
    if isinstance(custom_dir, str) and not Path(custom_dir).is_absolute() and ".." not in Path(custom_dir).parts:
        # the theme overrides (the search box, see templates/overrides/) travel with the pages
        if (settings.project_dir / custom_dir).is_dir():
            _add_tree(settings.project_dir / custom_dir, Path(custom_dir).as_posix(), content, folders)
    for page in pages.values():
        relative = f"docs/{page.path}"
        if relative in content or relative in folders:
            raise RenderOutError(f"{docs_src / page.path} clashes with a page briefbook generates; rename or remove it")
        content[relative] = page.markdown
    for relative, source in files.items():  # what the pages link to besides pages (the PDFs)
        content[f"docs/{relative}"] = source
    content[CONFIG_FILE] = dump_config(config)
    content[OWNER_MARK] = "This folder is written by `briefbook render --out`; its content is replaced on each run.\n"
    # the previous output stays whole until every changed file is written (files/folder_update.py)
    update_folder(out, content, folders, lambda: staging_folder(out))
    return len(pages)


def _add_tree(source: Path, prefix: str, content: dict[str, Content], folders: set[str]) -> None:
    """Every file under `source` as a file to copy under `prefix`, its folders too (symbolic links
    followed, as a copy of the folder would)."""
    for folder, _, names in os.walk(source, followlinks=True):
        relative = os.path.relpath(folder, source).replace(os.sep, "/")
        here = prefix if relative == "." else f"{prefix}/{relative}"
        folders.add(here)
        for name in names:
            content[f"{here}/{name}"] = Path(folder, name)
