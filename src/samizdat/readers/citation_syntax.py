r"""Pandoc's citation syntax in Markdown text: ``[see @key, p. 12; -@other]``.

The rules follow pandoc's Markdown reader (``citeKey``, ``normalCite``, ``prefix``, ``suffix`` in
``Text/Pandoc/Readers/Markdown.hs``) and its citeproc locator parser
(``Text/Pandoc/Citeproc/Locator.hs``), so a manuscript that pandoc reads one way we read the same
way; ``tests/test_citation_syntax.py`` runs pandoc itself to hold us to that. Narrative
citations (``@key says``, ``@key [p. 3] says``: pandoc's AuthorInText) are found too, as pandoc
finds them: an ``@`` that does not follow a letter or digit starts one, so an e-mail address is
not one, and ``\@`` writes a literal ``@``.

The scanner works on raw chapter text and reports offsets into it, so the lint can name a line
and column and the Markdown extension can replace the exact span.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "Citation",
    "CitationItem",
    "KEY_PATTERN",
    "closing_bracket",
    "code_spans",
    "find_citations",
    "is_escaped",
    "literal_spans",
    "mask",
    "parse_locator",
]


@dataclass(frozen=True)
class CitationItem:
    """One cited work inside a citation: ``see @key, p. 12``."""

    key: str
    prefix: str  # Markdown as written, trimmed: "see", "*cf.*"
    suffix: str  # Markdown as written after the key, trimmed: ", p. 12 and passim"
    locator: str | None  # "12", "33-35"
    label: str | None  # CSL locator term: "page", "chapter", "section"...
    suppress_author: bool  # written -@key

    @property
    def rest(self) -> str:
        """The suffix without its locator: what follows the page number ("and passim")."""
        return parse_locator(self.suffix)[2]


@dataclass(frozen=True)
class Citation:
    """A citation and where it stands in the text (``text[start:end]``).

    ``narrative``: written ``@key`` or ``@key [suffix]`` in the running text, so that the
    author's name is part of the sentence ("Avrich shows").
    """

    items: tuple[CitationItem, ...]
    start: int
    end: int
    narrative: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)


# pandoc's simpleCiteIdentifier: a letter, digit or _ first; then word characters, with the
# punctuation :.#$%&-+?<>~/ allowed only between word characters (so the full stop ending a
# sentence is not part of the key). "://" is let through for keys that are URLs.
_WORD = r"[^\W]"
_SIMPLE_KEY = rf"{_WORD}(?:{_WORD}|[:.#$%&\-+?<>~/](?={_WORD})|[:/](?=/))*"
# @{...}: any non-space characters, for keys pandoc's simple form cannot spell.
_BRACED_KEY = r"\{(?P<braced>[^\s{}]*(?:\{[^\s{}]*\}[^\s{}]*)*)\}"
KEY_PATTERN = re.compile(rf"(?P<suppress>-?)@(?:(?P<simple>{_SIMPLE_KEY})|{_BRACED_KEY})")


def find_citations(text: str) -> list[Citation]:
    """Every citation in ``text``, bracketed and narrative, in order.

    Skipped, as pandoc skips them: code spans and code blocks, URLs and autolinks, raw HTML
    tags, footnote references ``[^id]``, links and reference links (``[text](url)``,
    ``[text][ref]``), escaped brackets and ``@``, and ``@`` inside a word (an e-mail address
    is not a citation).
    """
    masked = _mask(text, literal_spans(text) + [(m.start(), m.end()) for m in _HTML_TAG.finditer(text)])
    bracketed = _bracketed_citations(text, masked)
    narrative = _narrative_citations(text, masked, bracketed)
    merged = {c.start for n in narrative for c in bracketed if n.start < c.start < n.end}
    return sorted([c for c in bracketed if c.start not in merged] + narrative,
                  key=lambda c: c.start)


_HTML_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>", re.S)


def _narrative_citations(text: str, masked: str, bracketed: list[Citation]) -> list[Citation]:
    """``@key`` outside bracketed citations, with an optional ``[suffix]`` after it (pandoc's
    textualCite). A bracketed citation right after it joins it: "@a [@b]" is one citation,
    as pandoc reads it."""
    starts = {c.start: c for c in bracketed}
    found: list[Citation] = []
    for match in KEY_PATTERN.finditer(masked):
        at = match.start() + len(match.group("suppress"))
        if match.group("suppress") or _escaped(masked, at) or _after_word(masked, at):
            continue
        if any(c.start <= at < c.end for c in bracketed):
            continue  # pandoc reads one in link text or a failed bracket too ("[@a, p. 3; x]")
        key = match.group("simple") or match.group("braced")
        if not key:
            continue
        end = match.end()
        suffix = ""
        more: tuple[CitationItem, ...] = ()
        after = re.match(r"[ \t]*\[", masked[end:])
        if after and not masked.startswith("[^", end + after.end() - 1):
            opening = end + after.end() - 1
            closing = _closing_bracket(masked, opening)
            if opening in starts:
                more, end = starts[opening].items, starts[opening].end
            elif closing is not None and masked[closing + 1 : closing + 2] not in ("(", "["):
                suffix = text[opening + 1 : closing].strip()
                end = closing + 1
        label, locator, _rest = parse_locator(suffix)
        item = CitationItem(key=key, prefix="", suffix=suffix, locator=locator, label=label,
                            suppress_author=False)
        found.append(Citation(items=(item, *more), start=at, end=end, narrative=True))
    return found


def _bracketed_citations(text: str, masked: str) -> list[Citation]:
    citations: list[Citation] = []
    position = 0
    for match in re.finditer(r"\[", masked):
        start = match.start()
        if start < position or _escaped(masked, start):
            continue
        if masked.startswith("[^", start):
            continue  # a footnote reference or definition
        end = _closing_bracket(masked, start)
        if end is None:
            continue
        after = masked[end + 1 : end + 2]
        if after in ("(", "["):
            continue  # a link: pandoc reads "[@a](url)" as a link whose text cites @a
        items = _parse_items(text, masked, start + 1, end)
        if items is None:
            continue
        citations.append(Citation(items=items, start=start, end=end + 1))
        position = end + 1
    return citations


def _parse_items(text: str, masked: str, begin: int, end: int) -> tuple[CitationItem, ...] | None:
    parts = _split_top_level(masked, begin, end)
    items = []
    for part_start, part_end in parts:
        key_match = _first_key(masked, part_start, part_end)
        if key_match is None:
            # pandoc's sepBy1: a part after ";" without a key spoils the whole bracket
            return None
        key = key_match.group("simple") or key_match.group("braced")
        if not key:
            return None
        prefix = text[part_start : key_match.start()].strip()
        suffix = text[key_match.end() : part_end].strip()
        label, locator, _rest = parse_locator(suffix)
        items.append(
            CitationItem(
                key=key,
                prefix=prefix,
                suffix=suffix,
                locator=locator,
                label=label,
                suppress_author=bool(key_match.group("suppress")),
            )
        )
    return tuple(items)


def _scan(masked: str, begin: int, end: int):
    """Each unescaped character from ``begin`` to ``end`` with the bracket depth before it.

    The one walk the scanner makes over a citation's text: a backslash escapes the next
    character, brackets nest.
    """
    depth = 0
    index = begin
    while index < end:
        char = masked[index]
        if char == "\\":
            index += 2
            continue
        yield index, char, depth
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        index += 1


def _first_key(masked: str, start: int, end: int) -> re.Match[str] | None:
    """The first key at bracket depth 0 that does not follow a word character."""
    for index, char, depth in _scan(masked, start, end):
        if char in "-@" and depth == 0:
            match = KEY_PATTERN.match(masked, index, end)
            if match and not _after_word(masked, index):
                return match
    return None


def _after_word(masked: str, index: int) -> bool:
    # pandoc's notAfterString: "me@x.org" and "x-@a" are not keys there (the latter is then
    # read from the "@", as a normal citation with prefix "x-").
    return index > 0 and (masked[index - 1].isalnum() or masked[index - 1] == "_")


def _split_top_level(masked: str, begin: int, end: int) -> list[tuple[int, int]]:
    parts = []
    part_start = begin
    for index, char, depth in _scan(masked, begin, end):
        if char == ";" and depth == 0:
            parts.append((part_start, index))
            part_start = index + 1
    parts.append((part_start, end))
    return parts


def closing_bracket(masked: str, start: int) -> int | None:
    """The index of the ``]`` that closes the ``[`` at ``start`` (escapes and nesting
    respected, within its paragraph), or None."""
    return _closing_bracket(masked, start)


def is_escaped(text: str, index: int) -> bool:
    return _escaped(text, index)


def mask(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with ``spans`` blanked out, offsets and line breaks kept."""
    return _mask(text, spans)


def _closing_bracket(masked: str, start: int) -> int | None:
    for index, char, depth in _scan(masked, start, len(masked)):
        if char == "]" and depth == 1:
            return index
        if char == "\n" and masked.startswith("\n", index + 1):
            return None  # a blank line ends the paragraph, and the bracket with it
    return None


def _escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index - backslashes - 1 >= 0 and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    """Blank out spans, keeping offsets and line breaks."""
    chars = list(text)
    for start, end in spans:
        for index in range(start, end):
            if chars[index] != "\n":
                chars[index] = "\x00"
    return "".join(chars)


# --- What Markdown takes literally ------------------------------------------------------------

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CONTAINER = re.compile(r"^ {0,3}(?:\[\^[^\]\s]+\]:|[-*+] |\d+[.)] |>)")
_URL = re.compile(r"<[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>]*>|<[^\s<>@]+@[^\s<>@]+>|\b(?:https?|ftp)://[^\s<>]*[^\s<>.,;:!?)\]\"'”’]|\bwww\.[^\s<>]*[^\s<>.,;:!?)\]\"'”’]")
_LINK_DESTINATION = re.compile(r"\]\((?P<url>[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+\"[^\"]*\")?\)")
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[(?!\^)[^\]]+\]:\s*\S+.*$", re.MULTILINE)


