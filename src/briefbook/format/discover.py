"""The brief and sources files under the folders or files a command names."""

from __future__ import annotations

import os
from pathlib import Path

from .diagnostics import Diagnostic
from .model import BRIEF_SUFFIX, MEANT_SUFFIXES, SOURCES_SUFFIXES
from .names import check_folder_name


def discover(root: Path, paths: list[Path], display_root: Path) -> tuple[list[tuple[Path, str]], list[Diagnostic]]:
    """The brief and sources files under the given paths, refusing any that resolve outside `root`."""
    found: list[tuple[Path, str]] = []
    problems: list[Diagnostic] = []
    real_root = root.resolve()

    prefix = str(display_root.absolute()) + os.sep

    def display(p: Path) -> str:
        text = str(p)
        return text[len(prefix):] if text.startswith(prefix) else text

    def inside(p: Path) -> bool:
        real = p.resolve()
        return real == real_root or real_root in real.parents

    real_briefs = Path(os.path.normpath(root.absolute()))
    checked: set[Path] = set()

    def check_folders(folder: Path) -> None:
        """The name of each folder from the briefs folder down to `folder`, each reported once."""
        try:
            parts = Path(os.path.normpath(folder)).relative_to(real_briefs).parts
        except ValueError:  # outside the briefs folder: refused as such
            return
        at = real_briefs
        for part in parts:
            if part.startswith((".", "_")):  # not read by a build: its name reaches nothing
                return
            at = at / part
            if at not in checked:
                checked.add(at)
                problem = check_folder_name(part)
                if problem:
                    problems.append(Diagnostic(display(at), 1, 1, "", *problem))

    def consider(p: Path, known_inside: bool = False) -> None:
        name = p.name
        if name.startswith((".", "_")) or (p.stem.lower() == "readme" and MEANT_SUFFIXES.get(p.suffix.lower()) == BRIEF_SUFFIX):
            return
        if p.suffix not in (BRIEF_SUFFIX, *SOURCES_SUFFIXES):
            meant = MEANT_SUFFIXES.get(p.suffix.lower())
            if meant:  # `Extra.MD`, `notes.markdown`: surely meant as a brief, and silently missing from the site
                problems.append(Diagnostic(display(p), 1, 1, "", "not read: briefs are `.md` files and sources files `.yml` or `.yaml`",
                                           f"rename it `{p.stem}{meant}`", "warning"))
            return
        if not known_inside:
            try:
                within = inside(p)
            except (OSError, RuntimeError):  # a symbolic link loop (RuntimeError up to Python 3.12)
                problems.append(Diagnostic(display(p), 1, 1, "", "the file is a symbolic link that never reaches a file",
                                           "remove the link, or point it at a brief inside the briefs folder"))
                return
            if not within:
                problems.append(Diagnostic(display(p), 1, 1, "", "the file links to a place outside the briefs folder",
                                           "briefs must be real files inside the briefs folder"))
                return
        found.append((p, display(p)))

    for start in paths:
        start = start.absolute()
        if start.is_file():
            check_folders(start.parent)
            consider(start)
            continue
        if not start.is_dir():
            problems.append(Diagnostic(display(start), 1, 1, "", "no such file or folder"))
            continue
        # symlinked folders are not followed, so a plain file found here is inside the root if
        # `start` is; only symlinked files need resolving (a tenth of the time of a warm check)
        start_inside = inside(start)
        for folder, dirs, files in os.walk(start):
            check_folders(Path(folder))
            for d in dirs:
                if os.path.islink(os.path.join(folder, d)) and not d.startswith((".", "_")):
                    problems.append(Diagnostic(display(Path(folder, d)), 1, 1, "", "the folder is a symbolic link; it was not read",
                                               "briefs must be real files in real folders inside the briefs folder"))
            dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")) and not os.path.islink(os.path.join(folder, d)))
            for name in sorted(files):
                path = os.path.join(folder, name)
                consider(Path(path), known_inside=start_inside and not os.path.islink(path))
    return found, problems
