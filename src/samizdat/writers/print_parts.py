"""Print laid out part by part: each chapter its own WeasyPrint document, kept between builds.

Laying a book out is most of a print build, and WeasyPrint lays out a whole document at once,
so a one-sentence edit of a long book's last chapter would lay out every page again. Here the
pamphlet is cut where print.css starts a new page anyway (``pamphlet.pamphlet_parts``: the front
matter, each chapter, the back matter), each part is laid out as a document of its own, given
the page number and the side it starts on, and kept in the build's cache (``samizdat.cache``)
under a digest of everything its pages depend on. ``pdf_join`` joins the parts' PDFs.

The joined book must be the document a whole-book layout gives (the same pages, breaks, notes,
running heads, bookmarks and links; tests/test_print_parts.py compares the two). What a part
needs from the parts before it, it is given:

- **its first page number and side.** ``@page :first { counter-increment: page N }`` numbers
  the part's pages from N (a page rule that touches the page counter drops its implicit
  increment, WeasyPrint 70 ``layout/page.py`` ``_standardize_page_based_counters``). A
  document's first page is a right-hand one; a part that follows an odd page opens with a
  *lead page* standing for it, so that the part's first element, which breaks to a new page
  by its own ``break-before`` (a chapter's ``right``), gets the blank page WeasyPrint gives it
  in the whole book. Lead pages are dropped when the parts are joined.
- **the anchors of other parts it links to**: an empty, absolutely positioned element with
  each such id, because WeasyPrint drops a link whose anchor is missing from its document
  (``pdf/anchors.py``, ``resolve_links``); the link keeps its ``/Dest`` name, which the joined
  PDF's name tree resolves to the real anchor.
- **the page numbers of the contents**: ``target-counter()`` cannot see another document, so
  the contents' links carry the number (``data-folio``, which print.css shows). The numbers
  depend on the pages before the chapters, contents included, so the parts are laid out again
  until the numbers the contents show are the numbers the chapters start on (twice; a rebuild
  finds both rounds in the cache).

A part's layout must not depend on anything else: a page-based counter, a named string or a
``target-counter()`` reaching across parts would differ. print.css opens every part with its
own running head, and the model numbers notes and equations itself (``data-note-number``);
stylesheets that reach across the book are laid out whole (``separable``).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from lxml import etree

import samizdat
from samizdat import cache
from samizdat.document import Book, PageList
from samizdat.errors import BuildError
from samizdat.writers import html, pamphlet

#: Bumped when the layout of a part or what is kept of it changes meaning.
PART_FORMAT = "print part 4"

#: Laying the parts out again for the contents' page numbers settles in two rounds unless the
#: numbers change the contents' own length; more than this means they never settle.
MAX_ROUNDS = 4


class NotSeparable(Exception):
    """A part does not begin a page of its own (a stylesheet removed the break before a
    chapter): the book must be laid out whole."""


#: The lead pages draw nothing: a folio or running head drawn there would put its glyphs into
#: the part's font subset (and so into the book's), though the page is dropped. A named page
#: outranks print.css's :left, :right and :blank rules (CSS Paged Media, page selectors).
_MARGIN_BOXES = ("top-left-corner", "top-left", "top-center", "top-right", "top-right-corner",
                 "left-top", "left-middle", "left-bottom", "right-top", "right-middle",
                 "right-bottom", "bottom-left-corner", "bottom-left", "bottom-center",
                 "bottom-right", "bottom-right-corner")
LEAD_CSS = (".part-stub { position: absolute; }\n"
            ".part-lead { page: samizdat-part-lead; }\n@page samizdat-part-lead { "
            + " ".join(f"@{box} {{ content: none; }}" for box in _MARGIN_BOXES) + " }")


@dataclass(frozen=True)
class LaidOutPart:
    """One part's PDF and what joining it needs: its pages (lead pages first), the number of
    its first page, its anchors, bookmarks, fonts and page-list entries."""

    pdf: bytes
    meta: dict

    @property
    def lead(self) -> int:
        return self.meta["lead"]

    @property
    def first(self) -> int:
        """The number of the part's first page (its lead page, if it has one)."""
        return self.meta["first"]

    @property
    def last(self) -> int:
        return self.first + len(self.meta["heights"]) - 1

    def encode(self) -> bytes:
        meta = json.dumps(self.meta, sort_keys=True).encode("utf-8")
        return len(meta).to_bytes(8, "big") + meta + self.pdf

    @classmethod
    def decode(cls, data: bytes) -> "LaidOutPart":
        size = int.from_bytes(data[:8], "big")
        return cls(data[8 + size:], json.loads(data[8:8 + size]))


