"""The notes transform on the model: numbering, ids, note calls, and every bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from samizdat.config import load_manuscript
from samizdat.errors import ManuscriptError
from markup import body as body_of, note_body, reference_html
from samizdat.diagnostics import ManuscriptWarning
from samizdat.pipeline import read_book

CORPUS = Path(__file__).parent / "citations"

REFERENCES = """\
references:
- id: avrich1984
  type: article-journal
  author: [{family: Avrich, given: Paul}]
  title: "Bolshevik Opposition to Lenin"
  container-title: Russian Review
  volume: 43
  issued: {date-parts: [[1984]]}
- id: liebman1975
  type: book
  author: [{family: Liebman, given: Marcel}]
  title: Leninism under Lenin
  publisher: Jonathan Cape
  issued: {date-parts: [[1975]]}
"""


def manuscript(tmp_path: Path, chapters: dict, extra: str = "", references: str | None = REFERENCES,
               bibliography: str = "references.yaml") -> Path:
    root = tmp_path / "manuscript"
    (root / "chapters").mkdir(parents=True)
    metadata = "title: T\nauthor: A\nlang: en-GB\nidentifier: urn:x\n"
    if references is not None:
        metadata += f"bibliography: {bibliography}\n"
        (root / bibliography).write_text(references, encoding="utf-8")
    (root / "metadata.yaml").write_text(metadata + extra, encoding="utf-8")
    for name, text in chapters.items():
        (root / "chapters" / name).write_text(text, encoding="utf-8")
    return root


def book_of(root: Path):
    return read_book(load_manuscript(root))


def calls(body: str) -> list[ET.Element]:
    root = ET.fromstring(f"<div>{body}</div>")
    return [a for a in root.iter("a") if a.get("class") == "noteref"]


# --- Numbering and ids ----------------------------------------------------------------------


def test_footnotes_and_citations_share_one_numbering_in_reading_order(tmp_path):
    root = manuscript(tmp_path, {
        # definitions in the opposite order to the calls: numbers follow the calls
        "01-a.md": "One[^b] two [@avrich1984]. Three[^a].\n\n[^a]: Note A.\n[^b]: Note B.\n",
        "02-b.md": "# Two\n\nFour [@liebman1975, 12].\n",
    })
    book = book_of(root)
    notes = book.notes
    assert [(n.number, n.kind) for n in notes] == [
        (1, "footnote"), (2, "citation"), (3, "footnote"), (4, "citation")
    ]
    assert [n.id for n in notes] == ["note-1", "note-2", "note-3", "note-4"]
    assert "Note B." in note_body(notes[0]) and "Note A." in note_body(notes[2])
    assert "Avrich" in note_body(notes[1]) and "12" in note_body(notes[3])
    first = calls(body_of(book.chapters[0]))
    assert [(a.get("id"), a.get("href"), a.text) for a in first] == [
        ("noteref-1", "#note-1", "1"), ("noteref-2", "#note-2", "2"), ("noteref-3", "#note-3", "3"),
    ]


def test_note_call_markup_is_exactly_the_contract(tmp_path):
    book = book_of(manuscript(tmp_path, {"01.md": "Text [@avrich1984].[^n]\n\n[^n]: A note.\n"}))
    body = body_of(book.chapters[0])
    assert '<a class="noteref" id="noteref-1" href="#note-1">1</a>' in body
    assert "<sup" not in body and "fnref" not in body and "footnote" not in body
    assert "data-citation" not in body and "data-footnote" not in body
    for note in book.notes:
        assert note_body(note).startswith("<p>") and "footnote-backref" not in note_body(note)
        ET.fromstring(f"<div>{note_body(note)}</div>")  # well-formed


def test_citation_call_moves_after_the_following_punctuation(tmp_path):
    book = book_of(manuscript(tmp_path, {"01.md": 'He said "no" [@avrich1984]), and left [@liebman1975].\n'}))
    text = "".join(ET.fromstring(f"<div>{body_of(book.chapters[0])}</div>").itertext())
    assert "\u201cno\u201d),1 and left.2" in text


def test_numbering_can_restart_with_each_chapter_with_unique_ids(tmp_path):
    root = manuscript(
        tmp_path,
        {"01.md": "A[^x] [@avrich1984].\n\n[^x]: X.\n", "02.md": "B [@liebman1975].\n"},
        extra="notes: {numbering: chapter}\n",
    )
    book = book_of(root)
    assert [(n.number, n.id, n.ref_id) for n in book.notes] == [
        (1, "note-1-1", "noteref-1-1"), (2, "note-1-2", "noteref-1-2"), (1, "note-2-1", "noteref-2-1"),
    ]


def test_bad_numbering_setting_names_the_field(tmp_path):
    root = manuscript(tmp_path, {"01.md": "A.\n"}, extra="notes: {numbering: page}\n")
    with pytest.raises(ManuscriptError) as error:
        book_of(root)
    assert error.value.field == "notes" and error.value.line == 6


def test_citation_inside_a_footnote_is_formatted_in_place(tmp_path):
    book = book_of(manuscript(tmp_path, {"01.md": "A.[^n]\n\n[^n]: See [@avrich1984, 3] here.\n"}))
    (note,) = book.notes
    assert note.kind == "footnote"
    # pandoc's citeproc puts a note style's citation in parentheses when it stands inside a note
    assert re.search(r"^<p>See \(Paul Avrich, ‘Bolshevik Opposition to Lenin’, .*: 3\) here\.</p>$", note_body(note))


def test_citation_syntax_in_code_stays_literal(tmp_path):
    book = book_of(manuscript(tmp_path, {"01.md": "Write `[@avrich1984]` for a citation.\n\n    [@liebman1975]\n"}))
    assert book.notes == [] and book.bibliography == []
    assert "<code>[@avrich1984]</code>" in body_of(book.chapters[0])
    assert "[@liebman1975]" in body_of(book.chapters[0])


def test_bibliography_lists_cited_and_nocite_works_with_stable_ids(tmp_path):
    root = manuscript(tmp_path, {"01.md": "A [@liebman1975].\n"}, extra='nocite: "@avrich1984"\n')
    book = book_of(root)
    assert [(r.key, r.id) for r in book.bibliography] == [
        ("avrich1984", "ref-avrich1984"), ("liebman1975", "ref-liebman1975")
    ]
    assert reference_html(book.bibliography[1]).startswith("Liebman, Marcel. <em>Leninism Under Lenin</em>")
    assert book.bibliography_title == "Bibliography"


def test_bibliography_title_from_metadata(tmp_path):
    root = manuscript(tmp_path, {"01.md": "A [@liebman1975].\n"}, extra="bibliography-title: Works Cited\n")
    assert book_of(root).bibliography_title == "Works Cited"


def test_bibliography_heading_in_the_books_language(tmp_path):
    """The heading comes from the one label table, as every other word samizdat writes."""
    for style, heading in (("chicago-notes-bibliography", "Bibliographie"), ("apa", "Références")):
        root = manuscript(tmp_path / style, {"01.md": "A [@liebman1975].\n"},
                          extra=f"citation-style: {style}\n")
        metadata = root / "metadata.yaml"
        metadata.write_text(metadata.read_text().replace("lang: en-GB", "lang: fr"))
        assert book_of(root).bibliography_title == heading


def test_author_date_style_keeps_citations_in_the_text(tmp_path):
    root = manuscript(tmp_path, {"01.md": "A [@liebman1975, 12].\n"}, extra="citation-style: apa\n")
    book = book_of(root)
    assert book.notes == []
    assert "A (Liebman, 1975, p.\u00a012)." in body_of(book.chapters[0])
    assert book.bibliography_title == "References"


def test_the_corpus_model_is_what_a_writer_renders(tmp_path):
    """Render every chapter and its notes the way a writer would, and read the numbers back."""
    book = book_of(CORPUS)
    page = ET.Element("html")
    for chapter in book.chapters:
        page.append(ET.fromstring(f"<section>{body_of(chapter)}</section>"))
        notes = ET.SubElement(page, "ol")
        for note in chapter.notes:
            item = ET.fromstring(f'<li id="{note.id}">{note_body(note)}</li>')
            notes.append(item)
    html = ET.tostring(page, encoding="unicode")
    parsed = ET.fromstring(html)
    targets = {li.get("id"): li for li in parsed.iter("li")}
    numbers = []
    for call in parsed.iter("a"):
        if call.get("class") == "noteref":
            numbers.append(int(call.text))
            assert call.get("href")[1:] in targets
    assert numbers == list(range(1, len(book.notes) + 1))
    assert len(set(targets)) == len(book.notes)


# --- Bad input ----------------------------------------------------------------------------------


def raises(root: Path) -> ManuscriptError:
    with pytest.raises(ManuscriptError) as error:
        book_of(root)
    return error.value


def test_unknown_citation_key_names_chapter_and_line(tmp_path):
    error = raises(manuscript(tmp_path, {"01.md": "# T\n\nFine [@avrich1984].\nBad [@avrich1948].\n"}))
    assert error.file.endswith("01.md") and error.line == 4 and "avrich1948" in error.message


def test_footnote_call_without_definition(tmp_path):
    error = raises(manuscript(tmp_path, {"01.md": "Text.\n\nMore[^missing] text.\n"}))
    assert error.file.endswith("01.md") and error.line == 3 and "[^missing]" in error.message


def test_footnote_defined_but_never_called_is_only_a_warning(tmp_path):
    root = manuscript(tmp_path, {"01.md": "Text[^a].\n\n[^a]: Used.\n[^b]: Unused.\n"})
    with pytest.warns(ManuscriptWarning, match=r"01\.md:4: footnote \[\^b\]"):
        book = book_of(root)
    assert [note_body(n) for n in book.notes] == ["<p>Used.</p>"]


def test_duplicate_key_in_bibliography(tmp_path):
    references = REFERENCES + "- id: avrich1984\n  type: book\n  title: Again\n"
    error = raises(manuscript(tmp_path, {"01.md": "A [@avrich1984].\n"}, references=references))
    assert error.file.endswith("references.yaml") and error.line == 15
    assert "duplicate" in error.message and "line 2" in error.message


def test_unknown_citation_style(tmp_path):
    error = raises(manuscript(tmp_path, {"01.md": "A [@avrich1984].\n"}, extra="citation-style: chicago-nonsense\n"))
    assert error.field == "citation-style" and error.line == 6 and "chicago-nonsense" in error.message


def test_missing_citation_style_file(tmp_path):
    error = raises(manuscript(tmp_path, {"01.md": "A [@avrich1984].\n"}, extra="citation-style: styles/mine.csl\n"))
    assert error.field == "citation-style" and "not found" in error.message


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("references.yaml", "references:\n- id: a\n  title: [unclosed\n", 4),
        ("references.json", '[\n  {"id": "a",\n   "title": "x",}\n]\n', 3),
        ("references.bib", "@book{a,\n  title = {X},\n\n@book{b, title = {Y}}\n", 1),
        ("references.yaml", "references:\n- type: book\n  title: No id\n", 2),
    ],
)
def test_malformed_bibliography_names_file_and_line(tmp_path, name, text, line):
    error = raises(manuscript(tmp_path, {"01.md": "A [@a].\n"}, references=text, bibliography=name))
    assert error.file.endswith(name) and error.line == line


def test_bibtex_and_csl_json_bibliographies_work(tmp_path):
    entries = json.dumps([{"id": "a", "type": "book", "title": "Json Book",
                           "author": [{"family": "Doe", "given": "Jane"}], "issued": {"date-parts": [[2001]]}}])
    book = book_of(manuscript(tmp_path / "j", {"01.md": "A [@a].\n"}, references=entries, bibliography="r.json"))
    assert "Jane Doe, <em>Json Book</em>" in note_body(book.notes[0])
    bib = "@book{b,\n  author = {Doe, John},\n  title = {Bib Book},\n  year = {1999},\n  publisher = {P}\n}\n"
    book = book_of(manuscript(tmp_path / "b", {"01.md": "A [@b].\n"}, references=bib, bibliography="r.bib"))
    assert "John Doe, <em>Bib Book</em>" in note_body(book.notes[0])


def test_cli_exits_2_with_one_line_for_an_unknown_key(tmp_path):
    manuscript(tmp_path, {"01.md": "A [@nobody2000].\n"})
    result = subprocess.run(
        [sys.executable, "-m", "samizdat", "build", "--out", str(tmp_path / "build")],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "01.md:1" in line and "nobody2000" in line


@pytest.mark.parametrize(
    "style",
    ['<?xml version="1.0"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" class="note">\n<info>\n', "<style><citation/></style>\n"],
)
def test_malformed_citation_style_file_names_the_file(tmp_path, style):
    root = manuscript(tmp_path, {"01.md": "A [@avrich1984].\n"}, extra="citation-style: mine.csl\n")
    (root / "mine.csl").write_text(style, encoding="utf-8")
    error = raises(root)
    assert error.file.endswith("mine.csl")


def test_a_work_the_style_does_not_print_is_a_warning_naming_its_entry(tmp_path):
    from samizdat.transforms.notes import UnprintedReferenceWarning

    references = REFERENCES + (
        "- id: pfemfert\n  type: document\n  author: [{family: Pfemfert, given: Franz}]\n"
        "  title: Lenin’s Infantile Disorder\n"
    )
    root = manuscript(tmp_path, {"01.md": "Text [@avrich1984; @liebman1975; @pfemfert].\n"},
                      references=references)
    with pytest.warns(UnprintedReferenceWarning, match=r"references.yaml:15: .*'pfemfert'"):
        book = book_of(root)
    assert [r.key for r in book.bibliography] == ["avrich1984", "liebman1975"]
    assert [r.key for r in book.unprinted_references] == ["pfemfert"]


UNPRINTED = (
    "- id: leaflet\n  type: document\n  author: [{family: Pfemfert, given: Franz}]\n"
    "  title: A Leaflet\n"
)


def test_an_accepted_omission_is_silent(tmp_path):
    references = REFERENCES + UNPRINTED + "  omit-from-bibliography: its form is not known\n"
    root = manuscript(tmp_path, {"01.md": "Text [@avrich1984; @leaflet].\n"}, references=references)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        book = book_of(root)
    assert book.unprinted_references == [] and [r.key for r in book.bibliography] == ["avrich1984"]


def test_an_omission_without_a_reason_is_an_error(tmp_path):
    references = REFERENCES + UNPRINTED + "  omit-from-bibliography: ''\n"
    root = manuscript(tmp_path, {"01.md": "Text [@leaflet].\n"}, references=references)
    error = raises(root)
    assert error.file.endswith("references.yaml") and error.line == 19
    assert "gives no reason" in error.message


@pytest.mark.parametrize("name, text", [
    ("references.json",
     '[{"id": "a", "type": "book", "title": "A"},\n'
     ' {"id": "leaflet", "type": "document", "title": "L",\n'
     '  "omit-from-bibliography": "its form is not known"}]\n'),
    ("references.bib",
     "@book{a, title = {A}}\n\n@misc{leaflet,\n  title = {L},\n"
     "  omit-from-bibliography = {its form is not known}\n}\n"),
])
def test_every_bibliography_format_can_accept_an_omission(tmp_path, name, text):
    from samizdat.bibliography import load_bibliography

    (tmp_path / name).write_text(text, encoding="utf-8")
    bibliography = load_bibliography(tmp_path / name)
    assert bibliography.omitted == {"leaflet": "its form is not known"}
    assert bibliography.keys == ["a", "leaflet"]


def test_a_note_that_calls_a_note_is_a_located_error(tmp_path):
    root = manuscript(tmp_path, {"01.md": "Text.[^a]\n\n[^a]: A note that calls[^b] another.\n\n"
                                          "[^b]: Whose text pandoc would lose.\n"})
    error = raises(root)
    assert error.file.endswith("01.md") and error.line == 3
    assert "footnote [^a] calls another note ([^b])" in error.message


def test_references_yaml_is_read_without_naming_it(tmp_path):
    root = manuscript(tmp_path, {"01.md": "A [@avrich1984].\n"}, references=None)
    (root / "references.yaml").write_text(REFERENCES, encoding="utf-8")
    book = book_of(root)
    assert [r.key for r in book.bibliography] == ["avrich1984"]


def test_a_works_language_is_marked_on_its_entry(tmp_path):
    references = REFERENCES + (
        "- id: serge1951\n  type: book\n  language: fr\n  author: [{family: Serge, given: Victor}]\n"
        "  title: Mémoires d’un révolutionnaire\n  issued: {date-parts: [[1951]]}\n")
    book = book_of(manuscript(tmp_path, {"01.md": "A [@serge1951; @avrich1984].\n"},
                              references=references))
    languages = {r.key: r.lang for r in book.bibliography}
    assert languages == {"avrich1984": None, "serge1951": "fr"}


# --- Which pandoc runs the citations ---------------------------------------------------------


def test_the_citation_run_uses_the_pandoc_pypandoc_binary_ships(monkeypatch):
    import pypandoc

    from samizdat.transforms.notes import pandoc_path

    monkeypatch.delenv("PYPANDOC_PANDOC", raising=False)
    shipped = Path(pypandoc.__file__).resolve().parent / "files" / "pandoc"
    assert Path(pandoc_path()).resolve() == shipped
    assert "pandoc" in subprocess.run([pandoc_path(), "--version"], capture_output=True,
                                      text=True, check=True).stdout


def test_pypandoc_pandoc_names_another_pandoc(monkeypatch, tmp_path):
    # pypandoc's own way to name a pandoc is obeyed (pypandoc then asks it its version)
    import pypandoc

    from samizdat.transforms.notes import pandoc_path

    other = tmp_path / "my-pandoc"
    other.write_text("#!/bin/sh\necho 'pandoc 3.99'\n")
    other.chmod(0o755)
    monkeypatch.setenv("PYPANDOC_PANDOC", str(other))
    monkeypatch.setattr(pypandoc, "__pandoc_path", None)  # pypandoc remembers what it found
    assert pandoc_path() == str(other)
