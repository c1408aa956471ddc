"""The one renderer: the model as XHTML pages, for every edition.

Title page, contents, chapters, notes, bibliography, editorial note, colophon and the cover's
markup are made here and nowhere else. Every edition is a packager around these pages: the
EPUB writes each as a content document and zips them; the KEPUB filters the EPUB's pages;
print joins them into one document for WeasyPrint. What differs between editions is a
parameter (``RenderOptions``): notes at the end of the chapter as pop-up asides (EPUB) or at
the call, floated to the foot of the page (print); links between pages by file name or by
fragment; running heads for print.

Pages are lxml trees in the XHTML namespace, with ``epub:type`` where EPUB's structural
semantics apply and DPUB-ARIA roles for everyone. Python supplies structure and classes; every
visual decision is in styles/*.css.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Literal

from lxml import etree

from samizdat.document import MATH, MODEL, NOTE_REF, Book, Chapter, Contributor, Note
from samizdat import labels
from samizdat.labels import Label

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
MATHML_NS = "http://www.w3.org/1998/Math/MathML"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = f"{{{EPUB_NS}}}type"
NSMAP = {None: XHTML_NS, "epub": EPUB_NS}
X = f"{{{XHTML_NS}}}"

#: A note set at its call (print) is an inline span: its blocks become spans of these classes,
#: which print.css displays as blocks.
NOTE_BLOCKS = {"p": "note-paragraph", "blockquote": "note-quotation", "ul": "note-list",
               "ol": "note-list ordered", "li": "note-item", "div": "note-division",
               "pre": "note-code", "dl": "note-list", "dt": "note-term", "dd": "note-item",
               "figure": "note-figure", "figcaption": "note-caption", "h1": "note-paragraph",
               "h2": "note-paragraph", "h3": "note-paragraph", "h4": "note-paragraph",
               "hr": "note-rule", "table": "note-division"}

#: Plain ↩, no variation selector: MuPDF (and so every reader built on it) draws U+FE0E as a
#: missing glyph, and the text glyph is what a book face has.
BACKLINK = "\u21a9"


@dataclass(frozen=True)
class RenderOptions:
    """How one edition wants the book: the renderer's only parameters."""

    notes: Literal["end-of-chapter", "at-call"]
    stylesheets: tuple[str, ...] = ()  # hrefs for <link rel="stylesheet">, page-relative
    # A manuscript-relative image path -> its href in the output.
    asset_href: Callable[[str], str] = lambda href: href
    # (page uid, fragment or None) -> an href from one page to another.
    link: Callable[[str, str | None], str] = lambda page, fragment: f"#{fragment or page}"
    running_heads: bool = False  # print: a marker carrying each section's running head
    math: Literal["mathml", "svg", "tex"] = "mathml"  # svg: drawn by ziamath, for print
    back_cover: bool = False  # print: the description on the outside back


@dataclass
class Page:
    """One page of the book: a content document of the EPUB, a section of the print edition."""

    uid: str  # "titlepage", "ch-02-a-life", "bibliography"... also its file stem in the EPUB
    kind: str  # cover, titlepage, contents, chapter, bibliography, editorial-note, colophon, back-cover
    title: str  # its <title>
    tree: etree._ElementTree
    toc_label: str | None = None  # its entry in the contents; None: not listed
    landmark: str | None = None  # epub:type of its landmark, if it is one
    chapter: Chapter | None = None

    @property
    def body(self) -> etree._Element:
        return self.tree.getroot().find(f"{X}body")


def render_book(book: Book, options: RenderOptions) -> list[Page]:
    """Every page of the book in reading order, the contents page after the title page."""
    renderer = _Renderer(book, options)
    pages = [renderer.title_page()]
    body = [renderer.chapter_page(chapter, first=index == 0)
            for index, chapter in enumerate(book.chapters)]
    back = []
    if book.bibliography:
        back.append(renderer.bibliography_page())
    if book.corrections:
        back.append(renderer.editorial_note_page())
    back.append(renderer.colophon_page())
    pages.append(renderer.contents_page(body + back))
    pages += body + back
    if options.back_cover:
        pages.append(renderer.back_cover_page())
    renderer.resolve_links(pages)
    return pages


