"""Where each page goes: the imposition schemas of PDF::Imposition 0.26, as data.

PDF::Imposition (Marco Pessotto; Amusewiki's imposer, which makes The Anarchist Library's
"A4 imposed" and "Letter imposed" PDFs) defines each layout in a module
``PDF::Imposition::Schema<name>``. This module re-implements those layouts from their
documentation and behaviour, one small function per schema, with the module each rule follows
named beside it. Nothing here touches a PDF: given a page count, a signature and the cover
option, a schema returns the sheet sides in print order, each a tuple of placements (which
source page, in which cell of the sheet's grid, turned how far).

Two conventions run through the whole file:

- Pages are counted from 1 in the *reading sequence*: the book's pages in order, padded with
  blanks to a whole signature. With ``cover`` the last page moves to the end of the padding,
  so it stays the outside back cover (PDF::Imposition's ``cover`` option). A placement's
  ``position`` is its place in that sequence; its ``page`` is the 0-based index of the source
  page, or None for a blank.
- Cells are numbered from the top-left of the sheet side as it is printed (column 0 = left,
  row 0 = top), and ``turn`` counts quarter turns counter-clockwise (2 = upside down).

How a page sits inside its cell when the paper is larger than the pages (against the fold or
centred), and how far the paper thickness pushes it, follows PDF::Imposition's crop-mark pass
(PDF::Cropmarks with each schema's ``cropmarks_options``); those rules are here too, as data,
so that the sheet writer only does geometry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal

from samizdat.imposition.errors import ImpositionError


@dataclass(frozen=True)
class Placement:
    page: int | None  # 0-based source page; None is a blank
    position: int  # 1-based place in the padded reading sequence
    column: int  # 0 = left
    row: int  # 0 = top
    turn: int = 0  # quarter turns counter-clockwise

    @property
    def is_recto(self) -> bool:
        """Odd places are rectos: PDF::Cropmarks aligns and shifts pages by this parity."""
        return self.position % 2 == 1


SheetSide = tuple[Placement, ...]

#: A signature as asked for: None (the whole book is one), a page count, or a range whose
#: ends may be open ("40-80", "-60", "40-").
SignatureSpec = int | tuple[int | None, int | None] | None


@dataclass(frozen=True)
class Imposition:
    """A schema applied to a page count: the sheet sides in print order."""

    schema: "Schema"
    page_count: int
    signature: int  # pages per signature as resolved (the fold unit that creep is counted in)
    sides: tuple[SheetSide, ...]

    def creep_steps(self, placement: Placement) -> int:
        """How many paper thicknesses ``placement`` is pushed along its own x axis (+ = right).

        PDF::Cropmarks (``thickness_page_offsets``, used when ``twoside`` and a signature are
        set): in a signature of S nested sheets, a page on sheet k (1 = outermost) moves
        outward by S - k thicknesses, so the innermost sheet stays where it is and each sheet
        around it sits one thickness further out, as the folded paper does. Rectos move right,
        versos left (away from the fold in every schema that sets ``inner`` to false).
        """
        if not self.schema.creep or self.signature < 8:
            return 0
        sheets = self.signature // 4
        place = (placement.position - 1) % self.signature + 1
        sheet = min((place + 1) // 2, (self.signature - place + 2) // 2)
        steps = sheets - sheet
        return steps if placement.is_recto else -steps


@dataclass(frozen=True)
class Schema:
    name: str
    module: str  # the PDF::Imposition module this schema re-implements
    summary: str
    columns: int
    rows: int
    # Quarter turns of every cell: 1 when the pages lie on their side (2down), so a cell is the
    # page's height wide.
    cell_turn: int
    # PDF::Imposition's pages_per_sheet: signatures and their ranges are multiples of it.
    pages_per_sheet: int
    # "free": any multiple of pages_per_sheet, or a range; an int: the schema folds fixed
    # signatures of that many pages; None: the schema has no signatures.
    signatures: Literal["free"] | int | None
    # How the cover option works here: "schema" when the schema module takes it; "crop-marks"
    # when only PDF::Imposition's crop-mark pass gives it effect (it pads to the pass's
    # signature and moves the last page to the end); None when it has no meaning.
    cover: Literal["schema", "crop-marks"] | None
    # PDF::Cropmarks' placement of the page in a larger cell (cropmarks_options): "inner" when
    # ``inner`` is false (no margin on the fold side: left of rectos, right of versos),
    # "outer" when ``outer`` is false, None when centred.
    edge: Literal["inner", "outer"] | None
    # Whether paper thickness shifts pages (cropmarks_options: twoside and a signature).
    creep: bool
    # The axis a duplex printer turns the sheet about so that each page backs the right one:
    # "vertical" (the back's left lies behind the front's right) or "horizontal".
    flip_axis: Literal["vertical", "horizontal"]
    # Fold lines, for the fold marks: ("v" or "h", fraction of the sheet's width or height).
    folds: tuple[tuple[str, float], ...]
    arrange: Callable[[int, int, bool], list[SheetSide]]  # (page count, signature, cover)

    def impose(self, page_count: int, signature: SignatureSpec = None,
               cover: bool = False) -> Imposition:
        """The sheet sides for ``page_count`` pages; errors are one-line ImpositionErrors."""
        if page_count < 1:
            raise ImpositionError("there are no pages to impose")
        check_signature(self, signature)
        if cover and self.cover is None:
            raise ImpositionError(
                f"schema {self.name} has no cover option",
                hint="leave out --cover / 'cover:'")
        resolved = resolve_signature(self, signature, page_count)
        return Imposition(self, page_count, resolved,
                          tuple(self.arrange(page_count, resolved, cover)))


# -- Signatures -------------------------------------------------------------------------------

def _round_up(number: int, unit: int) -> int:
    return -(-number // unit) * unit


def check_signature(schema: Schema, signature: SignatureSpec) -> None:
    """Refuse a signature the schema cannot use, before any page is read."""
    if signature is None:
        return
    unit = schema.pages_per_sheet
    if schema.signatures is None:
        raise ImpositionError(
            f"schema {schema.name} has no signatures", hint="leave out --signature / 'signature:'")
    if isinstance(schema.signatures, int):
        if signature != schema.signatures:
            raise ImpositionError(
                f"schema {schema.name} folds fixed signatures of {schema.signatures} pages",
                hint=f"leave out the signature or give {schema.signatures}")
        return
    if isinstance(signature, int):
        # Schema::_optimize_signature: "Signature must be a multiple of <pages_per_sheet>".
        if signature < unit or signature % unit:
            raise ImpositionError(
                f"schema {schema.name} needs a signature that is a multiple of {unit} pages,"
                f" not {signature}", hint=f"give e.g. {unit * 4} or a range such as 40-80")
        return
    low, high = signature
    if low is not None and high is not None and _round_up(high, unit) <= _round_up(low or unit, unit):
        raise ImpositionError(
            f"signature range {low}-{high} is empty once rounded to multiples of {unit}",
            hint="give a range whose end is above its start, such as 40-80")


def resolve_signature(schema: Schema, signature: SignatureSpec, page_count: int) -> int:
    """Pages per signature, as PDF::Imposition::Schema's ``computed_signature`` decides it.

    No signature: the whole book, padded to a multiple of pages_per_sheet, is one signature.
    A range (``_optimize_signature``): both ends are rounded up to multiples of
    pages_per_sheet (the start defaults to pages_per_sheet, the end to the page count); a book
    no longer than the start is one signature; otherwise the signature is the largest multiple
    of pages_per_sheet, at most the end, that divides the padded page count, and while that is
    below the start the padded count grows by pages_per_sheet and the search runs again.
    """
    unit = schema.pages_per_sheet
    if isinstance(schema.signatures, int):
        return schema.signatures
    if schema.signatures is None:
        return 0
    rounded = _round_up(page_count, unit)
    if signature is None:
        return rounded
    if isinstance(signature, int):
        return signature
    low = _round_up(signature[0] or unit, unit)
    high = _round_up(signature[1] or page_count, unit)
    if high <= low:
        raise ImpositionError(
            f"signature range {signature[0] or ''}-{signature[1] or ''} leaves no signature size"
            f" for {page_count} pages in multiples of {unit}",
            hint="give both ends, such as 40-80")
    if rounded <= low:
        return rounded

    def largest_divisor(total: int) -> int:
        return next(size for size in range(high, 0, -unit) if total % size == 0)

    chosen = largest_divisor(rounded)
    while rounded > high and chosen < low:
        rounded += unit
        chosen = largest_divisor(rounded)
    return chosen


def reading_sequence(page_count: int, length: int, cover: bool) -> list[int | None]:
    """Source pages (0-based) at reading places 1..length; blanks pad the end.

    ``cover`` moves the last page to the last place, after the blanks: Schema2up's swap of the
    last page with the first blank in sheet order, Schema1x4x2cutfoldbind's padding before the
    last page, and PDF::Cropmarks' ``cover`` all come to this.
    """
    sequence: list[int | None] = list(range(page_count)) + [None] * (length - page_count)
    if cover and length > page_count:
        sequence[page_count - 1] = None
        sequence[-1] = page_count - 1
    return sequence


def _place(sequence: list[int | None], position: int, column: int, row: int,
           turn: int = 0) -> Placement:
    page = sequence[position - 1] if position <= len(sequence) else None
    return Placement(page, position, column, row, turn)


# -- Saddle-stitched schemas: 2up, duplex2up, 2down, 4up --------------------------------------

def saddle_stitch_pairs(padded: int, signature: int) -> list[tuple[int, int]]:
    """(left, right) reading places on each side of a saddle-stitched 2-up sheet, print order.

    Schema2up's ``page_sequence_for_booklet`` (psbook's algorithm): signatures follow one
    another; in each, sheet i (0 = outermost) carries on its front the signature's last page
    but 2i on the left and its first page plus 2i on the right, and on its back the next page
    on the left and the one before the front's left page on the right. With 8 pages:
    (8, 1), (2, 7), (6, 3), (4, 5), as in Schema2up's documentation.
    """
    pairs = []
    for start in range(0, padded, signature):
        for sheet in range(signature // 4):
            first, last = start + 2 * sheet + 1, start + signature - 2 * sheet
            pairs += [(last, first), (first + 1, last - 1)]
    return pairs


def _saddle_sequence(page_count: int, signature: int, cover: bool):
    padded = _round_up(page_count, signature)
    return reading_sequence(page_count, padded, cover), saddle_stitch_pairs(padded, signature)


def arrange_2up(page_count: int, signature: int, cover: bool) -> list[SheetSide]:
    """Schema2up: two pages a side, left and right of the fold, as the pairs say."""
    sequence, pairs = _saddle_sequence(page_count, signature, cover)
    return [(_place(sequence, left, 0, 0), _place(sequence, right, 1, 0)) for left, right in pairs]


def arrange_duplex2up(page_count: int, signature: int, cover: bool) -> list[SheetSide]:
    """Schemaduplex2up: 2up with every front (the 1st, 3rd, ... side) turned upside down, so a
    printer that flips on the long edge backs each page with the right one: the front's left
    page lands on the right, upside down ("1R | 8R" over "2 | 7")."""
    sequence, pairs = _saddle_sequence(page_count, signature, cover)
    sides = []
    for index, (left, right) in enumerate(pairs):
        if index % 2 == 0:
            sides.append((_place(sequence, right, 0, 0, 2), _place(sequence, left, 1, 0, 2)))
        else:
            sides.append((_place(sequence, left, 0, 0), _place(sequence, right, 1, 0)))
    return sides


def arrange_2down(page_count: int, signature: int, cover: bool) -> list[SheetSide]:
    """Schema2down: the 2up pairs with every page turned a quarter turn counter-clockwise, so
    the fold falls at the pages' heads and the booklet is bound on its top edge."""
    sequence, pairs = _saddle_sequence(page_count, signature, cover)
    return [(_place(sequence, left, 0, 0, 1), _place(sequence, right, 1, 0, 1))
            for left, right in pairs]


