"""The Jinja environment of the site's templates: project templates before packaged ones,
undefined names failing loudly, every value escaped as Markdown text, and a bounded `range`."""

from __future__ import annotations

import datetime as dt
import functools
import json
import types
from typing import Any, Callable

import jinja2
from jinja2.compiler import CodeGenerator
from jinja2.utils import internalcode
from markupsafe import Markup

from ..corpus.corpus import ROLE_TITLES
from ..files.store import kept
from ..files.shipped import default_templates_dir, template_options
from ..corpus.scorecard import PROBABILITY
from ..format.model import LIKELIHOOD_RANGES
from ..format.settings import Settings
from .pieces import PIECES, PRIORITY_DOTS
from .escaping import code_span, html_text, id_value, markdown_text, meta_value, url_value
from .template_cache import compiled_templates

SECTIONS = {"summit": "summits", "actor": "actors", "issue": "issues"}


class _MarkdownCodeGenerator(CodeGenerator):
    """Writes each `{{ value }}` as `finalize(value)` alone: finalize (markdown_text) already returns
    Markup, so the `escape()` that autoescape wraps around it would only copy the string (a fifth
    of the render time). Macro output stays Markup, as autoescape makes it."""

    def _output_child_pre(self, node, frame, finalize) -> None:  # type: ignore[no-untyped-def]
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape or finalize.src is None:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("(" + finalize.src)


# What a template most often calls: a macro (which takes the evaluation context first) or a plain
# function. Jinja asks each callable, on every call, what it takes first.
_PLAIN_CALLABLES = frozenset((types.FunctionType, types.MethodType, types.BuiltinFunctionType, type(functools.lru_cache(None)(len))))


class _MarkdownContext(jinja2.runtime.Context):
    """Makes the calls Jinja's context makes, passing a macro its evaluation context and a plain
    function nothing, without asking them on each call (some seventy calls on a brief's page, and
    a tenth of its profiled time); any other callable is Jinja's to call."""

    @internalcode
    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's names, so that no keyword argument clashes
        kind = type(__obj)
        if kind is jinja2.runtime.Macro:
            args = (__self.eval_ctx, *args)
        elif kind not in _PLAIN_CALLABLES or hasattr(__obj, "jinja_pass_arg"):
            return super().call(__obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a StopIteration exception")


class _MarkdownEnvironment(jinja2.Environment):
    code_generator_class = _MarkdownCodeGenerator
    context_class = _MarkdownContext


def environment(settings: Settings) -> jinja2.Environment:
    """Project templates first, packaged defaults after; undefined names fail loudly. While the
    stores are kept in memory (a preview), so is the environment, with the templates it compiled;
    Jinja loads a template again when its file changes."""
    if not kept():
        return _environment(settings)
    key = repr(settings)
    if key not in _KEPT:
        _KEPT[key] = _environment(settings)
    return _KEPT[key]


_KEPT: dict[str, jinja2.Environment] = {}


def _environment(settings: Settings) -> jinja2.Environment:
    env = _MarkdownEnvironment(
        **template_options([settings.templates, default_templates_dir()]),
        bytecode_cache=compiled_templates(settings),
        # finalize escapes each value as Markdown text; autoescape then leaves that Markup alone
        # and makes macro output Markup, so that it is not escaped twice.
        autoescape=True,
        finalize=markdown_text,
        # one run renders each template many times; a preview keeps the environment and reloads a changed template
        auto_reload=kept(),
    )
    env.filters.update(html=html_text, meta=meta_value, url=url_value, json=lambda v: Markup(json.dumps(v, ensure_ascii=False)), id=id_value,
                       code=code_span, day=_day)
    env.globals.update(likelihood_ranges=LIKELIHOOD_RANGES, likelihood_midpoints=PROBABILITY, priority_dots=PRIORITY_DOTS, sections=SECTIONS, role_titles=ROLE_TITLES,
                       range=_BoundedRange(), memo=_Memo(), print_edition=settings.pdf, pieces=PIECES)
    return env


class _Memo:
    """`memo(macro, value, ...)` in templates: the macro's output for these very values, made once
    per run and reused on every page that places them (a source's entry in the list of every brief
    that cites it: a fifth of a brief page's time). Only for a macro whose output depends on its
    arguments alone: one that asks the corpus a question (which the page cache must note on every
    page) or makes a link relative to the page (`href`) must be called as it is."""

    def __init__(self) -> None:
        self._made: dict[tuple, tuple[tuple, Markup]] = {}

    def reset(self) -> None:
        self._made.clear()

    def __call__(self, macro: jinja2.runtime.Macro | Callable[..., Markup], *args: object) -> Markup:
        # a macro is made again on each page that imports its module, from the same code; a
        # piece made in Python (pieces.py) is the same function on every page
        maker = macro._func.__code__ if isinstance(macro, jinja2.runtime.Macro) else macro
        key = (maker, tuple(map(id, args)))
        known = self._made.get(key)
        if known is None:  # the arguments are kept, so that their ids stay theirs while the run lasts
            known = self._made[key] = (args, macro(*args))
        return known[1]


@functools.lru_cache(maxsize=1 << 14)  # a few thousand dates, each on many pages; strftime is slow
def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


# No page of the bundled templates asks range() for more than a few items: a template that goes
# past this on one page is a runaway loop, which would otherwise run until memory is gone.
MAX_RANGE_ITEMS = 1_000_000


class _BoundedRange:
    """`range` in templates, with a budget of items per page (reset before each page)."""

    def __init__(self) -> None:
        self.left = MAX_RANGE_ITEMS

    def reset(self) -> None:
        self.left = MAX_RANGE_ITEMS

    def __call__(self, *args: int) -> range:
        items = range(*args)
        self.left -= len(items)
        if self.left < 0:
            raise OverflowError(f"range() asked for more than {MAX_RANGE_ITEMS:,} items on one page (a runaway loop?)")
        return items
