"""Where a chapter's source is not prose in the book's language: math, and passages marked
with another ``lang``. The spelling check skips them (a French quotation is not misspelt
English, and ``\\frac`` is not a word). The syntax is the reader's own (readers/extensions/).
"""

from __future__ import annotations

import re

from samizdat.readers.citation_syntax import closing_bracket, code_spans, mask
from samizdat.readers.extensions.attributes import parse_attributes
from samizdat.readers.extensions.pandoc_blocks import _FENCE
from samizdat.readers.extensions.pandoc_inlines import MathProcessor

_MATH = re.compile(MathProcessor.PATTERN, re.S)
_TAG_WITH_LANG = re.compile(r"<(?P<tag>[A-Za-z][A-Za-z0-9]*)\b[^<>]*\blang\s*=\s*[\"']?(?P<lang>[\w-]+)[^<>]*>")
_FRONT_LANG = re.compile(r"\A---\n(?:.*\n)*?lang:\s*[\"']?(?P<lang>[\w-]+).*\n(?:.*\n)*?(?:---|\.\.\.)\s*$",
                         re.M)


def math_spans(text: str) -> list[tuple[int, int]]:
    """Math and raw TeX: $...$, $$...$$, math environments and TeX commands (\\ref{...})."""
    from samizdat.readers.extensions.raw_tex import _COMMAND, _REF, equations

    masked = mask(text, code_spans(text))
    spans = [(m.start(), m.end()) for m in equations(text)]
    spans += [(m.start(), m.end()) for m in _MATH.finditer(masked)]
    spans += [(m.start(), m.end()) for pattern in (_REF, _COMMAND) for m in pattern.finditer(masked)]
    return spans


def _other(lang: str, book_lang: str) -> bool:
    return lang.split("-")[0].lower() != book_lang.split("-")[0].lower()


def other_language_spans(text: str, book_lang: str) -> list[tuple[int, int]]:
    """Offsets of passages in another language than ``book_lang``: a chapter whose front
    matter says so, bracketed spans and fenced divs with ``lang=``, HTML with ``lang``."""
    front = _FRONT_LANG.match(text)
    if front and _other(front.group("lang"), book_lang):
        return [(0, len(text))]
    masked = mask(text, code_spans(text))
    spans = []
    for match in re.finditer(r"\[", masked):
        end = closing_bracket(masked, match.start())
        if end is None or not masked.startswith("{", end + 1):
            continue
        close = masked.find("}", end + 1)
        attributes = parse_attributes(masked[end + 2 : close]) if close > 0 else None
        if attributes and attributes.get("lang") and _other(attributes["lang"], book_lang):
            spans.append((match.start(), close + 1))
    for match in _TAG_WITH_LANG.finditer(masked):
        if not _other(match.group("lang"), book_lang):
            continue
        closing = masked.find(f"</{match.group('tag')}>", match.end())
        spans.append((match.start(), closing + 3 + len(match.group("tag")) if closing > 0 else match.end()))
    lines = masked.split("\n")
    offset, stack = 0, []
    for line in lines:
        fence = _FENCE.match(line)
        if fence:
            attributes = parse_attributes(fence.group("attrs")) if fence.group("attrs") else None
            if fence.group("attrs") is not None or fence.group("word"):
                stack.append((offset, (attributes or {}).get("lang")))
            elif stack:
                start, lang = stack.pop()
                if lang and _other(lang, book_lang):
                    spans.append((start, offset + len(line)))
        offset += len(line) + 1
    return spans
