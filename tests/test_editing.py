"""Editing briefs: `briefbook new`, the warnings that ask for content, the schema in the editor, the
format reference and `check --watch`. (What `check` reports is in test_check.py, errors while
previewing in test_site.py.)"""

from __future__ import annotations

import json
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import jsonschema
import pytest
from helpers import REPO, WAIT_SECONDS
import yaml

from briefbook.cli import main
from briefbook.files.writer import create_new
from briefbook.format.fields import fields_of, records_of
from briefbook.format.loader import load_file
from briefbook.format.model import KINDS
from briefbook.format.reference import EXAMPLE_FENCE, reference_markdown
from briefbook.format.schema import all_schemas, dumps
from briefbook.format.validate import validate_file

FOLDERS = {"summit": "summits", "actor": "actors", "issue": "issues"}


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


# --- briefbook new ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_new_brief_has_every_field_of_its_kind_and_checks_with_warnings_asking_for_content(project, kind):
    result = project.run("new", kind, f"new-{kind}")
    assert result.exit_code == 0, result.output
    path = project.root / "briefs" / FOLDERS[kind] / f"new-{kind}.md"
    text = path.read_text(encoding="utf-8")
    data = front_matter(path)
    model = KINDS[kind]
    required = [name for name, info in model.model_fields.items() if info.is_required()]
    optional = [name for name, info in model.model_fields.items() if not info.is_required()]
    # required fields hold a value, optional ones are there as comments, nothing else is written
    assert set(data) == set(required)
    for name in optional:
        assert re.search(rf"^# {name}:", text, re.MULTILINE), name
    model.model_validate(data)

    check = project.check()
    assert check.exit_code == 0, check.output
    warnings = [line for line in check.output.splitlines() if line.startswith(f"briefs/{FOLDERS[kind]}/new-{kind}.md")]
    assert warnings and all(": warning: " in w for w in warnings)
    fields = {w.split(": warning: ")[1].split(":")[0] for w in warnings}
    assert {"title", "summary", "body"} <= fields
    assert all("placeholder text left in" in w for w in warnings)
    # the rest of the project is untouched by the new brief
    assert not [line for line in check.output.splitlines() if line.startswith("briefs/") and f"new-{kind}" not in line]


def test_new_summit_offers_the_existing_actors_and_fills_in_clean(project):
    assert project.run("new", "summit", "seoul-2019", "--title", "Seoul summit").exit_code == 0
    path = project.root / "briefs/summits/seoul-2019.md"
    text = path.read_text(encoding="utf-8")
    assert 'title: "Seoul summit"' in text
    assert "actor ids: north-korea, united-states" in text

    # an analyst replaces each placeholder: no warning is left, even under --strict
    filled = re.sub(r'"TODO: [^"]*"', '"Filled in"', text)
    filled = re.sub(r"  # TODO[^\n]*", "", filled)
    filled = re.sub(r"^TODO: [^\n]*(\n[^\n#]+)*", "Written.", filled, flags=re.MULTILINE)
    assert "TODO" not in filled
    path.write_text(filled, encoding="utf-8")
    result = project.check("--strict")
    assert result.output == "No problems found.\n"


