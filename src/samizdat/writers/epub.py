"""Book -> EPUB 3 (with an NCX for older readers), reproducible byte for byte.

The pages are the one renderer's (``html.py``), with notes as pop-up asides at each chapter's
end; this module only packages them: a content document per page, the contents page made the
navigation document (with landmarks and, from the print edition, a page list), every image the
book shows in the manifest, the metadata, and the reproducible zip.

ebooklib 0.20 writes the package (OPF metadata, manifest, spine, NCX). Our pages are handed to
ebooklib as plain ``EpubItem``s,
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
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ebooklib import epub
from lxml import etree

from samizdat.document import MATH, Book, PageList
from samizdat.errors import ManuscriptError
from samizdat.writers import html
from samizdat.writers.html import Page, RenderOptions

WRITER_OPTIONS = {
    "epub3_pages": False,  # see the module docstring
    "epub2_guide": False,  # EPUB 3 has landmarks in the nav; <guide> is legacy
    "epub3_landmark": False,  # only used by ebooklib's own nav, which we do not use
    "play_order": {"enabled": True, "start_from": 1},  # NCX playOrder, for Adobe RMSDK readers
    # ebooklib's archive is only read back by _reproducible_zip, which compresses each entry
    # (level 9) once: deflating here too doubled the zip's cost (0.1 s for a 30-chapter book).
    "compresslevel": 0,
}

TEXT_DIR = "text"
CSS_DIR = "css"
MEDIA_DIR = "media"
OPF_PATH = "EPUB/content.opf"
NCX_PATH = "EPUB/toc.ncx"  # ebooklib's fixed name for EpubNcx()
CERTIFIER = "samizdat (automated: EPUBCheck and Ace)"

DocumentFilter = Callable[[etree._ElementTree], None]


def write_epub(
    book: Book, out: Path, *, stylesheets: list[Path], source_date_epoch: int | None = None,
    page_list: PageList | None = None, styles_dir: Path | None = None,
) -> None:
    write_package(book, out, stylesheets=stylesheets, source_date_epoch=source_date_epoch,
                  page_list=page_list, styles_dir=styles_dir)


def write_package(
    book: Book,
    out: Path,
    *,
    stylesheets: list[Path],
    source_date_epoch: int | None = None,
    finish_document: DocumentFilter | None = None,
    page_list: PageList | None = None,
    styles_dir: Path | None = None,
) -> None:
    """Write the EPUB to ``out``; ``finish_document`` may change each page (KEPUB spans).
    ``styles_dir`` holds cover.css and the fonts the cover is set in; the build passes its
    styles folder, library use may leave it to the first stylesheet's folder."""
    if source_date_epoch is not None:
        modified = datetime.fromtimestamp(source_date_epoch, tz=UTC)
    else:
        modified = datetime.now(UTC).replace(microsecond=0)

    if styles_dir is None and stylesheets:
        styles_dir = stylesheets[0].parent
    css = _stylesheet_items(stylesheets)
    media = _media_names(book)
    options = RenderOptions(
        notes="end-of-chapter",
        stylesheets=tuple(f"../{item.file_name}" for item in css),
        asset_href=lambda href: f"../{media[href]}",
        link=lambda page, fragment: f"{page}.xhtml" + (f"#{fragment}" if fragment else ""),
        math="mathml",
    )
    pages = html.render_book(book, options)
    cover = cover_image(book, styles_dir)
    pages.insert(0, html.cover_image_page(book, options, f"../{cover.file_name}"))
    contents = next(page for page in pages if page.kind == "contents")
    if page_list is not None:
        page_list = _mark_page_breaks(pages, page_list)
    _navigation(book, contents, pages, page_list)
    if finish_document is not None:
        for page in pages:
            finish_document(page.tree)

    package = epub.EpubBook()
    _set_metadata(package, book, page_list)
    package.add_item(cover)
    # EPUB 2 readers (and Kindle's converter) find the cover through this meta, not the
    # manifest property.
    package.add_metadata(None, "meta", "", {"name": "cover", "content": cover.id})
    for item in css:
        package.add_item(item)
    for index, asset in enumerate(book.assets, 1):
        package.add_item(epub.EpubItem(uid=f"image-{index}", file_name=media[asset.href],
                                       media_type=asset.media_type,
                                       content=asset.path.read_bytes()))
    items = {}
    for page in pages:
        item = epub.EpubItem(uid=page.uid, file_name=f"{TEXT_DIR}/{page.uid}.xhtml",
                             media_type="application/xhtml+xml", content=html.serialize(page.tree))
        item.properties = _properties(page, contents)
        items[page.uid] = package.add_item(item)
    package.add_item(epub.EpubNcx())
    package.spine = list(items.values())
    package.toc = [
        epub.Link(f"{TEXT_DIR}/{page.uid}.xhtml", page.toc_label, f"nav-{page.uid}")
        for page in pages
        if page.toc_label
    ]

    buffer = io.BytesIO()
    options_ = dict(WRITER_OPTIONS, mtime=modified)
    writer = epub.EpubWriter(buffer, package, options_)
    writer.process()
    writer.write()
    _reproducible_zip(
        buffer.getvalue(),
        out,
        modified,
        {OPF_PATH: lambda data: _package_lang(data, book), NCX_PATH: _ncx_depth},
    )


