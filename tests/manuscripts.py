"""Small manuscripts written into a temporary folder for tests."""

from __future__ import annotations

from pathlib import Path

METADATA = """\
title: A Small Pamphlet
subtitle: Tested Throughout
author: Ada Example
lang: en-GB
date: 2021-09-12
identifier: urn:uuid:00000000-0000-4000-8000-000000000001
publisher: Samizdat Press
rights: © 2021 Ada Example.
description: A short pamphlet made for samizdat's tests.
"""

CHAPTERS = {
    "01-opening.md": "An untitled opening, as essays often have. It says what follows.\n",
    "02-middle.md": (
        "# The Middle\n\n"
        "A chapter with a note.[^n] It quotes someone:\n\n"
        "> “A quotation set as a block,” said someone.\n\n"
        "[^n]: The note’s text.\n"
    ),
    "03-end.md": "# The End\n\nThe last chapter’s only paragraph.\n",
}


def make_manuscript(root: Path, metadata: str = METADATA, chapters: dict | None = None) -> Path:
    folder = root / "manuscript"
    (folder / "chapters").mkdir(parents=True)
    (folder / "metadata.yaml").write_text(metadata, encoding="utf-8")
    for name, text in (CHAPTERS if chapters is None else chapters).items():
        (folder / "chapters" / name).write_text(text, encoding="utf-8")
    return folder
