"""Shared fixtures: a small valid project written into a temporary folder, and the sites that tests
only read, each built once per session (the bundled book, tests/fixtures/site)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import BUILD_EPOCH, BUNDLED_SITE_URL, FIXTURES, Project, build, copy_bundled_book, copy_project, history_project, valid_project

from briefbook.corpus.corpus import Corpus
from briefbook.corpus.load import load_corpus
from briefbook.format.settings import read_settings

@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The small valid project of helpers.valid_project, as the working folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    return valid_project(tmp_path)


@pytest.fixture(scope="session")
def bundled_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bundled briefing book, built once with `briefbook build` for BUNDLED_SITE_URL, its
    site in site/. Tests read it; a test that changes anything takes a copy."""
    project = copy_bundled_book(tmp_path_factory.mktemp("bundled") / "book")
    build(project, env={"SITE_URL": BUNDLED_SITE_URL})
    return project


@pytest.fixture(scope="session")
def bundled_site(bundled_project: Path) -> Path:
    return bundled_project / "site"


@pytest.fixture(scope="session")
def bundled_corpus(bundled_project: Path) -> Corpus:
    """The bundled briefs, loaded and checked strictly on the build date: not one problem."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
        result = load_corpus(read_settings(bundled_project / "mkdocs.yml"), strict=True)
    assert [d.text() for d in result.diagnostics] == []
    return result.corpus


@pytest.fixture(scope="session")
def fixture_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/fixtures/site, built once with `briefbook build` (site/ and the cache inside). Tests read it;
    a test that changes anything takes a copy (`copy_project`), which keeps the files' times for --dirty."""
    project = copy_project(FIXTURES / "site", tmp_path_factory.mktemp("fixture-site") / "project")
    build(project)
    return project


@pytest.fixture(scope="session")
def history_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small project committed five times (helpers.history_project), built once; its site/. Tests read it."""
    project = history_project(tmp_path_factory.mktemp("history") / "book").root
    return build(project)
