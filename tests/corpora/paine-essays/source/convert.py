"""Standard Ebooks' XHTML (this folder) -> the corpus's pandoc Markdown chapters (../chapters/).

    python tests/corpora/paine-essays/source/convert.py [OUT_DIR]

Deterministic: run it again and the chapters come out byte for byte the same (the test module
checks that). It converts only the elements these four files use, and fails on any other, so
nothing is dropped without notice. The words are the production's own, to the character:
curly quotes, word joiners before dashes, no-break and hair spaces are kept as they are.

How Standard Ebooks' markup becomes pandoc's Markdown:

- one chapter file per essay; the essay's ``h2`` is the chapter's ``#``, ``h3``/``h4`` its
  ``##``/``###``; an ``hgroup`` subtitle (not a heading: Standard Ebooks' own contents leave it
  out) is a fenced div ``::: subtitle``;
- ``em``/``i`` -> ``*...*``; ``b`` and ``strong`` -> ``[...]{.smallcaps}`` (Standard Ebooks'
  core.css sets both in small caps, at normal weight); ``sup`` -> ``^...^``;
- an element with ``xml:lang`` -> a bracketed span ``[...]{lang=fr}``;
- ``abbr``, ``time``, ``cite``, roman-numeral spans -> their text;
- a note call -> ``[^N]`` (N: the number in endnotes.xhtml), its endnote -> ``[^N]: ...`` at the
  end of the chapter, further blocks indented by four spaces, the backlink dropped;
- the one note that calls a note (8 calls 27, Montaigne) cannot be a footnote in a footnote
  (pandoc prints the call as text and loses the note): 27's text is put at the end of 8 in square
  brackets, as Conway's printed edition and Standard Ebooks' earlier production had it;
- ``blockquote`` -> ``>``; ``ol`` -> a loose ordered list; ``table`` -> a pipe table (a table
  without ``thead`` gets an empty header row, which pandoc leaves out; ``tfoot`` rows become the
  last rows of the body, Markdown having no table foot); ``footer`` -> ``::: footer``, the
  signature a span ``[...]{.signature}``.

Agrarian Justice comes from a later commit than the endnotes (see ../README.md): its calls
25, 26 and 27 are the endnotes' 24, 25 and 26, and are renumbered so here.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parent
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

ESSAYS = [
    ("01-anti-monarchal-essay.md", "anti-monarchal-essay.xhtml", {}),
    ("02-dissertation-on-first-principles-of-government.md",
     "dissertation-on-first-principles-of-government.xhtml", {}),
    ("03-agrarian-justice.md", "agrarian-justice.xhtml", {"25": "24", "26": "25", "27": "26"}),
]
NESTED = {"8": "27"}  # endnote 8 calls endnote 27


def local(element: etree._Element) -> str:
    return etree.QName(element).localname


class Converter:
    def __init__(self, endnotes: dict[str, etree._Element], renumber: dict[str, str]):
        self.endnotes = endnotes
        self.renumber = renumber
        self.called: list[str] = []

    # --- inline -----------------------------------------------------------------------------

    def inline(self, element: etree._Element, *, in_note: str | None = None) -> str:
        """The Markdown of an element's content (text, children, their tails)."""
        out = [escape(element.text or "")]
        for child in element:
            out.append(self.inline_element(child, in_note=in_note))
            out.append(escape(child.tail or ""))
        return "".join(out)

    def inline_element(self, child: etree._Element, *, in_note: str | None) -> str:
        name = local(child)
        inner = self.inline(child, in_note=in_note)
        if name == "a" and child.get(EPUB_TYPE) == "noteref":
            number = child.text
            if in_note is not None:
                # the note in a note: its text goes into the calling note (see the docstring)
                assert NESTED.get(in_note) == number, (in_note, number)
                return ""
            number = self.renumber.get(number, number)
            self.called.append(number)
            return f"[^{number}]"
        if name == "a" and child.get(EPUB_TYPE) == "backlink":
            return ""
        if name in ("em", "i"):
            text = f"*{inner}*"
        elif name in ("b", "strong"):
            text = f"[{inner}]{{.smallcaps}}"
        elif name == "sup":
            text = f"^{inner}^"
        elif name in ("abbr", "time", "cite", "span", "q"):
            text = inner
        else:
            raise ValueError(f"unexpected inline element <{name}>")
        lang = child.get(XML_LANG)
        if lang:
            text = f"[{text}]{{lang={lang}}}"
        return text

    # --- blocks -----------------------------------------------------------------------------

    def blocks(self, parent: etree._Element, level: int, *, in_note: str | None = None) -> list[str]:
        """The Markdown blocks of a sectioning element's children."""
        out: list[str] = []
        for child in parent:
            if not isinstance(child.tag, str):
                continue
            name = local(child)
            if name in ("h2", "h3", "h4"):
                out.append("#" * (int(name[1]) - 1) + " " + self.inline(child).strip())
            elif name == "hgroup":
                title, subtitle = list(child)
                out.append("#" * (int(local(title)[1]) - 1) + " " + self.inline(title).strip())
                out.append("::: subtitle\n" + self.inline(subtitle).strip() + "\n:::")
            elif name == "p":
                text = self.inline(child, in_note=in_note).strip()
                if child.get(EPUB_TYPE) == "z3998:signature":
                    text = f"[{text}]{{.signature}}"
                out.append(text)
            elif name in ("section", "article"):
                out.extend(self.blocks(child, level + 1))
            elif name == "blockquote":
                inner = self.blocks(child, level, in_note=in_note)
                out.append("\n>\n".join(quote(block) for block in inner))
            elif name == "cite":  # a blockquote's attribution, a block of its own
                out.append(self.inline(child).strip())
            elif name == "ol":
                out.append(self.ordered_list(child))
            elif name == "table":
                out.append(table(self, child))
            elif name == "footer":
                out.append("::: footer\n" + "\n\n".join(self.blocks(child, level)) + "\n:::")
            else:
                raise ValueError(f"unexpected block element <{name}>")
        return out

    def ordered_list(self, element: etree._Element) -> str:
        items = []
        for number, item in enumerate(element, 1):
            marker = f"{number}.".ljust(4)
            blocks = self.blocks(item, 0)
            first, rest = blocks[0], blocks[1:]
            text = marker + first
            for block in rest:
                text += "\n\n" + indent(block)
            items.append(text)
        return "\n\n".join(items)

    def note(self, number: str, source_number: str) -> str:
        item = self.endnotes[source_number]
        blocks = self.blocks(item, 0, in_note=source_number)
        nested = NESTED.get(source_number)
        if nested:
            extra = " ".join(self.blocks(self.endnotes[nested], 0, in_note=nested))
            blocks[-1] = blocks[-1].rstrip() + f" [{extra}]"
        first = blocks[0].split("\n")
        text = f"[^{number}]: " + "\n".join([first[0], *(indent(line) for line in first[1:])])
        for block in blocks[1:]:
            text += "\n\n" + indent(block)
        return text


