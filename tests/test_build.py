"""Builds: every edition, nothing done when nothing changed, atomic outputs, parallel jobs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from manuscripts import METADATA, make_manuscript
from samizdat.build import Progress, build, clean, group_jobs, plan_build
from samizdat.editions import DEFAULT_EDITIONS

ROOT = Path(__file__).resolve().parents[1]
STYLES = ROOT / "styles"
SLUG = "a-small-pamphlet"


def outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def full_build(tmp_path_factory):
    """One build of every edition, shared by the tests that only read it."""
    root = tmp_path_factory.mktemp("full")
    manuscript = make_manuscript(root)
    out = root / "build"
    results = build(manuscript, out, styles_dir=STYLES, jobs=2)
    return manuscript, out, results


def test_builds_every_edition_with_the_documented_names(full_build):
    _, out, results = full_build
    assert sorted(r.edition for r in results) == sorted(DEFAULT_EDITIONS)
    assert sorted(outputs(out)) == sorted([
        f"{SLUG}.epub", f"{SLUG}.kepub.epub", f"{SLUG}.pdf",
        f"{SLUG}-booklet-a4.pdf", f"{SLUG}-booklet-letter.pdf",
    ])
    assert not list(out.glob(".*.partial"))


def test_second_build_does_nothing_and_says_so(full_build, capsys):
    manuscript, out, _ = full_build
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()}
    results = build(manuscript, out, styles_dir=STYLES, progress=Progress(quiet=False))
    assert all(r.skipped for r in results)
    assert "nothing to do" in capsys.readouterr().err
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()} == before


def test_slug_from_metadata_or_title(tmp_path):
    manuscript = make_manuscript(tmp_path, METADATA + "slug: Pocket Edition\n")
    plan = plan_build(manuscript, tmp_path / "build", only=["epub"], styles_dir=STYLES)
    assert plan.manuscript.metadata.slug == "pocket-edition"


def test_changing_a_chapter_rebuilds_only_what_depends_on_it(tmp_path):
    manuscript = make_manuscript(tmp_path)
    out = tmp_path / "build"
    build(manuscript, out, only=["epub", "kepub"], styles_dir=STYLES)
    first = outputs(out)
    assert all(plan_build(manuscript, out, ["epub", "kepub"], STYLES).stale == [] for _ in [0])
    chapter = manuscript / "chapters" / "03-end.md"
    chapter.write_text(chapter.read_text() + "\nA new paragraph.\n", encoding="utf-8")
    results = build(manuscript, out, only=["epub", "kepub"], styles_dir=STYLES)
    assert sorted(r.edition for r in results if not r.skipped) == ["epub", "kepub"]
    assert outputs(out)[f"{SLUG}.epub"] != first[f"{SLUG}.epub"]


def test_a_changed_or_deleted_output_is_rebuilt(tmp_path):
    manuscript = make_manuscript(tmp_path)
    out = tmp_path / "build"
    build(manuscript, out, only=["epub"], styles_dir=STYLES)
    (out / f"{SLUG}.epub").write_bytes(b"damaged")
    assert [e.name for e in plan_build(manuscript, out, ["epub"], STYLES).stale] == ["epub"]
    (out / f"{SLUG}.epub").unlink()
    assert [e.name for e in plan_build(manuscript, out, ["epub"], STYLES).stale] == ["epub"]


def test_a_changed_setting_rebuilds(tmp_path):
    manuscript = make_manuscript(tmp_path)
    out = tmp_path / "build"
    build(manuscript, out, only=["epub"], styles_dir=STYLES)
    metadata = manuscript / "metadata.yaml"
    metadata.write_text(metadata.read_text() + "editions:\n  epub:\n    output: '{slug}-x.epub'\n")
    assert [e.name for e in plan_build(manuscript, out, ["epub"], STYLES).stale] == ["epub"]


def test_booklets_share_the_rendering_of_their_page_size():
    jobs = group_jobs(list(DEFAULT_EDITIONS.values()))
    groups = sorted(sorted(e.name for e in job.editions) for job in jobs)
    assert groups == [["booklet-a4", "pdf"], ["booklet-letter"], ["epub"], ["kepub"]]


def test_a_sixth_edition_is_a_few_lines_of_yaml(tmp_path):
    manuscript = make_manuscript(
        tmp_path, METADATA + "editions:\n  pocket:\n    format: pdf\n    page-size: A6\n"
    )
    out = tmp_path / "build"
    results = build(manuscript, out, only=["pocket"], styles_dir=STYLES)
    from pypdf import PdfReader

    page = PdfReader(out / f"{SLUG}-pocket.pdf").pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (298, 420)
    assert [r.edition for r in results] == ["pocket"]


def test_switching_an_edition_off(tmp_path):
    manuscript = make_manuscript(tmp_path, METADATA + "editions:\n  kepub: false\n")
    plan = plan_build(manuscript, tmp_path / "build", None, STYLES)
    assert "kepub" not in [e.name for e in plan.editions]


def test_failed_build_leaves_previous_outputs_untouched(tmp_path):
    manuscript = make_manuscript(tmp_path)
    out = tmp_path / "build"
    build(manuscript, out, only=["epub"], styles_dir=STYLES)
    good = outputs(out)
    (manuscript / "chapters" / "03-end.md").write_bytes(b"\xff\xfe broken")
    result = subprocess.run(
        [sys.executable, "-m", "samizdat", "build", "--manuscript", str(manuscript),
         "--out", str(out), "--styles", str(STYLES), "--only", "epub"],
        capture_output=True, text=True,
    )
    assert result.returncode == 2
    assert outputs(out) == good


def test_killed_build_leaves_previous_outputs_intact(tmp_path):
    manuscript = make_manuscript(tmp_path)
    out = tmp_path / "build"
    build(manuscript, out, only=["pdf"], styles_dir=STYLES)
    good = outputs(out)
    chapter = manuscript / "chapters" / "03-end.md"
    chapter.write_text(chapter.read_text() + "\n\nMore text, enough to keep WeasyPrint busy.\n" * 2500, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "samizdat", "build", "--manuscript", str(manuscript),
         "--out", str(out), "--styles", str(STYLES), "--only", "pdf"],
        start_new_session=True,
    )
    time.sleep(2.0)  # inside WeasyPrint's layout of the longer chapter (several seconds)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert outputs(out) == good  # the old PDF, byte for byte; partial files are hidden
    # The next build clears the debris and finishes the job.
    build(manuscript, out, only=["pdf"], styles_dir=STYLES)
    assert not list(out.glob(".*.partial"))
    assert outputs(out)[f"{SLUG}.pdf"] != good[f"{SLUG}.pdf"]


def test_clean_removes_outputs_and_state_but_nothing_else(tmp_path):
    manuscript = make_manuscript(tmp_path)
    out = tmp_path / "build"
    build(manuscript, out, only=["epub"], styles_dir=STYLES)
    (out / "notes-to-self.txt").write_text("mine")
    clean(out)
    assert sorted(p.name for p in out.iterdir()) == ["notes-to-self.txt"]


def test_same_epoch_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1631404800")
    manuscript = make_manuscript(tmp_path)
    build(manuscript, tmp_path / "a", styles_dir=STYLES, jobs=2)
    build(manuscript, tmp_path / "b", styles_dir=STYLES, jobs=1)
    assert outputs(tmp_path / "a") == outputs(tmp_path / "b")
