"""Manuscript chapters (pandoc's Markdown, read with Python-Markdown) -> the document model.

Python-Markdown reads each chapter with the extensions registered in ``EXTENSIONS`` (its own
and pymdown-extensions' where they do the job, readers/extensions/ for what only pandoc has).
Its HTML is parsed once, by libxml2's HTML parser (entities resolved, raw HTML accepted as
browsers accept it), into the model's tree: what every edition renders its own way becomes an
element of the model's namespace (document.py), ids are made safe, images are checked and
listed as the book's assets.

The reader only reads: the transforms (citations, notes, typography) run afterwards, in one
visible place, ``samizdat.pipeline``. Every problem goes to a ``Diagnostics`` list with a code
and a place, so that ``samizdat lint`` and the build apply the same rules to the same reading.

What the reader hands to the notes transform (Chapter.citations, Chapter.footnotes):
Python-Markdown's footnote markup is taken apart here, since its numbers are in definition
order and per chapter, while ours are in reading order and shared with citation notes. A
footnote call becomes FOOTNOTE_REF and its definition ``chapter.footnotes[label]``; a citation
becomes CITE (readers/extensions/citations.py).
"""

from __future__ import annotations

import importlib
import pickle
import re
import sys
from functools import lru_cache
from pathlib import Path

import markdown
import yaml
from lxml import etree

from samizdat import cache
from samizdat.config import Manuscript, YAML_LOADER, read_text
from samizdat.diagnostics import Diagnostics
from samizdat.document import (
    CITE,
    FOOTNOTE_REF,
    MATH,
    Asset,
    Book,
    Chapter,
    Citation,
    Footnote,
    plain_text,
)
from samizdat.readers import images
from samizdat.readers.citation_syntax import code_spans
from samizdat.readers.extensions import citations, pandoc_blocks, pandoc_inlines, raw_tex
from samizdat.readers.extensions.attributes import safe_id

#: Python-Markdown's and pymdown-extensions' extensions, by module, with their settings; ours
#: (readers/extensions/) are added in ``_markdown``. By module, not by short name: a name makes
#: Python-Markdown look through every installed package's entry points (importlib.metadata,
#: 20-40 ms of each first build) before it imports the module.
EXTENSIONS = {
    "markdown.extensions.footnotes": {"UNIQUE_IDS": False},  # [^id] and [^id]: ..., as pandoc
    "markdown.extensions.tables": {},  # pipe tables
    "markdown.extensions.attr_list": {},  # {#id .class key=value} after a heading, an image, a link
    "markdown.extensions.def_list": {},  # Term / :   Definition
    # an ordered list starts at its first number; "-" and "1." lists never merge
    "markdown.extensions.sane_lists": {},
    # Markdown inside <div markdown="1">: fenced divs are written as that
    "markdown.extensions.md_in_html": {},
    "markdown.extensions.fenced_code": {},  # ``` and ~~~ code blocks, with a language
    "pymdownx.caret": {"insert": False},  # ^superscript^; pandoc has no ^^insert^^
    "pymdownx.tilde": {"subscript": True, "delete": True},  # ~subscript~ and ~~strikeout~~
    # \ before any punctuation, \ at a line end (a hard break), "\ "
    "pymdownx.escapeall": {"hardbreak": True, "nbsp": True},
}

#: Chapter front matter: what a chapter may say of itself (pandoc's metadata block).
FRONT_MATTER_KEYS = ("title", "lang")


def read_chapters(manuscript: Manuscript, diagnostics: Diagnostics) -> tuple[list[Chapter], list[Asset]]:
    """Every chapter of the manuscript, and every image they show (each once)."""
    chapters = []
    assets: dict[str, Asset] = {}
    # Equations are numbered through the book: a \ref may point into another chapter.
    texts = [read_text(p) for p in manuscript.chapter_paths]
    labels, starts = raw_tex.number_equations(texts)
    # What a chapter's reading depends on besides its own text: every other file of the
    # manuscript (its images, above all), the reader's code and libraries.
    around = _reading_context(manuscript) if cache.cache_dir() is not None else ""
    kept: set[str] = set()
    for index, (path, text) in enumerate(zip(manuscript.chapter_paths, texts), 1):
        chapter, shown = _read_chapter_kept(path, text, index, manuscript.root, diagnostics,
                                            (labels, starts[index - 1]), around, kept)
        chapters.append(chapter)
        for asset in shown:
            assets.setdefault(asset.href, asset)
    if around:  # the cache holds this book's chapters as they are now, not every draft
        cache.prune(f"chapter/{around[:24]}", kept)
    return chapters, list(assets.values())