def arrange_4up(page_count: int, signature: int, cover: bool) -> list[SheetSide]:
    """Schema4up: the 2up sides of the whole book cut in two runs; side k carries the k-th side
    of the first run on its top half and the k-th of the second run on its bottom half, so
    cutting the printed pile across and laying the bottom halves after the top halves gives
    the 2up booklet. Signatures are multiples of 8 (pages_per_sheet 8)."""
    sequence, pairs = _saddle_sequence(page_count, signature, cover)
    half = len(pairs) // 2
    return [
        (_place(sequence, top[0], 0, 0), _place(sequence, top[1], 1, 0),
         _place(sequence, bottom[0], 0, 1), _place(sequence, bottom[1], 1, 1))
        for top, bottom in zip(pairs[:half], pairs[half:])
    ]


# -- Fixed-block schemas ----------------------------------------------------------------------

def _blocks(page_count: int, block: int, cover: bool, cover_unit: int) -> list[int | None]:
    """The reading sequence cut into whole blocks: padded to ``cover_unit`` with the last page
    at the end when ``cover`` is set, and to whole blocks with trailing blanks in any case
    (the schemas splice pages ``block`` at a time, so a short last block is blank-filled)."""
    length = _round_up(page_count, cover_unit) if cover else page_count
    return reading_sequence(page_count, length, cover) + [None] * (
        _round_up(length, block) - length)


