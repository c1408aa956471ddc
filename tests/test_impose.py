"""Saddle-stitch imposition through the old interface (samizdat.writers.impose, now schema
2up with cover of samizdat.imposition), judged on the order formula and on the sheets it writes.

The expected order is derived here independently of the implementation: for n padded pages and
sheet i (0 = outermost), the front holds (n-1-2i, 2i) and the back (2i+1, n-2-2i).
"""

from __future__ import annotations

import io

import pdfplumber
import pytest
from pypdf import PdfReader
from weasyprint import CSS, HTML

from samizdat.errors import BuildError
from samizdat.writers.impose import impose_saddle_stitch, saddle_stitch_order

MM = 72 / 25.4


def formula(n: int) -> list[tuple[int, int]]:
    sides = []
    for i in range(n // 4):
        sides += [(n - 1 - 2 * i, 2 * i), (2 * i + 1, n - 2 - 2 * i)]
    return sides


def padded_pages(page_count: int) -> list[int | None]:
    """Pages in reading order with blanks before the back cover. A lone page is the back cover
    too: PDF::Imposition's cover option moves the last page, whatever the count."""
    n = -(-page_count // 4) * 4
    blanks = [None] * (n - page_count)
    return list(range(page_count - 1)) + blanks + [page_count - 1]


@pytest.mark.parametrize("page_count", [1, 3, 4, 5, 17, 36])
def test_order_follows_the_saddle_stitch_formula(page_count):
    pages = padded_pages(page_count)
    expected = [(pages[a], pages[b]) for a, b in formula(len(pages))]
    assert saddle_stitch_order(page_count) == expected


def test_signatures_each_follow_the_formula():
    pages = list(range(36))
    expected = []
    for start in range(0, 36, 12):  # three signatures of three sheets
        expected += [(pages[start + a], pages[start + b]) for a, b in formula(12)]
    assert saddle_stitch_order(36, signature_sheets=3) == expected


def test_blanks_fall_just_before_the_back_cover():
    order = saddle_stitch_order(5)
    # 5 pages -> 8: reading positions 4, 5, 6 are blank, the back cover (index 4) is position 7.
    reading = [None] * 8
    for (left, right), (a, b) in zip(order, formula(8)):
        reading[a], reading[b] = left, right
    assert reading == [0, 1, 2, 3, None, None, None, 4]


def booklet(page_count: int, size: str = "A5") -> bytes:
    html = "".join(f'<p style="break-after: page">Page {n}</p>' for n in range(1, page_count + 1))
    return HTML(string=f"<html><body>{html}</body></html>").write_pdf(
        stylesheets=[CSS(string=f"@page {{ size: {size}; margin: 20mm }}")])


def sheet_texts(pdf: bytes) -> list[tuple[str, str]]:
    """(left half text, right half text) of every sheet side."""
    halves = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            middle = page.width / 2
            left = page.crop((0, 0, middle, page.height)).extract_text() or ""
            right = page.crop((middle, 0, page.width, page.height)).extract_text() or ""
            halves.append((left.strip(), right.strip()))
    return halves


@pytest.mark.parametrize("sheet, size, expected", [
    ("A4", "A5", (841.89, 595.28)),
    ("letter", "5.5in 8.5in", (792, 612)),
    ("11x8.5in", "5.5in 8.5in", (792, 612)),
    ("210x297mm", "A5", (841.89, 595.28)),
])
def test_sheets_are_landscape_of_the_named_size(sheet, size, expected):
    box = PdfReader(io.BytesIO(impose_saddle_stitch(booklet(4, size), sheet_size=sheet))).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(expected, abs=0.1)


def test_first_sheet_carries_the_covers():
    assert sheet_texts(impose_saddle_stitch(booklet(7), sheet_size="A4"))[0] == ("Page 7", "Page 1")


def test_blank_pages_are_empty_halves():
    # 7 pages -> 8: the blank (reading position 7) backs page 2 on the outer sheet.
    assert sheet_texts(impose_saddle_stitch(booklet(7), sheet_size="A4"))[1] == ("Page 2", "")


def test_sheet_count_is_half_the_padded_pages():
    assert len(PdfReader(io.BytesIO(impose_saddle_stitch(booklet(9), sheet_size="A4"))).pages) == 6


def test_viewer_preferences_ask_for_short_edge_duplex_without_scaling():
    preferences = PdfReader(io.BytesIO(impose_saddle_stitch(booklet(4), sheet_size="A4"))
                            ).trailer["/Root"]["/ViewerPreferences"]
    assert (preferences["/Duplex"], preferences["/PrintScaling"]) == ("/DuplexFlipShortEdge", "/None")


def test_long_edge_duplex_turns_the_fronts():
    # Schema duplex2up: the front is turned 180 degrees, so page 1 (right on a 2up front)
    # moves to the left half, upside down; the back stays as it was, page 2 upright on the left.
    imposed = impose_saddle_stitch(booklet(4), sheet_size="A4", duplex="long-edge")
    with pdfplumber.open(io.BytesIO(imposed)) as document:
        front, back = document.pages[0], document.pages[1]
        one = [c for c in front.chars if c["text"] == "1"][0]
        two = [c for c in back.chars if c["text"] == "2"][0]
        assert (one["x0"] < front.width / 2, one["matrix"][0] < 0) == (True, True)
        assert (two["x0"] < back.width / 2, two["matrix"][0] > 0) == (True, True)
    preferences = PdfReader(io.BytesIO(imposed)).trailer["/Root"]["/ViewerPreferences"]
    assert preferences["/Duplex"] == "/DuplexFlipLongEdge"


def test_creep_sets_each_outer_sheet_one_thickness_further_from_the_spine():
    source = booklet(8)
    plain = impose_saddle_stitch(source, sheet_size="A4")
    crept = impose_saddle_stitch(source, sheet_size="A4", creep_mm=1.0)

    def x_of(pdf: bytes, sheet_side: int, text: str) -> float:
        with pdfplumber.open(io.BytesIO(pdf)) as document:
            words = document.pages[sheet_side].extract_words()
            return next(w["x0"] for i, w in enumerate(words) if w["text"] == text.split()[1]
                        and words[i - 1]["text"] == "Page")

    # As PDF::Cropmarks shifts them: the inner sheet (front: page 6 left, page 3 right) stays;
    # the outer one (front: page 8 left, page 1 right) sits 1 mm further out on both halves,
    # so relative to the outer sheet the inner one has moved 1 mm toward the spine.
    shifts = (x_of(crept, 2, "Page 6") - x_of(plain, 2, "Page 6"),
              x_of(crept, 2, "Page 3") - x_of(plain, 2, "Page 3"),
              x_of(crept, 0, "Page 8") - x_of(plain, 0, "Page 8"),
              x_of(crept, 0, "Page 1") - x_of(plain, 0, "Page 1"))
    assert shifts == pytest.approx((0, 0, -1 * MM, 1 * MM), abs=0.05)


def test_pages_too_large_for_the_sheet_are_refused():
    with pytest.raises(BuildError, match="do not fit"):
        impose_saddle_stitch(booklet(4, "A4"), sheet_size="A4")


def test_marks_are_drawn_on_the_sheet():
    imposed = impose_saddle_stitch(booklet(4), sheet_size="A3", marks=True)
    with pdfplumber.open(io.BytesIO(imposed)) as document:
        lines = document.pages[0].lines
    # 8 crop marks at the block corners (A3 leaves room) and 2 fold marks at the spine.
    assert len(lines) == 10
