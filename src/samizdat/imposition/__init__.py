"""Imposition: rendered pages laid out on sheets to print, cut, fold and bind.

The layouts are PDF::Imposition 0.26's schemas (``schemas``); ``settings`` reads the edition
keys and command-line options; ``sheets`` writes the PDF; ``instructions`` says, for each
schema, how a person prints and finishes it; ``command`` is ``samizdat impose``.

Entry points for the rest of samizdat:

- ``impose(pdf, settings)``: bytes in, imposed bytes out;
- ``impose_edition(pages, edition)``: what a booklet edition's build calls;
- ``expected_sheet_size(edition)``: the sheet a booklet edition's PDF should have;
- ``saddle_stitch_halves(page_count)``: the page on each half of each 2up sheet side.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

from samizdat.imposition.errors import ImpositionError
from samizdat.imposition.schemas import SCHEMAS, saddle_stitch_halves
from samizdat.imposition.settings import ImpositionSettings, edition_settings, make_settings

# ``sheets`` (and pypdf, 0.2 s to import) is loaded by the functions that write sheets, not
# here: the command line imports this package for ``impose``'s help and options on every run.

__all__ = [
    "ImpositionError", "ImpositionSettings", "SCHEMAS", "edition_settings", "expected_sheet_size",
    "impose", "impose_edition", "make_settings", "saddle_stitch_halves",
]


def impose(pdf: bytes, settings: ImpositionSettings, *, name: str = "the PDF") -> bytes:
    """Impose every page of ``pdf`` as ``settings`` say; ImpositionError on bad input."""
    from samizdat.imposition import sheets

    # pypdf logs what it repairs in a damaged file; the user gets one line from us instead.
    with _quiet_pypdf():
        reader = sheets.read_source(pdf, name)
        page = sheets.page_size(reader, name)
        schema = settings.schema_rules
        geometry = sheets.fit_sheet(schema, page, settings)
        imposition = schema.impose(len(reader.pages), settings.signature, settings.cover)
        return sheets.write_sheets(reader, imposition, geometry, settings)


@contextmanager
def _quiet_pypdf():
    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def impose_edition(pages: bytes, edition) -> bytes:
    """A booklet edition's sheets from the pages its pamphlet rendering made."""
    settings = edition_settings(dict(edition.options), edition.sheet_size)
    return impose(pages, settings, name=f"the pages of edition '{edition.name}'")


def expected_sheet_size(edition) -> tuple[float, float]:
    """(width, height) in points of a booklet edition's sheets, for ``samizdat check``."""
    from samizdat.imposition import sheets
    from samizdat.pages import page_size_points

    settings = edition_settings(dict(edition.options), edition.sheet_size)
    page = page_size_points(str(edition.page_size))
    geometry = sheets.fit_sheet(settings.schema_rules, page, settings)
    return geometry.width, geometry.height