def arrange_2side(page_count: int, signature: int, cover: bool) -> list[SheetSide]:
    """Schema2side (like ``psnup -2``): consecutive pages side by side, 1|2, 3|4, ...; no
    padding. Cover, which only the crop-mark pass honours (signature 4), pads to a multiple of
    four with the last page last."""
    sequence = _blocks(page_count, 2, cover, 4)
    return [(_place(sequence, p, 0, 0), _place(sequence, p + 1, 1, 0))
            for p in range(1, len(sequence) + 1, 2)]


# Reading places (within a block of 16) in the four cells of a 2x4x2 / ea4x4 side:
# bottom-left, bottom-right, then top-right and top-left upside down (``_compose_quadruple``
# draws the last two after turning the sheet 180 degrees, so the third lands top-right).
_QUADRUPLE_CELLS = ((0, 1, 0), (1, 1, 0), (1, 0, 2), (0, 0, 2))  # (column, row, turn)


def _quadruples(sequence: list[int | None], block: int,
                order: tuple[tuple[int, int, int, int], ...]) -> list[SheetSide]:
    sides = []
    for start in range(0, len(sequence), block):
        for places in order:
            sides.append(tuple(_place(sequence, start + p, *cell)
                               for p, cell in zip(places, _QUADRUPLE_CELLS)))
    return sides


