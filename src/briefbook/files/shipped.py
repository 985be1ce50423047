"""The files that ship with briefbook (the default templates, the theme overrides), and the
template search path: the project's templates first, the shipped ones after."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import jinja2


def shipped_dir(name: str) -> Path:
    """A folder that ships with briefbook (`templates`): inside the wheel, or the checkout's own."""
    packaged = resources.files("briefbook") / f"_{name}"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / name


def default_templates_dir() -> Path:
    return shipped_dir("templates")


def add_search_box(theme_dirs: list[str], has_custom_dir: bool) -> None:
    """Put the theme overrides that put Pagefind behind Material's search box (shipped among the
    templates) among the theme's folders, after the site's own `custom_dir`, unless already there."""
    overrides = default_templates_dir() / "overrides"
    if overrides.is_dir() and overrides.resolve() not in [Path(d).resolve() for d in theme_dirs]:
        theme_dirs.insert(1 if has_custom_dir else 0, str(overrides))


def template_loader(search: list[Path]) -> jinja2.FileSystemLoader:
    """Templates from these folders only, the first that has a name winning; no symlinked folders followed."""
    return jinja2.FileSystemLoader([str(p) for p in dict.fromkeys(search) if p.is_dir()], followlinks=False)


def template_options(search: list[Path]) -> dict:
    """What every Jinja environment of briefbook shares (site, print, scaffolds): the same search
    folders, undefined names as errors, and one rule for whitespace, so a template reads alike in each."""
    return {"loader": template_loader(search), "undefined": jinja2.StrictUndefined,
            "keep_trailing_newline": True, "trim_blocks": True, "lstrip_blocks": True}
