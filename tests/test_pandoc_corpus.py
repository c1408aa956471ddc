"""samizdat reads pandoc's Markdown as pandoc reads it: a corpus of one construct per file.

Each file of ``tests/corpus/markdown/`` is made the single chapter of a small manuscript and
read by samizdat (``pipeline.read_book``, ``writers.html.render_book``: the EPUB's chapter page,
notes as asides at its end) and by pandoc (``pandoc -f markdown -t html5``). Both outputs are
brought to one canonical form by ``canonical`` below (element structure, text with whitespace
folded, the attributes that carry meaning) and must be equal. Where the two differ only in how
they write the same thing (pandoc's footnote section against our asides, MathJax delimiters
against MathML), ONE rule in this module says so, with the reason; nothing else is forgiven.

pandoc is run the way samizdat runs it for citations, with the corpus's references.yaml, the
same CSL style and the book's language, so that notes and bibliography can be compared too; and
with its default extensions, ``smart`` included, so that both curl quotes and make dashes.

Every corpus file must also survive the print edition (``test_print_keeps_the_text``): the
pamphlet renders without a WeasyPrint warning or a stranger's font, and the words of the
chapter are in the PDF.
"""

from __future__ import annotations

import copy
import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from samizdat.config import load_manuscript
from samizdat.diagnostics import Diagnostics
from samizdat.readers.markdown import read_book as read_manuscript
from samizdat.document import Book
from samizdat.errors import BuildError
from samizdat.pipeline import read_book
from samizdat.transforms import typography
from samizdat.transforms.notes import resolve_style
from samizdat.writers.html import RenderOptions, render_book
from samizdat.writers.pdf import render_pamphlet

pypandoc = pytest.importorskip("pypandoc")

from samizdat.transforms.notes import pandoc_path  # noqa: E402  the binary samizdat runs

ROOT = Path(__file__).parent.parent
CORPUS = Path(__file__).parent / "corpus" / "markdown"
FILES = sorted(CORPUS.glob("*.md"))
METADATA = """\
title: Pandoc Corpus
author: Samizdat Tests
lang: en-GB
identifier: urn:uuid:00000000-0000-4000-8000-0000000c0a90
"""

# --- Building both renderings -------------------------------------------------------------------


@dataclass
class Rendered:
    folder: Path  # the manuscript
    book: Book
    ours: etree._Element  # canonical
    theirs: etree._Element  # canonical


def make_manuscript(source: Path, root: Path) -> Path:
    """A manuscript with ``source`` as its only chapter, the corpus's bibliography and images."""
    folder = root / source.stem
    (folder / "chapters").mkdir(parents=True)
    (folder / "metadata.yaml").write_text(METADATA, encoding="utf-8")
    shutil.copy(source, folder / "chapters" / source.name)
    shutil.copy(CORPUS / "references.yaml", folder / "references.yaml")
    shutil.copytree(CORPUS / "images", folder / "images")
    return folder


def samizdat_html(book: Book) -> etree._Element:
    """The chapter's page (EPUB: notes at the chapter's end), and the bibliography's entries."""
    pages = render_book(book, RenderOptions(notes="end-of-chapter"))
    chapter = next(page for page in pages if page.kind == "chapter")
    root = copy.deepcopy(chapter.body.find("{*}section"))
    # the page's language, the section's own or the document's it inherits, is all that is
    # compared of the chapter's section (pandoc's is its <html lang>)
    lang = root.get("lang") or chapter.tree.getroot().get("lang")
    root.attrib.clear()
    root.set("lang", lang)
    for page in pages:
        if page.kind == "bibliography":
            root.append(copy.deepcopy(page.body.find("{*}section")))
    return _local_names(root)