def test_new_refuses_to_overwrite_or_to_reuse_an_id(project):
    existing = project.root / "briefs/actors/united-states.md"
    before = existing.read_bytes()
    result = project.run("new", "actor", "united-states")
    assert result.exit_code == 1
    assert "briefs/actors/united-states.md already exists; briefbook new never overwrites a file" in result.output
    assert existing.read_bytes() == before

    elsewhere = project.run("new", "actor", "united-states", "--folder", "archive")
    assert elsewhere.exit_code == 1
    assert "the id `united-states` is already used by a brief of kind actor" in elsewhere.output
    assert not (project.root / "briefs/archive").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["group", "g7"], "unknown kind `group`: expected one of summit, actor, issue"),
    (["issue", "Trade_War"], "`Trade_War` is not a valid id"),
    (["issue", "../trade"], "`../trade` is not a valid id"),
    (["issue", "a/b"], "`a/b` is not a valid id"),
    (["issue", "con"], "reserved device name"),
    (["issue", "trade", "--folder", "../elsewhere"], "must be a folder inside the briefs folder"),
    (["issue", "trade", "--folder", "/tmp"], "must be a folder inside the briefs folder"),
    (["issue", "trade", "--folder", "_drafts"], "briefbook skips folders whose names start with `.` or `_`"),
])
def test_new_refuses_a_bad_kind_id_or_folder_and_writes_nothing(project, args, message):
    before = sorted(p for p in project.root.rglob("*"))
    result = project.run("new", *args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert sorted(p for p in project.root.rglob("*")) == before


def test_new_writes_into_a_chosen_folder(project):
    assert project.run("new", "issue", "trade", "--folder", "topics/economy").exit_code == 0
    assert front_matter(project.root / "briefs/topics/economy/trade.md")["kind"] == "issue"


def test_new_uses_the_projects_scaffold_before_the_packaged_one(project):
    project.write("templates/new/issue.md.j2", """\
        {% extends "new/default.md.j2" %}
        {% block sections %}

        ## House section for {{ id }}
        {% endblock %}
        """)
    assert project.run("new", "issue", "trade").exit_code == 0
    text = (project.root / "briefs/issues/trade.md").read_text(encoding="utf-8")
    assert "## House section for trade" in text
    assert "kind: issue" in text  # the fields still come from the packaged layout


def test_creating_a_file_that_appears_first_fails_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "briefs/issues/trade.md"
    create_new(target, "first")
    with pytest.raises(FileExistsError):
        create_new(target, "second")
    assert target.read_text() == "first"
    assert [p.name for p in target.parent.iterdir()] == ["trade.md"]


# --- warnings that ask for missing content ---------------------------------------------------


def test_lists_written_empty_and_placeholders_in_comments_warn(project):
    brief = project.root / "briefs/issues/denuclearization.md"
    brief.write_text(brief.read_text().replace("reviewed: 2019-12-01\n",
                                               "reviewed: 2019-12-01  # TODO: check against the record\nsources: []\nkey_judgments: []\n"))
    lines = project.check().output.splitlines()
    assert "briefs/issues/denuclearization.md:5:25: warning: reviewed: placeholder text left in (replace the TODO with the real content)" in lines
    assert "briefs/issues/denuclearization.md:6:10: warning: sources: is empty (add entries, or remove the field)" in lines
    assert "briefs/issues/denuclearization.md:7:16: warning: key_judgments: is empty (add entries, or remove the field)" in lines
    assert project.check().exit_code == 0
    assert project.check("--strict").exit_code == 1


# --- the schema in the editor ----------------------------------------------------------------


def test_committed_schemas_are_exactly_what_briefbook_schema_writes():
    committed = {p.name: p.read_text(encoding="utf-8") for p in (REPO / "schemas").glob("*.json")}
    assert committed == {f"{kind}.schema.json": dumps(document) for kind, document in all_schemas().items()}, \
        "schemas/ is out of date: run `briefbook schema --out schemas`"


def test_editor_settings_map_the_sources_schema_to_the_shared_sources_files():
    settings = json.loads((REPO / ".vscode/settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    schema_file = REPO / "schemas/sources.schema.json"
    globs = mapping["./schemas/sources.schema.json"]
    sources_files = sorted({p for pattern in globs for p in REPO.glob(pattern.replace("**/", "**/"))})
    assert sources_files, "the glob matches no shared sources file"
    validator = jsonschema.Draft202012Validator(json.loads(schema_file.read_text(encoding="utf-8")))
    for path in sources_files:
        # an editor's YAML server reads dates as text, as JSON has no date type
        document = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
        assert not list(validator.iter_errors(document)), path
    # and the schema is what an editor needs to catch a mistake
    assert list(validator.iter_errors({"sources": [{"id": "x", "titel": "T"}]}))


# --- the format reference --------------------------------------------------------------------


def test_the_format_reference_page_is_generated_from_the_models():
    assert (REPO / "docs/format.md").read_text(encoding="utf-8") == reference_markdown(), \
        "docs/format.md is out of date: run `briefbook reference --out docs/format.md`"


def test_the_format_reference_lists_every_field_of_every_kind_and_record():
    page = reference_markdown()
    sections = re.split(r"^### ", page, flags=re.MULTILINE)
    by_title = {s.split("\n", 1)[0]: s for s in sections[1:]}
    for model in [*KINDS.values(), *records_of(list(KINDS.values()))]:
        section = by_title[model.__name__]
        for spec in fields_of(model):
            row = next(line for line in section.splitlines() if line.startswith(f"| `{spec.name}` |"))
            assert ("| required |" if spec.required else "| optional |") in row
            for choice in spec.choices:
                assert f"`{choice}`" in row
            if spec.description:
                assert spec.description.split("`")[0] in row


def test_each_example_in_the_format_reference_is_a_valid_brief(tmp_path):
    examples = re.findall(rf"^{EXAMPLE_FENCE}\n(.*?)\n````$", reference_markdown(), re.MULTILINE | re.DOTALL)
    assert len(examples) == len(KINDS)
    for kind, text in zip(KINDS, examples):
        path = tmp_path / f"new-{kind}.md"
        path.write_text(text + "\n", encoding="utf-8")
        raw, problems = load_file(path, path.name)
        typed, more = validate_file(raw)
        assert typed is not None and typed.kind == kind
        assert not [d for d in problems + more if d.severity == "error"], problems + more


# --- check --watch ---------------------------------------------------------------------------


class Output:
    """Lines a child process prints, read on a thread so that every wait is bounded."""

    def __init__(self, process: subprocess.Popen):
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str) -> list[str]:
        """The lines up to and including the first that contains `text`."""
        deadline = time.monotonic() + WAIT_SECONDS
        got = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            got.append(line)
            self.seen.append(line)
            if text in line:
                return got
        pytest.fail(f"waited {WAIT_SECONDS} s for {text!r}; printed:\n" + "\n".join(self.seen))

    def quiet_for(self, seconds: float) -> list[str]:
        time.sleep(seconds)
        extra = []
        while not self.lines.empty():
            extra.append(self.lines.get())
        return extra


HEADER = re.compile(r"^\[\d\d:\d\d:\d\d\] briefbook check: ")


def test_check_watch_reports_each_save(project):
    process = subprocess.Popen([sys.executable, "-m", "briefbook", "check", "--watch"], cwd=project.root,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
    try:
        out = Output(process)
        first = out.wait_for("No problems found.")
        assert any(HEADER.match(line) and "watching briefs/" in line for line in first)
        # nothing is re-checked while nothing changes
        assert out.quiet_for(1.2) == []

        brief = project.root / "briefs/summits/hanoi-2019.md"
        good = brief.read_text(encoding="utf-8")
        brief.write_text(good.replace("confidence: moderate", "confidence: moderat"), encoding="utf-8")
        broken = out.wait_for("1 error, 0 warnings.")
        assert any(HEADER.match(line) and "changed: briefs/summits/hanoi-2019.md" in line for line in broken)
        assert ("briefs/summits/hanoi-2019.md:19:17: error: key_judgments[0].confidence: `moderat` is not allowed "
                "(did you mean `moderate`? expected one of: high, moderate, low)") in broken

        brief.write_text(good, encoding="utf-8")
        fixed = out.wait_for("No problems found.")
        assert any(HEADER.match(line) for line in fixed)
        assert process.poll() is None
    finally:
        process.terminate()
        process.wait(timeout=10)


# --- the editing guide -----------------------------------------------------------------------


def test_the_editing_guide_names_only_real_commands_and_options():
    guide = (REPO / "docs/editing.md").read_text(encoding="utf-8")
    commands = set(main.commands)
    # commands in code: in backticks, or at the start of a line of a code block
    used = re.findall(r"(?:^|`)briefbook ([a-z]+)((?: --?[a-z-]+| [A-Za-z0-9_./<>-]+)*)", guide, re.MULTILINE)
    assert {"new", "check", "serve", "schema", "reference"} <= {name for name, _ in used}
    for name, rest in used:
        assert name in commands, name
        options = {o for p in main.commands[name].params for o in p.opts}
        for option in re.findall(r"(?<!\S)--?[a-z][a-z-]*", rest):
            assert option in options, f"briefbook {name} {option}"
