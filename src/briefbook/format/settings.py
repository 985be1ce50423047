"""The project's settings, declared once: read from the briefbook entry of mkdocs.yml by the CLI and the
language server, and given to the MkDocs plugin as its config class (plugin.py derives it from these fields)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .body import MarkdownSetup
from .site_config import SettingsError, folder_setting, plain, plugin_entries, read_config, shown

DEFAULT_MAX_AGE_DAYS = 365


@dataclass(frozen=True)
class Site:
    """What the feed needs of the site's own settings in mkdocs.yml."""

    name: str = ""
    url: str | None = None  # the published address, when known: the feed's links are then absolute
    directory_urls: bool = True


@dataclass(frozen=True)
class Settings:
    project_dir: Path
    briefs_dir: str = "briefs"
    templates_dir: str = "templates"
    docs_dir: str = "docs"
    cache_dir: str = ".cache/briefbook"
    max_age_days: int = DEFAULT_MAX_AGE_DAYS
    allow_raw_html: bool = False
    strict: bool = False
    nav_section_size: int = 25
    # the build also writes the book as a PDF (briefing-book.pdf) and a PDF of each brief
    pdf: bool = False
    # not a briefbook setting: the site's markdown_extensions, which decide what in a body is code
    markdown: MarkdownSetup = MarkdownSetup()
    # not a briefbook setting either: the site's name, address and URL style, for the feed
    site: Site = Site()

    def __post_init__(self) -> None:
        # a value of the wrong type would fail halfway through a run, as a traceback
        for f in fields(self):
            if f.name in SETTING_NAMES:
                _check_type(f.name, f.type, getattr(self, f.name))
        for name in ("briefs_dir", "templates_dir", "docs_dir", "cache_dir"):
            self.path(name)  # refuse a folder outside the project now, not halfway through a run
        if self.max_age_days < 0:
            raise SettingsError(f"`max_age_days` must be 0 or more (0: briefs are never stale), not {self.max_age_days}")
        if self.nav_section_size < 2:
            raise SettingsError(f"`nav_section_size` must be at least 2, not {self.nav_section_size}")

    def path(self, name: str) -> Path:
        """A project folder; settings may not point outside the project."""
        try:
            target = (self.project_dir / getattr(self, name)).resolve()
            root = self.project_dir.resolve()
        except (OSError, RuntimeError) as err:  # a symbolic link loop
            raise SettingsError(f"`{name}: {getattr(self, name)}` cannot be followed: {err}") from None
        if target != root and root not in target.parents:
            raise SettingsError(f"`{name}: {getattr(self, name)}` points outside the project folder {root}")
        return target

    @property
    def briefs(self) -> Path:
        return self.path("briefs_dir")

    @property
    def templates(self) -> Path:
        return self.path("templates_dir")

    @property
    def cache(self) -> Path:
        return self.path("cache_dir")


# what a setting of each type must be, in the words of the error that says so
_EXPECTED = {
    "str": "a folder inside the project, such as `briefs`",
    "int": "a whole number",
    "bool": "true or false",
}


def _check_type(name: str, kind: str, value: Any) -> None:
    if kind == "bool":
        right = isinstance(value, bool)
    elif kind == "int":
        right = isinstance(value, int) and not isinstance(value, bool)
    else:
        right = isinstance(value, str) and bool(value.strip())
    if not right:
        raise SettingsError(f"`{name}` must be {_EXPECTED[kind]}, not {shown(value)}")


SETTING_NAMES = {f.name for f in fields(Settings)} - {"project_dir", "markdown", "site"}


def plugin_options() -> dict[str, tuple[type, Any]]:
    """The settings of the MkDocs plugin's entry, with their types and defaults (`docs_dir` is MkDocs' own)."""
    kinds = {"str": str, "int": int, "bool": bool}
    return {f.name: (kinds[str(f.type)], f.default) for f in fields(Settings) if f.name in SETTING_NAMES - {"docs_dir"}}


def read_settings(config_file: Path) -> Settings:
    """Settings from the `briefbook` plugin entry of mkdocs.yml (defaults where absent)."""
    config_file = Path(config_file)
    config = plain(read_config(config_file))
    options: dict[str, Any] = {}
    docs_dir = folder_setting(config, "docs_dir", config_file)
    if docs_dir is not None:
        options["docs_dir"] = docs_dir
    for name, entry in plugin_entries(config, config_file):
        if name != "briefbook" or entry is None:
            continue
        if not isinstance(entry, dict):
            raise SettingsError(f"{config_file}: the `briefbook` entry of `plugins` must be a mapping of settings "
                                f"(`max_age_days: 365`), not {shown(entry)}")
        options.update(entry)
    unknown = set(options) - SETTING_NAMES
    if unknown:
        raise SettingsError(f"{config_file}: unknown briefbook setting(s): {', '.join(sorted(map(str, unknown)))}")
    extensions = config.get("markdown_extensions")
    options["markdown"] = MarkdownSetup.of(extensions if isinstance(extensions, list) else [])
    options["site"] = Site(str(config.get("site_name") or ""), config.get("site_url") if isinstance(config.get("site_url"), str) else None,
                           config.get("use_directory_urls") is not False)
    try:
        return Settings(project_dir=config_file.parent.absolute(), **options)
    except SettingsError as err:
        raise SettingsError(f"{config_file}: {err}") from None


def settings_of_mkdocs(config: Any, options: dict[str, Any]) -> Settings:
    """Settings from the config MkDocs has read (its `MkDocsConfig`) and the plugin entry's options."""
    # absolute, as in read_settings: `-f mkdocs.yml` gives a bare name, and brief paths shown
    # relative to "" fell back to absolute ones in diagnostics, edit links and briefs.json
    project_dir = Path(config.config_file_path).parent.absolute()
    return Settings(project_dir=project_dir, docs_dir=os.path.relpath(config.docs_dir, project_dir),
                    markdown=MarkdownSetup.of(config.markdown_extensions, config.mdx_configs),
                    site=Site(config.site_name or "", config.site_url or None, bool(config.use_directory_urls)), **options)


def build_date() -> dt.date:
    """Today for the build: from SOURCE_DATE_EPOCH when set, so that builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()
