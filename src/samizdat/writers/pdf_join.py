"""The parts of a book laid out part by part (``print_parts``), joined into one PDF.

Each part is a PDF WeasyPrint wrote, opening with any lead pages that stand for the page
before it. The joined PDF has what WeasyPrint gives a whole book:

- **the pages** of every part after its lead pages, in order, links and all;
- **one name tree of anchors** (``/Dests``): WeasyPrint's internal links are ``/Dest (name)``
  strings, so a link into another part resolves once that part's anchor is in the tree. The
  empty stand-ins a part held for other parts' ids (``meta["stubs"]``) are left out;
- **one outline**, built from the parts' bookmarks (their CSS levels) by WeasyPrint's own
  ``make_page_bookmark_tree``, so that a chapter's sections nest as in the whole book;
- **one embedded program per face**: WeasyPrint subsets with HarfBuzz's ``RETAIN_GIDS``
  (WeasyPrint 70 ``pdf/fonts.py``), so the glyph ids in every part's content streams are the
  original font's. Each part carries a stand-in for a plain face's program
  (``print_parts._font_programs_left_out``), replaced here by one subset of the union of the
  glyphs the parts use, made by WeasyPrint's own subsetting code: byte for byte the subset a
  whole-book layout embeds. The parts' font dictionaries (their widths and ToUnicode maps,
  for the glyphs each uses) stay as they are;
- the first part's document information, XMP packet and language, and a trailer /ID whose
  first half is the book's (as every edition of it has) and whose second half is a digest of
  the parts, so the same parts give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from types import SimpleNamespace

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, ByteStringObject, DictionaryObject, FloatObject,
                           NameObject, NumberObject, StreamObject, TextStringObject)

from samizdat.errors import BuildError
from samizdat.writers import weasyprint_import

#: PDF points per CSS pixel (WeasyPrint: 72 points per inch, 96 pixels per inch).
SCALE = 0.75
FONT_SUFFIXES = (".ttf", ".otf", ".ttc")


def join(parts, *, identifier: bytes, font_roots: list[Path]) -> bytes:
    """One PDF from ``parts`` (``print_parts.LaidOutPart``, in reading order)."""
    writer = PdfWriter()
    readers = [PdfReader(io.BytesIO(part.pdf)) for part in parts]
    programs = _font_programs(writer, parts, font_roots)
    for reader in readers:
        for descriptor in _font_descriptors(reader):
            for key in ("/FontFile2", "/FontFile3"):
                name = str(descriptor["/FontName"])
                if key in descriptor and name in programs:
                    # The writer's own object: cloning a page keeps the reference as it is.
                    descriptor[NameObject(key)] = programs[name]

    pages, names, bookmarked = [], [], []
    for part, reader in zip(parts, readers):
        kept = {}
        for index, page in enumerate(reader.pages):
            if index < part.lead:
                continue
            kept[page.indirect_reference.idnum] = len(pages)
            pages.append(writer.add_page(page))
        stubs = set(part.meta["stubs"])
        for name, destination in _named_destinations(reader):
            page_number = kept.get(destination[0].idnum)
            if page_number is not None and name not in stubs:  # another part's anchor
                names.append((name, page_number, destination[1:]))
        heights = part.meta["heights"]
        marks_by_page: dict[int, list] = {}
        for index, level, label, x, y, state in part.meta["bookmarks"]:
            marks_by_page.setdefault(index, []).append((level, label, (x, y), state))
        bookmarked += [SimpleNamespace(height=heights[index],
                                       bookmarks=marks_by_page.get(index, []))
                       for index in range(part.lead, len(heights))]

    if names:
        tree = ArrayObject()
        for name, page_number, rest in sorted(names, key=lambda entry: entry[0]):
            tree.append(TextStringObject(name))
            tree.append(ArrayObject([pages[page_number].indirect_reference, *rest]))
        writer._root_object[NameObject("/Names")] = DictionaryObject({
            NameObject("/Dests"): DictionaryObject({NameObject("/Names"): tree})})
    _add_outline(writer, pages, bookmarked)

    first = readers[0]
    catalog = first.trailer["/Root"]
    for key in ("/Lang", "/Metadata"):
        if key in catalog:
            writer._root_object[NameObject(key)] = catalog.raw_get(key).clone(writer)
    writer.add_metadata({key: value for key, value in first.metadata.items()})
    second = hashlib.md5(b"".join(hashlib.sha256(part.pdf).digest() for part in parts))
    writer._ID = ArrayObject([ByteStringObject(identifier),
                              ByteStringObject(second.hexdigest().encode())])
    # The parts' identical objects (colour spaces, graphics states, resources) once. pypdf
    # writes no object streams, which WeasyPrint does, so the joined file is about a third
    # larger than a whole-book layout's: the essay's is 202 KB against 149 KB, and 198 KB
    # is the whole-book file as pypdf writes it.
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _named_destinations(reader: PdfReader):
    """``(name, [page reference, /XYZ, x, y, zoom])`` for each anchor WeasyPrint wrote (a flat
    ``/Names`` array under ``/Dests``, sorted, no kids)."""
    names = reader.trailer["/Root"].get("/Names", {}).get("/Dests", {}).get("/Names", [])
    for index in range(0, len(names), 2):
        destination = names[index + 1].get_object()
        yield str(names[index]), [destination[0], *destination[1:]]


def _font_descriptors(reader: PdfReader):
    """Every font descriptor of a WeasyPrint PDF. Its pages share one /Resources, so each
    resources object is read once (resolving every page's is most of a join's time)."""
    seen = set()
    for page in reader.pages:
        resources = page.raw_get("/Resources")
        number = getattr(resources, "idnum", None)
        if number is not None and number in seen:
            continue
        seen.add(number)
        fonts = resources.get_object().get("/Font")
        for reference in (fonts.get_object().values() if fonts is not None else ()):
            font = reference.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None:
                    yield descriptor.get_object()


def _font_programs(writer: PdfWriter, parts, font_roots: list[Path]) -> dict:
    """For each face the parts use (by its PDF name), one embedded subset of every glyph any
    part uses, as a writer object."""
    glyphs: dict[str, set[int]] = {}
    originals: dict[str, str] = {}
    for part in parts:
        for name, font in part.meta["fonts"].items():
            if font["joined"]:  # else the part's own program stays (print_parts._plain)
                glyphs.setdefault(name, set()).update(font["glyphs"])
                # The file, and the face in it (a .ttc collection holds several).
                originals[name] = (font["sha256"], font["face"])
    files = _font_files(font_roots, {sha for sha, _ in originals.values()})
    programs = {}
    for name in sorted(glyphs):
        sha, face = originals[name]
        data = files.get(sha)
        if data is None:
            raise BuildError(f"the font file of {name.lstrip('/')} is no longer in the styles "
                             "folder", hint="run samizdat clean, then build again")
        program = _subset(data, face, glyphs[name])
        stream = StreamObject()
        stream.set_data(program)
        if program[:4] == b"OTTO":
            stream[NameObject("/Subtype")] = NameObject("/OpenType")
        else:
            stream[NameObject("/Length1")] = NumberObject(len(program))
        programs[name] = writer._add_object(stream.flate_encode())
    return programs


def _font_files(roots: list[Path], wanted: set[str]) -> dict[str, bytes]:
    """The font files under ``roots`` whose SHA-256 is in ``wanted``, by digest."""
    found = {}
    for root in roots:
        for path in sorted(Path(root).rglob("*")):
            if path.suffix.lower() in FONT_SUFFIXES and path.is_file():
                data = path.read_bytes()
                sha = hashlib.sha256(data).hexdigest()
                if sha in wanted:
                    found.setdefault(sha, data)
    return found


def _subset(data: bytes, face: int, glyphs: set[int]) -> bytes:
    """Face ``face`` of the font file ``data`` subset to ``glyphs`` (ids kept), exactly as
    WeasyPrint subsets a font it embeds: its own ``Font._harfbuzz_subset`` run on the face."""
    from weasyprint.pdf.fonts import Font

    font = SimpleNamespace(hb_face=_harfbuzz_face(data, face), missing={}, file_content=data,
                           family="")
    Font._harfbuzz_subset(font, sorted(glyphs), False)  # hinting off: WeasyPrint's default
    if font.file_content is data:  # HarfBuzz refused; WeasyPrint would embed the whole file
        raise BuildError("HarfBuzz could not subset a font of the book")
    return font.file_content


_harfbuzz = None


def _hb():
    """WeasyPrint's cffi handle on HarfBuzz, with what WeasyPrint does not declare: making a
    face from bytes, and the library's version (``weasyprint_import.EXTRA``, declared with
    WeasyPrint's own declarations when the import hook was in place). The library is opened
    again with them, under the names WeasyPrint 70 tries (text/ffi.py), in its order."""
    global _harfbuzz
    from weasyprint.text.ffi import _dlopen, ffi

    if _harfbuzz is None:
        if not weasyprint_import.declared(ffi):  # WeasyPrint was imported before the hook
            ffi.cdef(weasyprint_import.EXTRA)
        _harfbuzz = _dlopen(ffi, "libharfbuzz-0", "harfbuzz", "harfbuzz-0.0",
                            "libharfbuzz.so.0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll")
    return _harfbuzz


def harfbuzz_version() -> str:
    from weasyprint.text.ffi import ffi

    return ffi.string(_hb().hb_version_string()).decode()


def _harfbuzz_face(data: bytes, index: int):
    """A HarfBuzz face of face ``index`` of the font file ``data``."""
    from weasyprint.text.ffi import ffi

    harfbuzz = _hb()
    # HB_MEMORY_MODE_DUPLICATE (0): HarfBuzz keeps its own copy of the bytes.
    blob = harfbuzz.hb_blob_create(data, len(data), 0, ffi.NULL, ffi.NULL)
    face = harfbuzz.hb_face_create(blob, index)
    harfbuzz.hb_blob_destroy(blob)  # the face holds its own reference
    return ffi.gc(face, harfbuzz.hb_face_destroy)


def _add_outline(writer: PdfWriter, pages: list, bookmarked: list) -> None:
    """The outline WeasyPrint would write for these pages (``pdf/anchors.py add_outlines``)."""
    from weasyprint.document import Document

    tree = Document.make_bookmark_tree(SimpleNamespace(pages=bookmarked), SCALE, True)
    if not tree:
        return
    root = DictionaryObject()
    root_reference = writer._add_object(root)
    items, count = _outline_items(writer, pages, tree, root_reference)
    root.update({NameObject("/Count"): NumberObject(count),
                 NameObject("/First"): items[0].indirect_reference,
                 NameObject("/Last"): items[-1].indirect_reference})
    writer._root_object[NameObject("/Outlines")] = root_reference


def _outline_items(writer, pages, bookmarks, parent_reference):
    count = len(bookmarks)
    items = []
    for title, (page, x, y), children, state in bookmarks:
        item = DictionaryObject({
            NameObject("/Title"): TextStringObject(title),
            NameObject("/Dest"): ArrayObject([
                pages[page].indirect_reference, NameObject("/XYZ"), FloatObject(x),
                FloatObject(y), NumberObject(0)]),
            NameObject("/Parent"): parent_reference,
        })
        reference = writer._add_object(item)
        item.indirect_reference = reference
        child_items, child_count = _outline_items(writer, pages, children, reference)
        item[NameObject("/Count")] = NumberObject(-child_count if state == "closed"
                                                  else child_count)
        if state != "closed":
            count += child_count
        if child_items:
            item[NameObject("/First")] = child_items[0].indirect_reference
            item[NameObject("/Last")] = child_items[-1].indirect_reference
        if items:
            item[NameObject("/Prev")] = items[-1].indirect_reference
            items[-1][NameObject("/Next")] = reference
        items.append(item)
    return items, count
