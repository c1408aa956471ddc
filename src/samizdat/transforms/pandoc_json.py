"""pandoc's JSON (the citation engine's answer) -> the model's trees.

Built as elements, never as strings: every piece of text pandoc returns lands in a text node,
so an "&" in APA's "Smith & Jones" or a "<" in a title needs no escaping and cannot break the
tree. ``Note`` inlines are handed to the caller (they become the model's notes).
"""

from __future__ import annotations

from typing import Callable

from lxml import etree

from samizdat.document import MATH

_WRAP = {"Emph": "em", "Strong": "strong", "Superscript": "sup", "Subscript": "sub",
         "Strikeout": "del", "Underline": "u"}

#: What to do with a Note inline: given the parent and the Note's blocks, append something.
NoteHandler = Callable[[etree._Element, list], None]


def append_text(parent: etree._Element, text: str) -> None:
    if not text:
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def append_inlines(parent: etree._Element, inlines: list, on_note: NoteHandler | None = None) -> None:
    for inline in inlines:
        kind, content = inline["t"], inline.get("c")
        if kind == "Str":
            append_text(parent, content)
        elif kind in ("Space", "SoftBreak"):
            append_text(parent, " ")
        elif kind == "LineBreak":
            etree.SubElement(parent, "br")
        elif kind in _WRAP:
            append_inlines(etree.SubElement(parent, _WRAP[kind]), content, on_note)
        elif kind == "SmallCaps":
            append_inlines(etree.SubElement(parent, "span", {"class": "smallcaps"}), content, on_note)
        elif kind == "Quoted":
            # citeproc localises quotation marks itself; a Quoted left over came from a prefix
            double = content[0]["t"] == "DoubleQuote"
            opening, closing = ("\u201c", "\u201d") if double else ("\u2018", "\u2019")
            append_text(parent, opening)
            append_inlines(parent, content[1], on_note)
            append_text(parent, closing)
        elif kind == "Span":
            (_ident, classes, attributes), inner = content
            kept = [c for c in classes if c.startswith("csl-") or c == "smallcaps"]
            lang = dict(attributes).get("lang")
            if kept or lang:
                span = etree.SubElement(parent, "span")
                if kept:
                    span.set("class", " ".join(kept))
                if lang:
                    span.set("lang", lang)
                append_inlines(span, inner, on_note)
            else:
                append_inlines(parent, inner, on_note)
        elif kind == "Link":
            _attr, inner, (url, _title) = content
            append_inlines(etree.SubElement(parent, "a", href=url), inner, on_note)
        elif kind == "Code":
            etree.SubElement(parent, "code").text = content[1]
        elif kind == "Math":
            math = etree.SubElement(parent, MATH)
            math.set("display", "block" if content[0]["t"] == "DisplayMath" else "inline")
            math.text = content[1]
        elif kind == "RawInline":
            append_text(parent, content[1] if content[0] == "html" else "")
        elif kind == "Cite":
            append_inlines(parent, content[1], on_note)
        elif kind == "Note" and on_note is not None:
            on_note(parent, content)


def blocks_to_elements(blocks: list, on_note: NoteHandler | None = None) -> list[etree._Element]:
    out: list[etree._Element] = []
    for block in blocks:
        kind = block["t"]
        if kind in ("Para", "Plain"):
            paragraph = etree.Element("p")
            append_inlines(paragraph, block["c"], on_note)
            out.append(paragraph)
        elif kind == "Div":
            out += blocks_to_elements(block["c"][1], on_note)
        elif kind == "BlockQuote":
            quote = etree.Element("blockquote")
            quote.extend(blocks_to_elements(block["c"], on_note))
            out.append(quote)
    return out
