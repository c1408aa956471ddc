"""The pamphlet as WeasyPrint is given it, and what its layout yields: one HTML document of the
whole book or of one part of it (``print_parts``), the page list read from the laid-out pages.

No WeasyPrint here: the print writer (``pdf.py``) and the part-by-part layout
(``print_parts.py``) both build on this module.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone

from lxml import etree

from samizdat.document import Book, PageList
from samizdat.writers import html


@dataclass(frozen=True)
class Pamphlet:
    """A laid-out print edition: the PDF, and where each of its pages begins in the text."""

    pdf: bytes
    page_list: PageList


#: The print edition's rendering: notes at the call, running heads, the back cover.
PRINT = html.RenderOptions(notes="at-call", running_heads=True, math="svg", back_cover=True)


def pdf_identifier(book: Book) -> bytes:
    """The first half of the trailer /ID: the same for every edition of the same book."""
    return hashlib.md5(book.metadata.identifier.encode()).hexdigest().encode()


def page_map(document, uids: set[str]) -> PageList:
    """For each page, the section it begins in and its first words (for the EPUB's page list).

    The page's boxes are walked in order; the last box seen of a section with one of
    ``uids`` names the section, and the first line of text after it gives the words. Notes,
    running heads and margin boxes are not the page's text. Pages with no text are left out.
    """
    breaks = []
    for number, page in enumerate(document.pages, 1):
        root = page._page_box.children[0] if page._page_box.children else None
        section, words = None, None
        for box in root.descendants() if root is not None else ():
            element = getattr(box, "element", None)
            if element is None:
                continue
            classes = (element.get("class") or "").split()
            if element.get("id") in uids and element.tag == "section":
                section = element.get("id")
            if "footnote" in classes or "note-paragraph" in classes:
                continue
            text = getattr(box, "text", None)
            if section is not None and text and text.strip() and type(box).__name__ == "TextBox":
                words = " ".join(text.split()[:4])
                break
        if section is not None and words:
            breaks.append((number, section, words))
    return PageList(tuple(breaks))


def pamphlet_html(book: Book, *, source_date_epoch: int | None = None,
                  pages: list[html.Page] | None = None,
                  sections: list[etree._Element] | None = None) -> str:
    """The whole pamphlet as one HTML document, in reading order: the front cover, then the
    renderer's pages (title page, contents, chapters, back matter, back cover). With
    ``sections`` (HTML elements, see ``pamphlet_parts``), a document of those alone, with the
    same head and body: one part of a book laid out part by part."""
    meta = book.metadata
    document = etree.Element("html", lang=meta.lang)
    head = etree.SubElement(document, "head")
    etree.SubElement(head, "meta", charset="utf-8")
    etree.SubElement(head, "title").text = meta.full_title
    # WeasyPrint reads these <meta> names into the PDF Info dictionary and XMP.
    for author in meta.authors:
        etree.SubElement(head, "meta", name="author", content=author.name)
    if meta.description:
        etree.SubElement(head, "meta", name="description", content=meta.description)
    if meta.subjects:
        etree.SubElement(head, "meta", name="keywords", content=", ".join(meta.subjects))
    etree.SubElement(head, "meta", name="generator", content="samizdat")
    if source_date_epoch is not None:
        stamp = datetime.fromtimestamp(source_date_epoch, timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        etree.SubElement(head, "meta", name="dcterms.created", content=stamp)
        etree.SubElement(head, "meta", name="dcterms.modified", content=stamp)
    body = etree.SubElement(document, "body", {"data-book-title": meta.title})
    if sections is None:
        sections = [element for part in pamphlet_parts(book, pages) for element in part]
    body.extend(sections)
    # method="html": WeasyPrint parses HTML5, where "<span/>" would open a span, not close it.
    return "<!DOCTYPE html>\n" + etree.tostring(document, encoding="unicode", method="html")


def pamphlet_parts(book: Book, pages: list[html.Page] | None = None
                   ) -> list[list[etree._Element]]:
    """The pamphlet's body in parts, as HTML elements, each beginning a new page in print (see
    print_parts): the front matter (the cover, the title page, the contents), each chapter,
    and the back matter with the back cover. Few parts, for each has a cost of its own; the
    chapters apart, since they are what an author edits."""
    parts, groups = [[html.cover_section(book)]], ["front"]
    for page in pages if pages is not None else html.render_book(book, PRINT):
        group = ("front" if page.kind in ("titlepage", "contents")
                 else "chapter" if page.kind == "chapter" else "back")
        if group == "chapter" or group != groups[-1]:
            parts.append([])
            groups.append(group)
        parts[-1] += [child for child in page.body if isinstance(child.tag, str)]
    return [html.as_html(part) for part in parts]
