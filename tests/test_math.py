"""Math: TeX read unmangled, MathML in the EPUB, equations drawn in the PDF."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pdfplumber
from lxml import etree

from manuscripts import METADATA, make_manuscript
from samizdat.build import build

ROOT = Path(__file__).resolve().parents[1]
MATHML = "{http://www.w3.org/1998/Math/MathML}math"
CHAPTER = (
    "# Rates\n\n"
    "The rate is $r = \\frac{p''}{q}$ per \"cent\", and the sum\n\n"
    "$$\\sum_{i=1}^{n} x_i = \\int_0^\\infty e^{-t}\\,dt$$\n\n"
    "closes it. A price of $20 and $30 is not math.\n"
)


def built(tmp_path: Path) -> Path:
    manuscript = make_manuscript(tmp_path, METADATA, {"01-rates.md": CHAPTER})
    out = tmp_path / "out"
    build(manuscript, out, only=["epub", "pdf"], styles_dir=ROOT / "styles")
    return out


def test_tex_comes_through_unmangled_as_mathml_in_the_epub(tmp_path):
    out = built(tmp_path)
    with zipfile.ZipFile(out / "a-small-pamphlet.epub") as epub:
        page = etree.fromstring(epub.read("EPUB/text/ch-01-rates.xhtml"))
        opf = epub.read("EPUB/content.opf").decode()
    maths = list(page.iter(MATHML))
    assert [(m.get("display"), m.get("alttext")) for m in maths] == [
        ("inline", "r = \\frac{p''}{q}"),
        ("block", "\\sum_{i=1}^{n} x_i = \\int_0^\\infty e^{-t}\\,dt"),
    ]
    text = "".join(page.itertext())
    assert "A price of $20 and $30 is not math." in text and "\u201ccent\u201d" in text
    assert 'properties="mathml"' in opf and "MathML" in opf


def test_equations_are_drawn_in_the_pdf_not_printed_as_tex(tmp_path):
    out = built(tmp_path)
    with pdfplumber.open(out / "a-small-pamphlet.pdf") as pdf:
        page = next(p for p in pdf.pages if "closes it" in (p.extract_text() or ""))
        text = page.extract_text()
        drawn = len(page.curves) + len(page.images) + len(page.rects)
    assert "\\frac" not in text and "\\sum" not in text and "A price of $20 and $30" in text
    assert drawn > 0


def test_raw_tex_is_told_from_math_by_the_readers_own_rule(tmp_path):
    """The raw-TeX warning (M023) looks for commands outside math with the reader's own
    pattern: `a$x\\alpha$` is not math to the reader (a $ right after a letter opens none, as
    in pandoc), so its \\alpha is raw TeX printed as written; `$y\\beta$` is math."""
    from samizdat.checks.lint import lint_manuscript

    manuscript = make_manuscript(tmp_path, METADATA, {
        "01-rates.md": "# Rates\n\nPrice a$x\\alpha$ and $y\\beta$ here.\n"})
    raw = [str(f) for f in lint_manuscript(manuscript) if "M023" in str(f)]
    assert len(raw) == 1 and "\\alpha" in raw[0], raw
