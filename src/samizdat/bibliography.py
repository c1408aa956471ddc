"""The manuscript's bibliography file: its entries by key, each with the line that defines it.

Three formats, as pandoc reads them (pandoc formats the citations, see transforms/notes.py):
CSL YAML (``.yaml``/``.yml``: a list of entries, or ``references:`` holding one), CSL JSON
(``.json``: a list of entries) and BibTeX (``.bib``). The entries themselves are not
interpreted here; this module only makes sure that every later error can name a file and a
line: a malformed file, an entry without a key, a key defined twice.

One field is samizdat's own: ``omit-from-bibliography: "reason"`` on an entry says that the
editors know the style prints no bibliography entry for it (Chicago prints none for CSL type
``document``, for one) and accept that, for the reason given. Without it such a work fails
``samizdat check``: a note that cites a work the bibliography leaves out reads as an omission.
pandoc's citeproc ignores the field.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from samizdat.config import parse_yaml, read_text
from samizdat.errors import ManuscriptError

FORMATS = {".yaml": "csl-yaml", ".yml": "csl-yaml", ".json": "csl-json", ".bib": "bibtex"}
OMIT_FIELD = "omit-from-bibliography"


@dataclass(frozen=True)
class _Entry:
    key: str
    line: int | None
    omit: str | None = None  # omit-from-bibliography's reason
    omit_line: int | None = None
    language: str | None = None


@dataclass
class Bibliography:
    path: Path
    format: str  # "csl-yaml" | "csl-json" | "bibtex"
    lines: dict[str, int]  # key -> line that defines it (1-based), in file order
    # key -> the editors' reason for leaving the work out of the printed bibliography
    omitted: dict[str, str] = field(default_factory=dict)
    # key -> the language of the work (CSL "language", BibTeX langid/language), when given
    languages: dict[str, str] = field(default_factory=dict)

    @property
    def keys(self) -> list[str]:
        return list(self.lines)

    def __contains__(self, key: str) -> bool:
        return key in self.lines


def load_bibliography(path: Path) -> Bibliography:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ManuscriptError(
            f"unknown bibliography format '{suffix or path.name}'",
            file=path,
            hint="use CSL YAML (.yaml), CSL JSON (.json) or BibTeX (.bib)",
        )
    kind = FORMATS[suffix]
    found = {"csl-yaml": _yaml_keys, "csl-json": _json_keys, "bibtex": _bibtex_keys}[kind](path)
    lines: dict[str, int] = {}
    omitted: dict[str, str] = {}
    languages: dict[str, str] = {}
    for entry in found:
        key, line, reason = entry.key, entry.line, entry.omit
        if key in lines:
            raise ManuscriptError(
                f"duplicate citation key '{key}' (first defined on line {lines[key]})",
                file=path,
                line=line,
                hint="give each entry its own key",
            )
        lines[key] = line
        if reason is not None:
            if not reason.strip():
                raise ManuscriptError(
                    f"'{OMIT_FIELD}' of '{key}' gives no reason", file=path,
                    line=entry.omit_line or line,
                    hint="say in a line why the work stays out of the bibliography",
                )
            omitted[key] = " ".join(reason.split())
        if entry.language:
            languages[key] = entry.language.strip()
    return Bibliography(path=path, format=kind, lines=lines, omitted=omitted, languages=languages)


def _yaml_keys(path: Path) -> list[_Entry]:
    _, _, node = parse_yaml(path)  # a ManuscriptError with the line if the YAML is malformed
    entries = node
    if isinstance(node, yaml.MappingNode):
        entries = next((v for k, v in node.value if k.value == "references"), None)
    if not isinstance(entries, yaml.SequenceNode):
        raise ManuscriptError(
            "no list of references",
            file=path,
            line=node.start_mark.line + 1 if node is not None else 1,
            hint="write CSL YAML: 'references:' followed by a list of entries, each with 'id:'",
        )
    found = []
    for entry in entries.value:
        line = entry.start_mark.line + 1
        fields = {}
        if isinstance(entry, yaml.MappingNode):
            fields = {k.value: v for k, v in entry.value if isinstance(k, yaml.ScalarNode)}
        ident = fields.get("id")
        if not isinstance(ident, yaml.ScalarNode) or not str(ident.value).strip():
            raise ManuscriptError(
                "a reference without an 'id:'",
                file=path,
                line=line,
                hint="each entry needs 'id: key', the key that citations use (@key)",
            )
        reason, language = fields.get(OMIT_FIELD), fields.get("language")
        found.append(_Entry(
            str(ident.value).strip(),
            ident.start_mark.line + 1,
            str(reason.value) if isinstance(reason, yaml.ScalarNode) else None,
            reason.start_mark.line + 1 if reason is not None else None,
            str(language.value) if isinstance(language, yaml.ScalarNode) else None,
        ))
    return found


def _json_keys(path: Path) -> list[_Entry]:
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManuscriptError(
            f"malformed JSON: {exc.msg}", file=path, line=exc.lineno, hint="fix the syntax"
        ) from exc
    if not isinstance(data, list):
        raise ManuscriptError(
            "CSL JSON must be a list of entries", file=path, line=1, hint="write [{\"id\": ...}, ...]"
        )
    # json keeps no positions; the i-th '"id":' at the top level of an entry is the i-th key.
    positions = [m.start() for m in re.finditer(r'"id"\s*:', text)]
    found = []
    for index, entry in enumerate(data):
        line = text.count("\n", 0, positions[index]) + 1 if index < len(positions) else None
        if not isinstance(entry, dict) or not str(entry.get("id", "")).strip():
            raise ManuscriptError(
                f"entry {index + 1} has no \"id\"",
                file=path,
                line=line,
                hint="each entry needs \"id\": \"key\", the key that citations use (@key)",
            )
        reason, language = entry.get(OMIT_FIELD), entry.get("language")
        found.append(_Entry(str(entry["id"]).strip(), line,
                            None if reason is None else str(reason), None,
                            language if isinstance(language, str) else None))
    return found


_BIBTEX_ENTRY = re.compile(r"@(?P<type>[A-Za-z]+)\s*(?P<open>[{(])\s*(?P<key>[^,\s{}()]*)\s*,?")


_BIBTEX_OMIT = re.compile(OMIT_FIELD + r"\s*=\s*[{\"](?P<reason>[^}\"]*)[}\"]", re.IGNORECASE)


_BIBTEX_LANGUAGE = re.compile(r"\b(?:langid|language)\s*=\s*[{\"](?P<lang>[^}\"]*)[}\"]",
                              re.IGNORECASE)


def _bibtex_keys(path: Path) -> list[_Entry]:
    text = read_text(path)
    found = []
    for match in _BIBTEX_ENTRY.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        kind = match.group("type").lower()
        end = _entry_end(text, match.start("open"))
        if end is None:
            raise ManuscriptError(
                f"unbalanced braces in the @{match.group('type')} entry",
                file=path,
                line=line,
                hint="close every '{' (an entry ends with a '}' on its own)",
            )
        if kind in ("comment", "string", "preamble"):
            continue
        if not match.group("key") or not match.group(0).endswith(","):
            raise ManuscriptError(
                f"a @{match.group('type')} entry without a key",
                file=path,
                line=line,
                hint="write @book{key, ...}",
            )
        omit = _BIBTEX_OMIT.search(text, match.end(), end)
        language = _BIBTEX_LANGUAGE.search(text, match.end(), end)
        found.append(_Entry(match.group("key"), line, omit.group("reason") if omit else None,
                            None, language.group("lang") if language else None))
    return found


def _entry_end(text: str, opening: int) -> int | None:
    """The index of the bracket that closes the entry opened at ``opening``, or None."""
    open_char = text[opening]
    close_char = "}" if open_char == "{" else ")"
    depth = 0
    for index in range(opening, len(text)):
        char = text[index]
        if char == open_char:
            depth += 1
        elif char == close_char:
            depth -= 1
            if depth == 0:
                return index
        elif char == "@" and depth == 1 and text[index - 1] == "\n":
            return None  # a new entry begins on its own line before this one was closed
    return None


# BibTeX's langid and language name languages in babel's words; pandoc reads these as BCP 47.
_BABEL = {
    "english": "en", "american": "en-US", "british": "en-GB", "russian": "ru", "ukrainian": "uk",
    "german": "de", "ngerman": "de", "french": "fr", "spanish": "es", "italian": "it",
    "portuguese": "pt", "polish": "pl", "czech": "cs", "dutch": "nl", "swedish": "sv",
    "greek": "el", "latin": "la", "hebrew": "he", "yiddish": "yi",
}


def bcp47(language: str | None) -> str | None:
    """A bibliography's language as a BCP 47 tag, or None when it names no language we know."""
    if not language:
        return None
    value = language.strip()
    if value.lower() in _BABEL:
        return _BABEL[value.lower()]
    return value if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value) else None
