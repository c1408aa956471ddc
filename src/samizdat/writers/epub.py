"""Book -> EPUB 3 (with an NCX for older readers), reproducible byte for byte.

ebooklib 0.20 writes the package (OPF metadata, manifest, spine, NCX). Content documents and
the navigation document are ours (``xhtml.py``) and handed to ebooklib as plain ``EpubItem``s,
because ebooklib's ``EpubHtml`` re-parses every page with lxml's HTML parser and rebuilds
``<head>``, dropping attributes on ``<body>`` and anything it does not know. Its own nav has no
landmarks we control and an ``id="id"`` heading; ours is simpler to keep valid.

What ebooklib gets wrong and how this module avoids it:
- ``epub3_pages`` (default on) turns every element with epub:type and id into a page-list
  entry: disabled in ``WRITER_OPTIONS``.
- the spine says ``toc="ncx"`` even without an NCX item: we always add the NCX.
- ``<package>`` has no ``xml:lang``, the NCX says ``dtb:depth`` 0, and zip entries carry the
  current local time: ``_reproducible_zip`` rewrites the archive (fixed order and timestamps,
  ``mimetype`` first and stored) and fixes both files on the way.
- ``dcterms:modified`` is ``datetime.now()`` in local time with a "Z": we pass a UTC ``mtime``.
- ``add_author`` refines file-as with ``scheme="marc:relators"``: we write the refines ourselves.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ebooklib import epub
from lxml import etree

from samizdat.document import Book
from samizdat.errors import ManuscriptError
from samizdat.writers import xhtml

WRITER_OPTIONS = {
    "epub3_pages": False,  # see the module docstring
    "epub2_guide": False,  # EPUB 3 has landmarks in the nav; <guide> is legacy
    "epub3_landmark": False,  # only used by ebooklib's own nav, which we do not use
    "play_order": {"enabled": True, "start_from": 1},  # NCX playOrder, for Adobe RMSDK readers
    "compresslevel": 9,
}

TEXT_DIR = "text"
CSS_DIR = "css"
OPF_PATH = "EPUB/content.opf"
NCX_PATH = "EPUB/toc.ncx"  # ebooklib's fixed name for EpubNcx()

# What a reading system or bookshop tells a reader before they buy (EPUB Accessibility 1.1
# sec. 2; schema.org accessibility properties). Every value is true of every samizdat book:
# the text is complete as text; the one image is the cover, described by its alt text;
# headings, a table of contents, reading order = spine order.
ACCESSIBILITY = [
    ("schema:accessMode", "textual"),
    ("schema:accessMode", "visual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "alternativeText"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityHazard", "none"),
    (
        "schema:accessibilitySummary",
        "The text is complete as text: its only image is the cover, described in words. "
        "Headings, a table of contents and landmarks; notes are linked to their place in the "
        "text and back. Fonts and sizes follow the reader’s settings.",
    ),
    # The exact conformance string of EPUB Accessibility 1.1 sec. 2.1 (“EPUB Accessibility 1.1 -
    # WCAG 2.x Level X”); Ace reads it.
    ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"),
]
CERTIFIER = "samizdat (automated: EPUBCheck and Ace)"

DocumentFilter = Callable[[etree._ElementTree], None]


@dataclass
class ContentDocument:
    uid: str
    href: str  # relative to the OPF's folder
    tree: etree._ElementTree
    toc_label: str | None  # None: not in the table of contents


def write_epub(
    book: Book, out: Path, *, stylesheets: list[Path], source_date_epoch: int | None = None
) -> None:
    write_package(book, out, stylesheets=stylesheets, source_date_epoch=source_date_epoch)


def write_package(
    book: Book,
    out: Path,
    *,
    stylesheets: list[Path],
    source_date_epoch: int | None = None,
    finish_document: DocumentFilter | None = None,
) -> None:
    """Write the EPUB to ``out``; ``finish_document`` may change each page (KEPUB spans)."""
    if source_date_epoch is not None:
        modified = datetime.fromtimestamp(source_date_epoch, tz=UTC)
    else:
        modified = datetime.now(UTC).replace(microsecond=0)

    css = _stylesheet_items(stylesheets)
    css_hrefs = [f"../{item.file_name}" for item in css]
    cover = cover_image(book, stylesheets[0].parent if stylesheets else None)
    documents = content_documents(book, css_hrefs)
    documents.insert(0, ContentDocument(
        "cover", f"{TEXT_DIR}/cover.xhtml",
        xhtml.cover_document(book, css_hrefs, f"../{cover.file_name}"), None,
    ))
    if finish_document is not None:
        for document in documents:
            finish_document(document.tree)
    nav = navigation_document(book, documents, css_hrefs)

    package = epub.EpubBook()
    _set_metadata(package, book)
    package.add_item(cover)
    # EPUB 2 readers (and Kindle's converter) find the cover through this meta, not the
    # manifest property.
    package.add_metadata(None, "meta", "", {"name": "cover", "content": cover.id})
    for item in css:
        package.add_item(item)
    items = {}
    # Spine: cover, title page, contents, then the text.
    front = 2 if documents[0].uid == "cover" else 1
    for document in [*documents[:front], nav, *documents[front:]]:
        item = epub.EpubItem(
            uid=document.uid,
            file_name=document.href,
            media_type="application/xhtml+xml",
            content=xhtml.serialize(document.tree),
        )
        item.properties = ["nav"] if document is nav else []
        items[document.uid] = package.add_item(item)
    package.add_item(epub.EpubNcx())
    package.spine = list(items.values())
    package.toc = [
        epub.Link(document.href, document.toc_label, f"nav-{document.uid}")
        for document in documents
        if document.toc_label
    ]

    buffer = io.BytesIO()
    options = dict(WRITER_OPTIONS, mtime=modified)
    writer = epub.EpubWriter(buffer, package, options)
    writer.process()
    writer.write()
    _reproducible_zip(
        buffer.getvalue(),
        out,
        modified,
        {OPF_PATH: lambda data: _package_lang(data, book), NCX_PATH: _ncx_depth},
    )


def cover_image(book: Book, styles_dir: Path | None) -> epub.EpubItem:
    """The metadata's cover image, or a typographic one made from the title (writers/cover.py)."""
    if book.metadata.cover is not None:
        data = book.metadata.cover.read_bytes()
        suffix = book.metadata.cover.suffix.lower().replace("jpeg", "jpg")
    else:
        from samizdat import cache
        from samizdat.writers import cover

        if styles_dir is None:
            raise ManuscriptError("no styles folder to make a cover from", hint="pass --styles DIR")
        # Everything the cover's layout can read: its HTML, every stylesheet, every font.
        inputs = sorted(styles_dir.glob("*.css")) + sorted((styles_dir / "fonts").glob("*"))
        key = [cover.cover_html(book), *(f.read_bytes() for f in inputs), "cover 1"]
        data = cache.cached("cover", key, lambda: cover.render_cover_png(book, styles_dir))
        suffix = ".png"
    media_type = "image/png" if suffix == ".png" else "image/jpeg"
    item = epub.EpubItem(
        uid="cover-image", file_name=f"images/cover{suffix}", media_type=media_type, content=data
    )
    item.properties = ["cover-image"]
    return item


