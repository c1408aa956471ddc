"""Book -> KEPUB: the EPUB with the markup Kobo's reader (nickel) uses for its own books.

With ``koboSpan`` sentence spans Kobo counts reading progress and time left per sentence and
highlights exactly; with the ``book-columns``/``book-inner`` wrappers its pagination engine lays
out columns as it does for store books. Both are what Kobo's own conversion and kepubify add.
The result stays a valid EPUB 3: spans only ever wrap text, never move or split an element, so
note calls and links keep their structure.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from samizdat.document import Book
from samizdat.document import PageList
from samizdat.writers.epub import write_package
from samizdat.writers.html import XHTML_NS

# Blocks whose text Kobo counts as one paragraph. A block holding another (li > p) is not one.
PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "figcaption", "caption"}
PARAGRAPHS |= {"td", "th", "pre"}

# A sentence ends at . ! ? or …, possibly followed by closing quotes or brackets, then space.
_SENTENCE = re.compile(r".+?(?:[.!?…]+[”’\"'»)\]]*(?:\s+|$)|$)", re.S)


def write_kepub(
    book: Book, out: Path, *, stylesheets: list[Path], source_date_epoch: int | None = None,
    page_list: PageList | None = None, styles_dir: Path | None = None,
) -> None:
    write_package(
        book,
        out,
        stylesheets=stylesheets,
        styles_dir=styles_dir,
        source_date_epoch=source_date_epoch,
        finish_document=kobo_markup,
        page_list=page_list,
    )


def kobo_markup(tree: etree._ElementTree) -> None:
    body = tree.getroot().find(f"{{{XHTML_NS}}}body")
    add_sentence_spans(body)
    wrap_columns(body)


def _local(element: etree._Element) -> str | None:
    return etree.QName(element).localname if isinstance(element.tag, str) else None


def add_sentence_spans(body: etree._Element) -> None:
    """``<span class="koboSpan" id="kobo.P.S">`` around each sentence, P and S from 1."""
    paragraph = 0

    def visit(element: etree._Element) -> None:
        nonlocal paragraph
        if _local(element) in PARAGRAPHS and not any(
            _local(inner) in PARAGRAPHS for inner in element.iterdescendants()
        ):
            paragraph += 1
            _span_paragraph(element, paragraph)
            return
        for child in list(element):
            if isinstance(child.tag, str):
                visit(child)

    visit(body)


def split_sentences(text: str) -> list[str]:
    return _SENTENCE.findall(text)


#: Elements whose text is not the book's prose but another vocabulary's: MathML token elements
#: allow no HTML inside them (EPUBCheck RSC-005), nor does SVG's text.
FOREIGN = ("{http://www.w3.org/1998/Math/MathML}", "{http://www.w3.org/2000/svg}")


def _text_slots(element: etree._Element):
    """(element, "text"|"tail") in document order, inside ``element`` only; a MathML or SVG
    element is passed over whole (its tail is still the paragraph's)."""
    if not element.tag.startswith(FOREIGN):
        yield element, "text"
        for child in element:
            if isinstance(child.tag, str):
                yield from _text_slots(child)
            yield child, "tail"


def _span_paragraph(block: etree._Element, paragraph: int) -> None:
    sentence = 0
    for owner, slot in list(_text_slots(block)):
        text = getattr(owner, slot)
        if not text or not text.strip():
            continue
        lead = text[: len(text) - len(text.lstrip())]
        spans = []
        for part in split_sentences(text[len(lead):]):
            sentence += 1
            span = etree.Element(f"{{{XHTML_NS}}}span")
            span.set("class", "koboSpan")
            span.set("id", f"kobo.{paragraph}.{sentence}")
            span.text = part
            spans.append(span)
        setattr(owner, slot, lead or None)
        if slot == "text":
            parent, position = owner, 0
        else:
            parent = owner.getparent()
            position = parent.index(owner) + 1
        for offset, span in enumerate(spans):
            parent.insert(position + offset, span)


def wrap_columns(body: etree._Element) -> None:
    columns = etree.Element(f"{{{XHTML_NS}}}div")
    columns.set("id", "book-columns")
    columns.set("class", "book-columns")
    inner = etree.SubElement(columns, f"{{{XHTML_NS}}}div")
    inner.set("id", "book-inner")
    inner.set("class", "book-inner")
    inner.text = body.text
    body.text = None
    for child in list(body):
        inner.append(child)
    body.append(columns)
