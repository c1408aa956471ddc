"""``samizdat lint``: a proofreader's checks on the manuscript, in the spirit of ``se lint``.

Every rule has a code, a one-line message and a place (``file:line:column``), as in Standard
Ebooks' ``se/se_epub_lint.py``. The checks read the Markdown source, not the built book, so the
place named is the one the writer edits. Codes:

- S001 unknown word (hunspell dictionary of the book's language plus ``wordlist.txt``);
  S000 no dictionary for the language, so spelling was not checked
- T001 straight double quote, T002 straight single quote, T003 ``--``, T004 ``...``,
  T005 doubled space, T006 doubled word, T007 unbalanced “ ”, T008 unclosed ‘,
  T009 word split by a hyphen at a line end or before a space ("Bolshe- vik")
- X001 private-use character, X002 control character
- C001 citation key not in the bibliography, C002 bibliography entry never cited,
  C003 citation but no bibliography
- F001 footnote reference without definition, F002 definition never referenced,
  F003 footnote defined twice
- I001 image file missing, I002 image outside the manuscript folder, I003 image is a URL
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


def dictionary_path(lang: str) -> Path | None:
    """The hunspell files for a BCP 47 tag: en-GB -> en_GB.dic, or any en_* for plain 'en'."""
    wanted = lang.replace("-", "_")
    for folder in HUNSPELL_DIRS:
        if (folder / f"{wanted}.dic").is_file() and (folder / f"{wanted}.aff").is_file():
            return folder / wanted
    primary = wanted.split("_")[0]
    for folder in HUNSPELL_DIRS:
        for candidate in sorted(folder.glob(f"{primary}_*.dic")) if folder.is_dir() else []:
            if candidate.with_suffix(".aff").is_file():
                return candidate.with_suffix("")
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


_HTML = re.compile(r"<!--.*?-->|</?[A-Za-z][^<>\n]*>", re.S)
_ATTRIBUTES = re.compile(r"\{[:#.][^{}\n]*\}")
_FOOTNOTE_ID = re.compile(r"\[\^([^\]\s]+)\]")
_TABLE_RULE = re.compile(r"^[ \t]*[|:+-][-|:+ \t]*$", re.M)


def read_chapter(path: Path, shown: Path) -> ChapterText:
    text = read_text(path)
    structure = _mask(text, code_spans(text))
    hidden = list(literal_spans(text))
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


_TYPOGRAPHY = (
    (re.compile(r'"'), "T001", "straight double quote: use “ and ”"),
    (re.compile(r"'"), "T002", "straight single quote: use ’ (apostrophe) or ‘ and ’"),
    (re.compile(r"(?<!-)-{2,}(?!-)"), "T003", "'--' in text: use an en dash – or an em dash —"),
    (re.compile(r"(?<!\.)\.{3}(?!\.)"), "T004", "'...' in text: use the ellipsis …"),
    (re.compile(r"(?<=\S) {2,}(?=\S)"), "T005", "doubled space"),
)


def check_typography(chapter: ChapterText) -> Iterator[Finding]:
    for pattern, code, message in _TYPOGRAPHY:
        for match in pattern.finditer(chapter.prose):
            if code == "T005" and _in_table_row(chapter.prose, match.start()):
                continue  # spaces align the columns of a pipe table
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
    for start, end in _paragraphs(chapter.prose):
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


_FOOTNOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.M)
_FOOTNOTE_REFERENCE = re.compile(r"\[\^([^\]\s]+)\](?!:)")


def check_footnotes(chapter: ChapterText) -> Iterator[Finding]:
    # Python-Markdown's footnotes are per document, and each chapter is one document.
    definitions: dict[str, int] = {}
    for match in _FOOTNOTE_DEFINITION.finditer(chapter.structure):
        label = match.group(1)
        if label in definitions:
            yield chapter.finding(match.start(1) - 2, "F003", f"footnote '{label}' is defined twice")
        else:
            definitions[label] = match.start()
    referenced: set[str] = set()
    for match in _FOOTNOTE_REFERENCE.finditer(chapter.structure):
        label = match.group(1)
        referenced.add(label)
        if label not in definitions:
            yield chapter.finding(match.start(), "F001", f"footnote [^{label}] has no definition")
    for label, offset in definitions.items():
        if label not in referenced:
            yield chapter.finding(offset, "F002", f"footnote [^{label}] is defined but never referenced")


_IMAGE = re.compile(
    r"!\[[^\]]*\]\(\s*(?:<(?P<angled>[^>]*)>|(?P<plain>[^\s)]+))(?:\s+[\"'(][^)]*)?\s*\)"
    r"|<img\b[^>]*?\bsrc\s*=\s*[\"'](?P<html>[^\"']*)[\"']",
    re.I,
)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def check_images(chapter: ChapterText, root: Path) -> Iterator[Finding]:
    for match in _IMAGE.finditer(chapter.structure):
        group = next(g for g in ("angled", "plain", "html") if match.group(g) is not None)
        target, offset = match.group(group), match.start(group)
        if _SCHEME.match(target) or target.startswith("//"):
            yield chapter.finding(offset, "I003", f"image '{target}' is a URL: samizdat never fetches; copy it into the manuscript")
            continue
        path = (root / target.split("#")[0]).resolve()
        if target.startswith("/") or not path.is_relative_to(root.resolve()):
            yield chapter.finding(offset, "I002", f"image '{target}' is outside the manuscript folder")
        elif not path.is_file():
            yield chapter.finding(offset, "I001", f"image '{target}' not found (paths are relative to the manuscript folder)")


# --- Bibliography -----------------------------------------------------------------------------

def bibliography_keys(path: Path) -> dict[str, int]:
    """Each key of the bibliography with the line that names it: the notes transform's own
    reading (samizdat.bibliography), so lint and build never disagree about a key."""
    from samizdat.bibliography import load_bibliography

    return load_bibliography(path).lines


def _nocite_keys(manuscript: Manuscript) -> set[str]:
    value = manuscript.raw.get("nocite") or []
    text = " ".join(value) if isinstance(value, list) else str(value)
    keys = {m.group("simple") or m.group("braced") for m in KEY_PATTERN.finditer(text)}
    if "@*" in text:
        keys.add("*")
    return keys


def check_citations(
    chapters: list[ChapterText], manuscript: Manuscript, shown: Callable[[Path], Path]
) -> Iterator[Finding]:
    bibliography = manuscript.bibliography_path
    keys = bibliography_keys(bibliography) if bibliography else None
    cited: set[str] = set()
    for chapter in chapters:
        for citation in find_citations(chapter.text):
            for match in KEY_PATTERN.finditer(chapter.text, citation.start, citation.end):
                key = match.group("simple") or match.group("braced")
                if key not in citation.keys:
                    continue  # an @ in a prefix or suffix
                cited.add(key)
                if keys is None:
                    yield chapter.finding(match.start(), "C003", f"citation of '{key}' but metadata.yaml names no bibliography")
                elif key not in keys:
                    yield chapter.finding(match.start(), "C001", f"citation key '{key}' is not in {bibliography.name}")
    if keys is None:
        return
    nocite = _nocite_keys(manuscript)
    if "*" in nocite:
        return
    for key, line in keys.items():
        if key not in cited and key not in nocite:
            yield Finding(shown(bibliography), line, 1, "C002", f"reference '{key}' is never cited (cite it, list it under 'nocite:', or remove it)")


# --- The whole manuscript ---------------------------------------------------------------------


def lint_manuscript(root: Path) -> list[Finding]:
    """Every finding in the manuscript at ``root``, in file, line and column order."""
    manuscript = load_manuscript(root)
    root = manuscript.root

    def shown(path: Path) -> Path:
        try:
            return path.resolve().relative_to(root.resolve().parent)
        except ValueError:
            return path

    chapters = [read_chapter(path, shown(path)) for path in manuscript.chapter_paths]
    dictionary = load_dictionary(manuscript.metadata.lang)
    speller = Speller(dictionary, read_project_words(root / WORDLIST_FILE))
    findings: list[Finding] = []
    if dictionary is None:
        findings.append(
            Finding(
                shown(manuscript.metadata_path),
                manuscript.line_of("lang") or 1,
                1,
                "S000",
                f"no hunspell dictionary for '{manuscript.metadata.lang}': spelling not checked "
                "(install hunspell-en-gb or the language's package, and spylls)",
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
        findings += check_footnotes(chapter)
        findings += check_images(chapter, root)
    findings += check_citations(chapters, manuscript, shown)
    return sorted(findings, key=lambda f: (str(f.file), f.line, f.column, f.code))
