"""Manuscript chapters (Markdown) -> the document model.

Python-Markdown parses each chapter; its footnotes, tables and attribute-list extensions are
the manuscript format's (README "Manuscript format"). Each chapter's first ``# `` heading is its
title. Bodies are kept as XHTML fragments, checked for well-formedness here so that no writer
meets a broken one.

``read_book`` returns the book ready for every writer: after reading, it runs the transforms
(transforms/notes.py: citations, notes, bibliography; transforms/typography.py) so that no
writer can render a book that skipped them.

What the reader hands to the notes transform (Chapter.citations, Chapter.footnotes): Python-
Markdown's footnote markup is taken apart here, since its numbers are in definition order and
per chapter, while ours are in reading order and shared with citation notes. A footnote call
becomes ``<a data-footnote="label"/>`` and its definition ``chapter.footnotes[label]``; a
citation becomes ``<span data-citation="N"/>`` (readers/citation_extension.py).
"""

from __future__ import annotations

import re
from functools import lru_cache
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown

from samizdat.config import Manuscript, read_text
from samizdat.document import Book, Chapter, Citation
from samizdat.errors import ManuscriptError
from samizdat.readers.citation_extension import CitationExtension
from samizdat.readers.citation_syntax import code_spans

EXTENSIONS = ["footnotes", "tables", "attr_list"]


class UnusedFootnoteWarning(UserWarning):
    """A footnote defined but never called: not an error (drafts have them), but worth saying."""


_TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def read_book(manuscript: Manuscript) -> Book:
    """The manuscript as the model every writer renders: read, then annotated by the transforms."""
    from samizdat.readers.corrections import load_corrections
    from samizdat.transforms.notes import process_notes
    from samizdat.transforms.typography import apply_typography

    chapters = [read_chapter(path, index) for index, path in enumerate(manuscript.chapter_paths, 1)]
    book = Book(metadata=manuscript.metadata, chapters=chapters, manuscript_dir=manuscript.root)
    book.corrections = load_corrections(manuscript)
    process_notes(book, manuscript)
    apply_typography(book)
    return book


def chapter_id(path: Path, index: int) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    if not re.match(r"\d", stem):
        stem = f"{index:02d}-{stem}"
    return f"ch-{stem}"


def read_chapter(path: Path, index: int) -> Chapter:
    text = read_text(path)
    ident = chapter_id(path, index)
    converter = _converter()
    html = converter.convert(text)
    root = _check_well_formed(html, path)
    citations = [
        Citation(text=found.text, items=found.citation.items, source=path, line=found.line)
        for found in converter.citations
    ]
    footnotes = _take_footnotes(root)
    _check_footnote_labels(text, path)
    body = "".join(_serialize(child) for child in root) if len(root) else ""
    body = (root.text or "") + body
    match = _TITLE.search(text)
    title = _inline_text(converter, match.group(1)) if match and _first_block_is(text, match) else None
    return Chapter(
        id=ident, title=title, body=body, source=path, citations=citations, footnotes=footnotes
    )


@lru_cache(maxsize=None)
def _markdown() -> markdown.Markdown:
    # One converter for all chapters: building one compiles some 170 regular expressions,
    # a fifth of an EPUB build's time. reset() clears footnotes and citations between uses.
    return markdown.Markdown(extensions=[*EXTENSIONS, CitationExtension()], output_format="xhtml")


def _converter() -> markdown.Markdown:
    return _markdown().reset()


def _serialize(element: ET.Element) -> str:
    return ET.tostring(element, encoding="unicode", short_empty_elements=True)


def _take_footnotes(root: ET.Element) -> dict[str, str]:
    """Python-Markdown's footnotes -> {label: body XHTML}; calls become ``<a data-footnote>``."""
    parents = {child: parent for parent in root.iter() for child in parent}
    for sup in list(root.iter("sup")):
        call = sup.find("a")
        if call is None or "footnote-ref" not in (call.get("class") or "").split():
            continue
        marker = ET.Element("a", {"data-footnote": call.get("href", "").removeprefix("#fn:")})
        marker.tail = sup.tail
        parent = parents[sup]
        parent[list(parent).index(sup)] = marker
    definitions: dict[str, str] = {}
    for block in list(root.iter("div")):
        if "footnote" not in (block.get("class") or "").split():
            continue
        for item in block.iter("li"):
            label = (item.get("id") or "").removeprefix("fn:")
            _drop_backlinks(item)
            inner = (item.text or "").strip() + "".join(_serialize(child) for child in item)
            definitions[label] = inner.strip()
        parents[block].remove(block)
    return definitions


def _drop_backlinks(item: ET.Element) -> None:
    # Python-Markdown ends the last paragraph with "&#160;" and one backlink per call.
    for parent in list(item.iter()):
        for child in list(parent):
            if child.tag == "a" and "footnote-backref" in (child.get("class") or "").split():
                index = list(parent).index(child)
                tail = child.tail or ""
                parent.remove(child)
                if index == 0:
                    parent.text = (parent.text or "").rstrip("\u00a0") + tail
                else:
                    previous = parent[index - 1]
                    previous.tail = (previous.tail or "").rstrip("\u00a0") + tail


_FOOTNOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.MULTILINE)
_FOOTNOTE_CALL = re.compile(r"\[\^([^\]\s]+)\](?!:)")


def _check_footnote_labels(text: str, path: Path) -> None:
    """A call without a definition is an error; a definition never called, a warning.

    Python-Markdown prints an undefined call as the literal text "[^label]" and silently keeps
    an uncalled definition, so both are caught here, on the source, where lines are known.
    """
    literal = code_spans(text)

    def in_code(offset: int) -> bool:
        return any(start <= offset < end for start, end in literal)

    defined = {
        m.group(1): text.count("\n", 0, m.start()) + 1
        for m in _FOOTNOTE_DEFINITION.finditer(text)
        if not in_code(m.start())
    }
    called = set()
    for m in _FOOTNOTE_CALL.finditer(text):
        if in_code(m.start()) or m.start() > 0 and text[m.start() - 1] == "\\":
            continue
        label = m.group(1)
        called.add(label)
        if label not in defined:
            raise ManuscriptError(
                f"footnote [^{label}] has no definition",
                file=path,
                line=text.count("\n", 0, m.start()) + 1,
                hint=f"add a paragraph '[^{label}]: the note's text' (or remove the call)",
            )
    for label, line in defined.items():
        if label not in called:
            warnings.warn(
                f"{path}:{line}: footnote [^{label}] is defined but never called; it is left out",
                UnusedFootnoteWarning,
                stacklevel=2,
            )


def _first_block_is(text: str, match: re.Match) -> bool:
    """A heading is the chapter's title only if nothing but blank lines precedes it."""
    return not text[: match.start()].strip()


def _inline_text(converter: markdown.Markdown, source: str) -> str:
    html = converter.reset().convert(source)
    return re.sub(r"<[^>]+>", "", html).strip()


def _check_well_formed(body: str, path: Path) -> ET.Element:
    try:
        return ET.fromstring(f"<div>{body}</div>")
    except ET.ParseError as exc:
        raise ManuscriptError(
            f"the chapter does not convert to well-formed XHTML ({exc})",
            file=path,
            hint="check raw HTML in the Markdown: tags must be closed and nested",
        ) from exc
