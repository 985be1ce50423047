"""The project's settings: read from the briefbook entry of mkdocs.yml, shared by the CLI and the plugin."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from .body import MarkdownSetup

CONFIG_FILE = "mkdocs.yml"
DEFAULT_MAX_AGE_DAYS = 365


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
    # not a briefbook setting: the site's markdown_extensions, which decide what in a body is code
    markdown: MarkdownSetup = MarkdownSetup()

    def __post_init__(self) -> None:
        for name in ("briefs_dir", "templates_dir", "docs_dir", "cache_dir"):
            self.path(name)  # refuse a folder outside the project now, not halfway through a run
        if self.nav_section_size < 2:
            raise SettingsError("`nav_section_size` must be at least 2")

    def path(self, name: str) -> Path:
        """A project folder; settings may not point outside the project."""
        target = (self.project_dir / getattr(self, name)).resolve()
        root = self.project_dir.resolve()
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


class SettingsError(Exception):
    pass


class _TolerantLoader(yaml.SafeLoader):
    """mkdocs.yml may hold `!!python/name:` and `!ENV` tags; read them as plain values."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)

SETTING_NAMES = {f.name for f in fields(Settings)} - {"project_dir", "markdown"}


def _read_config(config_file: Path) -> dict[str, Any]:
    """mkdocs.yml as plain values ({} when there is none)."""
    if not config_file.is_file():
        return {}
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    except yaml.YAMLError as err:
        raise SettingsError(f"{config_file}: cannot read: {err}") from None
    return config if isinstance(config, dict) else {}


def read_settings(config_file: Path) -> Settings:
    """Settings from the `briefbook` plugin entry of mkdocs.yml (defaults where absent)."""
    config_file = Path(config_file)
    config = _read_config(config_file)
    options: dict[str, Any] = {}
    docs_dir = config.get("docs_dir")
    if isinstance(docs_dir, str):
        options["docs_dir"] = docs_dir
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and "briefbook" in entry:
            options.update({k: v for k, v in (entry["briefbook"] or {}).items()})
    unknown = set(options) - SETTING_NAMES
    if unknown:
        raise SettingsError(f"{config_file}: unknown briefbook setting(s): {', '.join(sorted(unknown))}")
    extensions = config.get("markdown_extensions")
    options["markdown"] = MarkdownSetup.of(extensions if isinstance(extensions, list) else [])
    return Settings(project_dir=config_file.parent.absolute(), **options)


def read_site_dir(config_file: Path) -> str:
    """The `site_dir` of mkdocs.yml (default `site`)."""
    site_dir = _read_config(Path(config_file)).get("site_dir")
    return site_dir if isinstance(site_dir, str) else "site"


def build_date() -> dt.date:
    """Today for the build: from SOURCE_DATE_EPOCH when set, so that builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()
