"""The navigation stays small on every page however many briefs there are."""

from __future__ import annotations

from helpers import run

from briefbook.corpus.load import load_corpus
from briefbook.format.settings import read_settings
from briefbook.site.navigation import navigation


def _leaves(item) -> list[str]:
    if isinstance(item, str):
        return [item]
    if isinstance(item, dict):
        return [leaf for value in item.values() for leaf in _leaves(value)]
    return [leaf for child in item for leaf in _leaves(child)]


def _longest_list(item) -> int:
    if isinstance(item, dict):
        return max((_longest_list(v) for v in item.values()), default=0)
    if isinstance(item, list):
        return max([len(item), *(_longest_list(child) for child in item)])
    return 0


def test_sections_are_nested_so_that_none_lists_more_than_the_section_size(project):
    for n in range(130):
        project.write(f"briefs/issues/issue-{n:03d}.md", f"""\
            ---
            kind: issue
            title: Issue {n:03d}
            summary: Issue number {n}.
            reviewed: 2019-12-01
            ---
            """)
    corpus = load_corpus(read_settings(project.root / "mkdocs.yml")).corpus
    nav = navigation([{"Home": "index.md"}, {"Issues": "issues/index.md"}], ["index.md"], corpus, 10)
    issues = next(item["Issues"] for item in nav if "Issues" in item)
    assert _longest_list(issues) <= 10 + 1  # the section's own index page comes first
    leaves = _leaves(issues)
    assert sorted(leaves) == sorted(["issues/index.md", "issues/denuclearization.md", *(f"issues/issue-{n:03d}.md" for n in range(130))])
    first_group = issues[1]
    (label, children), = first_group.items()
    assert label.startswith("Denuclearization") and len(_leaves(children)) == 100  # 10 groups of 10


def test_a_setting_outside_the_project_stops_mkdocs_with_a_message_not_a_traceback(project):
    project.write("docs/index.md", "# Home\n")
    project.write("mkdocs.yml", """\
        site_name: Test
        plugins:
          - briefbook:
              briefs_dir: ../elsewhere
        """)
    build = run(project.root, "mkdocs", "build")
    assert build.returncode != 0
    assert "`briefs_dir: ../elsewhere` points outside the project folder" in build.stderr
    assert "Traceback" not in build.stderr
    assert not (project.root / "site").exists()
