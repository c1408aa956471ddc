"""The print writer: a Book as a paginated PDF (the A5 pamphlet and its other page sizes).

The pages are the one renderer's (``html.py``), with each note at its call (floated to the
foot of the page by print.css) and running heads; this module joins them into one HTML
document after the front cover and hands it to WeasyPrint. Every visual decision lives in
``styles/print.css``. Three guards make the output trustworthy:

- a fetcher that reads only files under ``allowed_roots`` (see ``fetcher.py``);
- every WeasyPrint warning or error becomes a ``BuildError``: WeasyPrint reports ignored CSS,
  missing images and the like only through its logger and carries on;
- every font embedded in the PDF must be one of our own ``@font-face`` files, compared by
  content: a missing glyph would otherwise be set silently in whatever system face fontconfig
  picks, and a system-wide font of the same name would pass for ours.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError


from samizdat.document import Book
from samizdat.errors import BuildError
from samizdat.writers import html
from samizdat.writers.fetcher import ManuscriptFetcher
from samizdat.writers.fonts import refuse_unset_characters, require_own_fonts
from samizdat.writers.pamphlet import (PRINT, Pamphlet, page_map, pamphlet_html,
                                       pdf_identifier)
from samizdat.writers.weasyprint_fixes import print_layout_rules

#: The issue's limit on consecutive hyphenated lines. CSS would say hyphenate-limit-lines: 2,
#: which WeasyPrint 70 does not implement; weasyprint_fixes.print_layout_rules enforces it.
MAX_HYPHENATED_LINES = 2

def render_pamphlet(book: Book, **options) -> bytes:
    """Lay the book out and return the PDF bytes (see ``lay_out_pamphlet``)."""
    return lay_out_pamphlet(book, **options).pdf


def lay_out_pamphlet(
    book: Book,
    *,
    page_size: str,
    stylesheets: list[Path],
    allowed_roots: list[Path],
    pdf_variant: str | None = None,
    source_date_epoch: int | None = None,
    by_parts: bool | None = None,
) -> Pamphlet:
    """Lay the book out on ``page_size`` pages (a CSS ``size`` value).

    ``source_date_epoch`` fixes the PDF dates (the build reads ``SOURCE_DATE_EPOCH`` once, in
    build.py, for every writer); without it the PDF carries no dates at all, so that two
    renders of the same input are always byte-identical.

    The book is laid out part by part (``print_parts``: each chapter its own WeasyPrint
    document, kept in the build's cache, the parts joined into one PDF), except for a PDF
    variant (PDF/A, PDF/UA: their tags and structure tree span the whole document), which is
    laid out whole. ``by_parts`` forces one way or the other (the tests compare the two).
    """
    from samizdat.writers import print_parts

    pages = html.render_book(book, PRINT)
    printer = Printer(book, page_size=page_size, stylesheets=stylesheets,
                      allowed_roots=allowed_roots)
    if by_parts is None:
        by_parts = pdf_variant is None and print_parts.separable(stylesheets)
    if by_parts:
        try:
            return print_parts.lay_out(book, pages, printer,
                                       source_date_epoch=source_date_epoch)
        except print_parts.NotSeparable:
            pass  # the parts would not make the whole book's pages (print_parts says why)
    document, pdf = printer.render(
        pamphlet_html(book, source_date_epoch=source_date_epoch, pages=pages),
        pdf_variant=pdf_variant)
    return Pamphlet(pdf, page_map(document, {page.uid for page in pages}))


class Printer:
    """WeasyPrint set up once for a book's print edition: the guarded fetcher, one
    FontConfiguration, the stylesheets parsed once, and the guards every render passes."""

    def __init__(self, book: Book, *, page_size: str, stylesheets: list[Path],
                 allowed_roots: list[Path]) -> None:
        self.book = book
        self.page_size = page_size
        self.stylesheets = list(stylesheets)
        self.allowed_roots = list(allowed_roots)
        self.fetcher = ManuscriptFetcher(allowed_roots)
        self._sheets = None

    def _css(self, **source):
        return CSS(url_fetcher=self.fetcher, font_config=self.font_config, **source)

    def sheets(self) -> list:
        if self._sheets is None:
            # One FontConfiguration for every sheet and for the render: WeasyPrint 70
            # registers a stylesheet's @font-face rules only with the configuration the CSS
            # object was built with (css/__init__.py: "if font_config is not None:
            # add_font_face"), and lays out only with the one render() is given. Without it
            # our fonts/ files are never loaded and the book is set in whatever "Charis SIL"
            # fontconfig finds on this machine, or in DejaVu.
            self.font_config = FontConfiguration()
            self._sheets = [self._css(filename=str(path)) for path in self.stylesheets]
            # Last, so that it wins over any size a stylesheet might set.
            self._sheets.append(self._css(string=f"@page {{ size: {self.page_size}; }}"))
        return self._sheets

    def render(self, document_html: str, *, extra_css: str | None = None,
               pdf_variant: str | None = None):
        """Lay out and paint one HTML document; return WeasyPrint's Document and the PDF."""
        book = self.book
        records: list[logging.LogRecord] = []
        try:
            with _weasyprint_log(records):
                sheets = self.sheets()
                if extra_css:
                    sheets = [*sheets, self._css(string=extra_css)]
                with print_layout_rules(max_hyphenated_lines=MAX_HYPHENATED_LINES):
                    document = HTML(
                        string=document_html,
                        base_url=Path(book.manuscript_dir).resolve().as_uri() + "/",
                        url_fetcher=self.fetcher,
                    ).render(stylesheets=sheets, font_config=self.font_config)
                pdf = document.write_pdf(
                    pdf_variant=pdf_variant,
                    finisher=lambda document, pdf: _add_xmp_packet(
                        document, pdf, subjects=list(book.metadata.subjects or [])),
                    # First half of the trailer /ID: stable across editions of the same book.
                    pdf_identifier=pdf_identifier(book),
                )
        except FatalURLFetchingError as fatal:
            cause = fatal.__cause__
            if isinstance(cause, BuildError):
                raise cause from None
            raise BuildError(f"{fatal}: {cause}",
                             hint="check the file name and the folder") from None
        if self.fetcher.refusals:  # a refusal some code path swallowed after all
            raise BuildError(f"refused to fetch {', '.join(map(repr, self.fetcher.refusals))}")
        refuse_unset_characters(records, book)
        if records:
            messages = "; ".join(record.getMessage() for record in records)
            raise BuildError(f"WeasyPrint reported {len(records)} problem(s): {messages}",
                             hint="fix the stylesheet or the manuscript reference it names")
        require_own_fonts(document, self.fetcher, book)
        return document, pdf


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
