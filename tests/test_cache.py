"""The cache of slow steps: entries computed once, a step started ahead in a child process and
waited for by whoever asks for it, and nothing left behind by a build that fails."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from manuscripts import make_manuscript
from samizdat import cache
from samizdat.build import build
from samizdat.errors import ManuscriptError

ROOT = Path(__file__).resolve().parents[1]
STYLES = ROOT / "styles"


@pytest.fixture
def folder(tmp_path):
    cache.use(tmp_path / "cache")
    yield tmp_path / "cache"
    cache.abandon()
    cache.use(None)


def never() -> bytes:
    raise AssertionError("computed again, although the entry was there or being made")


def test_an_entry_is_computed_once(folder):
    assert cache.cached("step", ["a"], lambda: b"first") == b"first"
    assert cache.cached("step", ["a"], never) == b"first"
    assert cache.cached("step", ["b"], lambda: b"other") == b"other"


def test_a_step_started_ahead_is_waited_for_not_done_twice(folder):
    def slow() -> bytes:
        time.sleep(0.6)
        return f"made by {os.getpid()}".encode()

    started = time.monotonic()
    cache.compute_ahead("step", ["slow"], slow)
    assert time.monotonic() - started < 0.5  # returned at once
    data = cache.cached("step", ["slow"], never)
    assert data.startswith(b"made by ") and data != f"made by {os.getpid()}".encode()
    assert time.monotonic() - started >= 0.6


def test_a_step_that_fails_ahead_is_done_again_where_its_error_counts(folder):
    def broken() -> bytes:
        raise ValueError("the child's failure")

    cache.compute_ahead("step", ["broken"], broken)
    with pytest.raises(ValueError, match="the child's failure"):
        cache.cached("step", ["broken"], broken)
    assert cache.cached("step", ["broken"], lambda: b"fixed") == b"fixed"


def test_an_abandoned_step_leaves_nothing_half_written(folder):
    def endless() -> bytes:
        time.sleep(30)
        return b"never"

    cache.compute_ahead("step", ["endless"], endless)
    started = time.monotonic()
    cache.abandon()
    assert time.monotonic() - started < 5
    assert not [p for p in (folder / "step").iterdir() if not p.name.endswith(".lock")]
    assert cache.cached("step", ["endless"], lambda: b"now") == b"now"


def test_the_cover_started_ahead_is_the_one_the_epub_uses(tmp_path):
    """The cover is started from the metadata alone, before the chapters are read; the EPUB
    writer asks for it with the whole book. One cover in the cache means both asked for the
    same entry (a different key would have made a second one)."""
    manuscript = make_manuscript(tmp_path)
    out = tmp_path / "build"
    build(manuscript, out, only=["epub"], styles_dir=STYLES, jobs=1)
    covers = [p for p in (out / ".samizdat" / "cache" / "cover").iterdir()
              if not p.name.endswith(".lock")]
    assert len(covers) == 1 and covers[0].read_bytes().startswith(b"\x89PNG")


def test_a_failed_build_stops_the_cover_and_leaves_no_output_folder(tmp_path):
    manuscript = make_manuscript(tmp_path, chapters={"01-bad.md": "# Bad\n\nA call[^gone].\n"})
    out = tmp_path / "build"
    with pytest.raises(ManuscriptError):
        build(manuscript, out, only=["epub"], styles_dir=STYLES, jobs=1)
    assert not out.exists()
