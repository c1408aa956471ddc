"""Only our own faces: every character of a PDF samizdat makes is set in a font file that our
``@font-face`` rules loaded (the book face, the code face), with a glyph of its own.

Used by the print writer and by the cover, which WeasyPrint sets too. When a character has no
glyph in our faces, the error names it and the first place it stands in the manuscript.
"""

from __future__ import annotations

import hashlib
import logging
import re

from samizdat.document import Book
from samizdat.errors import BuildError
from samizdat.writers.fetcher import ManuscriptFetcher

_NOTDEF = re.compile(r'\.notdef glyph rendered for Unicode string unsupported by fonts: "(.)"')


def refuse_unset_characters(records: list[logging.LogRecord], book: Book | None) -> None:
    """WeasyPrint's own word for a character no face on the machine has, as our error."""
    notdef = {m.group(1) for record in records for m in [_NOTDEF.search(record.getMessage())] if m}
    if notdef:
        character, file, line = _first_place(book, notdef)
        raise BuildError(
            f"no font has '{character}' (U+{ord(character):04X}), not the book face, the code "
            "face or any other on this machine", file=file, line=line,
            hint="write the character differently, or add a face that has it to styles/fonts.css")


def require_own_fonts(document, fetcher: ManuscriptFetcher, book: Book | None = None) -> None:
    """Every character of ``document`` must be set in a font file our ``@font-face`` rules
    loaded, with a glyph of its own.

    Checked by content, not by name: a "Charis SIL" of another version installed system-wide
    is called Charis-SIL in the PDF too. WeasyPrint subsets the font while writing, so the
    original file is read back from the HarfBuzz face (``get_hb_object_data``, WeasyPrint 70).
    A character our fonts lack is either set in a system face (a stranger) or, when no face
    has it, drawn as the empty .notdef box of ours (``Font.missing``): both fail, naming the
    first place in the manuscript where the character stands. Call after ``write_pdf``, which
    is when ``document.fonts`` is filled.
    """
    from weasyprint.text.fonts import get_hb_object_data

    strangers: set[str] = set()
    unset: set[str] = set()
    for font in document.fonts.values():
        ours = hashlib.sha256(bytes(get_hb_object_data(font.hb_face))).hexdigest() in fetcher.served
        if not ours:
            strangers.add(font.name.decode().split("+", 1)[-1])
            unset.update("".join(font.to_unicode.values()))
        else:
            unset.update(chr(codepoint) for codepoint in font.missing)
    unset = {c for c in unset if not c.isspace()}
    if not strangers and not unset:
        return
    character, file, line = _first_place(book, unset) if book is not None else (None, None, None)
    faces = f" ({', '.join(sorted(strangers))})" if strangers else ""
    if character is None:
        raise BuildError(f"text set in a font other than the book face{faces}: a @font-face "
                         "file did not load", hint="check styles/fonts.css and styles/fonts/")
    raise BuildError(
        f"text set in a font other than the book face{faces}: '{character}' "
        f"(U+{ord(character):04X}) is in neither the book face nor the code face",
        file=file, line=line,
        hint="write the character differently, or add a face that has it to styles/fonts.css",
    )


def _first_place(book: Book | None, characters: set[str]
                 ) -> tuple[str | None, str | None, int | None]:
    """The first of ``characters`` in reading order in the manuscript, and where it is."""
    from samizdat.config import read_text

    for chapter in book.chapters if book is not None else ():
        text = read_text(chapter.source)
        found = [(text.index(c), c) for c in characters if c in text]
        if found:
            offset, character = min(found)
            return character, str(chapter.source), text.count("\n", 0, offset) + 1
    return (min(characters) if characters else None), None, None
