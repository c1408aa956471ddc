"""Each of weasyprint_fixes' three patches on a ten-line document, with and without it.

The first (``_linebox_layout``: notes stay on their call's page) has its test beside the other
note tests, test_pdf.test_notes_are_not_moved_off_their_page_to_satisfy_orphans.
"""

from __future__ import annotations

import io

import pdfplumber
import pytest
from weasyprint import HTML
from weasyprint.layout import block, inline

from samizdat.writers import weasyprint_fixes
from samizdat.writers.weasyprint_fixes import print_layout_rules

WORDS = ("extraordinarily counterrevolutionary internationalisation bureaucratisation "
         "misrepresentation institutionalisation uncharacteristically ") * 6
LADDER = f"""<html lang="en"><style>@page {{ size: 70mm 200mm; margin: 5mm }}
p {{ font-size: 11pt; text-align: justify; hyphenate-limit-chars: 5 2 2 }}</style>
<p style="hyphens: auto">{WORDS}</p></html>"""
HYPHENS = ("-", "\u2010")


def hyphen_runs(pdf: bytes) -> tuple[int, int]:
    """(longest run of lines ending in a hyphen, lines ending in a hyphen)."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        lines = [line.rstrip() for page in document.pages
                 for line in (page.extract_text() or "").splitlines()]
    longest = run = 0
    for line in lines:
        run = run + 1 if line.endswith(HYPHENS) else 0
        longest = max(longest, run)
    return longest, sum(line.endswith(HYPHENS) for line in lines)


def test_iter_line_boxes_patch_stops_ladders_at_the_limit():
    longest, total = hyphen_runs(HTML(string=LADDER).write_pdf())
    assert longest > 3, "the bare ladder this test needs is gone: check the document"
    for limit in (1, 2):
        with print_layout_rules(max_hyphenated_lines=limit):
            patched_longest, patched_total = hyphen_runs(HTML(string=LADDER).write_pdf())
        assert patched_longest == limit
        assert patched_total > total // 3  # words are still hyphenated, only not in ladders


def test_split_first_line_patch_changes_only_automatic_hyphenation_and_leaves_no_trace():
    manual = LADDER.replace("hyphens: auto", "hyphens: manual")
    assert hyphen_runs(HTML(string=manual).write_pdf())[1] == 0
    originals = (block._linebox_layout, block.iter_line_boxes, inline.split_first_line)
    with print_layout_rules(max_hyphenated_lines=2):
        assert hyphen_runs(HTML(string=manual).write_pdf())[1] == 0
        assert inline.split_first_line is not originals[2]
    # Swapped back, and no style left at "manual": a render after it hyphenates as before.
    assert (block._linebox_layout, block.iter_line_boxes, inline.split_first_line) == originals
    assert hyphen_runs(HTML(string=LADDER).write_pdf())[0] > 3


def test_the_weasyprint_version_is_the_one_the_patches_were_written_for():
    import weasyprint

    assert weasyprint.__version__ == weasyprint_fixes.WEASYPRINT_VERSION


def test_a_changed_linebox_layout_is_refused_not_patched(monkeypatch):
    from samizdat.errors import BuildError

    monkeypatch.setattr(weasyprint_fixes, "_linebox_layout_keeping_notes", None)
    monkeypatch.setattr(weasyprint_fixes, "_REPORT_FOR_ORPHANS", "report = a line WeasyPrint never had")
    with pytest.raises(BuildError, match="WeasyPrint#2437"):
        with print_layout_rules(max_hyphenated_lines=2):
            pass
