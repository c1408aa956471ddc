"""From manuscript folder to the book every writer renders: read, then transform, in one place.

    Manuscript --read--> Book --notes (citations, numbering, bibliography)--> --typography--> Book

The reader only reads; each transform is a function from model to model with its settings
given explicitly (pandoc's filters are the model). Problems go to one Diagnostics list: the
first error stops here, with its file and line; warnings are said once everything was read.
"""

from __future__ import annotations

from samizdat.config import Manuscript
from samizdat.diagnostics import Diagnostics
from samizdat.document import Book
from samizdat.transforms.typography import apply_typography, typeset_metadata


def read_book(manuscript: Manuscript) -> Book:
    """The manuscript as the model every writer renders, every transform applied."""
    # Imported here, not above: a build reads the front (``read_front``) and starts the
    # cover's child process before it needs the reader, and Python-Markdown, pymdownx and
    # the notes' transform (about 40 ms of imports) then load while the child works.
    from samizdat.readers.markdown import read_book as read_manuscript
    from samizdat.transforms.notes import notes_settings, process_notes

    diagnostics = Diagnostics()
    book = read_manuscript(manuscript, diagnostics)
    settings = notes_settings(manuscript, book, diagnostics)
    diagnostics.raise_first_error()
    process_notes(book, settings)
    apply_typography(book)
    diagnostics.emit_warnings()
    return book


def read_front(manuscript: Manuscript) -> Book:
    """The book's metadata as every writer shows it, without its chapters: what the build
    needs to start slow steps that depend on the metadata alone (the cover) before the
    chapters are read."""
    return Book(metadata=typeset_metadata(manuscript.metadata), chapters=[],
                manuscript_dir=manuscript.root)
