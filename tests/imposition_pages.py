"""Numbered source PDFs to impose, and the placement read back from the imposed sheets.

A source page n shows the token ``#n#`` at its centre in Helvetica, and a stroke from its
lower-left corner inward. Reading an imposed PDF back with pdfplumber gives, for every sheet
side, which page number lies in which cell of the sheet's grid and how far it is turned
(from the text matrix of its glyphs), and where on the sheet its glyphs sit.

The PDFs are written by hand (no WeasyPrint), so thousands of them cost milliseconds, and
they use only a standard font, so they never meet the book face's font checks.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import pdfplumber

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
A5 = (148 * MM, 210 * MM)
A6 = (105 * MM, 148 * MM)


def numbered_pdf(count: int, size: tuple[float, float] = A5, *, rotate: int = 0,
                 sizes: list[tuple[float, float]] | None = None, first: int = 1) -> bytes:
    """A PDF of ``count`` pages numbered from ``first``; ``sizes`` gives each page its own."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    contents = []
    for index in range(count):
        width, height = sizes[index] if sizes else size
        token = f"#{first + index}#".encode()
        font_size = min(width, height) / 6
        text_width = font_size * 0.556 * len(token)  # Helvetica digits and # are 0.556 em
        stream = (b"BT /F1 %.2f Tf %.2f %.2f Td (%s) Tj ET 1 w 0 0 m %.2f %.2f l S" % (
            font_size, width / 2 - text_width / 2, height / 2 - font_size / 3, token,
            width / 4, height / 4))
        contents.append((add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)),
                         width, height))
    pages_id = len(objects) + count + 1
    kids = []
    for content, width, height in contents:
        extra = b" /Rotate %d" % rotate if rotate else b""
        kids.append(add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Contents %d 0 R"
            b" /Resources << /Font << /F1 %d 0 R >> >>%s >>"
            % (pages_id, width, height, content, font, extra)))
    add(b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % kid for kid in kids), count))
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, catalog, xref)
    return bytes(out)


@dataclass(frozen=True)
class Seen:
    """One page found on a sheet side."""

    number: int
    column: int
    row: int  # 0 = top
    turn: int  # quarter turns counter-clockwise
    x: float  # centre of its token, points from the sheet's left
    y: float  # centre of its token, points from the sheet's bottom


def read_sides(pdf: bytes, columns: int, rows: int) -> list[list[Seen]]:
    """Every sheet side of ``pdf``: the pages on it, sorted by number."""
    sides = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            width, height = float(page.width), float(page.height)
            seen = []
            for token in _tokens(page.chars):
                x = (min(c["x0"] for c in token) + max(c["x1"] for c in token)) / 2
                top = (min(c["top"] for c in token) + max(c["bottom"] for c in token)) / 2
                a, b = token[0]["matrix"][:2]
                turn = round(math.degrees(math.atan2(b, a)) / 90) % 4
                number = int("".join(c["text"] for c in token).strip("#"))
                seen.append(Seen(number, int(x // (width / columns)),
                                 int(top // (height / rows)), turn, x, height - top))
            sides.append(sorted(seen, key=lambda s: s.number))
    return sides


def _tokens(chars: list[dict]) -> list[list[dict]]:
    """The ``#n#`` tokens, in drawing order (pdfplumber keeps the content stream's order)."""
    tokens, current = [], []
    for char in chars:
        current.append(char)
        if char["text"] == "#" and len(current) > 1:
            tokens.append(current)
            current = []
    return tokens


def cells(sides: list[list[Seen]]) -> list[set[tuple[int, int, int, int]]]:
    """Each side as a set of (page number, column, row, turn): what "the same sheets" compares."""
    return [{(s.number, s.column, s.row, s.turn) for s in side} for side in sides]
