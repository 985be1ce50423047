"""`briefbook check` and `briefbook schema`, as an analyst and a CI job meet them.

Each test starts from the small valid project of conftest.py (an issue, two actors,
a summit and a shared sources file), breaks one thing the way people do, and
asserts the exact place, field, message, hint and exit code of the report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from briefbook.format.model import KINDS, SourceList


@dataclass
class Expected:
    file: str
    line: int
    column: int
    field: str
    message: str  # a substring of the message
    hint: str = ""  # a substring of the hint
    severity: str = "error"


def diagnostics(result) -> list[dict]:
    """The run's diagnostics, read back from `--format json` output."""
    return json.loads(result.output)


def assert_reports(project, *expected: Expected, args: tuple[str, ...] = (), exit_code: int = 1) -> list[dict]:
    """Run `briefbook check --format json`: exactly these problems, in this order, and this exit code."""
    result = project.check("--format", "json", *args)
    found = diagnostics(result)
    assert len(found) == len(expected), result.output
    for got, want in zip(found, expected):
        assert (got["file"], got["line"], got["column"], got["field"], got["severity"]) == (
            want.file, want.line, want.column, want.field, want.severity), got
        assert want.message in got["message"], got
        assert want.hint in got["hint"], got
    assert result.exit_code == exit_code, result.output
    return found


# --- a valid project ---------------------------------------------------------------------------


def test_valid_project_has_no_problems(project):
    result = project.check()
    assert result.output == "No problems found.\n"
    assert result.exit_code == 0


def test_crlf_line_endings_and_a_byte_order_mark_are_accepted(project):
    project.copy("check/crlf-bom.md", "briefs/issues/sanctions-relief.md")
    assert (project.root / "briefs/issues/sanctions-relief.md").read_bytes().startswith(b"\xef\xbb\xbf---\r\n")
    result = project.check()
    assert result.output == "No problems found.\n"
    assert result.exit_code == 0


def test_crlf_file_reports_problems_on_the_lines_an_editor_shows(project):
    text = "\ufeff---\nkind: issue\ntitle: Sanctions relief\nsummary: s\nreviewed: 27/02/2019\n---\nSee [@nowhere].\n"
    project.write("briefs/issues/sanctions-relief.md", text.replace("\n", "\r\n").encode())
    assert_reports(project, Expected("briefs/issues/sanctions-relief.md", 5, 11, "reviewed", "not a date", "2019-02-27"))
    # once the date is fixed, the body citation is found on its own line (7), just after the `See `
    project.write("briefs/issues/sanctions-relief.md", text.replace("27/02/2019", "2019-02-27").replace("\n", "\r\n").encode())
    assert_reports(project, Expected("briefs/issues/sanctions-relief.md", 7, 5, "body", "cites unknown source `nowhere`"))


def test_check_of_named_files_resolves_references_against_the_whole_folder(project):
    result = project.check("briefs/actors/united-states.md")
    assert result.output == "No problems found.\n"
    assert result.exit_code == 0
    project.copy("check/non-iso-date.md", "briefs/issues/sanctions-relief.md")
    # only the named file's problems are reported
    assert project.check("briefs/actors/united-states.md").exit_code == 0
    assert_reports(project, Expected("briefs/issues/sanctions-relief.md", 5, 11, "reviewed", "not a date"),
                   args=("briefs/issues",))


def test_check_of_named_files_still_reports_what_the_folder_scan_found_outside_them(project):
    # a file the folder scan does not read is no named file's problem, but what it leaves unread
    # (a brief saved as `.markdown`) can be what their references miss
    project.write("briefs/issues/energy.markdown", "---\nkind: issue\n---\n")
    assert_reports(project, Expected("briefs/issues/energy.markdown", 1, 1, "", "not read", "rename it `energy.md`", "warning"),
                   args=("briefs/actors/united-states.md",), exit_code=0)


# --- YAML hazards ------------------------------------------------------------------------------


def test_duplicate_key_is_refused_naming_the_first(project):
    project.copy("check/duplicate-key.md", "briefs/issues/sanctions-relief.md")
    assert_reports(project, Expected("briefs/issues/sanctions-relief.md", 6, 1, "title",
                                     "duplicate key `title` (first given on line 3)", "silently keep only the last"))


def test_yaml_booleans_where_text_is_expected_get_the_hint_to_quote(project):
    project.copy("check/yaml-boolean.md", "briefs/actors/norway.md")
    assert_reports(
        project,
        Expected("briefs/actors/norway.md", 3, 8, "title", "`NO` is read by YAML as the boolean false, not as text", 'quote it: "NO"'),
        Expected("briefs/actors/norway.md", 9, 13, "positions.denuclearization.stance",
                 "`yes` is read by YAML as the boolean true, not as text", 'quote it: "yes"'),
    )


