"""The edges of the loader: files to front matter, body and the place of every value."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefbook.format.discover import discover
from briefbook.format.front_matter import split_front_matter
from briefbook.format.loader import load_file
from briefbook.format.model import MAX_DEPTH

BRIEF = """\
---
kind: actor
title: United States
positions:
  denuclearization:
    stance: all at once
    sources: [hanoi-statement, kcna-report]
---
First paragraph.
"""


def load(tmp_path: Path, text: str | bytes, name: str = "united-states.md"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return load_file(path, name)


def only(problems):
    assert len(problems) == 1, problems
    return problems[0]


def test_values_keys_and_body_are_located(tmp_path):
    raw, problems = load(tmp_path, BRIEF)
    assert problems == []
    assert raw.id == "united-states"
    assert raw.data["positions"]["denuclearization"]["sources"] == ["hanoi-statement", "kcna-report"]
    assert raw.values[("title",)] == (3, 8)
    assert raw.keys[("positions", "denuclearization")] == (5, 3)
    assert raw.values[("positions", "denuclearization", "stance")] == (6, 13)
    assert raw.values[("positions", "denuclearization", "sources", 1)] == (7, 32)
    assert (raw.body, raw.body_line) == ("First paragraph.\n", 9)


def test_locate_falls_back_to_the_nearest_parent(tmp_path):
    raw, _ = load(tmp_path, BRIEF)
    assert raw.locate(("positions", "denuclearization", "priority")) == raw.values[("positions", "denuclearization")]
    assert raw.locate(("leaders", 0, "name")) == (2, 1)


@pytest.mark.parametrize("encode", [
    pytest.param(lambda t: t.replace("\n", "\r\n").encode(), id="crlf"),
    pytest.param(lambda t: b"\xef\xbb\xbf" + t.encode(), id="bom"),
    pytest.param(lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode(), id="bom+crlf"),
    pytest.param(lambda t: t.replace("\n", "\r").encode(), id="old-mac-cr"),
])
def test_line_endings_and_bom_do_not_move_anything(tmp_path, encode):
    plain, _ = load(tmp_path, BRIEF)
    raw, problems = load(tmp_path, encode(BRIEF))
    assert problems == []
    assert (raw.data, raw.values, raw.keys, raw.body, raw.body_line) == (
        plain.data, plain.values, plain.keys, plain.body, plain.body_line)


def test_non_text_scalars_are_remembered_with_their_text(tmp_path):
    raw, problems = load(tmp_path, "---\ntitle: NO\nstance: yes\nid: 2019\nnote: ~\nquoted: 'yes'\nforced: !!str 2019\n---\n")
    assert problems == []
    assert raw.data == {"title": False, "stance": True, "id": 2019, "note": None, "quoted": "yes", "forced": "2019"}
    assert raw.non_text == {
        ("title",): ("NO", "tag:yaml.org,2002:bool"),
        ("stance",): ("yes", "tag:yaml.org,2002:bool"),
        ("id",): ("2019", "tag:yaml.org,2002:int"),
        ("note",): ("~", "tag:yaml.org,2002:null"),
    }


def test_dates_are_read_as_dates(tmp_path):
    import datetime as dt

    raw, problems = load(tmp_path, "---\nreviewed: 2019-02-27\n---\n")
    assert (problems, raw.data) == ([], {"reviewed": dt.date(2019, 2, 27)})


@pytest.mark.parametrize("value, message", [
    ("2019-02-30", "`2019-02-30` is not a valid date: day is out of range for month"),
    ("2019-13-01", "`2019-13-01` is not a valid date: month must be in 1..12"),
])
def test_impossible_dates_are_diagnostics(tmp_path, value, message):
    raw, problems = load(tmp_path, f"---\nkind: issue\nreviewed: {value}\n---\n")
    d = only(problems)
    assert raw is None
    assert (d.line, d.column, d.field, d.message) == (3, 11, "reviewed", message)


HAZARDS = ["duplicate-key", "duplicate-key-in-flow", "anchor", "alias", "python-tag", "set-tag", "complex-key", "tab",
           "not-a-mapping", "unclosed-quote", "too-deep"]


@pytest.mark.parametrize("text, line, column, field, message", ids=HAZARDS, argvalues=[
    ("---\ntitle: a\ntitle: b\n---\n", 3, 1, "title", "duplicate key `title` (first given on line 2)"),
    ("---\npositions:\n  a: {stance: x, stance: y}\n---\n", 3, 18, "positions.a.stance", "duplicate key `stance`"),
    ("---\ntitle: &t a\n---\n", 2, 8, "", "anchors and aliases"),
    ("---\ntitle: a\nsummary: *t\n---\n", 3, 10, "", "anchors and aliases"),  # even an alias to nothing
    ("---\ntitle: !!python/object:os.system a\n---\n", 2, 8, "title", "YAML tag `tag:yaml.org,2002:python/object:os.system` is not allowed"),
    ("---\ntags: !!set {a, b}\n---\n", 2, 7, "tags", "YAML tag `tag:yaml.org,2002:set` is not allowed"),
    ("---\n? [a, b]\n: c\n---\n", 2, 3, "", "mapping keys must be plain text"),
    ("---\ntitle: a\n  \tsummary: b\n---\n", 3, 3, "", "tab used for indentation"),
    ("---\n- a\n- b\n---\n", 2, 1, "", "the front matter must be a mapping"),
    ("---\ntitle: \"unclosed\nsummary: b\n---\n", 4, 1, "", "YAML syntax error"),
    ("---\ntitle: a\n" + "x: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n---\n", 3, 4 + MAX_DEPTH - 1, "x" + "[0]" * (MAX_DEPTH - 2),
     f"nested more than {MAX_DEPTH} levels deep"),
])
def test_yaml_hazards(tmp_path, text, line, column, field, message):
    raw, problems = load(tmp_path, text)
    d = only(problems)
    assert raw is None
    assert (d.line, d.column, d.field) == (line, column, field), d
    assert message in d.message


@pytest.mark.parametrize("data, line, column, message", [
    (b"---\ntitle: Caf\xe9\n---\n", 2, 11, "byte 0xe9"),
    ("---\ntitle: Café ".encode() + b"\xff\n---\n", 2, 13, "byte 0xff"),  # columns count characters, not bytes
    (b"\xef\xbb\xbf" + b"\xff---\n", 1, 1, "byte 0xff"),  # the BOM takes no column
])
def test_invalid_utf8_points_at_the_byte(tmp_path, data, line, column, message):
    raw, problems = load(tmp_path, data)
    d = only(problems)
    assert (raw, d.line, d.column) == (None, line, column)
    assert message in d.message


@pytest.mark.parametrize("text, message", [
    ("", "the file is empty"),
    ("\ufeff \n\n", "the file is empty"),
    ("title: a\n", "front matter missing"),
    ("----\ntitle: a\n----\n", "front matter missing"),
    ("---", "never closed"),
    ("---\ntitle: a\n", "never closed"),
    ("---\ntitle: a\n--- x\n", "never closed"),
])
def test_files_that_are_not_briefs(tmp_path, text, message):
    raw, problems = load(tmp_path, text)
    d = only(problems)
    assert (raw, d.line, d.column) == (None, 1, 1)
    assert message in d.message


def test_oversized_file_is_refused_before_reading(tmp_path):
    raw, problems = load(tmp_path, "---\n---\n" + "x" * 1_000_000)
    d = only(problems)
    assert raw is None
    assert "over the limit of 1,000,000" in d.message


@pytest.mark.parametrize("text, front, body, body_line", [
    ("---\n---\n", "", "", 3),
    ("---\n---", "", "", 3),
    ("---\ntitle: a\n---\nbody\n", "title: a\n", "body\n", 4),
    ("---  \ntitle: a\n---\t\nbody\n", "title: a\n", "body\n", 4),  # trailing blanks on the fences
    ("---\ntitle: a\n---\n\n---\nmore\n", "title: a\n", "\n---\nmore\n", 4),  # a later rule stays in the body
])
def test_split_front_matter(text, front, body, body_line):
    assert split_front_matter(text, "x.md") == (front, body, body_line)


def test_empty_front_matter_is_an_empty_mapping(tmp_path):
    raw, problems = load(tmp_path, "---\n---\n")
    assert (problems, raw.data) == ([], {})


def test_sources_file_is_plain_yaml(tmp_path):
    raw, problems = load(tmp_path, "sources:\n  - id: a\n    title: t\n", name="shared.yaml")
    assert problems == []
    assert raw.values[("sources", 0, "title")] == (3, 12)
    raw, problems = load(tmp_path, "sources: []\n---\nsources: []\n", name="two.yml")
    assert "more than one YAML document" in only(problems).message


@pytest.mark.parametrize("name, hint", [("Bad_Name.md", "rename it `bad-name.md`"), ("con.md", "")])
def test_file_name_must_be_an_id(tmp_path, name, hint):
    raw, problems = load(tmp_path, "---\ntitle: a\n---\n", name=name)
    d = only(problems)
    assert (raw, d.field) == (None, "id")
    assert hint in d.hint


def test_discover_skips_hidden_drafts_and_readmes_and_refuses_links_outside(tmp_path):
    root = tmp_path / "briefs"
    for name in ["issues/a.md", "issues/README.md", "issues/_draft.md", "issues/.b.md", "_drafts/c.md",
                 ".git/d.md", "sources/s.yml", "sources/t.yaml", "notes.txt"]:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x")
    outside = tmp_path / "outside.md"
    outside.write_text("x")
    os.symlink(outside, root / "issues/linked.md")
    found, problems = discover(root, [root], tmp_path)
    assert [display for _, display in found] == ["briefs/issues/a.md", "briefs/sources/s.yml", "briefs/sources/t.yaml"]
    assert [(d.file, d.message) for d in problems] == [
        ("briefs/issues/linked.md", "the file links to a place outside the briefs folder")]