def literal_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of what Markdown prints literally or never prints as prose, in order.

    Fenced and indented code blocks, code spans, autolinks and bare URLs, link destinations
    and reference-link definitions: a linter must not spell-check them and a citation scanner
    must not find keys in them.
    """
    spans = code_spans(text)
    for pattern in (_URL, _REFERENCE_DEFINITION):
        spans += [(m.start(), m.end()) for m in pattern.finditer(text)]
    # the destination and its title: '[text](url "title")' keeps the text as prose
    spans += [(m.start("url"), m.end() - 1) for m in _LINK_DESTINATION.finditer(text)]
    return _merge(spans)


def code_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of code blocks (fenced or indented) and code spans, in order."""
    return list(_code_spans(text))


@lru_cache(maxsize=8)
def _code_spans(text: str) -> tuple[tuple[int, int], ...]:
    # Six readers of a chapter ask for its code spans (the citation scanner, the fenced divs,
    # raw TeX, the footnote and syntax checks): once per text, not six times; callers get
    # their own list (literal_spans extends it).
    blocks = _code_block_spans(text)
    return tuple(_merge(blocks + _code_span_spans(text, blocks)))


def _code_block_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    offset = 0
    fence: str | None = None
    fence_start = 0
    previous_blank = True
    in_container = False  # inside a footnote definition or list item: 4 spaces continue it
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if fence is not None:
            if stripped.startswith(fence) and set(stripped) <= set(fence[0]):
                spans.append((fence_start, offset + len(line)))
                fence = None
            offset += len(line)
            continue
        opening = _FENCE.match(line)
        if opening:
            fence = opening.group(1)
            fence_start = offset
        elif stripped:
            indent = len(line) - len(line.lstrip(" "))
            if line.startswith("\t"):
                indent = 4
            code_indent = 8 if in_container else 4
            if indent >= code_indent and previous_blank:
                spans.append((offset, offset + len(line.rstrip("\n"))))
                offset += len(line)
                previous_blank = False
                continue  # the following code lines are "after a code line": still code
            if spans and indent >= code_indent and spans[-1][1] == offset - 1:
                spans.append((offset, offset + len(line.rstrip("\n"))))
                offset += len(line)
                continue
            if indent < 4:
                in_container = bool(_CONTAINER.match(line))
            previous_blank = False
        else:
            previous_blank = True
        offset += len(line)
    if fence is not None:
        spans.append((fence_start, len(text)))  # an unclosed fence runs to the end
    return spans