def test_a_number_as_source_id_gets_the_hint_to_quote(project):
    project.copy("check/source-id-number.yml", "briefs/sources/iaea.yml")
    assert_reports(project, Expected("briefs/sources/iaea.yml", 2, 9, "sources[0].id",
                                     "`2019` is read by YAML as the number 2019, not as text", 'quote it: "2019"'))


def test_empty_value_is_reported_as_empty(project):
    project.write("briefs/issues/sanctions-relief.md", "---\nkind: issue\ntitle:\nsummary: s\nreviewed: 2019-12-01\n---\n")
    found = assert_reports(project, Expected("briefs/issues/sanctions-relief.md", 3, 7, "title", "is empty"))
    assert "read by YAML" not in found[0]["message"]


def test_anchors_and_aliases_are_refused(project):
    project.copy("check/anchor.md", "briefs/issues/sanctions-relief.md")
    assert_reports(project, Expected("briefs/issues/sanctions-relief.md", 4, 10, "",
                                     "anchors and aliases", "write the value out in full"))


def test_tab_indentation_is_reported_on_each_line(project):
    project.copy("check/tab-indent.md", "briefs/summits/singapore-2018.md")
    assert_reports(
        project,
        Expected("briefs/summits/singapore-2018.md", 8, 1, "", "tab used for indentation", "spaces only"),
        Expected("briefs/summits/singapore-2018.md", 9, 1, "", "tab used for indentation", "spaces only"),
    )


def test_yaml_syntax_error_points_at_its_line(project):
    project.copy("check/syntax-error.md", "briefs/issues/sanctions-relief.md")
    # `summary: Relief: partial or full?`: the second colon, column 16 of line 4
    assert_reports(project, Expected("briefs/issues/sanctions-relief.md", 4, 16, "",
                                     "YAML syntax error: mapping values are not allowed", "quoting"))


def test_impossible_date_is_a_diagnostic_not_a_crash(project):
    project.write("briefs/issues/sanctions-relief.md", "---\nkind: issue\ntitle: t\nsummary: s\nreviewed: 2019-02-30\n---\n")
    assert_reports(project, Expected("briefs/issues/sanctions-relief.md", 5, 11, "reviewed",
                                     "`2019-02-30` is not a valid date", "YYYY-MM-DD"))


# --- files that are not briefs -----------------------------------------------------------------


def test_non_utf8_byte_is_located(project):
    project.copy("check/not-utf8.md", "briefs/issues/sanctions-relief.md")
    # line 4 is `summary: Caf\xe9 talks`: the byte follows 12 characters
    assert_reports(project, Expected("briefs/issues/sanctions-relief.md", 4, 13, "",
                                     "not valid UTF-8 (byte 0xe9)", "save the file as UTF-8"))


def test_empty_file(project):
    project.copy("check/empty.md", "briefs/issues/sanctions-relief.md")
    assert_reports(project, Expected("briefs/issues/sanctions-relief.md", 1, 1, "", "the file is empty", "front matter"))


def test_file_over_one_megabyte_is_refused(project):
    project.write("briefs/issues/sanctions-relief.md", "---\nkind: issue\n---\n" + "x" * 1_000_000)
    assert_reports(project, Expected("briefs/issues/sanctions-relief.md", 1, 1, "",
                                     "the file is 1,000,020 bytes, over the limit of 1,000,000", "split it"))


def test_front_matter_missing(project):
    project.copy("check/no-front-matter.md", "briefs/issues/sanctions-relief.md")
    assert_reports(project, Expected("briefs/issues/sanctions-relief.md", 1, 1, "",
                                     "front matter missing", "between two `---` lines"))


def test_front_matter_never_closed(project):
    project.copy("check/never-closed.md", "briefs/issues/sanctions-relief.md")
    assert_reports(project, Expected("briefs/issues/sanctions-relief.md", 1, 1, "",
                                     "front matter opened on line 1 is never closed", "add a line `---`"))


def test_opening_line_with_trailing_spaces_keeps_line_numbers(project):
    project.write("briefs/issues/sanctions-relief.md", "---  \nkind: issue\ntitle: t\nsummary: s\nreviewed: 27/02/2019\n---\n")
    assert_reports(project, Expected("briefs/issues/sanctions-relief.md", 5, 11, "reviewed", "not a date"))


# --- the format --------------------------------------------------------------------------------


