"""Builds: editions in parallel worker processes, skipped when their inputs are unchanged,
every output written to a temporary file and renamed into place.

Print editions that share a page size (and stylesheets and PDF variant) form one job: the
pages are laid out once and the pamphlet and its booklet both come from that one rendering.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import samizdat
from samizdat.cache import CACHE_ENV
from samizdat.config import Manuscript, load_manuscript
from samizdat.document import Book
from samizdat.editions import Edition, editions_for, select
from samizdat.errors import ManuscriptError

STATE_DIR = ".samizdat"  # inside the output folder: fingerprints of the last good outputs
TEMP_SUFFIX = ".partial"


def default_styles_dir() -> Path:
    """``./styles`` when the project has one, else the styles that ship beside the package."""
    here = Path("styles")
    if here.is_dir():
        return here.resolve()
    return Path(__file__).resolve().parents[2] / "styles"


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
    """Work for one worker process: one or more editions made from one rendering."""

    editions: tuple[Edition, ...]

    @property
    def label(self) -> str:
        return ", ".join(e.name for e in self.editions)


@dataclass
class BuildPlan:
    manuscript: Manuscript
    book: Book | None  # read only when some edition is stale
    out_dir: Path
    styles_dir: Path
    editions: list[Edition]
    fingerprints: dict[str, str]
    stale: list[Edition] = field(default_factory=list)


@dataclass
class EditionResult:
    edition: str
    output: Path
    seconds: float
    skipped: bool = False


class Progress:
    """One line per finished edition; a live line with elapsed time while work runs on a TTY."""

    def __init__(self, quiet: bool = False, stream=None) -> None:
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.live = not quiet and self.stream.isatty()
        self._running: list[str] = []
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def say(self, text: str) -> None:
        if not self.quiet:
            self._clear()
            print(text, file=self.stream, flush=True)

    def start(self, labels: list[str]) -> None:
        self._running = list(labels)
        self._started = time.monotonic()
        if self.live:
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()

    def done(self, label: str) -> None:
        if label in self._running:
            self._running.remove(label)

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
        self._clear()

    def _tick(self) -> None:
        width = 24
        while not self._stop.wait(0.2):
            elapsed = time.monotonic() - self._started
            filled = int(elapsed * 4) % (2 * width)
            pos = filled if filled < width else 2 * width - filled - 1
            bar = "".join("=" if i == pos else " " for i in range(width))
            text = f"\r  [{bar}] {elapsed:5.1f} s  {', '.join(self._running)}"
            self.stream.write(text[:100].ljust(100))
            self.stream.flush()

    def _clear(self) -> None:
        if self.live:
            self.stream.write("\r" + " " * 100 + "\r")
            self.stream.flush()


# ---------------------------------------------------------------- fingerprints


def _hash_tree(digest, root: Path, label: str) -> None:
    if not root.exists():
        digest.update(f"{label}:absent\n".encode())
        return
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        digest.update(f"{label}:{path.relative_to(root).as_posix()}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def fingerprint(edition: Edition, manuscript_dir: Path, styles_dir: Path, epoch: int | None) -> str:
    """A digest of everything an edition's output depends on."""
    digest = hashlib.sha256()
    digest.update(f"samizdat {samizdat.__version__}\n".encode())
    _hash_tree(digest, Path(samizdat.__file__).parent, "code")  # an edited writer rebuilds
    _hash_tree(digest, manuscript_dir, "manuscript")
    _hash_tree(digest, styles_dir, "styles")
    digest.update(json.dumps(edition.settings(), sort_keys=True, default=str).encode())
    digest.update(f"epoch:{epoch}\n".encode())
    return digest.hexdigest()


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _state_path(out_dir: Path) -> Path:
    return out_dir / STATE_DIR / "state.json"


