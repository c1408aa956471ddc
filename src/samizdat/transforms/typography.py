"""Typography on the model's text: curly quotes, dashes, ellipses and non-breaking spaces.

Each rule is a plain, named function on a run of text (after Standard Ebooks' se/typography.py),
applied to the text nodes of chapter contents, notes and bibliography entries, never inside
``code``, ``pre``, ``kbd``, ``samp``, ``script`` or math. Quotes and dashes follow pandoc's ``smart``
extension, so that footnotes read the same as pandoc would print them; the citation text comes
from pandoc already typeset, and running the rules on it again changes nothing but spaces.

The book's metadata gets the same rules (title, subtitle, description, names...), since a
title is shown in the package metadata, ``<title>``, the cover and the navigation as well as
on the title page, and must read the same everywhere.
"""

from __future__ import annotations

import dataclasses
import re

from lxml import etree

from samizdat.document import MATH, NOTE_REF, Book

NBSP = "\u00a0"
LITERAL = {"code", "pre", "kbd", "samp", "script", "style", "math", MATH}


def apply_typography(book: Book) -> Book:
    for chapter in book.chapters:
        typeset_tree(chapter.content)
        for note in chapter.notes:
            for block in note.blocks:
                typeset_tree(block)
    for reference in book.bibliography:
        typeset_tree(reference.content)
    book.metadata = typeset_metadata(book.metadata)
    return book


def typeset_metadata(metadata):
    """The metadata's texts typeset: curly quotes in the title wherever the title is shown."""
    texts = {name: typeset(getattr(metadata, name))
             for name in ("title", "subtitle", "description", "source", "rights", "publisher")
             if getattr(metadata, name)}
    people = [dataclasses.replace(person, name=typeset(person.name))
              for person in metadata.contributors]
    return dataclasses.replace(metadata, contributors=people,
                               subjects=[typeset(s) for s in metadata.subjects], **texts)


def typeset(text: str) -> str:
    """All the rules, in order, on one run of text."""
    for rule in (dashes, ellipses, curl_quotes, space_in_page_references, space_after_initials):
        text = rule(text)
    return text


def dashes(text: str) -> str:
    """``---`` is an em dash and ``--`` an en dash (pandoc's smart extension)."""
    return text.replace("---", "\u2014").replace("--", "\u2013")


def ellipses(text: str) -> str:
    return text.replace("...", "\u2026")


_OPENS_AFTER = r"(?:^|(?<=[\s(\[{\u2014\u2013/\u201c\u2018-]))"


# Compiled once: every text node of the book goes through these (3,500 in a 30-chapter book).
_ELISION = re.compile(_OPENS_AFTER + r"'(?=\d\d(?:s|\b))")
_OPENING_DOUBLE = re.compile(_OPENS_AFTER + '"')
_OPENING_SINGLE = re.compile(_OPENS_AFTER + "'")
_PAGE_REFERENCE = re.compile(
    r"\b(p|pp|no|nos|vol|vols|ch|chap|sec|n|nn|fol|fols|col)\.[ ](?=[\divxlcdm]+\b)",
    flags=re.IGNORECASE)
_INITIAL = re.compile(r"\b([A-Z]\.) (?=[A-Z])")


def curl_quotes(text: str) -> str:
    """Straight quotes -> typographic ones: opening after a space or an opening bracket,
    closing (and the apostrophe) everywhere else, as pandoc's smart extension reads them.
    """
    if "'" not in text and '"' not in text:
        return text
    text = _ELISION.sub("\u2019", text)  # ’90s: an elision
    text = _OPENING_DOUBLE.sub("\u201c", text)
    text = text.replace('"', "\u201d")
    text = _OPENING_SINGLE.sub("\u2018", text)
    return text.replace("'", "\u2019")


def space_in_page_references(text: str) -> str:
    """"p. 12", "pp. 33–35", "no. 1", "vol. 2": the label must not end a line alone."""
    if ". " not in text:
        return text
    return _PAGE_REFERENCE.sub(lambda m: m.group(1) + "." + NBSP, text)


def space_after_initials(text: str) -> str:
    """"G. T. Miasnikov": initials stay with each other and with the surname."""
    if ". " not in text:
        return text
    return _INITIAL.sub(lambda m: m.group(1) + NBSP, text)


def space_before_note_call(text: str) -> str:
    """A space left before a note call ("word [^1]") must not break: a call cannot begin a line."""
    return text.rstrip(" ") + NBSP if text.endswith(" ") else text


# --- On the tree -----------------------------------------------------------------------------


def typeset_tree(root: etree._Element) -> None:
    _typeset_element(root)
    _keep_note_calls_attached(root)


def _typeset_element(element: etree._Element) -> None:
    # A quotation mark's direction depends on what precedes it, possibly in another text node
    # ("<em>word</em>'s"), so each node is typeset with the character before it as context.
    if element.tag in LITERAL or not isinstance(element.tag, str):
        return
    if element.text:
        element.text = typeset(element.text)
    for child in element:
        _typeset_element(child)
        if child.tail:
            child.tail = _typeset_after(child, child.tail)


def _typeset_after(child: etree._Element, tail: str) -> str:
    # The tail follows an element: a quote at its start closes ("<em>x</em>'s", "…</a>'").
    marker = "\u2063"  # invisible separator, stands for the element's last character
    return typeset(marker + tail)[1:] if tail[:1] in "'\"" else typeset(tail)


def _keep_note_calls_attached(root: etree._Element) -> None:
    for call in root.iter(NOTE_REF):
        previous = call.getprevious()
        if previous is None:
            parent = call.getparent()
            parent.text = space_before_note_call(parent.text or "")
        else:
            previous.tail = space_before_note_call(previous.tail or "")
