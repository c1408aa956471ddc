"""``samizdat lint``: a proofreader's checks on the manuscript, in the spirit of ``se lint``.

Every rule has a code, a one-line message and a place (``file:line:column``), as in Standard
Ebooks' ``se/se_epub_lint.py``. The checks read the Markdown source, not the built book, so the
place named is the one the writer edits.

Lint and the build share one reading: the rules both need (footnotes, citations, images,
``nocite:``, metadata.yaml) are the reader's and the notes transform's own diagnostics
(samizdat.diagnostics), so lint reports exactly what the build would refuse or warn about.
Lint adds what only a proofreader wants, on the text as written. It does not flag what the
build converts (straight quotes, ``--``, ``...``: the typography transform makes them curly
quotes, dashes and ellipses). Codes:

- From the reading (the build's own rules): F001 footnote call without definition, F002
  definition never called, F003 footnote defined twice, F004 a note that calls a note;
  C001 unknown citation key, C003 citation but no bibliography, C005 bad ``nocite:`` entry;
  I001 image missing, I002 image outside the manuscript folder, I003 image is a URL, I004
  image type not supported, I005 image unreadable; M001 metadata.yaml problem (M002 unknown
  field), M010 chapter front matter, M011 unknown front matter key, M020 a name in an attribute
  block that is no attribute, M021 pandoc Markdown samizdat does not read (grid tables, lists
  numbered a. or 1), task lists...; docs/markdown.md), M022 a link to an id nothing has, M023
  raw TeX that is not read, M024 an id given twice (in two chapters: an error)
- S001 unknown word (the hunspell dictionary of the book's ``lang`` plus ``wordlist.txt``;
  code, math and passages marked with another ``lang`` are skipped); S000 no dictionary for
  the language, so spelling was not checked
- T005 doubled space, T006 doubled word, T007 unbalanced “ ” (a quotation running on over
  paragraphs, each opening with “ and only the last closing, is the convention, not an
  error), T008 unclosed ‘, T009 word split by a hyphen at a line end ("Bolshe- vik")
- X001 private-use character, X002 control character
- C002 bibliography entry never cited
- I006 image without a description (alt text)
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

from samizdat.config import Manuscript, load_manuscript, read_text
from samizdat.readers.citation_syntax import (
    KEY_PATTERN,
    code_spans,
    find_citations,
    literal_spans,
)
from samizdat.readers.prose import other_language_spans, math_spans
from samizdat.wordlist import read_project_words

WORDLIST_FILE = "wordlist.txt"
HUNSPELL_DIRS = (Path("/usr/share/hunspell"), Path("/usr/share/myspell/dicts"), Path("/usr/share/myspell"))
MASK = "\x00"  # stands in for code, URLs and keys, keeping offsets and line breaks

# Doubled words that English grammar allows ("what he had had", "he said that that was").
ALLOWED_DOUBLES = frozenset({"had", "that"})


@dataclass(frozen=True)
class Finding:
    """One problem, at a place the writer can jump to."""

    file: Path
    line: int
    column: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.code} {self.message}"


# --- Spelling dictionary ----------------------------------------------------------------------


class SpellingDictionary:
    """A hunspell dictionary read by spylls (pure Python), with every lookup cached."""

    def __init__(self, path_stem: Path) -> None:
        from spylls.hunspell import Dictionary

        self.path_stem = path_stem
        self._dictionary = Dictionary.from_files(str(path_stem))
        self.knows = lru_cache(maxsize=None)(self._lookup)

    def _lookup(self, word: str) -> bool:
        try:
            return bool(self._dictionary.lookup(word))
        except Exception:  # spylls can trip over odd input; an unknown word is the safe answer
            return False


#: A bare language with the variant whose dictionary stands for it ("en" -> en_US, as hunspell's
#: own default). A tag with a region never falls back to another region's spelling: an en-US
#: book checked against en_GB flags "honor" and "favorite".
DEFAULT_VARIANTS = {"en": "en_US", "de": "de_DE", "fr": "fr_FR", "es": "es_ES", "it": "it_IT",
                    "pt": "pt_PT", "ru": "ru_RU", "uk": "uk_UA", "pl": "pl_PL", "cs": "cs_CZ"}


def dictionary_path(lang: str) -> Path | None:
    """The hunspell files for a BCP 47 tag: en-GB -> en_GB.dic; plain 'en' -> en_US."""
    parts = lang.replace("-", "_").split("_")
    wanted = parts[0].lower() + ("_" + parts[1].upper() if len(parts) > 1 else "")
    names = [wanted] if "_" in wanted else [DEFAULT_VARIANTS.get(wanted, wanted), wanted]
    for name in names:
        for folder in HUNSPELL_DIRS:
            if (folder / f"{name}.dic").is_file() and (folder / f"{name}.aff").is_file():
                return folder / name
    return None


@lru_cache(maxsize=4)
def load_dictionary(lang: str) -> SpellingDictionary | None:
    """Loaded once per language (about two seconds for en_GB); None when none is installed."""
    stem = dictionary_path(lang)
    if stem is None:
        return None
    try:
        return SpellingDictionary(stem)
    except ImportError:
        return None


class Speller:
    """Dictionary words plus the project's own, with the forms English prose adds to them."""

    def __init__(self, dictionary: SpellingDictionary | None, project_words: frozenset[str]):
        self.dictionary = dictionary
        # a word list may spell Il’ich with either apostrophe; compare in one form
        self.project_words = frozenset(w.replace("’", "'") for w in project_words)
        self.known = lru_cache(maxsize=None)(self._known)

    def _known(self, word: str) -> bool:
        word = word.replace("’", "'").replace("\u2011", "-")
        if word.lower() in self.project_words:
            return True
        if self.dictionary is not None and self.dictionary.knows(word):
            return True
        for possessive in ("'s", "'"):
            if word.endswith(possessive) and len(word) > len(possessive) + 1:
                return self.known(word[: -len(possessive)])
        if "-" in word:
            return all(self.known(part) for part in word.split("-") if part)
        return False


