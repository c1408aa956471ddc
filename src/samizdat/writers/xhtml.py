"""XHTML content documents shared by the EPUB and KEPUB writers: title page, chapters, colophon.

Every document is built as an lxml tree so that a writer can still change it (the KEPUB writer
adds Kobo's sentence spans) before ``serialize`` turns it into bytes. Text this module writes
itself (labels, the colophon) comes from ``LABELS``, typographic quotes and all; everything else
is the model's, rendered as the model decided.
"""

from __future__ import annotations

import html.entities
import re
from dataclasses import dataclass

from lxml import etree

from samizdat.document import Book, Chapter
from samizdat.errors import ManuscriptError

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = f"{{{EPUB_NS}}}type"
NSMAP = {None: XHTML_NS, "epub": EPUB_NS}

# Words samizdat itself puts in a book. A language not listed gets English, and the element that
# carries the English text is tagged lang="en" so that a screen reader switches voice (WCAG 3.1.2).
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "contents": "Contents",
        "cover": "Cover",
        "cover_alt": "Cover: {title}, by {authors}",
        "landmarks": "Landmarks",
        "start": "Start of text",
        "notes": "Notes",
        "backlink": "Back to the text of note {n}",
        "colophon": "Colophon",
        "edt": "Edited by {names}",
        "trl": "Translated by {names}",
        "ill": "Illustrated by {names}",
        "and": "and",
        "source": "First published: {source}.",
        "source_date": "First published: {source}, {date}.",
        "date": "First published {date}.",
        "editorial_note": "Editorial note",
        "editorial_intro": "This edition corrects the evident slips listed below, giving the reading as first published; every other word, spelling and mark of punctuation is the author’s.",
        "opening": "Opening",
        "reads": "First published:",
        "corrected": "Corrected:",
        "publisher": "Published by {publisher}.",
        "made": "Made with samizdat.",
    },
    "fr": {
        "contents": "Table des matières",
        "cover": "Couverture",
        "cover_alt": "Couverture : {title}, par {authors}",
        "landmarks": "Repères",
        "start": "Début du texte",
        "notes": "Notes",
        "backlink": "Retour à l’appel de note {n}",
        "colophon": "Colophon",
        "edt": "Édité par {names}",
        "trl": "Traduit par {names}",
        "ill": "Illustré par {names}",
        "and": "et",
        "source": "Première publication : {source}.",
        "source_date": "Première publication : {source}, {date}.",
        "date": "Première publication : {date}.",
        "publisher": "Publié par {publisher}.",
        "made": "Fabriqué avec samizdat.",
        "editorial_note": "Note de l’éditeur",
        "editorial_intro": "Cette édition corrige les coquilles évidentes ci-dessous, en donnant la leçon de la première publication ; tout le reste est de l’auteur.",
        "opening": "Ouverture",
        "reads": "Première publication :",
        "corrected": "Corrigé :",
    },
    "de": {
        "contents": "Inhalt",
        "cover": "Umschlag",
        "cover_alt": "Umschlag: {title}, von {authors}",
        "landmarks": "Orientierungspunkte",
        "start": "Textbeginn",
        "notes": "Anmerkungen",
        "backlink": "Zurück zur Anmerkung {n} im Text",
        "colophon": "Impressum",
        "edt": "Herausgegeben von {names}",
        "trl": "Übersetzt von {names}",
        "ill": "Illustriert von {names}",
        "and": "und",
        "source": "Erstveröffentlichung: {source}.",
        "source_date": "Erstveröffentlichung: {source}, {date}.",
        "date": "Erstveröffentlichung: {date}.",
        "publisher": "Verlegt bei {publisher}.",
        "made": "Hergestellt mit samizdat.",
        "editorial_note": "Editorische Notiz",
        "editorial_intro": "Diese Ausgabe berichtigt die folgenden offensichtlichen Versehen und nennt die Lesart der Erstveröffentlichung; alles Übrige ist der Text des Autors.",
        "opening": "Anfang",
        "reads": "Erstveröffentlichung:",
        "corrected": "Berichtigt:",
    },
    "es": {
        "contents": "Índice",
        "cover": "Cubierta",
        "cover_alt": "Cubierta: {title}, de {authors}",
        "landmarks": "Puntos de referencia",
        "start": "Comienzo del texto",
        "notes": "Notas",
        "backlink": "Volver a la llamada de nota {n}",
        "colophon": "Colofón",
        "edt": "Edición de {names}",
        "trl": "Traducción de {names}",
        "ill": "Ilustraciones de {names}",
        "and": "y",
        "source": "Publicado por primera vez en {source}.",
        "source_date": "Publicado por primera vez en {source}, {date}.",
        "date": "Publicado por primera vez: {date}.",
        "publisher": "Publicado por {publisher}.",
        "made": "Hecho con samizdat.",
        "editorial_note": "Nota editorial",
        "editorial_intro": "Esta edición corrige los descuidos evidentes que siguen, con la lectura de la primera publicación; todo lo demás es del autor.",
        "opening": "Apertura",
        "reads": "Primera publicación:",
        "corrected": "Corregido:",
    },
}


