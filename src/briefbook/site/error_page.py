"""What `mkdocs serve` shows while the briefs have errors: a page listing them, and a notice on every other page."""

from __future__ import annotations

import posixpath
from urllib.parse import quote

from ..corpus.corpus import Corpus
from ..format.diagnostics import Diagnostic
from ..format.model import TEMPLATE_SUFFIX
from ..format.settings import Settings
from .environment import environment
from .pages import Page
from .template_errors import TemplateFailure, failure_line

ERROR_PAGE = "briefbook-errors.md"
LastGood = tuple[dict[str, Page], Corpus]  # the pages and corpus of the last run whose briefs checked cleanly


def error_page(errors: list[Diagnostic], settings: Settings) -> Page:
    """The page `mkdocs serve` shows while the briefs have errors."""
    shown = [d.printable() for d in errors]  # a file name may hold control characters
    try:
        markdown = environment(settings).get_template("errors" + TEMPLATE_SUFFIX).render(errors=shown)
    except Exception as err:
        raise TemplateFailure(failure_line(err, ERROR_PAGE, settings.project_dir)) from None
    return Page(ERROR_PAGE, markdown)


def shown_pages(pages: dict[str, Page], corpus: Corpus, errors: list[Diagnostic], last_good: LastGood | None,
                settings: Settings) -> tuple[dict[str, Page], LastGood | None]:
    """The pages a served build shows after a run, and the last good run: while the briefs have
    errors, the last good pages and the page listing the errors."""
    if not errors:
        return pages, (pages, corpus)
    return {**(last_good[0] if last_good else {}), ERROR_PAGE: error_page(errors, settings)}, last_good


def error_banner(errors: list[Diagnostic], page: str, admonition: bool) -> str:
    """The notice `mkdocs serve` puts at the top of every other page while the briefs have errors
    (none on the page that lists them, or when there are none)."""
    if not errors or page == ERROR_PAGE:
        return ""
    count = len(errors)
    title = f"The briefs have {count} problem{'s' if count != 1 else ''}"
    link = posixpath.relpath(ERROR_PAGE, posixpath.dirname(page) or ".")
    text = f"This page shows the last version that checked cleanly. [See the problems]({quote(link)}): the notice clears when they are fixed."
    if admonition:
        return f'!!! failure "{title}"\n\n    {text}\n\n'
    return f"> **{title}.** {text}\n\n"