def lay_out(book: Book, pages: list[html.Page], printer, *, source_date_epoch: int | None):
    """The book laid out part by part and joined: a ``pamphlet.Pamphlet``."""
    from samizdat.writers import pdf_join

    parts = pamphlet.pamphlet_parts(book, pages)
    contents_index = next((i for i, part in enumerate(parts)
                           if any(_has_class(e, "contents") for e in part)), None)
    defined = [_ids(part) for part in parts]
    everywhere = set().union(*defined)
    if sum(len(ids) for ids in defined) != len(everywhere):
        raise NotSeparable()  # an id in two parts: WeasyPrint's whole layout names it
    uids = {page.uid for page in pages}
    depends = _depends_on(book, printer)
    # One folder of parts per book and layout (page size, stylesheets), and in it one per
    # state of the code, styles, fonts and images: older states are removed (cache.prune).
    layout = cache.digest([book.metadata.identifier, printer.page_size,
                           *map(str, printer.stylesheets)])[:24]
    kind = f"print-part/{layout}/{depends[:24]}"
    laid: dict[str, LaidOutPart] = {}  # this run's layouts, cache or not
    used: set[str] = set()
    # The contents start without page numbers on every build, whatever the cache holds: a
    # contents can have two numberings that each reproduce themselves (one that wraps an
    # entry, and so moves the chapters on by a page, and one that does not), and which one
    # a build settles on must not depend on the build before it. A rebuild finds both
    # rounds' parts in the cache.
    numbers: dict[str, int] = {}
    for _ in range(MAX_ROUNDS):
        results, end = [], 0
        for index, part in enumerate(parts):
            sections = copy.deepcopy(part)
            if index == contents_index:
                _write_folios(sections, numbers)
            stubs = sorted((_targets(sections) - defined[index]) & everywhere)
            _add_stubs(sections, stubs)

            def document(lead: int, sections=sections) -> str:
                return pamphlet.pamphlet_html(book, source_date_epoch=source_date_epoch,
                                              sections=_lead_pages(lead) + sections)

            lead = end % 2  # none on an even page's heels; see _lay_out_part for the other
            key = cache.digest([PART_FORMAT, depends, str(end), document(lead)])
            if key not in laid:
                laid[key] = _cached_part(kind, key, lambda: _lay_out_part(
                    printer, document, end, stubs, uids))
            results.append(laid[key])
            used.add(key)
            end = results[-1].last
        anchors = {name: page for result in results
                   for name, page in result.meta["anchors"].items()}
        if not all(stub in anchors for result in results for stub in result.meta["stubs"]):
            raise NotSeparable()  # a link to an id that is not laid out: WeasyPrint says so
        wanted = {target: anchors[target] for target in _targets(parts[contents_index])
                  if target in anchors} if contents_index is not None else {}
        if wanted == {target: numbers.get(target) for target in wanted}:
            break
        numbers = wanted
    else:
        raise BuildError("the contents' page numbers did not settle: each layout of the "
                         "contents moved the chapters again",
                         hint="shorten the contents' entries, or report this as a bug")
    cache.prune(kind, keep={cache.digest([key]) for key in used})
    pdf = pdf_join.join(results, identifier=pamphlet.pdf_identifier(book),
                        font_roots=printer.allowed_roots)
    breaks = [tuple(entry) for result in results for entry in result.meta["page_list"]]
    return pamphlet.Pamphlet(pdf, PageList(tuple(breaks)))


def _cached_part(kind: str, key: str, lay_out_part: Callable[[], LaidOutPart]) -> LaidOutPart:
    """A part from the cache, or laid out and stored. An entry that does not read back (cut
    short by a crash, or written by another version) is laid out again, not a traceback."""
    data = cache.cached(kind, [key], lambda: lay_out_part().encode())
    try:
        return LaidOutPart.decode(data)
    except (ValueError, KeyError, IndexError):
        cache.discard(kind, [key])
        return LaidOutPart.decode(cache.cached(kind, [key], lambda: lay_out_part().encode()))


