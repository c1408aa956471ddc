"""The formats an edition can have, registered once: name, file suffix, stylesheets, how it
is made and how it is checked.

The edition table (editions.py), the build (build/) and ``samizdat check`` ask this registry
instead of testing ``format == "epub"`` each in their own way (Sphinx registers its builders
the same way: a class with a ``name``). A new format is one more entry here.

How an entry is made depends on whether it is laid out on pages: an EPUB-like format is
written from the book alone; a print format is made from the laid-out pages that every print
edition of one page size shares (the pamphlet as it is, a booklet imposed from it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from samizdat.document import Book
    from samizdat.editions import Edition
    from samizdat.writers.pamphlet import Pamphlet

EPUB_STYLES = ("common.css", "epub.css")
#: The print writer (WeasyPrint, 0.2 s to import with writers/weasyprint_import.py) and its join
#: of the parts (pypdf, 0.1 s).
PRINT_IMPORTS = ("samizdat.writers.pdf", "samizdat.writers.pdf_join")
PRINT_STYLES = ("print.css",)


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str  # of the output file: "epub", "kepub.epub", "pdf"
    stylesheets: tuple[str, ...]  # the defaults, in the styles folder, in cascade order
    laid_out: bool  # made from the shared print layout (page-size and sheet sizes apply)
    # EPUB-like: write(book, path, stylesheets, source_date_epoch, page_list, styles_dir);
    # print: make(pamphlet, edition)
    write: Callable[..., None] | None
    make: Callable[[Pamphlet, Edition], bytes] | None
    # samizdat check: (output, edition) -> problems, as (tool, severity, code, message, place)
    check: Callable[[Path, Edition], list[tuple[str, str, str, str, str | None]]]
    # Slow steps the writer will ask the cache for, started in a child process as soon as the
    # build knows the metadata (before the chapters are read): (book's front, styles) -> None
    start_ahead: Callable[[Book, Path], None] | None = None
    # Modules its writer imports, imported in a thread while the chapters are read (see
    # build/run.py ``_warm_up``).
    imports: tuple[str, ...] = ()


def _write_epub(book: Book, path: Path, **options) -> None:
    from samizdat.writers.epub import write_epub

    write_epub(book, path, **options)


def _write_kepub(book: Book, path: Path, **options) -> None:
    from samizdat.writers.kepub import write_kepub

    write_kepub(book, path, **options)


def _start_cover(front: Book, styles_dir: Path) -> None:
    from samizdat.writers.cover import start_cover

    start_cover(front, styles_dir)


def _pamphlet(pamphlet: Pamphlet, edition: Edition) -> bytes:
    return pamphlet.pdf


def _booklet(pamphlet: Pamphlet, edition: Edition) -> bytes:
    from samizdat import imposition

    return imposition.impose_edition(pamphlet.pdf, edition)


def _check_epub(output: Path, edition: Edition) -> list[tuple]:
    from samizdat.checks.epub import validate_epub

    return validate_epub(output)


def _check_pdf(output: Path, edition: Edition) -> list[tuple]:
    from samizdat.checks.pdf import check_pdf

    return [("pdf", "error", p.code, p.message, None) for p in check_pdf(output, edition)]


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("epub", "epub", EPUB_STYLES, False, _write_epub, None, _check_epub,
               _start_cover),
        Format("kepub", "kepub.epub", EPUB_STYLES, False, _write_kepub, None, _check_epub,
               _start_cover),
        Format("pdf", "pdf", PRINT_STYLES, True, None, _pamphlet, _check_pdf,
               imports=PRINT_IMPORTS),
        Format("booklet", "pdf", PRINT_STYLES, True, None, _booklet, _check_pdf,
               imports=PRINT_IMPORTS),
    )
}


def format_of(name: str) -> Format:
    return FORMATS[name]
