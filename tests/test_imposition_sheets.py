"""The sheets themselves: their size and orientation, where a page sits in its cell, creep,
marks, /Rotate, unscaled pages, the duplex hint. Read back from the PDF with pdfplumber."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from pypdf import PdfReader

from imposition_pages import A4, A5, A6, MM, numbered_pdf, read_sides
from samizdat.imposition import ImpositionError, impose, make_settings


def sheet_sizes(pdf: bytes) -> set[tuple[float, float]]:
    return {(round(float(p.mediabox.width), 1), round(float(p.mediabox.height), 1))
            for p in PdfReader(io.BytesIO(pdf)).pages}


@pytest.mark.parametrize("schema, page, paper, expected", [
    ("2up", A5, "A4", (841.9, 595.3)),  # two across: landscape
    ("4up", A6, "A4", (595.3, 841.9)),  # two by two: portrait
    ("2down", A6, "A4", (841.9, 595.3)),  # pages on their side: landscape
    ("1x4x2cutfoldbind", A6, "A4", (595.3, 841.9)),
    ("2x4x2", A5, "A3", (841.9, 1190.6)),
    ("1x8x2", A6, "A3", (1190.6, 841.9)),
    ("2up", A5, None, (round(2 * A5[0], 1), round(A5[1], 1))),  # no paper: the grid exactly
    ("4up", A6, None, (round(2 * A6[0], 1), round(2 * A6[1], 1))),
])
def test_the_sheet_is_the_paper_turned_to_fit_the_grid(schema, page, paper, expected):
    imposed = impose(numbered_pdf(16, page), make_settings(schema=schema, paper=paper))
    assert sheet_sizes(imposed) == {expected}


def test_pages_are_drawn_unscaled():
    with pdfplumber.open(io.BytesIO(numbered_pdf(1, A6))) as document:
        source_size = document.pages[0].chars[0]["size"]
    imposed = impose(numbered_pdf(8, A6), make_settings(schema="4up", paper="A3"))
    with pdfplumber.open(io.BytesIO(imposed)) as document:
        assert {round(c["size"], 2) for c in document.pages[0].chars} == {round(source_size, 2)}


def centre_offsets(schema: str, page, paper: str, pages: int = 8, **options):
    """{page number: (x, y) of its token's centre relative to its cell's centre} on side 1."""
    settings = make_settings(schema=schema, paper=paper, **options)
    imposed = impose(numbered_pdf(pages, page), settings)
    (width, height), = sheet_sizes(imposed)
    columns, rows = {"2up": (2, 1), "4up": (2, 2), "2down": (2, 1), "2side": (2, 1),
                     "2x4x2": (2, 2), "duplex2up": (2, 1)}[schema]
    cell_w, cell_h = width / columns, height / rows
    return {s.number: (round(s.x - (s.column + 0.5) * cell_w, 1),
                       round(s.y - (rows - s.row - 0.5) * cell_h, 1))
            for s in read_sides(imposed, columns, rows)[0]}


def test_2up_pages_sit_against_the_fold_and_centred_head_to_foot():
    # PDF::Cropmarks with inner false: no margin on the fold side. A5 on A3: each cell is
    # 210 x 297 mm, the page 148 x 210, so the page's centre is 31 mm from the cell's centre,
    # toward the fold (left for the recto on the right half, right for the verso).
    offsets = centre_offsets("2up", A5, "A3")
    room = (210 - 148) / 2 * MM
    assert offsets[1][0] == pytest.approx(-room, abs=1) and offsets[8][0] == pytest.approx(room, abs=1)
    assert abs(offsets[1][1]) < 6 and abs(offsets[8][1]) < 6  # the token sits just below centre


def test_turned_pages_sit_against_the_fold_too():
    # duplex2up's front is turned 180 degrees: page 1 is on the left half, against the fold
    # (its cell's right side); 2x4x2's upside-down top row likewise meets the vertical fold.
    room = (210 - 148) / 2 * MM
    assert centre_offsets("duplex2up", A5, "A3")[1][0] == pytest.approx(room, abs=1)
    offsets = centre_offsets("2x4x2", A6, "A3", pages=16)
    cell_room = (148.5 - 105) / 2 * MM
    assert offsets[9][0] == pytest.approx(cell_room, abs=1)  # top left, upside down: right
    assert offsets[8][0] == pytest.approx(-cell_room, abs=1)  # top right, upside down: left


def test_2down_and_2side_place_pages_as_their_crop_mark_options_say():
    # 2down: everything centred (cropmarks_options all true). 2side: outer false, so the pair
    # meets in the middle of the sheet (page 1 at its cell's right, page 2 at its left).
    # (2down's pages lie on their side, so the page's width runs up the sheet: centred in y;
    # in x only the token's own drop below the page's centre remains.)
    offsets = centre_offsets("2down", A6, "A3", pages=4).values()
    assert all(abs(y) < 1 and abs(x) < 20 for x, y in offsets)
    offsets = centre_offsets("2side", A5, "A3", pages=2)
    room = (210 - 148) / 2 * MM
    assert offsets[1][0] == pytest.approx(room, abs=1) and offsets[2][0] == pytest.approx(-room, abs=1)


def test_paper_thickness_pushes_outer_sheets_out_a_thickness_per_sheet():
    # 12 pages, one signature of three sheets: PDF::Cropmarks leaves the innermost sheet (pages
    # 5-8) where it is and moves sheet 2 (3, 4, 9, 10) out by one thickness, sheet 1 by two.
    def x_of(imposed, page):
        return next(s.x for side in read_sides(imposed, 2, 1) for s in side if s.number == page)

    plain = impose(numbered_pdf(12, A5), make_settings(schema="2up", paper="A3"))
    crept = impose(numbered_pdf(12, A5),
                   make_settings(schema="2up", paper="A3", paper_thickness="0.5mm"))
    shifts = {page: round((x_of(crept, page) - x_of(plain, page)) / (0.5 * MM), 2)
              for page in (1, 12, 3, 10, 5, 8)}
    assert shifts == {1: 2, 12: -2, 3: 1, 10: -1, 5: 0, 8: 0}


def test_no_creep_where_pdf_imposition_has_none():
    # 2down (twoside false) and 1x4x2cutfoldbind (signature 4 for crop marks) never creep.
    for schema, page in (("2down", A6), ("1x4x2cutfoldbind", A6)):
        plain = impose(numbered_pdf(16, page), make_settings(schema=schema, paper="A3"))
        crept = impose(numbered_pdf(16, page),
                       make_settings(schema=schema, paper="A3", paper_thickness="1mm"))
        assert plain == crept


def test_marks_trim_lines_in_the_margins_and_folds_at_the_edges():
    imposed = impose(numbered_pdf(4, A5), make_settings(schema="2up", paper="A3", marks=True))
    with pdfplumber.open(io.BytesIO(imposed)) as document:
        page = document.pages[0]
        lines = [l for l in page.lines if l["width"] < 1 or l["height"] < 1]
        width = float(page.width)
    # 4 trim marks above and below the two outer page edges, 4 beside the head and foot, and
    # the fold mark at both ends of the spine; none on the spine between the pages.
    assert len(lines) == 10
    spine = [l for l in lines if abs(l["x0"] - width / 2) < 0.5 and abs(l["x1"] - width / 2) < 0.5]
    assert len(spine) == 2 and all(l["height"] <= 3 * MM + 0.1 for l in spine)


def test_no_marks_unless_asked():
    imposed = impose(numbered_pdf(4, A5), make_settings(schema="2up", paper="A3"))
    with pdfplumber.open(io.BytesIO(imposed)) as document:
        assert [l for l in document.pages[0].lines if l["width"] < 1 or l["height"] < 1] == []


def test_rotated_source_pages_are_imposed_as_they_are_seen():
    # A scan stored landscape with /Rotate 90 is shown portrait: it is imposed portrait, upright.
    landscape = numbered_pdf(4, (A5[1], A5[0]), rotate=90)
    imposed = impose(landscape, make_settings(schema="2up", paper="A4"))
    assert sheet_sizes(imposed) == {(841.9, 595.3)}
    sides = read_sides(imposed, 2, 1)
    assert [(s.number, s.column, s.turn) for s in sides[0]] == [(1, 1, 3), (4, 0, 3)]


@pytest.mark.parametrize("schema, paper, duplex", [
    ("2up", "A4", "/DuplexFlipShortEdge"), ("duplex2up", "A4", "/DuplexFlipLongEdge"),
    ("4up", "A4", "/DuplexFlipLongEdge"), ("2down", "A3", "/DuplexFlipShortEdge"),
    ("2x4x2", "A4", "/DuplexFlipLongEdge"),
])
def test_the_pdf_asks_the_print_dialog_for_the_right_flip(schema, paper, duplex):
    page = A5 if schema in ("2up", "duplex2up") else A6
    imposed = impose(numbered_pdf(8, page), make_settings(schema=schema, paper=paper))
    preferences = PdfReader(io.BytesIO(imposed)).trailer["/Root"]["/ViewerPreferences"]
    assert (preferences["/Duplex"], preferences["/PrintScaling"]) == (duplex, "/None")


@pytest.mark.parametrize("pdf, message", [
    (b"not a pdf at all", "is not a PDF"),
    (numbered_pdf(3, sizes=[A5, A5, A4]), "mixes page sizes"),
    (numbered_pdf(4, A4), "do not fit"),
])
def test_bad_input_is_one_error(pdf, message):
    with pytest.raises(ImpositionError, match=message) as error:
        impose(pdf, make_settings(schema="2up", paper="A4"), name="in.pdf")
    assert "\n" not in str(error.value)


def test_shared_resources_are_written_once():
    # 200 pages that share one font: the font object appears once in the imposed PDF.
    imposed = impose(numbered_pdf(200, A5), make_settings(schema="2up", paper="A4"))
    assert imposed.count(b"/BaseFont /Helvetica") == 1
