"""The imposed PDF: already-rendered pages drawn onto sheets, where a schema says.

Each source page becomes one Form XObject (its content stream copied undecoded, its resources
cloned once and shared), drawn unscaled into its cell of the sheet: PDF::Imposition never
scales, and neither do we, so the booklet carries exactly the pages it was given. A page that
does not fit its cell is an error, not a shrink.

When the paper is larger than the schema's grid of pages, each cell is the paper divided by the
grid, and the page sits in it as PDF::Imposition's crop-mark pass (PDF::Cropmarks) puts it:
centred from head to foot, and from side to side either centred or against the fold, as the
schema says; the paper thickness then pushes the outer sheets of a signature outward (creep).
Without paper the sheet is exactly the grid of pages, as PDF::Imposition makes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    EncodedStreamObject,
    FloatObject,
    NameObject,
    StreamObject,
)

from samizdat.imposition.errors import ImpositionError
from samizdat.imposition.schemas import Imposition, Placement, Schema
from samizdat.imposition.settings import MM, ImpositionSettings

#: Pages and sheets are compared to this tolerance (points): PDF sizes carry rounding.
TOLERANCE = 0.5
#: Trim marks: how far from the trim they start, and their longest length.
MARK_OFFSET = 2 * MM
MARK_LENGTH = 5 * MM
#: Fold marks, drawn inward from the sheet's edges on each fold line.
FOLD_MARK_LENGTH = 3 * MM
MARK_WIDTH = 0.25


@dataclass(frozen=True)
class SheetGeometry:
    width: float
    height: float
    cell_width: float
    cell_height: float
    page_width: float  # the upright page
    page_height: float

    def cell_origin(self, placement: Placement) -> tuple[float, float]:
        return (placement.column * self.cell_width,
                self.height - (placement.row + 1) * self.cell_height)


def read_source(pdf: bytes, name: str = "the PDF") -> PdfReader:
    """The PDF to impose, or a one-line error: not a PDF, encrypted, without pages."""
    try:
        reader = PdfReader(BytesIO(pdf))
        encrypted = reader.is_encrypted
    except Exception as error:  # pypdf raises many kinds for files that are not PDFs
        raise ImpositionError(f"{name} is not a PDF ({_first_line(error)})") from None
    if encrypted:
        raise ImpositionError(f"{name} is encrypted",
                              hint="save an unencrypted copy first (e.g. qpdf --decrypt)")
    try:
        count = len(reader.pages)
    except Exception as error:
        raise ImpositionError(f"{name} is damaged: {_first_line(error)}") from None
    if not count:
        raise ImpositionError(f"{name} has no pages")
    return reader


def page_size(reader: PdfReader, name: str = "the PDF") -> tuple[float, float]:
    """The upright size shared by every page (its crop box, turned by /Rotate)."""
    sizes = [_upright_size(page) for page in reader.pages]
    first = sizes[0]
    for number, size in enumerate(sizes, 1):
        if abs(size[0] - first[0]) > TOLERANCE or abs(size[1] - first[1]) > TOLERANCE:
            raise ImpositionError(
                f"{name} mixes page sizes: page 1 is {_mm(first)}, page {number} is {_mm(size)}",
                hint="imposition needs every page the same size")
    return first


def fit_sheet(schema: Schema, page: tuple[float, float], settings: ImpositionSettings
              ) -> SheetGeometry:
    """The sheet and its cells for ``page``-sized pages, or a one-line error if they do not fit.

    The paper is turned whichever way the grid fits; when both do, landscape for a grid wider
    than tall, portrait otherwise.
    """
    width, height = page
    cell = (height, width) if schema.cell_turn % 2 else (width, height)
    block = (schema.columns * cell[0], schema.rows * cell[1])
    if settings.paper is None:
        sheet = block
    else:
        short, long_ = sorted(settings.paper)
        candidates = [size for size in ((long_, short), (short, long_))
                      if block[0] <= size[0] + TOLERANCE and block[1] <= size[1] + TOLERANCE]
        if not candidates:
            raise ImpositionError(
                f"the pages do not fit the paper: schema {schema.name} needs a {_mm(block)}"
                f" sheet for {_mm(page)} pages, and {settings.paper_name} is"
                f" {_mm((short, long_))}",
                hint="choose larger paper, smaller pages or another schema")
        landscape = block[0] > block[1]
        sheet = candidates[0] if landscape or len(candidates) == 1 else candidates[1]
    return SheetGeometry(sheet[0], sheet[1], sheet[0] / schema.columns,
                         sheet[1] / schema.rows, width, height)


def placement_matrix(geometry: SheetGeometry, imposition: Imposition, placement: Placement,
                     paper_thickness: float) -> tuple[float, ...]:
    """The matrix that draws the upright page into its cell: turned, aligned, crept."""
    turn = placement.turn % 4
    cell_w, cell_h = geometry.cell_width, geometry.cell_height
    # The cell as the page sees it: its own width and height, before turning.
    own_w, own_h = (cell_h, cell_w) if turn % 2 else (cell_w, cell_h)
    room = own_w - geometry.page_width
    edge = imposition.schema.edge
    if edge is None:
        x = room / 2
    else:
        # PDF::Cropmarks: with inner false, rectos sit at their left edge and versos at their
        # right (no margin on the fold side); with outer false, the other way round.
        flush_left = placement.is_recto == (edge == "inner")
        x = 0.0 if flush_left else room
    x += imposition.creep_steps(placement) * paper_thickness
    y = (own_h - geometry.page_height) / 2
    x0, y0 = geometry.cell_origin(placement)
    a, b, c, d, e, f = {
        0: (1, 0, 0, 1, x0, y0),
        1: (0, 1, -1, 0, x0 + cell_w, y0),
        2: (-1, 0, 0, -1, x0 + cell_w, y0 + cell_h),
        3: (0, -1, 1, 0, x0, y0 + cell_h),
    }[turn]
    # The cell's matrix after a translation by (x, y) in the page's own frame.
    return (a, b, c, d, a * x + c * y + e, b * x + d * y + f)


def write_sheets(reader: PdfReader, imposition: Imposition, geometry: SheetGeometry,
                 settings: ImpositionSettings) -> bytes:
    writer = PdfWriter()
    forms: dict[int, object] = {}
    for side in imposition.sides:
        ops: list[str] = []
        xobjects = DictionaryObject()
        footprints = []
        for placement in side:
            matrix = placement_matrix(geometry, imposition, placement, settings.paper_thickness)
            footprints.append(_footprint(matrix, geometry))
            if placement.page is None:
                continue
            if placement.page not in forms:
                forms[placement.page] = _page_as_form(writer, reader.pages[placement.page])
            name = f"/P{placement.page}"
            xobjects[NameObject(name)] = forms[placement.page]
            x0, y0 = geometry.cell_origin(placement)
            # Clipped to its cell, as PDF::Imposition's form of the cropped page is: a page
            # pushed by creep never draws over its neighbour.
            ops.append(
                f"q {x0:.4f} {y0:.4f} {geometry.cell_width:.4f} {geometry.cell_height:.4f} re W n "
                + " ".join(_num(v) for v in matrix) + f" cm {name} Do Q")
        if settings.marks:
            ops.append(_marks(geometry, imposition.schema, footprints))
        sheet = writer.add_blank_page(geometry.width, geometry.height)
        sheet[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
        content = DecodedStreamObject()
        content.set_data("\n".join(ops).encode("ascii"))
        sheet[NameObject("/Contents")] = writer._add_object(content.flate_encode())

    preferences = writer.create_viewer_preferences()
    preferences.duplex = NameObject(_duplex(imposition.schema, geometry))
    # Scaling "to fit" would shrink the pages and move the folds off their lines.
    preferences.print_scaling = NameObject("/None")
    if reader.metadata:
        writer.add_metadata({key: value for key, value in reader.metadata.items()})
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def _duplex(schema: Schema, geometry: SheetGeometry) -> str:
    """Which edge the printer turns the sheet on: about a vertical axis that is the short edge
    of a landscape sheet and the long edge of a portrait one."""
    landscape = geometry.width > geometry.height
    short = (schema.flip_axis == "vertical") == landscape
    return "/DuplexFlipShortEdge" if short else "/DuplexFlipLongEdge"


def _page_as_form(writer: PdfWriter, page) -> object:
    """One source page as a Form XObject in ``writer``, upright, its lower-left corner at the
    origin; its content stream is copied as it is (still compressed) and its resources are
    cloned through pypdf's cache, so resources the pages share are written once."""
    box = page.cropbox
    left, bottom, right, top = (float(v) for v in (box.left, box.bottom, box.right, box.top))
    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else None
    if isinstance(contents, StreamObject):
        form = EncodedStreamObject()
        form._data = contents._data
        for key in ("/Filter", "/DecodeParms"):
            if key in contents:
                form[NameObject(key)] = contents[key].clone(writer)
    else:
        parts = contents or []
        form = DecodedStreamObject()
        form.set_data(b"\n".join(part.get_object().get_data() for part in parts))
        form = form.flate_encode()
    # /Rotate turns the displayed page clockwise; the matrix turns the content to match.
    matrix = {
        0: (1, 0, 0, 1, -left, -bottom),
        90: (0, -1, 1, 0, -bottom, right),
        180: (-1, 0, 0, -1, right, top),
        270: (0, 1, -1, 0, top, -left),
    }[page.rotation % 360]
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(FloatObject(v) for v in (left, bottom, right, top)),
        NameObject("/Matrix"): ArrayObject(FloatObject(v) for v in matrix),
    })
    for key in ("/Resources", "/Group"):
        if key in page:
            form[NameObject(key)] = page.raw_get(key).clone(writer)
    return writer._add_object(form)


