"""``samizdat check``: validate what a build left in the output folder, and the book itself.

EPUB-like editions go through the real EPUBCheck and Ace; print editions through the PDF
checks. Every error and every warning counts: the command fails on any. A validator that
cannot run here is one problem line of its own, and every other check still runs.

The book is read once more for what a build only warns about: a cited work that the citation
style leaves out of the bibliography (unless its entry says ``omit-from-bibliography:``).
"""

from __future__ import annotations

import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

from samizdat.config import load_manuscript
from samizdat.editions import editions_for, select
from samizdat.errors import ManuscriptError
from samizdat.formats import FORMATS


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
    problems: list[Problem] = _check_book(manuscript, out_dir)
    for edition in select(table, only):
        output = out_dir / edition.output_name(manuscript.metadata.slug)
        if not output.is_file():
            raise ManuscriptError(
                f"{output} has not been built",
                hint=f"run 'samizdat build --only {edition.name}' first",
            )
        if not quiet:
            print(f"checking {output.name} ...", file=sys.stderr, flush=True)
        problems += [Problem(output.name, *found) for found in FORMATS[edition.format].check(output, edition)]
    return problems


def _check_book(manuscript, out_dir: Path) -> list[Problem]:
    from samizdat import cache
    from samizdat.build.state import cache_folder
    from samizdat.pipeline import read_book

    # The build's cache answers for the citation engine when the book has not changed.
    cache.use(cache_folder(out_dir))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the build said them; here they are problems
        book = read_book(manuscript)
    return [
        Problem(f"{ref.file.name if ref.file else 'bibliography'}:{ref.line or 1}",
                "bibliography", "error", "unprinted-reference",
                f"the style {ref.style} prints no bibliography entry for '{ref.key}', cited in "
                "the text; give it a type the style prints, or 'omit-from-bibliography: reason'")
        for ref in book.unprinted_references
    ]
