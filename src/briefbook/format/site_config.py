"""mkdocs.yml, read once for every part of briefbook that needs it: the settings of its `briefbook`
entry, the site and theme folders, and the whole file that `render --out` writes out again.

Tags briefbook does not interpret (`!ENV`, `!!python/name:`) are kept as written (`Tagged`), so
that the file can be written back; the settings read them as MkDocs' own reading would not
refuse them: a scalar as its text, anything else as nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

CONFIG_FILE = "mkdocs.yml"


class SettingsError(Exception):
    pass


class Tagged:
    """A value under a YAML tag briefbook does not interpret, kept as written."""

    def __init__(self, tag: str, value: Any):
        self.tag, self.value = tag, value

    def plain(self) -> Any:
        return self.value if isinstance(self.value, str) else None


class _ConfigLoader(yaml.SafeLoader):
    pass


class _ConfigDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """libyaml's emitter where PyYAML has it: the navigation of 10,000 briefs took a second to write."""


def _construct_tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return Tagged(node.tag, value)


def _represent_tagged(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value, flow_style=True)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, data.value)


_ConfigLoader.add_multi_constructor("", _construct_tagged)
_ConfigDumper.add_representer(Tagged, _represent_tagged)


def plain(value: Any) -> Any:
    """A value as the settings read it: each `Tagged` as its text, or nothing."""
    if isinstance(value, Tagged):
        return value.plain()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def dump_config(config: dict[str, Any]) -> str:
    return yaml.dump(config, Dumper=_ConfigDumper, sort_keys=False, allow_unicode=True)


def shown(value: Any) -> str:
    if isinstance(value, str):
        return f"`{value}`" if value.strip() else "empty text"
    return f"`{json.dumps(value, default=str)}`"


def read_config(config_file: Path) -> dict[str, Any]:
    """mkdocs.yml as values, tags briefbook does not interpret kept as `Tagged` ({} when there is no file)."""
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
        config = yaml.load(text, Loader=_ConfigLoader)
    except yaml.YAMLError as err:
        raise SettingsError(f"{config_file}: cannot read: {' '.join(str(err).split())}") from None
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise SettingsError(f"{config_file}: must be a mapping of settings (`site_name: ...`), not a {type(config).__name__}")
    return config


def plugin_entries(config: dict[str, Any], config_file: Path) -> list[tuple[str, Any]]:
    """(name, settings) of each entry of `plugins`, a list of names and one-key mappings or a mapping, as MkDocs reads it."""
    plugins = config.get("plugins")
    if plugins is None:
        return []
    if isinstance(plugins, dict):
        return list(plugins.items())
    if not isinstance(plugins, list):
        raise SettingsError(f"{config_file}: `plugins` must be a list of plugins, not {shown(plugins)}")
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
        raise SettingsError(f"{config_file}: `{name}` must be a folder, such as `{name.removesuffix('_dir')}`, not {shown(value)}")
    return value


def folder_setting(config: dict[str, Any], name: str, config_file: Path) -> str | None:
    value = plain(config.get(name))
    if value is not None and not (isinstance(value, str) and value.strip()):
        raise SettingsError(f"{config_file}: `{name}` must be a folder, such as `{name.removesuffix('_dir')}`, not {shown(value)}")
    return value


def site_dir(config: dict[str, Any], config_file: Path) -> str:
    """The `site_dir` of mkdocs.yml (default `site`)."""
    return folder_setting(config, "site_dir", config_file) or "site"


def theme_custom_dir(config: dict[str, Any], config_file: Path) -> str | None:
    """The theme's `custom_dir` in mkdocs.yml, if it has one."""
    theme = config.get("theme")
    return folder_setting(theme, "custom_dir", config_file) if isinstance(theme, dict) else None
