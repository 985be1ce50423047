"""The project's settings: read from the briefbook entry of mkdocs.yml, shared by the CLI and the plugin."""

from __future__ import annotations

import datetime as dt
import json
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


class SettingsError(Exception):
    pass


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
        raise SettingsError(f"`{name}` must be {_EXPECTED[kind]}, not {_shown(value)}")


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f"`{value}`" if value.strip() else "empty text"
    return f"`{json.dumps(value, default=str)}`"


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
        text = config_file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        raise SettingsError(f"{config_file}: not UTF-8 text (byte 0x{err.object[err.start]:02x} at offset {err.start}); "
                            "save it as UTF-8") from None
    except OSError as err:
        raise SettingsError(f"{config_file}: cannot read: {err.strerror}") from None
    try:
        config = yaml.load(text, Loader=_TolerantLoader)
    except yaml.YAMLError as err:
        raise SettingsError(f"{config_file}: cannot read: {' '.join(str(err).split())}") from None
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise SettingsError(f"{config_file}: must be a mapping of settings (`site_name: ...`), not a {type(config).__name__}")
    return config


def _plugin_entries(config: dict[str, Any], config_file: Path) -> list[tuple[str, Any]]:
    """(name, settings) of each entry of `plugins`, a list of names and one-key mappings or a mapping, as MkDocs reads it."""
    plugins = config.get("plugins")
    if plugins is None:
        return []
    if isinstance(plugins, dict):
        return list(plugins.items())
    if not isinstance(plugins, list):
        raise SettingsError(f"{config_file}: `plugins` must be a list of plugins, not {_shown(plugins)}")
    entries: list[tuple[str, Any]] = []
    for entry in plugins:
        if isinstance(entry, dict):
            entries += entry.items()
        elif isinstance(entry, str):
            entries.append((entry, None))
    return entries


def _folder_setting(config: dict[str, Any], name: str, config_file: Path) -> str | None:
    value = config.get(name)
    if value is not None and not (isinstance(value, str) and value.strip()):
        raise SettingsError(f"{config_file}: `{name}` must be a folder, such as `{name.removesuffix('_dir')}`, not {_shown(value)}")
    return value


def read_settings(config_file: Path) -> Settings:
    """Settings from the `briefbook` plugin entry of mkdocs.yml (defaults where absent)."""
    config_file = Path(config_file)
    config = _read_config(config_file)
    options: dict[str, Any] = {}
    docs_dir = _folder_setting(config, "docs_dir", config_file)
    if docs_dir is not None:
        options["docs_dir"] = docs_dir
    for name, entry in _plugin_entries(config, config_file):
        if name != "briefbook" or entry is None:
            continue
        if not isinstance(entry, dict):
            raise SettingsError(f"{config_file}: the `briefbook` entry of `plugins` must be a mapping of settings "
                                f"(`max_age_days: 365`), not {_shown(entry)}")
        options.update(entry)
    unknown = set(options) - SETTING_NAMES
    if unknown:
        raise SettingsError(f"{config_file}: unknown briefbook setting(s): {', '.join(sorted(map(str, unknown)))}")
    extensions = config.get("markdown_extensions")
    options["markdown"] = MarkdownSetup.of(extensions if isinstance(extensions, list) else [])
    try:
        return Settings(project_dir=config_file.parent.absolute(), **options)
    except SettingsError as err:
        raise SettingsError(f"{config_file}: {err}") from None


def read_site_dir(config_file: Path) -> str:
    """The `site_dir` of mkdocs.yml (default `site`)."""
    config_file = Path(config_file)
    return _folder_setting(_read_config(config_file), "site_dir", config_file) or "site"


def read_custom_dir(config_file: Path) -> str | None:
    """The theme's `custom_dir` in mkdocs.yml, if it has one."""
    config_file = Path(config_file)
    theme = _read_config(config_file).get("theme")
    return _folder_setting(theme, "custom_dir", config_file) if isinstance(theme, dict) else None


def build_date() -> dt.date:
    """Today for the build: from SOURCE_DATE_EPOCH when set, so that builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()
