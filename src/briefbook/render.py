"""Corpus to pages: the Jinja environment and the mapping from briefs to Markdown pages.

Knows nothing about MkDocs: the pages it returns are plain Markdown with front
matter, which any engine that reads mkdocs.yml can build.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import json
import posixpath
import re
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Hashable, TypeVar
from urllib.parse import quote

import jinja2
from jinja2.compiler import CodeGenerator
from markupsafe import Markup, escape

from .body import read_body, render_body
from .asked import Answers, Fingerprints, RecordingCorpus, noting_body_reads
from .cache import CompiledTemplates, Store, cannot_write, code_version, digest
from .cache import enabled as cache_enabled
from .corpus import ROLE_TITLES, Corpus, gc_paused
from .diagnostics import Diagnostic
from .model import LIKELIHOOD_RANGES
from .loader import ID_RE
from .settings import Settings
from .export import brief_json, export_json
from .svg import timeline_svg
from .validate import BriefFile
from .writer import write_atomic

_Made = TypeVar("_Made")
EXPORT_FILE = "briefs.json"
SECTIONS = {"summit": "summits", "actor": "actors", "issue": "issues"}
VIEWS = ("matrix", "timeline", "watch", "sources")
HOME = "index.md"  # the book's front page, made from the briefs unless the docs folder has its own
TEMPLATE_SUFFIX = ".md.j2"
# Characters Python-Markdown (with tables) treats as syntax; a backslash makes each literal.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")
_WHITESPACE = re.compile(r"\s+")
_EXTRA_BLANK_LINES = re.compile(r"\n{3,}")
# Priority as filled dots: a shape that reads without colour, in print and for colour-blind readers.
PRIORITY_DOTS = {"high": "●●●", "medium": "●●○", "low": "●○○"}


@dataclass(frozen=True)
class Page:
    path: str  # e.g. "actors/japan.md"
    markdown: str
    source: str | None = None  # the brief file it comes from, for the edit link


def markdown_text(value: Any) -> Markup:
    """Any value as literal text inside Markdown: no markup, links or HTML can come through."""
    if isinstance(value, Markup):
        return value
    return _escaped_markdown(value if type(value) is str else str(value))


@functools.lru_cache(maxsize=1 << 16)  # titles, stances and labels recur on many pages
def _escaped_markdown(text: str) -> Markup:
    text = _WHITESPACE.sub(" ", text).strip()
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return Markup(_MARKDOWN_SPECIAL.sub(r"\\\1", text))


def html_text(value: Any) -> Markup:
    """For use inside raw HTML blocks, where Markdown is not processed."""
    return escape(_WHITESPACE.sub(" ", str(value)).strip())


def meta_value(value: Any) -> Markup:
    """A page-metadata value as JSON (valid YAML), HTML-escaped: MkDocs themes insert titles,
    descriptions and tags into the page without escaping them."""
    if isinstance(value, (list, tuple)):
        dumped = json.dumps([html.escape(_WHITESPACE.sub(" ", str(v)).strip()) for v in value], ensure_ascii=False)
    else:
        dumped = json.dumps(html.escape(_WHITESPACE.sub(" ", str(value)).strip()), ensure_ascii=False)
    # JSON leaves these as they are, but YAML refuses them unescaped, and the page would not build
    return Markup(_YAML_UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped))


_YAML_UNPRINTABLE = re.compile("[\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def url_value(url: str) -> Markup:
    """A validated http(s) URL, made safe as a Markdown link destination."""
    return Markup(quote(url, safe=":/?#[]@!$&'*+,;=%~"))


def code_span(value: Any) -> Markup:
    """Text as a Markdown code span, whose fence of backticks is longer than any run of them in the text."""
    text = _WHITESPACE.sub(" ", str(value)).strip()
    fence = "`" * (max(map(len, _BACKTICKS.findall(text)), default=0) + 1)
    return Markup(f"{fence} {text} {fence}")


_BACKTICKS = re.compile("`+")


def id_value(value: str) -> Markup:
    """An id checked by the model ([a-z0-9-]), usable as is in anchors and paths."""
    if not ID_RE.match(value):
        raise ValueError(f"not an id: {value!r}")
    return Markup(value)


@functools.lru_cache(maxsize=100_000)
def _relative_url(target: str, here: str) -> str:
    # pages link to a few folders' worth of targets: relpath, the slow part of a link, runs once per pair
    return quote(posixpath.relpath(target, here or "."))


@functools.lru_cache(maxsize=100_000)
def _fragment(anchor: str) -> str:
    # the anchors of briefbook's templates are made of ids; a project's template may pass any text
    return "#" + quote(anchor)


def page_path(brief: BriefFile) -> str:
    return f"{SECTIONS[brief.kind]}/{brief.id}.md"


def shipped_dir(name: str) -> Path:
    """A folder that ships with briefbook (`templates`, `overrides`): inside the wheel, or the checkout's own."""
    packaged = resources.files("briefbook") / f"_{name}"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / name


