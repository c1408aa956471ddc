"""Ace by DAISY, the EPUB accessibility checker, run on a built EPUB; its report as messages."""

from __future__ import annotations

import os
import shlex
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import unquote
from xml.etree import ElementTree

from samizdat.checks.tools import (
    INSTALL_HINT,
    run_for_report,
    ValidationMessage,
    ace_executable,
    ace_missing,
    chromium_executable,
    require,
)
from samizdat.errors import BuildError

__all__ = ["ValidationMessage", "ace_available", "run_ace"]

# Ace's puppeteer runner (@daisy/ace-axe-runner-puppeteer) hard-codes its launch arguments
# (--no-sandbox --disable-setuid-sandbox, headless) and offers no option to add more; puppeteer
# itself adds --disable-background-networking, --disable-sync and --no-first-run. The rest must
# reach Chromium another way, so PUPPETEER_EXECUTABLE_PATH names a launcher that adds them.
# Without the network, Chromium's own fetches (QUIC probes, component updates) can stall it,
# and there is no GPU; --no-sandbox is needed when running as root (CI containers).
CHROMIUM_ARGUMENTS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

# The runner gives Chromium 5 s to start (ACE_TIMEOUT_INITIAL), too little on a busy 2-core
# machine; the per-document limit (-T) stays at Ace's default of 4 minutes.
BROWSER_START_MILLISECONDS = 60_000
TIMEOUT_SECONDS = 900


def ace_available() -> str | None:
    """None when Ace can run here, else the reason it cannot."""
    return ace_missing()


def run_ace(epub: Path, workdir: Path) -> list[ValidationMessage]:
    """Every accessibility violation Ace finds in ``epub``, of any impact; empty when it finds none.

    Ace's report (HTML and report.json) is kept in ``workdir/ace`` for a person to read.
    Ace's exit status says only whether Ace itself ran, never whether the book passed, so the
    verdict comes from report.json.
    """
    require(ace_missing())
    epub = Path(epub).resolve()
    if not epub.is_file():
        raise BuildError("no EPUB to check", file=epub)
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    report_dir = workdir / "ace"
    report_path = report_dir / "report.json"
    report_path.unlink(missing_ok=True)  # never read a previous run's verdict

    environment = dict(os.environ)
    environment["PUPPETEER_EXECUTABLE_PATH"] = str(_chromium_launcher(workdir))
    environment["ACE_TIMEOUT_INITIAL"] = str(BROWSER_START_MILLISECONDS)
    command = [
        str(ace_executable()),
        "--outdir", str(report_dir),
        "--force",  # overwrite the report of an earlier run
        "--silent",
        "--lang", "en",
        str(epub),
    ]
    report = run_for_report(
        "Ace", command, report_path, epub, timeout=TIMEOUT_SECONDS, hint=INSTALL_HINT,
        env=environment, cwd=workdir,
    )
    return messages_from_report(report, container_paths(epub))


def _chromium_launcher(workdir: Path) -> Path:
    """A shell script that starts Chromium with CHROMIUM_ARGUMENTS before puppeteer's own."""
    launcher = workdir / "chromium-for-ace"
    browser = chromium_executable()
    arguments = " ".join(shlex.quote(argument) for argument in CHROMIUM_ARGUMENTS)
    launcher.write_text(f'#!/bin/sh\nexec {shlex.quote(str(browser))} {arguments} "$@"\n')
    launcher.chmod(0o755)
    return launcher


def container_paths(epub: Path) -> tuple[set[str], str]:
    """The EPUB's file names and its package document's folder ('EPUB', or '' at the root)."""
    try:
        with zipfile.ZipFile(epub) as archive:
            names = set(archive.namelist())
            container = ElementTree.fromstring(archive.read("META-INF/container.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return set(), ""
    rootfile = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile")
    package = rootfile.get("full-path", "") if rootfile is not None else ""
    return names, str(PurePosixPath(package).parent).lstrip(".")


def messages_from_report(report: dict, paths: tuple[set[str], str] = (set(), "")) -> list[ValidationMessage]:
    """The failed assertions of Ace's report.json, one ValidationMessage per failure."""
    messages: list[ValidationMessage] = []
    for subject in report.get("assertions", []):
        document = _document_path(subject.get("earl:testSubject", {}).get("url"), *paths)
        for assertion in subject.get("assertions", []):
            result = assertion.get("earl:result", {})
            if result.get("earl:outcome") != "fail":
                continue
            test = assertion.get("earl:test", {})
            # axe lists each way to fix a node on its own line; one line per message for us.
            lines = str(result.get("dct:description") or test.get("dct:description", ""))
            text = "; ".join(line.strip() for line in lines.splitlines() if line.strip())
            css = ", ".join(result.get("earl:pointer", {}).get("css", []))
            location = f"{document} [{css}]" if document and css else document
            messages.append(
                ValidationMessage(
                    severity=str(test.get("earl:impact", "")),
                    code=str(test.get("dct:title", "")),
                    message=text,
                    location=location,
                )
            )
    return messages


def _document_path(url: str | None, names: set[str], package_folder: str) -> str | None:
    """Ace names content documents relative to the package document and the package itself
    relative to the container; give both as EPUBCheck does, from the container root."""
    if not url:
        return None
    url = unquote(url).lstrip("/")
    if url in names or not package_folder:
        return url
    inside_package = f"{package_folder}/{url}"
    return inside_package if inside_package in names else url
