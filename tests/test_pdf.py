"""The printed book: the bundled site's briefing-book.pdf (the session's one build of the bundled site
makes it), `briefbook pdf` and `--summary`, escaping, what the PDF cannot show, and failures."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import REPO, Project, build, require, run, snapshot, valid_project
from pypdf import PdfReader

from briefbook.print import pdf as pdf_module
from briefbook.print.book import book_identity, document, numbered_sources, site_order
from briefbook.print.pdf import PdfError, compile_pdf, missing_fonts, typeset
from briefbook.print.typst_body import ANCHOR, string_literal, typst_text
from briefbook.format.settings import read_settings

SCREENSHOTS = REPO / "tests" / "screenshots"
BUILT = dt.date(2020, 1, 1)  # BUILD_EPOCH
HOSTILE = '#import "@preview/x:0.1.0": * #eval("1+1") ] $x^2$ @ref <label> \\ \\" `` *b* _i_ // = - + /t: 1.'


@pytest.fixture(scope="module", autouse=True)
def fonts() -> None:
    require(not missing_fonts(), "the PDF's fonts", "apt-get install fonts-liberation fonts-dejavu-core fonts-noto-cjk")


def _text(value: str) -> str:
    return " ".join(value.split())


@pytest.fixture(scope="module")
def book(bundled_site: Path) -> PdfReader:
    return PdfReader(bundled_site / "briefing-book.pdf")


@pytest.fixture(scope="module")
def pages(book: PdfReader) -> list[str]:
    return [_text(page.extract_text()) for page in book.pages]


def _bookmarks(book: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, page number from 1) of every bookmark, in order."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, book.get_destination_page_number(item) + 1))

    walk(book.outline, 0)
    return found


def _part_pages(book: PdfReader, title: str) -> range:
    """The pages of a part: from its bookmark to the next top-level one."""
    marks = [(t, p) for depth, t, p in _bookmarks(book) if depth == 0]
    index = [t for t, _ in marks].index(title)
    end = marks[index + 1][1] if index + 1 < len(marks) else len(book.pages) + 1
    return range(marks[index][1], max(end, marks[index][1] + 1))


def test_every_brief_title_and_the_metadata(book: PdfReader, pages: list[str], bundled_corpus) -> None:
    text = " ".join(pages)
    for brief in bundled_corpus.briefs.values():
        assert _text(brief.brief.title) in text, brief.id
    assert book.metadata.title == "Hanoi 2019: a briefing book"
    assert book.metadata.creation_date.date() == BUILT
    assert book.trailer["/Root"]["/Lang"] == "en"
    # the cover: the title, the build date and the review state
    assert "Hanoi 2019: a briefing book" in pages[0] and "1 January 2020" in pages[0] and "Review state" in pages[0]


def test_the_matrix_pages_hold_every_actor_with_every_column_on_the_page(book: PdfReader, pages: list[str], bundled_corpus) -> None:
    matrix = _part_pages(book, "Positions matrix")
    text = " ".join(pages[n - 1] for n in matrix)
    for actor in bundled_corpus.actors:
        assert _text(actor.brief.title) in text, actor.id
    page = book.pages[matrix[0] - 1]
    assert page.mediabox.width > page.mediabox.height  # landscape: every column on the page


def test_bookmarks_mirror_the_contents_and_its_numbers_are_the_real_pages(book: PdfReader, pages: list[str]) -> None:
    marks = _bookmarks(book)
    contents = book.pages[1].extract_text().splitlines()
    listed = []
    for line in contents:
        match = re.match(r"^(.*?)[\s.]*?(?:\s\.)+\s*(\d+)$", line.strip())
        if match:
            listed.append((_text(match.group(1)), int(match.group(2))))
    assert listed == [(_text(title), page) for _, title, page in marks]
    assert [depth for depth, _, _ in marks if depth > 1] == []  # parts and briefs only
    for _, title, page in marks:  # each bookmark's page is where its heading is
        assert _text(title) in pages[page - 1], (title, page)


def _link_targets(book: PdfReader, page_numbers: range) -> tuple[list[int], list[str]]:
    """The pages (from 1) that the internal links on these pages go to, and the URLs of the external ones."""
    page_of = {page.indirect_reference.idnum: n for n, page in enumerate(book.pages, start=1)}
    named = book.named_destinations
    internal, external = [], []
    for n in page_numbers:
        for annot in book.pages[n - 1].get("/Annots", []) or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            if "/Dest" in annot:
                dest = annot["/Dest"]
                internal.append(book.get_destination_page_number(named[str(dest)]) + 1 if isinstance(dest, str) else page_of[dest[0].idnum])
            elif annot.get("/A", {}).get("/S") == "/URI":
                external.append(str(annot["/A"]["/URI"]))
    return internal, external


def test_citations_link_to_the_bibliography_inside_the_document_and_sources_outside(book: PdfReader, bundled_corpus) -> None:
    marks = {title: page for _, title, page in _bookmarks(book)}
    hanoi = bundled_corpus.briefs["hanoi-2019"]
    start = marks[hanoi.brief.title]
    internal, external = _link_targets(book, range(start, start + 3))
    bibliography = _part_pages(book, "Bibliography")
    assert sum(page in bibliography for page in internal) >= 10  # its citations
    assert any(page < bibliography[0] for page in internal)  # cross-references to other briefs
    _, urls = _link_targets(book, bibliography)
    assert {s.url for s in bundled_corpus.sources.values()} <= set(urls)
    assert not external or all(u.startswith(("http://", "https://")) for u in external)


def test_every_internal_link_has_one_anchor_and_the_first_pass_sees_every_anchor(bundled_project: Path, bundled_corpus) -> None:
    settings = read_settings(bundled_project / "mkdocs.yml")
    source = document(bundled_corpus, settings, book_identity(bundled_project / "mkdocs.yml"), BUILT)
    anchors = [(kind.strip('"'), name.strip('"')) for kind, name in ANCHOR.findall(source)]
    names = [name for _, name in anchors]
    assert len(names) == len(set(names))
    linked = re.findall(r"#link\(<([^>]+)>\)", source) + re.findall(r'#link\(label\("([^"\\]*)"\)\)', source)
    assert linked and set(linked) <= set(names)
    # the sources' anchors in the bibliography's order: a citation's alternative text is its number
    sources = numbered_sources(bundled_corpus, site_order(bundled_corpus), everything=True)
    assert [n for kind, n in anchors if kind == "source"] == [f"source-{s.id}" for s in sources]
    # every brief starts a page at the top level (Typst lays such pages out in parallel), its anchor
    # first, and its running head is set in a scope of its own
    for brief in site_order(bundled_corpus):
        assert re.search(rf'\n#pagebreak\(weak: true\)\n#\[\n#set page\(header: bb-head\[[^\n]*\]\)\n#bb-anchor\("brief", "brief-{brief.id}"\)\n== ',
                         source), brief.id
    # content with links is gated, and its gate names the anchors in it for the first pass
    gates = re.findall(r"#bb-gate\(\((.*?)\), \[\n(.*?)\n\]\)\n", source, flags=re.DOTALL)
    assert len(gates) > len(bundled_corpus.briefs)
    for listed, content in gates:
        assert re.findall(r'\(("[a-z]+"), ("(?:[^"\\]|\\.)*")\)', listed) == ANCHOR.findall(content)
    outside = re.sub(r"#bb-gate\(\((.*?)\), \[\n(.*?)\n\]\)\n", "", source, flags=re.DOTALL)
    assert "#link(<" not in outside and "#link(label(" not in outside


def test_the_same_briefs_give_the_same_bytes(bundled_site: Path, bundled_project: Path, bundled_corpus) -> None:
    settings = read_settings(bundled_project / "mkdocs.yml")
    again = typeset(bundled_corpus, settings, book_identity(bundled_project / "mkdocs.yml"), BUILT)
    assert again == (bundled_site / "briefing-book.pdf").read_bytes()


def test_the_site_links_to_the_book_and_to_each_briefs_pdf(bundled_site: Path, bundled_corpus) -> None:
    assert 'href="briefing-book.pdf"' in (bundled_site / "index.html").read_text(encoding="utf-8")
    for brief in site_order(bundled_corpus):
        section = {"summit": "summits", "actor": "actors", "issue": "issues"}[brief.kind]
        page = (bundled_site / section / brief.id / "index.html").read_text(encoding="utf-8")
        assert f'href="../{brief.id}.pdf"' in page
        one = PdfReader(bundled_site / section / f"{brief.id}.pdf")
        assert _text(brief.brief.title) in _text(one.pages[0].extract_text())


def test_pages_rendered_for_review(book: PdfReader, bundled_site: Path) -> None:
    require(shutil.which("pdftoppm"), "pdftoppm", "apt-get install poppler-utils")
    marks = [(t, p) for _, t, p in _bookmarks(book)]
    first = dict(marks)
    wanted = {"cover": 1, "contents": 2, "summary": first["Summary"], "brief": first[next(t for t in first if t.startswith("Hanoi summit"))],
              "matrix": first["Positions matrix"], "watch": first["What to watch"], "bibliography": first["Bibliography"]}
    SCREENSHOTS.mkdir(exist_ok=True)
    for name, page in wanted.items():
        target = SCREENSHOTS / f"pdf-{name}"
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile",
                        str(bundled_site / "briefing-book.pdf"), str(target)], check=True, capture_output=True)
        assert target.with_suffix(".png").stat().st_size > 10_000, name


# --- `briefbook pdf` on a small project ------------------------------------------------------------


def test_the_command_writes_the_book_and_the_summary_on_letter_paper(project: Project) -> None:
    result = project.run("pdf")
    assert result.exit_code == 0, result.output
    book = PdfReader(project.root / "briefing-book.pdf")
    assert round(float(book.pages[0].mediabox.width)) == 595  # A4
    result = project.run("pdf", "--summary", "--paper", "letter", "--out", "out/summary.pdf")
    assert result.exit_code == 0, result.output
    summary = PdfReader(project.root / "out" / "summary.pdf")
    assert 1 <= len(summary.pages) <= 2
    assert round(float(summary.pages[0].mediabox.width)) == 612  # US letter
    text = _text(" ".join(p.extract_text() for p in summary.pages))
    assert "Ended early without an agreement." in text and "Talks resume within a year." in text


def test_text_from_a_brief_is_shown_as_written_never_run(project: Project) -> None:
    assert str(typst_text("a]b")) == '#"a]b";'
    assert str(string_literal('x"\\\n')) == '"x\\"\\\\\\n"'
    path = project.root / "briefs" / "summits" / "hanoi-2019.md"
    text = path.read_text(encoding="utf-8")
    for old, new in (("title: Hanoi summit\n", f"title: {json.dumps('Hanoi ' + HOSTILE)}\n"),
                     ("summary: Ended early without an agreement.", f"summary: {json.dumps('S ' + HOSTILE)}"),
                     ("text: Talks resume within a year.", f"text: {json.dumps('K ' + HOSTILE)}")):
        assert old in text
        text = text.replace(old, new)
    # in the body: as prose (Markdown takes the backquotes, stars and underscores), in code, in a table
    text += f"\n{HOSTILE}\n\n    {HOSTILE}\n\n| a | b |\n|---|---|\n| #eval(\"2\") | ] $ |\n"
    path.write_text(text, encoding="utf-8")
    checked = project.check()
    assert checked.exit_code == 0, checked.output
    result = project.run("pdf")
    assert result.exit_code == 0, result.output
    shown = _text(" ".join(p.extract_text() for p in PdfReader(project.root / "briefing-book.pdf").pages))
    for prefix in ("Hanoi ", "S ", "K "):
        assert _text(prefix + HOSTILE) in shown, prefix
    assert _text(HOSTILE) in shown.replace("’", "'")  # the indented code block, verbatim
    assert '#eval("2")' in shown and "2 ]" not in shown


def test_a_construct_the_pdf_cannot_show_is_a_check_warning(project: Project) -> None:
    project.write("mkdocs.yml", "site_name: T\nplugins:\n  - briefbook:\n      pdf: true\n")
    body = project.root / "briefs" / "issues" / "denuclearization.md"
    body.write_text(body.read_text(encoding="utf-8") + "\nA chart:\n\n![Warheads by year](chart.png)\n\n`![in code](x.png)`\n",
                    encoding="utf-8")
    result = project.check()
    assert result.exit_code == 0
    warnings = [line for line in result.output.splitlines() if "image" in line]
    assert len(warnings) == 1 and "briefs/issues/denuclearization.md:11:1" in warnings[0], result.output
    result = project.run("pdf")
    assert result.exit_code == 0
    assert "[image: Warheads by year]" in _text(" ".join(p.extract_text() for p in PdfReader(project.root / "briefing-book.pdf").pages))


def test_missing_fonts_and_package_imports_are_one_line_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(PdfError, match="Typst package"):
        compile_pdf('#import "@preview/cetz:0.3.0"\nHello', BUILT)
    with pytest.raises(PdfError, match=r"Typst could not typeset the PDF: .*unclosed"):
        compile_pdf("#let x = (", BUILT)
    monkeypatch.setattr(pdf_module, "FONTS", (("Nowhere Serif", Path("/nonexistent/Nowhere.ttf"), "fonts-nowhere"),))
    with pytest.raises(PdfError, match=r"Nowhere Serif .*apt-get install fonts-nowhere"):
        compile_pdf("Hello", BUILT)


def test_a_failed_pdf_fails_the_build_and_leaves_the_previous_site(tmp_path: Path) -> None:
    project = valid_project(tmp_path / "p")
    project.write("mkdocs.yml", "site_name: T\nplugins:\n  - briefbook:\n      pdf: true\n")
    project.write("docs/about.md", "# About\n")
    site = build(project.root)
    assert (site / "briefing-book.pdf").is_file() and (site / "actors" / "japan.pdf").exists() is False
    assert (site / "actors" / "north-korea.pdf").is_file()
    before = snapshot(site)
    project.write("templates/print/book.typ.j2", '{% include "print/_macros.typ.j2" %}\n#let broken = (\n')
    result = run(project.root, "briefbook", "build")
    assert result.returncode == 1
    assert "the PDF failed: Typst could not typeset the PDF" in result.stderr
    assert "the previous site was left in place" in result.stderr
    assert snapshot(site) == before


def test_japanese_and_korean_names_print_in_debians_noto_cjk() -> None:
    pdf = PdfReader(io.BytesIO(compile_pdf('#set text(font: ("Liberation Serif", "Noto Serif CJK JP"))\n#"安倍晋三 and 김정은";', BUILT)))
    fonts = {str(f.get_object()["/BaseFont"]) for f in pdf.pages[0]["/Resources"]["/Font"].values()}
    assert any("NotoSerifCJK" in name for name in fonts), fonts
    assert "安倍晋三 and 김정은" in pdf.pages[0].extract_text()


def test_making_pdfs_leaves_nothing_in_the_temporary_folder(tmp_path: Path) -> None:
    # Typst's empty package folder, and the site's PDFs where the cache cannot be written (a file
    # in its place), live in the temporary folder only as long as the run that made them
    project = valid_project(tmp_path / "p")
    project.write("mkdocs.yml", "site_name: T\nplugins:\n  - briefbook:\n      pdf: true\n")
    project.write("docs/about.md", "# About\n")
    project.write(".cache/briefbook", "not a folder\n")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    site = build(project.root, env={"TMPDIR": str(temporary)})
    assert (site / "briefing-book.pdf").is_file()
    result = run(project.root, "briefbook", "pdf", env={"TMPDIR": str(temporary)})
    assert result.returncode == 0, result.stderr
    assert list(temporary.iterdir()) == []
