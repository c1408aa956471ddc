"""The document model every writer renders: one Book, its metadata, chapters, notes and assets.

Readers build it, transforms annotate it (notes, citations, typography, ids), writers only
render it. A writer never re-parses Markdown or renumbers anything: when the EPUB and the PDF
disagree, the fix belongs in a reader or a transform, never in a writer.

Text content is held as parsed trees (lxml elements), never as strings to be matched again:

- Ordinary content uses HTML's vocabulary, without a namespace (``p``, ``em``, ``blockquote``,
  ``figure``, ``span lang="ru"`` ...). Entities are resolved and ids are safe XML names.
- What each edition renders its own way is an element in the model's namespace, ``MODEL``:
  ``note-ref`` (a numbered note's call: a pop-up link in the EPUB, a footnote at the call in
  print) and ``math`` (TeX: MathML in the EPUB). Before the notes transform has run, the
  reader's hand-over also holds ``cite`` (a citation, indexing ``Chapter.citations``) and
  ``footnote-ref`` (a footnote call, naming a label of ``Chapter.footnotes``).
"""

from __future__ import annotations

import copyreg
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from lxml import etree

#: The namespace of the model's own elements inside content trees.
MODEL = "urn:samizdat:model"


def _element_from(markup: bytes, tail: str | None) -> etree._Element:
    element = etree.fromstring(markup)
    element.tail = tail
    return element


def _reduce_element(element: etree._Element):
    return _element_from, (etree.tostring(element, with_tail=False), element.tail)


# A Book crosses to worker processes that were not forked whole (the build forks where it can):
# its trees pickle as markup.
copyreg.pickle(etree._Element, _reduce_element)


def model_tag(name: str) -> str:
    return f"{{{MODEL}}}{name}"


NOTE_REF = model_tag("note-ref")  # attribute note: the Note's id
MATH = model_tag("math")  # attribute display: "inline" | "block"; text: the TeX source
CITE = model_tag("cite")  # attribute index: into Chapter.citations (reader -> notes transform)
FOOTNOTE_REF = model_tag("footnote-ref")  # attribute label: Chapter.footnotes (same hand-over)


def is_model(element: etree._Element, tag: str) -> bool:
    return isinstance(element.tag, str) and element.tag == tag


def plain_text(element: etree._Element | None) -> str:
    """The element's text as a reader sees it: note calls left out, whitespace folded."""
    if element is None:
        return ""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.tag in (NOTE_REF, FOOTNOTE_REF, CITE):
            parts.append(node.tail or "")
            return
        parts.append(node.text or "")
        for child in node:
            walk(child)
        if node is not element:
            parts.append(node.tail or "")

    walk(element)
    return " ".join("".join(parts).split())


@dataclass(frozen=True)
class Contributor:
    name: str
    role: str = "aut"  # MARC relator code: aut, edt, trl, ill, ...
    file_as: str | None = None  # "Lawson, Tommy": how catalogues sort the name
    lang: str | None = None  # the language of the name as written, when not the book's


@dataclass
class BookMetadata:
    title: str
    lang: str
    identifier: str
    contributors: list[Contributor]
    subtitle: str | None = None
    date: str | None = None  # first publication, ISO 8601 (YYYY[-MM[-DD]])
    publisher: str | None = None
    rights: str | None = None
    description: str | None = None
    subjects: list[str] = field(default_factory=list)
    source: str | None = None  # where the text was first published
    slug: str = "book"
    cover: Path | None = None  # a cover image inside the manuscript; None: samizdat makes one

    @property
    def authors(self) -> list[Contributor]:
        return [c for c in self.contributors if c.role == "aut"]

    @property
    def full_title(self) -> str:
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title


@dataclass(frozen=True)
class Asset:
    """A file of the manuscript that the book shows: an image, checked when it was read.

    ``href`` is its path relative to the manuscript folder, as the text names it (and the
    ``src`` of every ``img`` that shows it); writers decide where it goes in their output.
    """

    href: str
    path: Path
    media_type: str
    width: int | None
    height: int | None
    alt: str  # the first description the text gives it ("" when it has none)
    source: Path  # the chapter that first shows it
    line: int