def read_state(out_dir: Path) -> dict:
    try:
        return json.loads(_state_path(out_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_state(out_dir: Path, state: dict) -> None:
    path = _state_path(out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + TEMP_SUFFIX)
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


# ---------------------------------------------------------------- planning


def plan_build(
    manuscript_dir: Path,
    out_dir: Path,
    only: list[str] | None = None,
    styles_dir: Path | None = None,
    force: bool = False,
) -> BuildPlan:
    """Read and check the whole manuscript, choose editions, find the stale ones.

    Everything a user can get wrong is found here, before any worker starts or any file in
    the output folder is touched.
    """
    from samizdat.readers.markdown import read_book

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
    prints = {e.name: fingerprint(e, manuscript.root, styles, epoch) for e in editions}
    plan = BuildPlan(manuscript, None, out_dir, styles, editions, prints)
    state = read_state(out_dir)
    for edition in editions:
        output = out_dir / edition.output_name(manuscript.metadata.slug)
        known = state.get(edition.name, {})
        fresh = (
            not force
            and known.get("inputs") == prints[edition.name]
            and known.get("output") == output.name
            and known.get("sha256") == _file_digest(output)
        )
        if not fresh:
            plan.stale.append(edition)
    if plan.stale:
        # Only now: a book whose every edition is up to date was read, and found good, when
        # those editions were made. Last, because the citation engine may fill the cache.
        plan.book = read_book(manuscript)
    return plan


def group_jobs(editions: list[Edition]) -> list[Job]:
    """EPUB-like editions each get a job; print editions sharing a rendering share a job."""
    jobs: list[Job] = []
    renders: dict[tuple, list[Edition]] = {}
    for edition in editions:
        if edition.is_print:
            key = (edition.page_size, edition.stylesheets, edition.option("pdf-variant"))
            renders.setdefault(key, []).append(edition)
        else:
            jobs.append(Job((edition,)))
    jobs.extend(Job(tuple(group)) for group in renders.values())
    # Longest first, so that two cores finish together (print layout dominates).
    return sorted(jobs, key=lambda job: not job.editions[0].is_print)


# ---------------------------------------------------------------- running


def atomic_output(out_dir: Path, name: str, write: Callable[[Path], None]) -> Path:
    """Write through ``write(tmp)`` and rename into place; never leave a partial file."""
    final = out_dir / name
    tmp = out_dir / f".{name}.{os.getpid()}{TEMP_SUFFIX}"
    try:
        write(tmp)
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    return final


def run_job(job: Job, book: Book, out_dir: Path, styles_dir: Path, epoch: int | None) -> list[EditionResult]:
    """Make every edition of one job (in a worker process)."""
    results = []
    first = job.editions[0]
    sheets = [styles_dir / s for s in first.stylesheets]
    slug = book.metadata.slug
    if first.format in ("epub", "kepub"):
        from samizdat.writers import epub, kepub

        write = epub.write_epub if first.format == "epub" else kepub.write_kepub
        started = time.monotonic()
        path = atomic_output(
            out_dir, first.output_name(slug),
            lambda tmp: write(book, tmp, stylesheets=sheets, source_date_epoch=epoch),
        )
        return [EditionResult(first.name, path, time.monotonic() - started)]

    from samizdat import imposition
    from samizdat.writers import pdf

    started = time.monotonic()
    pages = pdf.render_pamphlet(
        book,
        page_size=first.page_size,
        stylesheets=sheets,
        allowed_roots=[book.manuscript_dir.resolve(), styles_dir.resolve()],
        pdf_variant=first.option("pdf-variant"),
        source_date_epoch=epoch,
    )
    render_seconds = time.monotonic() - started
    for edition in job.editions:
        began = time.monotonic()
        if edition.format == "pdf":
            data = pages
        else:
            data = imposition.impose_edition(pages, edition)  # imposition hook
        path = atomic_output(out_dir, edition.output_name(slug), lambda tmp: tmp.write_bytes(data))
        # The shared layout is counted once, against the first edition of the job.
        seconds = time.monotonic() - began + (render_seconds if edition is job.editions[0] else 0)
        results.append(EditionResult(edition.name, path, seconds))
    return results


def remove_partials(out_dir: Path) -> None:
    """Temporary files of a build that was killed: never outputs, safe to delete."""
    for stale in out_dir.glob(f".*{TEMP_SUFFIX}"):
        stale.unlink(missing_ok=True)


def build(
    manuscript_dir: Path,
    out_dir: Path,
    only: list[str] | None = None,
    jobs: int | None = None,
    styles_dir: Path | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> list[EditionResult]:
    progress = progress or Progress(quiet=True)
    # Slow pure steps (the citation engine, the cover) keep their results here; workers
    # inherit the setting.
    os.environ[CACHE_ENV] = str((out_dir / STATE_DIR / "cache").resolve())
    plan = plan_build(manuscript_dir, out_dir, only, styles_dir, force)
    slug = plan.manuscript.metadata.slug
    if not plan.stale:
        progress.say(f"nothing to do: {len(plan.editions)} edition(s) up to date in {out_dir}")
        return [
            EditionResult(e.name, out_dir / e.output_name(slug), 0.0, skipped=True)
            for e in plan.editions
        ]
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_partials(out_dir)
    epoch = source_date_epoch()
    work = group_jobs(plan.stale)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(work)))
    results: list[EditionResult] = []
    state = read_state(out_dir)
    progress.start([job.label for job in work])
    try:
        if workers == 1:
            for job in work:
                _record(job, run_job(job, plan.book, out_dir, plan.styles_dir, epoch),
                        plan, state, results, progress)
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                pending = {
                    pool.submit(run_job, job, plan.book, out_dir, plan.styles_dir, epoch): job
                    for job in work
                }
                while pending:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        job = pending.pop(future)
                        _record(job, future.result(), plan, state, results, progress)
    finally:
        progress.stop()
    up_to_date = len(plan.editions) - len(plan.stale)
    if up_to_date:
        progress.say(f"  ({up_to_date} edition(s) already up to date)")
    return results


def _record(job, job_results, plan, state, results, progress) -> None:
    for result in job_results:
        state[result.edition] = {
            "inputs": plan.fingerprints[result.edition],
            "output": result.output.name,
            "sha256": _file_digest(result.output),
        }
        results.append(result)
        progress.say(f"  {result.edition:<16} {result.output.name:<48} {result.seconds:6.1f} s")
    progress.done(job.label)
    # Saved after every job, so a build killed later still knows what it finished.
    write_state(plan.out_dir, state)


def clean(out_dir: Path) -> list[Path]:
    """Remove what builds left in the output folder: the outputs they recorded, partial files
    and the state folder. Files samizdat did not make are left alone, so ``--out .`` is safe."""
    import shutil

    removed: list[Path] = []
    if not out_dir.is_dir():
        return removed
    for entry in read_state(out_dir).values():
        output = out_dir / Path(str(entry.get("output", ""))).name
        if output.name and output.is_file():
            output.unlink()
            removed.append(output)
    for partial in out_dir.glob(f".*{TEMP_SUFFIX}"):
        partial.unlink()
        removed.append(partial)
    if (out_dir / STATE_DIR).is_dir():
        shutil.rmtree(out_dir / STATE_DIR)
        removed.append(out_dir / STATE_DIR)
    if not any(out_dir.iterdir()):
        out_dir.rmdir()
    return removed
