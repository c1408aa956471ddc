"""metadata.yaml -> validated settings, with errors that name the file and the line or field.

The manuscript folder holds ``metadata.yaml``, ``chapters/*.md`` and whatever the metadata
points at (bibliography, images). Everything a user can get wrong here is a ManuscriptError.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from samizdat.document import BookMetadata, Contributor
from samizdat.errors import ManuscriptError

METADATA_FILE = "metadata.yaml"
CHAPTERS_DIR = "chapters"
REQUIRED_FIELDS = ("title", "author", "lang", "identifier")


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
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
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


def _contributors(path: Path, raw: dict, lines: dict) -> list[Contributor]:
    people: list[Contributor] = []
    for key, role in (("author", "aut"), ("editor", "edt"), ("translator", "trl")):
        value = raw.get(key)
        if value is None:
            continue
        entries = value if isinstance(value, list) else [value]
        for entry in entries:
            if isinstance(entry, str) and entry.strip():
                people.append(Contributor(entry.strip(), role))
            elif isinstance(entry, dict) and isinstance(entry.get("name"), str):
                people.append(
                    Contributor(entry["name"].strip(), entry.get("role", role), entry.get("file-as"))
                )
            else:
                raise ManuscriptError(
                    f"each '{key}' must be a name or a mapping with 'name:'",
                    file=path,
                    line=lines.get(key),
                    field=key,
                )
    return people


def load_manuscript(root: Path | str) -> Manuscript:
    """Read and validate ``root/metadata.yaml`` and find the chapters."""
    root = Path(root)
    if not root.is_dir():
        raise ManuscriptError(
            "manuscript folder not found",
            file=root,
            hint="run from the folder that holds 'manuscript/' or pass --manuscript DIR",
        )
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
    for key in REQUIRED_FIELDS:
        if raw.get(key) in (None, "", []):
            raise ManuscriptError(
                f"required field '{key}' is missing",
                file=path,
                line=lines.get(key),
                field=key,
                hint=_REQUIRED_HINTS[key],
            )

    def text(key: str) -> str | None:
        return _string(path, raw, lines, key)

    lang = text("lang")
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang or ""):
        raise ManuscriptError(
            f"'lang: {lang}' is not a BCP 47 language tag",
            file=path,
            line=lines.get("lang"),
            field="lang",
            hint="write e.g. 'lang: en-GB'",
        )
    identifier = text("identifier")
    subjects = raw.get("subjects") or []
    if isinstance(subjects, str):
        subjects = [subjects]
    title = text("title")
    metadata = BookMetadata(
        title=title,
        subtitle=text("subtitle"),
        lang=lang,
        identifier=identifier,
        contributors=_contributors(path, raw, lines),
        date=text("date"),
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
    manuscript.chapter_paths = _chapter_paths(manuscript)
    if raw.get("bibliography"):
        bib = manuscript.inside(text("bibliography"), "bibliography")
        if not bib.is_file():
            raise manuscript.error(
                f"bibliography '{raw['bibliography']}' not found", "bibliography"
            )
        manuscript.bibliography_path = bib
    if raw.get("cover"):
        cover = manuscript.inside(text("cover"), "cover")
        if not cover.is_file():
            raise manuscript.error(f"cover image '{raw['cover']}' not found", "cover")
        if cover.suffix.lower() not in (".jpg", ".jpeg", ".png"):
            raise manuscript.error(
                "the cover must be a JPEG or PNG image", "cover",
                "EPUB readers and shops take JPEG or PNG covers (1600 x 2560 px is ideal)",
            )
        metadata.cover = cover
    if not isinstance(manuscript.editions, dict):
        raise manuscript.error("'editions' must be a mapping of edition names", "editions")
    return manuscript


_REQUIRED_HINTS = {
    "title": "add 'title: ...' to metadata.yaml",
    "author": "add 'author: Name' (or a list of names) to metadata.yaml",
    "lang": "add the language of the text, e.g. 'lang: en-GB'",
    "identifier": "add a stable identifier, e.g. 'identifier: urn:uuid:...' (python -c 'import uuid; print(uuid.uuid4())')",
}


def _chapter_paths(manuscript: Manuscript) -> list[Path]:
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
