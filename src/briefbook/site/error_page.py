"""What `mkdocs serve` shows while the briefs have errors: a page listing them, and a notice on every other page."""

from __future__ import annotations

import posixpath
from urllib.parse import quote

from ..format.diagnostics import Diagnostic
from ..format.model import TEMPLATE_SUFFIX
from ..format.settings import Settings
from .environment import environment
from .pages import Page
from .template_errors import TemplateFailure, failure_line

ERROR_PAGE = "briefbook-errors.md"


def error_page(errors: list[Diagnostic], settings: Settings) -> Page:
    """The page `mkdocs serve` shows while the briefs have errors."""
    shown = [d.printable() for d in errors]  # a file name may hold control characters
    try:
        markdown = environment(settings).get_template("errors" + TEMPLATE_SUFFIX).render(errors=shown)
    except Exception as err:
        raise TemplateFailure(failure_line(err, ERROR_PAGE, settings.project_dir)) from None
    return Page(ERROR_PAGE, markdown)


def error_banner(errors: list[Diagnostic], page: str, admonition: bool) -> str:
    """The notice `mkdocs serve` puts at the top of every other page while the briefs have errors."""
    count = len(errors)
    title = f"The briefs have {count} problem{'s' if count != 1 else ''}"
    link = posixpath.relpath(ERROR_PAGE, posixpath.dirname(page) or ".")
    text = f"This page shows the last version that checked cleanly. [See the problems]({quote(link)}): the notice clears when they are fixed."
    if admonition:
        return f'!!! failure "{title}"\n\n    {text}\n\n'
    return f"> **{title}.** {text}\n\n"
