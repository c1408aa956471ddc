"""The print writer: a Book as a paginated PDF (the A5 pamphlet and its other page sizes).

Python builds the structure (cover, title page, contents, chapters, back cover) as one HTML
document with classes; every visual decision lives in ``styles/print.css``. WeasyPrint lays it
out. Three guards make the output trustworthy:

- a fetcher that reads only files under ``allowed_roots`` (see ``fetcher.py``);
- every WeasyPrint warning or error becomes a ``BuildError``: WeasyPrint reports ignored CSS,
  missing images and the like only through its logger and carries on;
- every font embedded in the PDF must be one of our own ``@font-face`` files, compared by
  content: a missing glyph would otherwise be set silently in whatever system face fontconfig
  picks, and a system-wide font of the same name would pass for ours.
"""

from __future__ import annotations

import hashlib
import logging
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from samizdat.document import Book, Chapter, Note
from samizdat.errors import BuildError
from samizdat.writers.fetcher import ManuscriptFetcher
from samizdat.writers.weasyprint_fixes import print_layout_rules

#: The issue's limit on consecutive hyphenated lines. CSS would say hyphenate-limit-lines: 2,
#: which WeasyPrint 70 does not implement; weasyprint_fixes.print_layout_rules enforces it.
MAX_HYPHENATED_LINES = 2

#: Heading of the contents page, by primary language subtag of ``metadata.lang``.
CONTENTS_LABEL = {
    "en": "Contents",
    "de": "Inhalt",
    "fr": "Table des matières",
    "es": "Índice",
    "it": "Indice",
    "pt": "Sumário",
    "ru": "Содержание",
    "uk": "Зміст",
    "pl": "Spis treści",
    "cs": "Obsah",
}


def render_pamphlet(
    book: Book,
    *,
    page_size: str,
    stylesheets: list[Path],
    allowed_roots: list[Path],
    pdf_variant: str | None = None,
    source_date_epoch: int | None = None,
) -> bytes:
    """Lay the book out on ``page_size`` pages (a CSS ``size`` value) and return the PDF bytes.

    ``source_date_epoch`` fixes the PDF dates (the build reads ``SOURCE_DATE_EPOCH`` once, in
    build.py, for every writer); without it the PDF carries no dates at all, so that two
    renders of the same input are always byte-identical.
    """
    html = pamphlet_html(book, source_date_epoch=source_date_epoch)
    fetcher = ManuscriptFetcher(allowed_roots)
    records: list[logging.LogRecord] = []
    try:
        with _weasyprint_log(records):
            # One FontConfiguration for every sheet and for the render: WeasyPrint 70 registers
            # a stylesheet's @font-face rules only with the configuration the CSS object was
            # built with (css/__init__.py: "if font_config is not None: add_font_face"), and
            # lays out only with the one render() is given. Without it our fonts/ files are
            # never loaded and the book is set in whatever "Charis SIL" fontconfig finds on
            # this machine, or in DejaVu.
            font_config = FontConfiguration()
            sheets = [CSS(filename=str(path), url_fetcher=fetcher, font_config=font_config)
                      for path in stylesheets]
            # Last, so that it wins over any size a stylesheet might set.
            sheets.append(CSS(string=f"@page {{ size: {page_size}; }}", url_fetcher=fetcher,
                              font_config=font_config))
            with print_layout_rules(max_hyphenated_lines=MAX_HYPHENATED_LINES):
                document = HTML(
                    string=html,
                    base_url=Path(book.manuscript_dir).resolve().as_uri() + "/",
                    url_fetcher=fetcher,
                ).render(stylesheets=sheets, font_config=font_config)
            pdf = document.write_pdf(
                pdf_variant=pdf_variant,
                finisher=lambda document, pdf: _add_xmp_packet(
                    document, pdf, subjects=list(book.metadata.subjects or [])),
                # First half of the trailer /ID: stable across editions of the same book.
                pdf_identifier=hashlib.md5(book.metadata.identifier.encode()).hexdigest().encode(),
            )
    except FatalURLFetchingError as fatal:
        cause = fatal.__cause__
        if isinstance(cause, BuildError):
            raise cause from None
        raise BuildError(f"{fatal}: {cause}", hint="check the file name and the folder") from None
    if fetcher.refusals:  # a refusal some code path swallowed after all
        raise BuildError(f"refused to fetch {', '.join(map(repr, fetcher.refusals))}")
    if records:
        messages = "; ".join(record.getMessage() for record in records)
        raise BuildError(f"WeasyPrint reported {len(records)} problem(s): {messages}",
                         hint="fix the stylesheet or the manuscript reference it names")
    require_own_fonts(document, fetcher)
    return pdf


