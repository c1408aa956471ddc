"""A note in a heading (``# Dissertation on First Principles[^13]``) is the text's, not the
title's: it is called from the heading in the chapter, and kept out of everything that repeats
the title (contents, navigation, ``<title>``, running heads, PDF bookmarks)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pdfplumber
from lxml import etree
from pypdf import PdfReader

from manuscripts import METADATA, make_manuscript
from samizdat.build import build

ROOT = Path(__file__).resolve().parents[1]
NS = {"h": "http://www.w3.org/1999/xhtml", "ncx": "http://www.daisy.org/z3986/2005/ncx/"}
TITLE = "Dissertation on First Principles"
FILLER = ("An elector, casting a vote, does no more than say who shall speak for him; the "
          "right he exercises is the right of speaking for himself. ") * 8


def test_a_note_in_a_heading_is_kept_out_of_every_repetition_of_the_title(tmp_path):
    chapter = (f"# {TITLE}[^13]\n\n" + "\n\n".join([FILLER] * 14)
               + "\n\n[^13]: First published in Paris, 1795.\n")
    manuscript = make_manuscript(tmp_path, METADATA, {"01-opening.md": "An opening.\n",
                                                      "02-dissertation.md": chapter})
    out = tmp_path / "out"
    build(manuscript, out, only=["epub", "pdf"], styles_dir=ROOT / "styles")

    with zipfile.ZipFile(out / "a-small-pamphlet.epub") as epub:
        page = etree.fromstring(epub.read("EPUB/text/ch-02-dissertation.xhtml"))
        nav = etree.fromstring(epub.read("EPUB/text/contents.xhtml"))
        ncx = etree.fromstring(epub.read("EPUB/toc.ncx"))
    assert page.find("h:head/h:title", NS).text == TITLE
    heading = page.find(".//h:h1", NS)
    assert heading.find(".//h:a[@role='doc-noteref']", NS).text == "1"
    toc = [" ".join("".join(a.itertext()).split()) for a in nav.iterfind(".//h:nav[@id='toc']//h:a", NS)]
    assert toc[0] == TITLE
    labels = [" ".join("".join(p.itertext()).split()) for p in ncx.iterfind(".//ncx:navLabel", NS)]
    assert labels[0] == TITLE

    pdf_bytes = (out / "a-small-pamphlet.pdf").read_bytes()
    outline = PdfReader(io.BytesIO(pdf_bytes)).outline
    assert outline[0].title == TITLE
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
        heads = [" ".join(c["text"] for c in page.chars if c["top"] < 16 * 72 / 25.4)
                 for page in pdf.pages]
    contents = next(text for text in pages if text.startswith("Contents"))
    assert f"{TITLE}. . ." in contents and f"{TITLE}1" not in contents
    opening = next(n for n, text in enumerate(pages) if TITLE in text and "Paris" in text)
    # the running heads of the chapter's right-hand pages repeat the title, without the call
    running = {"".join(h.split()) for h in heads[opening + 1:] if h}
    assert "".join(TITLE.split()) in running and not any(h.endswith("1") for h in running)
