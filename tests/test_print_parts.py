"""Print laid out part by part (writers/print_parts.py, writers/pdf_join.py) is the document a
whole-book layout gives: the same pages with the same text (so the same breaks, notes and
running heads), the same bookmarks, anchors, links, page list and embedded fonts. Checked on
the essay and on the test corpora nobody here wrote (notes, equations and cross-references,
figures, another page size), read back with poppler and pypdf. Also: the same bytes every
time, from the cache or not; an edit of the last chapter lays out only what it moved; a
stylesheet that runs chapters on gets the whole-book layout."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from samizdat import cache
from samizdat.config import load_manuscript
from samizdat.errors import BuildError, ManuscriptError
from samizdat.pipeline import read_book
from samizdat.writers import print_parts
from samizdat.writers.pamphlet import pamphlet_parts
from samizdat.writers.pdf import lay_out_pamphlet

ROOT = Path(__file__).resolve().parents[1]
STYLES = ROOT / "styles"
CORPORA = ROOT / "tests" / "corpora"
EPOCH = 1_700_000_000


def lay_out(manuscript: Path, *, by_parts: bool, page_size: str = "A5", sheets=()):
    book = read_book(load_manuscript(manuscript))
    return lay_out_pamphlet(
        book, page_size=page_size, stylesheets=[STYLES / "print.css", *sheets],
        allowed_roots=[manuscript.resolve(), STYLES.resolve(), *{Path(s).parent for s in sheets}],
        source_date_epoch=EPOCH, by_parts=by_parts)


def page_texts(pdf: bytes, tmp_path: Path) -> list[str]:
    """Each page's text as poppler reads it, laid out as on the page."""
    path = tmp_path / f"{hashlib.sha256(pdf).hexdigest()[:12]}.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True)
    assert done.stderr == "", done.stderr  # poppler reads the joined file without complaint
    return done.stdout.split("\f")[:-1]


def outline(reader: PdfReader, items=None, depth=0) -> list:
    found = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            found += outline(reader, item, depth + 1)
        else:
            found.append((depth, item.title, reader.get_destination_page_number(item),
                          round(float(item.top or 0), 1)))
    return found


def links(reader: PdfReader) -> list:
    found = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            found.append((number, [round(float(v), 1) for v in annotation["/Rect"]],
                          str(annotation.get("/Dest")),
                          str(annotation.get("/A", {}).get("/URI"))))
    return found


def anchors(reader: PdfReader) -> dict:
    return {name: (reader.get_destination_page_number(dest), round(float(dest.top or 0), 1))
            for name, dest in reader.named_destinations.items()}


def font_programs(reader: PdfReader) -> set:
    programs = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            for descendant in font.get_object()["/DescendantFonts"]:
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                data = descriptor["/FontFile2"].get_object().get_data()
                programs.add((str(descriptor["/FontName"]), hashlib.sha256(data).hexdigest()))
    return programs


def assert_same_document(whole, parts, tmp_path: Path) -> None:
    a, b = PdfReader(io.BytesIO(whole.pdf)), PdfReader(io.BytesIO(parts.pdf))
    assert len(a.pages) == len(b.pages)
    assert [page.mediabox for page in a.pages] == [page.mediabox for page in b.pages]
    assert page_texts(whole.pdf, tmp_path) == page_texts(parts.pdf, tmp_path)
    assert outline(a) == outline(b)
    assert anchors(a) == anchors(b)
    assert links(a) == links(b)
    # One embedded subset per face, byte for byte the one the whole book embeds.
    assert font_programs(a) == font_programs(b)
    assert whole.page_list == parts.page_list
    assert a.metadata == b.metadata
    assert a.trailer["/Root"]["/Lang"] == b.trailer["/Root"]["/Lang"]
    assert a.trailer["/Root"]["/Metadata"].get_data() == b.trailer["/Root"]["/Metadata"].get_data()


@pytest.mark.parametrize("manuscript, page_size", [
    (ROOT / "manuscript", "A5"),
    (ROOT / "manuscript", "5.5in 8.5in"),
    (CORPORA / "paine-essays", "A5"),
    (CORPORA / "joss-tikhonov-fenichel", "A5"),
    (CORPORA / "figures", "A5"),
], ids=["essay", "essay-half-letter", "paine", "joss", "figures"])
def test_parts_make_the_whole_books_document(manuscript, page_size, tmp_path):
    whole = lay_out(manuscript, by_parts=False, page_size=page_size)
    parts = lay_out(manuscript, by_parts=True, page_size=page_size)
    assert whole.pdf != parts.pdf  # two ways, really: the parts' file is pypdf's
    assert_same_document(whole, parts, tmp_path)