def default_templates_dir() -> Path:
    return shipped_dir("templates")


def template_loader(search: list[Path]) -> jinja2.FileSystemLoader:
    """Templates from these folders only, the first that has a name winning; no symlinked folders followed."""
    return jinja2.FileSystemLoader([str(p) for p in dict.fromkeys(search) if p.is_dir()], followlinks=False)


class _MarkdownCodeGenerator(CodeGenerator):
    """Writes each `{{ value }}` as `finalize(value)` alone: finalize (markdown_text) already returns
    Markup, so the `escape()` that autoescape wraps around it would only copy the string (a fifth
    of the render time). Macro output stays Markup, as autoescape makes it."""

    def _output_child_pre(self, node, frame, finalize) -> None:  # type: ignore[no-untyped-def]
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape or finalize.src is None:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("(" + finalize.src)


class _MarkdownEnvironment(jinja2.Environment):
    code_generator_class = _MarkdownCodeGenerator


def environment(settings: Settings) -> jinja2.Environment:
    """Project templates first, packaged defaults after; undefined names fail loudly."""
    env = _MarkdownEnvironment(
        loader=template_loader([settings.templates, default_templates_dir()]),
        bytecode_cache=_compiled_templates(settings),
        undefined=jinja2.StrictUndefined,
        # finalize escapes each value as Markdown text; autoescape then leaves that Markup alone
        # and makes macro output Markup, so that it is not escaped twice.
        autoescape=True,
        finalize=markdown_text,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(html=html_text, meta=meta_value, url=url_value, json=lambda v: Markup(json.dumps(v, ensure_ascii=False)), id=id_value,
                       code=code_span, day=lambda d: f"{d.day} {d:%B %Y}")
    env.globals.update(likelihood_ranges=LIKELIHOOD_RANGES, priority_dots=PRIORITY_DOTS, sections=SECTIONS, role_titles=ROLE_TITLES,
                       range=_BoundedRange())
    return env


def _compiled_templates(settings: Settings) -> jinja2.BytecodeCache | None:
    """Templates compiled by an earlier run (compiling them is a quarter of a small rebuild). Jinja
    keys them by their source alone, not by the environment that compiled them: hence a folder
    per version of briefbook's code."""
    if not cache_enabled():
        return None
    folder = settings.cache / f"templates-{code_version().hex()[:16]}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for other in settings.cache.glob("templates-*"):
            if other != folder:
                shutil.rmtree(other, ignore_errors=True)
    except OSError as err:  # a read-only project: compile each time
        cannot_write(settings.cache, err)
        return None
    return CompiledTemplates(folder)


class Renderer:
    """Renders every page of the site from a corpus, reusing the pages of an earlier run whose inputs are unchanged."""

    def __init__(self, corpus: Corpus, settings: Settings, store: Store | None = None, corpus_unchanged: bool = False):
        self.corpus = corpus
        self.settings = settings
        self.env = environment(settings)
        self.store = store
        self.fingerprint = Fingerprints()
        self.answers = Answers(corpus, self.fingerprint)
        # the corpus the cache was last made or checked against: every answer would be the same
        self.corpus_unchanged = corpus_unchanged
        self._making: list[dict] = []  # what is being made, innermost last: the questions each has asked

    def render(self, template: str, path: str, corpus: Corpus | RecordingCorpus, **context: Any) -> str:
        here = posixpath.dirname(path)

        def href(target: str, anchor: str = "") -> Markup:
            return Markup(_relative_url(target, here) + (_fragment(anchor) if anchor else ""))

        def brief_href(brief: BriefFile, anchor: str = "") -> Markup:
            return href(page_path(brief), anchor)

        self.env.globals["range"].reset()
        try:
            markdown = self.env.get_template(template + TEMPLATE_SUFFIX).render(
                corpus=corpus, href=href, brief_href=brief_href, page=path, **context
            )
        except Exception as err:  # whatever a template raises, Jinja's or Python's: one line for the user
            raise TemplateFailure(_failure_line(err, path, self.settings.project_dir)) from None
        return _EXTRA_BLANK_LINES.sub("\n\n", markdown)

    def _reused_or_made(self, key: Hashable, own: Any, make: Callable[[Corpus | RecordingCorpus], _Made]) -> _Made:
        """What an earlier run made (a page, a piece of one), if its own input (`own`) and every answer
        the corpus gave while making it are unchanged; else made now, with what it asked noted for the next run."""
        if self.store is None:
            return make(self.corpus)
        entry = self.store.get(key)
        if entry is not None and entry[0] == own and (self.corpus_unchanged or self.answers.same(entry[1])):
            asked, made = entry[1], entry[2]
        else:
            asked = {}
            self._making.append(asked)
            try:
                with noting_body_reads(asked):
                    made = make(RecordingCorpus(self.corpus, asked, self.fingerprint))
            finally:
                self._making.pop()
            self.store.put(key, (own, asked, made))
        if self._making:  # a piece of what is being made (briefs.json's part for a brief): that depends on it too
            self._making[-1].update(asked)
        return made

    def brief_page(self, brief: BriefFile) -> Page:
        return self._reused_or_made(page_path(brief), _whole(brief), lambda corpus: self._brief_page(brief, corpus))

    def _brief_page(self, brief: BriefFile, corpus: Corpus | RecordingCorpus) -> Page:
        path = page_path(brief)
        sources = corpus.cited_sources(brief)
        numbers = {s.id: n for n, s in enumerate(sources, start=1)}
        body = render_body(read_body(brief.raw.body, self.settings.markdown), numbers, self.settings.allow_raw_html, self.settings.markdown)
        markdown = self.render(
            brief.kind, path, corpus, brief=brief, b=brief.brief, body=Markup(body), sources=sources, numbers=numbers,
            stale=corpus.staleness(brief), tags=corpus.tags_of(brief),
        )
        return Page(path, markdown, brief.display)

    def _brief_json(self, brief: BriefFile) -> str:
        """A brief's part of briefs.json, as an earlier run wrote it if the brief is unchanged."""
        return self._reused_or_made(("json", brief.id), _whole(brief), lambda corpus: brief_json(brief))

    def _view(self, template: str, path: str) -> Page:
        return self._reused_or_made(path, None, lambda corpus: Page(path, self.render(template, path, corpus)))

    def pages(self) -> dict[str, Page]:
        pages = [self.brief_page(b) for b in self.corpus.briefs.values()]
        for section in SECTIONS.values():
            pages.append(self._view(f"{section}-index", f"{section}/index.md"))
        for view in VIEWS:
            pages.append(self._view(f"view-{view}", f"views/{view}.md"))
        pages.append(self._view("views-index", "views/index.md"))
        if not (self.settings.path("docs_dir") / HOME).exists():  # a hand-written home page wins
            pages.append(self._view("home", HOME))
        pages.append(self._view("tags", "tags.md"))
        pages.append(self._reused_or_made("views/timeline.svg", None, lambda corpus: Page("views/timeline.svg", timeline_svg(corpus))))
        pages.append(self._reused_or_made(EXPORT_FILE, None, lambda corpus: Page(EXPORT_FILE, export_json(corpus, self._brief_json))))
        return {p.path: p for p in sorted(pages, key=lambda p: p.path)}


def _whole(brief: BriefFile) -> tuple[str, str, bytes]:
    """What a page made from the brief alone depends on: all of its file, body included."""
    return brief.id, brief.display, brief.raw.digest


class TemplateFailure(jinja2.TemplateError):
    """A template failed while rendering a page; its message is the whole line for the user."""


def template_error(err: jinja2.TemplateError) -> str:
    """A template error as one line naming the template, the line and the page: no traceback for the user."""
    return str(err) if isinstance(err, TemplateFailure) else _failure_line(err, None, None)


def _failure_line(err: BaseException, page: str | None, project_dir: Path | None) -> str:
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


def render_pages(corpus: Corpus, settings: Settings) -> dict[str, Page]:
    if not cache_enabled():
        with gc_paused():
            return Renderer(corpus, settings).pages()
    store = Store(settings.cache, "rendered", _inputs_version(settings))
    # Whom the cached pages were last checked against. Removed while the shards are written, so
    # that a run stopped halfway leaves the next one to check each page.
    checked_against = settings.cache / "rendered.corpus"
    try:
        unchanged = checked_against.read_bytes() == store.version + corpus.signature
    except OSError:
        unchanged = False
    with gc_paused():
        pages = Renderer(corpus, settings, store, unchanged).pages()
    try:
        checked_against.unlink(missing_ok=True)
        if store.save():
            write_atomic(checked_against, store.version + corpus.signature)
    except OSError:  # a read-only project still builds; the next run checks every page
        pass
    return pages


def _inputs_version(settings: Settings) -> bytes:
    """What every page depends on besides the corpus: the settings and the templates."""
    # not where the project is: a cache restored into another checkout still serves
    data = [repr({f.name: getattr(settings, f.name) for f in dataclasses.fields(settings) if f.name != "project_dir"}).encode()]
    for folder in (settings.templates, default_templates_dir()):
        if folder.is_dir():
            data += [str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()]
        data.append(b"\1")
    return digest(b"\0".join(data))


ERROR_PAGE = "briefbook-errors.md"


def error_page(errors: list[Diagnostic], settings: Settings) -> Page:
    """The page `mkdocs serve` shows while the briefs have errors."""
    shown = [d.printable() for d in errors]  # a file name may hold control characters
    try:
        markdown = environment(settings).get_template("errors" + TEMPLATE_SUFFIX).render(errors=shown)
    except Exception as err:
        raise TemplateFailure(_failure_line(err, ERROR_PAGE, settings.project_dir)) from None
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