def _upright_size(page) -> tuple[float, float]:
    box = page.cropbox
    width, height = float(box.width), float(box.height)
    return (height, width) if page.rotation % 180 else (width, height)


def _footprint(matrix: tuple[float, ...], geometry: SheetGeometry) -> tuple[float, ...]:
    """Where the page (or the blank in its place) lies on the sheet: (left, bottom, right, top)."""
    a, b, c, d, e, f = matrix
    corners = [(a * x + c * y + e, b * x + d * y + f)
               for x in (0, geometry.page_width) for y in (0, geometry.page_height)]
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _marks(geometry: SheetGeometry, schema: Schema, footprints: list[tuple[float, ...]]) -> str:
    """Trim marks in the sheet's margins, in line with every page edge that is not a fold, and
    fold marks at both ends of each fold line; marks go only where the sheet leaves room."""
    folds_x = [fraction * geometry.width for axis, fraction in schema.folds if axis == "v"]
    folds_y = [fraction * geometry.height for axis, fraction in schema.folds if axis == "h"]

    def trim_edges(values: list[float], folds: list[float]) -> list[float]:
        edges: list[float] = []
        for value in sorted(values):
            if any(abs(value - fold) < TOLERANCE for fold in folds):
                continue
            if not edges or value - edges[-1] > TOLERANCE:
                edges.append(value)
        return edges

    left = min(p[0] for p in footprints)
    bottom = min(p[1] for p in footprints)
    right = max(p[2] for p in footprints)
    top = max(p[3] for p in footprints)
    lines: list[tuple[float, float, float, float]] = []
    vertical_room = min(bottom, geometry.height - top) - MARK_OFFSET
    if vertical_room >= 1 * MM:
        length = min(MARK_LENGTH, vertical_room)
        for x in trim_edges([v for p in footprints for v in (p[0], p[2])], folds_x):
            lines.append((x, bottom - MARK_OFFSET - length, x, bottom - MARK_OFFSET))
            lines.append((x, top + MARK_OFFSET, x, top + MARK_OFFSET + length))
    horizontal_room = min(left, geometry.width - right) - MARK_OFFSET
    if horizontal_room >= 1 * MM:
        length = min(MARK_LENGTH, horizontal_room)
        for y in trim_edges([v for p in footprints for v in (p[1], p[3])], folds_y):
            lines.append((left - MARK_OFFSET - length, y, left - MARK_OFFSET, y))
            lines.append((right + MARK_OFFSET, y, right + MARK_OFFSET + length, y))
    # Fold marks sit on the fold itself, so they disappear into it once folded.
    for x in folds_x:
        lines.append((x, 0, x, FOLD_MARK_LENGTH))
        lines.append((x, geometry.height - FOLD_MARK_LENGTH, x, geometry.height))
    for y in folds_y:
        lines.append((0, y, FOLD_MARK_LENGTH, y))
        lines.append((geometry.width - FOLD_MARK_LENGTH, y, geometry.width, y))
    path = " ".join(f"{x0:.3f} {y0:.3f} m {x1:.3f} {y1:.3f} l" for x0, y0, x1, y1 in lines)
    return f"q 0 G {MARK_WIDTH} w [] 0 d {path} S Q"


def _num(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") if value else "0"


def _mm(size: tuple[float, float]) -> str:
    return f"{size[0] / MM:.0f} x {size[1] / MM:.0f} mm"


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
