"""``samizdat impose``: a PDF made anywhere in, imposed sheets out, written atomically; every
bad input is exit 2 and one line on stderr, with nothing left behind."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from imposition_pages import A4, A5, A6, cells, numbered_pdf, read_sides
from samizdat.imposition.instructions import INSTRUCTIONS
from samizdat.imposition.schemas import SCHEMAS

README = Path(__file__).resolve().parents[1] / "README.md"


def samizdat(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "samizdat", *args], cwd=cwd,
                          capture_output=True, text=True)


def test_imposes_a_pdf_made_elsewhere(tmp_path):
    (tmp_path / "zine.pdf").write_bytes(numbered_pdf(16, A6))
    result = samizdat("impose", "zine.pdf", "--schema", "4up", "--paper", "A4", "--cover",
                      "--out", "sheets.pdf", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    sides = cells(read_sides((tmp_path / "sheets.pdf").read_bytes(), 2, 2))
    # Schema4up's 16 pages: 2up sides (16,1) (2,15) (14,3) (4,13) | (12,5) (6,11) (10,7) (8,9).
    assert sides[0] == {(16, 0, 0, 0), (1, 1, 0, 0), (12, 0, 1, 0), (5, 1, 1, 0)}
    assert len(sides) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheets.pdf", "zine.pdf"]


def test_replaces_an_older_output_in_one_step(tmp_path):
    (tmp_path / "in.pdf").write_bytes(numbered_pdf(8, A5))
    (tmp_path / "out.pdf").write_bytes(b"an older output")
    result = samizdat("impose", "in.pdf", "--schema", "2up", "--signature", "4-8",
                      "--paper", "A4", "--marks", "--paper-thickness", "0.1mm",
                      "--out", "out.pdf", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(PdfReader(tmp_path / "out.pdf").pages) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.pdf", "out.pdf"]


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(numbered_pdf(4, A5)))
    writer.encrypt("secret")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


@pytest.mark.parametrize("source, options, fragments", [
    (b"%PDF-1.4 but nothing else", [], ["in.pdf is not a PDF"]),
    (b"hello", [], ["in.pdf is not a PDF"]),
    ("encrypted", [], ["in.pdf is encrypted", "decrypt"]),
    (numbered_pdf(3, sizes=[A5, A5, A4]), [], ["mixes page sizes", "page 3"]),
    (numbered_pdf(4, A4), ["--paper", "A4"], ["do not fit the paper", "A4"]),
    (numbered_pdf(4, A5), ["--signature", "6"], ["multiple of 4 pages"]),
    (numbered_pdf(4, A5), ["--schema", "2x4x2", "--signature", "8"], ["fixed signatures of 16"]),
    (numbered_pdf(4, A5), ["--schema", "2side", "--signature", "4"], ["has no signatures"]),
    (numbered_pdf(4, A5), ["--signature", "forty"], ["neither a number of pages nor a range"]),
    (numbered_pdf(4, A5), ["--paper", "A9"], ["unknown paper size"]),
    (numbered_pdf(4, A5), ["--schema", "1repeat4", "--cover"], ["has no cover"]),
    (None, [], ["cannot read in.pdf"]),
])
def test_bad_input_is_exit_2_and_one_line(tmp_path, source, options, fragments):
    if source == "encrypted":
        source = encrypted_pdf()
    if source is not None:
        (tmp_path / "in.pdf").write_bytes(source)
    result = samizdat("impose", "in.pdf", *options, "--out", "out.pdf", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("samizdat: error: "), result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert not (tmp_path / "out.pdf").exists()
    assert not list(tmp_path.glob(".*partial"))


def instruction_texts():
    for name, schema in SCHEMAS.items():
        steps = INSTRUCTIONS[name]
        for part in (schema.summary, steps.example, steps.print, steps.cut, steps.fold,
                     steps.bind):
            yield name, " ".join(part.split())


def test_help_says_how_to_print_every_schema(tmp_path):
    result = samizdat("impose", "--help", cwd=tmp_path)
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for name, part in instruction_texts():
        assert part in text, (name, part)


def test_readme_carries_the_same_instructions():
    readme = " ".join(README.read_text(encoding="utf-8").split())
    for name, part in instruction_texts():
        assert part in readme, (name, part)
