"""manuscript/corrections.yaml -> the model's list of editorial corrections.

Each entry records one evident slip of the author that the editors corrected, with the
original reading, so that every edition can print an editorial note saying what was changed.
"""

from __future__ import annotations

from samizdat.config import Manuscript, parse_yaml
from samizdat.document import Correction
from samizdat.errors import ManuscriptError

CORRECTIONS_FILE = "corrections.yaml"
FIELDS = ("chapter", "original", "corrected")


def load_corrections(manuscript: Manuscript) -> list[Correction]:
    path = manuscript.root / CORRECTIONS_FILE
    if not path.is_file():
        return []
    data, _, node = parse_yaml(path)
    if data is None:
        return []
    if not isinstance(data, list):
        raise ManuscriptError(
            "corrections must be a list of entries (- chapter: ..., original: ..., corrected: ...)",
            file=path, line=1,
        )
    lines = [item.start_mark.line + 1 for item in node.value]
    chapters = {p.name for p in manuscript.chapter_paths}
    corrections = []
    for index, entry in enumerate(data):
        line = lines[index] if index < len(lines) else None
        if not isinstance(entry, dict):
            raise ManuscriptError("each correction must be a mapping", file=path, line=line)
        for key in FIELDS:
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise ManuscriptError(
                    f"correction without '{key}'", file=path, line=line, field=key,
                    hint="give chapter, original, corrected (and a note saying why)",
                )
        if entry["chapter"] not in chapters:
            raise ManuscriptError(
                f"correction names chapter '{entry['chapter']}', which the book does not have",
                file=path, line=line, field="chapter",
                hint=f"use one of {', '.join(sorted(chapters))}",
            )
        corrections.append(
            Correction(entry["chapter"], entry["original"], entry["corrected"], entry.get("note"))
        )
    return corrections
