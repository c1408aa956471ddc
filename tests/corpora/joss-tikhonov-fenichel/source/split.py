"""The JOSS paper (paper.md, this folder) -> the corpus's chapters (../chapters/).

    python tests/corpora/joss-tikhonov-fenichel/source/split.py [OUT_DIR]

The YAML front matter is left out (its facts are in ../metadata.yaml); the body is cut before
each top-level ``# `` heading, one chapter a section, the lines exactly as the author wrote them.
The last section, ``# References``, is empty in the source: it only tells pandoc where the
bibliography goes, which samizdat places itself (``bibliography-title: References``), so it is
not a chapter. Deterministic; the test module checks that the chapters are its output.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def sections(text: str) -> list[tuple[str, str]]:
    body = re.sub(r"\A---\n.*?\n---\n", "", text, count=1, flags=re.DOTALL).lstrip("\n")
    starts = [m.start() for m in re.finditer(r"^# ", body, re.MULTILINE)]
    out = []
    for start, end in zip(starts, [*starts[1:], len(body)]):
        chunk = body[start:end].rstrip("\n") + "\n"
        title = chunk.splitlines()[0][2:].strip()
        out.append((title, chunk))
    return out


def split(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    parts = [(title, chunk) for title, chunk in sections((HERE / "paper.md").read_text("utf-8"))
             if title != "References"]
    for number, (title, chunk) in enumerate(parts, 1):
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        path = out_dir / f"{number:02d}-{slug}.md"
        path.write_text(chunk, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "chapters"
    for path in split(target):
        print(path)
