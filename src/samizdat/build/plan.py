"""What a build will do: read and check the manuscript, choose the editions, find the stale
ones, and group them into jobs for the worker processes.

Everything a user can get wrong is found here, before any worker starts or any file in the
output folder is touched.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from samizdat.build.state import file_digest, fingerprint, inputs_digest, read_state
from samizdat.config import Manuscript, load_manuscript
from samizdat.document import Book
from samizdat.editions import Edition, editions_for, select
from samizdat.errors import ManuscriptError


def default_styles_dir() -> Path:
    """``./styles`` when the project has one, else the styles that ship beside the package."""
    here = Path("styles")
    if here.is_dir():
        return here.resolve()
    return Path(__file__).resolve().parents[3] / "styles"


def source_date_epoch() -> int | None:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value in (None, ""):
        return None
    if not value.isdigit():
        raise ManuscriptError(
            f"SOURCE_DATE_EPOCH={value!r} is not a whole number of seconds",
            hint="unset it or set it to a Unix time such as 1631404800",
        )
    return int(value)


@dataclass(frozen=True)
class Job:
    """Work for one worker process: one EPUB-like edition, or the print editions that share
    one layout (the pamphlet and its booklets: the pages are laid out once)."""

    editions: tuple[Edition, ...]

    @property
    def label(self) -> str:
        return ", ".join(e.name for e in self.editions)

    @property
    def laid_out(self) -> bool:
        return self.editions[0].is_print

    @property
    def layout_key(self) -> tuple:
        return layout_key(self.editions[0])


def layout_key(edition: Edition) -> tuple:
    """Print editions with equal keys share one layout."""
    return (edition.page_size, edition.stylesheets, edition.option("pdf-variant"))


@dataclass
class BuildPlan:
    manuscript: Manuscript
    book: Book | None  # read only when some edition is stale
    out_dir: Path
    styles_dir: Path
    editions: list[Edition]
    table: dict[str, Edition]  # every edition of the book, for the page lists' print editions
    fingerprints: dict[str, str]
    epoch: int | None
    inputs: str  # state.inputs_digest: the code, manuscript and styles every edition reads
    stale: list[Edition] = field(default_factory=list)


def plan_build(
    manuscript_dir: Path,
    out_dir: Path,
    only: list[str] | None = None,
    styles_dir: Path | None = None,
    force: bool = False,
    read: bool = True,
) -> BuildPlan:
    """What to build, and the book read (``read``) when some edition is stale. With
    ``read=False`` the caller reads it (``plan.book = read_book(plan.manuscript)``), after
    starting what need not wait for it."""
    from samizdat.pipeline import read_book

    manuscript = load_manuscript(manuscript_dir)
    table = editions_for(manuscript)
    if only:
        unknown = [name for name in only if name not in table]
        if unknown:
            raise ManuscriptError(
                f"unknown edition '{unknown[0]}'",
                hint=f"choose from {', '.join(table)} (or add it under 'editions:' in metadata.yaml)",
            )
    editions = select(table, only)
    styles = (styles_dir or default_styles_dir()).resolve()
    for edition in editions:
        for sheet in edition.stylesheets:
            if not (styles / sheet).is_file():
                raise ManuscriptError(
                    f"stylesheet '{sheet}' of edition '{edition.name}' not found",
                    file=styles,
                    hint="check 'stylesheets:' of the edition or pass --styles DIR",
                )
    epoch = source_date_epoch()
    inputs = inputs_digest(manuscript.root, styles)
    prints = {
        e.name: fingerprint(e, inputs, epoch, [table[e.page_list]] if e.page_list else [])
        for e in editions
    }
    plan = BuildPlan(manuscript, None, out_dir, styles, editions, table, prints, epoch, inputs)
    state = read_state(out_dir)
    for edition in editions:
        output = out_dir / edition.output_name(manuscript.metadata.slug)
        known = state.get(edition.name, {})
        fresh = (
            not force
            and known.get("inputs") == prints[edition.name]
            and known.get("output") == output.name
            and known.get("sha256") == file_digest(output)
        )
        if not fresh:
            plan.stale.append(edition)
    if plan.stale and read:
        # Only now: a book whose every edition is up to date was read, and found good, when
        # those editions were made. Last, because the citation engine may fill the cache.
        plan.book = read_book(manuscript)
    return plan


def group_jobs(editions: list[Edition]) -> list[Job]:
    """EPUB-like editions each get a job; print editions sharing a layout share a job."""
    jobs: list[Job] = []
    layouts: dict[tuple, list[Edition]] = {}
    for edition in editions:
        if edition.is_print:
            layouts.setdefault(layout_key(edition), []).append(edition)
        else:
            jobs.append(Job((edition,)))
    jobs.extend(Job(tuple(group)) for group in layouts.values())
    # Longest first, so that two cores finish together (print layout dominates).
    return sorted(jobs, key=lambda job: not job.laid_out)
