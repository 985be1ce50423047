"""Typst source to PDF: the fonts (Debian's, found by path), the compiler, and its errors in one line.

Typesetting reads nothing but the document and the fonts named here: no system font search (a
machine's other fonts would change the bytes), none of the fonts built into the wheel, and no
Typst packages (they would be fetched from the network).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from pathlib import Path

import jinja2

from ..corpus.corpus import Corpus
from ..files.scratch import scratch_folder
from ..files.writer import write_atomic
from ..format.settings import Settings
from ..site.environment import SECTIONS
from ..site.template_errors import template_error
from .book import BookIdentity, document, site_order

# The fonts the print templates name: (family, a file that holds it, the Debian package that installs it).
FONTS = (
    ("Liberation Serif", Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"), "fonts-liberation"),
    ("Liberation Sans", Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"), "fonts-liberation"),
    ("DejaVu Sans", Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"), "fonts-dejavu-core"),
    ("DejaVu Sans Mono", Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"), "fonts-dejavu-core"),
    ("Noto Serif CJK JP", Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"), "fonts-noto-cjk"),
    ("Noto Sans CJK JP", Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), "fonts-noto-cjk"),
)
BOOK_FILE = "briefing-book.pdf"
SUMMARY_FILE = "briefing-summary.pdf"
DIGESTS_FILE = ".sources.json"
# A Typst package import (`@preview/…`) would be downloaded: the print templates may not use one.
_PACKAGE_IMPORT = re.compile(r"""\b(?:import|include)\s*\(?\s*"@""")


class PdfError(Exception):
    """The PDF could not be made; the message is one line for the user."""


def missing_fonts() -> list[str]:
    """Each font the templates need that is not installed, with the package that installs it."""
    return [f"{family} ({path}; apt-get install {package})" for family, path, package in FONTS if not path.is_file()]


@functools.lru_cache(maxsize=1)
def _compiler(folders: tuple[str, ...]):  # type: ignore[no-untyped-def]
    import typst  # loaded only when a PDF is made

    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=list(folders))
    # packages only from an empty folder: an import of one fails instead of going to the network
    empty = str(scratch_folder("typst-packages"))
    return typst, typst.Compiler(font_paths=fonts, ignore_system_fonts=True, package_path=empty, package_cache_path=empty)


def compile_pdf(source: str, built: dt.date) -> bytes:
    """The PDF of a Typst document, dated `built` (midnight UTC), the same bytes for the same source."""
    missing = missing_fonts()
    if missing:
        raise PdfError("the PDF needs fonts that are not installed: " + "; ".join(missing))
    if _PACKAGE_IMPORT.search(source):
        raise PdfError("the print templates import a Typst package, which would be fetched from the network; "
                       "briefbook typesets offline: write the function in the template instead")
    typst, compiler = _compiler(tuple(sorted({str(path.parent) for _, path, _ in FONTS})))
    timestamp = int(dt.datetime(built.year, built.month, built.day, tzinfo=dt.timezone.utc).timestamp())
    try:
        pdf, _warnings = compiler.compile_with_warnings(input=source.encode("utf-8"), format="pdf", timestamp=timestamp)
    except typst.TypstError as err:
        where = " ".join(err.diagnostic.split())[:300] if getattr(err, "diagnostic", "") else ""
        raise PdfError(f"Typst could not typeset the PDF: {' '.join(str(err.message).split())}" + (f" ({where})" if where else "")) from None
    return pdf  # type: ignore[return-value]


def typeset(corpus: Corpus, settings: Settings, identity: BookIdentity, built: dt.date, paper: str = "a4", part: str = "book",
            brief=None) -> bytes:  # type: ignore[no-untyped-def]
    """The PDF of the book, its summary or one brief."""
    return compile_pdf(_source(corpus, settings, identity, built, part, brief, paper), built)


def brief_pdf_path(brief) -> str:  # type: ignore[no-untyped-def]
    """Where a brief's PDF goes in the site: beside its page's source (`actors/japan.pdf`)."""
    return f"{SECTIONS[brief.kind]}/{brief.id}.pdf"


def site_pdfs(corpus: Corpus, settings: Settings, identity: BookIdentity, built: dt.date, folder: Path) -> list[str]:
    """The site's PDFs, the whole book and one per brief, made in `folder`; their paths in the site.

    A PDF whose Typst source (and date) is that of the PDF already in the folder is kept, not typeset
    again: the folder's digests file records the source of each."""
    sources = {BOOK_FILE: _source(corpus, settings, identity, built, "book", None)}
    for brief in site_order(corpus):
        sources[brief_pdf_path(brief)] = _source(corpus, settings, identity, built, "brief", brief)
    index = folder / DIGESTS_FILE
    try:
        known = json.loads(index.read_text(encoding="utf-8"))
        known = known if isinstance(known, dict) else {}
    except (OSError, ValueError):  # none yet, or damaged: every PDF is made again
        known = {}
    files, digests = {}, {}
    for path, source in sources.items():
        digests[path] = hashlib.sha256(f"{built.isoformat()}\0{source}".encode()).hexdigest()
        previous = folder / path
        if known.get(path) == digests[path] and previous.is_file():
            files[path] = previous.read_bytes()
        else:
            files[path] = compile_pdf(source, built)
    index.unlink(missing_ok=True)
    sync_files(folder, files)
    write_atomic(index, json.dumps(digests, sort_keys=True))
    return sorted(files)


def site_pdf_files(corpus: Corpus, settings: Settings, identity: BookIdentity, built: dt.date) -> dict[str, Path]:
    """The site's PDFs as files (made in the cache), by their path in the site."""
    folder = site_pdf_folder(settings)
    return {path: folder / path for path in site_pdfs(corpus, settings, identity, built, folder)}


def _source(corpus: Corpus, settings: Settings, identity: BookIdentity, built: dt.date, part: str, brief,  # type: ignore[no-untyped-def]
            paper: str = "a4") -> str:
    try:
        return document(corpus, settings, identity, built, paper, part, brief)
    except jinja2.TemplateError as err:
        raise PdfError(template_error(err)) from None
    except Exception as err:  # whatever a project's template raises: one line, naming it
        raise PdfError(template_error(jinja2.TemplateError(f"{type(err).__name__}: {err}"))) from None


def site_pdf_folder(settings: Settings) -> Path:
    """Where the site's PDFs are made and kept between builds: the cache, or a temporary folder where it cannot be written."""
    folder = settings.cache / "print"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    except OSError:
        return scratch_folder("print")


def sync_files(folder: Path, files: dict[str, bytes]) -> Path:
    """Make `folder` hold exactly these files; an unchanged file keeps its time (for `--dirty` builds)."""
    folder.mkdir(parents=True, exist_ok=True)
    for relative, data in files.items():
        target = folder / relative
        try:
            if target.read_bytes() == data:
                continue
        except OSError:
            pass
        write_atomic(target, data)
    wanted = {folder / r for r in files}
    for existing in sorted(folder.rglob("*"), reverse=True):
        if existing.is_file() and existing not in wanted and existing.name != DIGESTS_FILE:
            existing.unlink()
        elif existing.is_dir() and not any(existing.iterdir()):
            existing.rmdir()
    return folder