def test_the_contents_give_the_chapters_pages(tmp_path):
    parts = lay_out(ROOT / "manuscript", by_parts=True)
    texts = page_texts(parts.pdf, tmp_path)
    reader = PdfReader(io.BytesIO(parts.pdf))
    contents = next(text for text in texts if text.lstrip().startswith("Contents"))
    for depth, title, page, _ in outline(reader):
        if depth == 0 and title.split()[0] in contents:
            line = next(line for line in contents.splitlines() if title[:25] in line)
            assert line.rstrip().endswith(f" {page + 1}"), (title, line)


def test_same_bytes_every_time_from_the_cache_or_not(tmp_path):
    manuscript = CORPORA / "paine-essays"
    cold = lay_out(manuscript, by_parts=True).pdf
    assert lay_out(manuscript, by_parts=True).pdf == cold
    cache.use(tmp_path / "cache")
    try:
        assert lay_out(manuscript, by_parts=True).pdf == cold  # stores every part
        assert lay_out(manuscript, by_parts=True).pdf == cold  # reads every part
        assert list((tmp_path / "cache" / "print-part").glob("*/*"))
    finally:
        cache.use(None)


def entries(folder: Path) -> int:
    """How many laid-out parts a cache holds."""
    return len([path for path in (folder / "print-part").glob("*/*/*")
                if not path.name.endswith(".lock")])


def opens(section_id: str, document_html: str) -> bool:
    """Whether a part's HTML holds the section ``section_id`` (not a lead page's stub)."""
    return re.search(rf'<section[^>]*\sid="{re.escape(section_id)}"', document_html) is not None


def test_an_edit_of_the_last_chapter_lays_out_only_what_it_moved(tmp_path, monkeypatch):
    manuscript = tmp_path / "book"
    shutil.copytree(CORPORA / "paine-essays", manuscript)
    laid_out = []
    real = print_parts._lay_out_part

    def counting(printer, document, end, *args):
        laid_out.append(document(end % 2))
        return real(printer, document, end, *args)

    monkeypatch.setattr(print_parts, "_lay_out_part", counting)
    cache.use(tmp_path / "cache")
    try:
        first = lay_out(manuscript, by_parts=True)
        chapters = read_book(load_manuscript(manuscript)).chapters
        assert len(chapters) >= 3
        assert all(any(opens(chapter.id, part) for part in laid_out) for chapter in chapters)
        before = entries(tmp_path / "cache")
        last = chapters[-1].source
        last.write_text(last.read_text(encoding="utf-8").rstrip("\n")
                        + " An edited sentence.\n", encoding="utf-8")
        laid_out.clear()
        edited = lay_out(manuscript, by_parts=True)
        # The edited chapter and what comes after it (the back matter, whose pages it may
        # move, and the contents, which give those pages); no other chapter.
        assert any(opens(chapters[-1].id, part) and "An edited sentence." in part
                   for part in laid_out)
        assert not any(opens(chapter.id, part) for chapter in chapters[:-1] for part in laid_out)
        assert edited.pdf != first.pdf
        # The parts the edit made old are gone: the cache holds one book's parts, not one
        # set per edit.
        assert entries(tmp_path / "cache") == before
    finally:
        cache.use(None)
    # What the cache gave is what a build from nothing gives.
    assert edited.pdf == lay_out(manuscript, by_parts=True).pdf


def test_chapters_run_on_are_laid_out_whole(tmp_path):
    sheet = tmp_path / "run-on.css"
    sheet.write_text(".chapter { break-before: auto; page: auto; }\n", encoding="utf-8")
    manuscript = ROOT / "manuscript"
    whole = lay_out(manuscript, by_parts=False, sheets=[sheet])
    assert lay_out(manuscript, by_parts=True, sheets=[sheet]).pdf == whole.pdf


