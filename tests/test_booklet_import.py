"""The booklet-text importer against a text we know: our own essay laid out as an extracted
2-up saddle-stitched booklet (tests/booklet_fixtures), imported back, and compared word for word,
paragraph for paragraph."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from booklet_fixtures.essay import ESSAY, essay_words
from booklet_fixtures.layout import (
    FF_LIGATURE,
    Block,
    cut_pages,
    extract,
    lay_out,
    sheet_order,
)
from samizdat.errors import ManuscriptError
from samizdat.booklet_import import BookletImport, import_booklet, write_draft

REAL_SOURCE = (Path(__file__).resolve().parents[1] / "manuscript" / "source"
               / "most-intransigent-of-bolsheviks.booklet.txt")


def booklet_text(per_page: int = 12, **options) -> tuple[str, list[list[str]]]:
    pages = cut_pages(lay_out(ESSAY), per_page)
    text = extract(pages, **options)
    # the font's "ff" ligature came out as a private-use glyph
    assert "effort" in text
    return text.replace("effort", f"e{FF_LIGATURE}ort", 1), pages


def blocks_of(result: BookletImport) -> list[tuple[str, str]]:
    out = []
    for chapter in result.chapters:
        if chapter.title:
            out.append(("heading", chapter.title))
        out.extend((block.kind, block.text) for block in chapter.blocks)
    return out


def markdown_words(paths: list[Path]) -> list[str]:
    words = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            words.extend(re.sub(r"^(# |> )", "", line).split())
    return words


EXPECTED = [(block.kind, block.text) for block in ESSAY]


def codes(result: BookletImport, code: str):
    return [r for r in result.reports if r.code == code]


@pytest.mark.parametrize("per_page", [12, 10, 9])
def test_imposed_booklet_comes_back_in_reading_order(per_page, tmp_path):
    text, pages = booklet_text(per_page, folios=set())
    result = import_booklet(text, "saddle-2up", source="essay.txt")

    # the page count needs blank padding for some of these sizes (7 pages -> 8, 9 -> 12 ...)
    assert len(result.page_order) == len(pages)
    assert blocks_of(result) == EXPECTED
    assert codes(result, "I001") == []
    paths = write_draft(result, tmp_path)
    assert markdown_words(paths) == essay_words()


def test_padding_is_really_needed_for_these_sizes():
    # guards the test above: the page counts it uses are not all multiples of four
    counts = {len(cut_pages(lay_out(ESSAY), n)) for n in (12, 10, 9)}
    assert any(c % 4 for c in counts), counts


def test_page_order_follows_the_sheets():
    text, pages = booklet_text(12)
    result = import_booklet(text)
    n = -(-len(pages) // 4) * 4
    extracted = [p for p in sheet_order(n) if p <= len(pages)]
    # result.page_order lists source pages in reading order: source page i held physical page
    # extracted[i], so reading order is the source pages sorted by their physical page
    assert [extracted[i] for i in result.page_order] == list(range(1, len(pages) + 1))
    order_report = codes(result, "I000")[0]
    assert f"{n}-page saddle-stitched booklet" in order_report.message


def test_draft_files_hold_headings_quotes_and_paragraphs(tmp_path):
    text, _ = booklet_text(12, folios={3, 6})
    paths = write_draft(import_booklet(text, source="essay.txt"), tmp_path)
    assert [p.name for p in paths] == [
        "01-opening.md",
        "02-the-press-in-the-cellar.md",
        "03-how-the-co-operative-survived-the-long.md",
    ]
    second = paths[1].read_text(encoding="utf-8")
    assert second.startswith("# The press in the cellar\n\nThe first months")
    assert "\n> “We do not ask anybody for permission to work. We ask only" in second
    assert "anti-Brest-Litovsk communists" in second and "self-management," in second
    third = paths[2].read_text(encoding="utf-8")
    assert third.startswith("# How the co-operative survived the long winter of the strikes\n\n")
    assert not list(tmp_path.glob(".*.tmp")), "temporary files left behind"


def test_folios_confirm_the_order_and_are_dropped():
    text, _ = booklet_text(12, folios={3, 6})
    assert re.search(r"^3$", text, re.M) and re.search(r"^6$", text, re.M)
    result = import_booklet(text, source="essay.txt")
    assert "folios confirmed 2, contradicted 0" in codes(result, "I000")[0].message
    assert blocks_of(result) == EXPECTED


def test_missing_front_and_back_matter_found_from_folios():
    # the real pamphlet: four front pages and the references are not in the extraction, so the
    # essay's pages sit inside a larger booklet; the surviving folios say where
    text, pages = booklet_text(5, folios={7, 12}, first_page=3, booklet_pages=20)
    assert len(pages) == 16  # a 16-page booklet would hold them: only the folios say 20
    result = import_booklet(text, source="essay.txt")
    assert blocks_of(result) == EXPECTED
    message = codes(result, "I000")[0].message
    assert "20-page saddle-stitched booklet" in message
    assert "physical pages 3-18" in message


def test_imposition_none_keeps_the_source_order():
    text, pages = booklet_text(12, imposed=False, folios={2})
    result = import_booklet(text, "none", source="essay.txt")
    assert result.page_order == list(range(len(pages)))
    assert blocks_of(result) == EXPECTED


def test_wrong_order_is_reported_at_the_boundaries():
    # reading an imposed extraction as if it were in order breaks sentences at page ends
    text, _ = booklet_text(12)
    result = import_booklet(text, "none", source="essay.txt")
    assert len(codes(result, "I001")) >= 2
    assert blocks_of(result) != EXPECTED


def test_ligature_mapped_and_unknown_private_use_reported():
    text, _ = booklet_text(12)
    lines = text.splitlines()
    target = next(i for i, line in enumerate(lines) if "bulletin itself" in line)
    lines[target] = lines[target].replace("bulletin", "bul\ue123letin")
    result = import_booklet("\n".join(lines), source="essay.txt")
    words = " ".join(text for _, text in blocks_of(result))
    assert "Their effort attracted" in words
    unknown = codes(result, "I005")
    assert [(r.line, "U+E123" in r.message) for r in unknown] == [(target + 1, True)]


def test_run_together_tokens_are_reported_with_their_line_and_left_alone():
    text, _ = booklet_text(12)
    result = import_booklet(text, source="essay.txt")
    lines = text.splitlines()
    reported = {}
    for report in codes(result, "I006"):
        token = re.search(r"'(\w+)'", report.message).group(1)
        reported[token] = report.line
    assert set(reported) == {"partywhen", "theWhites"}
    for token, line in reported.items():
        assert token in lines[line - 1]
    assert "a partywhen it mattered" in " ".join(t for _, t in blocks_of(result))


def test_hyphen_decisions_use_the_rest_of_the_text():
    # "co-" / "operation" at a line end: the hyphen stays, because the text writes it so
    # elsewhere, though "cooperation" is in the word list; "counter-" / "revolution" joins,
    # because the text writes "counterrevolution" elsewhere
    blocks = [
        Block("paragraph", "We value co-operation above all and we oppose the "
              "counterrevolution wherever it appears in the town."),
        Block("paragraph", "Their principle was always co-operation, never the cold "
              "counterrevolution of the owners."),
    ]
    text = " " + "\n".join([
        "We value co-operation above all and we oppose the",
        "counterrevolution wherever it appears in the town.",
        "",
        "Their principle was always co-",
        "operation, never the cold counter-",
        "revolution of the owners.",
    ]) + "\n"
    result = import_booklet(text, "none")
    assert blocks_of(result) == [(b.kind, b.text) for b in blocks]


@pytest.mark.parametrize(
    ("text", "imposition", "words"),
    [
        ("", "saddle-2up", ["empty", "essay.txt:1"]),
        ("   \n\n  \n", "saddle-2up", ["empty", "essay.txt:1"]),
        ("Some text.\n", "quarto", ["unknown imposition", "saddle-2up"]),
    ],
)
def test_bad_input_is_a_manuscript_error(text, imposition, words):
    with pytest.raises(ManuscriptError) as error:
        import_booklet(text, imposition, source="essay.txt")
    message = str(error.value)
    assert "essay.txt" in message
    for word in words:
        assert word in message
    assert error.value.hint


def test_pages_numbered_in_sequence_cannot_be_a_saddle_stitched_booklet():
    # six pages whose folios run 1..6 in the order given: that is reading order, and no
    # sheet-by-sheet extraction of a saddle-stitched booklet gives it
    text, pages = booklet_text(12, imposed=False, folios=set(range(1, 8)))
    with pytest.raises(ManuscriptError) as error:
        import_booklet(text, "saddle-2up", source="essay.txt")
    assert error.value.file == "essay.txt"
    assert error.value.line is not None
    assert "--imposition none" in str(error.value)


def test_real_source_pages_in_reading_order(tmp_path):
    result = import_booklet(REAL_SOURCE.read_text(encoding="utf-8"), source=str(REAL_SOURCE))
    message = codes(result, "I000")[0].message
    assert "44-page saddle-stitched booklet" in message
    assert "folios confirmed 3, contradicted 0" in message
    text = "\n".join(t for _, t in blocks_of(result))
    assert text.startswith("Gavriil Il’ich Miasnikov is the name of an oft-forgotten Bolshevik.")
    assert text.endswith("weapon by the working class itself, the Bolshevik Party.")
    for phrase in ["anti-Brest-Litovsk", "co-operation", "left-pole of attraction",
                   "Maximoff", "Lenin commented that the uprising was"]:
        assert phrase in text
    assert "\ue0e0" not in text
    tokens = {re.search(r"'(\w+)'", r.message).group(1) for r in codes(result, "I006")}
    assert {"partywhen", "TheWorkers", "reachedwithin", "nomajor", "solutionswere",
            "theWhites", "notifiedMiasikovs"} <= tokens


def test_ligature_after_its_own_first_letter_is_not_tripled():
    text = " A short page that cites Maximof\ue0e0 and an o\ue0e0icer here.\n"
    result = import_booklet(text, "none", source="lig.txt")
    words = " ".join(c.to_markdown() for c in result.chapters)
    assert "Maximoff and" in words and "officer" in words and "fff" not in words
    assert [r.code for r in result.reports].count("I009") == 1