def serialize(tree: etree._ElementTree) -> bytes:
    """A page as an EPUB content document: XML, UTF-8, with the HTML doctype."""
    return etree.tostring(tree, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")


def as_html(elements: list[etree._Element]) -> list[etree._Element]:
    """Copies of XHTML elements in plain HTML (no namespaces, no epub:type), for WeasyPrint,
    whose HTML5 parser reads ``<span/>`` as an opening tag: serialize with method="html"."""
    copies = []
    for element in elements:
        copy = etree.fromstring(etree.tostring(element))
        for node in copy.iter():
            if not isinstance(node.tag, str):
                continue
            node.tag = etree.QName(node).localname
            for name in [n for n in node.attrib if n.startswith("{")]:
                value = node.attrib.pop(name)
                if name == XML_LANG:
                    node.set("lang", value)
        etree.cleanup_namespaces(copy)
        copies.append(copy)
    return copies


# --- The cover's markup -----------------------------------------------------------------------


def cover_section(book: Book) -> etree._Element:
    """The typographic cover: the EPUB's cover image is this, set by WeasyPrint with
    styles/cover.css (writers/cover.py); the pamphlet's front cover is this, set with
    print.css. One markup, two sheets."""
    meta = book.metadata
    section = _element("section", {"class": "cover", "id": "cover"})
    field_ = sub(section, "div", **{"class": "cover-field"})
    title = sub(field_, "h1", **{"class": f"cover-title {cover_title_size(meta.title)}"})
    _break_long_words(title, meta.title)
    sub(field_, "hr", **{"class": "cover-rule"})
    if meta.subtitle:
        sub(section, "p", meta.subtitle, **{"class": "cover-subtitle"})
    if meta.authors:
        line = sub(section, "p", **{"class": "cover-author"})
        _names(line, book, meta.authors)
    if meta.publisher:
        sub(section, "p", meta.publisher, **{"class": "cover-publisher"})
    return section


def _break_long_words(element: etree._Element, text: str) -> None:
    """``text`` into ``element`` with a break opportunity inside each word too long for a
    cover's measure, where a reader would break it: between the words of a CamelCase name,
    after a full stop or a slash ("TikhonovFenichel<wbr/>Reductions.<wbr/>jl")."""
    for piece in re.split(r"(\S{15,})", text):
        if len(piece) < 15 or piece.isspace():
            _append_text(element, piece)
            continue
        parts = re.split(r"(?<=[a-z])(?=[A-Z])|(?<=[./_])(?=\w)", piece)
        for index, part in enumerate(parts):
            if index:
                etree.SubElement(element, f"{X}wbr")
            _append_text(element, part)


def cover_title_size(title: str) -> str:
    """How much room the title needs, for the stylesheets to choose its size: the number of
    letters and the longest word ("TikhonovFenichelReductions.jl" must fit the measure)."""
    longest = max((len(word) for word in title.split()), default=0)
    if len(title) <= 40 and longest <= 12:
        return "title-short"
    if len(title) <= 80 and longest <= 18:
        return "title-long"
    return "title-very-long"


def cover_document(book: Book, stylesheets: tuple[str, ...] = ()) -> etree._ElementTree:
    tree, body = new_document(book, book.metadata.full_title, stylesheets, None)
    body.append(cover_section(book))
    return tree


def cover_image_page(book: Book, options: RenderOptions, image_href: str) -> Page:
    """The EPUB's first page: the cover image alone, linear, so nothing has to link to it."""
    title = label(book, "cover")
    tree, body = new_document(book, title.text, options.stylesheets, "cover")
    body.set("class", "cover")
    section = sub(body, "section", epub_type="cover")
    section.set("class", "cover")
    authors = labels.join_names(book.metadata.lang, [c.name for c in book.metadata.authors])
    alt = label(book, "cover_alt", title=book.metadata.full_title, authors=authors)
    # role="doc-cover" on the image itself (DPUB-ARIA 1.1); the alt names the book, since
    # the image is all a screen reader would otherwise meet on this page.
    sub(section, "img", src=image_href, alt=alt.text, role="doc-cover")
    return Page("cover", "cover", title.text, tree, landmark="cover")


# --- Building blocks --------------------------------------------------------------------------


def label(book: Book, key: str, **values: str) -> Label:
    return labels.label(book.metadata.lang, key, **values)


def set_lang(element: etree._Element, lang: str) -> None:
    # EPUB 3 content documents are XML: xml:lang is what XML tools read, lang what browsers
    # and Ace read; both, and equal (HTML 5.2 sec. 3.2.5.3).
    element.set("lang", lang)
    element.set(XML_LANG, lang)


def _element(tag: str, attrs: dict[str, str] | None = None) -> etree._Element:
    element = etree.Element(f"{X}{tag}", nsmap=NSMAP)
    for name, value in (attrs or {}).items():
        element.set(name, value)
    return element


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    """A child element in the XHTML namespace; ``epub_type`` and ``aria_*`` spelled with _."""
    element = etree.SubElement(parent, f"{X}{tag}")
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


def new_document(book: Book, title: str, stylesheets: tuple[str, ...] | list[str],
                 body_type: str | None) -> tuple[etree._ElementTree, etree._Element]:
    """An empty page: returns the tree and its ``<body>``."""
    root = etree.Element(f"{X}html", nsmap=NSMAP)
    set_lang(root, book.metadata.lang)
    head = sub(root, "head")
    sub(head, "title", title)
    for href in stylesheets:
        sub(head, "link", rel="stylesheet", type="text/css", href=href)
    body = sub(root, "body", **({"epub_type": body_type} if body_type else {}))
    return etree.ElementTree(root), body


def _names(parent: etree._Element, book: Book, people: list[Contributor]) -> None:
    """Names joined in the book's language, each tagged with its own language if it has one."""
    for index, person in enumerate(people):
        if index:
            separator = ", " if index < len(people) - 1 else f" {label(book, 'and').text} "
            _append_text(parent, separator)
        if person.lang and labels.primary(person.lang) != labels.primary(book.metadata.lang):
            set_lang(sub(parent, "span", person.name), person.lang)
        else:
            _append_text(parent, person.name)


def _append_text(parent: etree._Element, text: str) -> None:
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def credits(book: Book, section: etree._Element, *, authors_class: str,
            contributors_class: str | None = None) -> None:
    """The authors on one line, then a line for each other role (edited, translated by ...)."""
    meta = book.metadata
    if meta.authors:
        _names(sub(section, "p", **{"class": authors_class}), book, meta.authors)
    for role in labels.CREDITED_ROLES:
        people = [c for c in meta.contributors if c.role == role]
        if not people:
            continue
        text = label(book, role, names="\x00")
        line = sub(section, "p", **({"class": contributors_class} if contributors_class else {}))
        if text.lang:
            set_lang(line, text.lang)
        before, after = text.text.split("\x00")
        line.text = before
        _names(line, book, people)
        _append_text(line, after)


# --- The renderer -----------------------------------------------------------------------------


class _Renderer:
    def __init__(self, book: Book, options: RenderOptions) -> None:
        self.book = book
        self.options = options
        self.lang = book.metadata.lang

    # -- front matter

    def title_page(self) -> Page:
        meta = self.book.metadata
        tree, body = new_document(self.book, meta.full_title, self.options.stylesheets,
                                  "frontmatter")
        section = sub(body, "section", id="title-page", epub_type="titlepage",
                      aria_labelledby="title")
        section.set("class", "titlepage")
        sub(section, "h1", meta.title, **{"class": "title", "epub_type": "title", "id": "title"})
        if meta.subtitle:
            # DPUB-ARIA doc-subtitle belongs on a <p> right after the heading (DPUB-ARIA 1.1 4).
            sub(section, "p", meta.subtitle,
                **{"class": "subtitle", "epub_type": "subtitle", "role": "doc-subtitle"})
        credits(self.book, section, authors_class="authors", contributors_class="contributors")
        if meta.publisher:
            sub(section, "p", meta.publisher, **{"class": "publisher"})
        return Page("titlepage", "titlepage", meta.full_title, tree)

    def contents_page(self, listed: list[Page]) -> Page:
        contents = label(self.book, "contents")
        tree, body = new_document(self.book, contents.text, self.options.stylesheets,
                                  "frontmatter")
        nav = sub(body, "nav", id="toc", role="doc-toc", epub_type="toc",
                  aria_labelledby="toc-title")
        nav.set("class", "contents toc")
        labelled(nav, "h1", contents, id="toc-title", **{"class": "contents-heading"})
        entries = sub(nav, "ol")
        for page in listed:
            if page.toc_label:
                item = sub(entries, "li")
                if page.kind != "chapter":
                    item.set("class", "back-matter-entry")
                sub(item, "a", page.toc_label, href=f"#{page.uid}", **{"data-page": page.uid})
        return Page("contents", "contents", contents.text, tree, landmark="toc")

    # -- chapters

    def chapter_page(self, chapter: Chapter, *, first: bool) -> Page:
        book_title = self.book.metadata.title
        tree, body = new_document(self.book, chapter.title or book_title,
                                  self.options.stylesheets, "bodymatter")
        section = sub(body, "section", id=chapter.id, epub_type="chapter", role="doc-chapter")
        section.set("class", "chapter opening" if first and not chapter.title else "chapter")
        if self.options.running_heads:
            # An empty first child carries the running head (why not the section: print.css).
            sub(section, "div", **{"class": "running-head-mark",
                                   "data-running-head": chapter.title or book_title})
        self.content(section, chapter.content, chapter)
        if content_lang := chapter.content.get("lang"):
            set_lang(section, content_lang)
        heading = section.find(f"{X}h1")
        if heading is not None:
            if not heading.get("id"):
                heading.set("id", f"{chapter.id}-title")
            section.set("aria-labelledby", heading.get("id"))
            # The bookmark and contents entry: the title without its note call.
            heading.set("data-title", chapter.title or "")
        else:
            # An untitled chapter still needs an accessible name for its doc-chapter region.
            section.set("aria-label", chapter.title or book_title)
        if self.options.notes == "end-of-chapter" and chapter.notes:
            self.end_of_chapter_notes(section, chapter)
        return Page(chapter.id, "chapter", chapter.title or book_title, tree,
                    toc_label=chapter.title, landmark=None, chapter=chapter)

    def content(self, parent: etree._Element, container: etree._Element,
                chapter: Chapter | None) -> None:
        """The model's blocks (children of ``container``) as XHTML children of ``parent``."""
        _append_text(parent, container.text or "")
        for child in container:
            self.node(parent, child, chapter)

    def node(self, parent: etree._Element, node: etree._Element, chapter: Chapter | None) -> None:
        if not isinstance(node.tag, str):  # a comment or processing instruction
            _append_text(parent, node.tail or "")
            return
        if node.tag == NOTE_REF:
            self.note_call(parent, self._note(chapter, node.get("note")))
        elif node.tag == MATH:
            self.math(parent, node)
        elif node.tag.startswith(f"{{{MODEL}}}"):
            pass  # a hand-over element the transforms did not remove: nothing to show
        else:
            element = etree.SubElement(parent, f"{X}{node.tag}")
            for name, value in node.attrib.items():
                if name == "lang":
                    set_lang(element, value)
                elif name == "src" and node.tag == "img":
                    element.set("src", self.options.asset_href(value))
                elif not name.startswith("{"):
                    element.set(name, value)
            self._text(element, node.text or "", literal=node.tag in ("code", "pre"))
            for child in node:
                self.node(element, child, chapter)
        self._tail(parent, node.tail or "")

    def _text(self, element: etree._Element, text: str, *, literal: bool = False) -> None:
        if literal or not _LONG_URL.search(text):
            _append_text(element, text)
        else:
            _break_urls(element, text)

    def _tail(self, parent: etree._Element, text: str) -> None:
        if text and _LONG_URL.search(text):
            _break_urls(parent, text)
        else:
            _append_text(parent, text)

    def _note(self, chapter: Chapter | None, note_id: str) -> Note:
        for note in chapter.notes if chapter else ():
            if note.id == note_id:
                return note
        raise KeyError(f"note {note_id} is not in the chapter's notes")

    def note_call(self, parent: etree._Element, note: Note) -> None:
        if self.options.notes == "end-of-chapter":
            # A <sup> keeps the call raised in readers that ignore the book's CSS.
            sup = sub(parent, "sup", **{"class": "noteref"})
            sub(sup, "a", str(note.number), id=note.ref_id, href=f"#{note.id}",
                epub_type="noteref", role="doc-noteref", **{"class": "noteref"})
            return
        # At the call, for print: the call stays, a link to the note (WeasyPrint's own
        # ::footnote-call cannot be one; print.css draws none), and the note follows it with
        # no space between, so that both fall on the same line. The number is the model's.
        sub(parent, "a", str(note.number), id=note.ref_id, href=f"#{note.id}",
            **{"class": "noteref"})
        span = sub(parent, "span", id=note.id, **{"class": f"footnote {note.kind}",
                                                  "data-note-number": str(note.number)})
        # A <p> (or a quotation, a list) inside the inline <span> would make the HTML parser
        # close the surrounding paragraph and set the rest of the note in the running text, so
        # every block of the note becomes a span that print.css displays as a block.
        for block in note.blocks:
            self.node(span, block, None)
        for element in list(span.iter()):
            local = etree.QName(element).localname if isinstance(element.tag, str) else None
            if element is not span and local in NOTE_BLOCKS:
                element.tag = f"{X}span"
                element.set("class", " ".join(filter(None, [NOTE_BLOCKS[local], element.get("class")])))
                if local == "li" and element.getparent().get("class", "").startswith("note-list ordered"):
                    element.set("data-item", str(element.getparent().index(element) + 1))

    def end_of_chapter_notes(self, section: etree._Element, chapter: Chapter) -> None:
        """EPUB 3 pop-up notes: each note an ``<aside epub:type="footnote"
        role="doc-footnote">`` in a notes section at the chapter's end. Apple Books, Kobo and
        KOReader open it as a pop-up (Apple Books then hides it from the page); a reader
        without pop-ups finds it there and comes back by the backlink. ``footnote``, not
        ``endnote``: the latter is deprecated in the EPUB SSV (EPUBCheck OPF-086b), as is
        ``doc-endnote`` in DPUB-ARIA 1.1. The section itself is a collection of notes at the
        end of a section of the work: ``doc-endnotes``, ``epub:type="endnotes"``."""
        notes = sub(section, "section", id=f"{chapter.id}-endnotes", epub_type="endnotes",
                    role="doc-endnotes", aria_labelledby=f"{chapter.id}-notes")
        notes.set("class", "notes")
        labelled(notes, "h2", label(self.book, "notes"), id=f"{chapter.id}-notes")
        for note in chapter.notes:
            aside = sub(notes, "aside", id=note.id, epub_type="footnote", role="doc-footnote")
            aside.set("class", "note")
            for block in note.blocks:
                self.node(aside, block, None)
            first = aside[0] if len(aside) and aside[0].tag == f"{X}p" else None
            if first is None:  # a note that opens with a quotation or a list: its number gets a line
                first = etree.Element(f"{X}p")
                aside.insert(0, first)
            number = etree.Element(f"{X}span")
            number.set("class", "note-number")
            number.text = f"{note.number}."
            number.tail = " " + (first.text or "")
            first.text = None
            first.insert(0, number)
            last = aside[-1]
            if last.tag != f"{X}p":  # a note that ends with a list or a quotation: the
                last = sub(aside, "p")  # backlink gets a line (an <a> cannot be in an <ol>)
            _append_text(last, " ")
            link = sub(last, "a", BACKLINK, href=f"#{note.ref_id}", role="doc-backlink",
                       epub_type="backlink", **{"class": "backlink"})
            link.set("aria-label", label(self.book, "backlink", n=str(note.number)).text)

    def math(self, parent: etree._Element, node: etree._Element) -> None:
        """TeX as MathML (EPUB 3 reading systems render it, and read it aloud) or drawn as an
        SVG image for print (WeasyPrint has no MathML); where neither renderer knows the TeX,
        the TeX itself, marked as math."""
        tex = node.text or ""
        display = node.get("display", "inline")
        tag = _TAG.search(tex)
        if tag:  # a numbered equation (readers/extensions/raw_tex.py): its number beside it
            tex = _TAG.sub("", tex).strip()
            if display == "block":
                parent = sub(parent, "span", **{"class": "equation"})
        if self.options.math == "mathml":
            from latex2mathml.converter import convert

            try:
                # latex2mathml writes aligned's "&" as text; an array is the same alignment
                math = etree.fromstring(convert(_ALIGNED.sub(_as_array, tex), display=display))
            except Exception:  # latex2mathml refuses TeX it does not know: keep the TeX
                math = None
            if math is not None:
                math.set("alttext", tex)
                parent.append(math)
            else:
                self._tex(parent, tex, display)
        elif self.options.math == "svg":
            image = _math_image(tex, display)
            if image is not None:
                source, depth = image
                element = sub(parent, "img", src=source, alt=tex, role="math",
                              **{"class": f"math {display}"})
                if display == "inline":  # its baseline on the line's, as the text's
                    element.set("style", f"vertical-align: {-depth:.3f}px")
            else:
                self._tex(parent, tex, display)
        else:
            self._tex(parent, tex, display)
        if tag:
            sub(parent, "span", f"({tag.group(1)})", **{"class": "equation-number"})

    def _tex(self, parent: etree._Element, tex: str, display: str) -> None:
        element = sub(parent, "span", tex, **{"class": f"math {display} tex"})
        element.set("role", "math")
        element.set("aria-label", tex)

    # -- back matter

    def bibliography_page(self) -> Page:
        title = self.book.bibliography_title
        tree, body = new_document(self.book, title, self.options.stylesheets, "backmatter")
        section = sub(body, "section", id="bibliography", epub_type="bibliography",
                      role="doc-bibliography", aria_labelledby="bibliography-title")
        section.set("class", "bibliography back-matter")
        self._running_head(section, title)
        sub(section, "h1", title, id="bibliography-title")
        entries = sub(section, "ul")
        for reference in self.book.bibliography:
            item = sub(entries, "li", id=reference.id, **{"class": "reference"})
            if reference.lang:
                set_lang(item, reference.lang)
            self.content(item, reference.content, None)
        return Page("bibliography", "bibliography", title, tree, toc_label=title,
                    landmark="bibliography")

    def editorial_note_page(self) -> Page:
        """What the editors changed in the author's text, from manuscript/corrections.yaml."""
        title = label(self.book, "editorial_note")
        tree, body = new_document(self.book, title.text, self.options.stylesheets, "backmatter")
        section = sub(body, "section", id="editorial-note", aria_labelledby="editorial-note-title")
        section.set("class", "editorial-note back-matter")
        self._running_head(section, title.text)
        labelled(section, "h1", title, id="editorial-note-title")
        labelled(section, "p", label(self.book, "editorial_intro"))
        titles = {chapter.source.name: chapter.title for chapter in self.book.chapters}
        entries = sub(section, "ol")
        for correction in self.book.corrections:
            # The readings are quoted text that carries its own quotation marks, so they are
            # set off as labelled lines, not wrapped in <q> (which would add a second pair).
            item = sub(entries, "li", **{"class": "correction"})
            where = titles.get(correction.chapter) or label(self.book, "opening").text
            sub(item, "p", where, **{"class": "where"})
            for key, text in (("reads", correction.original), ("corrected", correction.corrected)):
                line = sub(item, "p", **{"class": f"reading {key}"})
                labelled(line, "span", label(self.book, key), **{"class": "reading-label"}).tail = " "
                sub(line, "span", text, **{"class": "reading-text"})
            if correction.note:
                sub(item, "p", correction.note, **{"class": "why"})
        return Page("editorial-note", "editorial-note", title.text, tree, toc_label=title.text)

    def colophon_page(self) -> Page:
        meta = self.book.metadata
        title = label(self.book, "colophon")
        tree, body = new_document(self.book, title.text, self.options.stylesheets, "backmatter")
        section = sub(body, "section", id="colophon", epub_type="colophon", role="doc-colophon",
                      aria_labelledby="colophon-title")
        section.set("class", "colophon back-matter")
        self._running_head(section, title.text)
        labelled(section, "h1", title, id="colophon-title")
        line = sub(section, "p", **{"class": "colophon-title"})
        sub(line, "cite", meta.full_title)
        credits(self.book, section, authors_class="colophon-authors")
        lang = meta.lang
        if meta.source and meta.date:
            labelled(section, "p", label(self.book, "source_date", source=meta.source,
                                         date=labels.long_date(lang, meta.date)))
        elif meta.source:
            labelled(section, "p", label(self.book, "source", source=meta.source))
        elif meta.date:
            labelled(section, "p", label(self.book, "date", date=labels.long_date(lang, meta.date)))
        if meta.publisher:
            labelled(section, "p", label(self.book, "publisher", publisher=meta.publisher))
        if meta.rights:
            sub(section, "p", meta.rights, **{"class": "rights"})
        labelled(section, "p", label(self.book, "made"), **{"class": "made-with"})
        return Page("colophon", "colophon", title.text, tree, toc_label=title.text)

    def back_cover_page(self) -> Page:
        tree, body = new_document(self.book, self.book.metadata.title, self.options.stylesheets,
                                  None)
        section = sub(body, "section", id="back-cover", **{"class": "back-cover"})
        if self.book.metadata.description:
            sub(section, "p", self.book.metadata.description, **{"class": "back-cover-description"})
        return Page("back-cover", "back-cover", self.book.metadata.title, tree)

    def _running_head(self, section: etree._Element, text: str) -> None:
        if self.options.running_heads:
            sub(section, "div", **{"class": "running-head-mark", "data-running-head": text})

    # -- links

    def resolve_links(self, pages: list[Page]) -> None:
        """Every ``#id`` link to the page that holds the id, in the options' link form."""
        where: dict[str, str] = {}
        for page in pages:
            for element in page.tree.iter():
                ident = element.get("id") if isinstance(element.tag, str) else None
                if ident:
                    where.setdefault(ident, page.uid)
        for page in pages:
            for link in page.tree.iter(f"{X}a"):
                target = link.attrib.pop("data-page", None)
                href = link.get("href") or ""
                if target is not None:
                    link.set("href", self.options.link(target, None))
                elif href.startswith("#") and href[1:] in where and where[href[1:]] != page.uid:
                    link.set("href", self.options.link(where[href[1:]], href[1:]))


# URL-like runs long enough to overflow a 320 px reader page (WCAG 1.4.10 reflow): a break
# opportunity goes after each "/" and before "?", "&", "=" and "#" (Chicago 7.47 breaks URLs
# after a slash, before other punctuation).
_LONG_URL = re.compile(r"(?:https?://|www\.)\S{20,}|\S{12,}/\S{12,}")


def _break_urls(element: etree._Element, text: str) -> None:
    position = 0
    for match in _LONG_URL.finditer(text):
        _append_text(element, text[position:match.start()])
        pieces = re.split(r"(?<=/)(?!/)|(?=[?&=#])", match.group(0))
        for index, piece in enumerate(pieces):
            if index:
                etree.SubElement(element, f"{X}wbr")
            _append_text(element, piece)
        position = match.end()
    _append_text(element, text[position:])


_TAG = re.compile(r"\\tag\{([^{}]*)\}")
_ALIGNED = re.compile(r"\\begin\{aligned\}(.*?)\\end\{aligned\}", re.S)


def _as_array(match: re.Match) -> str:
    columns = max(row.count("&") for row in match.group(1).split("\\\\")) + 1
    return ("\\begin{array}{" + "rl" * ((columns + 1) // 2) + "}" + match.group(1)
            + "\\end{array}")


#: Math is drawn at the text's size: print.css sets 10pt, 13.33 CSS px.
MATH_PX = 13.333


def _math_image(tex: str, display: str) -> tuple[str, float] | None:
    """TeX drawn by ziamath (pure Python, STIX Two Math outlines: no font to embed) as a
    data: URL of SVG, and how far the drawing reaches below its baseline; None if ziamath
    cannot draw it."""
    import base64

    import ziamath

    try:
        svg = ziamath.Latex(_ALIGNED.sub(_as_array, tex), size=MATH_PX,
                            inline=display == "inline").svg()
    except Exception:  # ziamath refuses TeX it does not know
        return None
    view = re.search(r'viewBox="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)"', svg)
    depth = float(view.group(4)) + float(view.group(2)) if view else 0.0
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii"), depth
