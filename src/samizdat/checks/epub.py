"""An EPUB through its two validators, EPUBCheck and Ace, as one list of findings for
``samizdat check`` (formats.py registers it for the EPUB and the KEPUB)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from samizdat.errors import BuildError


def validate_epub(output: Path) -> list[tuple]:
    """EPUBCheck (every message but info) and Ace (every violation) on a built EPUB."""
    from samizdat.checks.ace import run_ace
    from samizdat.checks.epubcheck import run_epubcheck

    found = _run_validator("epubcheck", lambda: [
        m for m in run_epubcheck(output) if m.severity not in ("info",)
    ])
    with tempfile.TemporaryDirectory(prefix="samizdat-ace-") as workdir:
        found += _run_validator("ace", lambda: run_ace(output, Path(workdir)))
    return found


def _run_validator(tool: str, run) -> list[tuple]:
    """The validator's findings, or one problem saying why it could not run."""
    try:
        messages = run()
    except BuildError as error:
        return [(tool, "error", "not-run", str(error), None)]
    return [(tool, m.severity, m.code, m.message, m.location) for m in messages]
