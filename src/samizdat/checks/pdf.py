"""PDF checks for ``samizdat check``: what a printer or a reader would trip over.

Each check reads the built file with pypdf: the page (or sheet) size the edition promises,
every font embedded (a non-embedded font prints in whatever the printer has), the document
title and language, and, for the pamphlet, a bookmark for each chapter heading.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from samizdat.pages import page_size_points

if TYPE_CHECKING:  # only the type: the format registry (formats.py) calls these checks
    from samizdat.editions import Edition

TOLERANCE = 1.0  # points: PDF boxes are rounded by every producer


@dataclass(frozen=True)
class PdfProblem:
    code: str
    message: str


def check_pdf(path: Path, edition: Edition) -> list[PdfProblem]:
    try:
        reader = PdfReader(path)
        pages = list(reader.pages)
    except (PdfReadError, OSError, ValueError) as error:
        return [PdfProblem("P000", f"not a readable PDF ({error})")]
    problems: list[PdfProblem] = []
    if not pages:
        return [PdfProblem("P001", "the PDF has no pages")]
    expected = _expected_size(edition)
    if expected:
        for number, page in enumerate(pages, 1):
            size = (float(page.mediabox.width), float(page.mediabox.height))
            if any(abs(a - b) > TOLERANCE for a, b in zip(size, expected)):
                problems.append(PdfProblem(
                    "P002", f"page {number} is {size[0]:.1f} x {size[1]:.1f} pt, "
                            f"the edition promises {expected[0]:.1f} x {expected[1]:.1f} pt"))
                break
    for name in sorted(_unembedded_fonts(pages)):
        problems.append(PdfProblem("P003", f"font {name} is not embedded"))
    info = reader.metadata or {}
    if not (info.get("/Title") or "").strip():
        problems.append(PdfProblem("P004", "the document information has no title"))
    if edition.format == "pdf":
        if "/Lang" not in reader.trailer["/Root"]:
            problems.append(PdfProblem("P005", "the document catalogue names no language (/Lang)"))
        if not reader.outline:
            problems.append(PdfProblem("P006", "no bookmarks: readers cannot jump to the chapters"))
    return problems


def _expected_size(edition: Edition) -> tuple[float, float] | None:
    if edition.format == "booklet":
        from samizdat.imposition import expected_sheet_size

        return expected_sheet_size(edition)  # the schema decides which way round
    return page_size_points(str(edition.page_size))


def _unembedded_fonts(pages) -> set[str]:
    missing: set[str] = set()
    seen: set[int] = set()

    def visit(resources) -> None:
        if not resources:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            if id(font) in seen:
                continue
            seen.add(id(font))
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type3":
                continue  # glyphs drawn by the PDF itself
            if descriptor is None or not any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            ):
                missing.add(str(font.get("/BaseFont", "?")).lstrip("/"))
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"))

    for page in pages:
        visit(page.get("/Resources"))
    return missing