#: print.css's contents entry, the one ``target-counter()`` the writer replaces (data-folio).
_CONTENTS_ENTRY = (".contents a::after", 'leader(". ") target-counter(attr(href url), page)')
#: Where print.css sets named strings and floats notes: each part opens with its own marks,
#: and the model numbers the notes.
_STRINGS_AT = ("body", ".running-head-mark")
_NOTES_AT = (".footnote, .note",)
#: Selectors that count an element's place among its siblings: a part's first element gets
#: the stand-in anchors as first children (``_add_stubs``).
_SIBLING_COUNTS = (":first-child", ":nth-child", ":only-child", ":empty", ":first-of-type",
                   ":nth-of-type", ":only-of-type")


def separable(stylesheets: list[Path]) -> bool:
    """Whether a book with these stylesheets can be laid out part by part, each part on its
    own. Not when one of them, in any rule (in ``@media`` and the like, in ``@import``ed
    sheets):

    - counts across elements (``counter-increment``, ``-reset``, ``-set``; ``counter(pages)``,
      ``counter(footnote)``) or floats a note anywhere but print.css's notes, whose calls
      WeasyPrint would number;
    - selects pages by their place in the document (``@page :first``, ``@page :nth()``);
    - looks up another element's page or text (``target-counter()``, ``target-text()``)
      anywhere but in print.css's contents entry, or changes that entry;
    - sets a named string anywhere but on the body and the running-head marks that open each
      part, or makes running elements (``position: running()``, ``element()``): a string
      set in one chapter shows in the next one's first pages;
    - selects by an element's place among its siblings (``:first-child``...).

    Each of those would read one part, not the book, so such a book is laid out whole."""
    import tinycss2

    def tokens(nodes):  # every token, inside functions and {} [] () blocks too
        for node in nodes or ():
            yield node
            for inner in (getattr(node, "arguments", None), getattr(node, "content", None)):
                if isinstance(inner, list):
                    yield from tokens(inner)

    def declarations(rule):
        return [d for d in tinycss2.parse_declaration_list(
            rule.content or [], skip_comments=True, skip_whitespace=True)
            if d.type == "declaration"]

    def whole_book(rules, sheet: Path, seen: set) -> bool:
        for rule in rules:
            if rule.type == "at-rule" and rule.lower_at_keyword == "import":
                for token in rule.prelude:
                    url = getattr(token, "value", None) if token.type in ("url", "string") \
                        else None
                    imported = (sheet.parent / url).resolve() if url else None
                    if imported is not None and imported.is_file() and imported not in seen:
                        seen.add(imported)
                        if whole_book(_rules(imported), imported, seen):
                            return True
                continue
            if rule.type not in ("at-rule", "qualified-rule"):
                continue
            prelude = " ".join(tinycss2.serialize(rule.prelude or []).split())
            lowered = prelude.lower()
            if rule.type == "at-rule" and rule.lower_at_keyword not in ("page", "font-face"):
                # @media, @supports, @layer...: the rules inside count as well
                if rule.content is not None and whole_book(tinycss2.parse_rule_list(
                        rule.content, skip_comments=True, skip_whitespace=True), sheet, seen):
                    return True
                continue
            if rule.type == "at-rule" and (":nth(" in lowered.replace(" ", "")
                                           or ":first" in lowered):
                return True
            if rule.type == "qualified-rule" and any(s in lowered for s in _SIBLING_COUNTS):
                return True
            for declaration in declarations(rule):
                name = declaration.lower_name
                value = " ".join(tinycss2.serialize(declaration.value).split())
                if name in ("counter-increment", "counter-reset", "counter-set"):
                    return True
                if name == "string-set" and prelude not in _STRINGS_AT:
                    return True
                if name == "float" and "footnote" in value.lower() and prelude not in _NOTES_AT:
                    return True
                if name == "position" and "running(" in value.lower():
                    return True
                if prelude == _CONTENTS_ENTRY[0] and name == "content" and \
                        value != _CONTENTS_ENTRY[1]:
                    return True
            for token in tokens(rule.content):
                if token.type != "function":
                    continue
                name = token.lower_name
                argument = tinycss2.serialize(token.arguments).strip().split(",")[0].strip()
                if name in ("counter", "counters") and argument in ("pages", "footnote"):
                    return True
                if name == "element":
                    return True
                if name in ("target-counter", "target-counters", "target-text") and \
                        prelude != _CONTENTS_ENTRY[0]:
                    return True
        return False

    return not any(whole_book(_rules(Path(sheet)), Path(sheet), set())
                   for sheet in stylesheets)