def test_misspelt_field_suggests_the_closest_and_is_not_also_missing(project):
    project.copy("check/misspelt-field.md", "briefs/actors/japan.md")
    found = assert_reports(project, Expected("briefs/actors/japan.md", 10, 5, "positions.denuclearization.prioirty",
                                             "unknown field `prioirty`", "did you mean `priority`?"))
    assert not any("missing" in d["message"] for d in found)


def test_wrong_enum_value_lists_the_allowed_values(project):
    project.copy("check/wrong-enum.md", "briefs/actors/japan.md")
    assert_reports(project, Expected("briefs/actors/japan.md", 6, 7, "role", "`alliance` is not allowed",
                                     "expected one of: principal, counterpart, ally, stakeholder"))
    project.write("briefs/issues/trade.md", "---\nkind: issue\ntitle: Trade\nsummary: Trade.\nreviewed: 2019-12-01\n"
                  "key_judgments:\n  - text: T.\n    likelihood: probable\n    confidence: hihg\n---\nBody.\n")
    (project.root / "briefs/actors/japan.md").unlink()
    assert_reports(
        project,
        Expected("briefs/issues/trade.md", 8, 17, "key_judgments[0].likelihood", "`probable` is not allowed",
                 "expected one of: almost no chance, very unlikely, unlikely, roughly even chance, likely, very likely, almost certain"),
        Expected("briefs/issues/trade.md", 9, 17, "key_judgments[0].confidence", "`hihg` is not allowed",
                 "did you mean `high`? expected one of: high, moderate, low"),
    )


@pytest.mark.parametrize("written", ["27/02/2019", "27 February 2019", "February 27, 2019", "02/27/2019", "2019-2-27",
                                     "2019/02/27", "27.02.2019"])
def test_non_iso_date_hints_the_iso_form(project, written):
    project.write("briefs/issues/sanctions-relief.md", f"---\nkind: issue\ntitle: t\nsummary: s\nreviewed: {written}\n---\n")
    assert_reports(project, Expected("briefs/issues/sanctions-relief.md", 5, 11, "reviewed",
                                     f"`{written}` is not a date in the form YYYY-MM-DD", "write it as 2019-02-27"))


def test_invalid_id_from_file_name_suggests_a_name(project):
    project.copy("check/Sanctions_Relief.md", "briefs/issues/Sanctions_Relief.md")
    assert_reports(project, Expected("briefs/issues/Sanctions_Relief.md", 1, 1, "id",
                                     "the file name gives the id `Sanctions_Relief`, which is not a valid id",
                                     "rename it `sanctions-relief.md`"))


# --- references across briefs ------------------------------------------------------------------


def test_unknown_actor_issue_and_sources_suggest_the_closest_id(project):
    project.copy("check/unknown-references.md", "briefs/summits/singapore-2018.md")
    assert_reports(
        project,
        Expected("briefs/summits/singapore-2018.md", 11, 12, "participants[0].actor", "unknown actor `united-state`",
                 "did you mean `united-states`?"),
        Expected("briefs/summits/singapore-2018.md", 14, 10, "agenda[0]", "unknown issue `denuclearisation`",
                 "did you mean `denuclearization`?"),
        Expected("briefs/summits/singapore-2018.md", 19, 15, "key_judgments[0].sources[0]",
                 "cites unknown source `hanoi-statment`", "did you mean `hanoi-statement`?"),
        # `[@singapore-draft]` in the body: line 23, column 27; `[@kcna-report]` on line 21 is known
        Expected("briefs/summits/singapore-2018.md", 23, 27, "body", "cites unknown source `singapore-draft`",
                 "declare it in a sources file"),
    )


def test_unknown_citation_in_the_body_points_at_the_body_line(project):
    brief = project.root / "briefs/issues/denuclearization.md"
    brief.write_text(brief.read_text() + "\nA later paragraph cites [@unknown] and [@hanoi-statment].\n")
    assert_reports(project, Expected("briefs/issues/denuclearization.md", 9, 25, "body", "cites unknown source `unknown`"),
                   Expected("briefs/issues/denuclearization.md", 9, 40, "body", "cites unknown source `hanoi-statment`",
                            "did you mean `hanoi-statement`?"))


def test_citations_in_code_blocks_are_not_checked(project):
    brief = project.root / "briefs/issues/denuclearization.md"
    brief.write_text(brief.read_text() + "\n```\nwrite [@source-id] to cite\n```\n")
    assert project.check().exit_code == 0


def test_same_id_in_two_folders(project):
    project.write("briefs/issues/hanoi-2019.md", "---\nkind: issue\ntitle: Hanoi\nsummary: s\nreviewed: 2019-12-01\n---\n")
    # folders are read in order, so the summit is the second to claim the id
    assert_reports(project, Expected("briefs/summits/hanoi-2019.md", 2, 7, "kind",
                                     "the id `hanoi-2019` is already used by briefs/issues/hanoi-2019.md", "unique"))


