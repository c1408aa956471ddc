"""Imposition settings from metadata.yaml and from the command line: what they accept, and a
one-line error that says what to write for everything else, the retired keys included."""

from __future__ import annotations

import pytest

from manuscripts import METADATA, make_manuscript
from samizdat.config import load_manuscript
from samizdat.editions import editions_for
from samizdat.errors import ManuscriptError
from samizdat.imposition import ImpositionError, edition_settings, make_settings
from samizdat.imposition.settings import MM

ZINE = """\
editions:
  zine:
    format: booklet
    page-size: A6
    schema: 4up
    paper: A4
"""


def editions(tmp_path, extra: str):
    return editions_for(load_manuscript(make_manuscript(tmp_path, METADATA + extra)))


def test_a_zine_edition_reads_its_settings(tmp_path):
    zine = editions(tmp_path, ZINE)["zine"]
    settings = edition_settings(dict(zine.options), zine.sheet_size)
    assert (settings.schema, settings.cover, settings.signature, settings.marks) == (
        "4up", True, None, False)
    assert settings.paper == pytest.approx((210 * MM, 297 * MM))


def test_every_key_of_a_booklet_edition(tmp_path):
    zine = editions(tmp_path, ZINE + "    signature: 40-80\n    cover: false\n    marks: true\n"
                                     "    paper-thickness: 0.1mm\n")["zine"]
    settings = edition_settings(dict(zine.options), zine.sheet_size)
    assert (settings.signature, settings.cover, settings.marks) == ((40, 80), False, True)
    assert settings.paper_thickness == pytest.approx(0.1 * MM)


def test_default_booklets_stay_2up_with_cover_on_their_sheet(tmp_path):
    table = editions(tmp_path, "")
    for name, paper in (("booklet-a4", "A4"), ("booklet-letter", "letter")):
        settings = edition_settings(dict(table[name].options), table[name].sheet_size)
        assert (settings.schema, settings.cover, settings.paper_name) == ("2up", True, paper)


def test_paper_overrides_a_default_editions_sheet_size(tmp_path):
    table = editions(tmp_path, "editions:\n  booklet-a4:\n    paper: A3\n")
    booklet = table["booklet-a4"]
    assert edition_settings(dict(booklet.options), booklet.sheet_size).paper_name == "A3"


@pytest.mark.parametrize("extra, fragments", [
    ("    signature-sheets: 3\n", ["'signature-sheets' is no longer read", "'signature: 12'"]),
    ("    creep-mm: 0.1\n", ["'creep-mm' is no longer read", "'paper-thickness: 0.1mm'"]),
    ("    duplex: long-edge\n", ["'duplex' is no longer read", "'schema: duplex2up'"]),
    ("    duplex: short-edge\n", ["'duplex' is no longer read", "remove it"]),
    ("    schema: 3up\n", ["unknown imposition schema '3up'", "4up"]),
    ("    signature: 6\n", ["multiple of 8 pages"]),
    ("    paper: A9\n", ["unknown paper size 'A9'"]),
    ("    paper-thickness: thick\n", ["not a length"]),
    ("    cover: sometimes\n", ["'cover' must be true or false"]),
])
def test_mistakes_are_one_line_with_the_fix(tmp_path, extra, fragments):
    with pytest.raises(ManuscriptError) as error:
        editions(tmp_path, ZINE + extra)
    text = str(error.value)
    assert "\n" not in text and "edition 'zine'" in text and "metadata.yaml" in text
    for fragment in fragments:
        assert fragment in text, text


def test_a_booklet_without_paper_is_told_to_name_it(tmp_path):
    with pytest.raises(ManuscriptError, match="needs 'paper:'"):
        editions(tmp_path, "editions:\n  zine:\n    format: booklet\n    page-size: A6\n")


@pytest.mark.parametrize("value, expected", [
    ("8", 8), (16, 16), ("40-80", (40, 80)), ("-60", (None, 60)), ("40-", (40, None)),
    (None, None),
])
def test_signature_forms(value, expected):
    assert make_settings(schema="2up", signature=value).signature == expected


@pytest.mark.parametrize("value, points", [
    ("0.1mm", 0.1 * MM), ("0.1 mm", 0.1 * MM), (0.1, 0.1 * MM), ("0.004in", 0.288),
    ("0.3pt", 0.3),
])
def test_paper_thickness_forms(value, points):
    assert make_settings(paper_thickness=value).paper_thickness == pytest.approx(points)


@pytest.mark.parametrize("value", ["A4", "a4", "letter", "297x210mm", "11x8.5in", "11 x 8.5 in"])
def test_paper_forms(value):
    assert make_settings(paper=value).paper is not None


def test_cover_is_refused_where_it_means_nothing():
    with pytest.raises(ImpositionError, match="schema 1repeat4 has no cover"):
        make_settings(schema="1repeat4", cover=True)
