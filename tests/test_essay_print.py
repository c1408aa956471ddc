"""The essay's A5 pamphlet, rendered once (module fixture) and read back with pdfplumber and pypdf.

The issue's print requirements, judged on the real essay rather than on a toy: every note at the
foot of the page of its call, no more than two hyphenated lines in a row, and the metadata in
both the document information and XMP. Expected values come from the model (note numbers,
metadata) or from print.css (sizes), never from an earlier run.
"""

from __future__ import annotations

import collections
import io
import re
from datetime import datetime, timezone
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from samizdat.config import load_manuscript
from samizdat.pipeline import read_book
from samizdat.writers.pdf import MAX_HYPHENATED_LINES, render_pamphlet

ROOT = Path(__file__).resolve().parents[1]
MANUSCRIPT = ROOT / "manuscript"
STYLES = ROOT / "styles"
EPOCH = 1_700_000_000

# print.css: body 10pt, quotations 9pt, notes 8pt; a call is 70% of the text it stands in.
BODY, QUOTE, NOTE = 10.0, 9.0, 8.0
CALLS = (BODY * 0.7, QUOTE * 0.7)
BOTTOM_MARGIN = 19 * 72 / 25.4  # print.css: @page margin-bottom
HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character: what a hyphenation break ends with


@pytest.fixture(scope="module")
def book():
    return read_book(load_manuscript(MANUSCRIPT))


@pytest.fixture(scope="module")
def pamphlet(book) -> bytes:
    return render_pamphlet(book, page_size="A5", stylesheets=[STYLES / "print.css"],
                           allowed_roots=[MANUSCRIPT, STYLES], source_date_epoch=EPOCH)


@pytest.fixture(scope="module")
def pages(pamphlet):
    with pdfplumber.open(io.BytesIO(pamphlet)) as pdf:
        return [page.chars for page in pdf.pages]


def rows(chars, size: float) -> list[list[dict]]:
    """The lines set at ``size``, top to bottom, each left to right."""
    by_line = collections.defaultdict(list)
    for c in chars:
        if abs(c["size"] - size) < 0.05:
            by_line[round(c["bottom"])].append(c)
    return [sorted(line, key=lambda c: c["x0"]) for _, line in sorted(by_line.items())]


def calls_and_notes(pages) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Page numbers of each note call (superscript digits) and each note ("N." opening a line
    of the note area, below the last line of text)."""
    calls, notes = collections.defaultdict(list), collections.defaultdict(list)
    for number, chars in enumerate(pages, start=1):
        for line in [line for size in CALLS for line in rows(chars, size)]:
            digits, previous = "", None
            for c in line + [None]:
                if c is not None and previous is not None and c["x0"] - previous["x1"] < 0.5:
                    digits += c["text"]
                    previous = c
                    continue
                if digits:
                    calls[int(digits)].append(number)
                digits, previous = (c["text"], c) if c else ("", None)
        text = [c for c in chars if c["y0"] > BOTTOM_MARGIN  # not the folio, in the margin
                and min(abs(c["size"] - size) for size in (BODY, QUOTE)) < 0.05]
        text_bottom = max((c["bottom"] for c in text), default=0)
        for line in rows(chars, NOTE):
            # "12. Avrich…": a number, a full stop, a space (not a year ending a wrapped line)
            marker = re.match(r"(\d+)\. ", "".join(c["text"] for c in line))
            if marker and line[0]["top"] > text_bottom:
                notes[int(marker.group(1))].append(number)
    return calls, notes


@pytest.fixture(scope="module")
def half_letter_pages(book):
    """The pages the Letter booklet imposes: the same book laid out at 5.5 x 8.5 in."""
    pdf = render_pamphlet(book, page_size="5.5in 8.5in", stylesheets=[STYLES / "print.css"],
                          allowed_roots=[MANUSCRIPT, STYLES], source_date_epoch=EPOCH)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [page.chars for page in document.pages]


def test_every_note_is_on_its_calls_page_at_half_letter_too(book, half_letter_pages):
    test_every_note_is_at_the_foot_of_the_page_of_its_call(book, half_letter_pages)


def test_every_note_is_at_the_foot_of_the_page_of_its_call(book, pages):
    numbers = [note.number for chapter in book.chapters for note in chapter.notes]
    calls, notes = calls_and_notes(pages)
    # Each call and each note exactly once: otherwise the reading below is wrong, not the PDF.
    assert sorted(calls) == sorted(notes) == sorted(numbers)
    assert all(len(calls[n]) == len(notes[n]) == 1 for n in numbers)
    astray = {n: (calls[n][0], notes[n][0]) for n in numbers if calls[n] != notes[n]}
    assert astray == {}, "note: (page of call, page of note)"


def test_no_more_than_two_hyphenated_lines_in_a_row(book, pages):
    # The manuscript never types U+2010 itself, so every line ending in one is a hyphenation.
    assert not any(HYPHEN in "".join(chapter.content.itertext()) for chapter in book.chapters)
    ladders, hyphenated = [], 0
    for number, chars in enumerate(pages, start=1):
        for size in (BODY, QUOTE, NOTE):
            run = []
            for line in rows(chars, size) + [[]]:
                text = "".join(c["text"] for c in line).rstrip()
                if text.endswith(HYPHEN):
                    run.append(text)
                    hyphenated += 1
                    continue
                if len(run) > MAX_HYPHENATED_LINES:
                    ladders.append((number, run))
                run = []
    assert hyphenated > 20, "hyphenation seems off: the test would prove nothing"
    assert ladders == []


def test_text_is_justified_and_hyphenated(pages):
    """Most full lines of a text page end at the same right edge (justified)."""
    page = max(pages, key=lambda chars: len(rows(chars, BODY)))
    ends = collections.Counter(round(line[-1]["x1"]) for line in rows(page, BODY))
    assert ends.most_common(1)[0][1] >= 0.7 * sum(ends.values())


def test_xmp_carries_the_book_metadata(book, pamphlet):
    meta = book.metadata
    xmp = PdfReader(io.BytesIO(pamphlet)).xmp_metadata
    assert xmp is not None, "no XMP packet in the PDF"
    stamp = datetime.fromtimestamp(EPOCH, timezone.utc).replace(tzinfo=None)
    assert (xmp.dc_title["x-default"], xmp.dc_creator, xmp.dc_description["x-default"],
            xmp.dc_subject, xmp.dc_language, xmp.xmp_create_date, xmp.xmp_modify_date) == (
        meta.full_title, [a.name for a in meta.authors], meta.description, list(meta.subjects),
        [meta.lang], stamp, stamp)
    assert xmp.pdf_producer.startswith("WeasyPrint")


def test_info_and_xmp_agree(pamphlet):
    reader = PdfReader(io.BytesIO(pamphlet))
    info, xmp = reader.metadata, reader.xmp_metadata
    assert (info.title, info.author, info.subject, info["/Keywords"]) == (
        xmp.dc_title["x-default"], ", ".join(xmp.dc_creator), xmp.dc_description["x-default"],
        xmp.pdf_keywords)
