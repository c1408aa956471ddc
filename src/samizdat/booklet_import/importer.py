"""Extracted booklet text -> draft Markdown chapters (``samizdat import``).

A text extraction of an imposed pamphlet gives the pages in the order of the printed sheets, with
words broken at line and page ends, ligature glyphs from the font's private-use area, folios
mixed into the text and no markup. This reader works only from the structure of the text: it
finds the pages, puts them back into reading order, rebuilds paragraphs, block quotations and
headings, and reports (never silently fixes) what an editor has to decide.

Report codes (``ImportReport.code``):

- I000 page order found (the permutation, the booklet size and how the sheets were read)
- I001 a page ends mid-word or mid-sentence and the next page in reading order does not continue it
- I002 a stretch of text much longer than a page has no page-start marker (two pages run together?)
- I003 a surviving folio disagrees with the page order chosen
- I004 a line-end hyphen the word list and the text could not decide (joined; check it)
- I005 a private-use character with no known ligature mapping (left in the text)
- I006 a token that looks like two words run together
- I007 a missing space after punctuation inside a token
- I008 private-use ligature glyphs mapped back to letters (a count)
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path

from samizdat.errors import ManuscriptError
from samizdat.wordlist import english_words

IMPOSITIONS = ("saddle-2up", "none")

# Fonts put ligatures they have no Unicode slot for in the private-use area, and a text extraction
# copies the code point as it is. U+E0E0 is the "ff" of the font of our first source; U+F001/F002
# are the Mac OS Roman fi/fl that Adobe fonts map into the PUA. The U+FB00 presentation forms are
# not private use, but they break search and spelling just the same.
PUA_LIGATURES = {
    "\ue0e0": "ff",
    "\uf001": "fi",
    "\uf002": "fl",
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
}

# A prefix that a writer keeps hyphenated before a stem even when the closed form is a word
# somewhere ("co-operation" in British usage), so a break after it is not evidence of a
# typesetter's hyphen.
KEPT_PREFIXES = frozenset({"co", "anti", "self", "non"})

# Short words allowed as one half of a run-together token; the word list holds many two-letter
# abbreviations ("mi", "ab") that would otherwise split any name.
SHORT_WORDS = frozenset(
    "a i an as at be by do go he if in is it me my no of on or so to up us we am "
    "the and but for not was had has her his its our out who how why".split()
)

OPENING_QUOTES = "“‘\"'«"
CLOSING_QUOTES = "”’\"'»"
# A line ending in one of these may end a paragraph; anything else leaves the sentence open.
TERMINAL = ".!?:;…" + CLOSING_QUOTES + ")]"
LINE_END_HYPHENS = "-\u00ad\u2010"
LINE_END_JOINERS = "/–—"  # a break after a slash or dash is not a word space

_FOLIO = re.compile(r"^\s*(\d{1,4})\s*$")
_PAGE_START = re.compile(r"^ \S")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)


@dataclass
class ImportReport:
    line: int | None  # line in the SOURCE file
    code: str
    message: str

    def __str__(self) -> str:
        place = f"line {self.line}" if self.line is not None else "-"
        return f"{self.code} {place}: {self.message}"


@dataclass
class DraftBlock:
    kind: str  # "paragraph" or "quote"
    text: str
    line: int  # source line where the block starts
    # (offset in text, source line) for each source line the block was joined from
    line_starts: list[tuple[int, int]] = field(default_factory=list)

    def line_at(self, offset: int) -> int:
        line = self.line
        for start, number in self.line_starts:
            if start > offset:
                break
            line = number
        return line


@dataclass
class DraftChapter:
    title: str | None
    blocks: list[DraftBlock] = field(default_factory=list)
    line: int | None = None  # source line of the heading (or first block)

    @property
    def slug(self) -> str:
        return slugify(self.title) if self.title else "opening"

    def to_markdown(self) -> str:
        parts = []
        if self.title:
            parts.append(f"# {self.title}")
        for block in self.blocks:
            text = _escape_block_start(block.text)
            parts.append(f"> {text}" if block.kind == "quote" else text)
        return "\n\n".join(parts) + "\n"


@dataclass
class BookletImport:
    chapters: list[DraftChapter]
    reports: list[ImportReport]
    page_order: list[int]  # extracted page indexes (0-based, in source order) in reading order


# ---------------------------------------------------------------------------------------------
# pages


@dataclass
class _Page:
    index: int  # position in the extraction
    lines: list[tuple[int, str]]  # (source line, text) with the page-start space removed
    folio: int | None = None
    folio_line: int | None = None
    folio_above: bool = False  # the folio stood before the text (a head folio), not after it

    @property
    def first_line(self) -> int:
        return self.lines[0][0] if self.lines else (self.folio_line or 0)

    def text_lines(self) -> list[str]:
        return [t for _, t in self.lines if t.strip()]


def split_pages(source_lines: list[str]) -> list[_Page]:
    """Cut the extraction at page-start lines (one leading space) and at folio lines."""
    pages: list[_Page] = []
    current: list[tuple[int, str]] = []
    pending_folio: tuple[int, int] | None = None  # a folio not yet given to a page

    def close() -> None:
        nonlocal current, pending_folio
        while current and not current[-1][1].strip():
            current.pop()
        while current and not current[0][1].strip():
            current.pop(0)
        if current:
            page = _Page(index=len(pages), lines=current)
            if pending_folio is not None:
                page.folio, page.folio_line = pending_folio
                page.folio_above = True
                pending_folio = None
            pages.append(page)
        current = []

    for number, raw in enumerate(source_lines, start=1):
        line = raw.rstrip("\r\n").rstrip()
        folio = _FOLIO.match(line)
        if folio:
            has_text = any(t.strip() for _, t in current)
            close()
            if has_text:
                # A folio right after text closes that page and is taken as its foot folio (our
                # source prints folios at the foot); a folio before any text heads the next page.
                pages[-1].folio, pages[-1].folio_line = int(folio.group(1)), number
            else:
                pending_folio = (int(folio.group(1)), number)
            continue
        if _PAGE_START.match(line) and any(t.strip() for _, t in current):
            close()
        if _PAGE_START.match(line):
            line = line[1:]
        current.append((number, line))
    close()
    return pages


# ---------------------------------------------------------------------------------------------
# imposition


@dataclass(frozen=True)
class _Reading:
    """One way the sheets could have been read: the order physical pages came out in."""

    sheets_outer_first: bool
    outer_side_first: bool
    left_first: bool

    def describe(self) -> str:
        return (
            f"sheets {'outermost' if self.sheets_outer_first else 'innermost'} first, "
            f"{'outer' if self.outer_side_first else 'inner'} side first, "
            f"{'left' if self.left_first else 'right'} page then "
            f"{'right' if self.left_first else 'left'}"
        )


READINGS = [_Reading(*flags) for flags in product((True, False), repeat=3)]


def saddle_sheet_order(pages: int, reading: _Reading | None = None) -> list[int]:
    """Physical page numbers (1-based) in the order a sheet-by-sheet extraction gives them.

    The sheets are the imposition engine's own 2up saddle stitch (outermost sheet first, its
    outer side then its inner side, left page then right), read in one of the eight ways
    ``reading`` names: an extraction may have gone through the sheets, their sides or their
    halves the other way round.
    """
    from samizdat.imposition import saddle_stitch_halves

    reading = reading or READINGS[0]
    sides = saddle_stitch_halves(pages, cover=False)
    sheets = [sides[index:index + 2] for index in range(0, len(sides), 2)]
    if not reading.sheets_outer_first:
        sheets.reverse()
    order: list[int] = []
    for outer, inner in sheets:
        for left, right in ([outer, inner] if reading.outer_side_first else [inner, outer]):
            pair = (left, right) if reading.left_first else (right, left)
            order.extend(page + 1 for page in pair if page is not None)
    return order


@dataclass
class _Candidate:
    booklet_pages: int
    first_page: int  # physical number of the first page that has text
    reading: _Reading | None
    physical: list[int]  # physical page number of each extracted page
    folio_hits: int = 0
    folio_misses: int = 0
    continuity: float = 0.0
    # the last text page is the back cover, the blanks before it (imposed with a cover, as
    # samizdat's booklets and PDF::Imposition's "cover" are)
    back_cover: bool = False

    @property
    def order(self) -> list[int]:
        return sorted(range(len(self.physical)), key=lambda i: self.physical[i])


def _candidates(count: int, has_folios: bool) -> list[_Candidate]:
    smallest = -(-count // 4) * 4
    sizes = [smallest]
    if has_folios:
        # With folios to confirm it, allow front and back matter that is not in the extraction
        # (title, contents, references)
        # (a quarter of the booklet at most: the extraction must hold most of it).
        n = smallest + 4
        while n - count <= n // 4:
            sizes.append(n)
            n += 4
    out = []
    for n, reading in product(sizes, READINGS):
        sheet_order = saddle_sheet_order(n, reading)
        for first in range(1, n - count + 2):
            kept = [p for p in sheet_order if first <= p < first + count]
            out.append(_Candidate(n, first, reading, kept))
        if 1 < count < n:
            kept = [p for p in sheet_order if p < count or p == n]
            out.append(_Candidate(n, 1, reading, kept, back_cover=True))
    return out


def choose_page_order(
    pages: list[_Page], imposition: str, source: str, words: frozenset[str], text_words: Counter
) -> tuple[list[int], list[ImportReport]]:
    reports: list[ImportReport] = []
    if imposition == "none":
        candidates = [_Candidate(len(pages), 1, None, list(range(1, len(pages) + 1)))]
    else:
        candidates = _candidates(len(pages), any(p.folio is not None for p in pages))

    folio_pages = [p for p in pages if p.folio is not None]
    for cand in candidates:
        _score_folios(cand, pages)
        cand.continuity = _score_continuity(cand.order, pages, words, text_words)

    if folio_pages and imposition != "none":
        best_hits = max(c.folio_hits for c in candidates)
        if best_hits * 2 <= len(folio_pages):
            first = folio_pages[0]
            raise ManuscriptError(
                f"{len(pages)} pages with folios "
                f"{', '.join(str(p.folio) for p in folio_pages)} cannot be the sheets of a "
                "2-up saddle-stitched booklet",
                file=source,
                line=first.folio_line,
                hint="if the pages are already in reading order use --imposition none",
            )

    def rank(c: _Candidate) -> tuple:
        reading_rank = READINGS.index(c.reading) if c.reading else 0
        return (
            c.folio_hits - c.folio_misses,
            c.continuity,
            -c.booklet_pages,
            -reading_rank,
            -c.first_page,
        )

    best = max(candidates, key=rank)
    order = best.order
    if imposition == "none":
        summary = "pages taken in source order (--imposition none)"
    else:
        pages_held = (f"pages 1-{len(pages) - 1} and {best.booklet_pages} (the back cover, "
                      "blanks before it)" if best.back_cover else
                      f"pages {best.first_page}-{best.first_page + len(pages) - 1}")
        summary = (
            f"{best.booklet_pages}-page saddle-stitched booklet, extracted pages are physical "
            f"{pages_held}; sheets read {best.reading.describe()}"
        )
        runner_up = [c for c in candidates if c is not best and rank(c)[:2] == rank(best)[:2]]
        if runner_up:
            summary += f"; {len(runner_up)} other order(s) fit the evidence as well"
    mapping = ", ".join(
        f"{i + 1}->{best.physical[i]}" for i in range(len(pages))
    )
    reports.append(
        ImportReport(
            pages[0].first_line,
            "I000",
            f"page order: {summary}; source page -> physical page: {mapping}; "
            f"folios confirmed {best.folio_hits}, contradicted {best.folio_misses}",
        )
    )
    for page in folio_pages:
        expected = _folio_expected(best, page)
        if page.folio != expected:
            reports.append(
                ImportReport(
                    page.folio_line,
                    "I003",
                    f"folio {page.folio} but the page order puts this page at {expected}",
                )
            )
    reports.extend(_check_boundaries(order, pages, words, text_words))
    return order, reports


def _folio_expected(cand: _Candidate, page: _Page) -> int:
    # A foot folio was attached to the page before it; when the chosen order says the folio
    # numbers the next page, the folio was a head folio.
    return cand.physical[page.index]


def _score_folios(cand: _Candidate, pages: list[_Page]) -> None:
    hits = misses = 0
    for page in pages:
        if page.folio is None:
            continue
        own = cand.physical[page.index]
        if page.folio == own:
            hits += 1
        else:
            misses += 1
    cand.folio_hits, cand.folio_misses = hits, misses


def _last_token(line: str) -> str:
    return line.split()[-1] if line.split() else ""


def _first_word(line: str) -> str:
    match = _WORD.match(line.lstrip(OPENING_QUOTES + "("))
    return match.group(0) if match else ""


def _boundary_kind(prev: _Page) -> str:
    """'word' when the page ends mid-word, 'sentence' mid-sentence, '' when it may end there."""
    lines = prev.text_lines()
    if not lines:
        return ""
    last = lines[-1]
    if last[-1] in LINE_END_HYPHENS and len(last) > 1 and last[-2].isalpha():
        return "word"
    if last[-1] not in TERMINAL:
        return "sentence"
    return ""


def _continues(prev: _Page, nxt: _Page, words, text_words) -> float:
    """How well ``nxt`` continues ``prev``: positive for evidence for, negative against."""
    kind = _boundary_kind(prev)
    lines = nxt.text_lines()
    if not lines:
        return 0.0
    first = lines[0]
    starts_lower = first[0].islower()
    if kind == "word":
        if not first[0].isalpha():
            return -3.0
        left = _WORD.findall(prev.text_lines()[-1])
        left_word = left[-1] if left else ""
        right = _first_word(first)
        joined = (left_word + right).lower()
        if starts_lower and (joined in words or text_words[joined] > 0):
            return 4.0
        if not starts_lower:
            # a capitalised compound broken at its own hyphen ("anti-Brest-" / "Litovsk")
            return 0.5 if left_word[:1].isupper() else -2.0
        return 0.0
    if kind == "sentence":
        if starts_lower:
            return 2.0
        # a capital may be a name carrying on the sentence; a quotation mark opens a new block
        return -1.0 if first[0] in OPENING_QUOTES else 0.0
    # the previous page ended a sentence: a lowercase start would be a sentence without a capital
    return -2.0 if starts_lower else 0.5


def _score_continuity(order, pages, words, text_words) -> float:
    score = 0.0
    for a, b in zip(order, order[1:]):
        score += _continues(pages[a], pages[b], words, text_words)
    # the text should open with a capital and close on a full stop
    first_lines = pages[order[0]].text_lines()
    if first_lines and first_lines[0][0].islower():
        score -= 2.0
    if _boundary_kind(pages[order[-1]]):
        score -= 2.0
    return score


def _check_boundaries(order, pages, words, text_words) -> list[ImportReport]:
    reports = []
    for a, b in zip(order, order[1:]):
        kind = _boundary_kind(pages[a])
        score = _continues(pages[a], pages[b], words, text_words)
        if (kind == "word" and score <= 0) or (kind != "word" and score < 0):
            last = pages[a].lines[-1]
            what = {"word": "mid-word", "sentence": "mid-sentence"}.get(kind, "a sentence")
            reports.append(
                ImportReport(
                    last[0],
                    "I001",
                    f"source page {a + 1} ends {what} ({last[1].strip()[-30:]!r}) but the next "
                    f"page in reading order (source page {b + 1}, line {pages[b].first_line}) "
                    f"starts {pages[b].text_lines()[0][:30]!r}",
                )
            )
    last_page = pages[order[-1]]
    if _boundary_kind(last_page):
        reports.append(
            ImportReport(
                last_page.lines[-1][0],
                "I001",
                f"the last page in reading order (source page {order[-1] + 1}) ends "
                "mid-sentence: a page may be missing",
            )
        )
    return reports


# ---------------------------------------------------------------------------------------------
# glyphs


def map_ligatures(pages: list[_Page]) -> list[ImportReport]:
    reports = []
    mapped = 0
    for page in pages:
        for i, (number, text) in enumerate(page.lines):
            if not any(_is_private(ch) or ch in PUA_LIGATURES for ch in text):
                continue
            out = []
            for ch in text:
                if ch in PUA_LIGATURES:
                    letters = PUA_LIGATURES[ch]
                    # Some extractions emit the ligature's first letter and then the whole
                    # ligature ("Maximof" + ff): no English word has a tripled letter, so
                    # the glyph stands for the letters not yet written out.
                    if out and out[-1].endswith(letters[0]) and letters[0] == letters[1:2]:
                        letters = letters[1:]
                        reports.append(ImportReport(
                            number, "I009",
                            f"ligature U+{ord(ch):04X} follows its own first letter; "
                            f"read as '{letters}' to avoid a tripled letter",
                        ))
                    out.append(letters)
                    mapped += 1
                else:
                    if _is_private(ch):
                        reports.append(
                            ImportReport(
                                number,
                                "I005",
                                f"private-use character U+{ord(ch):04X} has no known mapping; "
                                "left in the text",
                            )
                        )
                    out.append(ch)
            page.lines[i] = (number, "".join(out))
    if mapped:
        reports.insert(
            0, ImportReport(None, "I008", f"{mapped} ligature glyph(s) mapped back to letters")
        )
    return reports


def _is_private(ch: str) -> bool:
    return unicodedata.category(ch) == "Co"


# ---------------------------------------------------------------------------------------------
# hyphenation


class Dehyphenator:
    """Decides, for each word broken at a line end, whether the hyphen belongs to the word."""

    def __init__(self, all_lines: list[str], words: frozenset[str]) -> None:
        self.words = words
        self.plain: Counter = Counter()  # word forms seen unbroken
        self.hyphenated: Counter = Counter()  # hyphenated forms seen inside a line
        for line in all_lines:
            tokens = line.split()
            if tokens and tokens[-1][-1:] in LINE_END_HYPHENS:
                tokens = tokens[:-1]  # a line-end hyphen is what we are deciding about
            for token in tokens:
                for form in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", token):
                    if "-" in form:
                        self.hyphenated[form.lower()] += 1
                    else:
                        self.plain[form.lower()] += 1
        self._plain_by_start: dict[str, set[str]] = {}
        for form in self.plain:
            self._plain_by_start.setdefault(form[:4], set()).add(form)

    def decide(self, left: str, right: str) -> tuple[bool, bool]:
        """(keep the hyphen, decided with confidence) for ``left-`` / ``right`` at a line end."""
        joined = (left + right).lower()
        hyphen = f"{left}-{right}".lower()
        last_part = left.split("-")[-1]
        if self.plain[joined]:
            return False, True
        if self.hyphenated[hyphen]:
            return True, True
        # the same prefix kept before the same stem elsewhere ("co-operation" / "co-oper-atives")
        if len(right) >= 4:
            stem = f"{last_part}-{right[:4]}".lower()
            if any(form.endswith(stem) or f"-{stem}" in form or form.startswith(stem)
                   for form in self.hyphenated):
                return True, True
        if right[:1].isupper() and last_part[:1].isupper():
            return True, True
        if right[:1].isupper():
            return True, True
        # camel-cased run-togethers ("TheWork-" / "ers"): judge the last word only
        camel = re.split(r"(?<=[a-z])(?=[A-Z])", last_part)[-1]
        joined_word = (camel + right).lower()
        if last_part.lower() in KEPT_PREFIXES and joined_word not in self.words:
            return True, True
        if joined_word in self.words or self.plain[joined_word]:
            return False, True
        # an inflection of the joined form elsewhere ("oppositionists" for "opposi-tionist")
        if len(joined) >= 6 and any(
            (form.startswith(joined) or joined.startswith(form)) and len(form) >= len(left) + 3
            for form in self._plain_by_start.get(joined[:4], ())
        ):
            return False, True
        # a run-together left part ("thework-" / "ing"): a word ends the join
        for i in range(1, len(last_part) - 1):
            tail = (last_part[i:] + right).lower()
            if len(last_part) - i >= 2 and len(tail) >= 5 and tail in self.words:
                return False, True
        left_word = camel.lower() in self.words and len(camel) > 2
        right_word = right.lower() in self.words and len(right) > 2
        if left_word and right_word:
            return True, True
        return False, False


def _split_last_word(text: str) -> tuple[str, str] | None:
    """('anti-Brest', …) for text ending 'anti-Brest-': the broken word before its hyphen."""
    match = re.search(r"([^\W\d_]+(?:-[^\W\d_]+)*)[-\u00ad\u2010]$", text)
    return (match.group(1), text[: match.start(1)]) if match else None


# ---------------------------------------------------------------------------------------------
# paragraphs


@dataclass
class _Line:
    number: int
    text: str
    page_start: bool = False  # first line of a page in reading order


def _reading_lines(pages: list[_Page], order: list[int]) -> list[_Line | None]:
    """The text in reading order; None stands for a blank line (a paragraph break)."""
    stream: list[_Line | None] = []
    for index in order:
        first = True
        for number, text in pages[index].lines:
            if not text.strip():
                if stream and stream[-1] is not None:
                    stream.append(None)
                continue
            stream.append(_Line(number, text.rstrip(), page_start=first))
            first = False
    return stream


def _is_narrow(lines: list[_Line], measure: int) -> bool:
    longest = max(len(line.text.strip()) for line in lines)
    indented = all(line.text.startswith("  ") for line in lines)
    return indented or longest <= 0.9 * measure


def _quotes_open(lines: list[_Line]) -> bool:
    text = " ".join(line.text for line in lines)
    return text.count("“") > text.count("”")


def _ends_paragraph(line: str) -> bool:
    return bool(line) and line[-1] in TERMINAL


def _next_word_fits(prev: str, this: str, measure: int) -> bool:
    """Whether the first word of ``this`` would have fitted on ``prev``.

    Justified setting fills every line of a paragraph but the last, so a line that had room for
    the next word ended its paragraph, blank line or not.
    """
    first = this.split()[0] if this.split() else ""
    return len(prev) + 1 + len(first) <= measure


def build_paragraphs(stream: list[_Line | None], measure: int) -> list[list[_Line]]:
    paragraphs: list[list[_Line]] = []
    current: list[_Line] = []
    for item in stream:
        if item is None:
            if current:
                paragraphs.append(current)
            current = []
            continue
        if current:
            prev = current[-1].text.strip()
            this = item.text.strip()
            starts_quote = current[0].text.lstrip()[:1] in OPENING_QUOTES
            narrow = _is_narrow(current, measure)
            quote_open = starts_quote and narrow and _quotes_open(current)
            line_measure = _paragraph_measure(current) if starts_quote and narrow else measure
            may_end = _ends_paragraph(prev) and not this[:1].islower() and not quote_open
            if item.page_start:
                # The extraction drops the blank line at a page end, so a paragraph ends there
                # when its last line could end one and had room left, or a quotation follows.
                ends = may_end and (
                    _next_word_fits(prev, this, line_measure)
                    or this[:1] in OPENING_QUOTES
                    or prev.endswith(":")
                    # a short line with no closing punctuation is a heading, never the tail
                    # of a paragraph
                    or (len(this) < 0.7 * measure and this[-1:] not in TERMINAL)
                ) or (
                    # a short line with no closing punctuation ends a heading
                    not quote_open
                    and this[:1].isupper()
                    and len(prev) < 0.7 * measure
                    and _next_word_fits(prev, this, line_measure)
                )
            else:
                # Inside a page a blank line marks paragraphs; only the first line of a page
                # (which lost the blank line after it with the page break) or a very short line
                # closing a sentence in a full paragraph is taken as a lost break.
                ends = (
                    may_end
                    and not starts_quote
                    and (current[-1].page_start or len(prev) < 0.6 * measure)
                    and _next_word_fits(prev, this, measure)
                    and this[:1].isupper()
                )
            if ends:
                paragraphs.append(current)
                current = []
        current.append(item)
    if current:
        paragraphs.append(current)
    return paragraphs


def _body_measure(lines: list[str]) -> int:
    """The usual length of a full line of body text, in characters."""
    lengths = sorted(len(t.strip()) for t in lines if t.strip())
    if not lengths:
        return 60
    top = lengths[int(len(lengths) * 0.9)]
    full = [n for n in lengths if n >= 0.85 * top]
    return full[len(full) // 2]


def _paragraph_measure(lines: list[_Line]) -> int:
    return max(len(line.text.strip()) for line in lines)


def join_lines(
    lines: list[_Line],
    dehyphenator: Dehyphenator,
    reports: list[ImportReport],
    line_starts: list[tuple[int, int]] | None = None,
) -> str:
    text = lines[0].text.strip()
    if line_starts is not None:
        line_starts.append((0, lines[0].number))
    for prev, line in zip(lines, lines[1:]):
        nxt = line.text.strip()
        if line_starts is not None:
            # a word broken over the line end belongs to the line it starts on
            line_starts.append((len(text) + (0 if text[-1:] in LINE_END_HYPHENS else 1),
                                line.number))
        broken = _split_last_word(text)
        right_match = re.match(r"[^\W\d_]+", nxt)
        if broken and right_match:
            left, _ = broken
            right = right_match.group(0)
            keep, sure = dehyphenator.decide(left, right)
            if not sure:
                reports.append(
                    ImportReport(
                        prev.number,
                        "I004",
                        f"could not decide '{left}-' / '{right}'; joined as '{left + right}'",
                    )
                )
            text = text[:-1] + ("-" if keep else "") + nxt
        elif text[-1:] in LINE_END_JOINERS and text[-2:-1] not in (" ", ""):
            text += nxt
        else:
            text += " " + nxt
    return text


def _is_heading(lines: list[_Line], measure: int) -> bool:
    if len(lines) > 2:
        return False
    text = " ".join(line.text.strip() for line in lines)
    first = text[:1]
    return (
        all(len(line.text.strip()) < 0.7 * measure for line in lines)
        and (first.isupper() or first.isdigit())
        and text[-1] not in TERMINAL + ",-"
        and len(text.split()) <= 14
    )


# ---------------------------------------------------------------------------------------------
# run-together words


# endings that make a word the list lacks ("abstentionism", British "programmes") look like two
# words to a plain split; a split whose second half is one of these is not a run-together.
SUFFIXES = frozenset(
    "s es ism isms ist ists mes me ness less ment ments able ably ing ings er ers ed ly "
    "ation ations ise ised ises ising our ours".split()
)
_PUNCT = "".join(OPENING_QUOTES + CLOSING_QUOTES) + "()[],.;:!?…"


def find_run_together(blocks: list[DraftBlock], words: frozenset[str],
                      text_words: Counter) -> list[ImportReport]:
    reports = []
    for block in blocks:
        for token_match in re.finditer(r"\S+", block.text):
            token = token_match.group(0)
            line = block.line_at(token_match.start())
            core = token.strip(_PUNCT)
            if not core:
                continue
            if re.search(r"[^\W\d_]{2,}[.,;:][A-Z][a-z]", core):
                reports.append(ImportReport(line, "I007",
                                            f"missing space after punctuation in {core!r}"))
                continue
            for part in re.findall(r"[^\W\d_]+", core):
                if re.search(r"[a-z][A-Z]", part) and not re.match(r"(Mc|Mac)[A-Z]", part):
                    reports.append(ImportReport(line, "I006",
                                                f"{part!r} looks like two words run together"))
                    continue
                if part.islower() and len(part) >= 5 and part not in words \
                        and not text_words.get(part, 0) > 1:
                    split = _two_words(part, words)
                    if split:
                        reports.append(ImportReport(
                            line, "I006",
                            f"{part!r} is not in the word list but splits into "
                            f"'{split[0]} {split[1]}'"))
    return reports


def _two_words(token: str, words: frozenset[str]) -> tuple[str, str] | None:
    def word(w: str) -> bool:
        return w in SHORT_WORDS if len(w) <= 2 else (len(w) >= 3 and w in words)

    for i in range(1, len(token)):
        a, b = token[:i], token[i:]
        if word(a) and word(b) and (len(a) >= 3 or len(b) >= 3) and b not in SUFFIXES:
            return a, b
    return None


# ---------------------------------------------------------------------------------------------
# the importer


def import_booklet(text: str, imposition: str = "saddle-2up", source: str = "<text>") -> BookletImport:
    if imposition not in IMPOSITIONS:
        raise ManuscriptError(
            f"unknown imposition {imposition!r}",
            file=source,
            hint=f"use one of: {', '.join(IMPOSITIONS)}",
        )
    source_lines = text.splitlines()
    if not any(line.strip() for line in source_lines):
        raise ManuscriptError(
            "the extracted text is empty",
            file=source,
            line=1,
            hint="extract the booklet's text first (e.g. pdftotext -layout BOOKLET.pdf)",
        )
    pages = split_pages(source_lines)
    if not pages:
        raise ManuscriptError(
            "the text holds only folio numbers, no pages",
            file=source,
            line=1,
            hint="check the extraction",
        )
    words = english_words()
    reports: list[ImportReport] = []
    reports.extend(map_ligatures(pages))
    all_text = [t for p in pages for _, t in p.lines]
    text_words = Counter(w.lower() for line in all_text for w in _WORD.findall(line))

    sizes = sorted(len(p.lines) for p in pages)
    typical = sizes[len(sizes) // 2]
    for page in pages:
        if len(pages) > 2 and len(page.lines) > 1.6 * typical:
            reports.append(ImportReport(
                page.first_line, "I002",
                f"source page {page.index + 1} has {len(page.lines)} lines where pages have "
                f"about {typical}: a page-start marker may be missing"))

    order, order_reports = choose_page_order(pages, imposition, source, words, text_words)
    reports.extend(order_reports)

    measure = _body_measure(all_text)

    dehyphenator = Dehyphenator(all_text, words)
    paragraphs = build_paragraphs(_reading_lines(pages, order), measure)

    chapters: list[DraftChapter] = []
    chapter = DraftChapter(title=None)
    for i, lines in enumerate(paragraphs):
        if i + 1 < len(paragraphs) and _is_heading(lines, measure) \
                and not _is_heading(paragraphs[i + 1], measure):
            if chapter.blocks or chapter.title:
                chapters.append(chapter)
            title = join_lines(lines, dehyphenator, reports)
            chapter = DraftChapter(title=title, line=lines[0].number)
            continue
        starts: list[tuple[int, int]] = []
        body = join_lines(lines, dehyphenator, reports, starts)
        is_quote = lines[0].text.lstrip()[:1] in OPENING_QUOTES and _is_narrow(lines, measure)
        chapter.blocks.append(DraftBlock("quote" if is_quote else "paragraph", body,
                                         lines[0].number, starts))
        if chapter.line is None:
            chapter.line = lines[0].number
    if chapter.blocks or chapter.title:
        chapters.append(chapter)

    for ch in chapters:
        reports.extend(find_run_together(ch.blocks, words, text_words))
    # the page order and counts first, then every finding in the order of the source file
    reports.sort(key=lambda r: (r.code not in ("I000", "I008"), r.line or 0))
    return BookletImport(chapters=chapters, reports=reports, page_order=order)


# ---------------------------------------------------------------------------------------------
# output


def slugify(title: str, max_words: int = 6) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", ascii_title.lower())
    return "-".join(words[:max_words]) or "chapter"


def _escape_block_start(text: str) -> str:
    # a paragraph that opens with "1921." or "- " would become a list, "#" a heading
    if re.match(r"\d+[.)]\s", text) or text[:1] in "#>+*-" or text[:1] == "=":
        match = re.match(r"(\d+)([.)])", text)
        if match:
            return f"{match.group(1)}\\{match.group(2)}{text[match.end():]}"
        return "\\" + text
    return text


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_draft(result: BookletImport, out_dir: Path) -> list[Path]:
    """Write one ``NN-slug.md`` per chapter into ``out_dir``, each atomically."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for number, chapter in enumerate(result.chapters, start=1):
        path = out_dir / f"{number:02d}-{chapter.slug}.md"
        fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(chapter.to_markdown())
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(path)
    return written
