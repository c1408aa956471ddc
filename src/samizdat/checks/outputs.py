"""``samizdat check``: validate what a build left in the output folder.

EPUB-like editions go through the real EPUBCheck and Ace; print editions through the PDF
checks. Every error and every warning counts: the command fails on any.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from samizdat.config import load_manuscript
from samizdat.editions import editions_for, select
from samizdat.errors import ManuscriptError


@dataclass(frozen=True)
class Problem:
    output: str
    tool: str
    severity: str
    code: str
    message: str
    location: str | None = None

    def __str__(self) -> str:
        where = f" ({self.location})" if self.location else ""
        return f"{self.output}: {self.tool} {self.severity} {self.code}: {self.message}{where}"


def check_outputs(
    manuscript_dir: Path, out_dir: Path, only: list[str] | None = None, quiet: bool = False
) -> list[Problem]:
    manuscript = load_manuscript(manuscript_dir)
    table = editions_for(manuscript)
    if only:
        unknown = [name for name in only if name not in table]
        if unknown:
            raise ManuscriptError(f"unknown edition '{unknown[0]}'", hint=f"choose from {', '.join(table)}")
    problems: list[Problem] = []
    for edition in select(table, only):
        output = out_dir / edition.output_name(manuscript.metadata.slug)
        if not output.is_file():
            raise ManuscriptError(
                f"{output} has not been built",
                hint=f"run 'samizdat build --only {edition.name}' first",
            )
        if not quiet:
            print(f"checking {output.name} ...", file=sys.stderr, flush=True)
        if edition.format in ("epub", "kepub"):
            problems += _check_epub(output)
        else:
            from samizdat.checks.pdf import check_pdf

            for message in check_pdf(output, edition):
                problems.append(Problem(output.name, "pdf", "error", message.code, message.message))
    return problems


def _check_epub(output: Path) -> list[Problem]:
    from samizdat.checks.ace import run_ace
    from samizdat.checks.epubcheck import run_epubcheck

    problems = [
        Problem(output.name, "epubcheck", m.severity, m.code, m.message, m.location)
        for m in run_epubcheck(output)
        if m.severity not in ("info",)
    ]
    with tempfile.TemporaryDirectory(prefix="samizdat-ace-") as workdir:
        problems += [
            Problem(output.name, "ace", m.severity, m.code, m.message, m.location)
            for m in run_ace(output, Path(workdir))
        ]
    return problems