def arrange_2x4x2(page_count: int, signature: int, cover: bool) -> list[SheetSide]:
    """Schema2x4x2: 16 pages on two sheets, four a side, the top row upside down:
    r9 r8 / 16 1, then r7 r10 / 2 15; r11 r6 / 14 3, then r5 r12 / 4 13. Every block of 16 is
    laid out whole, blank-filled. Cover is honoured by the crop-mark pass (signature 16)."""
    order = ((16, 1, 8, 9), (2, 15, 10, 7), (14, 3, 6, 11), (4, 13, 12, 5))
    return _quadruples(_blocks(page_count, 16, cover, 16), 16, order)


def arrange_ea4x4(page_count: int, signature: int, cover: bool) -> list[SheetSide]:
    """Schemaea4x4: like 2x4x2 but each sheet is folded on its own and the second inserted in
    the first: r13 r4 / 16 1, r3 r14 / 2 15; r9 r8 / 12 5, r7 r10 / 6 11."""
    order = ((16, 1, 4, 13), (2, 15, 14, 3), (12, 5, 8, 9), (6, 11, 10, 7))
    return _quadruples(_blocks(page_count, 16, cover, 16), 16, order)


def arrange_1x4x2cutfoldbind(page_count: int, signature: int, cover: bool) -> list[SheetSide]:
    """Schema1x4x2cutfoldbind: 8 pages on one sheet, 4 | 1 over 8 | 5, backed by 2 | 3 over
    6 | 7; cut across, fold each half, stack, glue. Its own cover option pads to a multiple of
    four (not eight) with the last page last."""
    sequence = _blocks(page_count, 8, cover, 4)
    cells = {  # reading place in the block of 8 -> (column, row), front then back
        "front": ((8, 0, 1), (5, 1, 1), (1, 1, 0), (4, 0, 0)),
        "back": ((6, 0, 1), (7, 1, 1), (3, 1, 0), (2, 0, 0)),
    }
    sides = []
    for start in range(0, len(sequence), 8):
        for face in ("front", "back"):
            sides.append(tuple(_place(sequence, start + p, column, row)
                               for p, column, row in cells[face]))
    return sides


def arrange_1x8x2(page_count: int, signature: int, cover: bool) -> list[SheetSide]:
    """Schema1x8x2: 16 pages on one sheet, eight a side in four columns, the top row upside
    down: r5 r12 r9 r8 / 4 13 16 1, backed by r7 r10 r11 r6 / 2 15 14 3."""
    order = ((4, 13, 16, 1, 8, 9, 12, 5), (2, 15, 14, 3, 6, 11, 10, 7))
    # ``_compose_eight``: the first four left to right along the bottom; the last four drawn
    # after turning the sheet 180 degrees, so they run right to left along the top.
    cells = [(c, 1, 0) for c in range(4)] + [(3 - c, 0, 2) for c in range(4)]
    sequence = _blocks(page_count, 16, cover, 16)
    sides = []
    for start in range(0, len(sequence), 16):
        for places in order:
            sides.append(tuple(_place(sequence, start + p, *cell)
                               for p, cell in zip(places, cells)))
    return sides


def _repeat(cells: tuple[tuple[int, int], ...]):
    def arrange(page_count: int, signature: int, cover: bool) -> list[SheetSide]:
        return [tuple(Placement(page, page + 1, column, row) for column, row in cells)
                for page in range(page_count)]
    return arrange


# Schema1repeat2side / 1repeat2top / 1repeat4: each page alone on its sheet side, repeated in
# every cell, for leaflets and flyers cut apart after printing.
arrange_1repeat2side = _repeat(((0, 0), (1, 0)))
arrange_1repeat2top = _repeat(((0, 1), (0, 0)))
arrange_1repeat4 = _repeat(((0, 1), (1, 1), (1, 0), (0, 0)))