def _rules(sheet: Path) -> list:
    import tinycss2

    return tinycss2.parse_stylesheet(Path(sheet).read_text(encoding="utf-8"),
                                     skip_comments=True, skip_whitespace=True)


def _lay_out_part(printer, document: Callable[[int], str], end: int, stubs: list[str],
                  uids: set[str]) -> LaidOutPart:
    """Lay out one part, which follows page ``end`` of the book (0: it opens the book);
    keep its PDF and what joining it needs. ``document(lead)``: its HTML after ``lead`` lead
    pages.

    After an even page (a left-hand one, in a left-to-right book) the part's first page is a
    right-hand page, as a document's first page is, so it needs no lead page, unless it asks
    to begin on a left-hand one: then two lead pages make WeasyPrint add the blank page the
    whole book has. After an odd page, one lead page stands for it."""
    lead = end % 2
    while True:
        first = end - lead + 1
        extra_css = f"@page :first {{ counter-increment: page {first}; }}\n{LEAD_CSS}"
        with _font_programs_left_out():
            rendered, pdf = printer.render(document(lead), extra_css=extra_css)
        opening = _opening_break(rendered, lead)
        if end > 0 and opening not in ("page", "left", "right", "recto", "verso"):
            raise NotSeparable()
        if lead == 0 and end > 0 and opening not in ("page", "recto", _first_side(rendered)):
            lead = 2
            continue
        break
    if _notes_left_over(rendered):
        raise NotSeparable()
    anchors, bookmarks = {}, []
    for index, page in enumerate(rendered.pages):
        for level, label, (x, y), state in page.bookmarks:
            bookmarks.append([index, level, label, x, y, state])
        if index >= lead:
            for name in page.anchors:
                if name not in stubs:
                    anchors.setdefault(name, first + index)  # split over pages: its first
    fonts = {}
    for font in rendered.fonts.values():
        entry = fonts.setdefault(font.name.decode("latin-1"), {
            "sha256": hashlib.sha256(bytes(_original(font))).hexdigest(), "glyphs": [],
            "face": font.index, "joined": _plain(font)})
        entry["glyphs"] = sorted(set(entry["glyphs"]) | set(font.to_unicode))
    page_list = [[first + number - 1, section, words]
                 for number, section, words in pamphlet.page_map(rendered, uids).breaks
                 if number > lead]
    meta = {"lead": lead, "first": first, "stubs": stubs,
            "heights": [page.height for page in rendered.pages], "anchors": anchors,
            "bookmarks": bookmarks, "fonts": fonts, "page_list": page_list}
    return LaidOutPart(pdf, meta)


def _notes_left_over(document) -> bool:
    """Whether the part ends on a page WeasyPrint added for notes that did not fit under
    their calls' page. In the whole book those notes go to the foot of the next part's first
    page instead, and the pages after differ: such a book is laid out whole."""
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox

    last = document.pages[-1]._page_box
    notes = [box for box in last.children if isinstance(box, FootnoteAreaBox) and box.children]
    flow = [box for box in last.children if type(box).__name__ == "BlockBox" and box.children]
    return bool(notes) and not flow


def _first_side(document) -> str:
    """The side of a document's first page: right, unless the book is set right to left."""
    root = document.pages[0]._page_box.children[0] if document.pages[0]._page_box.children \
        else None
    return "left" if root is not None and root.style["direction"] == "rtl" else "right"


def _opening_break(document, lead: int) -> str | None:
    """The ``break-before`` of the part's first element (the one after the lead pages): it
    must break to a new page by its own style for the part to be laid out on its own (then
    it begins a page in the whole book too). Only the first part, which opens the book,
    need not."""
    for page in document.pages[lead:]:  # the first after any blank page
        for html_box in page._page_box.children:
            for body in getattr(html_box, "children", ()):
                if getattr(body, "element_tag", None) != "body":
                    continue
                for box in body.children:
                    # Anonymous boxes (no element, or the body's own) are not a part's.
                    if box.element is not None and box.element_tag != "body" and \
                            not _has_class(box.element, "part-lead"):
                        return box.style["break_before"]
    return None


