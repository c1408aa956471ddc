"""metadata.yaml -> validated settings, with errors that name the file and the line or field.

The manuscript folder holds ``metadata.yaml``, ``chapters/*.md`` and whatever the metadata
points at (bibliography, images). Everything a user can get wrong here is a ManuscriptError.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from samizdat.document import BookMetadata, Contributor
from samizdat.errors import ManuscriptError, ManuscriptErrors

METADATA_FILE = "metadata.yaml"
CHAPTERS_DIR = "chapters"
REQUIRED_FIELDS = ("title", "author", "lang", "identifier")
#: Every top-level field samizdat reads (README "The manuscript format"); any other is a
#: located warning that names the nearest of these.
KNOWN_FIELDS = (
    "title", "subtitle", "author", "editor", "translator", "contributors", "lang", "identifier",
    "date", "publisher", "rights", "description", "subjects", "source", "slug", "cover",
    "chapters", "bibliography", "citation-style", "nocite", "bibliography-title",
    "reference-section-title", "notes", "editions",
)
#: Read when present and metadata.yaml names no bibliography.
DEFAULT_BIBLIOGRAPHIES = ("references.yaml", "references.yml", "references.json", "references.bib")
SLUG_LENGTH = 60
_ISO_DATE = re.compile(
    r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01])"
    r"(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?)?)?")


@dataclass
class Manuscript:
    """A manuscript folder, validated: where things are and what the metadata says."""

    root: Path
    metadata_path: Path
    raw: dict[str, Any]
    lines: dict[str, int]  # top-level key -> line in metadata.yaml (1-based)
    metadata: BookMetadata
    chapter_paths: list[Path]
    bibliography_path: Path | None = None
    citation_style: str | None = None
    editions: dict[str, Any] = field(default_factory=dict)
    # Located warnings about metadata.yaml (an unknown field): said by the build, listed by lint.
    warnings: list[str] = field(default_factory=list)

    def line_of(self, key: str) -> int | None:
        return self.lines.get(key)

    def error(self, message: str, key: str, hint: str | None = None) -> ManuscriptError:
        return ManuscriptError(
            message, file=self.metadata_path, line=self.line_of(key), field=key, hint=hint
        )

    def inside(self, relative: str, key: str) -> Path:
        """Resolve a path named in the metadata; refuse anything outside the manuscript."""
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", relative):
            raise self.error(
                f"'{relative}' is a URL; samizdat never fetches from the network",
                key,
                "copy the file into the manuscript folder and name it by a relative path",
            )
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise self.error(
                f"'{relative}' is outside the manuscript folder",
                key,
                "keep every file the book uses inside the manuscript folder",
            )
        return path


# libyaml's parser when PyYAML was built with it (the PyPI wheels are): the bibliography is the
# largest YAML a book has, and the pure-Python parser took a third of a second over it.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(path: Path) -> tuple[Any, dict[str, int], yaml.Node | None]:
    """Parse a YAML file once: its data, the line of each top-level key, and its node tree
    (for the lines of anything deeper)."""
    text = read_text(path)
    loader = YAML_LOADER(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "malformed YAML"
        raise ManuscriptError(
            f"malformed YAML: {problem}",
            file=path,
            line=line,
            hint="fix the syntax (indentation, a missing ':' or an unclosed quote)",
        ) from exc
    except yaml.YAMLError as exc:
        raise ManuscriptError(f"malformed YAML: {exc}", file=path) from exc
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                lines[key_node.value] = key_node.start_mark.line + 1
    return data, lines, node


def load_yaml(path: Path) -> tuple[Any, dict[str, int]]:
    """Parse a YAML file; return its data and the line of each top-level key."""
    data, lines, _ = parse_yaml(path)
    return data, lines


def read_text(path: Path) -> str:
    """Read a manuscript file as UTF-8, or say in one line why it cannot be read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ManuscriptError("file not found", file=path) from exc
    except OSError as exc:
        raise ManuscriptError(
            f"cannot read the file ({exc.strerror})", file=path, hint="check its permissions"
        ) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ManuscriptError(
            f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            file=path,
            line=line,
            hint="save the file as UTF-8",
        ) from exc


