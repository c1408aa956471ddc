"""``samizdat watch``: a real process that builds, rebuilds after an edit, says a broken
manuscript's error in one line and goes on, and stops cleanly when told to."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from manuscripts import make_manuscript

ROOT = Path(__file__).resolve().parents[1]
EPUB = "a-small-pamphlet.epub"


def wait_for(condition, what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"samizdat watch did not {what} within {seconds} s")


def epub_text(out: Path) -> str:
    try:
        with zipfile.ZipFile(out / EPUB) as epub:
            return " ".join(epub.read(name).decode() for name in epub.namelist()
                            if name.endswith(".xhtml"))
    except (OSError, zipfile.BadZipFile):
        return ""


def test_watch_rebuilds_after_an_edit_and_survives_a_broken_chapter(tmp_path):
    manuscript = make_manuscript(tmp_path)
    out = tmp_path / "build"
    errors = tmp_path / "watch.err"
    chapter = manuscript / "chapters" / "03-end.md"
    with open(errors, "wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "samizdat", "watch", "--manuscript", str(manuscript),
             "--out", str(out), "--only", "epub", "--styles", str(ROOT / "styles"),
             "--interval", "0.1"],
            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        wait_for(lambda: "only paragraph" in epub_text(out), "make the first EPUB")
        chapter.write_text("# The End\n\nThe last chapter, rewritten while watched.\n",
                           encoding="utf-8")
        wait_for(lambda: "rewritten while watched" in epub_text(out), "rebuild after an edit")

        good = (out / EPUB).read_bytes()
        chapter.write_text("# The End\n\nA call to nothing.[^gone]\n", encoding="utf-8")
        wait_for(lambda: "[^gone] has no definition" in errors.read_text(), "report the error")
        assert (out / EPUB).read_bytes() == good  # the last good EPUB stays
        assert process.poll() is None  # and the watch goes on

        chapter.write_text("# The End\n\nMended.\n", encoding="utf-8")
        wait_for(lambda: "Mended." in epub_text(out), "rebuild once the chapter is mended")
    finally:
        process.send_signal(signal.SIGTERM)
        status = process.wait(timeout=60)
    said = errors.read_text()
    assert status == 0, said
    assert "Traceback" not in said
    lines = [line for line in said.splitlines() if "error" in line]
    assert len(lines) == 1 and "03-end.md:3" in lines[0], said
    assert "stopped watching" in said
    assert not list(out.glob(".*.partial"))


def test_what_the_watch_looks_at(tmp_path):
    """Chapters and styles count; editors' swap files and backups, hidden folders and an
    output folder kept inside the manuscript do not (the build would set itself off)."""
    from samizdat.build.watch import snapshot

    manuscript = make_manuscript(tmp_path)
    chapters = manuscript / "chapters"
    (chapters / ".02-middle.md.swp").write_text("swap")
    (chapters / "02-middle.md~").write_text("backup")
    (manuscript / ".git").mkdir()
    (manuscript / ".git" / "index").write_text("git")
    (manuscript / "build").mkdir()
    (manuscript / "build" / "book.epub").write_text("output")
    seen = snapshot([manuscript], [manuscript / "build"])
    assert sorted(p.relative_to(manuscript).as_posix() for p in seen) == [
        "chapters/01-opening.md", "chapters/02-middle.md", "chapters/03-end.md", "metadata.yaml"]


def test_watching_a_folder_that_is_not_there_stops_at_once(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "samizdat", "watch", "--manuscript", "nowhere", "--out", "out"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "samizdat: error: nowhere: manuscript folder not found; run from the folder that holds "
        "'manuscript/' or pass --manuscript DIR"]
    assert not (tmp_path / "out").exists()