@dataclass(frozen=True)
class Label:
    text: str
    lang: str | None  # set when the label's language differs from the book's


def label(book: Book, key: str, **values: str) -> Label:
    primary = book.metadata.lang.split("-")[0].lower()
    if primary in LABELS:
        return Label(LABELS[primary][key].format(**values), None)
    return Label(LABELS["en"][key].format(**values), "en")


def set_lang(element: etree._Element, lang: str) -> None:
    # EPUB 3 content documents are XML: xml:lang is what XML tools read, lang what browsers
    # and Ace read; both, and equal (HTML 5.2 sec. 3.2.5.3).
    element.set("lang", lang)
    element.set(XML_LANG, lang)


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    """A child element in the XHTML namespace; ``epub_type`` and ``aria_*`` spelled with _."""
    element = etree.SubElement(parent, f"{{{XHTML_NS}}}{tag}")
    for name, value in attrs.items():
        if name == "epub_type":
            element.set(EPUB_TYPE, value)
        else:
            element.set(name.replace("_", "-") if name.startswith("aria_") else name, value)
    if text is not None:
        element.text = text
    return element


def labelled(parent: etree._Element, tag: str, text: Label, **attrs: str) -> etree._Element:
    element = sub(parent, tag, text.text, **attrs)
    if text.lang:
        set_lang(element, text.lang)
    return element


def new_document(
    book: Book, title: str, stylesheets: list[str], body_type: str
) -> tuple[etree._ElementTree, etree._Element]:
    """An empty content document: returns the tree and its ``<body>``."""
    root = etree.Element(f"{{{XHTML_NS}}}html", nsmap=NSMAP)
    set_lang(root, book.metadata.lang)
    head = sub(root, "head")
    sub(head, "title", title)
    for href in stylesheets:
        sub(head, "link", rel="stylesheet", type="text/css", href=href)
    body = sub(root, "body", epub_type=body_type)
    return etree.ElementTree(root), body


def serialize(tree: etree._ElementTree) -> bytes:
    return etree.tostring(
        tree, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>", pretty_print=False
    )


MONTHS = {
    "en": "January February March April May June July August September October November December",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
}


def long_date(book: Book, iso: str) -> str:
    """'2021-09-12' -> '12 September 2021' in the book's language (ISO kept where unknown)."""
    parts = iso.split("-")
    months = MONTHS.get(book.metadata.lang.split("-")[0].lower())
    if not months or not all(p.isdigit() for p in parts):
        return iso
    names = months.split()
    if len(parts) == 3:
        day = str(int(parts[2])) + ("." if book.metadata.lang.startswith("de") else "")
        joiner = " de " if book.metadata.lang.startswith("es") else " "
        return joiner.join([day, names[int(parts[1]) - 1], parts[0]])
    if len(parts) == 2:
        return f"{names[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def credits(
    book: Book, section: etree._Element, *, authors_class: str, contributors_class: str | None = None
) -> None:
    """The authors on one line, then a line for each other role (edited, translated by ...)."""
    meta = book.metadata
    authors = [c.name for c in meta.authors]
    if authors:
        sub(section, "p", join_names(book, authors), **{"class": authors_class})
    for role in ("edt", "trl", "ill"):
        names = [c.name for c in meta.contributors if c.role == role]
        if names:
            attrs = {"class": contributors_class} if contributors_class else {}
            labelled(section, "p", label(book, role, names=join_names(book, names)), **attrs)


