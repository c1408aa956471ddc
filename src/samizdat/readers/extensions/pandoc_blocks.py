"""pandoc's block syntax that Python-Markdown lacks, as preprocessors on the raw text.

- **Chapter front matter**: a YAML block opening the file (``---`` ... ``---`` or ``...``), as
  pandoc's ``yaml_metadata_block``. Its lines are blanked, not removed, so every later line
  number is still the file's; the reader reads the mapping (``md.front_matter``).
- **Inline notes**: ``text^[the note]`` becomes a footnote call ``[^samizdat-inline-N]`` with
  its definition appended at the end, so Python-Markdown's footnotes do the rest and the notes
  transform numbers it with the others in reading order.
- **Fenced divs**: ``::: {.class lang=fr}`` ... ``:::`` becomes md_in_html's
  ``<div markdown="1" ...>``, nested as pandoc nests them; and a raw ``<div>`` alone on its
  line gets ``markdown="1"``, since pandoc reads Markdown inside it too (native_divs).
- **List indentation**: a list item's content and nested lists indented to the item's text,
  as pandoc reads them, re-indented to Python-Markdown's four spaces a level.
- **ATX headings** only where a block begins, with a space after the ``#``s.
- **Loose and tight lists** decided for the whole list, as pandoc does.
- **Line blocks**: lines opening with ``| `` become ``<div class="line-block">`` with a line
  break between lines and leading spaces kept (as non-breaking spaces), as pandoc writes them;
  a block processor, so that verse is found inside quotations, notes and list items too.

The preprocessors skip code blocks and code spans with the scanner the citations use.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import xml.etree.ElementTree as ET

from markdown import Extension, Markdown
from markdown.blockprocessors import BlockProcessor, HashHeaderProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from samizdat.readers.citation_syntax import closing_bracket, code_spans, is_escaped, mask
from samizdat.readers.extensions.attributes import parse_attributes

INLINE_NOTE_PREFIX = "samizdat-inline-"


def _in(spans: list[tuple[int, int]], offset: int) -> bool:
    return any(start <= offset < end for start, end in spans)


class FrontMatterPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        self.md.front_matter = None
        if not lines or lines[0].rstrip() != "---":
            return lines
        for index in range(1, len(lines)):
            if lines[index].rstrip() in ("---", "..."):
                # (lines, first line of the YAML): the reader parses it with its own errors
                self.md.front_matter = ("\n".join(lines[1:index]), 2)
                return [""] * (index + 1) + lines[index + 1 :]
        return lines


class InlineNotePreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        literal = code_spans(text)
        masked = mask(text, literal)
        pieces: list[str] = []
        definitions: list[str] = []
        position = 0
        for match in re.finditer(r"\^\[", masked):
            start = match.start()
            if start < position or is_escaped(masked, start):
                continue
            end = closing_bracket(masked, start + 1)
            if end is None:
                continue
            self.md.inline_notes.append(text.count("\n", 0, start) + 1)
            label = f"{INLINE_NOTE_PREFIX}{len(self.md.inline_notes)}"
            content = " ".join(_without_quote_markers(text, start, end).split())
            pieces += [text[position:start], f"[^{label}]"]
            definitions.append(f"[^{label}]: {content}")
            position = end + 1
        if not definitions:
            return lines
        pieces.append(text[position:])
        return ("".join(pieces) + "\n\n" + "\n\n".join(definitions) + "\n").split("\n")


def _without_quote_markers(text: str, start: int, end: int) -> str:
    """The note's text; when it runs over lines of a quotation, without their ``>`` markers,
    which belong to the quotation (pandoc reads the note after the quotation's lines)."""
    line_start = text.rfind("\n", 0, start) + 1
    depth = re.match(r"(?: {0,3}>)*", text[line_start:start]).group(0).count(">")
    lines = text[start + 2 : end].split("\n")
    marker = re.compile(r"^(?: {0,3}> ?){0,%d}" % depth)
    return "\n".join([lines[0]] + [marker.sub("", line, count=1) for line in lines[1:]])


_FENCE = re.compile(r"^ {0,3}(?P<colons>:{3,})\s*(?:\{(?P<attrs>[^{}]*)\}|(?P<word>[^\s{}:]+))?"
                    r"\s*:*\s*$")


_HTML_DIV = re.compile(r"^ {0,3}(?P<tag><div)(?:\s[^<>]*)?>\s*$", re.IGNORECASE)


class FencedDivPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        literal = code_spans(text)
        out: list[str] = []
        depth = 0
        offset = 0
        for line in lines:
            code = _in(literal, offset)
            match = None if code else _FENCE.match(line)
            offset += len(line) + 1
            if match is None:
                html_div = None if code else _HTML_DIV.match(line)
                if html_div is not None and "markdown=" not in line:
                    # pandoc's native_divs: Markdown inside <div>, as inside a fenced div
                    line = line[: html_div.end("tag")] + ' markdown="1"' + line[html_div.end("tag"):]
                out.append(line)
                continue
            attributes = None
            if match.group("attrs") is not None:
                attributes = parse_attributes(match.group("attrs"))
            elif match.group("word"):
                attributes = {"class": match.group("word")}
            if attributes is not None:
                rendered = "".join(f' {key}="{html.escape(value)}"'
                                   for key, value in attributes.items())
                out += ["", f'<div markdown="1"{rendered}>', ""]
                depth += 1
            elif depth:  # a bare fence closes the innermost open div
                out += ["", "</div>", ""]
                depth -= 1
            else:
                out.append(line)  # a stray closing fence is text, as pandoc reads it
        out += ["", "</div>", ""] * depth  # pandoc closes what the chapter left open
        return out


_LIST_ITEM = re.compile(r"^(?P<indent> *)(?P<marker>[*+-]|\d+\.)(?P<space> +)(?P<rest>\S.*)$")
_RULE = re.compile(r"^ {0,3}([-*_])(?: *\1){2,} *$")
_CODE_FENCE = re.compile(r"^ *(`{3,}|~{3,})")


@dataclass
class _Item:
    content: int  # the column where the item's text begins, as written
    indent: int  # the same, as Python-Markdown wants it: four spaces a level


class ListIndentPreprocessor(Preprocessor):
    """pandoc's list indentation as Python-Markdown's: four spaces a level.

    pandoc reads what belongs to a list item by the column where the item's text begins
    ("- " is two columns, "1. " three): a nested list or a second paragraph indented by two
    or three spaces is inside the item. Python-Markdown wants four spaces a level, and reads
    "  - b" under "- a" as a sibling. This re-indents each line of a list to Python-Markdown's
    rule, keeping whatever it has beyond the item's column (a code block in an item stays
    one). Only indentation changes: every line keeps its number. Code fences inside items are
    carried as they are; lists inside quotations (``> - a``) are not re-indented.
    """

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        stack: list[_Item] = []
        blank_before = True
        fence: str | None = None
        for line in lines:
            if not line.strip():
                out.append(line)
                blank_before = True
                continue
            width = len(line) - len(line.lstrip(" "))
            if fence is not None:  # inside a fenced code block: moved, never read
                if line.strip().startswith(fence):
                    fence = None
                out.append(self._moved(line, width, stack))
                blank_before = False
                continue
            item = None if _RULE.match(line) else _LIST_ITEM.match(line)
            in_list = bool(stack)
            while stack and width < stack[-1].content and (blank_before or item):
                stack.pop()  # the line is not inside this item (a lazy line is)
            nested = item is not None and (stack and width < stack[-1].content + 4
                                           or not stack and width <= 3
                                           and (blank_before or in_list))
            if nested:
                space = item.group("space")
                content = width + len(item.group("marker")) + (len(space) if len(space) <= 4 else 1)
                out.append(" " * (4 * len(stack)) + item.group("marker") + " " + item.group("rest"))
                stack.append(_Item(content, 4 * (len(stack) + 1)))
            else:
                out.append(self._moved(line, width, stack))
                if stack and _CODE_FENCE.match(line):
                    fence = _CODE_FENCE.match(line).group(1)
            blank_before = False
        return out

    @staticmethod
    def _moved(line: str, width: int, stack: list[_Item]) -> str:
        if not stack:
            return line
        item = stack[-1]
        return " " * (item.indent + max(width - item.content, 0)) + line.lstrip(" ")


_LINE_BLOCK = re.compile(r"^\|(?: |$)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")


class LineBlockProcessor(BlockProcessor):
    """A block of lines opening with ``| `` (pandoc's line_blocks): verse, addresses.

    A block processor, not a preprocessor, so that verse is found wherever blocks are: in a
    quotation (``> | ...``), a list item, a footnote, a fenced div. A pipe table opens with
    ``|`` too; a block with a table's rule line (``|---|:--:|``) is left to the tables.
    """

    def test(self, parent: ET.Element, block: str) -> bool:
        lines = block.split("\n")
        return bool(_LINE_BLOCK.match(lines[0])) and not any(_TABLE_RULE.match(l) for l in lines)

    def run(self, parent: ET.Element, blocks: list[str]) -> None:
        lines = blocks.pop(0).split("\n")
        verses: list[str] = []
        for index, line in enumerate(lines):
            if _LINE_BLOCK.match(line):
                body = line[2:]
                stripped = body.lstrip(" ")
                # leading spaces are kept, as no-break spaces (an indented verse)
                verses.append("\u00a0" * (len(body) - len(stripped)) + stripped.rstrip())
            elif line.startswith(" ") and line.strip():
                verses[-1] += " " + line.strip()  # a continuation line joins the line before
            else:  # the line block ends; what follows is a block of its own
                blocks.insert(0, "\n".join(lines[index:]))
                break
        block = ET.SubElement(parent, "div", {"class": "line-block"})
        # Python-Markdown's own hard break (two spaces, a newline) between the lines: the
        # inline patterns then read each line as they read a paragraph's
        block.text = "  \n".join(verses)


class AtxHeadingProcessor(HashHeaderProcessor):
    """``# Heading`` as pandoc reads it: only where a block begins (blank_before_header) and
    with a space after the ``#``s (space_in_atx_header). Python-Markdown's own takes a ``#``
    line anywhere in a paragraph, and "#hashtag" or "#. item" as headings."""

    RE = re.compile(r"^(?P<level>#{1,6})(?=[ \t]|\n|$)"
                    r"(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)")


class LooseListTreeprocessor(Treeprocessor):
    """A list is loose or tight as a whole, as pandoc decides it (``compactify`` in its
    Markdown reader): if any item has a paragraph (a blank line in or after it), every item's
    text is a paragraph, except when the only one is the last item's last block, which is then
    tight like the rest. Python-Markdown decides item by item, and a list that is half
    paragraphs is spaced unevenly on the page. Nested lists are decided on their own."""

    def run(self, root: ET.Element) -> None:
        for parent in list(root.iter()):
            footnotes = "footnote" in (parent.get("class") or "").split()
            for lst in parent:
                if lst.tag in ("ul", "ol") and not footnotes:
                    self._compactify([item for item in lst if item.tag == "li"])

    @staticmethod
    def _compactify(items: list[ET.Element]) -> None:
        paragraphs = [(item, child) for item in items for child in item if child.tag == "p"]
        if not paragraphs:
            return
        last_item, last_paragraph = paragraphs[-1]
        if (len(paragraphs) == 1 and last_item is items[-1] and last_paragraph is last_item[-1]
                and not (last_paragraph.tail or "").strip()):
            index = list(last_item).index(last_paragraph)  # tight, as the other items are
            previous = last_item[index - 1] if index else None
            text = last_paragraph.text or ""
            if previous is None:
                last_item.text = (last_item.text or "") + text
            else:
                previous.tail = (previous.tail or "") + text
            for offset, child in enumerate(list(last_paragraph)):
                last_item.insert(index + offset, child)
            last_item.remove(last_paragraph)
            return
        for item in items:  # loose: the text before an item's first block is a paragraph
            if (item.text or "").strip():
                paragraph = ET.Element("p")
                paragraph.text = item.text.strip()
                item.text = None
                item.insert(0, paragraph)


class PandocBlocksExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        self.md = md
        md.registerExtension(self)
        self.reset()
        md.preprocessors.register(FrontMatterPreprocessor(md), "pandoc_front_matter", 40)
        md.preprocessors.register(InlineNotePreprocessor(md), "pandoc_inline_notes", 34)
        md.preprocessors.register(FencedDivPreprocessor(md), "pandoc_fenced_divs", 33)
        # After fenced divs (33), whose <div> lines end the lists they interrupt.
        md.preprocessors.register(ListIndentPreprocessor(md), "pandoc_list_indent", 32)
        # In the place of Python-Markdown's own (70), which it replaces.
        md.parser.blockprocessors.register(AtxHeadingProcessor(md.parser), "hashheader", 70)
        # Below indented code (80): "    | x" is code. Above tables (75) and their captions
        # (76), which test() leaves a pipe table to.
        md.parser.blockprocessors.register(LineBlockProcessor(md.parser), "pandoc_line_blocks", 77)
        # After footnotes (50) has gathered the notes' blocks (its own list of notes is not a
        # list of the text), before the inline patterns (20): an item's text is still one string.
        md.treeprocessors.register(LooseListTreeprocessor(md), "pandoc_loose_lists", 30)

    def reset(self) -> None:
        self.md.front_matter = None
        self.md.inline_notes = []  # the line of each inline note, in order
