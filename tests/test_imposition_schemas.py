"""The imposed sheets put every page where PDF::Imposition 0.26 puts it, turned the same way.

The expected sheets come from this file's own transcription of each schema's rules (the
``expected_*`` functions below follow the Perl modules step by step: psbook's loop, the cover
swap, the 16-page quadruples, ...), never from samizdat's implementation. The transcription is
itself checked against PDF::Imposition's documented examples: the POD diagrams of each schema
module and the expectations of its own test suite (t/imposing.t, t/signatures.t and
t/sig-table-39-59.txt), quoted below as fixtures. The imposed PDF is then read back with
pdfplumber: on each sheet side, which page number lies in which cell, turned how far.

Page counts 1-100 are sampled (every count to 20, then a spread); set SAMIZDAT_ALL_PAGE_COUNTS=1
to run all hundred.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from imposition_pages import A5, A6, cells, numbered_pdf, read_sides
from samizdat.imposition import ImpositionError, impose, make_settings
from samizdat.imposition.schemas import SCHEMAS, resolve_signature

FIXTURES = Path(__file__).parent / "fixtures"


# -- PDF::Imposition's rules, transcribed for these tests ------------------------------------

def round_up(number: int, unit: int) -> int:
    return number + ((unit - number % unit) % unit)


def optimize_signature(spec: str, total: int, ppsheet: int) -> int:
    """PDF::Imposition::Schema::_optimize_signature, line by line."""
    if spec.isdigit():
        assert int(spec) % ppsheet == 0
        return int(spec)
    low, high = spec.split("-")
    minimum = round_up(int(low or 0) or ppsheet, ppsheet)
    maximum = round_up(int(high or 0) or total, ppsheet)
    assert maximum > minimum
    rounded = round_up(total, ppsheet)
    if rounded <= minimum:
        return rounded

    def find_signature(number: int) -> int:
        i = maximum
        while i > 0:
            if number % i == 0:
                return i
            i -= ppsheet
        raise AssertionError("no signature")

    signature = find_signature(rounded)
    if rounded > maximum:
        while signature < minimum:
            rounded += ppsheet
            signature = find_signature(rounded)
    return signature


def computed_signature(spec: str | None, total: int, ppsheet: int) -> int:
    """Schema::computed_signature: no signature means the whole book, rounded to ppsheet."""
    return optimize_signature(spec, total, ppsheet) if spec else round_up(total, ppsheet)


def booklet_sequence(total: int, spec: str | None, cover: bool, ppsheet: int = 4):
    """Schema2up::page_sequence_for_booklet (psbook's algorithm), with the cover swap: the
    last page trades places with the first blank met in sheet order. Pages count from 1."""
    signature = computed_signature(spec, total, ppsheet)
    maxpage = round_up(total, signature)
    pages: list[int | None] = []
    for current in range(maxpage):
        actual = current - current % signature
        if current % 4 in (0, 3):
            actual += signature - 1 - (current % signature) // 2
        else:
            actual += (current % signature) // 2
        pages.append(actual + 1 if actual < total else None)
    if cover:
        last = max(i for i, p in enumerate(pages) if p == total)
        blanks = [i for i, p in enumerate(pages) if p is None]
        if blanks:
            pages[blanks[0]], pages[last] = pages[last], None
    return [(pages[i], pages[i + 1]) for i in range(0, len(pages), 2)]


Side = set  # of (page number, column, row, turn); row 0 is the top


def side(*placed) -> Side:
    return {p for p in placed if p[0] is not None}


def expected_2up(total, spec, cover):
    return [side((l, 0, 0, 0), (r, 1, 0, 0)) for l, r in booklet_sequence(total, spec, cover)]


def expected_duplex2up(total, spec, cover):
    # Schemaduplex2up: on odd-numbered output pages the sheet is turned 180 degrees before the
    # pair is drawn, so the left page lands on the right and both are upside down.
    sides = []
    for count, (l, r) in enumerate(booklet_sequence(total, spec, cover), 1):
        sides.append(side((l, 1, 0, 2), (r, 0, 0, 2)) if count % 2 else
                     side((l, 0, 0, 0), (r, 1, 0, 0)))
    return sides


def expected_2down(total, spec, cover):
    # Schema2down: translate by the page height and rotate 90 (counter-clockwise).
    return [side((l, 0, 0, 1), (r, 1, 0, 1)) for l, r in booklet_sequence(total, spec, cover)]


def expected_4up(total, spec, cover):
    # Schema4up: the 2up sequence (pages_per_sheet 8) split into an upper and a lower half;
    # ($one, $two) at the top left and right, ($three, $four) at the bottom.
    sequence = booklet_sequence(total, spec, cover, ppsheet=8)
    half = len(sequence) // 2
    return [side((one, 0, 0, 0), (two, 1, 0, 0), (three, 0, 1, 0), (four, 1, 1, 0))
            for (one, two), (three, four) in zip(sequence[:half], sequence[half:])]


def normalised(total: int, cover: bool, signature: int) -> list[int | None]:
    """The page sequence PDF::Imposition's crop-mark pass hands a schema when cover is set
    (PDF::Cropmarks ``cover``, as Schema1x1 does it): padded to the signature, last page last."""
    pages: list[int | None] = list(range(1, total + 1))
    if not cover:
        return pages
    needed = round_up(total, signature) - total
    if needed:
        last = pages.pop()
        pages += [None] * needed + [last]
    return pages


def chunks(pages, size):
    for start in range(0, len(pages), size):
        chunk = pages[start:start + size]
        yield chunk + [None] * (size - len(chunk))


def expected_2side(total, spec, cover):
    return [side((a, 0, 0, 0), (b, 1, 0, 0)) for a, b in chunks(normalised(total, cover, 4), 2)]


def quadruple(a, b, c, d) -> Side:
    # Schema2x4x2::_compose_quadruple: a and b along the bottom; then the sheet is turned 180
    # degrees and c, d drawn at its (new) bottom left and right: top right and top left.
    return side((a, 0, 1, 0), (b, 1, 1, 0), (c, 1, 0, 2), (d, 0, 0, 2))


def expected_2x4x2(total, spec, cover):
    sides = []
    for p in chunks(normalised(total, cover, 16), 16):
        p = [None] + p  # p[1] .. p[16] as in the module
        sides += [quadruple(p[16], p[1], p[8], p[9]), quadruple(p[2], p[15], p[10], p[7]),
                  quadruple(p[14], p[3], p[6], p[11]), quadruple(p[4], p[13], p[12], p[5])]
    return sides


def expected_1x4x2cutfoldbind(total, spec, cover):
    pages: list[int | None] = list(range(1, total + 1))
    if cover and total % 4:  # the module's own cover: blanks before the last page, to 4
        last = pages.pop()
        pages += [None] * (4 - total % 4) + [last]
    sides = []
    for p in chunks(pages, 8):
        p = [None] + p

        def compose(a, b, c, d):  # bottom left, bottom right, top right, top left
            return side((a, 0, 1, 0), (b, 1, 1, 0), (c, 1, 0, 0), (d, 0, 0, 0))

        sides += [compose(p[8], p[5], p[1], p[4]), compose(p[6], p[7], p[3], p[2])]
    return sides


EXPECTED = {
    "2up": expected_2up, "duplex2up": expected_duplex2up, "2down": expected_2down,
    "4up": expected_4up, "2side": expected_2side, "2x4x2": expected_2x4x2,
    "1x4x2cutfoldbind": expected_1x4x2cutfoldbind,
}
GRID = {"2up": (2, 1), "duplex2up": (2, 1), "2down": (2, 1), "4up": (2, 2), "2side": (2, 1),
        "2x4x2": (2, 2), "1x4x2cutfoldbind": (2, 2)}


# -- PDF::Imposition's documented examples, as fixtures --------------------------------------

def rows(*grid_rows) -> Side:
    """A POD diagram: rows top to bottom of cells left to right; "r9" is page 9 upside down,
    "q4" page 4 a quarter turn counter-clockwise, None a blank."""
    placed = set()
    for row, cells_ in enumerate(grid_rows):
        for column, cell in enumerate(cells_):
            if cell is None:
                continue
            turn = {"r": 2, "q": 1}.get(str(cell)[0], 0)
            placed.add((int(str(cell).lstrip("rq")), column, row, turn))
    return placed


POD_DIAGRAMS = [
    # (schema, pages, cover, signature, sides) from each module's SCHEMA EXPLANATION.
    ("2up", 8, False, "8", [rows([8, 1]), rows([2, 7]), rows([6, 3]), rows([4, 5])]),
    ("duplex2up", 8, False, None,
     [rows(["r1", "r8"]), rows([2, 7]), rows(["r3", "r6"]), rows([4, 5])]),
    ("2down", 4, False, None, [rows(["q4", "q1"]), rows(["q2", "q3"])]),
    ("4up", 8, False, None, [rows([8, 1], [6, 3]), rows([2, 7], [4, 5])]),
    ("2side", 8, False, None, [rows([1, 2]), rows([3, 4]), rows([5, 6]), rows([7, 8])]),
    ("2x4x2", 16, False, None,
     [rows(["r9", "r8"], [16, 1]), rows(["r7", "r10"], [2, 15]),
      rows(["r11", "r6"], [14, 3]), rows(["r5", "r12"], [4, 13])]),
    ("1x4x2cutfoldbind", 8, False, None, [rows([4, 1], [8, 5]), rows([2, 3], [6, 7])]),
]

# t/imposing.t: the page numbers pdftotext finds on each output page, top row first, left to
# right. Where its own comments call the extraction order an artefact (2down, the rotated
# fronts of duplex2up, one 1x4x2cutfoldbind case) only the set of pages on the side is used.
IMPOSING_T = [
    ("2up", 4, False, None, [[4, 1], [2, 3]]),
    ("2up", 20, False, None, [[20, 1], [2, 19], [18, 3], [4, 17], [16, 5], [6, 15], [14, 7],
                              [8, 13], [12, 9], [10, 11]]),
    ("2up", 16, False, "4", [[4, 1], [2, 3], [8, 5], [6, 7], [12, 9], [10, 11], [16, 13],
                             [14, 15]]),
    ("2up", 19, False, None, [[1], [2, 19], [18, 3], [4, 17], [16, 5], [6, 15], [14, 7],
                              [8, 13], [12, 9], [10, 11]]),
    ("2up", 19, True, None, [[19, 1], [2], [18, 3], [4, 17], [16, 5], [6, 15], [14, 7],
                             [8, 13], [12, 9], [10, 11]]),
    ("2up", 18, False, None, [[1], [2], [18, 3], [4, 17], [16, 5], [6, 15], [14, 7], [8, 13],
                              [12, 9], [10, 11]]),
    ("2up", 18, True, None, [[18, 1], [2], [3], [4, 17], [16, 5], [6, 15], [14, 7], [8, 13],
                             [12, 9], [10, 11]]),
    ("2up", 17, False, None, [[1], [2], [3], [4, 17], [16, 5], [6, 15], [14, 7], [8, 13],
                              [12, 9], [10, 11]]),
    ("2up", 17, True, None, [[17, 1], [2], [3], [4], [16, 5], [6, 15], [14, 7], [8, 13],
                             [12, 9], [10, 11]]),
    ("2down", 17, False, None, [{1}, {2}, {3}, {17, 4}, {5, 16}, {15, 6}, {7, 14}, {13, 8},
                                {9, 12}, {11, 10}]),
    ("2down", 17, True, None, [{1, 17}, {2}, {3}, {4}, {5, 16}, {15, 6}, {7, 14}, {13, 8},
                               {9, 12}, {11, 10}]),
    ("2x4x2", 32, False, None, [[9, 8, 16, 1], [7, 10, 2, 15], [11, 6, 14, 3], [5, 12, 4, 13],
                                [25, 24, 32, 17], [23, 26, 18, 31], [27, 22, 30, 19],
                                [21, 28, 20, 29]]),
    ("2side", 7, False, None, [[1, 2], [3, 4], [5, 6], [7]]),
    ("1x4x2cutfoldbind", 8, False, None, [[4, 1, 8, 5], [2, 3, 6, 7]]),
    ("1x4x2cutfoldbind", 20, False, None, [[4, 1, 8, 5], [2, 3, 6, 7], [12, 9, 16, 13],
                                           [10, 11, 14, 15], [20, 17], [18, 19]]),
    ("1x4x2cutfoldbind", 20, True, None, [[4, 1, 8, 5], [2, 3, 6, 7], [12, 9, 16, 13],
                                          [10, 11, 14, 15], [20, 17], [18, 19]]),
    ("1x4x2cutfoldbind", 3, True, None, [[3, 1], [2]]),
    ("1x4x2cutfoldbind", 6, True, None, [[4, 1, 6, 5], [2, 3]]),
    ("1x4x2cutfoldbind", 7, True, None, [[4, 1, 7, 5], {2, 6, 3}]),
    ("4up", 48, False, None, [[48, 1, 36, 13], [2, 47, 14, 35], [46, 3, 34, 15],
                              [4, 45, 16, 33], [44, 5, 32, 17], [6, 43, 18, 31],
                              [42, 7, 30, 19], [8, 41, 20, 29], [40, 9, 28, 21],
                              [10, 39, 22, 27], [38, 11, 26, 23], [12, 37, 24, 25]]),
    ("4up", 8, False, None, [[8, 1, 6, 3], [2, 7, 4, 5]]),
    ("4up", 3, True, "8", [[3, 1], [2]]),
    ("4up", 3, True, None, [[3, 1], [2]]),
    ("duplex2up", 8, False, None, [{8, 1}, [2, 7], {6, 3}, [4, 5]]),
]


def reading_order(sides: list[Side]) -> list:
    """Sides as pdftotext lists them: upright rows top to bottom, cells left to right."""
    return [[page for page, column, row, turn in sorted(s, key=lambda p: (p[2], p[1]))]
            for s in sides]


@pytest.mark.parametrize("schema, pages, cover, signature, diagram", POD_DIAGRAMS,
                         ids=[f"{c[0]}-{c[1]}" for c in POD_DIAGRAMS])
def test_transcription_draws_the_pod_diagrams(schema, pages, cover, signature, diagram):
    assert EXPECTED[schema](pages, signature, cover) == diagram


@pytest.mark.parametrize("schema, pages, cover, signature, extracted", IMPOSING_T,
                         ids=[f"{c[0]}-{c[1]}-{'cover' if c[2] else 'plain'}" for c in IMPOSING_T])
def test_transcription_meets_pdf_imposition_own_tests(schema, pages, cover, signature, extracted):
    sides = EXPECTED[schema](pages, signature, cover)
    assert len(sides) == len(extracted)
    for got, want in zip(reading_order(sides), extracted):
        assert (set(got) == want) if isinstance(want, set) else (got == want)


def sig_table() -> list[tuple[int, int, int, int]]:
    lines = (FIXTURES / "pdf_imposition_sig_table_39_59.txt").read_text().splitlines()
    return [tuple(map(int, line.split())) for line in lines if not line.startswith("#")]


def test_transcription_and_samizdat_choose_signatures_as_the_sig_table_says():
    for pages, padded, signature, blanks in sig_table():
        assert optimize_signature("39-59", pages, 4) == signature
        assert round_up(pages, signature) - pages == blanks and round_up(pages, signature) == padded
        assert resolve_signature(SCHEMAS["2up"], (39, 59), pages) == signature


def test_signature_ranges_follow_the_pod_and_signatures_t():
    # Schema2up POD: "a signature of 60 pages, and your PDF happens to have 61 pages ... like
    # 20-60 ... the best one, which in this particular case happens to be 32".
    assert optimize_signature("20-60", 61, 4) == 32
    assert resolve_signature(SCHEMAS["2up"], (20, 60), 61) == 32
    # t/signatures.t: with 50-100, up to 50 pages are one signature, rounded up to four.
    for pages in range(1, 51):
        assert optimize_signature("50-100", pages, 4) == round_up(pages, 4)
        assert resolve_signature(SCHEMAS["2up"], (50, 100), pages) == round_up(pages, 4)


# -- The imposed PDFs -------------------------------------------------------------------------

if os.environ.get("SAMIZDAT_ALL_PAGE_COUNTS"):
    PAGE_COUNTS = list(range(1, 101))
else:
    # Every count to 20 (each padding and cover case of the small signatures), then counts
    # around the multiples of 8 and 16 and the ranges' ends, and the hundredth.
    PAGE_COUNTS = list(range(1, 21)) + [23, 31, 33, 41, 48, 49, 61, 65, 79, 81, 97, 100]

SIGNATURES = {  # fixed and ranged, for the schemas that take them; None: one signature
    "2up": [None, "4", "16", "40-80", "8-20", "-24"],
    "duplex2up": [None, "12", "8-20"],
    "2down": [None, "8", "16-40"],
    "4up": [None, "8", "16", "16-32", "40-80"],
    "2side": [None],
    "2x4x2": [None, "16"],
    "1x4x2cutfoldbind": [None, "8"],
}
CASES = [(schema, signature, cover) for schema, signatures in SIGNATURES.items()
         for signature, cover in itertools.product(signatures, (False, True))]


def source(pages: int, schema: str) -> bytes:
    return numbered_pdf(pages, A6 if GRID[schema][1] == 2 or schema == "2down" else A5)


@pytest.mark.parametrize("schema, signature, cover", CASES,
                         ids=[f"{s}-sig{g}-{'cover' if c else 'plain'}" for s, g, c in CASES])
def test_imposed_sheets_match_pdf_imposition(schema, signature, cover):
    columns, rows_ = GRID[schema]
    for pages in PAGE_COUNTS:
        if signature and "-" in signature and not _range_usable(signature, pages, schema):
            continue
        settings = make_settings(schema=schema, signature=signature, cover=cover)
        sides = cells(read_sides(impose(source(pages, schema), settings), columns, rows_))
        assert sides == EXPECTED[schema](pages, signature, cover), f"{pages} pages"


def _range_usable(spec: str, pages: int, schema: str) -> bool:
    """PDF::Imposition dies on a range whose (defaulted) end is not above its start."""
    try:
        optimize_signature(spec, pages, SCHEMAS[schema].pages_per_sheet)
    except AssertionError:
        return False
    return True


@pytest.mark.parametrize("schema, pages, cover, signature, diagram", POD_DIAGRAMS,
                         ids=[f"{c[0]}-{c[1]}" for c in POD_DIAGRAMS])
def test_imposed_sheets_draw_the_pod_diagrams(schema, pages, cover, signature, diagram):
    settings = make_settings(schema=schema, signature=signature, cover=cover)
    assert cells(read_sides(impose(source(pages, schema), settings), *GRID[schema])) == diagram


def test_a_range_with_no_room_is_refused_as_pdf_imposition_does():
    # "8-" on 3 pages: the end defaults to the page count, 4, which is not above the start,
    # 8; Schema::_optimize_signature dies with "Bad range".
    with pytest.raises(ImpositionError, match="no signature size"):
        impose(numbered_pdf(3), make_settings(schema="2up", signature="8-"))


OPTIONAL_DIAGRAMS = [
    # The optional schemas, against their POD diagrams and t/imposing.t.
    ("ea4x4", (2, 2), 16, [rows(["r13", "r4"], [16, 1]), rows(["r3", "r14"], [2, 15]),
                           rows(["r9", "r8"], [12, 5]), rows(["r7", "r10"], [6, 11])]),
    ("1x8x2", (4, 2), 16, [rows(["r5", "r12", "r9", "r8"], [4, 13, 16, 1]),
                           rows(["r7", "r10", "r11", "r6"], [2, 15, 14, 3])]),
    ("1repeat2side", (2, 1), 3, [rows([n, n]) for n in (1, 2, 3)]),
    ("1repeat2top", (1, 2), 3, [rows([n], [n]) for n in (1, 2, 3)]),
    ("1repeat4", (2, 2), 3, [rows([n, n], [n, n]) for n in (1, 2, 3)]),
]


@pytest.mark.parametrize("schema, grid, pages, diagram", OPTIONAL_DIAGRAMS,
                         ids=[c[0] for c in OPTIONAL_DIAGRAMS])
def test_optional_schemas_draw_their_pod_diagrams(schema, grid, pages, diagram):
    imposed = impose(numbered_pdf(pages, A6), make_settings(schema=schema))
    assert cells(read_sides(imposed, *grid)) == diagram


def test_ea4x4_blank_fills_a_short_last_block():
    # t/imposing.t "ea4x4-odd": 17 pages give a second block of four sides, page 17 alone
    # (bottom right of its first side, where page 1 of a block goes).
    sides = cells(read_sides(impose(numbered_pdf(17, A6), make_settings(schema="ea4x4")), 2, 2))
    assert len(sides) == 8 and sides[4] == {(17, 1, 1, 0)} and sides[5:] == [set()] * 3


@pytest.mark.parametrize("schema, signature", [
    ("2up", "6"), ("4up", "12"), ("2x4x2", "8"), ("1x4x2cutfoldbind", "16"), ("2side", "4"),
    ("2up", "40-40"), ("2up", "eight"),
])
def test_signatures_a_schema_cannot_use_are_refused(schema, signature):
    with pytest.raises(ImpositionError):
        make_settings(schema=schema, signature=signature)


@pytest.mark.parametrize("schema", ["1repeat2side", "1repeat2top", "1repeat4"])
def test_repeating_schemas_take_no_cover(schema):
    with pytest.raises(ImpositionError, match="no cover"):
        make_settings(schema=schema, cover=True)