def join_names(book: Book, names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {label(book, 'and').text} {names[-1]}"


# -- title page ---------------------------------------------------------------------------------


def title_page(book: Book, stylesheets: list[str]) -> etree._ElementTree:
    meta = book.metadata
    tree, body = new_document(book, meta.full_title, stylesheets, "frontmatter")
    section = sub(body, "section", **{"class": "titlepage", "epub_type": "titlepage"})
    heading = sub(section, "h1", meta.title, **{"class": "title", "epub_type": "title"})
    if meta.subtitle:
        # DPUB-ARIA doc-subtitle belongs on a <p> right after the heading (DPUB-ARIA 1.1 sec. 4).
        sub(
            section,
            "p",
            meta.subtitle,
            **{"class": "subtitle", "epub_type": "subtitle", "role": "doc-subtitle"},
        )
    heading.set("id", "title")
    section.set("aria-labelledby", "title")
    credits(book, section, authors_class="authors", contributors_class="contributors")
    if meta.publisher:
        sub(section, "p", meta.publisher, **{"class": "publisher"})
    return tree


# -- chapters -----------------------------------------------------------------------------------

_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")


def _resolve_html_entities(fragment: str) -> str:
    # Markdown (and raw HTML in it) may use HTML's named entities (&nbsp;, &rsquo;); XHTML
    # knows only XML's five, so EPUBCheck would report RSC-016 (fatal) for the rest.
    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name in _XML_ENTITIES:
            return match.group(0)
        return html.entities.html5.get(name + ";", match.group(0))

    return _ENTITY.sub(replace, fragment)


def parse_fragment(
    chapter: Chapter, *, body: str | None = None, container: str = "section"
) -> etree._Element:
    """The chapter's body (or ``body``, a note of it) as children of a new ``container``."""
    fragment = chapter.body if body is None else body
    source = (
        f'<{container} xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}">'
        f"{_resolve_html_entities(fragment)}</{container}>"
    )
    try:
        return etree.fromstring(source.encode("utf-8"))
    except etree.XMLSyntaxError as exc:
        raise ManuscriptError(
            f"the chapter is not well-formed XHTML ({exc.msg})",
            file=chapter.source,
            hint="check raw HTML in the Markdown: tags must be closed and nested",
        ) from exc


def chapter_document(
    book: Book, chapter: Chapter, stylesheets: list[str], first: bool
) -> etree._ElementTree:
    heading_text = chapter.title or book.metadata.title
    tree, body = new_document(book, heading_text, stylesheets, "bodymatter")
    section = parse_fragment(chapter)
    body.append(section)
    section.set("id", safe_id(chapter.id))
    section.set(EPUB_TYPE, "chapter")
    section.set("role", "doc-chapter")
    section.set("class", "chapter opening" if first and not chapter.title else "chapter")
    heading = section.find(f"{{{XHTML_NS}}}h1")
    if heading is not None:
        if not heading.get("id"):
            heading.set("id", f"{safe_id(chapter.id)}-title")
        section.set("aria-labelledby", heading.get("id"))
    else:
        # An untitled chapter still needs an accessible name for its doc-chapter region.
        section.set("aria-label", heading_text)
    render_notes(book, chapter, section)
    return tree


def heading_text(tree: etree._ElementTree) -> str | None:
    """The chapter's visible title: what the table of contents must repeat."""
    heading = tree.find(f".//{{{XHTML_NS}}}h1")
    if heading is None:
        return None
    text = " ".join("".join(heading.itertext()).split())
    return text or None


def safe_id(value: str) -> str:
    # HTML ids in EPUB must be XML names without colons: Python-Markdown's "fn:1" fails
    # EPUBCheck with RSC-005 ("must be an XML name without colons").
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "-", value)
    return cleaned if re.match(r"[A-Za-z_]", cleaned) else f"id-{cleaned}"


