"""The document model every writer renders: one Book, its metadata and its chapters.

Readers build it, transforms annotate it (notes, citations, typography, ids), writers only
render it. A writer never re-parses Markdown or renumbers anything: when the EPUB and the PDF
disagree, the fix belongs in a reader or a transform, never in a writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal


@dataclass(frozen=True)
class Contributor:
    name: str
    role: str = "aut"  # MARC relator code: aut, edt, trl, ill, ...
    file_as: str | None = None  # "Lawson, Tommy": how catalogues sort the name


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


@dataclass
class Chapter:
    """One chapter: an optional title and its body as a well-formed XHTML fragment.

    ``id`` is stable and readable ("ch-01-opening") and used by every writer for file names,
    anchors and bookmarks.
    """

    id: str
    title: str | None
    body: str
    source: Path
    # Filled by the notes transform: this chapter's notes in reading order.
    notes: list[Note] = field(default_factory=list)
    # The reader's hand-over to the notes transform, empty once it has run: the citations
    # (``<span data-citation="N"/>`` in the body marks citations[N]) and the footnote
    # definitions by label (``<a data-footnote="label"/>`` marks a call).
    citations: list[Citation] = field(default_factory=list)
    footnotes: dict[str, str] = field(default_factory=dict)


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

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)


@dataclass
class Note:
    """One note, numbered in reading order: a footnote the author wrote or a citation note.

    ``body`` is an XHTML fragment of one or more ``<p>``. ``id`` and ``ref_id`` are the ids of
    the note and of its call (``note-12``, ``noteref-12``; ``note-2-5`` when numbering restarts
    with each chapter, so that ids stay unique in a one-document print edition).
    """

    number: int
    id: str
    ref_id: str
    body: str
    kind: Literal["footnote", "citation"]


@dataclass
class Reference:
    """One bibliography entry: its citation key, a stable id and its formatted text."""

    key: str
    id: str  # "ref-avrich1984"
    html: str  # inline XHTML: "Avrich, Paul. <em>The Russian Anarchists</em>. ..."


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
