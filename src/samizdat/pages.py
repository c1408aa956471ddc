"""Page sizes as CSS Paged Media names them ("A5", "5.5in 8.5in"), in points: one reading for
the edition table, the imposition engine and the PDF checks."""

from __future__ import annotations

import re

_MM, _IN = 72 / 25.4, 72.0
# CSS Paged Media named page sizes (css-page-3 sec. 7.1), portrait, in points.
NAMED_PAGE_SIZES = {
    "a6": (105 * _MM, 148 * _MM), "a5": (148 * _MM, 210 * _MM), "a4": (210 * _MM, 297 * _MM),
    "a3": (297 * _MM, 420 * _MM), "b5": (176 * _MM, 250 * _MM), "b4": (250 * _MM, 353 * _MM),
    "jis-b5": (182 * _MM, 257 * _MM), "jis-b4": (257 * _MM, 364 * _MM),
    "letter": (8.5 * _IN, 11 * _IN), "legal": (8.5 * _IN, 14 * _IN),
    "ledger": (11 * _IN, 17 * _IN),
}
_UNITS = {"mm": _MM, "cm": 10 * _MM, "in": _IN, "pt": 1.0, "px": 0.75, "pc": 12.0}


def page_size_points(size: str) -> tuple[float, float] | None:
    """A CSS @page size ("A5", "5.5in 8.5in", "110mm 178mm") as (width, height) in points."""
    words = size.strip().lower().split()
    if len(words) == 1 and words[0] in NAMED_PAGE_SIZES:
        return NAMED_PAGE_SIZES[words[0]]
    lengths = [re.fullmatch(r"(\d+(?:\.\d+)?)(mm|cm|in|pt|px|pc)", w) for w in words]
    if len(lengths) == 2 and all(lengths):
        width, height = (float(m[1]) * _UNITS[m[2]] for m in lengths)
        return width, height
    return None