def pandoc_html(folder: Path) -> etree._Element:
    manuscript = load_manuscript(folder, quiet=True)
    command = [
        pandoc_path(), "--from=markdown", "--to=html5", "--standalone",
        "--wrap=none",
        # TeX kept as written, between \( \) and \[ \] (samizdat's MathML carries it in alttext)
        "--mathjax",
        # plain <pre class="python"><code>, not pandoc's highlighting spans
        "--syntax-highlighting=none",
        "--citeproc", f"--csl={resolve_style(manuscript)}",
        f"--bibliography={manuscript.bibliography_path}",
        # the book's language (a chapter's front matter overrides it, as in samizdat); not its
        # title, which pandoc would print as the chapter's title block
        f"--metadata-file={_pandoc_metadata(manuscript)}",
        str(manuscript.chapter_paths[0]),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=folder)
    document = lxml.html.document_fromstring(result.stdout)
    body = document.find("body")
    body.tag = "section"
    body.attrib.clear()
    body.set("lang", document.get("lang") or "")
    return body


def _pandoc_metadata(manuscript) -> Path:
    path = manuscript.root / "pandoc-metadata.yaml"
    path.write_text(f"lang: {manuscript.metadata.lang}\npagetitle: corpus\n", encoding="utf-8")
    return path


def _local_names(root: etree._Element) -> etree._Element:
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = etree.QName(element).localname
            for name in [n for n in element.attrib if n.startswith("{")]:
                del element.attrib[name]  # xml:lang (lang is there too), epub:type
    etree.cleanup_namespaces(root)
    return root


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """name -> Rendered, each corpus file read and rendered once for all the tests."""
    root = tmp_path_factory.mktemp("corpus")
    cache: dict[str, Rendered] = {}

    def get(name: str) -> Rendered:
        if name not in cache:
            folder = make_manuscript(CORPUS / name, root)
            book = read_book(load_manuscript(folder, quiet=True))
            ids = source_ids((CORPUS / name).read_text(encoding="utf-8"))
            cache[name] = Rendered(folder, book, canonical(samizdat_html(book), "samizdat", ids),
                                   canonical(pandoc_html(folder), "pandoc", ids))
        return cache[name]

    return get


def source_ids(text: str) -> set[str]:
    """The ids the author wrote: ``#id`` in an attribute block, ``id="..."`` in raw HTML."""
    return set(re.findall(r"\{[^{}\n]*?#([A-Za-z][\w:.-]*)", text)
               + re.findall(r"\bid=[\"']([^\"']+)", text))


# --- The canonical form: the one normaliser ----------------------------------------------------
#
# Each rule is a function on one tool's tree (or both), named for what it forgives, and says
# why the difference it removes is one of writing, not of reading. Attributes are kept by name
# (KEPT_ATTRIBUTES); any other is dropped at the end.

#: Attributes that carry meaning a reader of the book meets: language, classes (an author's
#: ``{.class}`` and the semantic ones both tools write: smallcaps, line-block...), explicit
#: ids, links and images, table cell alignment, list numbering, and figcaption's aria-hidden
#: (the caption repeats the alt text). ``display`` is the canonical math element's own.
KEPT_ATTRIBUTES = {"lang", "class", "id", "href", "src", "alt", "title", "style", "start",
                   "type", "colspan", "rowspan", "aria-hidden", "display"}
BLOCKS = {"section", "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li",
          "dl", "dt", "dd", "div", "pre", "table", "caption", "thead", "tbody", "tr", "th", "td",
          "figure", "figcaption", "hr", "note", "bibliography", "entry", "colgroup", "col"}


def canonical(root: etree._Element, tool: str, source_ids: set[str]) -> etree._Element:
    rules = PANDOC_RULES if tool == "pandoc" else SAMIZDAT_RULES
    for rule in rules:
        rule(root)
    drop_generated_ids(root, source_ids)
    for rule in COMMON_RULES:
        rule(root)
    return root


# pandoc's side


