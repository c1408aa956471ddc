"""pymdown-extensions' caret, tilde and escapeall are loaded only for a chapter that holds the
character each acts on (readers/markdown.py ``TRIGGERED_BY``): a chapter without them must read
the same as with every extension, on every chapter of every corpus here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from samizdat.readers import markdown as reader

ROOT = Path(__file__).resolve().parents[1]
TEXTS = sorted([*ROOT.glob("manuscript/chapters/*.md"), *ROOT.glob("tests/corpora/*/chapters/*.md"),
                *ROOT.glob("tests/corpus/markdown/*.md")])


def full(text: str) -> str:
    return reader._markdown(tuple(reader.EXTENSIONS)).reset().convert(text)


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_a_chapter_reads_the_same_with_the_extensions_it_needs(path):
    text = path.read_text(encoding="utf-8")
    assert reader._converter(text).convert(text) == full(text)


def test_the_extensions_follow_the_characters():
    def optional(text: str) -> set[str]:
        return set(reader.extensions_for(text)) & set(reader.TRIGGERED_BY)

    assert optional("Plain prose, with “quotes” -- and dashes.") == set()
    assert optional("H~2~O") == {"pymdownx.tilde"}
    assert optional("2^10^ and a \\* star") == {"pymdownx.caret", "pymdownx.escapeall"}
    # and a chapter with them reads as pandoc does: ^sup^, ~sub~, ~~del~~, escapes
    text = "H~2~O, 2^10^, ~~gone~~, \\*not em\\*"
    html = reader._converter(text).convert(text)
    assert "<sub>2</sub>" in html and "<sup>10</sup>" in html and "<del>gone</del>" in html
    assert "*not em*" in html and "<em>" not in html


def test_prose_without_them_never_imports_pymdown_extensions():
    script = ("import sys\nfrom pathlib import Path\nfrom samizdat.config import load_manuscript\n"
              "from samizdat.pipeline import read_book\n"
              "read_book(load_manuscript(Path(sys.argv[1])))\n"
              "print(sorted(m for m in sys.modules if m.startswith('pymdownx.')))")
    essay = subprocess.run([sys.executable, "-c", script, str(ROOT / "manuscript")],
                           capture_output=True, text=True, check=True)
    assert essay.stdout.strip() == "[]"  # the essay has no ^, ~ or backslash
    joss = subprocess.run([sys.executable, "-c", script,
                           str(ROOT / "tests" / "corpora" / "joss-tikhonov-fenichel")],
                          capture_output=True, text=True, check=True)
    assert "pymdownx.escapeall" in joss.stdout  # TeX and escapes: it is there when needed
