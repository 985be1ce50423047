"""The output folder is never the project: `build`, `render --out` and the plugin refuse, in one line,
a folder that is, holds or lies inside the project's own folders, or that briefbook did not write,
and the project is left exactly as it was. A swap that fails leaves the previous site."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers import run, snapshot

from briefbook import pipeline
from briefbook.files import writer


def project_site(project) -> None:
    """A small project with every folder a setting can name: docs, briefs, templates, overrides, the cache."""
    project.write("mkdocs.yml", "site_name: x\ntheme:\n  name: material\n  custom_dir: overrides\n"
                                "plugins:\n  - briefbook:\n      max_age_days: 0\n")
    project.write("docs/index.md", "# Home\n")
    project.write("templates/README.txt", "project templates\n")
    project.write("overrides/README.txt", "theme overrides\n")
    project.write(".cache/briefbook/keep.txt", "a file in the cache folder\n")
    project.write("notes/mine.txt", "the user's own notes\n")


def everything(root: Path) -> dict[str, str]:
    return snapshot(root)


def one_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "Traceback" not in output
    return lines[0]


OWN_FOLDERS = [".", "docs", "docs/site", "briefs", "briefs/issues", "templates", "overrides", ".cache", ".cache/briefbook",
               "notes", ".."]


@pytest.mark.parametrize("target", OWN_FOLDERS)
@pytest.mark.parametrize("command", ["build --site-dir", "render --out"])
def test_a_command_refuses_an_output_folder_that_would_replace_the_projects_files(project, command, target):
    project_site(project)
    before = everything(project.root)
    result = project.run(*command.split(), target)
    assert result.exit_code == 2, result.output
    line = one_line(result.output)
    assert line.startswith("briefbook: ") and "choose" in line
    assert everything(project.root) == before


@pytest.mark.parametrize("site_dir", ["docs", "briefs", "."])
def test_build_refuses_a_site_dir_in_mkdocs_yml_that_is_the_projects(project, site_dir):
    project_site(project)
    project.write("mkdocs.yml", (project.root / "mkdocs.yml").read_text() + f"site_dir: {site_dir}\n")
    before = everything(project.root)
    result = project.run("build")
    assert result.exit_code == 2
    one_line(result.output)
    assert everything(project.root) == before


def test_a_link_to_the_project_is_the_project(project):
    project_site(project)
    (project.root / "site").symlink_to("briefs", target_is_directory=True)
    before = everything(project.root)
    result = project.run("build")
    assert result.exit_code == 2 and "briefs_dir" in result.output
    assert everything(project.root) == before


def test_a_site_folder_briefbook_did_not_write_is_refused(project):
    project_site(project)
    project.write("site/index.html", "a site made by hand")  # no mark of a briefbook build
    result = project.run("build")
    assert result.exit_code == 2
    assert "not empty and was not written by briefbook" in one_line(result.output)
    assert (project.root / "site/index.html").read_text() == "a site made by hand"


def mkdocs(project, *args: str) -> subprocess.CompletedProcess[str]:
    return run(project.root, "mkdocs", "build", *args)


@pytest.mark.parametrize("site_dir", ["briefs", "templates", "notes"])
def test_the_plugin_refuses_a_site_dir_that_is_the_projects_before_mkdocs_empties_it(project, site_dir):
    # MkDocs itself refuses only a site_dir that holds or lies in docs_dir
    project_site(project)
    project.write("mkdocs.yml", (project.root / "mkdocs.yml").read_text() + f"site_dir: {site_dir}\n")
    before = everything(project.root)
    result = mkdocs(project)
    assert result.returncode != 0
    assert "briefbook: " in result.stderr and "Traceback" not in result.stderr
    assert everything(project.root) == before


def test_then_build_and_plain_mkdocs_share_the_site(project):
    project_site(project)
    assert project.run("build").exit_code == 0
    assert mkdocs(project).returncode == 0  # a site briefbook built, rebuilt in place
    assert mkdocs(project, "--dirty").returncode == 0
    assert project.run("build").exit_code == 0


def test_a_failed_swap_says_so_and_keeps_the_previous_site(project, monkeypatch):
    project_site(project)
    assert project.run("build").exit_code == 0
    before = everything(project.root / "site")

    def cannot_swap(new: Path, target: Path) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(pipeline, "replace_folder", cannot_swap)
    result = project.run("build")
    assert result.exit_code == 1
    assert "could not be put in place" in result.output and "previous site was left in place" in result.output
    assert everything(project.root / "site") == before
    assert sorted(p.name for p in project.root.iterdir() if p.name.startswith(".site")) == []


def test_a_swap_by_two_renames_that_fails_halfway_puts_the_previous_folder_back(tmp_path, monkeypatch):
    target, new = tmp_path / "site", tmp_path / "new"
    target.mkdir(), new.mkdir()
    (target / "page.html").write_text("old")
    (new / "page.html").write_text("new")
    monkeypatch.setattr(writer, "_exchange", lambda a, b: False)  # as where renameat2 is missing
    real_rename, calls = Path.rename, []

    def second_rename_fails(self, destination):
        calls.append(self)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_rename(self, destination)

    monkeypatch.setattr(Path, "rename", second_rename_fails)
    with pytest.raises(OSError):
        writer.replace_folder(new, target)
    assert (target / "page.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new", "site"]
