"""``samizdat check``'s PDF checks fail on what they are meant to catch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pypdf import PdfWriter

from manuscripts import make_manuscript
from samizdat.build import build
from samizdat.checks.pdf import check_pdf
from samizdat.editions import DEFAULT_EDITIONS, page_size_points

ROOT = Path(__file__).resolve().parents[1]
STYLES = ROOT / "styles"


def test_named_and_measured_page_sizes():
    assert [round(v) for v in page_size_points("A5")] == [420, 595]
    assert page_size_points("5.5in 8.5in") == (396.0, 612.0)
    assert page_size_points("A5 landscape") is None and page_size_points("huge") is None


def test_a_bare_pdf_fails_every_check(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    path = tmp_path / "bare.pdf"
    with path.open("wb") as out:
        writer.write(out)
    codes = [p.code for p in check_pdf(path, DEFAULT_EDITIONS["pdf"])]
    assert codes == ["P002", "P004", "P005", "P006"]


def test_a_file_that_is_not_a_pdf(tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"not a pdf")
    assert [p.code for p in check_pdf(path, DEFAULT_EDITIONS["pdf"])] == ["P000"]


def test_a_pamphlet_checked_against_the_wrong_size_fails(tmp_path):
    manuscript = make_manuscript(tmp_path)
    build(manuscript, tmp_path / "build", only=["pdf"], styles_dir=STYLES)
    pamphlet = tmp_path / "build" / "a-small-pamphlet.pdf"
    assert check_pdf(pamphlet, DEFAULT_EDITIONS["pdf"]) == []
    assert [p.code for p in check_pdf(pamphlet, DEFAULT_EDITIONS["booklet-a4"])] == ["P002"]


def test_check_exits_2_when_an_edition_was_not_built(tmp_path):
    manuscript = make_manuscript(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "samizdat", "check", "--manuscript", str(manuscript),
         "--out", str(tmp_path / "build"), "--only", "pdf"],
        capture_output=True, text=True,
    )
    assert result.returncode == 2 and "has not been built" in result.stderr
    assert "samizdat build --only pdf" in result.stderr