def read_book(manuscript: Manuscript, diagnostics: Diagnostics) -> Book:
    """The manuscript as read, before any transform (see samizdat.pipeline)."""
    from samizdat.readers.corrections import load_corrections

    chapters, assets = read_chapters(manuscript, diagnostics)
    _check_ids_and_links(chapters, diagnostics)
    book = Book(metadata=manuscript.metadata, chapters=chapters, manuscript_dir=manuscript.root,
                assets=assets)
    book.corrections = load_corrections(manuscript)
    return book


def chapter_id(path: Path, index: int) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    if not re.match(r"\d", stem):
        stem = f"{index:02d}-{stem}"
    return f"ch-{stem}"


#: Bump when what ``read_chapter`` hands over changes in a way its code digest cannot see.
READING_FORMAT = "chapter 1"


def _reading_context(manuscript: Manuscript) -> str:
    import pymdownx

    return cache.digest([
        READING_FORMAT, cache.code_digest(), sys.version, markdown.__version__,
        pymdownx.__version__, yaml.__version__, ".".join(map(str, etree.LXML_VERSION)),
        cache.tree_digest(manuscript.root, leave_out=manuscript.chapter_paths),
    ])


def _read_chapter_kept(
    path: Path, text: str, index: int, root: Path, diagnostics: Diagnostics,
    equations: tuple[dict[str, int], int], around: str, kept: set[str],
) -> tuple[Chapter, list[Asset]]:
    """``read_chapter``, or what it gave the last build for this very text in this very place.

    After an edit of one chapter, the others are not parsed again: a 30-chapter book's EPUB
    rebuild spent 0.75 s of its 1.1 s reading chapters that had not changed. The entry is the
    chapter, its images and its diagnostics, pickled (the model's trees as markup, document.py);
    the key holds the chapter's text, file, number and equation numbers, under a folder named
    by ``around`` (older folders and entries are pruned by ``read_chapters``).
    No cache folder (``samizdat lint``, library use): read as always.
    """
    if not around:
        return read_chapter(path, index, root, diagnostics, equations, text=text)

    def read() -> bytes:
        found = Diagnostics()
        chapter, assets = read_chapter(path, index, root, found, equations, text=text)
        return pickle.dumps((chapter, assets, list(found)), protocol=pickle.HIGHEST_PROTOCOL)

    key = [str(path), str(root), str(index), text,
           repr((sorted(equations[0].items()), equations[1]))]
    kept.add(cache.digest(key))
    kind = f"chapter/{around[:24]}"
    try:
        chapter, assets, found = pickle.loads(cache.cached(kind, key, read))
    except Exception:  # a damaged entry (a killed build, a full disk): read the chapter again
        cache.discard(kind, key)
        chapter, assets, found = pickle.loads(cache.cached(kind, key, read))
    diagnostics.extend(found)
    return chapter, assets


def read_chapter(
    path: Path, index: int, root: Path, diagnostics: Diagnostics,
    equations: tuple[dict[str, int], int] = ({}, 0), text: str | None = None,
) -> tuple[Chapter, list[Asset]]:
    if text is None:
        text = read_text(path)
    converter = _converter(text)
    converter.tex_labels, converter.tex_first_number = equations
    html = converter.convert(text)
    content = parse_html(html)
    settings = _front_matter(converter.front_matter, path, diagnostics)
    chapter = Chapter(id=chapter_id(path, index), title=None, content=content, source=path)
    chapter.citations = [
        Citation(text=found.text, items=found.citation.items, source=path, line=found.line,
                 narrative=found.citation.narrative, column=found.column)
        for found in converter.citations
    ]
    _model_elements(content)
    chapter.footnotes = _take_footnotes(content, text, path, converter.inline_notes, diagnostics)
    _check_footnote_labels(text, path, diagnostics)
    _check_unread_syntax(text, path, diagnostics)
    for line, command in converter.raw_tex:
        diagnostics.warning(
            "M023", f"raw TeX '{command}' is not read; it is printed as written", file=path,
            line=line, hint="samizdat reads TeX as math ($...$, $$...$$, \\begin{equation}) "
                            "and \\ref to a labelled equation; write the rest as Markdown")
    _attribute_names(content, text, path, diagnostics)
    _safe_ids(content, text, path, diagnostics)
    _headless_tables(content)
    _figures(content)
    assets = images.check_images(content, text, path, root, diagnostics)
    if settings.get("lang"):
        content.set("lang", settings["lang"])
    heading = content[0] if len(content) and content[0].tag == "h1" else None
    if heading is None and settings.get("title"):
        heading = etree.Element("h1")
        heading.text = settings["title"]
        content.insert(0, heading)
        heading.tail = "\n"
    if heading is not None:
        chapter.title = plain_text(heading) or None
    return chapter, assets


