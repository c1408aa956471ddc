"""``samizdat check``'s PDF checks fail on what they are meant to catch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfWriter

from manuscripts import make_manuscript
from samizdat.build import build
from samizdat.checks.tools import INSTALL_HINT
from samizdat.checks.pdf import check_pdf
from samizdat.editions import DEFAULT_EDITIONS
from samizdat.pages import page_size_points

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


def test_check_fails_on_a_cited_work_the_bibliography_leaves_out(tmp_path):
    """The build only warns; check, which a press runs before printing, fails."""
    manuscript = make_manuscript(tmp_path, chapters={"01.md": "A work [@leaflet].\n"})
    with (manuscript / "metadata.yaml").open("a", encoding="utf-8") as metadata:
        metadata.write("bibliography: references.yaml\n")
    (manuscript / "references.yaml").write_text(
        "references:\n- id: leaflet\n  type: document\n  title: A Leaflet\n", encoding="utf-8")
    out = tmp_path / "build"

    def samizdat(*args):
        return subprocess.run(
            [sys.executable, "-m", "samizdat", *args, "--manuscript", str(manuscript),
             "--out", str(out), "--only", "pdf"],
            capture_output=True, text=True, cwd=ROOT,
        )

    built = samizdat("build")
    assert built.returncode == 0 and "prints no bibliography entry for 'leaflet'" in built.stderr
    checked = samizdat("check")
    assert checked.returncode == 1
    assert [line for line in checked.stdout.splitlines() if "leaflet" in line] == [
        "references.yaml:2: bibliography error unprinted-reference: the style "
        "chicago-notes-bibliography prints no bibliography entry for 'leaflet', cited in the "
        "text; give it a type the style prints, or 'omit-from-bibliography: reason'"
    ]
    with (manuscript / "references.yaml").open("a", encoding="utf-8") as references:
        references.write("  omit-from-bibliography: the leaflet's form is not known\n")
    assert samizdat("build").stderr.count("warning") == 0
    assert samizdat("check").returncode == 0


def samizdat_in(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """The samizdat command of this checkout's environment, run from ``folder``."""
    return subprocess.run([sys.executable, "-m", "samizdat", *args], capture_output=True,
                          text=True, cwd=folder, env={**os.environ, **env}, timeout=900)


@pytest.mark.requires_epubcheck
def test_a_missing_validator_is_one_line_and_the_other_checks_still_run(tmp_path):
    manuscript = make_manuscript(tmp_path)
    assert samizdat_in(tmp_path, "build", "--manuscript", str(manuscript), "--only",
                       "epub,pdf").returncode == 0
    result = samizdat_in(tmp_path, "check", "--manuscript", str(manuscript), "--only", "epub,pdf",
                         SAMIZDAT_ACE=str(tmp_path / "no-ace"))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"a-small-pamphlet.epub: ace error not-run: cannot validate: Ace by DAISY is not "
        f"installed at SAMIZDAT_ACE={tmp_path / 'no-ace'}; {INSTALL_HINT}"
    ]
    # EPUBCheck and the PDF checks ran: each says so on stderr.
    assert "checking a-small-pamphlet.epub" in result.stderr
    assert "checking a-small-pamphlet.pdf" in result.stderr


@pytest.mark.requires_epubcheck
@pytest.mark.requires_ace
def test_a_book_kept_outside_the_checkout_is_built_and_checked(tmp_path):
    """A press keeps its books in their own repositories and runs samizdat from there."""
    book = tmp_path / "press" / "pamphlet"
    manuscript = make_manuscript(book)
    assert samizdat_in(book, "build", "--only", "epub,pdf").returncode == 0
    assert (book / "build" / "a-small-pamphlet.epub").is_file()
    result = samizdat_in(book, "check", "--only", "epub,pdf")
    assert result.returncode == 0, result.stdout + result.stderr
    assert manuscript == book / "manuscript"


def test_ace_is_found_beside_the_python_that_runs_samizdat(tmp_path, monkeypatch):
    from samizdat.checks import tools

    ace = tmp_path / "bin" / "ace-cli"
    ace.parent.mkdir()
    ace.write_text("#!/bin/sh\n")
    monkeypatch.delenv("SAMIZDAT_ACE", raising=False)
    monkeypatch.setattr(tools.sys, "executable", str(tmp_path / "bin" / "python"))
    assert tools.ace_executable() == ace