def table(converter: Converter, element: etree._Element) -> str:
    """A pipe table; cells are single lines of inline Markdown."""
    def cells(row: etree._Element) -> list[str]:
        return [converter.inline(cell).strip() for cell in row]

    head = element.find(f"{XHTML}thead")
    header = cells(head[0]) if head is not None else None
    rows = []
    for part in ("tbody", "tfoot"):
        section = element.find(f"{XHTML}{part}")
        if section is not None:
            rows.extend(cells(row) for row in section)
    width = len(rows[0])
    header = header or [""] * width
    widths = [max(3, *(len(row[i]) for row in [header, *rows])) for i in range(width)]

    def line(row: list[str]) -> str:
        return "| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def escape(text: str) -> str:
    """Text as Markdown: whitespace as the XHTML's indentation made it, one line; an asterisk
    that is the source's own (``thro* all``) escaped."""
    text = re.sub(r"[ \t\n\r]+", " ", text)
    return text.replace("*", "\\*")


def quote(block: str) -> str:
    return "\n".join("> " + line if line else ">" for line in block.split("\n"))


def indent(block: str) -> str:
    return "\n".join("    " + line if line else "" for line in block.split("\n"))


def load(name: str) -> etree._Element:
    return etree.parse(str(HERE / name)).getroot()


def convert(out_dir: Path) -> list[Path]:
    endnotes = {
        item.get("id").removeprefix("note-"): item
        for item in load("endnotes.xhtml").iter(f"{XHTML}li")
        if item.get(EPUB_TYPE) == "endnote"
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for chapter, source, renumber in ESSAYS:
        body = load(source).find(f"{XHTML}body")
        converter = Converter(endnotes, renumber)
        blocks = converter.blocks(body, 0)
        notes = [converter.note(number, number) for number in converter.called]
        text = "\n\n".join(blocks + notes) + "\n"
        path = out_dir / chapter
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "chapters"
    for path in convert(target):
        print(path)