def _code_span_spans(text: str, blocks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans = []
    index = 0
    while True:
        match = re.compile(r"(?<!`)(`+)(?!`)").search(text, index)
        if match is None:
            return spans
        if _escaped(text, match.start()) or any(s <= match.start() < e for s, e in blocks):
            index = match.end()
            continue
        ticks = match.group(1)
        closing = re.compile(rf"(?<!`){ticks}(?!`)").search(text, match.end())
        if closing is None or "\n\n" in text[match.end() : closing.start()]:
            index = match.end()  # a lone backtick run is literal text, not a code span
            continue
        spans.append((match.start(), closing.end()))
        index = closing.end()


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# --- Locators ---------------------------------------------------------------------------------

# The locator terms of CSL's en-US and en-GB locales together (long and short forms, singular
# and plural, symbols), which pandoc's citeproc matches case-insensitively. Pandoc knows only
# the forms of the document's locale: en-GB has "ch." and "sect." where en-US has "chap." and
# "sec."; a British writer uses both, so we accept the union.
_LOCATOR_TERMS = {
    "book": ("book", "books", "bk.", "bks."),
    "chapter": ("chapter", "chapters", "chap.", "chaps.", "ch."),
    "column": ("column", "columns", "col.", "cols."),
    "figure": ("figure", "figures", "fig.", "figs."),
    "folio": ("folio", "folios", "fol.", "fols."),
    "issue": ("number", "numbers", "no.", "nos.", "issue", "issues"),
    "line": ("line", "lines", "l.", "ll."),
    "note": ("note", "notes", "n.", "nn."),
    "opus": ("opus", "opera", "op.", "opp."),
    "page": ("page", "pages", "p.", "pp."),
    "paragraph": ("paragraph", "paragraphs", "para.", "paras.", "¶", "¶¶"),
    "part": ("part", "parts", "pt.", "pts."),
    "section": ("section", "sections", "sec.", "secs.", "sect.", "sects.", "§", "§§"),
    "sub verbo": ("sub verbo", "sub verbis", "s.v.", "s.vv."),
    "verse": ("verse", "verses", "v.", "vv."),
    "volume": ("volume", "volumes", "vol.", "vols."),
}
LOCATOR_LABELS = {
    form: term for term, forms in _LOCATOR_TERMS.items() for form in forms
}
_LABEL = re.compile(
    "|".join(re.escape(form) for form in sorted(LOCATOR_LABELS, key=len, reverse=True)),
    re.IGNORECASE,
)
_ROMAN = re.compile(r"(?=[ivxlcdm])m{0,4}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})", re.I)


def parse_locator(suffix: str) -> tuple[str | None, str | None, str]:
    """Split a citation suffix into (label, locator, rest), as pandoc's citeproc does.

    ``", p. 12"`` gives ``("page", "12", "")``; ``", 3-5"`` a page range without a label;
    ``", chap. 3 passim"`` gives ``("chapter", "3", " passim")``; ``", {Preface}"`` takes the
    braced text whole, as a page unless a label begins it. A suffix with no locator is returned
    whole as the rest, with label and locator ``None``.
    """
    text = suffix
    index = 0
    if text.startswith(","):
        index = 1
    while index < len(text) and text[index].isspace():
        index += 1
    if text.startswith("{", index):
        closing = _matching(text, index, "{", "}")
        if closing is not None:
            inner = text[index + 1 : closing].lstrip()
            label = _label_at(inner, 0)
            if label is not None:
                term, label_end = label
                inner = inner[label_end:]
            else:
                term = "page"
            return term, inner.strip(), text[closing + 1 :]
        return None, None, suffix
    label = _label_at(text, index)
    if label is not None:
        term, label_end = label
        located = _locator_words(text, label_end, need_digits=False)
        if located is not None:
            locator, rest_start = located
            return term, locator, text[rest_start:]
    located = _locator_words(text, index, need_digits=True)
    if located is not None:
        locator, rest_start = located
        return "page", locator, text[rest_start:]
    return None, None, suffix


def _label_at(text: str, index: int) -> tuple[str, int] | None:
    """The longest locator label at ``index`` followed by a space or the locator itself."""
    match = _LABEL.match(text, index)
    if match is None:
        return None
    after = match.end()
    if after < len(text) and text[after].isalpha() and not match.group(0).endswith("."):
        return None  # "pagination" is not the label "page"
    term = LOCATOR_LABELS[match.group(0).lower()]
    while after < len(text) and text[after] in " \t\u00a0\n":
        after += 1
    return term, after


def _locator_words(text: str, index: int, *, need_digits: bool) -> tuple[str, int] | None:
    """Locator words from ``index``: "12", "33-35", "iv", "12, 14", "3(a)"; None if none."""
    words = []
    position = index
    first = True
    while True:
        start = position
        if not first:
            if position < len(text) and text[position] in ",;":
                position += 1
            if position < len(text) and text[position] in " \u00a0":
                position += 1
        word_end = _page_sequence_end(text, position)
        if word_end == position or not _digit_like(text[position:word_end], need_digits):
            position = start  # the separator belongs to the rest: ", p. 3" after "vol. 2"
            break
        words.append(text[start:word_end])
        position = word_end
        first = False
    if not words:
        return None
    return "".join(words).strip(), position


def _page_sequence_end(text: str, index: int) -> int:
    position = index
    while position < len(text):
        char = text[position]
        if char in "([{":
            closing = _matching(text, position, char, {"(": ")", "[": "]", "{": "}"}[char])
            if closing is None:
                break
            position = closing + 1
        elif _unit_char(char):
            position += 1
        elif char == "." and position + 1 < len(text) and _unit_char(text[position + 1]):
            position += 1  # 1.2.3 but not the full stop after "12."
        else:
            break
    return position


def _unit_char(char: str) -> bool:
    if char.isspace():
        return False
    if char in "-–:":
        return True  # page ranges, and vol:page
    return not unicodedata.category(char).startswith("P")


def _digit_like(word: str, need_digits: bool) -> bool:
    if any(char.isdigit() for char in word):
        return True
    if need_digits:
        return False
    pieces = [piece for piece in re.split(r"[-–:().\[\]{}]", word) if piece]
    return bool(pieces) and any(_ROMAN.fullmatch(piece) for piece in pieces)


def _matching(text: str, index: int, opening: str, closing: str) -> int | None:
    depth = 0
    for position in range(index, len(text)):
        if text[position] == opening:
            depth += 1
        elif text[position] == closing:
            depth -= 1
            if depth == 0:
                return position
    return None