@dataclass
class Chapter:
    """One chapter: its content tree, its title, and (after the transforms) its notes.

    ``content`` is a ``div`` whose children are the chapter's blocks, the title's ``h1``
    first when it has one. ``title`` is the heading's text without its note calls: what the
    contents, the navigation, ``<title>``, running heads and bookmarks repeat. ``id`` is
    stable and readable ("ch-01-opening"), used by every writer for file names and anchors.
    """

    id: str
    title: str | None
    content: etree._Element
    source: Path
    # Filled by the notes transform: this chapter's notes in reading order.
    notes: list[Note] = field(default_factory=list)
    # The reader's hand-over to the notes transform, empty once it has run: the citations
    # (a CITE element indexes them) and the footnote definitions by label (FOOTNOTE_REF).
    citations: list[Citation] = field(default_factory=list)
    footnotes: dict[str, Footnote] = field(default_factory=dict)


@dataclass
class Footnote:
    """A footnote as the manuscript defined it: its blocks, and where the definition is."""

    label: str
    blocks: list[etree._Element]
    source: Path
    line: int


@dataclass(frozen=True)
class Citation:
    """A citation as the manuscript wrote it, in pandoc syntax: ``[see @a, p. 12; @b]``.

    ``items`` are the parser's ``CitationItem``s (readers/citation_syntax.py); ``line`` is where
    the citation begins in ``source``, for error messages.
    """

    text: str
    items: tuple[Any, ...]
    source: Path
    line: int
    narrative: bool = False  # "@key says", pandoc's AuthorInText
    column: int = 1

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    def place_of(self, key: str) -> tuple[int, int]:
        """Line and column of ``@key`` in the chapter (the citation may run over lines)."""
        offset = self.text.find("@" + key)
        if offset < 0:
            offset = self.text.find("@{" + key)
        if offset < 0:
            return self.line, self.column
        before = self.text[:offset]
        if "\n" not in before:
            return self.line, self.column + offset
        return self.line + before.count("\n"), offset - before.rfind("\n")


@dataclass
class Note:
    """One note, numbered in reading order: a footnote the author wrote or a citation note.

    ``blocks`` are its paragraphs (and quotations, lists...). ``id`` and ``ref_id`` are the ids
    of the note and of its call (``note-12``, ``noteref-12``; ``note-2-5`` when numbering
    restarts with each chapter, so that ids stay unique in a one-document print edition).
    """

    number: int
    id: str
    ref_id: str
    blocks: list[etree._Element]
    kind: Literal["footnote", "citation"]


@dataclass
class Reference:
    """One bibliography entry: its citation key, a stable id and its formatted content.

    ``content`` is a ``span`` holding the entry's inline content; ``lang`` is the language
    of the work (CSL ``language``), when it is not the book's.
    """

    key: str
    id: str  # "ref-avrich1984"
    content: etree._Element
    lang: str | None = None


@dataclass(frozen=True)
class UnprintedReference:
    """A cited work the citation style gives no bibliography entry, not accepted by the editors
    (``omit-from-bibliography:`` in the bibliography accepts it)."""

    key: str
    file: Path | None
    line: int | None
    style: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line or 1}: " if self.file else ""
        return (
            f"{place}the style {self.style} prints no bibliography entry for '{self.key}'; give "
            "it a type the style prints (book, article-journal, manuscript, webpage, ...) if "
            "the facts allow, or say why it stays out with 'omit-from-bibliography: reason'"
        )


@dataclass(frozen=True)
class PageList:
    """Where the print edition's pages begin in the text: (page number, chapter id, words).

    Made by the print writer from its laid-out pages (writers/pamphlet.py ``page_map``) and carried
    by the EPUB as page-break markers and a page-list nav, so that a reader can follow a
    seminar's "page 12" (EPUB Accessibility 1.1, pageBreakSource).
    """

    breaks: tuple[tuple[int, str, str], ...]


@dataclass(frozen=True)
class Correction:
    """An evident slip of the author corrected by the editors (manuscript/corrections.yaml)."""

    chapter: str  # the chapter file's name, e.g. "02-a-life.md"
    original: str
    corrected: str
    note: str | None = None


@dataclass
class Book:
    metadata: BookMetadata
    chapters: list[Chapter]
    manuscript_dir: Path
    # Every image the text shows, in order of first appearance, each once.
    assets: list[Asset] = field(default_factory=list)
    # The editorial note's matter: every correction of the author's text, as recorded.
    corrections: list[Correction] = field(default_factory=list)
    # Filled by the notes transform: every work cited (and every 'nocite:' entry), in the
    # style's order, and the heading of that back-matter section.
    bibliography: list[Reference] = field(default_factory=list)
    bibliography_title: str = "Bibliography"
    # Filled by the notes transform: cited works the bibliography leaves out, unaccepted.
    unprinted_references: list[UnprintedReference] = field(default_factory=list)

    @property
    def notes(self) -> list[Note]:
        return [note for chapter in self.chapters for note in chapter.notes]