def pandoc_title_block(root):
    """A front matter ``title:`` is pandoc's title block, ``<header><h1 class="title">``; samizdat
    makes it the chapter's heading, an ``h1`` (one heading, same text)."""
    for header in root.xpath("header[@id='title-block-header']"):
        for title in header.xpath("h1[@class='title']"):
            del title.attrib["class"]
            header.addprevious(title)
        header.getparent().remove(header)


def pandoc_footnotes(root):
    """pandoc collects notes in a ``<section id="footnotes">`` at the end and calls them with
    ``<a class="footnote-ref"><sup>N</sup></a>``; samizdat's EPUB page has asides. Both become
    a canonical ``<note>`` holding the note's blocks at the place of its call, so the position,
    the order and the content of each note are compared, not how either tool links them."""
    notes = {item.get("id"): item for item in root.xpath("//section[@id='footnotes']//li")}
    for call in root.xpath("//a[contains(concat(' ', @class, ' '), ' footnote-ref ')]"):
        item = notes[call.get("href").lstrip("#")]
        for back in item.xpath(".//a[contains(concat(' ', @class, ' '), ' footnote-back ')]"):
            _drop(back)
        _replace_with_note(call, list(item))
    for section in root.xpath("//section[@id='footnotes']"):
        _drop(section)


def pandoc_math(root):
    """pandoc's ``--mathjax`` writes ``<span class="math inline">\\(TeX\\)</span>`` (display:
    ``\\[ \\]``); samizdat writes MathML with the TeX in ``alttext``. Both become
    ``<math display="inline|block">TeX</math>``: what is compared is the TeX, unmangled."""
    for span in root.xpath("//span[contains(concat(' ', @class, ' '), ' math ')]"):
        display = "block" if "display" in span.get("class").split() else "inline"
        tex = span.text_content().strip()
        tex = tex[2:-2] if tex[:2] in ("\\(", "\\[") else tex
        _replace(span, _math(tex.strip(), display, span.tail))


def pandoc_code_language(root):
    """pandoc names a code block's language on the ``pre`` (``<pre class="python">``),
    Python-Markdown's fenced_code on the ``code`` (``class="language-python"``). Canonical:
    ``<pre class="language-python">``."""
    for pre in root.xpath("//pre[@class]"):
        pre.set("class", " ".join(f"language-{name}" for name in pre.get("class").split()))


def pandoc_bibliography(root):
    """pandoc's ``<div id="refs">`` ends the document; samizdat's bibliography is a page of its
    own (a ``ul`` of entries). Both become ``<bibliography>`` of ``<entry>``s, in order."""
    for refs in root.xpath("//div[@id='refs']"):
        bibliography = etree.Element("bibliography")
        for entry in refs.xpath("div[contains(@class, 'csl-entry')]"):
            if not " ".join(entry.text_content().split()):
                # pandoc keeps an empty entry for a work the style leaves out (Chicago:
                # personal communications); samizdat leaves it out of the model
                continue
            bibliography.append(_entry(entry))
        refs.getparent().replace(refs, bibliography)


def pandoc_no_break_spaces(root):
    """samizdat's typography adds no-break spaces where pandoc leaves plain ones, on purpose
    (typography.py): "p.\u00a012", "G.\u00a0T.\u00a0Miasnikov", and before a note call, which
    must not begin a line. The same three rules, samizdat's own functions, are applied to
    pandoc's text, so that every other no-break space (``&nbsp;`` written by the author) is
    still compared."""
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in typography.LITERAL:
            continue
        if element.text and not _inside_literal(element):
            element.text = _spaced(element.text)
        if element.tail and not _inside_literal(element.getparent()):
            element.tail = _spaced(element.tail)
    for note in root.iter("note"):
        previous = note.getprevious()
        if previous is None:
            parent = note.getparent()
            parent.text = typography.space_before_note_call(parent.text or "")
        else:
            previous.tail = typography.space_before_note_call(previous.tail or "")


# samizdat's side


