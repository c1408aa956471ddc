"""Lay a known text out as an extracted 2-up saddle-stitched booklet, the way a PDF text
extraction gives it: justified lines broken with hyphens, pages of N lines that start with a
single space, a few foot folios, a private-use ligature glyph, and the pages in sheet order.

The imposition is written out here independently of the importer, from the sheet diagram of a
saddle-stitched booklet, so a test compares the importer against a layout it did not make.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FF_LIGATURE = "\ue0e0"  # the "ff" glyph of the source font


@dataclass
class Block:
    kind: str  # "heading", "paragraph" or "quote"
    text: str


def wrap(text: str, width: int) -> list[str]:
    """Greedy justified-style wrap; long words are hyphenated to fill the line, compounds are
    broken after their own hyphen."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while True:
            room = width - len(line) - (1 if line else 0)
            if len(word) <= room:
                line = f"{line} {word}" if line else word
                break
            piece = _break(word, room)
            if piece is None:
                lines.append(line)
                line = ""
                continue
            head, word = piece
            lines.append(f"{line} {head}" if line else head)
            line = ""
    if line:
        lines.append(line)
    return lines


def _break(word: str, room: int) -> tuple[str, str] | None:
    # after a hyphen the word already has
    cuts = [i for i, ch in enumerate(word) if ch == "-" and 2 <= i < len(word) - 2 and i < room]
    if cuts:
        i = cuts[-1]
        return word[: i + 1], word[i + 1 :]
    letters = re.match(r"[A-Za-z]+", word)
    if not letters or "-" in word:
        return None
    run = letters.end()
    best = None
    for j in range(3, run - 2):  # keep three letters on each side of the break
        if j + 1 <= room:
            best = j
    if best is None:
        return None
    return word[:best] + "-", word[best:]


def lay_out(blocks: list[Block], width: int = 60, quote_width: int = 48,
            heading_width: int = 30) -> list[str]:
    """The text as continuous lines, blocks separated by a blank line."""
    out: list[str] = []
    for block in blocks:
        if out:
            out.append("")
        measure = {"heading": heading_width, "quote": quote_width}.get(block.kind, width)
        out.extend(wrap(block.text, measure))
    return out


def cut_pages(lines: list[str], per_page: int) -> list[list[str]]:
    """Pages of ``per_page`` lines; blank lines at a page edge vanish, as in the extraction."""
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)]
    out = []
    for page in pages:
        while page and not page[0].strip():
            page = page[1:]
        while page and not page[-1].strip():
            page = page[:-1]
        if page:
            out.append(page)
    return out


def sheet_order(booklet_pages: int) -> list[int]:
    """Physical pages of a 2-up saddle-stitched booklet in the order the extraction reads them:
    sheet by sheet from the outermost, outer side then inner side, left page then right.

    Sheet 1 of an 8-page booklet: outside 8|1, inside 2|7; sheet 2: outside 6|3, inside 4|5.
    """
    n = booklet_pages
    order = []
    for sheet in range(n // 4):
        low, high = 2 * sheet + 1, n - 2 * sheet
        order += [high, low, low + 1, high - 1]
    return order


def extract(pages: list[list[str]], *, imposed: bool = True, folios: set[int] = frozenset(),
            first_page: int = 1, booklet_pages: int | None = None,
            unmarked_after_folio: bool = True) -> str:
    """The extraction of a booklet whose text pages are ``pages`` (reading order), printed as
    physical pages ``first_page``... Pages with no text (padding, missing front or back matter)
    give nothing. ``folios``: physical page numbers whose folio survives, at the page foot."""
    count = len(pages)
    n = booklet_pages or -(-(count + first_page - 1) // 4) * 4
    physical = {first_page + i: page for i, page in enumerate(pages)}
    sequence = sheet_order(n) if imposed else sorted(physical)
    out: list[str] = []
    previous_had_folio = False
    for number in sequence:
        page = physical.get(number)
        if page is None:
            continue
        marker = "" if (previous_had_folio and unmarked_after_folio) else " "
        out.append(marker + page[0])
        out.extend(page[1:])
        previous_had_folio = number in folios
        if previous_had_folio:
            out += ["", str(number), ""]
    return "\n".join(out) + "\n"