def _media_names(book: Book) -> dict[str, str]:
    """Each image's file name in the package: media/ and its manuscript path, made safe for a
    URL and a zip name (no spaces, no percent-encoding to get wrong), unique."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for asset in book.assets:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", asset.href.rsplit(".", 1)[0]).strip("-") or "image"
        suffix = "." + asset.href.rsplit(".", 1)[-1].lower() if "." in asset.href else ""
        name, number = f"{MEDIA_DIR}/{stem}{suffix}", 1
        while name in used:
            number += 1
            name = f"{MEDIA_DIR}/{stem}-{number}{suffix}"
        used.add(name)
        names[asset.href] = name
    return names


def _properties(page: Page, contents: Page) -> list[str]:
    properties = ["nav"] if page is contents else []
    # OPF-014: a content document with MathML must say so in the manifest.
    if page.tree.find(".//{http://www.w3.org/1998/Math/MathML}math") is not None:
        properties.append("mathml")
    return properties


def cover_image(book: Book, styles_dir: Path | None) -> epub.EpubItem:
    """The metadata's cover image, or a typographic one made from the title (writers/cover.py)."""
    if book.metadata.cover is not None:
        data = book.metadata.cover.read_bytes()
        suffix = book.metadata.cover.suffix.lower().replace("jpeg", "jpg")
    else:
        from samizdat.writers import cover

        if styles_dir is None:
            raise ManuscriptError("no styles folder to make a cover from", hint="pass --styles DIR")
        data = cover.cover_png(book, styles_dir)
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
        uid = html_id(f"css-{Path(name).stem}")
        items.append(
            epub.EpubItem(
                uid=uid, file_name=f"{CSS_DIR}/{name}", media_type="text/css", content=content
            )
        )
    return items


def html_id(value: str) -> str:
    from samizdat.readers.extensions.attributes import safe_id

    return safe_id(value)


def _navigation(book: Book, contents: Page, pages: list[Page], page_list: PageList | None) -> None:
    """The contents page as the EPUB's navigation document: its toc nav is the renderer's;
    landmarks (for the reading system's menu, not for reading: hidden, EPUB 3.3 sec. 7.4)
    and the page list are the EPUB's own."""
    body = contents.body
    landmarks = html.sub(body, "nav", id="landmarks", epub_type="landmarks",
                         aria_labelledby="landmarks-title", hidden="hidden")
    html.labelled(landmarks, "h2", html.label(book, "landmarks"), id="landmarks-title")
    entries = html.sub(landmarks, "ol")
    first_chapter = next(page for page in pages if page.kind == "chapter")
    noted = next((page for page in pages if page.chapter and page.chapter.notes), None)
    for page in pages:
        target, kind, text = f"{page.uid}.xhtml", page.landmark, None
        if page.kind == "cover":
            text = html.label(book, "cover")
        elif page is contents:
            target, text = "contents.xhtml#toc", html.label(book, "contents")
        elif page is first_chapter:
            kind, text = "bodymatter", html.label(book, "start")
        elif page.kind == "bibliography":
            text = html.labels.Label(page.title, None)
        if text is not None:
            html.labelled(html.sub(entries, "li"), "a", text, href=target, epub_type=kind)
        if page is noted:
            # The notes live at the end of each chapter; the landmark leads to the first of them.
            html.labelled(html.sub(entries, "li"), "a", html.label(book, "notes"),
                          href=f"{page.uid}.xhtml#{page.uid}-endnotes", epub_type="endnotes")
    if page_list is not None and page_list.breaks:
        nav = html.sub(body, "nav", id="page-list", epub_type="page-list", role="doc-pagelist",
                       aria_labelledby="page-list-title", hidden="hidden")
        html.labelled(nav, "h2", html.label(book, "pages"), id="page-list-title")
        items = html.sub(nav, "ol")
        for number, chapter_id, _words in page_list.breaks:
            html.sub(html.sub(items, "li"), "a", str(number),
                     href=f"{chapter_id}.xhtml#page-{number}")


def _mark_page_breaks(pages: list[Page], page_list: PageList) -> PageList:
    """A page-break marker where each print page begins: before the first words of the page,
    found in the chapter's text after the previous page's (EPUB SSV pagebreak, DPUB-ARIA
    doc-pagebreak). Returns the breaks that were placed: a page whose words cannot be found
    is left out of the list rather than put in the wrong place."""
    chapters = {page.uid: page for page in pages if page.body.find(f"{html.X}section") is not None}
    cursors: dict[str, int] = {}
    kept = []
    for number, chapter_id, words in page_list.breaks:
        page = chapters.get(chapter_id)
        if page is None:
            continue
        placed = _insert_break(page, number, words, cursors.get(chapter_id, 0))
        if placed is not None:
            cursors[chapter_id] = placed
            kept.append((number, chapter_id, words))
    return PageList(tuple(kept))