@pytest.mark.parametrize("css, whole", [
    ("p { color: #333; }", False),
    ("@page { @bottom-center { content: counter(page) ' of ' counter(pages); } }", True),
    ("@page :nth(3) { margin-top: 30mm; }", True),
    ("@page :first { margin-top: 40mm; }", True),
    ("a.see::after { content: ' (p. ' target-counter(attr(href url), page) ')'; }", True),
    ("h1::before { content: target-text(attr(data-ref url)); }", True),
    (".note::footnote-marker { content: counter(footnote); }", True),
    ("@import url(more.css);", True),  # more.css counts pages
    ("h2 { string-set: section content(); }", True),
    ("@media print { h2 { string-set: section content(); } }", True),
    ("h2 { counter-increment: section; } h2::before { content: counter(section) '. '; }", True),
    (".sidenote { float: footnote; }", True),
    ("h2 { position: running(section); } @page { @top-left { content: element(section); } }",
     True),
    ("@page cover, front { counter-reset: page; }", True),
    ("@page :First { margin-top: 40mm; }", True),
    (".contents a::after { content: none; }", True),
    (".chapter > p:first-child { font-variant: small-caps; }", True),
    ("@media print { p { hyphens: manual; } }", False),
    (".running-head-mark { string-set: chapter-title attr(data-running-head); }", False),
])
def test_stylesheets_that_look_across_parts_get_the_whole_book(css, whole, tmp_path):
    (tmp_path / "more.css").write_text("p::after { content: counter(pages); }\n")
    sheet = tmp_path / "extra.css"
    sheet.write_text(css + "\n", encoding="utf-8")
    assert print_parts.separable([STYLES / "print.css"])
    assert print_parts.separable([STYLES / "print.css", sheet]) is not whole


def test_a_page_total_in_the_folio_counts_the_whole_book(tmp_path):
    sheet = tmp_path / "total.css"
    sheet.write_text("@page :right { @bottom-right { content: counter(page) ' / ' "
                     "counter(pages); } }\n", encoding="utf-8")
    manuscript = CORPORA / "paine-essays"
    chosen = lay_out(manuscript, by_parts=None, sheets=[sheet])
    assert chosen.pdf == lay_out(manuscript, by_parts=False, sheets=[sheet]).pdf
    total = len(PdfReader(io.BytesIO(chosen.pdf)).pages)
    texts = page_texts(chosen.pdf, tmp_path)
    assert any(f"{number} / {total}" in text for number, text in enumerate(texts, 1))


def test_chapters_that_open_on_the_left(tmp_path, monkeypatch):
    """A part that must begin on a left-hand page after a left-hand page needs the blank
    page between: laid out after two lead pages (print_parts._lay_out_part)."""
    sheet = tmp_path / "left.css"
    sheet.write_text(".chapter { break-before: left; }\n", encoding="utf-8")
    leads = []
    real = print_parts._lay_out_part

    def spy(*args):
        part = real(*args)
        leads.append(part.lead)
        return part

    monkeypatch.setattr(print_parts, "_lay_out_part", spy)
    manuscript = CORPORA / "joss-tikhonov-fenichel"
    whole = lay_out(manuscript, by_parts=False, sheets=[sheet])
    parts = lay_out(manuscript, by_parts=True, sheets=[sheet])
    assert 2 in leads  # the path this test is for was taken
    assert_same_document(whole, parts, tmp_path)


def test_notes_pushed_past_a_chapters_end_get_the_whole_book(tmp_path):
    """A long note called at the end of a chapter does not fit under its call's page: in the
    whole book WeasyPrint sets it at the foot of the next chapter's first page; a part on its
    own would end on a page of its own for it, and every later page would move."""
    manuscript = ROOT / "tests" / "fixtures" / "notes-overflow"
    whole = lay_out(manuscript, by_parts=False)
    assert lay_out(manuscript, by_parts=True).pdf == whole.pdf


