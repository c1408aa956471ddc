"""The essay's own editions, built for real and judged by the real validators.

One build of every edition of ``manuscript/`` (module fixture), then: EPUBCheck and Ace find
nothing in the EPUB and the KEPUB, the PDF checks find nothing, the EPUB holds the whole essay
in order, and the EPUB and the print edition carry the same notes and bibliography.
"""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from samizdat.build import build
from samizdat.checks.pdf import check_pdf
from samizdat.config import load_manuscript
from samizdat.editions import editions_for
from samizdat.readers.citation_syntax import find_citations
from samizdat.pipeline import read_book

ROOT = Path(__file__).resolve().parents[1]
MANUSCRIPT = ROOT / "manuscript"
STYLES = ROOT / "styles"
SLUG = "most-intransigent-of-bolsheviks"
X = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def essay_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("essay")
    build(MANUSCRIPT, out, styles_dir=STYLES, jobs=2)
    return out


@pytest.fixture(scope="module")
def book():
    return read_book(load_manuscript(MANUSCRIPT))


@pytest.mark.requires_epubcheck
@pytest.mark.parametrize("name", [f"{SLUG}.epub", f"{SLUG}.kepub.epub"])
def test_epubcheck_reports_nothing(essay_build, name):
    from samizdat.checks.epubcheck import run_epubcheck

    assert [str(m) for m in run_epubcheck(essay_build / name)] == []


@pytest.mark.requires_ace
@pytest.mark.parametrize("name", [f"{SLUG}.epub", f"{SLUG}.kepub.epub"])
def test_ace_reports_no_violation(essay_build, name, tmp_path):
    from samizdat.checks.ace import run_ace

    assert [str(m) for m in run_ace(essay_build / name, tmp_path)] == []


@pytest.mark.parametrize("edition", ["pdf", "booklet-a4", "booklet-letter"])
def test_pdf_checks_find_nothing(essay_build, edition):
    table = editions_for(load_manuscript(MANUSCRIPT))
    output = essay_build / table[edition].output_name(SLUG)
    assert check_pdf(output, table[edition]) == []


def epub_documents(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as epub:
        return {
            name: etree.fromstring(epub.read(name))
            for name in sorted(epub.namelist())
            if name.endswith(".xhtml")
        }


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.replace("’", "'"))


def test_the_epub_holds_the_whole_essay_in_order(essay_build):
    expected = []
    for path in load_manuscript(MANUSCRIPT).chapter_paths:
        text = path.read_text(encoding="utf-8")
        for citation in reversed(find_citations(text)):
            text = text[: citation.start] + text[citation.end :]
        text = re.sub(r"^#+ |^> ", "", text, flags=re.MULTILINE)
        expected += words(text)
    documents = epub_documents(essay_build / f"{SLUG}.epub")
    found = []
    for name, root in documents.items():
        if "/ch-" not in name:
            continue
        for notes in root.iter(f"{X}section"):
            if "notes" in (notes.get("class") or ""):
                notes.getparent().remove(notes)
        for call in root.iter(f"{X}sup"):
            if call.get("class") == "noteref":
                call.text, call[:] = "", []  # the note number; its tail is the essay's
        body = root.find(f"{X}body")
        found += words("".join(body.itertext()))
    assert found == expected


