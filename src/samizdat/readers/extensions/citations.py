"""Pandoc citation syntax (``[see @key, p. 12; -@other]``, ``@key says``) for Python-Markdown.

The scanning is readers/citation_syntax.py's (shared with the lint, and held to pandoc's own
reading by its tests). This extension only carries what it finds through Python-Markdown: a
preprocessor swaps each citation for a placeholder that no Markdown rule touches, and an inline
processor turns the placeholder into ``<samizdat-cite index="N"/>``, N indexing
``md.citations``. Formatting and numbering are the notes transform's job, on the model.

Working on the raw text, before Python-Markdown parses it, is what keeps ``[@key]`` from being
read as a link label or its ``*cf.*`` prefix as emphasis outside the citation; code spans and
code blocks are skipped by the scanner, so citation syntax in code stays literal.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor

from samizdat.readers.citation_syntax import Citation, find_citations

# Private-use characters: they cannot occur in a manuscript by accident, and no Markdown
# rule (emphasis, links, escapes) gives them a meaning.
_OPEN, _CLOSE = "\uf8f0", "\uf8f1"
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")

#: The element the reader turns into the model's CITE.
TAG = "samizdat-cite"


@dataclass(frozen=True)
class FoundCitation:
    citation: Citation
    text: str  # the citation as written: "[see @a, p. 12]"
    line: int  # 1-based, in the chapter file
    column: int  # 1-based


class CitationPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        found: list[FoundCitation] = self.md.citations
        pieces = []
        position = 0
        for citation in find_citations(text):
            pieces.append(text[position : citation.start])
            pieces.append(f"{_OPEN}{len(found)}{_CLOSE}")
            line = text.count("\n", 0, citation.start) + 1
            column = citation.start - (text.rfind("\n", 0, citation.start) + 1) + 1
            found.append(FoundCitation(citation, text[citation.start : citation.end], line, column))
            position = citation.end
        pieces.append(text[position:])
        return "".join(pieces).split("\n")


class CitationInlineProcessor(InlineProcessor):
    def handleMatch(self, m: re.Match, data: str):  # noqa: N802 (Python-Markdown's name)
        element = ET.Element(TAG)
        element.set("index", m.group(1))
        return element, m.start(0), m.end(0)


class CitationExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        self.md = md
        md.citations = []
        md.registerExtension(self)
        # Above normalize_whitespace (30), and after front matter (40) has blanked its lines:
        # the scanner's offsets and lines are into the text as written.
        md.preprocessors.register(CitationPreprocessor(md), "pandoc_citations", 35)
        # Above backtick (190): the placeholder is never inside code (the scanner skips code).
        md.inlinePatterns.register(
            CitationInlineProcessor(_PLACEHOLDER.pattern, md), "pandoc_citation", 195
        )

    def reset(self) -> None:
        self.md.citations = []
