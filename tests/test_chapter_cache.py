"""Chapters kept between builds (readers/markdown.py ``_read_chapter_kept``): a chapter read
from the cache makes the very book a fresh reading makes, on the essay and on corpora nobody
here wrote (notes, equations, figures); only an edited chapter is parsed again; a changed
image is seen although its chapter's text is not; a damaged entry is read again; the cache
holds the book's chapters as they are, not every draft."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from samizdat import cache
from samizdat.config import load_manuscript
from samizdat.errors import ManuscriptError
from samizdat.pipeline import read_book
from samizdat.readers import markdown as reader
from samizdat.writers.epub import write_epub
from samizdat.writers.pdf import lay_out_pamphlet

ROOT = Path(__file__).resolve().parents[1]
STYLES = ROOT / "styles"
CORPORA = ROOT / "tests" / "corpora"
EPOCH = 1_700_000_000
MANUSCRIPTS = {
    "essay": ROOT / "manuscript",
    "paine": CORPORA / "paine-essays",
    "joss": CORPORA / "joss-tikhonov-fenichel",
    "figures": CORPORA / "figures",
}


@pytest.fixture
def kept(tmp_path):
    """A cache folder for the test, and none afterwards."""
    folder = tmp_path / "cache"
    cache.use(folder)
    yield folder
    cache.use(None)


def read(manuscript: Path):
    return read_book(load_manuscript(manuscript))


def epub_of(book, path: Path) -> bytes:
    write_epub(book, path, stylesheets=[STYLES / "common.css", STYLES / "epub.css"],
               source_date_epoch=EPOCH, styles_dir=STYLES)
    return path.read_bytes()


def counting_reads(monkeypatch) -> list[Path]:
    read_paths: list[Path] = []
    original = reader.read_chapter

    def counted(path, *args, **kwargs):
        read_paths.append(path)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(reader, "read_chapter", counted)
    return read_paths


@pytest.mark.parametrize("name", sorted(MANUSCRIPTS))
def test_kept_chapters_make_the_book_a_fresh_reading_makes(name, tmp_path, monkeypatch):
    manuscript = MANUSCRIPTS[name]
    fresh = epub_of(read(manuscript), tmp_path / "fresh.epub")  # no cache: read as always
    cache.use(tmp_path / "cache")
    try:
        read(manuscript)  # fills the cache
        reads = counting_reads(monkeypatch)
        again = epub_of(read(manuscript), tmp_path / "kept.epub")
    finally:
        cache.use(None)
    assert reads == []  # every chapter came from the cache
    assert again == fresh


def test_kept_chapters_lay_out_the_same_pamphlet(tmp_path):
    manuscript = MANUSCRIPTS["essay"]

    def pamphlet(book) -> bytes:
        return lay_out_pamphlet(book, page_size="A5", stylesheets=[STYLES / "print.css"],
                                allowed_roots=[manuscript.resolve(), STYLES.resolve()],
                                source_date_epoch=EPOCH, by_parts=False).pdf

    fresh = pamphlet(read(manuscript))
    cache.use(tmp_path / "cache")
    try:
        read(manuscript)
        again = pamphlet(read(manuscript))
    finally:
        cache.use(None)
    assert again == fresh


def test_only_the_edited_chapter_is_read_again(tmp_path, kept, monkeypatch):
    manuscript = tmp_path / "paine"
    shutil.copytree(MANUSCRIPTS["paine"], manuscript)
    chapters = sorted((manuscript / "chapters").glob("*.md"))
    assert len(chapters) > 1
    read(manuscript)
    with open(chapters[-1], "a", encoding="utf-8") as text:
        text.write("\nA sentence added at the end.\n")
    reads = counting_reads(monkeypatch)
    book = read(manuscript)
    assert reads == [chapters[-1]]
    assert "A sentence added at the end." in "".join(book.chapters[-1].content.itertext())
    # the cache holds the chapters as they are now: one entry each, the old draft pruned
    entries = [p for p in kept.glob("chapter/*/*") if not p.name.endswith(".lock")]
    assert len(entries) == len(chapters)


def test_an_image_removed_under_an_unchanged_chapter_is_missed(tmp_path, kept):
    manuscript = tmp_path / "figures"
    shutil.copytree(MANUSCRIPTS["figures"], manuscript)
    read(manuscript)
    image = manuscript / "images" / "composing-stick.png"
    saved = image.read_bytes()
    image.unlink()
    with pytest.raises(ManuscriptError, match="composing-stick.png' not found"):
        read(manuscript)
    image.write_bytes(saved)
    assert read(manuscript).assets


def test_a_damaged_entry_is_read_again(tmp_path, kept, monkeypatch):
    manuscript = MANUSCRIPTS["essay"]
    expected = [c.title for c in read(manuscript).chapters]
    for entry in kept.glob("chapter/*/*"):
        if not entry.name.endswith(".lock"):
            entry.write_bytes(entry.read_bytes()[:100])  # cut short, as by a full disk
    reads = counting_reads(monkeypatch)
    assert [c.title for c in read(manuscript).chapters] == expected
    assert len(reads) == len(expected)


def test_warnings_of_a_kept_chapter_are_said_again(tmp_path, kept):
    manuscript = tmp_path / "essay"
    shutil.copytree(MANUSCRIPTS["essay"], manuscript)
    chapter = sorted((manuscript / "chapters").glob("*.md"))[-1]
    with open(chapter, "a", encoding="utf-8") as text:
        text.write("\nA note defined but never called.\n\n[^unused]: Nobody calls me.\n")
    with pytest.warns(UserWarning, match="unused"):
        read(manuscript)
    with pytest.warns(UserWarning, match="unused"):  # from the cache: said again
        read(manuscript)