def samizdat_notes(root):
    """The EPUB page's notes (``<sup class="noteref"><a href="#note-N">`` calling an
    ``<aside>`` in the chapter's notes section) as canonical ``<note>``s at their calls; the
    note's number ("1.") and its backlink are the renderer's, not the note's text, and so is
    a paragraph made only to hold one of them."""
    notes = {aside.get("id"): aside for aside in root.xpath("//section[contains(@class, 'notes')]/aside")}
    for call in root.xpath("//sup[@class='noteref']"):
        aside = notes[call.find("a").get("href").lstrip("#")]
        for number in aside.xpath(".//span[@class='note-number']"):
            parent = number.getparent()
            parent.text = (parent.text or "") + (number.tail or "").lstrip(" ")
            parent.remove(number)
        for back in aside.xpath(".//a[@class='backlink']"):
            _drop(back)
        for line in aside.xpath("p[not(*) and not(normalize-space())]"):
            # the line the renderer gives the number of a note that opens with a list or a
            # quotation, or the backlink of one that ends with it: empty now
            _drop(line)
        _replace_with_note(call, list(aside))
    for section in root.xpath("//section[contains(@class, 'notes')]"):
        _drop(section)


def samizdat_math(root):
    """MathML with its TeX in ``alttext`` (or the TeX in a ``span.math`` where latex2mathml
    refused it) as ``<math display="inline|block">TeX</math>``: see pandoc_math."""
    for math in root.xpath("//math"):
        _replace(math, _math(math.get("alttext"), math.get("display", "inline"), math.tail))
    for span in root.xpath("//span[contains(concat(' ', @class, ' '), ' math ')]"):
        display = "block" if "block" in span.get("class").split() else "inline"
        _replace(span, _math(span.text, display, span.tail))


def samizdat_code_language(root):
    """See pandoc_code_language: the language moves from ``code`` to ``pre``."""
    for code in root.xpath("//pre/code[@class]"):
        code.getparent().set("class", code.attrib.pop("class"))


def samizdat_bibliography(root):
    """See pandoc_bibliography: the bibliography page's entries as ``<entry>``s."""
    for section in root.xpath("section[contains(@class, 'bibliography')]"):
        bibliography = etree.Element("bibliography")
        for item in section.xpath(".//li[contains(@class, 'reference')]"):
            bibliography.append(_entry(item))
        root.replace(section, bibliography)


# both


def drop_line_break_opportunities(root):
    """samizdat's renderer puts ``<wbr>`` into long URLs so that a narrow reader page can break
    them (WCAG reflow); an empty element, no text, no reading."""
    for wbr in root.xpath("//wbr"):
        _drop(wbr)


def decimal_is_the_default(root):
    """pandoc writes ``type="1"`` on every decimal ordered list; it is what ``<ol>`` means
    without it. Any other type (``a``, ``i``) is compared."""
    for ol in root.xpath("//ol[@type='1']"):
        del ol.attrib["type"]


def drop_generated_ids(root, source_ids: set[str]):
    """Only the ids the author wrote are compared (``{#id}``, ``id="..."`` in raw HTML). Each
    tool makes ids of its own for its machinery: pandoc's footnotes (``fn1``), its headings'
    auto_identifiers (samizdat makes none: docs/markdown.md), samizdat's ``ch-..-title``."""
    for element in root.iter():
        if isinstance(element.tag, str) and element.get("id") not in (None, *source_ids):
            del element.attrib["id"]


