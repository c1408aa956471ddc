"""EPUBCheck, the W3C conformance checker, run on a built EPUB; its JSON report as messages."""

from __future__ import annotations

import tempfile
from pathlib import Path

from samizdat.checks.tools import (
    INSTALL_HINT,
    run_for_report,
    ValidationMessage,
    epubcheck_jar,
    epubcheck_missing,
    java_executable,
    require,
)
from samizdat.errors import BuildError

__all__ = ["ValidationMessage", "epubcheck_available", "run_epubcheck"]

# A small book takes EPUBCheck well under a second; the rest is the JVM starting and compiling.
# Stopping the JIT at its first tier (C1) cuts a run from about 9 s to about 6 s here, and
# EPUBCheck never runs long enough for the optimising compiler to pay for itself.
JVM_OPTIONS = ("-XX:TieredStopAtLevel=1",)

# Generous: a large book with many images can take a minute on a slow machine.
TIMEOUT_SECONDS = 600


def epubcheck_available() -> str | None:
    """None when EPUBCheck can run here, else the reason it cannot."""
    return epubcheck_missing()


def run_epubcheck(epub: Path) -> list[ValidationMessage]:
    """Every message EPUBCheck gives for ``epub``, USAGE notes included (they flag epub:type misuse).

    An empty list means a clean book. One message per location: EPUBCheck reports repeated
    problems once with several locations, and each place is something to fix.
    """
    require(epubcheck_missing())
    epub = Path(epub)
    if not epub.is_file():
        raise BuildError("no EPUB to check", file=epub)
    with tempfile.TemporaryDirectory(prefix="samizdat-epubcheck-") as scratch:
        report_path = Path(scratch) / "report.json"
        command = [
            java_executable() or "java",
            *JVM_OPTIONS,
            "-jar",
            str(epubcheck_jar()),
            str(epub),
            "-u",  # USAGE messages: best-practice notes, hidden by default
            "--json", str(report_path),
            "-q",
        ]
        # EPUBCheck exits 1 whenever it finds an error; only the report says what it found.
        report = run_for_report(
            "EPUBCheck", command, report_path, epub, timeout=TIMEOUT_SECONDS, hint=INSTALL_HINT
        )
    return messages_from_report(report)


def messages_from_report(report: dict) -> list[ValidationMessage]:
    """EPUBCheck's JSON report (``--json``) as ValidationMessages."""
    messages: list[ValidationMessage] = []
    for entry in report.get("messages", []):
        severity = str(entry.get("severity", "")).lower()
        code = str(entry.get("ID", ""))
        text = str(entry.get("message", ""))
        places = [_place(location) for location in entry.get("locations") or []]
        for place in places or [None]:
            messages.append(ValidationMessage(severity, code, text, place))
    return messages


def _place(location: dict) -> str | None:
    """'EPUB/nav.xhtml:5:138'; EPUBCheck uses -1 for an unknown line or column."""
    path = location.get("path")
    if not path:
        return None
    line, column = location.get("line", -1), location.get("column", -1)
    if isinstance(line, int) and line > 0:
        path += f":{line}"
        if isinstance(column, int) and column > 0:
            path += f":{column}"
    return path
