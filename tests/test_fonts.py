"""The book face comes from styles/fonts/ on every machine, whatever fonts the machine has.

Each render runs in a child process under its own ``FONTCONFIG_FILE``, because fontconfig reads
its configuration when WeasyPrint starts. Two machines are imitated:

- one without Charis SIL (its only fonts DejaVu, or none at all where DejaVu is absent): if
  our @font-face files did not load, the text would be set in DejaVu or not at all;
- one where another "Charis SIL" is installed system-wide: an impostor made from our own files
  with a different version string and every advance width 25 % wider. Same family name, same
  PostScript name: only the font's content tells it apart.

The PDF's embedded fonts are then compared with the committed files: the version string, and
the advance width of every character the subset maps.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from manuscripts import make_manuscript

ROOT = Path(__file__).resolve().parents[1]
FONTS = ROOT / "styles" / "fonts"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
STYLES = ("Regular", "Italic", "Bold", "BoldItalic")

CHAPTERS = {
    "01-opening.md": "An opening with *italic*, **bold** and ***both***, “quotes” — and dashes.\n",
    "02-next.md": "# A Titled Chapter\n\nText with a note.[^a]\n\n[^a]: The note, in *italics*.\n",
    "03-code.md": ("# Code\n\nCall `print(\"λόγος\")` or `слово -> x`, *in `italics`*.\n\n"
                   "```python\ndef greet(name):\n    return f\"Hello, {name}!\"  # -- \"quoted\"\n```\n"),
}


def committed(family: str, style: str) -> TTFont:
    return TTFont(FONTS / f"{family}-{style}.ttf")


def fontconfig_file(folder: Path, font_dir: Path) -> Path:
    conf = folder / "fonts.conf"
    conf.write_text(textwrap.dedent(f"""\
        <?xml version="1.0"?>
        <!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
        <fontconfig>
          <dir>{font_dir}</dir>
          <cachedir>{folder / "cache"}</cachedir>
        </fontconfig>
        """), encoding="utf-8")
    return conf


@pytest.fixture(scope="module")
def machines(tmp_path_factory) -> dict[str, Path]:
    """FONTCONFIG_FILEs of the two imitated machines."""
    root = tmp_path_factory.mktemp("machines")
    plain = root / "plain"
    plain.mkdir()
    fonts = DEJAVU if DEJAVU.is_dir() else plain / "empty"
    fonts.mkdir(exist_ok=True)
    impostor = root / "impostor"
    (impostor / "fonts").mkdir(parents=True)
    for style in STYLES:
        font = committed("CharisSIL", style)
        for record in font["name"].names:
            if record.nameID == 5:
                record.string = "Version 0.001 impostor"
        font["head"].fontRevision = 0.001
        metrics = font["hmtx"].metrics
        for glyph, (advance, bearing) in list(metrics.items()):
            metrics[glyph] = (int(advance * 1.25), bearing)
        font.save(impostor / "fonts" / f"Impostor-{style}.ttf")
    return {
        "plain": fontconfig_file(plain, fonts),
        "impostor": fontconfig_file(impostor, impostor / "fonts"),
    }


RENDER = """
import sys
from pathlib import Path
from samizdat.config import load_manuscript
from samizdat.pipeline import read_book
from samizdat.writers import cover, pdf

manuscript, styles, out = map(Path, sys.argv[1:4])
book = read_book(load_manuscript(manuscript))
(out / "pamphlet.pdf").write_bytes(pdf.render_pamphlet(
    book, page_size="A5", stylesheets=[styles / "print.css"],
    allowed_roots=[manuscript.resolve(), styles.resolve()]))
