"""Saddle-stitch imposition, the interface the rest of samizdat has imported since before
``samizdat.imposition``: kept so those imports work, each function now delegating to the
imposition package (schema 2up with ``cover``, which is what these booklets always were).

New code should use ``samizdat.imposition`` directly.
"""

from __future__ import annotations

from samizdat.imposition import impose, make_settings, saddle_stitch_halves
from samizdat.imposition.errors import ImpositionError
from samizdat.imposition.settings import MM, parse_paper

__all__ = ["MM", "impose_saddle_stitch", "saddle_stitch_order", "sheet_dimensions"]


def saddle_stitch_order(
    page_count: int, signature_sheets: int | None = None
) -> list[tuple[int | None, int | None]]:
    """For each sheet side in print order, the (left, right) page indices; None is a blank.

    Schema 2up with ``cover``: blanks go just before the back cover, so the last page stays
    the outside back of the booklet (a lone page is that back cover, as in PDF::Imposition).
    A signature holds ``signature_sheets`` sheets of 4 pages; by default the whole booklet is
    one.
    """
    if page_count < 1:
        raise ValueError("a booklet needs at least one page")
    if signature_sheets is not None and signature_sheets < 1:
        raise ValueError("a signature needs at least one sheet")
    signature = None if signature_sheets is None else 4 * signature_sheets
    return saddle_stitch_halves(page_count, signature, cover=True)


def sheet_dimensions(sheet_size: str) -> tuple[float, float]:
    """A sheet size ("A4", "letter", "297x210mm", "11x8.5in") as landscape (width, height) in
    points: the way round a 2up booklet uses it."""
    width, height = parse_paper(sheet_size)
    return max(width, height), min(width, height)


def impose_saddle_stitch(
    pdf: bytes,
    *,
    sheet_size: str,
    signature_sheets: int | None = None,
    creep_mm: float = 0.0,
    marks: bool = False,
    duplex: str = "short-edge",
) -> bytes:
    """Impose ``pdf`` two up for saddle stitching (schema 2up with cover; ``duplex="long-edge"``
    is schema duplex2up); ``creep_mm`` is the paper thickness in millimetres."""
    if duplex not in ("short-edge", "long-edge"):
        raise ImpositionError(f"unknown duplex mode {duplex!r}",
                              hint='use "short-edge" or "long-edge"')
    settings = make_settings(
        schema="2up" if duplex == "short-edge" else "duplex2up",
        signature=None if signature_sheets is None else 4 * signature_sheets,
        cover=True, paper=sheet_size, marks=marks, paper_thickness=float(creep_mm))
    return impose(pdf, settings)
