"""File and folder names under the briefs folder: a brief's file name is its id."""

from __future__ import annotations

from pathlib import Path

from .diagnostics import Diagnostic
from .model import MAX_ID_LENGTH, RESERVED_NAMES, as_id, is_id


def check_file_name(path: Path, display: str) -> Diagnostic | None:
    stem = path.stem
    if not is_id(stem):
        return Diagnostic(display, 1, 1, "id", f"the file name gives the id `{stem}`, which is not a valid id",
                          f"ids are lowercase letters, digits and single hyphens, at most {MAX_ID_LENGTH} characters: rename it `{as_id(stem, 'brief')}{path.suffix}`")
    if stem in RESERVED_NAMES:
        return Diagnostic(display, 1, 1, "id", f"`{stem}` is a reserved device name on Windows", "choose another file name")
    return None


def check_folder_name(name: str) -> tuple[str, str] | None:
    """(message, hint) when a folder under the briefs folder may not have this name. Folder names
    reach the edit link of every brief in them, so they are held to what an id may hold."""
    if not is_id(name):
        return (f"the folder name `{name}` is not an id: folders under the briefs folder are named as ids are",
                f"use lowercase letters, digits and single hyphens: rename it `{as_id(name, 'briefs')}`")
    if name in RESERVED_NAMES:
        return f"`{name}` is a reserved device name on Windows", "choose another folder name"
    return None