#: The extensions that act only on text holding one of these characters. A chapter without
#: them reads the same without the extension, and pymdown-extensions is then not imported at
#: all: its ``util`` module imports ``urllib.request`` (with ``http.client``, ``email`` and
#: ``ssl``) for two path functions we never call, 0.03-0.04 s of a build.
TRIGGERED_BY = {"pymdownx.caret": "^", "pymdownx.tilde": "~", "pymdownx.escapeall": "\\"}


@lru_cache(maxsize=None)
def _markdown(names: tuple[str, ...] = tuple(EXTENSIONS)) -> markdown.Markdown:
    # One converter for all chapters that need the same extensions: building one compiles
    # some 200 regular expressions. reset() clears footnotes and citations between uses.
    return markdown.Markdown(
        extensions=[*(importlib.import_module(name).makeExtension(**EXTENSIONS[name])
                      for name in names),
                    citations.CitationExtension(), raw_tex.RawTexExtension(),
                    pandoc_blocks.PandocBlocksExtension(), pandoc_inlines.PandocInlinesExtension()],
        output_format="xhtml",
    )


def _converter(text: str) -> markdown.Markdown:
    return _markdown(extensions_for(text)).reset()


def extensions_for(text: str) -> tuple[str, ...]:
    """Every extension of ``EXTENSIONS``, but those ``text`` gives nothing to act on."""
    return tuple(name for name in EXTENSIONS
                 if name not in TRIGGERED_BY or TRIGGERED_BY[name] in text)


def parse_html(html: str) -> etree._Element:
    """Python-Markdown's HTML (raw HTML of the author's included) as a ``div`` of blocks.

    libxml2's HTML parser, as a browser would read it: HTML's named entities (``&nbsp;``)
    resolved, void elements (``<br>``) closed, unknown elements kept.
    """
    document = etree.fromstring(f"<html><body><div>{html}</div></body></html>",
                                etree.HTMLParser(remove_comments=True, no_network=True))
    return document.find("body/div")


def _model_elements(content: etree._Element) -> None:
    """The extensions' ``samizdat-*`` elements as the model's own (document.py)."""
    for element in list(content.iter(citations.TAG, pandoc_inlines.MATH_TAG)):
        element.tag = CITE if element.tag == citations.TAG else MATH


