"""WCAG 1.4.10 (reflow): an EPUB page read on a 320 px screen never scrolls sideways.

A long URL written as plain text made a 320 px chapter page 718 px wide. The page is laid out
by headless Chromium at 320 px and its width read back.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from manuscripts import METADATA, make_manuscript
from samizdat.build import build
from samizdat.checks.tools import chromium_executable

ROOT = Path(__file__).resolve().parents[1]
URL = ("https://libcom.org/article/lenins-infantile-disorder-and-third-international-"
       "franz-pfempfert/comments/page/2/archive/2007/10/21/reply-to-the-introduction")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def page_width(page: Path, tmp_path: Path, width: int = 320) -> int:
    """The laid-out width of ``page`` on a ``width`` px screen, as the page's script reads it.

    Chromium will not open a window narrower than 500 px, so the root element is given the
    screen's width instead: what overflows it widens the document just the same.
    """
    probe = page.with_name("probe-" + page.name)
    text = page.read_text(encoding="utf-8").replace(
        "</head>", f"<style>html {{ width: {width}px; }}</style></head>")
    # The right edge of the widest thing laid out (the document's own scroll width never drops
    # below the 500 px window).
    script = ("<script>document.body.setAttribute('data-scroll-width', Math.ceil(Math.max("
              "...Array.from(document.body.querySelectorAll('*'), e => e.getBoundingClientRect().right),"
              " document.body.scrollWidth)))</script>")
    probe.write_text(text.replace("</body>", script + "</body>"), encoding="utf-8")
    result = subprocess.run(
        [chromium_executable(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chromium'}",
         f"--window-size={width},900", "--dump-dom", probe.as_uri()],
        capture_output=True, text=True, timeout=120)
    found = re.search(r'data-scroll-width="(\d+)"', result.stdout)
    assert found, result.stderr[-1000:]
    return int(found.group(1))


@pytest.mark.requires_chromium
def test_a_long_plain_url_does_not_widen_a_320px_page(tmp_path):
    manuscript = make_manuscript(tmp_path, METADATA, {
        "01.md": f"The reply is archived at {URL} with the rest of the thread.\n\n"
                 f"And in a link: [{URL}]({URL}).\n"})
    build(manuscript, tmp_path / "out", only=["epub"], styles_dir=ROOT / "styles")
    (epub,) = (tmp_path / "out").glob("*.epub")
    unpacked = tmp_path / "epub"
    zipfile.ZipFile(epub).extractall(unpacked)
    page = unpacked / "EPUB" / "text" / "ch-01.xhtml"
    assert "<wbr/>" in page.read_text(encoding="utf-8")
    assert page_width(page, tmp_path) <= 320
    # And the probe can fail: without the break opportunities the URL overflows.
    page.write_text(page.read_text(encoding="utf-8").replace("<wbr/>", ""), encoding="utf-8")
    assert page_width(page, tmp_path) > 320