# -- The table --------------------------------------------------------------------------------

_VERTICAL_FOLD = (("v", 0.5),)

SCHEMAS: dict[str, Schema] = {s.name: s for s in (
    Schema("2up", "PDF::Imposition::Schema2up",
           "saddle-stitched booklet, two pages a side", 2, 1, 0, 4, "free", "schema",
           "inner", True, "vertical", _VERTICAL_FOLD, arrange_2up),
    Schema("duplex2up", "PDF::Imposition::Schemaduplex2up",
           "2up for printers that flip on the long edge: the fronts upside down",
           2, 1, 0, 4, "free", "schema", "inner", True, "horizontal", _VERTICAL_FOLD,
           arrange_duplex2up),
    Schema("2down", "PDF::Imposition::Schema2down",
           "2up with the pages on their side: a booklet bound on its top edge",
           # cropmarks_options: twoside false, everything centred, so no creep.
           2, 1, 1, 4, "free", "schema", None, False, "vertical", _VERTICAL_FOLD,
           arrange_2down),
    Schema("4up", "PDF::Imposition::Schema4up",
           "2up booklet four pages a side, cut across before folding",
           2, 2, 0, 8, "free", "schema", "inner", True, "vertical", _VERTICAL_FOLD,
           arrange_4up),
    Schema("2side", "PDF::Imposition::Schema2side",
           "two consecutive pages side by side, nothing folded (psnup -2)",
           # cropmarks_options: outer false, signature 4 (one sheet: no creep).
           2, 1, 0, 4, None, "crop-marks", "outer", False, "vertical", (), arrange_2side),
    Schema("2x4x2", "PDF::Imposition::Schema2x4x2",
           "16 pages on two sheets, each folded twice, one inside the other's first fold",
           2, 2, 0, 8, 16, "crop-marks", "inner", True, "vertical",
           (("v", 0.5), ("h", 0.5)), arrange_2x4x2),
    Schema("1x4x2cutfoldbind", "PDF::Imposition::Schema1x4x2cutfoldbind",
           "8 pages on one sheet: cut across, fold each half, stack and glue",
           # cropmarks_options: inner false, signature 4 (each folded half: no creep).
           2, 2, 0, 8, 8, "schema", "inner", False, "vertical", _VERTICAL_FOLD,
           arrange_1x4x2cutfoldbind),
    Schema("1repeat2side", "PDF::Imposition::Schema1repeat2side",
           "each page twice side by side: leaflets cut apart", 2, 1, 0, 1, None, None,
           None, False, "vertical", (), arrange_1repeat2side),
    Schema("1repeat2top", "PDF::Imposition::Schema1repeat2top",
           "each page twice, one above the other: leaflets cut apart", 1, 2, 0, 1, None, None,
           None, False, "vertical", (), arrange_1repeat2top),
    Schema("1repeat4", "PDF::Imposition::Schema1repeat4",
           "each page four times: flyers cut apart", 2, 2, 0, 1, None, None, None, False,
           "vertical", (), arrange_1repeat4),
    Schema("ea4x4", "PDF::Imposition::Schemaea4x4",
           "16 pages on two sheets, each folded twice on its own, one inside the other",
           2, 2, 0, 8, 16, "crop-marks", "inner", True, "vertical",
           (("v", 0.5), ("h", 0.5)), arrange_ea4x4),
    Schema("1x8x2", "PDF::Imposition::Schema1x8x2",
           "16 pages on one sheet, eight a side, folded three times",
           4, 2, 0, 16, 16, "crop-marks", "inner", True, "vertical",
           (("v", 0.5), ("h", 0.5), ("v", 0.25), ("v", 0.75)), arrange_1x8x2),
)}


def schema_named(name: str) -> Schema:
    try:
        return SCHEMAS[name]
    except KeyError:
        raise ImpositionError(
            f"unknown imposition schema {name!r}", hint=f"use one of {', '.join(SCHEMAS)}"
        ) from None


def saddle_stitch_halves(page_count: int, signature: int | None = None,
                         cover: bool = True) -> list[tuple[int | None, int | None]]:
    """For a 2up saddle-stitched booklet of ``page_count`` pages: the (left, right) source page
    (0-based, None = blank) on each sheet side, in print order.

    The order the booklet importer undoes; today's booklets are 2up with ``cover``.
    """
    return [(left.page, right.page)
            for left, right in SCHEMAS["2up"].impose(page_count, signature, cover).sides]
