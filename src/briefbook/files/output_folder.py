"""Where a command may put what it makes: never over the project, never over a folder briefbook did not write.

`briefbook build`, `render --out` and the MkDocs plugin each replace a whole folder on every
run. Pointed at the project (`--site-dir .`), at one of its folders (`docs`, `briefs`) or at a
folder of the user's own, that would delete work; MkDocs' own check cannot see it when the site
is built into a staging folder beside the target. So every target is checked here first, and
staged in a folder of the run's own, so that two runs never write into each other's.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path
from typing import Protocol

from .writer import RETIRED_INFIX

SITE_MARK = ".briefbook-state.json"  # in every site briefbook builds (written by site/build_state.py)
RENDER_MARK = ".briefbook-render"  # in every folder `render --out` writes
_STAGING = ".building-"


class OutputFolderError(Exception):
    pass


class Project(Protocol):
    """What this module needs of the settings: where the project is, and its folders by setting."""

    project_dir: Path

    def path(self, name: str) -> Path: ...


def project_folders(settings: Project, custom_dir: str | None = None) -> dict[str, Path]:
    """The project's own folders, by the setting that names them (the theme's `custom_dir` too)."""
    folders = {name: settings.path(name) for name in ("docs_dir", "briefs_dir", "templates_dir", "cache_dir")}
    if custom_dir:
        folders["custom_dir"] = (settings.project_dir / custom_dir).resolve()
    return folders


def check_target(target: Path, settings: Project, mark: str, custom_dir: str | None = None) -> None:
    """Refuse a target that would replace the project, one of its folders, or a folder briefbook did not write."""
    try:
        real = target.resolve()
        project = settings.project_dir.resolve()
        folders = project_folders(settings, custom_dir)
    except (OSError, RuntimeError) as err:  # a symbolic link loop
        raise OutputFolderError(f"{target} cannot be followed ({err}); choose another folder") from None
    if real == project or real in project.parents:
        relation = "is" if real == project else "holds"
        raise OutputFolderError(f"{target} {relation} the project folder (where mkdocs.yml is), whose content would be replaced; "
                                "choose a folder of its own, such as site/")
    for name, folder in folders.items():
        relation = "is" if real == folder else "lies inside" if folder in real.parents else "holds" if real in folder.parents else ""
        if relation:
            shown = os.path.relpath(folder, project) if project in folder.parents else str(folder)
            raise OutputFolderError(f"{target} {relation} the project's {name} ({shown}), whose content would be replaced; "
                                    "choose a folder of its own")
    if target.exists() and not target.is_dir():
        raise OutputFolderError(f"{target} is a file, not a folder; choose a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / mark).is_file():
        raise OutputFolderError(f"{target} is not empty and was not written by briefbook; choose an empty folder, or move its content away")


def staging_folder(target: Path) -> Path:
    """A new folder beside the target for this run alone, made with the target's usual permissions
    (a temporary folder's would be private, and the site unreadable by a web server)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    while True:
        folder = target.with_name(f".{target.name}{_STAGING}{secrets.token_hex(4)}")
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue


def remove_leftovers(target: Path) -> None:
    """What killed runs left beside the target (staging and retired folders). Call it only while
    holding the project lock, so that no running build's folder is among them."""
    for pattern in (f".{target.name}{_STAGING}*", f".{target.name}{RETIRED_INFIX}*", f".{target.name}.building", f".{target.name}.old",
                    f".{target.name}.tmp"):
        for leftover in target.parent.glob(pattern):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)

