"""WeasyPrint's import made cheaper (writers/weasyprint_import.py): its C declarations from the
installation's cache, fontTools' subsetter and instancer imported when first used.

Each case runs in a new Python process, because the hook acts on the first import of
WeasyPrint in a process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

STYLES = Path(__file__).resolve().parent.parent / "styles"

# Sets a paragraph in the book face with WeasyPrint and reads HarfBuzz's version through the
# declarations samizdat adds (the joined PDF's font subsets use them).
PROBE = """
import hashlib, json, sys
first = sys.argv[1]
if first == "weasyprint":
    import weasyprint
import samizdat.writers
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.text.ffi import ffi
from samizdat.writers.pdf_join import _harfbuzz_face, harfbuzz_version

fonts = FontConfiguration()
css = CSS(string="@font-face { font-family: Book; src: url(%(font)s) } p { font-family: Book }",
          font_config=fonts)
pdf = HTML(string="<p>Miasnikov\u2019s <i>Workers Group</i>, 1923 \u2014 fi ffl</p>").write_pdf(
    stylesheets=[css], font_config=fonts)
face = _harfbuzz_face(open(%(font)r, "rb").read(), 0)
subset_loaded = "fontTools.subset" in sys.modules
print(json.dumps({"ffi": type(ffi).__name__, "pdf": hashlib.sha256(pdf).hexdigest(),
                  "harfbuzz": harfbuzz_version(), "face": face != ffi.NULL,
                  "subset_loaded": subset_loaded}))
""" % {"font": str(STYLES / "fonts" / "CharisSIL-Regular.ttf")}


def probe(cache_home: Path, first: str = "samizdat") -> dict:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    result = subprocess.run([sys.executable, "-c", PROBE, first], env=env, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    # nothing but the probe's own line on stdout: cffi's "generating ..." must not leak
    (line,) = result.stdout.splitlines()
    return json.loads(line)


def entries(cache_home: Path) -> list[Path]:
    return sorted((cache_home / "samizdat" / "weasyprint-ffi").glob("*.marshal"))


def test_parsed_once_then_loaded_with_the_same_output(tmp_path):
    first = probe(tmp_path)
    assert first["ffi"] == "ParsingFFI"
    (entry,) = entries(tmp_path)
    second = probe(tmp_path)
    assert second["ffi"] == "CompiledFFI"
    assert second["pdf"] == first["pdf"]
    assert second["harfbuzz"] == first["harfbuzz"] and second["face"] and first["face"]
    assert entries(tmp_path) == [entry]
    # HarfBuzz subset the fonts: fontTools' subsetter was never imported
    assert not first["subset_loaded"] and not second["subset_loaded"]


def test_a_damaged_entry_is_parsed_again_and_replaced(tmp_path):
    reference = probe(tmp_path)
    (entry,) = entries(tmp_path)
    good = entry.read_bytes()
    entry.write_bytes(good[:-40] + bytes(40))  # the digest no longer matches
    damaged = probe(tmp_path)
    assert damaged["ffi"] == "ParsingFFI" and damaged["pdf"] == reference["pdf"]
    assert entry.read_bytes() == good
    entry.write_bytes(b"")  # truncated to nothing
    assert probe(tmp_path)["ffi"] == "ParsingFFI"
    assert probe(tmp_path)["ffi"] == "CompiledFFI"


def test_no_cache_folder_to_write_means_parsing_every_time(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    for _ in range(2):
        result = probe(blocked)
        assert result["ffi"] == "ParsingFFI" and result["face"]


def test_weasyprint_imported_before_the_hook_still_works(tmp_path):
    # the hook is not in place: WeasyPrint's own FFI, and samizdat declares its extra
    # functions on it itself
    result = probe(tmp_path, first="weasyprint")
    assert result["ffi"] == "FFI" and result["face"] and result["subset_loaded"]
    assert entries(tmp_path) == []
    assert result["pdf"] == probe(tmp_path)["pdf"]


def test_the_deferred_fonttools_names_are_the_real_ones(tmp_path):
    script = """
import sys
import samizdat.writers
import weasyprint.pdf.fonts as fonts
import fontTools.subset, fontTools.varLib.instancer
from fontTools.ttLib import TTFont
assert fonts.subset.Options is fontTools.subset.Options
assert fonts.subset.Subsetter is fontTools.subset.Subsetter
try:  # the real instancer, through the stand-in: a static font has no 'fvar' to instance
    fonts.instantiateVariableFont(TTFont(sys.argv[1]), {"wght": 700})
except ValueError as error:
    print(error)
"""
    font = str(STYLES / "fonts" / "CharisSIL-Regular.ttf")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script, font], env=env, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "fvar" in result.stdout
