"""Images in every edition: a real manuscript with a captioned PNG and an SVG, read, built,
validated and looked for in the outputs; and every way an image can be wrong, as one line.

tests/corpora/figures/ is the manuscript issue 10 asks for: a captioned PNG, an SVG, &nbsp;,
a <span lang="ru"> and a translator (whose name is in Cyrillic) and an illustrator.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from lxml import etree
from PIL import Image

from samizdat.build import build

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "tests" / "corpora" / "figures"
STYLES = ROOT / "styles"
SLUG = "setting-type-by-hand"
NS = {"h": "http://www.w3.org/1999/xhtml", "opf": "http://www.idpf.org/2007/opf",
      "dc": "http://purl.org/dc/elements/1.1/"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("figures")
    build(FIGURES, out, styles_dir=STYLES, jobs=2)
    return out


def samizdat(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "samizdat", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=900)


def test_the_manuscript_lints_clean():
    result = samizdat("lint", "--manuscript", str(FIGURES))
    assert (result.returncode, result.stdout) == (0, "")


@pytest.mark.requires_epubcheck
@pytest.mark.requires_ace
def test_every_edition_passes_samizdat_check(built):
    result = samizdat("check", "--manuscript", str(FIGURES), "--out", str(built))
    assert result.returncode == 0, result.stdout + result.stderr


def package(built: Path, name: str = f"{SLUG}.epub"):
    archive = zipfile.ZipFile(built / name)
    return archive, etree.fromstring(archive.read("EPUB/content.opf"))


def test_the_epub_carries_both_images_with_their_media_types(built):
    archive, opf = package(built)
    items = {item.get("href"): item.get("media-type")
             for item in opf.iterfind(".//opf:manifest/opf:item", NS)}
    assert items["media/images-composing-stick.png"] == "image/png"
    assert items["media/images-press.svg"] == "image/svg+xml"
    page = etree.fromstring(archive.read("EPUB/text/ch-01-the-stick.xhtml"))
    figures = page.findall(".//h:figure", NS)
    assert [f.find("h:img", NS).get("src") for f in figures] == [
        "../media/images-composing-stick.png", "../media/images-press.svg"]
    captions = ["".join(f.find("h:figcaption", NS).itertext()) for f in figures]
    assert captions == ["A composing stick holding four lines of type, its knee set to the measure",
                        "The press, seen from the side: platen, screw and bar"]
    # The caption repeats the alt text: hidden from screen readers, which read the alt.
    assert all(f.find("h:figcaption", NS).get("aria-hidden") == "true" for f in figures)
    assert figures[1].find("h:img", NS).get("title") == "The press"


def test_accessibility_metadata_follows_what_the_book_contains(built):
    _, opf = package(built)
    meta = {}
    for element in opf.iterfind(".//opf:meta[@property]", NS):
        meta.setdefault(element.get("property"), []).append(element.text)
    assert meta["schema:accessModeSufficient"] == ["textual", "textual,visual"]
    assert "alternativeText" in meta["schema:accessibilityFeature"]
    assert "2 images, each described in words" in meta["schema:accessibilitySummary"][0]


def test_contributors_are_in_the_package_and_on_both_title_pages(built):
    archive, opf = package(built)
    people = {e.text: e for e in opf.iterfind(".//dc:contributor", NS)}
    roles = {}
    for element in opf.iterfind(".//opf:meta[@refines]", NS):
        roles.setdefault((element.get("refines"), element.get("property")), element.text)
    translator = people["Иван Фёдоров"]
    assert translator.get(XML_LANG) == "ru"
    assert roles[(f"#{translator.get('id')}", "role")] == "trl"
    assert roles[(f"#{translator.get('id')}", "file-as")] == "Fyodorov, Ivan"
    assert roles[(f"#{people['Ada Byrne'].get('id')}", "role")] == "ill"
    title_page = etree.fromstring(archive.read("EPUB/text/titlepage.xhtml"))
    lines = ["".join(p.itertext()) for p in title_page.iterfind(".//h:p", NS)]
    assert "Translated by Иван Фёдоров" in lines and "Illustrated by Ada Byrne" in lines
    assert title_page.find(".//h:span[@lang='ru']", NS).text == "Иван Фёдоров"
    with pdfplumber.open(built / f"{SLUG}.pdf") as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages[:4])
    assert "Translated by Иван Фёдоров" in text and "Illustrated by Ada Byrne" in text


def test_the_pdf_shows_both_figures_within_the_text_block(built):
    with pdfplumber.open(built / f"{SLUG}.pdf") as pdf:
        pages = {n: p for n, p in enumerate(pdf.pages, 1) if "composing stick" in (p.extract_text() or "")
                 or "The press, seen" in (p.extract_text() or "")}
        raster = [(n, image) for n, p in pages.items() for image in p.images]
        assert len(raster) == 1  # the PNG; the SVG is drawn as vectors
        number, image = raster[0]
        page = pdf.pages[number - 1]
        assert image["x1"] - image["x0"] <= page.width - (14 + 19) * 72 / 25.4 + 1
        red = [r for p in pages.values() for r in p.rects
               if r.get("non_stroking_color") and tuple(round(c, 2) for c in r["non_stroking_color"])
               == (0.56, 0.11, 0.11)]
        assert red, "the SVG's red platen is not drawn"


@pytest.mark.parametrize(
    "markdown, make, code, message",
    [
        ("![A stick](images/none.png)", None, "I001", "image 'images/none.png' not found"),
        ("![A stick](../outside.png)", "outside", "I002", "is outside the manuscript folder"),
        ("![A stick](https://example.org/a.png)", None, "I003", "is a URL"),
        ("![A stick](images/notes.png)", "text", "I004", "is not a JPEG, PNG, GIF, WebP or SVG file"),
        ("![A stick](images/broken.png)", "broken", "I005", "cannot be read as image/png"),
        ("![A stick](images/remote.svg)", "svg", "I004", "refers to 'https://example.org/x.png'"),
    ],
)
def test_a_bad_image_is_one_line_naming_file_and_line_and_nothing_is_written(
        tmp_path, markdown, make, code, message):
    manuscript = tmp_path / "book"
    shutil.copytree(FIGURES, manuscript)
    images = manuscript / "images"
    if make == "outside":
        Image.new("RGB", (4, 4)).save(tmp_path / "outside.png")
    elif make == "text":
        (images / "notes.png").write_text("not a picture")
    elif make == "broken":
        data = (images / "composing-stick.png").read_bytes()
        (images / "broken.png").write_bytes(data[: len(data) // 3])
    elif make == "svg":
        (images / "remote.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            '<image xlink:href="https://example.org/x.png"/></svg>')
    chapter = manuscript / "chapters" / "01-the-stick.md"
    chapter.write_text(chapter.read_text() + f"\nAnd one more.\n\n{markdown}\n", encoding="utf-8")
    line = chapter.read_text().splitlines().index(markdown) + 1
    out = tmp_path / "out"
    for only in ("epub", "pdf"):
        result = samizdat("build", "--manuscript", str(manuscript), "--out", str(out), "--only", only)
        assert result.returncode == 2, result.stderr
        (error,) = result.stderr.splitlines()
        assert error.startswith(f"samizdat: error: {chapter}:{line}: {message}") or (
            error.startswith(f"samizdat: error: {chapter}:{line}:") and message in error), error
        assert "Traceback" not in result.stderr
        assert not out.exists() or not any(out.iterdir())
    findings = samizdat("lint", "--manuscript", str(manuscript)).stdout
    assert f":{line}:" in findings and code in findings


def test_an_image_without_a_description_is_a_lint_finding_and_no_longer_textual(tmp_path):
    manuscript = tmp_path / "book"
    shutil.copytree(FIGURES, manuscript)
    chapter = manuscript / "chapters" / "01-the-stick.md"
    shutil.copy(manuscript / "images" / "press.svg", manuscript / "images" / "rule.svg")
    chapter.write_text(chapter.read_text() + "\n![](images/rule.svg)\n", encoding="utf-8")
    line = len(chapter.read_text().splitlines())
    findings = samizdat("lint", "--manuscript", str(manuscript)).stdout.splitlines()
    assert findings == [f"book/chapters/01-the-stick.md:{line}:5: I006 image 'images/rule.svg' "
                        "has no description: write ![what it shows](images/rule.svg)"]
    out = tmp_path / "out"
    build(manuscript, out, only=["epub"], styles_dir=STYLES)
    _, opf = package(out)
    sufficient = [e.text for e in opf.iterfind(".//opf:meta[@property='schema:accessModeSufficient']", NS)]
    assert sufficient == ["textual,visual"]
