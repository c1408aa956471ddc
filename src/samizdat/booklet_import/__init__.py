"""``samizdat import``: text extracted from an imposed booklet PDF -> draft Markdown chapters.

Its own package: it reads what a printer's imposition scrambled, not a manuscript, and the
order it undoes is the imposition engine's own (``samizdat.imposition.saddle_stitch_halves``),
so that what samizdat imposes, samizdat can read back (tests/test_booklet_import.py).
"""

from samizdat.booklet_import.importer import (
    IMPOSITIONS,
    BookletImport,
    ImportReport,
    import_booklet,
    saddle_sheet_order,
    write_draft,
)

__all__ = ["IMPOSITIONS", "BookletImport", "ImportReport", "import_booklet", "saddle_sheet_order",
           "write_draft"]
