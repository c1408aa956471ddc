"""The model's trees as markup strings, for tests that assert on what the transforms made.

A note call (the model's NOTE_REF) is written as the link every edition makes of it,
``<a class="noteref" id="noteref-N" href="#note-N">N</a>``; everything else as it is.
"""

from __future__ import annotations

import copy
from html import escape

from lxml import etree

from samizdat.document import NOTE_REF, Book, Chapter, Note, Reference


def _inner(element: etree._Element, notes: dict[str, Note]) -> str:
    element = copy.deepcopy(element)
    for call in list(element.iter(NOTE_REF)):
        note = notes[call.get("note")]
        link = etree.Element("a", {"class": "noteref", "id": note.ref_id, "href": f"#{note.id}"})
        link.text = str(note.number)
        link.tail = call.tail
        call.getparent().replace(call, link)
    etree.cleanup_namespaces(element)
    return escape(element.text or "", quote=False) + "".join(
        etree.tostring(child, encoding="unicode") for child in element)


def body(chapter: Chapter) -> str:
    """A chapter's content as markup."""
    return _inner(chapter.content, {note.id: note for note in chapter.notes}).strip()


def note_body(note: Note) -> str:
    """A note's blocks as markup."""
    return "\n".join(etree.tostring(block, encoding="unicode", with_tail=False)
                   for block in note.blocks)


def reference_html(reference: Reference) -> str:
    return _inner(reference.content, {})


def all_notes(book: Book) -> list[str]:
    return [note_body(note) for note in book.notes]
