"""Our notes, running text and bibliography against pandoc 3.x, the reference CSL processor.

pandoc reads the same chapters (concatenated, as one document), the same bibliography and style,
with ``--citeproc``; its HTML gives the text of every note, every paragraph with its note calls
and every bibliography entry. Ours come from the model after read_book. Text is compared after
folding whitespace: no-break spaces are ours (typography), not a difference in wording.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import lxml.html
import pytest

from markup import body, note_body, reference_html
from samizdat.config import load_manuscript
from samizdat.pipeline import read_book
from samizdat.transforms.notes import resolve_style

pypandoc = pytest.importorskip("pypandoc")

from samizdat.transforms.notes import pandoc_path  # noqa: E402  the binary samizdat runs

CORPUS = Path(__file__).parent / "citations"
ESSAY = Path(__file__).parent.parent / "manuscript"


def fold(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def xhtml_text(fragment: str) -> str:
    return fold("".join(ET.fromstring(f"<div>{fragment}</div>").itertext()))


def pandoc_render(manuscript_dir: Path) -> dict:
    manuscript = load_manuscript(manuscript_dir)
    command = [
        pandoc_path(),
        "--from=markdown",
        "--to=html5",
        "--citeproc",
        f"--csl={resolve_style(manuscript)}",
        f"--bibliography={manuscript.bibliography_path}",
        # lang and nocite as the manuscript gives them (pandoc reads metadata values as Markdown)
        f"--metadata-file={manuscript.metadata_path}",
        "--wrap=none",
    ]
    command += [str(path) for path in manuscript.chapter_paths]
    result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=manuscript.root)
    tree = lxml.html.fromstring(f"<div>{result.stdout}</div>")
    notes = {}
    for item in tree.xpath("//section[@id='footnotes']//li"):
        for back in item.xpath(".//a[contains(@class, 'footnote-back')]"):
            back.drop_tree()
        notes[int(item.get("id").removeprefix("fn"))] = fold(item.text_content())
    references = {
        entry.get("id"): fold(entry.text_content())
        for entry in tree.xpath("//div[@id='refs']/div[contains(@class, 'csl-entry')]")
        # pandoc keeps an empty entry for a work the style leaves out of the bibliography
        # (Chicago: personal communications); we leave it out of the model.
        if fold(entry.text_content())
    }
    for section in tree.xpath("//section[@id='footnotes'] | //div[@id='refs']"):
        section.drop_tree()
    paragraphs = [fold(p.text_content()) for p in tree.xpath("//p | //h1 | //h2")]
    return {"notes": notes, "references": references, "paragraphs": paragraphs}


def samizdat_render(manuscript_dir: Path) -> dict:
    book = read_book(load_manuscript(manuscript_dir))
    paragraphs = []
    for chapter in book.chapters:
        root = ET.fromstring(f"<div>{body(chapter)}</div>")
        paragraphs += [fold("".join(e.itertext())) for e in root.iter() if e.tag in ("p", "h1", "h2")]
    return {
        "notes": {note.number: xhtml_text(note_body(note)) for note in book.notes},
        "references": {ref.id: xhtml_text(reference_html(ref)) for ref in book.bibliography},
        "paragraphs": paragraphs,
        "book": book,
    }


#: Note and author-date styles from the CSL repository, the most used in the humanities and
#: the sciences: every one must read as pandoc's citeproc prints it.
STYLES = ["chicago-notes-bibliography", "apa", "modern-language-association",
          "chicago-author-date", "harvard-cite-them-right"]


@pytest.fixture(scope="module", params=STYLES)
def corpus(request, tmp_path_factory) -> tuple[dict, dict]:
    folder = tmp_path_factory.mktemp(request.param) / "corpus"
    shutil.copytree(CORPUS, folder)
    metadata = folder / "metadata.yaml"
    metadata.write_text(metadata.read_text(encoding="utf-8").replace(
        "citation-style: chicago-notes-bibliography", f"citation-style: {request.param}"),
        encoding="utf-8")
    return samizdat_render(folder), pandoc_render(folder)


def test_every_note_reads_as_pandoc_prints_it(corpus):
    ours, theirs = corpus
    assert len(theirs["notes"]) >= 4  # the corpus really has its notes (footnotes at least)
    assert ours["notes"] == theirs["notes"]


def test_note_calls_sit_where_pandoc_puts_them(corpus):
    ours, theirs = corpus
    assert ours["paragraphs"] == theirs["paragraphs"]


def test_bibliography_matches_pandoc_entry_for_entry_in_order(corpus):
    ours, theirs = corpus
    assert list(ours["references"].items()) == list(theirs["references"].items())
    assert "ref-kollontai1921" in ours["references"]  # nocite


def test_corpus_covers_every_reference_type():
    import yaml

    entries = yaml.safe_load((CORPUS / "references.yaml").read_text(encoding="utf-8"))["references"]
    types = {entry["type"] for entry in entries}
    assert {
        "book", "article-journal", "chapter", "manuscript", "pamphlet",
        "article-newspaper", "personal_communication",
    } <= types
    assert any("translator" in e for e in entries)
    assert any("author" not in e and "editor" not in e for e in entries)  # anonymous
    assert any(a.get("literal") for e in entries for a in e.get("author", []))  # corporate
    assert any(len(e.get("author", e.get("editor", []))) >= 3 for e in entries)


def test_the_essay_matches_pandoc():
    started = time.perf_counter()
    ours = samizdat_render(ESSAY)
    elapsed = time.perf_counter() - started
    theirs = pandoc_render(ESSAY)
    assert ours["notes"] == theirs["notes"]
    assert list(ours["references"].items()) == list(theirs["references"].items())
    assert ours["paragraphs"] == theirs["paragraphs"]
    print(f"essay: {len(ours['notes'])} notes, read + transforms in {elapsed:.2f} s")