def slugify(text: str) -> str:
    """A file-name slug: ASCII, lower case, hyphens, cut at a word boundary to 60 characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > SLUG_LENGTH:
        cut = slug[: SLUG_LENGTH + 1].rfind("-")
        slug = slug[: cut if cut > 0 else SLUG_LENGTH]
    return slug or "book"


def _string(manuscript_path: Path, raw: dict, lines: dict, key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, (str, int, float)) or hasattr(value, "isoformat"):
        text = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return text.strip()
    raise ManuscriptError(
        f"'{key}' must be text, not a {type(value).__name__}",
        file=manuscript_path,
        line=lines.get(key),
        field=key,
    )


def _contributors(path: Path, raw: dict, lines: dict, problems: list) -> list[Contributor]:
    """author, editor, translator (each a name, a list, or mappings with name, file-as, lang)
    and contributors (mappings with name and a MARC relator role, e.g. trl, ill, aui)."""
    people: list[Contributor] = []
    for key, role in (("author", "aut"), ("editor", "edt"), ("translator", "trl"),
                      ("contributors", None)):
        value = raw.get(key)
        if value is None:
            continue
        entries = value if isinstance(value, list) else [value]
        for entry in entries:
            if isinstance(entry, str) and entry.strip() and role is not None:
                people.append(Contributor(entry.strip(), role))
            elif isinstance(entry, dict) and isinstance(entry.get("name"), str):
                entry_role = entry.get("role", role)
                if not isinstance(entry_role, str) or not re.fullmatch(r"[a-z]{3}", entry_role):
                    problems.append(ManuscriptError(
                        f"'{key}' entry {entry['name']!r} needs a role: a MARC relator code such "
                        "as trl (translator), edt (editor), ill (illustrator), aui (introduction)",
                        file=path, line=lines.get(key), field=key))
                    continue
                lang = entry.get("lang")
                people.append(Contributor(entry["name"].strip(), entry_role, entry.get("file-as"),
                                          str(lang) if lang else None))
            else:
                problems.append(ManuscriptError(
                    f"each '{key}' must be " + ("a name or " if role else "")
                    + "a mapping with 'name:'" + ("" if role else " and 'role:'"),
                    file=path, line=lines.get(key), field=key))
    return people


def require_folder(root: str | Path) -> Path:
    """The manuscript folder, or the one-line error a user who mistyped it should see."""
    root = Path(root)
    if not root.is_dir():
        raise ManuscriptError(
            "manuscript folder not found",
            file=root,
            hint="run from the folder that holds 'manuscript/' or pass --manuscript DIR",
        )
    return root


def load_manuscript(root: Path | str, *, quiet: bool = False) -> Manuscript:
    """Read and validate ``root/metadata.yaml`` and find the chapters.

    Every problem of the metadata is found in one reading and raised together
    (ManuscriptErrors), so that a new manuscript is not fixed one field per run. Warnings
    (an unknown field) are said unless ``quiet``; they stay in ``Manuscript.warnings``.
    """
    root = require_folder(root)
    path = root / METADATA_FILE
    if not path.is_file():
        raise ManuscriptError(
            f"no {METADATA_FILE} in the manuscript folder",
            file=root,
            hint="create it with at least title, author, lang and identifier",
        )
    raw, lines = load_yaml(path)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ManuscriptError(
            "metadata must be a mapping of fields (title: ..., author: ...)", file=path, line=1
        )
    problems: list[ManuscriptError] = []
    for key in REQUIRED_FIELDS:
        if raw.get(key) in (None, "", []):
            problems.append(ManuscriptError(
                f"required field '{key}' is missing", file=path, line=lines.get(key), field=key,
                hint=_REQUIRED_HINTS[key]))

    def text(key: str) -> str | None:
        try:
            return _string(path, raw, lines, key)
        except ManuscriptError as problem:
            problems.append(problem)
            return None

    lang = text("lang")
    if lang is not None and not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang):
        problems.append(ManuscriptError(
            f"'lang: {lang}' is not a BCP 47 language tag", file=path, line=lines.get("lang"),
            field="lang", hint="write e.g. 'lang: en-GB'"))
    date = text("date")
    if date is not None and not _ISO_DATE.fullmatch(date):
        problems.append(ManuscriptError(
            f"'date: {date}' is not an ISO 8601 date", file=path, line=lines.get("date"),
            field="date", hint="write the year, the month or the day: 2021, 2021-09, 2021-09-12"))
    identifier = text("identifier")
    subjects = raw.get("subjects") or []
    if isinstance(subjects, str):
        subjects = [subjects]
    title = text("title") or ""
    contributors = _contributors(path, raw, lines, problems)
    metadata = BookMetadata(
        title=title,
        subtitle=text("subtitle"),
        lang=lang or "und",
        identifier=identifier or "",
        contributors=contributors,
        date=date,
        publisher=text("publisher"),
        rights=text("rights"),
        description=text("description"),
        subjects=[str(s) for s in subjects],
        source=text("source"),
        slug=slugify(text("slug") or title),
    )
    manuscript = Manuscript(
        root=root,
        metadata_path=path,
        raw=raw,
        lines=lines,
        metadata=metadata,
        chapter_paths=[],
        citation_style=text("citation-style"),
        editions=raw.get("editions") or {},
    )
    for check in (_chapter_paths, _bibliography_path, _cover):
        try:
            check(manuscript)
        except ManuscriptError as problem:
            problems.append(problem)
    if not isinstance(manuscript.editions, dict):
        problems.append(manuscript.error("'editions' must be a mapping of edition names", "editions"))
        manuscript.editions = {}
    if problems:
        raise problems[0] if len(problems) == 1 else ManuscriptErrors(problems)
    for key in raw:
        if key not in KNOWN_FIELDS:
            nearest = difflib.get_close_matches(str(key), KNOWN_FIELDS, n=1, cutoff=0.6)
            manuscript.warnings.append(str(ManuscriptError(
                f"unknown field '{key}' is left out", file=path, line=lines.get(key),
                hint=f"did you mean '{nearest[0]}'?" if nearest else
                     "see the README for the fields samizdat reads")))
    if not quiet:
        for warning in manuscript.warnings:
            warnings.warn(warning, MetadataWarning, stacklevel=2)
    return manuscript


class MetadataWarning(UserWarning):
    """A located warning about metadata.yaml."""


def _bibliography_path(manuscript: Manuscript) -> None:
    raw = manuscript.raw
    if raw.get("bibliography"):
        bib = manuscript.inside(str(raw["bibliography"]), "bibliography")
        if not bib.is_file():
            raise manuscript.error(f"bibliography '{raw['bibliography']}' not found", "bibliography")
        manuscript.bibliography_path = bib
        return
    for name in DEFAULT_BIBLIOGRAPHIES:
        if (manuscript.root / name).is_file():
            manuscript.bibliography_path = (manuscript.root / name).resolve()
            return


def _cover(manuscript: Manuscript) -> None:
    raw = manuscript.raw
    if not raw.get("cover"):
        return
    cover = manuscript.inside(str(raw["cover"]), "cover")
    if not cover.is_file():
        raise manuscript.error(f"cover image '{raw['cover']}' not found", "cover")
    if cover.suffix.lower() not in (".jpg", ".jpeg", ".png"):
        raise manuscript.error(
            "the cover must be a JPEG or PNG image", "cover",
            "EPUB readers and shops take JPEG or PNG covers (1600 x 2560 px is ideal)",
        )
    manuscript.metadata.cover = cover


_REQUIRED_HINTS = {
    "title": "add 'title: ...' to metadata.yaml",
    "author": "add 'author: Name' (or a list of names) to metadata.yaml",
    "lang": "add the language of the text, e.g. 'lang: en-GB'",
    "identifier": "add a stable identifier, e.g. 'identifier: urn:uuid:...' (python -c 'import uuid; print(uuid.uuid4())')",
}


def _chapter_paths(manuscript: Manuscript) -> None:
    manuscript.chapter_paths = _find_chapters(manuscript)


def _find_chapters(manuscript: Manuscript) -> list[Path]:
    listed = manuscript.raw.get("chapters")
    if listed is not None:
        if not isinstance(listed, list) or not all(isinstance(c, str) for c in listed):
            raise manuscript.error("'chapters' must be a list of file names", "chapters")
        paths = []
        for name in listed:
            candidate = name if "/" in name else f"{CHAPTERS_DIR}/{name}"
            chapter = manuscript.inside(candidate, "chapters")
            if not chapter.is_file():
                raise manuscript.error(
                    f"chapter '{name}' not found", "chapters", "check the name under 'chapters:'"
                )
            paths.append(chapter)
        return paths
    folder = manuscript.root / CHAPTERS_DIR
    paths = sorted(folder.glob("*.md")) if folder.is_dir() else []
    if not paths:
        raise ManuscriptError(
            "no chapters: the manuscript has no chapters/*.md",
            file=folder,
            hint="put the text in Markdown files under chapters/ (01-....md, 02-....md)",
        )
    return paths
