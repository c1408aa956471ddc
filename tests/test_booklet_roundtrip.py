"""impose -> import: what samizdat imposes, samizdat reads back.

The essay of booklet_fixtures is set by WeasyPrint on small pages (justified, hyphenated: the
breaks are WeasyPrint's, not ours), imposed 2up with the imposition engine, and its text taken
off the imposed sheets half by half, the way the source booklet's extraction gave it: each page
in sheet order, its first line marked by a leading space. The importer must find the page
order from that alone and give back the essay's words in order.
"""

from __future__ import annotations

import html
import io
import re

import pdfplumber
import pytest
from weasyprint import CSS, HTML

from booklet_fixtures.essay import ESSAY, essay_words
from samizdat import imposition
from samizdat.booklet_import import import_booklet
from samizdat.imposition.settings import make_settings

MARGINS = "margin: 8mm 9mm"
TEXT = ("html { font-family: serif; font-size: 9pt; line-height: 1.3 }"
        " p { margin: 0; text-align: justify; hyphens: auto } p + p { text-indent: 1em }"
        " h2 { font-size: 9pt; font-weight: bold; margin: 1em 0 0.5em }"
        " blockquote { margin: 0.5em 1.5em }")


def set_the_essay(page_size: str) -> bytes:
    blocks = []
    for block in ESSAY:
        text = html.escape(block.text)
        blocks.append({"heading": f"<h2>{text}</h2>", "quote": f"<blockquote><p>{text}</p></blockquote>"}
                      .get(block.kind, f"<p>{text}</p>"))
    return HTML(string=f'<html lang="en"><body>{"".join(blocks)}</body></html>').write_pdf(
        stylesheets=[CSS(string=f"@page {{ size: {page_size}; {MARGINS} }}" + TEXT)])


def extract_sheets(imposed: bytes) -> str:
    """The sheets' text, half by half in sheet order, each page's first line marked by a space."""
    lines: list[str] = []
    with pdfplumber.open(io.BytesIO(imposed)) as document:
        for sheet in document.pages:
            middle = sheet.width / 2
            for half in ((0, 0, middle, sheet.height), (middle, 0, sheet.width, sheet.height)):
                text = sheet.crop(half).extract_text() or ""
                page = [line for line in text.splitlines() if line.strip()]
                if page:
                    lines += [" " + page[0], *page[1:]]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("page_size, pages", [("90mm 110mm", 5), ("80mm 100mm", 6),
                                              ("70mm 100mm", 8), ("60mm 90mm", 11)])
@pytest.mark.parametrize("cover", [True, False])
def test_an_imposed_booklet_is_read_back_word_for_word(page_size, pages, cover):
    pamphlet = set_the_essay(page_size)
    imposed = imposition.impose(pamphlet, make_settings(schema="2up", cover=cover, paper="A4"))
    result = import_booklet(extract_sheets(imposed), "saddle-2up", source="sheets.txt")
    found = " ".join(((chapter.title or "") + " " + " ".join(block.text for block in chapter.blocks))
                     for chapter in result.chapters)

    def words(text: str) -> list[str]:
        # Where WeasyPrint broke "co-operative" or "cooperative" at its hyphen, whether the
        # hyphen stays is the importer's judgement (tested on a known layout in
        # test_booklet_import); here the words and their order are what counts.
        return [w.replace("-", "") for w in re.findall(r"[\w’'-]+", text.replace("“", "").replace("”", ""))]

    assert words(found) == words(" ".join(essay_words()))
    (order,) = [r for r in result.reports if r.code == "I000"]
    booklet = -(-pages // 4) * 4
    held = (f"pages 1-{pages - 1} and {booklet} (the back cover" if cover and pages < booklet
            else f"pages 1-{pages};")
    assert f"{booklet}-page saddle-stitched booklet, extracted pages are physical {held}" in order.message
