"""pandoc's inline syntax that Python-Markdown lacks: math, bracketed spans, table captions.

- **Math** (``tex_math_dollars``): ``$x^2$`` inline and ``$$...$$`` display become
  ``<samizdat-math display="inline|block">`` holding the TeX untouched (an AtomicString: no
  emphasis, escape or typography rule gets at it). pandoc's rules: the opening ``$`` has a
  non-space character right after it, the closing one a non-space character right before it
  and no digit right after it ("$20 and $30" is not math).
- **Bracketed spans**: ``[text]{.smallcaps}``, ``[texte]{lang=fr}`` become ``<span>`` with the
  attributes (``readers/extensions/attributes.py``); ``{.underline}`` is ``<u>`` and
  ``{.mark}`` is ``<mark>``, as pandoc makes them.
- **Table captions**: a paragraph opening with ``Table:`` or ``:`` right before or after a
  table is its ``<caption>``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markdown import Extension, Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from samizdat.readers.citation_syntax import closing_bracket
from samizdat.readers.extensions.attributes import parse_attributes

MATH_TAG = "samizdat-math"


class MathProcessor(InlineProcessor):
    PATTERN = (r"(?<![\\$])\$\$(?P<display>.+?)\$\$"
               r"|(?<![\\$\w])\$(?![\s$])(?P<inline>(?:[^$\\]|\\.)+?)(?<!\s)\$(?!\d)")

    def handleMatch(self, m: re.Match, data: str):  # noqa: N802 (Python-Markdown's name)
        display = m.group("display") is not None
        element = ET.Element(MATH_TAG, {"display": "block" if display else "inline"})
        element.text = AtomicString((m.group("display") if display else m.group("inline")).strip())
        return element, m.start(0), m.end(0)


class BracketedSpanProcessor(InlineProcessor):
    def handleMatch(self, m: re.Match, data: str):  # noqa: N802
        start = m.start(0)
        end = closing_bracket(data, start)
        if end is None or not data.startswith("{", end + 1):
            return None, None, None
        attrs_end = data.find("}", end + 1)
        attributes = parse_attributes(data[end + 2 : attrs_end]) if attrs_end > 0 else None
        if attributes is None:
            return None, None, None
        text = data[start + 1 : end]  # processed by the lower-priority patterns
        return _span(attributes, text), start, attrs_end + 1


def _span(attributes: dict[str, str], text: str) -> ET.Element:
    """The element pandoc makes of a bracketed span: ``{.underline}`` (or ``.ul``) is
    underlined text, ``<u>``, inside a span for any other attribute; ``{.mark}`` is
    highlighted text, ``<mark>`` with the other attributes; any other, a ``<span>``."""
    classes = attributes.pop("class", "").split()
    kept = [name for name in classes if name not in ("underline", "ul", "mark")]
    if kept:
        attributes["class"] = " ".join(kept)
    if "underline" in classes or "ul" in classes:
        underline = ET.Element("u")
        underline.text = text
        if not attributes:
            return underline
        span = ET.Element("span", attributes)
        span.append(underline)
        return span
    element = ET.Element("mark" if "mark" in classes else "span", attributes)
    element.text = text
    return element


_CAPTION = re.compile(r"^(?:[Tt]able)?:[ \t]+(?P<caption>\S.*)$", re.S)


class TableCaptionProcessor(BlockProcessor):
    """pandoc's table caption, before or after the table (Python-Markdown's tables: 75)."""

    def test(self, parent: ET.Element, block: str) -> bool:
        return bool(_CAPTION.match(block))

    def run(self, parent: ET.Element, blocks: list[str]) -> bool:
        caption_text = _CAPTION.match(blocks[0]).group("caption")
        table = parent[-1] if len(parent) and parent[-1].tag == "table" else None
        if table is None:
            tables = self.parser.blockprocessors["table"]
            if len(blocks) < 2 or not tables.test(parent, blocks[1]):
                return False  # not a caption: let def_list and paragraphs have it
            blocks.pop(0)
            tables.run(parent, blocks)
            table = parent[-1]
        else:
            blocks.pop(0)
        caption = ET.Element("caption")
        caption.text = " ".join(caption_text.split())
        table.insert(0, caption)
        return True


class ImageDescriptionTreeprocessor(Treeprocessor):
    """Keep each image's description before attr_list lets ``{alt="..."}`` replace it: the
    description is the caption of an implicit figure (the reader's ``_figures``)."""

    def run(self, root: ET.Element) -> None:
        for image in root.iter("img"):
            image.set("data-description", image.get("alt", ""))


class PandocInlinesExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        md.registerExtension(self)
        # Below backtick (190): `$x$` is code. Above escape (180): backslashes in TeX stay.
        md.inlinePatterns.register(MathProcessor(MathProcessor.PATTERN, md), "pandoc_math", 185)
        # Below footnote calls (175), above reference links (170), which would take the
        # bracket for a link label.
        md.inlinePatterns.register(BracketedSpanProcessor(r"\[", md), "pandoc_span", 172)
        # Above tables (75), which it calls for a caption that comes first.
        md.parser.blockprocessors.register(TableCaptionProcessor(md.parser), "pandoc_caption", 76)
        # After the inline patterns made the images (20), before attr_list (8).
        md.treeprocessors.register(ImageDescriptionTreeprocessor(md), "image_description", 9)