def _stylesheet_items(stylesheets: list[Path]) -> list[epub.EpubItem]:
    items = []
    seen: set[str] = set()
    for index, path in enumerate(stylesheets):
        try:
            content = Path(path).read_bytes()
        except OSError as exc:
            raise ManuscriptError(
                f"cannot read the stylesheet ({exc.strerror})",
                file=path,
                hint="name an existing CSS file in the edition's stylesheets",
            ) from exc
        name = Path(path).name if Path(path).name not in seen else f"{index}-{Path(path).name}"
        seen.add(name)
        uid = xhtml.safe_id(f"css-{Path(name).stem}")
        items.append(
            epub.EpubItem(
                uid=uid, file_name=f"{CSS_DIR}/{name}", media_type="text/css", content=content
            )
        )
    return items


def content_documents(book: Book, css_hrefs: list[str]) -> list[ContentDocument]:
    """Title page, chapters and colophon, in reading order."""
    documents = [
        ContentDocument(
            "titlepage", f"{TEXT_DIR}/titlepage.xhtml", xhtml.title_page(book, css_hrefs), None
        )
    ]
    for index, chapter in enumerate(book.chapters):
        tree = xhtml.chapter_document(book, chapter, css_hrefs, first=index == 0)
        documents.append(
            ContentDocument(
                xhtml.safe_id(chapter.id),
                f"{TEXT_DIR}/{xhtml.safe_id(chapter.id)}.xhtml",
                tree,
                toc_label(book, tree, index),
            )
        )
    if book.bibliography:
        documents.append(
            ContentDocument(
                "bibliography", f"{TEXT_DIR}/bibliography.xhtml",
                xhtml.bibliography_document(book, css_hrefs), book.bibliography_title,
            )
        )
    if book.corrections:
        documents.append(
            ContentDocument(
                "editorial-note", f"{TEXT_DIR}/editorial-note.xhtml",
                xhtml.editorial_note_document(book, css_hrefs),
                xhtml.label(book, "editorial_note").text,
            )
        )
    colophon = xhtml.colophon(book, css_hrefs)
    documents.append(
        ContentDocument(
            "colophon", f"{TEXT_DIR}/colophon.xhtml", colophon, xhtml.label(book, "colophon").text
        )
    )
    return documents