def render_notes(book: Book, chapter: Chapter, section: etree._Element) -> None:
    """The notes transform's calls and notes -> EPUB 3 pop-up notes, in place.

    Each call ``<a class="noteref">`` gets ``epub:type="noteref"`` and ``role="doc-noteref"``
    inside a ``<sup>``. Each note is an ``<aside epub:type="footnote" role="doc-footnote">``
    at the end of the chapter: Apple Books, Kobo and KOReader open it as a pop-up (Apple Books
    then hides it from the page), and a reader without pop-ups finds it there and comes back by
    the backlink. ``footnote``, not ``endnote``: the latter is deprecated in the EPUB SSV
    (EPUBCheck OPF-086b) and ``doc-endnote`` in DPUB-ARIA 1.1. This is the one place the
    EPUB's note markup is decided.
    """
    x = f"{{{XHTML_NS}}}"
    for call in list(section.iter(f"{x}a")):
        if "noteref" not in (call.get("class") or "").split():
            continue
        # A <sup> keeps the call raised in readers that ignore the book's CSS.
        sup = etree.Element(f"{x}sup")
        sup.set("class", "noteref")
        call.addprevious(sup)
        sup.tail, call.tail = call.tail, None
        sup.append(call)
        call.set("id", safe_id(call.get("id", "")))
        call.set("href", "#" + safe_id(call.get("href", "").lstrip("#")))
        call.set(EPUB_TYPE, "noteref")
        call.set("role", "doc-noteref")
    if not chapter.notes:
        return
    notes = _endnotes(book, section)
    for note in chapter.notes:
        aside = sub(notes, "aside", id=safe_id(note.id), epub_type="footnote", role="doc-footnote")
        aside.set("class", "note")
        blocks = list(parse_fragment(chapter, body=note.body, container="div"))
        for block in blocks:
            aside.append(block)
        if blocks and blocks[0].tag == f"{x}p":
            first = blocks[0]
        else:  # a note that opens with a quotation or a list: its number gets a line
            first = etree.Element(f"{x}p")
            aside.insert(0, first)
        number = etree.Element(f"{x}span")
        number.set("class", "note-number")
        number.text = f"{note.number}."
        number.tail = " " + (first.text or "")
        first.text = None
        first.insert(0, number)
        last = aside[-1]
        if len(last):
            last[-1].tail = (last[-1].tail or "") + " "
        else:
            last.text = (last.text or "") + " "
        _backlink(book, sub(last, "a"), f"#{safe_id(note.ref_id)}", note.number)
    section.append(notes)


def _endnotes(book: Book, section: etree._Element) -> etree._Element:
    notes = etree.Element(f"{{{XHTML_NS}}}section")
    notes.set("class", "notes")
    notes.set("id", f"{section.get('id')}-endnotes")
    heading_id = f"{section.get('id')}-notes"
    notes.set("aria-labelledby", heading_id)
    labelled(notes, "h2", label(book, "notes"), id=heading_id)
    return notes


def _backlink(book: Book, link: etree._Element, href: str, number: int) -> None:
    link.set("href", href)
    link.set("class", "backlink")
    link.set("role", "doc-backlink")
    link.set(EPUB_TYPE, "backlink")
    link.set("aria-label", label(book, "backlink", n=str(number)).text)
    # U+FE0E asks for the text glyph: iOS and Kobo draw a bare ↩ as a colour emoji.
    link.text = "\u21a9\ufe0e"


# -- cover --------------------------------------------------------------------------------------