def test_source_declared_twice(project):
    project.copy("check/duplicate-source.yml", "briefs/sources/more.yml")
    assert_reports(project, Expected("briefs/sources/x.yml", 7, 9, "sources[1].id",
                                     "source `kcna-report` is already declared in briefs/sources/more.yml:7",
                                     "declare a source once"))


def test_missing_position_on_an_agenda_issue_warns_and_fails_under_strict(project):
    brief = project.root / "briefs/actors/north-korea.md"
    text = brief.read_text()
    brief.write_text(text[: text.index("positions:")] + text[text.index("---\nNorth Korea"):])
    missing = Expected("briefs/actors/north-korea.md", 2, 1, "positions",
                       "no position on `denuclearization`, on the agenda of summit `hanoi-2019`",
                       "add an entry under `positions`", severity="warning")
    assert_reports(project, missing, exit_code=0)
    text_result = project.check()
    assert text_result.output.endswith("0 errors, 1 warning.\n")
    missing.severity = "error"
    assert_reports(project, missing, args=("--strict",), exit_code=1)


# --- output formats ----------------------------------------------------------------------------


@pytest.fixture
def broken(project):
    """Several problems in several files."""
    project.copy("check/non-iso-date.md", "briefs/issues/sanctions-relief.md")
    project.copy("check/yaml-boolean.md", "briefs/actors/norway.md")
    project.copy("check/empty.md", "briefs/summits/empty.md")
    project.copy("check/source-id-number.yml", "briefs/sources/iaea.yml")
    return project


def test_every_problem_in_every_file_is_reported_in_one_run_sorted(broken):
    result = broken.check()
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        'briefs/actors/norway.md:3:8: error: title: `NO` is read by YAML as the boolean false, not as text (quote it: "NO")',
        'briefs/actors/norway.md:9:13: error: positions.denuclearization.stance: `yes` is read by YAML as the boolean true,'
        ' not as text (quote it: "yes")',
        "briefs/issues/sanctions-relief.md:5:11: error: reviewed: `27/02/2019` is not a date in the form YYYY-MM-DD"
        " (write it as 2019-02-27)",
        'briefs/sources/iaea.yml:2:9: error: sources[0].id: `2019` is read by YAML as the number 2019, not as text (quote it: "2019")',
        "briefs/summits/empty.md:1:1: error: the file is empty (start it with front matter between `---` lines)",
        "5 errors, 0 warnings.",
    ]


def test_json_format(broken):
    result = broken.check("--format", "json")
    assert result.exit_code == 1
    found = json.loads(result.output)
    assert len(found) == 5
    assert set(found[0]) == {"file", "line", "column", "field", "message", "hint", "severity"}
    assert found[2] == {
        "file": "briefs/issues/sanctions-relief.md", "line": 5, "column": 11, "field": "reviewed",
        "message": "`27/02/2019` is not a date in the form YYYY-MM-DD", "hint": "write it as 2019-02-27", "severity": "error",
    }


def test_json_format_of_a_valid_project_is_an_empty_list(project):
    result = project.check("--format", "json")
    assert (json.loads(result.output), result.exit_code) == ([], 0)


def test_github_format(broken):
    result = broken.check("--format", "github")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 6
    assert all(line.startswith("::error file=briefs/") for line in lines[:5])
    assert lines[2] == ("::error file=briefs/issues/sanctions-relief.md,line=5,col=11,title=reviewed::"
                        "`27/02/2019` is not a date in the form YYYY-MM-DD (write it as 2019-02-27)")
    assert lines[5] == "5 errors, 0 warnings."


def test_bad_format_is_a_usage_error(project):
    result = project.check("--format", "xml")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output


def test_missing_path_is_reported(project):
    result = project.check("briefs/nowhere")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == "briefs/nowhere:1:1: error: no such file or folder"


# --- schema ------------------------------------------------------------------------------------


def test_schema_out_writes_one_schema_per_kind_matching_the_models(project):
    result = project.run("schema", "--out", "schemas")
    assert result.exit_code == 0, result.output
    models = {**KINDS, "sources": SourceList}
    written = sorted(p.name for p in (project.root / "schemas").iterdir())
    assert written == sorted([*(f"{kind}.schema.json" for kind in models), "briefs-json.schema.json"])
    for kind, model in models.items():
        document = json.loads((project.root / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))
        assert set(document["properties"]) == set(model.model_fields), kind
        assert set(document.get("required", [])) == {n for n, f in model.model_fields.items() if f.is_required()}, kind
        assert document["additionalProperties"] is False