(out / "cover.pdf").write_bytes(cover.cover_pdf(book, styles))
"""


def run_on(machine: Path, script: str, *args: str) -> subprocess.CompletedProcess:
    env = {"FONTCONFIG_FILE": str(machine), "PATH": "/usr/bin:/bin", "HOME": str(machine.parent),
           "LANG": "C.UTF-8"}
    return subprocess.run([sys.executable, "-c", script, *args], env=env, capture_output=True,
                          text=True, timeout=300, cwd=ROOT)


def embedded_fonts(pdf: Path) -> dict[str, TTFont]:
    fonts = {}
    for page in PdfReader(pdf).pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            data = descriptor["/FontFile2"].get_object().get_data()
            fonts[str(font["/BaseFont"]).split("+", 1)[-1]] = TTFont(io.BytesIO(data))
    return fonts


def file_of(name: str) -> tuple[str, str]:
    """PDF font name (Charis-SIL-Bold-Italic, JetBrains-Mono-Italic...) -> committed file."""
    bold, italic = "Bold" in name, "Italic" in name
    style = {(False, False): "Regular", (False, True): "Italic",
             (True, False): "Bold", (True, True): "BoldItalic"}[bold, italic]
    return ("JetBrainsMono" if name.startswith("JetBrains") else "CharisSIL"), style


@pytest.mark.parametrize("machine", ["plain", "impostor"])
def test_pamphlet_and_cover_embed_only_the_committed_book_face(machine, machines, tmp_path):
    manuscript = make_manuscript(tmp_path, chapters=CHAPTERS)
    result = run_on(machines[machine], RENDER, str(manuscript), str(ROOT / "styles"), str(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]
    for output in ("pamphlet.pdf", "cover.pdf"):
        fonts = embedded_fonts(tmp_path / output)
        assert fonts, f"{output} embeds no font"
        if output == "pamphlet.pdf":  # the code is set in the code face, upright and italic
            assert {"JetBrains-Mono", "JetBrains-Mono-Italic"} <= set(fonts), set(fonts)
        for name, embedded in fonts.items():
            original = committed(*file_of(name))
            assert embedded["name"].getDebugName(5) == original["name"].getDebugName(5), name
            widths = {
                char: (embedded["hmtx"][glyph][0], original["hmtx"][original.getBestCmap()[char]][0])
                for char, glyph in embedded.getBestCmap().items()
            }
            assert widths and all(a == b for a, b in widths.values()), (name, widths)


GUARD = """
import json, sys
from weasyprint import CSS, HTML
from samizdat.errors import BuildError
from samizdat.writers.fetcher import ManuscriptFetcher
from samizdat.writers.pdf import require_own_fonts

# The family named, but no @font-face: fontconfig finds the system's "Charis SIL".
document = HTML(string="<p>Text</p>").render(
    stylesheets=[CSS(string='html { font-family: "Charis SIL" }')])
document.write_pdf()
try:
    require_own_fonts(document, ManuscriptFetcher([]))
except BuildError as error:
    print(json.dumps(str(error)))
"""


def test_a_system_font_of_the_same_name_is_refused(machines):
    """The guard itself: without our @font-face files, the impostor is caught by its content."""
    result = run_on(machines["impostor"], GUARD)
    assert result.returncode == 0, result.stderr[-2000:]
    message = json.loads(result.stdout)
    assert message.startswith("text set in a font other than the book face (Charis-SIL")
    assert message.endswith("a @font-face file did not load; check styles/fonts.css and styles/fonts/")


MISSING = """
import sys
from pathlib import Path
from samizdat.config import load_manuscript
from samizdat.errors import BuildError
from samizdat.pipeline import read_book
from samizdat.writers import pdf

manuscript, styles = map(Path, sys.argv[1:3])
book = read_book(load_manuscript(manuscript))
try:
    pdf.render_pamphlet(book, page_size="A5", stylesheets=[styles / "print.css"],
                        allowed_roots=[manuscript.resolve(), styles.resolve()])
except BuildError as error:
    print(error)
"""


def test_a_character_no_committed_face_has_is_named_with_its_place(machines, tmp_path):
    """Set in a system face where the machine has one (DejaVu has the hammer and sickle), or
    nowhere: either way the build stops at the first place the character stands."""
    chapters = dict(CHAPTERS)
    chapters["02-next.md"] += "\nA banner with a \u262d on it.\n"
    manuscript = make_manuscript(tmp_path, chapters=chapters)
    result = run_on(machines["plain"], MISSING, str(manuscript), str(ROOT / "styles"))
    assert result.returncode == 0, result.stderr[-2000:]
    message = result.stdout.strip()
    assert message.startswith(f"{manuscript / 'chapters' / '02-next.md'}:7: "), message
    assert "'\u262d' (U+262D)" in message