def _front_matter(found: tuple[str, int] | None, path: Path, diagnostics: Diagnostics) -> dict:
    if found is None:
        return {}
    source, first_line = found
    try:
        data = yaml.load(source, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        diagnostics.error("M010", f"malformed YAML in the chapter's front matter: "
                          f"{getattr(exc, 'problem', None) or exc}", file=path,
                          line=first_line + (mark.line if mark else 0),
                          hint="fix the syntax between the --- lines")
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        diagnostics.error("M010", "the chapter's front matter must be a mapping (title: ...)",
                          file=path, line=first_line)
        return {}
    settings = {}
    for key, value in data.items():
        if key not in FRONT_MATTER_KEYS:
            diagnostics.warning("M011", f"front matter key '{key}' is not one samizdat reads; "
                                "it is left out", file=path, line=first_line,
                                hint=f"a chapter may set {', '.join(FRONT_MATTER_KEYS)}")
        elif not isinstance(value, (str, int, float)):
            diagnostics.error("M010", f"front matter '{key}' must be text", file=path,
                              line=first_line)
        else:
            settings[key] = str(value).strip()
    return settings


# --- Footnotes ----------------------------------------------------------------------------------


def _take_footnotes(
    content: etree._Element, text: str, path: Path, inline_lines: list[int],
    diagnostics: Diagnostics,
) -> dict[str, Footnote]:
    """Python-Markdown's footnotes -> {label: Footnote}; each call becomes FOOTNOTE_REF."""
    for sup in list(content.iter("sup")):
        call = sup.find("a")
        if call is None or "footnote-ref" not in (call.get("class") or "").split():
            continue
        marker = etree.Element(FOOTNOTE_REF, label=call.get("href", "").removeprefix("#fn:"))
        marker.tail = sup.tail
        sup.getparent().replace(sup, marker)
    definitions: dict[str, Footnote] = {}
    for block in list(content.iter("div")):
        if "footnote" not in (block.get("class") or "").split():
            continue
        for item in block.iter("li"):
            label = (item.get("id") or "").removeprefix("fn:")
            _drop_backlinks(item)
            blocks = [child for child in item if isinstance(child.tag, str)]
            line = _definition_line(text, label, inline_lines)
            for inner in item.iter(FOOTNOTE_REF):
                diagnostics.error(
                    "F004", f"footnote [^{label}] calls another note ([^{inner.get('label')}]); "
                    "its text would be lost", file=path, line=line,
                    hint="a note cannot call a note: put the text into this note",
                )
            definitions[label] = Footnote(label, blocks, path, line)
        block.getparent().remove(block)
    return definitions


def _definition_line(text: str, label: str, inline_lines: list[int]) -> int:
    if label.startswith(pandoc_blocks.INLINE_NOTE_PREFIX):
        number = int(label.removeprefix(pandoc_blocks.INLINE_NOTE_PREFIX))
        return inline_lines[number - 1]
    match = re.search(rf"^ {{0,3}}\[\^{re.escape(label)}\]:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _drop_backlinks(item: etree._Element) -> None:
    # Python-Markdown ends the last paragraph with "&#160;" and one backlink per call; when
    # the note ends with a list or a quotation, it adds a paragraph for them, which goes too.
    for link in list(item.iter("a")):
        if "footnote-backref" not in (link.get("class") or "").split():
            continue
        parent = link.getparent()
        previous = link.getprevious()
        tail = link.tail or ""
        parent.remove(link)
        if previous is None:
            parent.text = (parent.text or "").rstrip("\u00a0") + tail
        else:
            previous.tail = (previous.tail or "").rstrip("\u00a0") + tail
        if (parent.tag == "p" and parent.getparent() is item and not len(parent)
                and not (parent.text or "").strip()):
            item.remove(parent)


_FOOTNOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.MULTILINE)
_FOOTNOTE_CALL = re.compile(r"\[\^([^\]\s]+)\](?!:)")


def footnote_labels(text: str) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """The footnote definitions and calls of a chapter's source: {label: [offsets]} each.

    Code spans and code blocks are skipped, and an escaped ``\\[^x]`` is text, not a call.
    """
    literal = code_spans(text)

    def in_code(offset: int) -> bool:
        return any(start <= offset < end for start, end in literal)

    defined: dict[str, list[int]] = {}
    for match in _FOOTNOTE_DEFINITION.finditer(text):
        if not in_code(match.start()):
            defined.setdefault(match.group(1), []).append(match.start())
    called: dict[str, list[int]] = {}
    for match in _FOOTNOTE_CALL.finditer(text):
        if in_code(match.start()) or match.start() > 0 and text[match.start() - 1] == "\\":
            continue
        if match.start() in {offset for offsets in defined.values() for offset in offsets}:
            continue
        called.setdefault(match.group(1), []).append(match.start())
    return defined, called


def _check_footnote_labels(text: str, path: Path, diagnostics: Diagnostics) -> None:
    """A call without a definition is an error; a definition never called, a warning.

    Python-Markdown prints an undefined call as the literal text "[^label]" and silently keeps
    an uncalled definition, so both are caught here, on the source, where lines are known.
    """
    defined, called = footnote_labels(text)

    def line(offset: int) -> int:
        return text.count("\n", 0, offset) + 1

    def column(offset: int) -> int:
        return offset - (text.rfind("\n", 0, offset) + 1) + 1

    for label, offsets in called.items():
        if label not in defined:
            diagnostics.error(
                "F001", f"footnote [^{label}] has no definition", file=path, line=line(offsets[0]),
                column=column(offsets[0]),
                hint=f"add a paragraph '[^{label}]: the note's text' (or remove the call)",
            )
    for label, offsets in defined.items():
        if label not in called:
            diagnostics.warning(
                "F002", f"footnote [^{label}] is defined but never called; it is left out",
                file=path, line=line(offsets[0]), column=column(offsets[0]),
            )
        if len(offsets) > 1:
            diagnostics.error("F003", f"footnote [^{label}] is defined twice", file=path,
                              line=line(offsets[1]), column=column(offsets[1]),
                              hint="give each footnote its own label")


# --- pandoc syntax samizdat does not read ------------------------------------------------------

#: pandoc's constructs that Python-Markdown prints as the text written (docs/markdown.md):
#: (what, pattern on a line that opens a block, pattern on the line before it or None: blank)
_UNREAD = (
    ("a grid table", re.compile(r" {0,3}\+(?:[-=:]+\+)+\s*$"), None),
    ("a simple or multiline table", re.compile(r" {0,3}-{2,}(?: +-{2,})+\s*$"), "any"),
    ("a list numbered with letters, roman numerals, '1)', '(1)' or '#.'",
     re.compile(r" {0,3}(?:[a-z][.)]|[ivxlc]+[.)]|\d+\)|\((?:[a-zA-Z]|\d+|[ivxlcIVXLC]+)\)|#[.)])"
                r"[ \t]+\S"), None),
    ("an example list ('(@)')", re.compile(r" {0,3}\(@[\w-]*\)[ \t]+\S"), None),
    ("a definition written with '~'", re.compile(r" {0,3}~[ \t]+\S"), "text"),
    ("a task list item ('- [ ]')", re.compile(r" {0,3}[-*+][ \t]+\[[ xX]\][ \t]"), None),
)


def _check_unread_syntax(text: str, path: Path, diagnostics: Diagnostics) -> None:
    """A located warning (M021) for each of pandoc's constructs that samizdat does not read:
    they stay in the book as the text written, which pandoc would have made a table or a
    list. Code blocks and spans are skipped."""
    literal = code_spans(text)
    offset = 0
    previous = ""
    for number, line in enumerate(text.split("\n"), 1):
        start, offset = offset, offset + len(line) + 1
        if any(begin <= start < end for begin, end in literal):
            previous = line
            continue
        for what, pattern, before in _UNREAD:
            if not pattern.match(line):
                continue
            if before is None and previous.strip() or before == "text" and not previous.strip():
                continue
            diagnostics.warning(
                "M021", f"{what} is pandoc Markdown that samizdat does not read; it is printed "
                "as written", file=path,
                line=number - 1 if before and previous.strip() else number,  # a term, a header
                hint="see docs/markdown.md for what samizdat reads (a pipe table, a list "
                     "numbered 1. 2. 3., a definition with ':')")
            break
        previous = line


def _check_ids_and_links(chapters: list[Chapter], diagnostics: Diagnostics) -> None:
    """An id given in two chapters is an error (M024), at the second: the print edition is
    one document, where an id names one place, and a link to it could not say which chapter
    it means. (Within a chapter, ``_safe_ids`` numbers a repeated id, as Python-Markdown's
    footnotes and pandoc's own duplicates need.)

    A link to ``#id`` that nothing in the book has is a warning (M022), at the link. pandoc
    gives every heading an id made of its text (auto_identifiers) and reads ``[Heading]`` as a
    link to it; samizdat gives a heading only the id the author writes, ``{#id}``, so such a
    link would silently lead nowhere."""
    ids = {chapter.id for chapter in chapters}
    first: dict[str, Chapter] = {}
    for chapter in chapters:
        own = {e.get("id") for e in chapter.content.iter() if isinstance(e.tag, str) and e.get("id")}
        for ident in sorted(own & set(first)):
            where = first[ident]
            line = _id_line(where, ident)
            diagnostics.error(
                "M024", f"the id '{ident}' is given twice: here and in "
                f"{where.source.name}" + (f" (line {line})" if line else ""),
                file=chapter.source, line=_id_line(chapter, ident),
                hint="an id names one place in the book: rename one of them, and the links "
                     "to it")
        for ident in own:
            first.setdefault(ident, chapter)
        ids.update(own)
    for chapter in chapters:
        text = None
        for link in chapter.content.iter("a"):
            target = link.get("href") or ""
            if not target.startswith("#") or target[1:] in ids:
                continue
            text = read_text(chapter.source) if text is None else text
            found = text.find(f"({target}")
            diagnostics.warning(
                "M022", f"the link to '{target}' leads nowhere: nothing in the book has that id",
                file=chapter.source, line=text.count("\n", 0, found) + 1 if found >= 0 else None,
                hint="give the heading that id ({#id} after it): samizdat does not make ids "
                     "from headings' text as pandoc does")


def _id_line(chapter: Chapter, ident: str) -> int | None:
    """The line of the chapter's source that gives ``ident``."""
    text = read_text(chapter.source)
    found = _id_pattern(ident).search(text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _id_pattern(ident: str) -> re.Pattern:
    """Where a text gives the id ``ident``: ``{#id}`` (attributes) or ``id="id"`` (HTML)."""
    return re.compile(r"\{[^}\n]*#" + re.escape(ident) + r"(?=[\s}])|\bid=[\"']"
                      + re.escape(ident) + r"[\"']")


# --- Attributes, ids and figures -----------------------------------------------------------------

_XML_NAME = re.compile(r"[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?")


def _attribute_names(content: etree._Element, text: str, path: Path,
                     diagnostics: Diagnostics) -> None:
    """pandoc's ``{-}`` (a heading left unnumbered) as the class it stands for; any other name
    attr_list let through that is no attribute name (``{+}``) is dropped, with a warning where
    the source writes it, since no edition could carry it (XHTML refuses it)."""
    for element in content.iter():
        if not isinstance(element.tag, str):
            continue
        for name in [n for n in element.attrib if not _XML_NAME.fullmatch(n)]:
            del element.attrib[name]
            if name == "-":
                classes = (element.get("class") or "").split()
                element.set("class", " ".join([*classes, "unnumbered"]))
                continue
            match = re.search(r"\{[^{}\n]*" + re.escape(name), text)
            line = text.count("\n", 0, match.start()) + 1 if match else None
            diagnostics.warning("M020", f"'{name}' in an attribute block is not an attribute; "
                                "it is left out", file=path, line=line,
                                hint="write {#id .class key=value}")



def _safe_ids(content: etree._Element, text: str, path: Path,
              diagnostics: Diagnostics) -> None:
    """Every id an XML name without colons (EPUBCheck RSC-005), and each used once: a repeated
    one is numbered ("aside-2"), and when the author gave it twice that is a warning (M024)
    at the second, as pandoc warns of a duplicate identifier: links to it reach the first."""
    seen: set[str] = set()
    given: set[str] = set()
    for element in content.iter():
        written = element.get("id") if isinstance(element.tag, str) else None
        if written is None:
            continue
        if written in given:
            lines = [text.count("\n", 0, m.start()) + 1 for m in _id_pattern(written).finditer(text)]
            diagnostics.warning(
                "M024", f"the id '{written}' is given twice in this chapter; links to it lead "
                f"to the first", file=path, line=lines[1] if len(lines) > 1 else None,
                hint="an id names one place in the book: rename one of them")
        given.add(written)
        ident = safe_id(written)
        base, number = ident, 1
        while ident in seen:
            number += 1
            ident = f"{base}-{number}"
        seen.add(ident)
        element.set("id", ident)


def _headless_tables(content: etree._Element) -> None:
    """A pipe table whose header row is empty has no header, as pandoc reads it (and a screen
    reader announces an empty column header as nothing: Ace's empty-table-header)."""
    for head in list(content.iter("thead")):
        if not "".join(head.itertext()).strip():
            head.getparent().remove(head)


def _figures(content: etree._Element) -> None:
    """pandoc's implicit figures: an image alone in a paragraph, with a description, is a
    ``figure`` captioned by that description. ``{alt="..."}`` gives alt text of its own;
    otherwise the caption repeats the alt text and is hidden from screen readers, which would
    read it twice (pandoc writes ``aria-hidden="true"`` for the same reason)."""
    descriptions = {}
    for image in content.iter("img"):
        descriptions[image] = image.attrib.pop("data-description", None)
    for paragraph in list(content.iter("p")):
        children = [c for c in paragraph if isinstance(c.tag, str)]
        if (len(children) != 1 or children[0].tag != "img" or (paragraph.text or "").strip()
                or (children[0].tail or "").strip()):
            continue
        image = children[0]
        caption = descriptions.get(image) or image.get("alt") or ""
        if not caption.strip():
            continue
        figure = etree.Element("figure")
        figure.tail = paragraph.tail
        image.tail = None
        figure.append(image)
        figcaption = etree.SubElement(figure, "figcaption")
        figcaption.text = caption
        if image.get("alt") == caption:
            figcaption.set("aria-hidden", "true")
        paragraph.getparent().replace(paragraph, figure)