def require_own_fonts(document, fetcher: ManuscriptFetcher) -> None:
    """Every font embedded in ``document`` must be a file our ``@font-face`` rules loaded.

    Checked by content, not by name: a "Charis SIL" of another version installed system-wide
    is called Charis-SIL in the PDF too. WeasyPrint subsets the font while writing, so the
    original file is read back from the HarfBuzz face (``get_hb_object_data``, WeasyPrint 70).
    Call after ``write_pdf``, which is when ``document.fonts`` is filled.
    """
    from weasyprint.text.fonts import get_hb_object_data

    strangers = sorted({
        font.name.decode().split("+", 1)[-1]
        for font in document.fonts.values()
        if hashlib.sha256(bytes(get_hb_object_data(font.hb_face))).hexdigest() not in fetcher.served
    })
    if strangers:
        raise BuildError(
            f"text set in a font other than the book face: {', '.join(strangers)}",
            hint="a character is missing from the book face, or a @font-face file did not load",
        )


RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"


def _add_xmp_packet(document, pdf, *, subjects: list[str]) -> None:
    """Write the XMP packet WeasyPrint writes only for PDF/A, PDF/UA and PDF/X.

    The issue wants title, author, subject, keywords, language and dates in XMP as well as in the
    document information. WeasyPrint's own RDF (dc:title, dc:creator, dc:description,
    pdf:Keywords, xmp:CreatorTool, xmp:CreateDate/ModifyDate, pdf:Producer) is used as it is,
    with dc:language and dc:subject added: one subject per entry of metadata.yaml, as WeasyPrint
    would split "Miasnikov, G. I., 1889-1945" at its commas. Nothing random goes in (no xmpMM:DocumentID), so two
    renders with the same epoch stay byte-identical. A variant's packet is left alone.
    """
    if "Metadata" in pdf.catalog:
        return
    import pydyf

    metadata = document.metadata
    rdf = ET.fromstring(metadata.generate_rdf_metadata(None, None, None))
    description = ET.SubElement(rdf, f"{{{RDF}}}Description", {f"{{{RDF}}}about": ""})
    for name, values in (("language", [metadata.lang] if metadata.lang else []),
                         ("subject", subjects)):
        if values:
            bag = ET.SubElement(ET.SubElement(description, f"{{{DC}}}{name}"), f"{{{RDF}}}Bag")
            for value in values:
                ET.SubElement(bag, f"{{{RDF}}}li").text = value
    packet = b"\n".join((
        b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>',
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/">',
        ET.tostring(rdf, encoding="utf-8", xml_declaration=False),
        b"</x:xmpmeta>",
        b'<?xpacket end="r"?>',
    ))
    # Uncompressed, as XMP readers that scan files for packets expect.
    stream = pydyf.Stream([packet], {"Type": "/Metadata", "Subtype": "/XML"})
    pdf.add_object(stream)
    pdf.catalog["Metadata"] = stream.reference