def test_epub_and_print_carry_the_same_notes_and_bibliography(book):
    """Both editions render one model: same numbers, same note texts, same entries."""
    from samizdat.writers import html as renderer
    from samizdat.writers import pamphlet

    def squash(element) -> str:
        return " ".join("".join(element.itertext()).replace(renderer.BACKLINK, "").split())

    epub_pages = renderer.render_book(book, renderer.RenderOptions(notes="end-of-chapter"))
    epub_notes = {}
    for page in epub_pages:
        for aside in page.tree.getroot().iter(f"{X}aside"):
            number = aside.find(f".//{X}span[@class='note-number']")
            shown = number.text
            number.text = ""  # "12." (print draws it with ::footnote-marker)
            epub_notes[int(shown.rstrip("."))] = squash(aside)
    html = etree.fromstring(pamphlet.pamphlet_html(book).split("\n", 1)[1], etree.HTMLParser())
    print_notes = {
        int(span.get("data-note-number")): squash(span)
        for span in html.iter("span")
        if "footnote" in (span.get("class") or "").split()
    }
    assert len(epub_notes) == len(book.notes) == 45
    assert epub_notes == print_notes
    (bibliography,) = [page for page in epub_pages if page.kind == "bibliography"]
    epub_bibliography = [squash(li) for li in bibliography.tree.getroot().iter(f"{X}li")]
    print_bibliography = [
        squash(li) for li in html.iter("li") if li.getparent().getparent().get("id") == "bibliography"
    ]
    assert epub_bibliography == print_bibliography
    assert len(epub_bibliography) == len(book.bibliography) > 15


def test_epub_and_print_title_pages_list_the_same_people(book):
    """One module renders both: the title pages and colophons name the same people."""
    from samizdat.writers import html as renderer
    from samizdat.writers import pamphlet

    epub = renderer.render_book(book, renderer.RenderOptions(notes="end-of-chapter"))
    printed = etree.fromstring(pamphlet.pamphlet_html(book).split("\n", 1)[1], etree.HTMLParser())
    for section in ("title-page", "colophon"):
        (page,) = [p for p in epub if p.body.find(f".//{X}section[@id='{section}']") is not None]
        ours = " ".join("".join(page.body.itertext()).split())
        theirs = " ".join("".join(printed.find(f".//section[@id='{section}']").itertext()).split())
        assert ours == theirs and "Tommy Lawson" in ours


def test_samizdat_check_passes_on_the_build(essay_build):
    result = subprocess.run(
        [sys.executable, "-m", "samizdat", "check", "--manuscript", str(MANUSCRIPT),
         "--out", str(essay_build), "--only", "pdf,booklet-a4,booklet-letter"],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_essay_reads_without_a_warning_and_prints_every_work_it_cites():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        book = read_book(load_manuscript(MANUSCRIPT))
    assert book.unprinted_references == []
    cited = {key for chapter in MANUSCRIPT.glob("chapters/*.md")
             for citation in find_citations(chapter.read_text(encoding="utf-8"))
             for key in citation.keys}
    assert cited <= {reference.key for reference in book.bibliography}


def test_the_epubs_page_list_follows_the_pamphlets_pages(essay_build):
    """Each page of the A5 pamphlet that begins in the text has a marker in the EPUB, before
    the words that begin that page, and an entry in the page list; pageBreakSource says so."""
    import pdfplumber

    with zipfile.ZipFile(essay_build / f"{SLUG}.epub") as epub:
        opf = epub.read("EPUB/content.opf").decode()
        nav = etree.fromstring(epub.read("EPUB/text/contents.xhtml"))
        pages = {name: etree.fromstring(epub.read(name)) for name in epub.namelist()
                 if name.startswith("EPUB/text/") and name.endswith(".xhtml")}
    assert 'property="pageBreakSource"' in opf and "pageNavigation" in opf
    entries = [(a.get("href"), a.text) for a in
               nav.iterfind(f".//{X}nav[@id='page-list']//{X}a")]
    assert len(entries) >= 30
    with pdfplumber.open(essay_build / f"{SLUG}.pdf") as pdf:
        texts = [" ".join((page.extract_text() or "").split()) for page in pdf.pages]
    for href, number in entries:
        name, anchor = href.split("#")
        marker = pages[f"EPUB/text/{name}"].find(f".//*[@id='{anchor}']")
        assert marker.get("role") == "doc-pagebreak" and marker.get("aria-label") == number
        following = " ".join((marker.tail or "").split()[:3])
        assert following and following in texts[int(number) - 1], (number, following)
