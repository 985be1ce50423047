"""`briefbook render --out`: the site as a plain MkDocs project, for an engine that runs no MkDocs plugin."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from .corpus import Corpus, gc_paused
from .navigation import navigation
from .output_folder import RENDER_MARK as OWNER_MARK
from .output_folder import OutputFolderError, check_target, remove_leftovers, staging_folder
from .render import Page
from .settings import CONFIG_FILE, Settings
from .writer import replace_folder, write_atomic


class RenderOutError(Exception):
    pass


class _Tagged:
    """A value under a YAML tag briefbook does not interpret (`!ENV`, `!!python/name:`), kept as written."""

    def __init__(self, tag: str, value: Any):
        self.tag, self.value = tag, value


class _ConfigLoader(yaml.SafeLoader):
    pass


class _ConfigDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """libyaml's emitter where PyYAML has it: the navigation of 10,000 briefs took a second to write."""


def _construct_tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> _Tagged:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return _Tagged(node.tag, value)


def _represent_tagged(dumper: yaml.SafeDumper, data: _Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value, flow_style=True)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, data.value)


_ConfigLoader.add_multi_constructor("!", _construct_tagged)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)
_ConfigDumper.add_representer(_Tagged, _represent_tagged)


def render_out(corpus: Corpus, pages: dict[str, Page], settings: Settings, out: Path) -> int:
    """Write `out/mkdocs.yml` (navigation expanded, plugin removed) and `out/docs/` (hand-written + generated pages).

    Refuses a non-empty folder that an earlier `render --out` did not create.
    """
    # the corpus and the pages are millions of objects that the garbage collector would scan
    # again and again while the navigation and the files are made (a sixth of a cached run)
    with gc_paused():
        return _render_out(corpus, pages, settings, out)


def _render_out(corpus: Corpus, pages: dict[str, Page], settings: Settings, out: Path) -> int:
    out = out.absolute()
    config_path = settings.project_dir / CONFIG_FILE
    config = yaml.load(config_path.read_text(encoding="utf-8"), Loader=_ConfigLoader) if config_path.is_file() else {}
    theme = config.get("theme")
    custom_dir = theme.get("custom_dir") if isinstance(theme, dict) else None
    try:
        check_target(out, settings, OWNER_MARK, custom_dir if isinstance(custom_dir, str) else None)
    except OutputFolderError as err:
        raise RenderOutError(str(err)) from None
    docs_src = settings.path("docs_dir")
    docs_pages = sorted(str(p.relative_to(docs_src)) for p in docs_src.rglob("*.md"))
    config["nav"] = navigation(config.get("nav"), docs_pages, corpus, settings.nav_section_size)
    config["docs_dir"] = "docs"
    config["plugins"] = [p for p in config.get("plugins") or [] if p != "briefbook" and not (isinstance(p, dict) and "briefbook" in p)]

    remove_leftovers(out)  # of killed runs: the caller holds the project lock
    staging = staging_folder(out)
    try:  # the previous output stays whole until the new one is complete
        shutil.copytree(docs_src, staging / "docs", symlinks=False)
        if isinstance(custom_dir, str) and not Path(custom_dir).is_absolute() and ".." not in Path(custom_dir).parts:
            # the theme overrides (the search box, see overrides/) travel with the pages
            if (settings.project_dir / custom_dir).is_dir():
                shutil.copytree(settings.project_dir / custom_dir, staging / custom_dir, symlinks=False)
        for page in pages.values():
            target = staging / "docs" / page.path
            if target.exists():
                raise RenderOutError(f"{docs_src / page.path} clashes with a page briefbook generates; rename or remove it")
            # written in place: nobody reads the staging folder before it is complete and swapped in
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page.markdown, encoding="utf-8")
        write_atomic(staging / "mkdocs.yml", yaml.dump(config, Dumper=_ConfigDumper, sort_keys=False, allow_unicode=True))
        write_atomic(staging / OWNER_MARK, "This folder is written by `briefbook render --out`; its content is replaced on each run.\n")
        replace_folder(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return len(pages)
