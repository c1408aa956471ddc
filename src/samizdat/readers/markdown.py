"""Manuscript chapters (Markdown) -> the document model.

Python-Markdown parses each chapter; its footnotes, tables and attribute-list extensions are
the manuscript format's (README "Manuscript format"). Each chapter's first ``# `` heading is its
title. Bodies are kept as XHTML fragments, checked for well-formedness here so that no writer
meets a broken one.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown

from samizdat.config import Manuscript, read_text
from samizdat.document import Book, Chapter
from samizdat.errors import ManuscriptError

EXTENSIONS = ["footnotes", "tables", "attr_list"]
_TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def read_book(manuscript: Manuscript) -> Book:
    chapters = [read_chapter(path, index) for index, path in enumerate(manuscript.chapter_paths, 1)]
    return Book(metadata=manuscript.metadata, chapters=chapters, manuscript_dir=manuscript.root)


def chapter_id(path: Path, index: int) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    if not re.match(r"\d", stem):
        stem = f"{index:02d}-{stem}"
    return f"ch-{stem}"


def read_chapter(path: Path, index: int) -> Chapter:
    text = read_text(path)
    ident = chapter_id(path, index)
    converter = markdown.Markdown(extensions=EXTENSIONS, output_format="xhtml")
    body = converter.convert(text)
    # Python-Markdown numbers footnotes "fn:1" in every chapter; prefix them with the chapter
    # id so that ids stay unique once chapters share one HTML document (the print edition).
    body = re.sub(r'(id="|href="#)(fn(?:ref)?):', rf"\1{ident}-\2-", body)
    _check_well_formed(body, path)
    match = _TITLE.search(text)
    title = _inline_text(converter, match.group(1)) if match and _first_block_is(text, match) else None
    return Chapter(id=ident, title=title, body=body, source=path)


def _first_block_is(text: str, match: re.Match) -> bool:
    """A heading is the chapter's title only if nothing but blank lines precedes it."""
    return not text[: match.start()].strip()


def _inline_text(converter: markdown.Markdown, source: str) -> str:
    html = converter.reset().convert(source)
    return re.sub(r"<[^>]+>", "", html).strip()


def _check_well_formed(body: str, path: Path) -> None:
    try:
        ET.fromstring(f"<div>{body}</div>")
    except ET.ParseError as exc:
        raise ManuscriptError(
            f"the chapter does not convert to well-formed XHTML ({exc})",
            file=path,
            hint="check raw HTML in the Markdown: tags must be closed and nested",
        ) from exc
