"""pandoc's block syntax that Python-Markdown lacks, as preprocessors on the raw text.

- **Chapter front matter**: a YAML block opening the file (``---`` ... ``---`` or ``...``), as
  pandoc's ``yaml_metadata_block``. Its lines are blanked, not removed, so every later line
  number is still the file's; the reader reads the mapping (``md.front_matter``).
- **Inline notes**: ``text^[the note]`` becomes a footnote call ``[^samizdat-inline-N]`` with
  its definition appended at the end, so Python-Markdown's footnotes do the rest and the notes
  transform numbers it with the others in reading order.
- **Fenced divs**: ``::: {.class lang=fr}`` ... ``:::`` becomes md_in_html's
  ``<div markdown="1" ...>``, nested as pandoc nests them.
- **Line blocks**: lines opening with ``| `` become ``<div class="line-block">`` with a line
  break between lines and leading spaces kept (as non-breaking spaces), as pandoc writes them.

Code blocks and code spans are skipped by the scanner the citations use.
"""

from __future__ import annotations

import html
import re

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

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
            content = " ".join(text[start + 2 : end].split())
            pieces += [text[position:start], f"[^{label}]"]
            definitions.append(f"[^{label}]: {content}")
            position = end + 1
        if not definitions:
            return lines
        pieces.append(text[position:])
        return ("".join(pieces) + "\n\n" + "\n\n".join(definitions) + "\n").split("\n")


_FENCE = re.compile(r"^ {0,3}(?P<colons>:{3,})\s*(?:\{(?P<attrs>[^{}]*)\}|(?P<word>[^\s{}:]+))?"
                    r"\s*:*\s*$")


class FencedDivPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        literal = code_spans(text)
        out: list[str] = []
        depth = 0
        offset = 0
        for line in lines:
            match = None if _in(literal, offset) else _FENCE.match(line)
            offset += len(line) + 1
            if match is None:
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


_LINE_BLOCK = re.compile(r"^\|(?: |$)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")


class LineBlockPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        literal = code_spans(text)
        starts = []
        offset = 0
        for line in lines:
            starts.append(offset)
            offset += len(line) + 1
        out: list[str] = []
        index = 0
        while index < len(lines):
            if not _LINE_BLOCK.match(lines[index]) or _in(literal, starts[index]):
                out.append(lines[index])
                index += 1
                continue
            block = [lines[index]]
            index += 1
            while index < len(lines) and (_LINE_BLOCK.match(lines[index])
                                          or (lines[index].startswith(" ") and lines[index].strip())):
                block.append(lines[index])
                index += 1
            if any(_TABLE_RULE.match(line) for line in block):
                out += block  # a pipe table, not verse
                continue
            verses: list[str] = []
            for line in block:
                if line.startswith("|"):
                    body = line[2:] if line.startswith("| ") else ""
                    stripped = body.lstrip(" ")
                    verses.append("\u00a0" * (len(body) - len(stripped)) + stripped.rstrip())
                else:  # a continuation line joins the line before it
                    verses[-1] += " " + line.strip()
            out += ["", '<div class="line-block" markdown="span">' + "<br />".join(verses)
                    + "</div>", ""]
        return out


class PandocBlocksExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        self.md = md
        md.registerExtension(self)
        self.reset()
        md.preprocessors.register(FrontMatterPreprocessor(md), "pandoc_front_matter", 40)
        md.preprocessors.register(InlineNotePreprocessor(md), "pandoc_inline_notes", 34)
        md.preprocessors.register(FencedDivPreprocessor(md), "pandoc_fenced_divs", 33)
        md.preprocessors.register(LineBlockPreprocessor(md), "pandoc_line_blocks", 32)

    def reset(self) -> None:
        self.md.front_matter = None
        self.md.inline_notes = []  # the line of each inline note, in order