def _insert_break(page: Page, number: int, words: str, start: int) -> int | None:
    """Insert the marker at the first place at or after text slot ``start`` where ``words``
    begin; return the slot after the marker, or None."""
    marker = etree.Element(f"{html.X}span", id=f"page-{number}", role="doc-pagebreak")
    marker.set(html.EPUB_TYPE, "pagebreak")
    marker.set("aria-label", str(number))
    section = page.body.find(f"{html.X}section")
    if not words:  # the page begins with the chapter
        section.insert(0, marker)
        return start
    slots = [(element, slot) for element in section.iter()
             if isinstance(element.tag, str) and element.tag != f"{html.X}aside"
             for slot in ("text", "tail")]
    for index in range(start, len(slots)):
        element, slot = slots[index]
        text = getattr(element, slot) or ""
        found = text.find(words)
        if found < 0:
            continue
        marker.tail = text[found:]
        setattr(element, slot, text[:found])
        if slot == "text":
            element.insert(0, marker)
        else:
            element.addnext(marker)
        return index + 1
    return None


def accessibility(book: Book, page_list: PageList | None) -> list[tuple[str, str]]:
    """What a reading system or bookshop tells a reader before they buy (EPUB Accessibility
    1.1 sec. 2; schema.org accessibility properties), derived from what the book contains."""
    images = list(book.assets)
    described = [a for a in images if a.alt.strip()]
    has_math = any(chapter.content.find(f".//{MATH}") is not None for chapter in book.chapters)
    found = [("schema:accessMode", "textual"), ("schema:accessMode", "visual")]
    # Text alone suffices when every image the text shows is described in words (the cover's
    # alt text names the book); an undescribed image leaves visual needed.
    if len(described) == len(images):
        found.append(("schema:accessModeSufficient", "textual"))
    found.append(("schema:accessModeSufficient", "textual,visual"))
    found += [("schema:accessibilityFeature", "alternativeText")] if len(described) == len(images) else []
    found += [("schema:accessibilityFeature", feature) for feature in (
        "structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability")]
    if has_math:
        found.append(("schema:accessibilityFeature", "MathML"))
    if page_list is not None and page_list.breaks:
        found += [("schema:accessibilityFeature", "pageBreakMarkers"),
                  ("schema:accessibilityFeature", "pageNavigation")]
    found.append(("schema:accessibilityHazard", "none"))
    found.append(("schema:accessibilitySummary", _summary(book, images, described, has_math,
                                                         page_list)))
    # The exact conformance string of EPUB Accessibility 1.1 sec. 2.1 (“EPUB Accessibility
    # 1.1 - WCAG 2.x Level X”); Ace reads it.
    found.append(("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"))
    return found


def _summary(book, images, described, has_math, page_list) -> str:
    if not images:
        pictures = "its only image is the cover, described in words"
    elif len(described) == len(images):
        pictures = (f"besides the cover it shows {len(images)} "
                    f"image{'s' if len(images) > 1 else ''}, each described in words")
    else:
        pictures = (f"besides the cover it shows {len(images)} images, "
                    f"{len(images) - len(described)} of them without a description")
    parts = [f"The text is complete as text: {pictures}."]
    if has_math:
        parts.append("Mathematics is in MathML.")
    parts.append("Headings, a table of contents and landmarks; notes are linked to their place "
                 "in the text and back.")
    if page_list is not None and page_list.breaks:
        parts.append("Page numbers follow the print edition.")
    parts.append("Fonts and sizes follow the reader’s settings.")
    return " ".join(parts)


def _set_metadata(package: epub.EpubBook, book: Book, page_list: PageList | None) -> None:
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
        attributes = {"id": uid}
        if person.lang:
            attributes["{http://www.w3.org/XML/1998/namespace}lang"] = person.lang
        package.add_metadata("DC", element, person.name, attributes)
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
    for prop, value in accessibility(book, page_list):
        package.add_metadata(None, "meta", value, {"property": prop})
    package.add_metadata(None, "meta", CERTIFIER, {"property": "a11y:certifiedBy"})
    if page_list:
        # Where the page numbers of the page list come from (EPUB Accessibility 1.1 sec. 4.1):
        # the print edition, identified as ours.
        package.add_metadata("DC", "source", f"{meta.identifier}#print")
        package.add_metadata(None, "meta", f"{meta.identifier}#print",
                             {"property": "pageBreakSource"})


def _package_lang(opf: bytes, book: Book) -> bytes:
    root = etree.fromstring(opf)
    root.set(html.XML_LANG, book.metadata.lang)
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
