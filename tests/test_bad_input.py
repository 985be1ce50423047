"""Bad settings, odd files in briefs/ and broken templates: one clear line each, never a traceback.

Commands run in the test's process, where an exception would fail the test with its traceback;
a case that could run away runs as a child process with a time limit, and MkDocs (`build`'s
child, or the plugin alone) shows a traceback in what the test reads.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from helpers import run as run_as_user


@dataclass
class Ran:
    returncode: int
    output: str


def run(project, *args: str) -> Ran:
    result = project.run(*args)
    return Ran(result.exit_code, result.output)


def run_child(project, *args: str, program: str = "briefbook", timeout: float = 120) -> Ran:
    result = run_as_user(project.root, program, *args, timeout=timeout)
    return Ran(result.returncode, result.stdout + result.stderr)


def assert_one_line_error(result: Ran, code: int, *fragments: str) -> str:
    assert result.returncode == code, result.output
    assert "Traceback" not in result.output, result.output
    for fragment in fragments:
        assert fragment in result.output, result.output
    return result.output


# --- settings ------------------------------------------------------------------------------------

SITE = "site_name: x\n"


@pytest.mark.parametrize("entry, fragments", [
    ("max_age_days: soon", ["max_age_days", "whole number", "soon"]),
    ("max_age_days: -3", ["max_age_days", "0 or more"]),
    ("max_age_days: true", ["max_age_days", "whole number"]),
    ("nav_section_size: many", ["nav_section_size", "whole number", "many"]),
    ("nav_section_size: 1", ["nav_section_size", "at least 2"]),
    ("allow_raw_html: sometimes", ["allow_raw_html", "true or false", "sometimes"]),
    ("strict: 1", ["strict", "true or false"]),
    ("briefs_dir: 5", ["briefs_dir", "a folder", "5"]),
    ("templates_dir: [a, b]", ["templates_dir", "a folder"]),
    ("cache_dir: ''", ["cache_dir", "a folder"]),
])
def test_a_setting_of_the_wrong_type_is_a_usage_error_naming_it(project, entry, fragments):
    project.write("mkdocs.yml", SITE + f"plugins:\n  - briefbook:\n      {entry}\n")
    for command in (["check"], ["build"], ["render", "--out", "out"]):
        assert_one_line_error(run(project, *command), 2, "mkdocs.yml", *fragments)
    assert not (project.root / "site").exists() and not (project.root / "out").exists()


@pytest.mark.parametrize("config, fragments", [
    (SITE + "plugins:\n  - briefbook:\n    - briefs_dir: briefs\n", ["`briefbook`", "a mapping of settings"]),
    (SITE + "plugins:\n  - briefbook: 5\n", ["`briefbook`", "a mapping of settings"]),
    (SITE + "plugins: 5\n", ["`plugins`", "a list"]),
    ("- site_name: x\n", ["mapping"]),
    (SITE + "plugins:\n  - briefbook:\n      briefs_dirr: briefs\n", ["briefs_dirr"]),
])
def test_a_mkdocs_yml_of_the_wrong_shape_is_a_usage_error(project, config, fragments):
    project.write("mkdocs.yml", config)
    for command in (["check"], ["build"]):
        assert_one_line_error(run(project, *command), 2, "mkdocs.yml", *fragments)


def test_a_site_dir_that_is_not_a_folder_name_is_a_usage_error(project):
    project.write("mkdocs.yml", SITE + "plugins: [briefbook]\nsite_dir: 5\n")
    assert_one_line_error(run(project, "build"), 2, "mkdocs.yml", "`site_dir`", "a folder")


def test_settings_in_mkdocs_mapping_form_of_plugins_are_read(project):
    project.write("mkdocs.yml", SITE + "plugins:\n  briefbook:\n    max_age_days: soon\n")
    assert_one_line_error(run(project, "check"), 2, "max_age_days")
    project.write("mkdocs.yml", SITE + "plugins:\n  briefbook:\n    max_age_days: 0\n")
    assert run(project, "check").returncode == 0


def test_a_mkdocs_yml_that_is_not_utf8_is_a_usage_error(project):
    project.write("mkdocs.yml", "site_name: caf\xe9\n".encode("latin-1"))
    for command in (["check"], ["build"], ["render", "--out", "out"]):
        assert_one_line_error(run(project, *command), 2, "mkdocs.yml", "UTF-8")


def test_the_plugin_names_a_bad_setting_too(project):
    project.write("docs/index.md", "# Home\n")
    project.write("mkdocs.yml", SITE + "plugins:\n  - briefbook:\n      nav_section_size: many\n")
    assert_one_line_error(run_child(project, "build", program="mkdocs"), 1, "nav_section_size")


# --- files in briefs/ ----------------------------------------------------------------------------


def test_a_symlink_loop_in_the_briefs_folder_is_reported(project):
    (project.root / "briefs/issues/loop.md").symlink_to("loop.md")
    (project.root / "briefs/issues/ping.md").symlink_to("pong.md")
    (project.root / "briefs/issues/pong.md").symlink_to("ping.md")
    output = assert_one_line_error(run(project, "check"), 1)
    for name in ("loop", "ping", "pong"):
        assert f"briefs/issues/{name}.md:1:1: error: the file is a symbolic link that never reaches a file" in output
    assert "3 errors" in output


@pytest.mark.parametrize("name, hint", [("extra.MD", "extra.md"), ("notes.markdown", "notes.md"), ("Sources.YML", "Sources.yml")])
def test_a_brief_with_an_odd_suffix_is_not_silently_skipped(project, name, hint):
    project.write(f"briefs/issues/{name}", "---\nkind: issue\ntitle: T\nsummary: S.\nreviewed: 2019-12-01\n---\nx\n")
    result = run(project, "check")
    output = assert_one_line_error(result, 0, f"briefs/issues/{name}:1:1: warning: not read", f"rename it `{hint}`")
    assert "1 warning" in output
    assert_one_line_error(run(project, "check", "--strict"), 1, f"briefs/issues/{name}")


# --- templates -----------------------------------------------------------------------------------


def small_site(project) -> None:
    project.write("mkdocs.yml", SITE + "plugins:\n  - briefbook:\n      max_age_days: 0\n")
    project.write("docs/index.md", "# Home\n")


@pytest.mark.parametrize("command", [["build"], ["render", "--out", "out"]])
def test_an_undefined_variable_names_the_template_its_line_and_the_page(project, command):
    small_site(project)
    project.write("templates/actor.md.j2", "# {{ b.title }}\n\n{{ brief.id }}\n{{ x }}\n")
    output = assert_one_line_error(run_child(project, *command), 1)
    line = next(line for line in output.splitlines() if "is undefined" in line)
    assert "templates/actor.md.j2:4" in line and "actors/" in line and "'x' is undefined" in line, line


def test_an_error_in_an_included_template_names_that_template(project):
    small_site(project)
    project.write("templates/part.md.j2", "one\n{{ brief.no_such_field }}\n")
    project.write("templates/issue.md.j2", "# {{ b.title }}\n{% include 'part.md.j2' %}\n")
    output = assert_one_line_error(run(project, "render", "--out", "out"), 1)
    assert "templates/part.md.j2:2" in output and "issues/denuclearization.md" in output and "no_such_field" in output


def test_a_python_error_inside_a_template_is_a_template_error(project):
    small_site(project)
    project.write("templates/issue.md.j2", "# {{ b.title }}\n{{ corpus.briefs['nope'] }}\n")
    output = assert_one_line_error(run(project, "render", "--out", "out"), 1, "templates/issue.md.j2:2", "issues/denuclearization.md")
    assert "nope" in output


def test_a_syntax_error_names_the_template_and_its_line(project):
    small_site(project)
    project.write("templates/issue.md.j2", "# {{ b.title }}\n\n{% if %}\n")
    assert_one_line_error(run(project, "render", "--out", "out"), 1, "templates/issue.md.j2:3")


def test_a_recursive_macro_is_stopped_with_one_line(project):
    small_site(project)
    project.write("templates/issue.md.j2", "{% macro down(n) %}{{ down(n + 1) }}{% endmacro %}# {{ b.title }}\n{{ down(0) }}\n")
    output = assert_one_line_error(run_child(project, "render", "--out", "out"), 1, "templates/issue.md.j2", "issues/denuclearization.md")
    assert "recurs" in output
    assert len([line for line in output.splitlines() if line.strip()]) <= 3, output


def test_a_runaway_loop_is_stopped_with_one_line(project):
    small_site(project)
    # a billion iterations: hours and gigabytes if nothing stops it
    project.write("templates/issue.md.j2", "# {{ b.title }}\n{% for i in range(1000000000) %}{{ i }} {% endfor %}\n")
    output = assert_one_line_error(run_child(project, "render", "--out", "out", timeout=60), 1, "templates/issue.md.j2:2",
                                   "issues/denuclearization.md")
    assert "range" in output


def test_nested_loops_that_run_away_are_stopped(project):
    small_site(project)
    project.write("templates/issue.md.j2", "# {{ b.title }}\n{% for i in range(100000) %}{% for j in range(100000) %}"
                                           "{% endfor %}{% endfor %}\n")
    assert_one_line_error(run_child(project, "render", "--out", "out", timeout=60), 1, "templates/issue.md.j2", "issues/denuclearization.md")
