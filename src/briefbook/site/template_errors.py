"""A template that fails, as one line for the user: the template, its line and the page."""

from __future__ import annotations

from pathlib import Path

import jinja2

from ..format.model import TEMPLATE_SUFFIX



class TemplateFailure(jinja2.TemplateError):
    """A template failed while rendering a page; its message is the whole line for the user."""


def template_error(err: jinja2.TemplateError) -> str:
    """A template error as one line naming the template, the line and the page: no traceback for the user."""
    return str(err) if isinstance(err, TemplateFailure) else failure_line(err, None, None)


def failure_line(err: BaseException, page: str | None, project_dir: Path | None) -> str:
    filename, line = _where(err)
    if filename and project_dir is not None:
        try:
            filename = str(Path(filename).relative_to(project_dir))
        except ValueError:  # a packaged template: shown as it is
            pass
    where = f"{filename}:{line}" if filename and line else filename or "a template"
    rendering = f" while rendering {page}" if page else ""
    if isinstance(err, RecursionError):
        message = "the template calls itself without end (a macro or include that never stops recursing)"
    elif isinstance(err, MemoryError):
        message = "the template ran out of memory"
    elif isinstance(err, jinja2.TemplateError):
        message = err.message or type(err).__name__
    else:
        message = f"{type(err).__name__}: {err}"
    return f"template error in {where}{rendering}: {' '.join(str(message).split())}"


def _where(err: BaseException) -> tuple[str | None, int | None]:
    """The template and line an error was raised at: a syntax error says so; at run time, the innermost
    frame of template code in the traceback (Jinja gives those frames the template's file and line)."""
    if isinstance(err, jinja2.TemplateSyntaxError):
        return err.filename or err.name, err.lineno
    found: tuple[str | None, int | None] = (None, None)
    tb = err.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(TEMPLATE_SUFFIX):
            found = filename, tb.tb_lineno
        tb = tb.tb_next
    return found