def cover_document(book: Book, stylesheets: list[str], image_href: str) -> etree._ElementTree:
    """The cover image as the first page: linear, so nothing has to link to it."""
    title = label(book, "cover")
    tree, body = new_document(book, title.text, stylesheets, "cover")
    body.set("class", "cover")
    section = sub(body, "section", epub_type="cover")
    section.set("class", "cover")
    authors = join_names(book, [c.name for c in book.metadata.authors])
    alt = label(book, "cover_alt", title=book.metadata.full_title, authors=authors)
    # role="doc-cover" on the image itself (DPUB-ARIA 1.1); the alt names the book, since
    # the image is all a screen reader would otherwise meet on this page.
    sub(section, "img", src=image_href, alt=alt.text, role="doc-cover")
    return tree


# -- back matter --------------------------------------------------------------------------------


def bibliography_document(book: Book, stylesheets: list[str]) -> etree._ElementTree:
    """The works cited, as the notes transform formatted and ordered them."""
    tree, body = new_document(book, book.bibliography_title, stylesheets, "backmatter")
    section = sub(
        body, "section", id="bibliography", epub_type="bibliography", role="doc-bibliography",
        aria_labelledby="bibliography-title",
    )
    section.set("class", "bibliography")
    sub(section, "h1", book.bibliography_title, id="bibliography-title")
    entries = sub(section, "ul")
    for reference in book.bibliography:
        item = sub(entries, "li", id=safe_id(reference.id))
        item.set("class", "reference")
        fragment = etree.fromstring(
            f'<li xmlns="{XHTML_NS}">{_resolve_html_entities(reference.html)}</li>'
        )
        item.text = fragment.text
        for child in fragment:
            item.append(child)
    return tree


def editorial_note_document(book: Book, stylesheets: list[str]) -> etree._ElementTree:
    """What the editors changed in the author's text, from manuscript/corrections.yaml."""
    title = label(book, "editorial_note")
    tree, body = new_document(book, title.text, stylesheets, "backmatter")
    section = sub(body, "section", id="editorial-note", aria_labelledby="editorial-note-title")
    section.set("class", "editorial-note")
    labelled(section, "h1", title, id="editorial-note-title")
    labelled(section, "p", label(book, "editorial_intro"))
    titles = {chapter.source.name: chapter.title for chapter in book.chapters}
    entries = sub(section, "ol")
    for correction in book.corrections:
        # The readings are quoted text that carries its own quotation marks, so they are set
        # off as labelled lines, not wrapped in <q> (which would add a second pair).
        item = sub(entries, "li")
        item.set("class", "correction")
        where = titles.get(correction.chapter) or label(book, "opening").text
        sub(item, "p", where, **{"class": "where"})
        for key, text in (("reads", correction.original), ("corrected", correction.corrected)):
            line = sub(item, "p", **{"class": f"reading {key}"})
            labelled(line, "span", label(book, key), **{"class": "reading-label"}).tail = " "
            sub(line, "span", text, **{"class": "reading-text"})
        if correction.note:
            sub(item, "p", correction.note, **{"class": "why"})
    return tree


# -- colophon -----------------------------------------------------------------------------------


def colophon(book: Book, stylesheets: list[str]) -> etree._ElementTree:
    meta = book.metadata
    title = label(book, "colophon")
    tree, body = new_document(book, title.text, stylesheets, "backmatter")
    section = sub(
        body, "section", **{"class": "colophon", "epub_type": "colophon", "role": "doc-colophon"}
    )
    section.set("aria-labelledby", "colophon-title")
    labelled(section, "h1", title, id="colophon-title")
    line = sub(section, "p", **{"class": "colophon-title"})
    sub(line, "cite", meta.full_title)
    credits(book, section, authors_class="colophon-authors")
    if meta.source and meta.date:
        labelled(section, "p", label(book, "source_date", source=meta.source, date=long_date(book, meta.date)))
    elif meta.source:
        labelled(section, "p", label(book, "source", source=meta.source))
    elif meta.date:
        labelled(section, "p", label(book, "date", date=long_date(book, meta.date)))
    if meta.publisher:
        labelled(section, "p", label(book, "publisher", publisher=meta.publisher))
    if meta.rights:
        sub(section, "p", meta.rights, **{"class": "rights"})
    labelled(section, "p", label(book, "made"), **{"class": "made-with"})
    return tree