def toc_label(book: Book, tree: etree._ElementTree, index: int) -> str | None:
    """The chapter's heading; an untitled opening gets the book's title; other untitled: none.

    The untitled opening is where the text starts, and the table of contents must reach it; it
    reads under the book's title (its document ``<title>`` is that too), and inventing a word
    ("Prologue") would give the author a heading they did not write. An untitled chapter later
    on continues the one before it, so it gets no entry rather than an empty or made-up one.
    """
    heading = xhtml.heading_text(tree)
    if heading:
        return heading
    return book.metadata.title if index == 0 else None


def navigation_document(
    book: Book, documents: list[ContentDocument], css_hrefs: list[str]
) -> ContentDocument:
    contents = xhtml.label(book, "contents")
    tree, body = xhtml.new_document(book, contents.text, css_hrefs, "frontmatter")
    toc = xhtml.sub(
        body, "nav", id="toc", role="doc-toc", epub_type="toc", aria_labelledby="toc-title"
    )
    toc.set("class", "toc")
    xhtml.labelled(toc, "h1", contents, id="toc-title")
    entries = xhtml.sub(toc, "ol")
    for document in documents:
        if document.toc_label:
            item = xhtml.sub(entries, "li")
            xhtml.sub(item, "a", document.toc_label, href=Path(document.href).name)

    # Landmarks are for the reading system's menu, not for reading: hidden (EPUB 3.3 sec. 7.4).
    landmarks = xhtml.sub(
        body,
        "nav",
        id="landmarks",
        epub_type="landmarks",
        aria_labelledby="landmarks-title",
        hidden="hidden",
    )
    xhtml.labelled(landmarks, "h2", xhtml.label(book, "landmarks"), id="landmarks-title")
    entries = xhtml.sub(landmarks, "ol")
    for document in documents:
        if document.uid == "cover":
            xhtml.labelled(
                xhtml.sub(entries, "li"), "a", xhtml.label(book, "cover"),
                href=Path(document.href).name, epub_type="cover",
            )
    xhtml.labelled(xhtml.sub(entries, "li"), "a", contents, href="nav.xhtml#toc", epub_type="toc")
    chapter_uids = [xhtml.safe_id(chapter.id) for chapter in book.chapters]
    first_chapter = next(d for d in documents if d.uid in chapter_uids)
    xhtml.labelled(
        xhtml.sub(entries, "li"),
        "a",
        xhtml.label(book, "start"),
        href=Path(first_chapter.href).name,
        epub_type="bodymatter",
    )
    noted = next((c for c in book.chapters if c.notes), None)
    if noted is not None:
        # The notes live at the end of each chapter; the landmark leads to the first of them.
        page = f"{xhtml.safe_id(noted.id)}.xhtml"
        xhtml.labelled(
            xhtml.sub(entries, "li"), "a", xhtml.label(book, "notes"),
            href=f"{page}#{xhtml.safe_id(noted.id)}-endnotes", epub_type="endnotes",
        )
    for document in documents:
        if document.uid == "bibliography":
            xhtml.sub(
                xhtml.sub(entries, "li"), "a", book.bibliography_title,
                href=Path(document.href).name, epub_type="bibliography",
            )
    return ContentDocument("nav", f"{TEXT_DIR}/nav.xhtml", tree, None)


