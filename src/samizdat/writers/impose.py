"""Saddle-stitch imposition: already-rendered pages, two up, on sheets to print, fold and staple.

No second layout: each page of the pamphlet PDF becomes a Form XObject, drawn unscaled on its
half of a landscape sheet, so the booklet carries exactly the pages of the pamphlet.

Sheet sides come in print order (front of sheet 1, back of sheet 1, front of sheet 2, ...) for a
duplex printer that flips on the short edge, which keeps both sides of a landscape sheet the same
way up. For printers that flip on the long edge, the back sides are turned 180 degrees.
"""

from __future__ import annotations

import re
from io import BytesIO

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
)

from samizdat.errors import BuildError

MM = 72 / 25.4
INCH = 72.0

#: Sheet sizes in points, portrait (width, height); sheets are always used landscape.
SHEET_SIZES = {
    "a4": (210 * MM, 297 * MM),
    "a3": (297 * MM, 420 * MM),
    "letter": (8.5 * INCH, 11 * INCH),
    "tabloid": (11 * INCH, 17 * INCH),
}

#: Crop marks: how far from the trim they start, and their longest length.
MARK_OFFSET = 2 * MM
MARK_LENGTH = 5 * MM
#: Fold marks at the spine, drawn inward from the sheet's top and bottom edges.
FOLD_MARK_LENGTH = 3 * MM
MARK_WIDTH = 0.25