def test_an_id_in_two_chapters_is_refused_as_in_the_whole_book(tmp_path):
    """The reader refuses a manuscript that gives an id in two chapters, at file:line (M024,
    tests/test_cli_errors.py). A model that reaches the layout with one all the same is
    refused by the part-by-part layout as by the whole-book one."""
    manuscript = tmp_path / "book"
    shutil.copytree(ROOT / "tests" / "fixtures" / "notes-overflow", manuscript)
    for name, ident in (("01-one.md", "aside"), ("02-two.md", "other")):
        path = manuscript / "chapters" / name
        path.write_text(path.read_text(encoding="utf-8") + f"\n## Aside {{#{ident}}}\n\nText.\n",
                        encoding="utf-8")
    twice = manuscript / "chapters" / "02-two.md"
    twice.write_text(twice.read_text(encoding="utf-8").replace("{#other}", "{#aside}"),
                     encoding="utf-8")
    with pytest.raises(ManuscriptError, match="the id 'aside' is given twice"):
        read_book(load_manuscript(manuscript))
    twice.write_text(twice.read_text(encoding="utf-8").replace("{#aside}", "{#other}"),
                     encoding="utf-8")
    errors = []
    for by_parts in (False, True):
        book = read_book(load_manuscript(manuscript))
        (other,) = [e for e in book.chapters[1].content.iter() if e.get("id") == "other"]
        other.set("id", "aside")
        with pytest.raises(BuildError) as raised:
            lay_out_pamphlet(book, page_size="A5", stylesheets=[STYLES / "print.css"],
                             allowed_roots=[manuscript.resolve(), STYLES.resolve()],
                             source_date_epoch=EPOCH, by_parts=by_parts)
        errors.append(str(raised.value))
    assert "aside" in errors[0] and errors[0] == errors[1]


def test_the_contents_numbering_does_not_depend_on_the_cache(tmp_path):
    """A contents can have two numberings that each reproduce themselves (one that wraps an
    entry and moves the chapters on, one that does not). Found by review: a title just short
    of wrapping, after a build of a longer one with the same cache."""
    manuscript = tmp_path / "book"
    title = "The long title of the second chapter goes on and on and on until it mm"

    def write(second_title: str) -> None:
        shutil.rmtree(manuscript, ignore_errors=True)
        (manuscript / "chapters").mkdir(parents=True)
        (manuscript / "metadata.yaml").write_text(
            "title: Tiny Book\nauthor:\n  - name: Ann Author\nlang: en\n"
            "identifier: urn:uuid:11111111-2222-3333-4444-555555555599\n", encoding="utf-8")
        for number in range(1, 53):
            heading = second_title if number == 2 else f"Chapter {number}"
            (manuscript / "chapters" / f"{number:03d}-c.md").write_text(
                f"# {heading}\n\nShort text {number}.\n", encoding="utf-8")

    write(title)
    cold = lay_out(manuscript, by_parts=True).pdf
    cache.use(tmp_path / "cache")
    try:
        write(title + "mmmmmmmmmm")
        lay_out(manuscript, by_parts=True)
        write(title)
        warm = lay_out(manuscript, by_parts=True).pdf
    finally:
        cache.use(None)
    assert warm == cold


def test_a_face_from_a_font_collection(tmp_path):
    """A .ttc holds several faces: the join subsets the one each font of the PDF came from."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.ttCollection import TTCollection

    fonts = tmp_path / "fonts"
    fonts.mkdir()
    collection = TTCollection()
    collection.fonts = [TTFont(STYLES / "fonts" / "CharisSIL-Regular.ttf"),
                        TTFont(STYLES / "fonts" / "CharisSIL-Bold.ttf")]
    collection.save(fonts / "pair.ttc")
    sheet = tmp_path / "pair.css"
    sheet.write_text('@font-face { font-family: "Pair"; src: url(fonts/pair.ttc); }\n'
                     'html, .cover-title, strong, h1 { font-family: "Pair"; }\n',
                     encoding="utf-8")
    manuscript = CORPORA / "paine-essays"
    whole = lay_out(manuscript, by_parts=False, sheets=[sheet])
    parts = lay_out(manuscript, by_parts=True, sheets=[sheet])
    assert any("Pair-Bold" in name for name, _ in font_programs(PdfReader(io.BytesIO(parts.pdf))))
    assert_same_document(whole, parts, tmp_path)


def test_a_part_cut_short_in_the_cache_is_laid_out_again(tmp_path):
    manuscript = CORPORA / "paine-essays"
    cache.use(tmp_path / "cache")
    try:
        first = lay_out(manuscript, by_parts=True).pdf
        stored = [path for path in (tmp_path / "cache" / "print-part").glob("*/*/*")
                  if not path.name.endswith(".lock")]
        for path in stored[:2]:
            path.write_bytes(b"")  # a crash between write and rename on a careless filesystem
        assert lay_out(manuscript, by_parts=True).pdf == first
    finally:
        cache.use(None)