def _plain(font) -> bool:
    """A font the join embeds once for the whole book: an outline font that is neither
    variable nor in colour. WeasyPrint makes more of the others than a subset (a static
    instance, glyphs without their pictures: ``Font.clean``), so each part keeps its own."""
    return not (font.bitmap or "fvar" in font.tables or font.png or font.svg or font.colr)


@contextmanager
def _font_programs_left_out():
    """While a part is rendered, a plain font's program is not subset but left as a 4-byte
    stand-in: the join replaces it with one subset for the whole book, so subsetting it here
    would be wasted (a HarfBuzz subset a face a part, 0.17 s of the essay's parts, most of it
    cffi parsing the type of each new glyph array). The stand-in keeps the font's first bytes,
    which WeasyPrint reads to tell TrueType from CFF (``Font.type``)."""
    from weasyprint.pdf.fonts import Font

    clean = Font.clean

    def left_out(font, to_unicode, hinting):
        if _plain(font):
            font.file_content = bytes(font.file_content[:4])
        else:
            clean(font, to_unicode, hinting)

    Font.clean = left_out
    try:
        yield
    finally:
        Font.clean = clean


def _original(font):
    from weasyprint.text.fonts import get_hb_object_data

    return get_hb_object_data(font.hb_face)


def _lead_pages(lead: int) -> list[etree._Element]:
    """The pages that stand for the book's pages before the part (dropped when joining)."""
    pages = []
    for number in range(lead):
        page = etree.Element("div", {"class": "part-lead"})
        if number < lead - 1:
            page.set("style", "break-after: page")
        pages.append(page)
    return pages


def _add_stubs(sections: list[etree._Element], stubs: list[str]) -> None:
    """An empty, absolutely positioned element (out of the flow: no effect on the layout)
    for each anchor of another part this one links to, at the top of its first element.
    The join leaves their destinations out (``meta["stubs"]``)."""
    for name in reversed(stubs):
        sections[0].insert(0, etree.Element("div", {"id": name, "class": "part-stub"}))


def _write_folios(sections: list[etree._Element], numbers: dict[str, int]) -> None:
    """The contents' page numbers, written in (print.css shows ``data-folio``)."""
    for section in sections:
        for link in section.iter("a"):
            target = (link.get("href") or "")[1:]
            if (link.get("href") or "").startswith("#") and target in numbers:
                link.set("data-folio", str(numbers[target]))


def _has_class(element: etree._Element, name: str) -> bool:
    return name in (element.get("class") or "").split()


def _ids(part: list[etree._Element]) -> set[str]:
    return {node.get("id") for element in part for node in element.iter()
            if isinstance(node.tag, str) and node.get("id")}


def _targets(part: list[etree._Element]) -> set[str]:
    return {node.get("href")[1:] for element in part for node in element.iter("a")
            if (node.get("href") or "").startswith("#") and len(node.get("href")) > 1}


def _depends_on(book: Book, printer) -> str:
    """A digest of what a part's pages depend on besides its HTML: samizdat's code, the
    versions of WeasyPrint, the libraries it lays out and writes with (Pango and HarfBuzz
    included) and pypdf, the page size, the stylesheets and their folders (fonts), and the
    images the book shows. Not the chapters' text: that is in each part's HTML."""
    digest = hashlib.sha256()
    digest.update(f"{samizdat.__version__} {cache.code_digest()} {_libraries()} "
                  f"size {printer.page_size}\n".encode())
    folders = sorted({Path(sheet).resolve().parent for sheet in printer.stylesheets})
    for path in [Path(sheet).resolve() for sheet in printer.stylesheets]:
        digest.update(f"sheet {path.name}\n".encode())
    for folder in folders:
        digest.update(cache.tree_digest(folder).encode())
    for asset in book.assets:
        digest.update(f"asset {asset.href}\n".encode())
        digest.update(hashlib.sha256(Path(asset.path).read_bytes()).digest())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def _libraries() -> str:
    import cssselect2
    import fontTools
    import pydyf
    import pypdf
    import pyphen
    import tinycss2
    import tinyhtml5
    import weasyprint
    from weasyprint.text.ffi import pango

    from samizdat.writers.pdf_join import harfbuzz_version

    modules = (weasyprint, pydyf, tinycss2, cssselect2, pyphen, tinyhtml5, fontTools, pypdf)
    return " ".join([*(f"{m.__name__} {getattr(m, '__version__', '?')}" for m in modules),
                     f"pango {pango.pango_version()}", f"harfbuzz {harfbuzz_version()}"])


