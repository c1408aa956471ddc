"""A typographic cover, made when the metadata names no cover image.

The design is ``styles/cover.css``, set by WeasyPrint in the print edition's own fonts, and
rasterised to PNG with pdfium: so the EPUB's cover image and the pamphlet's front cover come
from the same HTML and CSS, and nothing about the cover's look lives in Python.
"""

from __future__ import annotations

import io
from pathlib import Path

from lxml import etree

from samizdat import cache
from samizdat.document import Book

COVER_STYLESHEET = "cover.css"
WIDTH, HEIGHT = 1600, 2560  # px; 5:8, the shape e-book shops ask for


def cover_png(book: Book, styles_dir: Path) -> bytes:
    """The cover PNG: from the cache when this cover was made before (or is being made by
    ``start_cover``), else rendered now."""
    return cache.cached("cover", _cover_key(book, styles_dir),
                        lambda: render_cover_png(book, styles_dir))


def start_cover(book: Book, styles_dir: Path) -> None:
    """Render the cover in a child process while the build goes on: WeasyPrint's import and
    the cover's layout (about 0.45 s of CPU) then overlap the reading of the chapters and the
    citation run. Only the metadata counts, so ``book`` may be the front alone
    (``pipeline.read_front``). No cover to make, or no cache to leave it in: nothing happens."""
    if book.metadata.cover is None:
        cache.compute_ahead("cover", _cover_key(book, styles_dir),
                            lambda: render_cover_png(book, styles_dir))


def _cover_key(book: Book, styles_dir: Path) -> list:
    # Everything the cover's layout can read: its HTML, every stylesheet, every font.
    inputs = sorted(styles_dir.glob("*.css")) + sorted((styles_dir / "fonts").glob("*"))
    return [cover_html(book), *(f.read_bytes() for f in inputs), "cover 3"]


def cover_html(book: Book) -> str:
    """The cover's markup (the one renderer's ``cover_section``) as an HTML document."""
    from samizdat.writers.html import as_html, cover_document

    document = cover_document(book).getroot()
    (plain,) = as_html([document])
    return "<!DOCTYPE html>\n" + etree.tostring(plain, encoding="unicode", method="html")


def cover_pdf(book: Book, styles_dir: Path) -> bytes:
    """The cover set by WeasyPrint as a one-page PDF, in our own fonts only."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from samizdat.writers.fetcher import ManuscriptFetcher
    from samizdat.writers.fonts import require_own_fonts

    fetcher = ManuscriptFetcher([styles_dir.resolve()])
    # The @font-face rules count only with a FontConfiguration (see writers/pdf.py).
    font_config = FontConfiguration()
    stylesheet = CSS(filename=str(styles_dir / COVER_STYLESHEET), url_fetcher=fetcher,
                     font_config=font_config)
    document = HTML(string=cover_html(book), url_fetcher=fetcher).render(
        stylesheets=[stylesheet], font_config=font_config)
    pdf = document.write_pdf()
    require_own_fonts(document, fetcher)
    return pdf


def render_cover_png(book: Book, styles_dir: Path) -> bytes:
    """The cover as a 1600 x 2560 PNG; the same book and styles always give the same bytes."""
    import pypdfium2

    document = pypdfium2.PdfDocument(cover_pdf(book, styles_dir))
    try:
        page = document[0]
        # CSS px are 0.75 pt, so 4/3 of the page's points is its size in px.
        # pdfium's own RGB order (rev_byteorder): PIL takes the pixels as they are, with no
        # conversion from BGR and no copy to make them RGB (0.02 s of the cover's time).
        image = page.render(scale=4 / 3, rev_byteorder=True).to_pil()
        if image.mode != "RGB":
            image = image.convert("RGB")
    finally:
        document.close()
    if image.size != (WIDTH, HEIGHT):
        image = image.resize((WIDTH, HEIGHT))
    out = io.BytesIO()
    # zlib's run-length strategy (compress_type 3, Z_RLE) suits a cover's flat fields: 0.07 s
    # for 186 KB, where the default took 0.1 s for 182 KB and optimize=True 0.35 s more for 1%.
    image.save(out, format="PNG", compress_type=3)
    return out.getvalue()
