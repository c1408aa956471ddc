"""Raw TeX in the text, as papers written for pandoc and LaTeX have it.

pandoc's ``raw_tex`` reads ``\\begin{equation}...\\end{equation}`` and ``\\ref{...}`` as TeX and its
HTML writer drops them: the equations of a JOSS paper vanish without a word. samizdat reads the
math environments as the display math they are, numbered as LaTeX numbers them (``equation``,
``align``, ``gather``, ``multline``; not their starred forms), with ``\\label`` giving the number
its name and ``\\ref`` printing it. ``\\LaTeX`` and ``\\TeX`` are their names. Any other TeX
command outside math and code is kept as written, backslash and all (Python-Markdown's escapes
would eat the backslash), and is a located warning: it is not read.

On the raw text, before citations (35) and escapes, after the front matter (40) has blanked
its lines; every line stays where it was, so later line numbers are still the file's.
"""

from __future__ import annotations

import re

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from samizdat.readers.citation_syntax import code_spans
from samizdat.readers.extensions.pandoc_inlines import MathProcessor

NUMBERED = ("equation", "align", "gather", "multline", "eqnarray")
ENVIRONMENTS = NUMBERED + tuple(f"{name}*" for name in NUMBERED) + ("displaymath",)
_ENVIRONMENT = re.compile(
    r"\\begin\{(?P<name>" + "|".join(re.escape(e) for e in ENVIRONMENTS) + r")\}"
    r"(?P<tex>.*?)\\end\{(?P=name)\}", re.S)
_LABEL = re.compile(r"\\label\{([^{}]*)\}")
_REF = re.compile(r"\\(?:eq)?ref\{([^{}]*)\}")
_NAMES = {"LaTeX": "LaTeX", "TeX": "TeX"}
_COMMAND = re.compile(r"\\([A-Za-z]+)(\{\})?")
# The reader's own pattern for $...$ and $$...$$ (pandoc's rules), so that what counts as math
# here is exactly what the reader turns into math.
_MATH = re.compile(MathProcessor.PATTERN, re.S)


def equations(text: str) -> list[re.Match]:
    """The math environments of a chapter's source, outside code."""
    literal = code_spans(text)
    return [m for m in _ENVIRONMENT.finditer(text)
            if not any(start <= m.start() < end for start, end in literal)]


def number_equations(texts: list[str]) -> tuple[dict[str, int], list[int]]:
    """Equations are numbered through the book, as LaTeX numbers them through an article:
    each ``\\label`` with its number, and the number before each chapter's first equation."""
    labels: dict[str, int] = {}
    starts, number = [], 0
    for text in texts:
        starts.append(number)
        for match in equations(text):
            if match.group("name") in NUMBERED:
                number += 1
                for label in _LABEL.findall(match.group("tex")):
                    labels[label] = number
    return labels, starts


class RawTexPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "\\" not in text:
            return lines
        labels: dict[str, int] = self.md.tex_labels
        pieces, position, number = [], 0, self.md.tex_first_number
        for match in equations(text):
            tex = match.group("tex")
            tag = ""
            if match.group("name") in NUMBERED:
                number += 1
                tag = f"\\tag{{{number}}}"
            # A line emptied of its \label would end the paragraph, and the math with it (and
            # make the next indented line a code block): an empty group holds its place.
            tex = "\n".join(line if line.strip() else " {}" for line in _LABEL.sub("", tex).split("\n"))
            if match.group("name").rstrip("*") in ("align", "eqnarray"):
                tex = f"\\begin{{aligned}}{tex}\\end{{aligned}}"
            pieces += [text[position:match.start()], f"$${tex}{tag}$$"]
            position = match.end()
        text = "".join(pieces) + text[position:]
        literal = code_spans(text)
        math = [(m.start(), m.end()) for m in _MATH.finditer(text)]

        def outside(offset: int) -> bool:
            return not any(start <= offset < end for start, end in literal + math)

        def command(match: re.Match) -> str:
            if not outside(match.start()):
                return match.group(0)
            if match.group(0).startswith(("\\ref", "\\eqref")):
                ref = _REF.match(text, match.start())
                if ref and ref.group(1) in labels:
                    return str(labels[ref.group(1)])
            name = match.group(1)
            if name in _NAMES:
                return _NAMES[name]
            line = text.count("\n", 0, match.start()) + 1
            self.md.raw_tex.append((line, match.group(0)))
            return "\\" + match.group(0)  # escaped: the backslash is printed

        text = re.sub(r"\\(?:eq)?ref\{[^{}]*\}|" + _COMMAND.pattern, command, text)
        return text.split("\n")


class RawTexExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        self.md = md
        md.registerExtension(self)
        self.reset()
        md.preprocessors.register(RawTexPreprocessor(md), "pandoc_raw_tex", 38)

    def reset(self) -> None:
        self.md.raw_tex = []  # (line, command) of TeX that is not read
        # Set by the reader for each chapter (number_equations): the book's equation labels,
        # and the number of the equations before this chapter.
        self.md.tex_labels = {}
        self.md.tex_first_number = 0