def saddle_stitch_order(
    page_count: int, signature_sheets: int | None = None
) -> list[tuple[int | None, int | None]]:
    """For each sheet side in print order, the (left, right) page indices; None is a blank.

    Pages are padded to a multiple of 4 with blanks placed just before the back cover, so the last
    page stays the outside back of the booklet and no blank falls between chapters. A signature
    holds ``signature_sheets`` sheets (4 pages each); by default the whole booklet is one.
    """
    if page_count < 1:
        raise ValueError("a booklet needs at least one page")
    if signature_sheets is not None and signature_sheets < 1:
        raise ValueError("a signature needs at least one sheet")
    padded = -(-page_count // 4) * 4
    blanks = [None] * (padded - page_count)
    pages: list[int | None] = list(range(page_count))
    if page_count >= 2:
        pages = pages[:-1] + blanks + pages[-1:]
    else:  # a single page is the front cover: it stays first
        pages = pages + blanks

    per_signature = padded if signature_sheets is None else 4 * signature_sheets
    sides: list[tuple[int | None, int | None]] = []
    for start in range(0, padded, per_signature):
        signature = pages[start:start + per_signature]
        n = len(signature)
        for sheet in range(n // 4):
            # Outermost sheet first. On the front, the last page of the signature sits left of
            # the first; on the back, the second sits left of the second-last.
            sides.append((signature[n - 1 - 2 * sheet], signature[2 * sheet]))
            sides.append((signature[2 * sheet + 1], signature[n - 2 - 2 * sheet]))
    return sides


def sheet_dimensions(sheet_size: str) -> tuple[float, float]:
    """A sheet size ("A4", "letter", "297x210mm", "11x8.5in") as landscape (width, height) in pt."""
    key = sheet_size.strip().lower()
    if key in SHEET_SIZES:
        width, height = SHEET_SIZES[key]
    else:
        match = re.fullmatch(r"([\d.]+)\s*x\s*([\d.]+)\s*(mm|in|pt)", key)
        if not match:
            raise BuildError(
                f"unknown sheet size {sheet_size!r}",
                hint='use "A4", "letter", or a size such as "297x210mm" or "11x8.5in"',
            )
        unit = {"mm": MM, "in": INCH, "pt": 1.0}[match[3]]
        width, height = float(match[1]) * unit, float(match[2]) * unit
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
    """Impose ``pdf`` two up for saddle stitching; return the sheets as a PDF.

    ``creep_mm`` is the paper thickness: folded sheets nest, so each sheet's fore-edges stick out
    one thickness further than the sheet around it, and trimming would cut into them. Sheet ``i``
    of a signature (0 = outermost) therefore has its pages shifted ``i * creep_mm`` toward the
    spine; each page stays clipped to its half of the sheet.
    """
    if duplex not in ("short-edge", "long-edge"):
        raise BuildError(f"unknown duplex mode {duplex!r}", hint='use "short-edge" or "long-edge"')
    reader = PdfReader(BytesIO(pdf))
    if not reader.pages:
        raise BuildError("the PDF to impose has no pages")
    sheet_width, sheet_height = sheet_dimensions(sheet_size)
    box = reader.pages[0].mediabox
    page_width, page_height = float(box.width), float(box.height)
    if 2 * page_width > sheet_width + 0.5 or page_height > sheet_height + 0.5:
        raise BuildError(
            f"two {page_width / MM:.0f}x{page_height / MM:.0f} mm pages do not fit side by side on"
            f" a {sheet_width / MM:.0f}x{sheet_height / MM:.0f} mm sheet ({sheet_size})",
            hint="choose a larger sheet size or a smaller page size",
        )

    writer = PdfWriter()
    # Shared resources (WeasyPrint gives every page the same /Resources) are cloned once: clone()
    # remembers what it has already copied from this reader.
    forms = [_page_as_form(writer, page) for page in reader.pages]
    sides = saddle_stitch_order(len(reader.pages), signature_sheets)
    sheets_per_signature = len(sides) // 2 if signature_sheets is None else signature_sheets

    spine = sheet_width / 2
    bottom = max(0.0, (sheet_height - page_height) / 2)
    for side_index, (left, right) in enumerate(sides):
        sheet_in_signature = (side_index // 2) % sheets_per_signature
        shift = sheet_in_signature * creep_mm * MM
        ops: list[str] = []
        if duplex == "long-edge" and side_index % 2 == 1:
            # A long-edge flip turns the back upside down relative to the front: pre-rotate it.
            ops.append(f"-1 0 0 -1 {sheet_width:.4f} {sheet_height:.4f} cm")
        xobjects = DictionaryObject()
        for slot, page_index in (("L", left), ("R", right)):
            if page_index is None:
                continue
            name = f"/{slot}{page_index}"
            xobjects[NameObject(name)] = forms[page_index]
            x = spine - page_width + shift if slot == "L" else spine - shift
            clip_x = spine - page_width if slot == "L" else spine
            ops.append(
                f"q {clip_x:.4f} {bottom:.4f} {page_width:.4f} {page_height:.4f} re W n"
                f" 1 0 0 1 {x:.4f} {bottom:.4f} cm {name} Do Q"
            )
        if marks:
            ops.append(_marks(sheet_width, sheet_height, page_width, page_height))
        sheet = writer.add_blank_page(sheet_width, sheet_height)
        sheet[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
        content = DecodedStreamObject()
        content.set_data("\n".join(ops).encode("ascii"))
        sheet[NameObject("/Contents")] = writer._add_object(content.flate_encode())

    preferences = writer.create_viewer_preferences()
    preferences.duplex = NameObject(
        "/DuplexFlipShortEdge" if duplex == "short-edge" else "/DuplexFlipLongEdge")
    # Scaling "to fit" would shrink the pages and move the fold off the sheet's centre.
    preferences.print_scaling = NameObject("/None")
    if reader.metadata:
        writer.add_metadata({key: value for key, value in reader.metadata.items()})
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def _page_as_form(writer: PdfWriter, page) -> object:
    """One rendered page as a Form XObject in ``writer``, its resources shared."""
    box = page.mediabox
    form = DecodedStreamObject()
    contents = page.get_contents()
    # "is not None": a ContentStream is a dictionary, and an empty dictionary is falsy.
    form.set_data(contents.get_data() if contents is not None else b"")
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(FloatObject(v) for v in (
            box.left, box.bottom, box.right, box.top)),
        # Draw the page with its lower-left corner at the origin, whatever its MediaBox origin.
        NameObject("/Matrix"): ArrayObject(FloatObject(v) for v in (
            1, 0, 0, 1, -float(box.left), -float(box.bottom))),
    })
    if "/Resources" in page:
        form[NameObject("/Resources")] = page.raw_get("/Resources").clone(writer)
    return writer._add_object(form.flate_encode())


def _marks(sheet_width: float, sheet_height: float, page_width: float, page_height: float) -> str:
    """Crop marks at the corners of the two-page block, where the sheet leaves room, and fold
    marks at both ends of the spine."""
    spine = sheet_width / 2
    left, right = spine - page_width, spine + page_width
    bottom, top = (sheet_height - page_height) / 2, (sheet_height + page_height) / 2
    lines: list[tuple[float, float, float, float]] = []
    horizontal_room, vertical_room = left - MARK_OFFSET, bottom - MARK_OFFSET
    if horizontal_room >= 1 * MM:
        length = min(MARK_LENGTH, horizontal_room)
        for y in (bottom, top):
            lines.append((left - MARK_OFFSET - length, y, left - MARK_OFFSET, y))
            lines.append((right + MARK_OFFSET, y, right + MARK_OFFSET + length, y))
    if vertical_room >= 1 * MM:
        length = min(MARK_LENGTH, vertical_room)
        for x in (left, right):
            lines.append((x, bottom - MARK_OFFSET - length, x, bottom - MARK_OFFSET))
            lines.append((x, top + MARK_OFFSET, x, top + MARK_OFFSET + length))
    # Fold marks sit on the fold itself, so they disappear into the spine once folded.
    lines.append((spine, 0, spine, FOLD_MARK_LENGTH))
    lines.append((spine, sheet_height - FOLD_MARK_LENGTH, spine, sheet_height))
    path = " ".join(f"{x0:.3f} {y0:.3f} m {x1:.3f} {y1:.3f} l" for x0, y0, x1, y1 in lines)
    return f"q 0 G {MARK_WIDTH} w [] 0 d {path} S Q"