# --- The manuscript as text -------------------------------------------------------------------


@dataclass
class ChapterText:
    """A chapter's source, with masks over what is not prose."""

    path: Path
    shown: Path  # as printed in findings
    text: str
    structure: str  # code blocks and spans masked: for footnotes, images, citations
    prose: str  # also URLs, link destinations, HTML, citation keys, footnote ids masked
    line_starts: list[int]

    def place(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def finding(self, offset: int, code: str, message: str) -> Finding:
        line, column = self.place(offset)
        return Finding(self.shown, line, column, code, message)


_HTML = re.compile(r"<!--.*?-->|</?[A-Za-z][^<>\n]*>|&(?:[A-Za-z][A-Za-z0-9]*|#\d+|#x[0-9A-Fa-f]+);", re.S)
_ATTRIBUTES = re.compile(r"\{[:#.][^{}\n]*\}")
_FOOTNOTE_ID = re.compile(r"\[\^([^\]\s]+)\]")
_TABLE_RULE = re.compile(r"^[ \t]*[|:+-][-|:+ \t]*$", re.M)


def read_chapter(path: Path, shown: Path, lang: str = "en") -> ChapterText:
    text = read_text(path)
    structure = _mask(text, code_spans(text))
    hidden = list(literal_spans(text)) + math_spans(text) + other_language_spans(text, lang)
    hidden += [(m.start(), m.end()) for m in _HTML.finditer(structure)]
    hidden += [(m.start(), m.end()) for m in _ATTRIBUTES.finditer(structure)]
    hidden += [(m.start(1), m.end(1)) for m in _FOOTNOTE_ID.finditer(structure)]
    hidden += [(m.start(), m.end()) for m in _TABLE_RULE.finditer(structure)]
    for citation in find_citations(text):
        hidden += [
            (m.start(), m.end()) for m in KEY_PATTERN.finditer(text, citation.start, citation.end)
        ]
    prose = _mask(text, hidden)
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    return ChapterText(path, shown, text, structure, prose, line_starts)


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for index in range(start, end):
            if chars[index] != "\n":
                chars[index] = MASK
    return "".join(chars)


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each run of non-blank lines."""
    for match in re.finditer(r"(?:^[ \t]*\S.*(?:\n|$))+", text, re.M):
        yield match.start(), match.end()


# --- Rules ------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:['’\-\u2011][^\W\d_]+)*|\w+")
_ROMAN = re.compile(r"[IVXLCDM]+")


def check_spelling(chapter: ChapterText, speller: Speller) -> Iterator[Finding]:
    # the halves of a word split by a hyphen are reported once, as T009, not as two misspellings
    split = [
        (m.start(), m.end())
        for m in _LINE_END_HYPHEN.finditer(chapter.prose)
        if speller.known(m.group(1) + m.group(2))
    ]
    for match in _WORD.finditer(chapter.prose):
        word = match.group(0)
        if any(start <= match.start() < end for start, end in split):
            continue
        if any(char.isdigit() or char == "_" for char in word) or len(word) < 2:
            continue
        if _ROMAN.fullmatch(word):
            continue  # Volume XII, Nicholas II
        if chapter.prose.startswith(".", match.end()) and speller.known(word + "."):
            continue  # abbreviations the dictionary lists with their full stop: "etc."
        if not speller.known(word):
            yield chapter.finding(
                match.start(), "S001", f"unknown word '{word}' (if it is right, add it to {WORDLIST_FILE})"
            )


_LINE_END_HYPHEN = re.compile(r"([^\W\d_]+)-(?:[ \t]+|[ \t]*\n[ \t]*)([^\W\d_]+)")


def check_split_words(chapter: ChapterText, is_word: Callable[[str], bool]) -> Iterator[Finding]:
    for match in _LINE_END_HYPHEN.finditer(chapter.prose):
        joined = match.group(1) + match.group(2)
        if is_word(joined):
            yield chapter.finding(
                match.start(1) + len(match.group(1)),
                "T009",
                f"'{match.group(1)}-' and '{match.group(2)}' look like one word split by a "
                f"hyphen: write '{joined}'",
            )


# Straight quotes, "--" and "..." are not here: the build makes them curly quotes, dashes and
# ellipses (transforms/typography.py), as pandoc's smart extension does.
_TYPOGRAPHY = (
    (re.compile(r"(?<=\S) {2,}(?=\S)"), "T005", "doubled space"),
)


_LIST_MARKER = re.compile(r"[ \t]*(?:\d+[.)]|[-*+]|#\.)$")


def check_typography(chapter: ChapterText) -> Iterator[Finding]:
    for pattern, code, message in _TYPOGRAPHY:
        for match in pattern.finditer(chapter.prose):
            if code == "T005" and _in_table_row(chapter.prose, match.start()):
                continue  # spaces align the columns of a pipe table
            line_start = chapter.prose.rfind("\n", 0, match.start()) + 1
            if code == "T005" and _LIST_MARKER.match(chapter.prose, line_start, match.start()):
                continue  # "1.  text": pandoc's own list marker, aligned to four columns
            yield chapter.finding(match.start(), code, message)


def _in_table_row(text: str, offset: int) -> bool:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return "|" in text[start : end if end != -1 else len(text)]


_DOUBLED_WORD = re.compile(r"\b([^\W\d_]+)(?:[ \t]+\n?|\n)[ \t]*(\1)\b", re.IGNORECASE)


def check_doubled_words(chapter: ChapterText) -> Iterator[Finding]:
    for match in _DOUBLED_WORD.finditer(chapter.prose):
        if match.group(1).lower() in ALLOWED_DOUBLES:
            continue
        yield chapter.finding(match.start(2), "T006", f"doubled word '{match.group(2)}'")


def check_quotation_marks(chapter: ChapterText) -> Iterator[Finding]:
    paragraphs = list(_paragraphs(chapter.prose))
    for index, (start, end) in enumerate(paragraphs):
        doubles: list[int] = []
        singles: list[int] = []
        for offset in range(start, end):
            char = chapter.prose[offset]
            if char == "“":
                doubles.append(offset)
            elif char == "”":
                if doubles:
                    doubles.pop()
                else:
                    yield chapter.finding(offset, "T007", "closing ” without an opening “ in this paragraph")
            elif char == "‘":
                singles.append(offset)
            elif char == "’" and singles:
                # ’ is also the apostrophe: it closes the latest ‘ if one is open, and an
                # unmatched ’ is taken for an apostrophe, so only an unclosed ‘ is reported.
                singles.pop()
        following = paragraphs[index + 1][0] if index + 1 < len(paragraphs) else None
        if doubles and following is not None and \
                chapter.prose[following:].lstrip(" >\t").startswith("“"):
            # A quotation of several paragraphs: each opens with “, only the last closes.
            doubles = doubles[:-1]
        for offset in doubles:
            yield chapter.finding(offset, "T007", "opening “ not closed in this paragraph")
        for offset in singles:
            yield chapter.finding(offset, "T008", "opening ‘ not closed in this paragraph")


def check_characters(chapter: ChapterText) -> Iterator[Finding]:
    for offset, char in enumerate(chapter.text):
        code = ord(char)
        if 0xE000 <= code <= 0xF8FF or code >= 0xF0000:
            # private-use code points come from PDF extraction with embedded fonts: they
            # render as nothing, or as a box, in every other font
            yield chapter.finding(offset, "X001", f"private-use character U+{code:04X}")
        elif unicodedata.category(char) == "Cc" and char not in "\n\t\r":
            yield chapter.finding(offset, "X002", f"control character U+{code:04X}")


def check_citations_used(book, manuscript: Manuscript, nocite: list[str],
                         shown: Callable[[Path], Path]) -> Iterator[Finding]:
    """C002: a bibliography entry that nothing cites or lists under ``nocite:``."""
    from samizdat.bibliography import load_bibliography

    if manuscript.bibliography_path is None or "*" in nocite:
        return
    bibliography = load_bibliography(manuscript.bibliography_path)
    cited = {key for chapter in book.chapters for c in chapter.citations for key in c.keys}
    for key, line in bibliography.lines.items():
        if key not in cited and key not in nocite:
            yield Finding(shown(bibliography.path), line or 1, 1, "C002",
                          f"reference '{key}' is never cited (cite it, list it under 'nocite:', "
                          "or remove it)")


# --- The whole manuscript ---------------------------------------------------------------------


def lint_manuscript(root: Path) -> list[Finding]:
    """Every finding in the manuscript at ``root``, in file, line and column order.

    Never a traceback: a problem that stops the reading (malformed metadata.yaml, a chapter
    that is not UTF-8) is a finding like any other, and the rules that need what could not be
    read do not run.
    """
    from samizdat.diagnostics import Diagnostics
    from samizdat.errors import ManuscriptError
    from samizdat.readers.markdown import read_book
    from samizdat.transforms.notes import nocite_keys, notes_settings

    root = Path(root)

    def shown(path) -> Path:
        path = Path(path)
        try:
            return path.resolve().relative_to(root.resolve().parent)
        except ValueError:
            return path

    def stopped(error: ManuscriptError) -> list[Finding]:
        errors = error.each
        return [Finding(shown(e.file or root), e.line or 1, 1, "M001",
                        f"{e.message}" + (f" ({e.hint})" if e.hint else "")) for e in errors]

    try:
        manuscript = load_manuscript(root, quiet=True)
    except ManuscriptError as error:
        return stopped(error)
    findings = [Finding(shown(manuscript.metadata_path), *_place_of(warning), "M002",
                        warning.split(": ", 1)[-1]) for warning in manuscript.warnings]
    diagnostics = Diagnostics()
    try:
        book = read_book(manuscript, diagnostics)
        nocite = nocite_keys(manuscript, Diagnostics())  # reported once, by notes_settings
        notes_settings(manuscript, book, diagnostics)
    except ManuscriptError as error:
        return sorted(findings + stopped(error), key=_order)
    for diagnostic in diagnostics:
        findings.append(Finding(shown(diagnostic.file or manuscript.metadata_path),
                                diagnostic.line or 1, diagnostic.column or 1, diagnostic.code,
                                diagnostic.message))
    findings += check_citations_used(book, manuscript, nocite, shown)

    chapters = [read_chapter(path, shown(path), manuscript.metadata.lang)
                for path in manuscript.chapter_paths]
    dictionary = load_dictionary(manuscript.metadata.lang)
    speller = Speller(dictionary, read_project_words(root / WORDLIST_FILE))
    if dictionary is None:
        findings.append(
            Finding(
                shown(manuscript.metadata_path),
                manuscript.line_of("lang") or 1,
                1,
                "S000",
                f"no hunspell dictionary for '{manuscript.metadata.lang}': spelling not checked "
                f"(install hunspell-{manuscript.metadata.lang.lower()}, or the language's "
                "package, and spylls)",
            )
        )
    for chapter in chapters:
        if dictionary is not None:
            findings += check_spelling(chapter, speller)
            findings += check_split_words(chapter, speller.known)
        findings += check_typography(chapter)
        findings += check_doubled_words(chapter)
        findings += check_quotation_marks(chapter)
        findings += check_characters(chapter)
    return sorted(findings, key=_order)


def _order(finding: Finding):
    return (str(finding.file), finding.line, finding.column, finding.code)


def _place_of(warning: str) -> tuple[int, int]:
    match = re.match(r"[^:]*:(\d+)", warning)
    return (int(match.group(1)) if match else 1), 1
