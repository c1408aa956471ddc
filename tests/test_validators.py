"""EPUBCheck and Ace, run for real on tiny EPUB 3 books written here by hand.

The books are built with zipfile, not by samizdat's EPUB writer, so these tests show that the
wrappers report what the validators say, independently of what our writer gets right or wrong.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from samizdat.checks.ace import ace_available, run_ace
from samizdat.checks.epubcheck import epubcheck_available, run_epubcheck
from samizdat.errors import BuildError, ManuscriptError

CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""

PACKAGE = """<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" xml:lang="en">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="uid">urn:uuid:6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b</dc:identifier>
    <dc:title>A Tiny Pamphlet</dc:title>
    <dc:language>en</dc:language>
    <meta property="dcterms:modified">2024-01-01T00:00:00Z</meta>
    <meta property="schema:accessMode">textual</meta>
    <meta property="schema:accessModeSufficient">textual</meta>
    <meta property="schema:accessibilityFeature">structuralNavigation</meta>
    <meta property="schema:accessibilityFeature">tableOfContents</meta>
    <meta property="schema:accessibilityHazard">none</meta>
    <meta property="schema:accessibilitySummary">Text only, with headings and a table of contents.</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="chapter-1" href="chapter-1.xhtml" media-type="application/xhtml+xml"/>
{extra_items}  </manifest>
  <spine>
    <itemref idref="chapter-1"/>
  </spine>
</package>
"""

NAV = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en" xml:lang="en">
<head><title>Contents</title></head>
<body>
<nav epub:type="toc" role="doc-toc" id="toc">
<h1>Contents</h1>
<ol>
{links}</ol>
</nav>
</body>
</html>
"""