def _set_metadata(package: epub.EpubBook, book: Book) -> None:
    meta = book.metadata
    package.IDENTIFIER_ID = "pub-id"
    package.set_identifier(meta.identifier)
    package.title = meta.full_title  # ebooklib's NCX docTitle
    package.language = meta.lang

    def refine(target: str, prop: str, value: str, scheme: str | None = None) -> None:
        attrs = {"refines": f"#{target}", "property": prop}
        if scheme:
            attrs["scheme"] = scheme
        package.add_metadata(None, "meta", value, attrs)

    package.add_metadata("DC", "title", meta.title, {"id": "title"})
    refine("title", "title-type", "main")
    if meta.subtitle:
        package.add_metadata("DC", "title", meta.subtitle, {"id": "subtitle"})
        refine("subtitle", "title-type", "subtitle")
    package.add_metadata("DC", "language", meta.lang)
    for index, person in enumerate(meta.contributors, 1):
        # dc:creator for authors, dc:contributor for the rest (EPUB 3.3 sec. 5.5.3.2.3).
        element = "creator" if person.role == "aut" else "contributor"
        uid = f"{element}-{index}"
        package.add_metadata("DC", element, person.name, {"id": uid})
        refine(uid, "role", person.role, "marc:relators")
        if person.file_as:
            refine(uid, "file-as", person.file_as)
    for element, value in (
        ("date", meta.date),
        ("publisher", meta.publisher),
        ("rights", meta.rights),
        ("description", meta.description),
        ("source", meta.source),
    ):
        if value:
            package.add_metadata("DC", element, value)
    for subject in meta.subjects:
        package.add_metadata("DC", "subject", subject)
    for prop, value in ACCESSIBILITY:
        package.add_metadata(None, "meta", value, {"property": prop})
    package.add_metadata(None, "meta", CERTIFIER, {"property": "a11y:certifiedBy"})


def _package_lang(opf: bytes, book: Book) -> bytes:
    root = etree.fromstring(opf)
    root.set(xhtml.XML_LANG, book.metadata.lang)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _ncx_depth(ncx: bytes) -> bytes:
    # ebooklib writes dtb:depth 0; the NCX spec wants the depth of the navMap (ours is flat: 1),
    # and Adobe RMSDK readers use it to lay out their contents menu.
    root = etree.fromstring(ncx)
    for meta in root.iter("{http://www.daisy.org/z3986/2005/ncx/}meta"):
        if meta.get("name") == "dtb:depth":
            meta.set("content", "1")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _reproducible_zip(
    data: bytes, out: Path, modified: datetime, rewrite: dict[str, Callable[[bytes], bytes]]
) -> None:
    """Rewrite the archive so equal input gives equal bytes.

    OCF 3.3 sec. 4.2.2: ``mimetype`` is the first entry, stored, with no extra field. Zip (DOS)
    times have no time zone and start in 1980; we write the UTC wall time, clamped.
    """
    stamp = max(modified.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = source.namelist()
        order = ["mimetype"] + [name for name in names if name != "mimetype"]
        with zipfile.ZipFile(out, "w") as target:
            for name in order:
                content = source.read(name)
                if name in rewrite:
                    content = rewrite[name](content)
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.create_system = 3  # Unix, whatever the build machine
                info.external_attr = 0o100644 << 16
                if name == "mimetype":
                    info.compress_type = zipfile.ZIP_STORED
                    target.writestr(info, content)
                else:
                    info.compress_type = zipfile.ZIP_DEFLATED
                    target.writestr(info, content, compresslevel=9)