def pamphlet_html(book: Book, *, source_date_epoch: int | None = None) -> str:
    """The whole pamphlet as one HTML document, in reading order."""
    meta = book.metadata
    authors = ", ".join(author.name for author in meta.authors)

    html = ET.Element("html", lang=meta.lang)
    head = ET.SubElement(html, "head")
    ET.SubElement(head, "meta", charset="utf-8")
    ET.SubElement(head, "title").text = meta.full_title
    # WeasyPrint reads these <meta> names into the PDF Info dictionary and XMP.
    for author in meta.authors:
        ET.SubElement(head, "meta", name="author", content=author.name)
    if meta.description:
        ET.SubElement(head, "meta", name="description", content=meta.description)
    if meta.subjects:
        ET.SubElement(head, "meta", name="keywords", content=", ".join(meta.subjects))
    ET.SubElement(head, "meta", name="generator", content="samizdat")
    if source_date_epoch is not None:
        stamp = datetime.fromtimestamp(source_date_epoch, timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        ET.SubElement(head, "meta", name="dcterms.created", content=stamp)
        ET.SubElement(head, "meta", name="dcterms.modified", content=stamp)

    body = ET.SubElement(html, "body", {"data-book-title": meta.title})

    cover = ET.SubElement(body, "section", {"class": "cover", "id": "cover"})
    _text(cover, "h1", meta.title, "cover-title")
    _text(cover, "p", meta.subtitle, "cover-subtitle")
    _text(cover, "p", authors, "cover-author")

    title_page = ET.SubElement(body, "section", {"class": "title-page", "id": "title-page"})
    _text(title_page, "h1", meta.title, "title-page-title")
    _text(title_page, "p", meta.subtitle, "title-page-subtitle")
    _text(title_page, "p", authors, "title-page-author")
    _text(title_page, "p", meta.publisher, "title-page-publisher")

    titled = [chapter for chapter in book.chapters if chapter.title]
    back = back_matter(book)
    if titled:
        contents = ET.SubElement(body, "nav", {"class": "contents", "id": "contents"})
        label = CONTENTS_LABEL.get(meta.lang.split("-")[0].lower(), CONTENTS_LABEL["en"])
        _text(contents, "h2", label, "contents-heading")
        entries = ET.SubElement(contents, "ol")
        for chapter in titled:
            entry = ET.SubElement(ET.SubElement(entries, "li"), "a", href=f"#{chapter.id}")
            entry.text = chapter.title
        for section in back:
            heading = section.find("h1")
            if section.get("id") in ("bibliography", "editorial-note") and heading is not None:
                item = ET.SubElement(entries, "li", {"class": "back-matter-entry"})
                entry = ET.SubElement(item, "a", href=f"#{section.get('id')}")
                entry.text = "".join(heading.itertext())

    for chapter in book.chapters:
        body.append(_chapter_section(chapter, meta.title))

    body.extend(back)

    back = ET.SubElement(body, "section", {"class": "back-cover", "id": "back-cover"})
    _text(back, "p", meta.description, "back-cover-description")

    # method="html": WeasyPrint parses HTML5, where "<span/>" would open a span, not close it.
    return "<!DOCTYPE html>\n" + ET.tostring(html, encoding="unicode", method="html")


def _chapter_section(chapter: Chapter, book_title: str) -> ET.Element:
    section = ET.fromstring(f"<section>{chapter.body}</section>")
    section.set("class", "chapter")
    section.set("id", chapter.id)
    # An empty first child carries the running head (why not the section: see print.css).
    mark = ET.Element("div", {"class": "running-head-mark",
                              "data-running-head": chapter.title or book_title})
    section.insert(0, mark)
    place_notes(section, chapter.notes)
    return section


def place_notes(section: ET.Element, notes: list[Note]) -> None:
    """Put each note at its call, as ``<span class="footnote">`` for ``float: footnote``.

    The notes transform left a call ``<a class="noteref" id="noteref-N" href="#note-N">N</a>``
    where each note belongs. The call stays, so that it is a link in the PDF (WeasyPrint's own
    ::footnote-call cannot be one; print.css draws none), and the note follows it with no
    space between, so that both always fall on the same line. The number is the model's.
    """
    by_id = {note.id: note for note in notes}
    parents = {child: parent for parent in section.iter() for child in parent}
    for call in list(section.iter("a")):
        if "noteref" not in call.get("class", "").split():
            continue
        note = by_id[call.get("href", "").lstrip("#")]
        span = ET.Element("span", {"class": f"footnote {note.kind}", "id": note.id,
                                   "data-note-number": str(note.number)})
        _fill_note(span, ET.fromstring(f"<div>{note.body}</div>"))
        span.tail, call.tail = call.tail, None
        parent = parents[call]
        parent.insert(list(parent).index(call) + 1, span)


def _fill_note(note: ET.Element, body: ET.Element) -> None:
    # A <p> inside the inline <span> would make the HTML parser close the surrounding paragraph,
    # so each paragraph of the note becomes a block-displayed span.
    blocks = [(p.text, list(p)) for p in body] if len(body) else [(body.text, [])]
    for text, children in blocks:
        paragraph = ET.SubElement(note, "span", {"class": "note-paragraph"})
        paragraph.text = text
        paragraph.extend(children)


def back_matter(book: Book) -> list[ET.Element]:
    """Bibliography, editorial note and colophon: the same documents the EPUB carries."""
    from samizdat.writers import xhtml

    trees = []
    if book.bibliography:
        trees.append(xhtml.bibliography_document(book, []))
    if book.corrections:
        trees.append(xhtml.editorial_note_document(book, []))
    trees.append(xhtml.colophon(book, []))
    sections = []
    for tree in trees:
        section = _plain_html(tree.getroot().find(f"{{{xhtml.XHTML_NS}}}body")[0])
        section.set("class", (section.get("class", "") + " back-matter").strip())
        heading = section.find("h1")
        if heading is not None:
            section.insert(0, ET.Element("div", {
                "class": "running-head-mark",
                "data-running-head": " ".join("".join(heading.itertext()).split()),
            }))
        sections.append(section)
    return sections


def _plain_html(element) -> ET.Element:
    """An lxml XHTML element as a plain ElementTree element: no namespaces, no epub:type."""
    from lxml import etree

    copy = ET.fromstring(etree.tostring(element, encoding="unicode"))
    for node in copy.iter():
        node.tag = node.tag.rsplit("}", 1)[-1]
        for name in [n for n in node.attrib if n.startswith("{")]:
            value = node.attrib.pop(name)
            if name.endswith("}lang"):
                node.set("lang", value)
    return copy


def _text(parent: ET.Element, tag: str, text: str | None, css_class: str) -> None:
    if text:
        ET.SubElement(parent, tag, {"class": css_class}).text = text


class _weasyprint_log:
    """Collect WARNING and ERROR records of the ``weasyprint`` loggers during a render."""

    def __init__(self, records: list[logging.LogRecord]) -> None:
        self.handler = logging.Handler(logging.WARNING)
        self.handler.emit = records.append  # type: ignore[method-assign]
        self.logger = logging.getLogger("weasyprint")  # weasyprint.progress propagates to it

    def __enter__(self):
        self.level = self.logger.level
        # A caller who silenced WeasyPrint must not silence our guard.
        if self.logger.getEffectiveLevel() > logging.WARNING:
            self.logger.setLevel(logging.WARNING)
        self.logger.addHandler(self.handler)
        return self

    def __exit__(self, *exc_info):
        self.logger.removeHandler(self.handler)
        self.logger.setLevel(self.level)