CHAPTER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"{lang}>
<head><title>Chapter One</title></head>
<body>
<section>
<h1>Chapter One</h1>
<p>It was a bright cold day in April, and the clocks were striking thirteen.</p>
{body}</section>
</body>
</html>
"""

FIGURE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    '<rect width="10" height="10"/></svg>'
)


def write_epub(
    path: Path,
    *,
    chapter_body: str = "",
    html_lang: bool = True,
    nav_targets: tuple[str, ...] = ("chapter-1.xhtml",),
    extra_items: str = "",
    extra_files: dict[str, str] | None = None,
) -> Path:
    """A one-chapter EPUB 3; the defaults make a book both validators accept."""
    links = "".join(
        f'<li><a href="{target}">Chapter {number}</a></li>\n'
        for number, target in enumerate(nav_targets, start=1)
    )
    lang = ' lang="en" xml:lang="en"' if html_lang else ""
    with zipfile.ZipFile(path, "w") as archive:
        # OCF: `mimetype` first and stored uncompressed, so the zip's first bytes identify it.
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/epub+zip", compress_type=zipfile.ZIP_STORED
        )
        files = {
            "META-INF/container.xml": CONTAINER,
            "EPUB/package.opf": PACKAGE.format(extra_items=extra_items),
            "EPUB/nav.xhtml": NAV.format(links=links),
            "EPUB/chapter-1.xhtml": CHAPTER.format(lang=lang, body=chapter_body),
            **(extra_files or {}),
        }
        for name, text in files.items():
            archive.writestr(name, text, compress_type=zipfile.ZIP_DEFLATED)
    return path


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("books")
    return {
        "well-formed": write_epub(folder / "well-formed.epub"),
        # Three faults EPUBCheck must name: a nav link to a document that is not there
        # (RSC-007), a manifest item whose file is missing (RSC-001), and an epub:type value
        # no vocabulary defines (OPF-088, a USAGE note, shown only with -u).
        "broken": write_epub(
            folder / "broken.epub",
            nav_targets=("chapter-1.xhtml", "chapter-2.xhtml"),
            extra_items='    <item id="cover" href="cover.jpg" media-type="image/jpeg"/>\n',
            chapter_body='<aside epub:type="not-a-known-type"><p>An aside.</p></aside>\n',
        ),
        # Valid EPUB, but inaccessible: an image without alt text, and no language on <html>.
        "inaccessible": write_epub(
            folder / "inaccessible.epub",
            html_lang=False,
            chapter_body='<p><img src="figure.svg"/></p>\n',
            extra_items='    <item id="figure" href="figure.svg" media-type="image/svg+xml"/>\n',
            extra_files={"EPUB/figure.svg": FIGURE_SVG},
        ),
    }


@pytest.fixture(scope="module")
def epubcheck_of(requires_epubcheck, books):
    results: dict[str, list] = {}

    def check(name: str):
        if name not in results:
            results[name] = run_epubcheck(books[name])
        return results[name]

    return check


@pytest.fixture(scope="module")
def ace_of(requires_ace, books, tmp_path_factory):
    results: dict[str, list] = {}

    def check(name: str):
        if name not in results:
            results[name] = run_ace(books[name], tmp_path_factory.mktemp(f"ace-{name}"))
        return results[name]

    return check


# --- EPUBCheck -------------------------------------------------------------------------------


def test_well_formed_book_passes_epubcheck_with_no_messages_at_all(epubcheck_of):
    assert epubcheck_of("well-formed") == []


def test_broken_book_gives_epubcheck_errors_with_codes_and_places(epubcheck_of):
    messages = epubcheck_of("broken")
    errors = {(m.code, m.location.split(":")[0]) for m in messages if m.severity == "error"}
    assert ("RSC-007", "EPUB/nav.xhtml") in errors  # the link to chapter-2.xhtml
    assert ("RSC-001", "EPUB/cover.jpg") in errors  # declared in the manifest, not in the zip
    missing_link = next(m for m in messages if m.code == "RSC-007")
    assert "chapter-2.xhtml" in missing_link.message
    line = int(missing_link.location.split(":")[1])
    assert line == NAV.splitlines().index("{links}</ol>") + 2  # the second <li>'s line


def test_epubcheck_usage_notes_are_included(epubcheck_of):
    usage = [m for m in epubcheck_of("broken") if m.severity == "usage"]
    unknown_type = [m for m in usage if m.code == "OPF-088"]
    assert len(unknown_type) == 1
    assert "not-a-known-type" in unknown_type[0].message
    assert unknown_type[0].location.startswith("EPUB/chapter-1.xhtml:")


def test_inaccessible_book_is_still_a_valid_epub(epubcheck_of):
    # So the Ace findings below are about accessibility alone, not about a broken book.
    assert [m for m in epubcheck_of("inaccessible") if m.severity in {"fatal", "error"}] == []


# --- Ace -------------------------------------------------------------------------------------


def test_well_formed_book_has_no_ace_violations(ace_of):
    assert ace_of("well-formed") == []


def test_inaccessible_book_gives_ace_violations_with_rule_and_place(ace_of):
    found = {(m.code, m.severity, m.location) for m in ace_of("inaccessible")}
    assert ("image-alt", "critical", "EPUB/chapter-1.xhtml [img]") in found
    assert ("html-has-lang", "serious", "EPUB/chapter-1.xhtml [html]") in found
    assert all(m.message for m in ace_of("inaccessible"))


@pytest.mark.requires_ace  # the marker, where the other Ace tests use the fixture
def test_ace_keeps_its_report_for_a_person_to_read(books, tmp_path):
    run_ace(books["well-formed"], tmp_path)
    assert (tmp_path / "ace" / "report.json").is_file()
    assert (tmp_path / "ace" / "report.html").is_file()


# --- Missing tools ---------------------------------------------------------------------------


def test_missing_java_is_a_one_line_error_naming_the_installer(monkeypatch, books):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert "java" in epubcheck_available()
    with pytest.raises(BuildError) as raised:
        run_epubcheck(books["well-formed"])
    assert isinstance(raised.value, ManuscriptError)
    assert "scripts/install-validators" in str(raised.value)
    assert "\n" not in str(raised.value)


def test_missing_ace_is_a_one_line_error_naming_the_installer(monkeypatch, books, tmp_path):
    monkeypatch.setenv("SAMIZDAT_ACE", str(tmp_path / "no-such-ace"))
    assert "Ace" in ace_available()
    with pytest.raises(BuildError) as raised:
        run_ace(books["well-formed"], tmp_path)
    assert "scripts/install-validators" in str(raised.value)


def test_missing_chromium_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("PUPPETEER_EXECUTABLE_PATH", str(tmp_path / "no-such-chromium"))
    reason = ace_available()
    assert reason is not None and "Chromium" in reason


@pytest.mark.parametrize("ci", ["true", ""], ids=["CI", "local"])
@pytest.mark.parametrize(
    "test, hide_tool, reason",
    [
        # The fixture route: without `java` on PATH, EPUBCheck cannot run.
        (
            "test_well_formed_book_passes_epubcheck_with_no_messages_at_all",
            {"PATH": "/nonexistent"},
            "CI=true but EPUBCheck needs Java",
        ),
        # The marker route: Ace's command line is not where we point.
        (
            "test_ace_keeps_its_report_for_a_person_to_read",
            {"SAMIZDAT_ACE": "/nonexistent/ace-cli"},
            "CI=true but Ace by DAISY is not installed",
        ),
    ],
    ids=["epubcheck-fixture", "ace-marker"],
)
def test_a_missing_validator_fails_under_ci_and_skips_elsewhere(
    ci, test, hide_tool, reason, tmp_path
):
    """The fixtures and markers of conftest.py: CI must never pass by skipping a validator."""
    environment = {**os.environ, "CI": ci, **hide_tool}
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"{__file__}::{test}"],
        capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=120, check=False,
    )
    summary = completed.stdout.strip().splitlines()[-1]
    if ci == "true":
        # A fixture that fails is reported as an error, a marker as a failure: both fail the run.
        assert completed.returncode == 1, completed.stdout
        assert "1 error" in summary or "1 failed" in summary, completed.stdout
        assert reason in completed.stdout
    else:
        assert completed.returncode == 0, completed.stdout
        assert "1 skipped" in summary, completed.stdout