def fold_whitespace(root):
    """Whitespace is folded to one space, and dropped where a block begins or ends (around
    and between blocks) and around a line break (``<br>``): how a tool wraps its HTML source
    is not what a reader sees, and CSS removes collapsible spaces at the start and end of a
    line. Code blocks are compared as written, but for the last line's newline, which
    Python-Markdown keeps and pandoc drops (``<pre>`` shows neither). No-break spaces are not
    whitespace here: they are compared."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.text and not _inside_pre(element):
            element.text = _fold(element.text)
        if element.tail and not _inside_pre(element.getparent()):
            element.tail = _fold(element.tail)
    for pre in root.iter("pre"):
        node, attribute = _last_text_holder(pre[-1] if len(pre) else pre)
        if getattr(node, attribute):
            setattr(node, attribute, getattr(node, attribute).rstrip("\n"))
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        if element.tag in BLOCKS or element.tag == "br":
            _strip_before(element)
            element.tail = (element.tail or "").lstrip(" ") or None
        if element.tag in BLOCKS:
            if element.text:
                element.text = element.text.lstrip(" ") or None
            node, attribute = _last_text_holder(element)
            if getattr(node, attribute) and element.tag != "pre":
                setattr(node, attribute, getattr(node, attribute).rstrip(" ") or None)


def unwrap_bare_spans(root):
    """A ``span`` left with no attribute carries nothing: pandoc wraps citations in
    ``<span class="citation" data-cites>`` (class dropped below, being its bookkeeping) and
    samizdat's renderer wraps nothing; an author's bare ``<span>`` renders as its text."""
    for span in root.xpath("//span"):
        if not span.attrib:
            _unwrap(span)


def drop_bookkeeping_classes(root):
    """Classes each tool writes for its own machinery, not from the author and with no meaning
    in the book: pandoc's table rows (``header``, ``odd``, ``even``), its citation wrapper
    (``citation``), the bibliography entry's ``csl-entry``, its autolinks' ``uri`` and ``email``;
    samizdat's bibliography entry's ``reference``.
    Every other class (the author's, ``smallcaps``, ``line-block``) is compared."""
    bookkeeping = {"header", "odd", "even", "citation", "csl-entry", "reference", "email", "uri"}
    for element in root.iter():
        if isinstance(element.tag, str) and element.get("class") is not None:
            kept = sorted(set(element.get("class").split()) - bookkeeping)
            if kept:
                element.set("class", " ".join(kept))  # a set: the order of classes is no meaning
            else:
                del element.attrib["class"]


def keep_meaningful_attributes(root):
    """Only KEPT_ATTRIBUTES are compared (see there); ``style`` only as table alignment."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in list(element.attrib):
            if name not in KEPT_ATTRIBUTES:
                del element.attrib[name]
        style = element.get("style")
        if style is not None:
            align = re.search(r"text-align:\s*(\w+)", style)
            if align:
                element.set("style", f"text-align: {align.group(1)}")
            else:
                del element.attrib["style"]


PANDOC_RULES = (pandoc_title_block, pandoc_footnotes, pandoc_math, pandoc_code_language,
                pandoc_bibliography, pandoc_no_break_spaces)
SAMIZDAT_RULES = (samizdat_notes, samizdat_math, samizdat_code_language, samizdat_bibliography)
COMMON_RULES = (drop_line_break_opportunities, decimal_is_the_default, drop_bookkeeping_classes,
                keep_meaningful_attributes, unwrap_bare_spans,
                fold_whitespace)


# helpers of the rules


def _fold(text: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", text)


def _last_text_holder(element):
    """(node, "text" or "tail"): where the last text directly inside ``element`` is."""
    if len(element):
        return (element[-1], "tail")
    return (element, "text")


def _strip_before(element):
    previous = element.getprevious()
    node, attribute = (previous, "tail") if previous is not None else (element.getparent(), "text")
    if node is not None and getattr(node, attribute) and not _inside_pre(node):
        setattr(node, attribute, getattr(node, attribute).rstrip(" ") or None)


def _inside_pre(element) -> bool:
    while element is not None:
        if element.tag == "pre":
            return True
        element = element.getparent()
    return False


def _spaced(text: str) -> str:
    return typography.space_after_initials(typography.space_in_page_references(text))


def _inside_literal(element) -> bool:
    while element is not None:
        if element.tag in typography.LITERAL:
            return True
        element = element.getparent()
    return False


def _math(tex: str, display: str, tail: str | None) -> etree._Element:
    element = etree.Element("math", display=display)
    element.text = tex
    element.tail = tail
    return element


def _entry(source: etree._Element) -> etree._Element:
    entry = etree.Element("entry")
    entry.text = source.text
    for child in source:
        entry.append(child)
    return entry


def _replace_with_note(call: etree._Element, blocks: list[etree._Element]) -> None:
    note = etree.Element("note")
    note.extend(blocks)
    _replace(call, note, call.tail)


def _replace(old: etree._Element, new: etree._Element, tail: str | None = None) -> None:
    new.tail = tail if tail is not None else old.tail
    old.getparent().replace(old, new)


def _drop(element: etree._Element) -> None:
    """Remove an element, keeping its tail."""
    parent, previous = element.getparent(), element.getprevious()
    if element.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _unwrap(element: etree._Element) -> None:
    parent, previous = element.getparent(), element.getprevious()
    index = parent.index(element)
    text = element.text or ""
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    children = list(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    if children:
        children[-1].tail = (children[-1].tail or "") + (element.tail or "")
    elif previous is not None:
        previous.tail = (previous.tail or "") + (element.tail or "")
    else:
        parent.text = (parent.text or "") + (element.tail or "")
    parent.remove(element)


def show(root: etree._Element) -> str:
    """The canonical tree as text, one block per line and indented, for a readable difference;
    the test compares these texts."""

    def attributes(element) -> str:
        return "".join(f' {name}="{value}"' for name, value in sorted(element.attrib.items()))

    def content(element) -> str:
        text = _escape(element.text or "")
        for child in element:
            if child.tag in BLOCKS:
                text += "\n" + render(child)
                if child.tag == "note":  # a block inside a line: the line goes on after it
                    text += "\n</note>"
                if child.tail:
                    text += "\n" + _escape(child.tail)
            else:
                text += render(child) + _escape(child.tail or "")
        return text

    def render(element) -> str:
        if element.tag in BLOCKS:
            return f"<{element.tag}{attributes(element)}>" + content(element).replace("\n", "\n  ")
        return f"<{element.tag}{attributes(element)}>{content(element)}</{element.tag}>"

    return render(root)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("\u00a0", "&nbsp;")


# --- The tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [path.name for path in FILES])
def test_reads_as_pandoc_reads(name, rendered):
    both = rendered(name)
    assert show(both.ours) == show(both.theirs)


#: Pairs of sources that differ in one thing a reader would see: the normaliser must keep
#: them apart, or a test that compares with it could not fail on that thing.
REAL_DIFFERENCES = {
    "a note's place": ("One^[A note.] two.", "One two.^[A note.]"),
    "a note's text": ("One.^[A note.]", "One.^[A nota.]"),
    "the TeX": ("The sum $x^2$.", "The sum $x^3$."),
    "display math": ("The sum $x^2$.", "The sum $$x^2$$."),
    "a language": ("[Texte]{lang=fr}.", "[Texte]{lang=de}."),
    "a class": ("[Texte]{.smallcaps}.", "[Texte]{.caps}."),
    "a no-break space": ("Ulitsa&nbsp;Lenina.", "Ulitsa Lenina."),
    "a start number": ("3. item\n4. item\n", "1. item\n2. item\n"),
    "a loose list": ("- one\n- two\n", "- one\n\n- two\n"),
    "code's spaces": ("```\na  b\n```\n", "```\na b\n```\n"),
    "code's language": ("```python\nx\n```\n", "```ruby\nx\n```\n"),
    "a line break": ("One\\\ntwo.", "One\ntwo."),
    "a heading's id": ("# Exile {#exile}\n", "# Exile {#exiled}\n"),
    "a quotation mark": ('"Quoted."', "'Quoted.'"),
}


@pytest.mark.parametrize("name", REAL_DIFFERENCES)
def test_the_normaliser_keeps_real_differences(name, tmp_path):
    shown = []
    for index, text in enumerate(REAL_DIFFERENCES[name]):
        source = tmp_path / f"0{index}-variant.md"
        source.write_text(text, encoding="utf-8")
        folder = make_manuscript(source, tmp_path)
        shown.append(show(canonical(pandoc_html(folder), "pandoc", source_ids(text))))
    assert shown[0] != shown[1]


@pytest.mark.parametrize("name", [path.name for path in FILES])
def test_print_keeps_the_text(name, rendered):
    """The pamphlet (A5, print.css) renders every construct without a WeasyPrint warning or a
    font other than the book's (render_pamphlet raises on either), and every word of the
    chapter, its notes and its bibliography is in the PDF's text. Math is drawn (an image
    whose alt text is the TeX), so its TeX is not looked for in the text."""
    book = rendered(name).book
    pdf = render_pamphlet(book, page_size="A5", stylesheets=[ROOT / "styles" / "print.css"],
                          allowed_roots=[book.manuscript_dir, (ROOT / "styles").resolve()])
    printed = _compact(_pdf_text(pdf))
    chapter = copy.deepcopy(rendered(name).ours)
    for math in chapter.xpath("//math"):
        _drop(math)
    words = re.findall(r"\w+", " ".join(chapter.itertext()))
    assert words
    assert [word for word in words if word not in printed] == []


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _compact(text: str) -> str:
    """The PDF's text without line ends, hyphenation or spaces: a word broken over two lines
    ("pam-\nphlet", with a hyphen or U+2010) is found whole."""
    return re.sub(r"[\s\u00ad]+", "", re.sub(r"[-\u2010]\s*\n", "", text))


# --- What samizdat does not read is said, where it is -----------------------------------------

UNREAD = {
    "grid table": "The ledger:\n\n+--------+------+\n| Title  | Year |\n+========+======+\n",
    "simple table": "The ledger:\n\n  Title     Year\n  -------   ----\n  Appeal    1924\n",
    "lettered list": "The demands:\n\na. a free press\nb. elected managers\n",
    "roman list": "The parts:\n\ni. the factories\nii. the unions\n",
    "parenthesised list": "The points:\n\n(1) first\n(2) second\n",
    "example list": "Examples:\n\n(@) The first.\n(@) The second.\n",
    "tilde definition": "Terms:\n\nCheka\n~ The political police.\n",
    "task list": "To do:\n\n- [ ] set the type\n- [x] buy the paper\n",
}
UNREAD_CODES = {"heading id made from its text": (
    "# The Appeal\n\nSee [the appeal](#the-appeal) above.\n", "M022")}


@pytest.mark.parametrize("name", [*UNREAD, *UNREAD_CODES])
def test_unread_syntax_is_a_located_warning(name, tmp_path):
    """pandoc reads these as tables and lists; samizdat prints them as written, and says so
    (M021) at the line where the construct begins (the third of each snippet). A link to an id
    pandoc would have made from a heading's text (M022) is said at the link."""
    text, code = UNREAD_CODES.get(name, (UNREAD.get(name), "M021"))
    source = tmp_path / "01-unread.md"
    source.write_text(text, encoding="utf-8")
    folder = make_manuscript(source, tmp_path)
    diagnostics = Diagnostics()
    read_manuscript(load_manuscript(folder, quiet=True), diagnostics)
    assert [(d.code, d.line) for d in diagnostics] == [(code, 3)]


@pytest.mark.parametrize("name", [path.name for path in FILES])
def test_corpus_reads_without_a_diagnostic(name, tmp_path):
    """Everything in the corpus is read: no warning, no error (M021 finds no false friend)."""
    folder = make_manuscript(CORPUS / name, tmp_path)
    diagnostics = Diagnostics()
    read_manuscript(load_manuscript(folder, quiet=True), diagnostics)
    assert list(diagnostics) == []
