"""The document model every writer renders: one Book, its metadata and its chapters.

Readers build it, transforms annotate it (notes, citations, typography, ids), writers only
render it. A writer never re-parses Markdown or renumbers anything: when the EPUB and the PDF
disagree, the fix belongs in a reader or a transform, never in a writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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


@dataclass
class Book:
    metadata: BookMetadata
    chapters: list[Chapter]
    manuscript_dir: Path
