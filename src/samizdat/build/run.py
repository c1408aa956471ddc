"""Running a build: jobs in worker processes, every output written to a temporary file and
renamed into place, the state saved after each job.

A print job lays the pages out once and makes every print edition of that layout from them;
it also leaves where each page begins (the page list) in the cache. An EPUB job whose page
list follows a print edition being built in the same run starts when that layout is done and
is handed its page list; otherwise it takes the page list from the cache, or lays the pages
out itself.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from samizdat import cache
from samizdat.build.plan import BuildPlan, Job, group_jobs, layout_key, plan_build
from samizdat.build.progress import Progress
from samizdat.build.state import (
    STATE_DIR,
    TEMP_SUFFIX,
    cache_folder,
    file_digest,
    read_state,
    write_state,
)
from samizdat.document import Book, PageList
from samizdat.editions import Edition
from samizdat.formats import FORMATS
from samizdat.pipeline import read_book, read_front


@dataclass
class EditionResult:
    edition: str
    output: Path
    seconds: float
    skipped: bool = False


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


# --- Layout and page lists ----------------------------------------------------------------------


def lay_out(book: Book, edition: Edition, styles_dir: Path, epoch: int | None, inputs: str):
    """The print pages of ``edition``'s layout, and its page list left in the cache."""
    from samizdat.writers import pdf

    pamphlet = pdf.lay_out_pamphlet(
        book,
        page_size=edition.page_size,
        stylesheets=[styles_dir / s for s in edition.stylesheets],
        allowed_roots=[book.manuscript_dir.resolve(), styles_dir.resolve()],
        pdf_variant=edition.option("pdf-variant"),
        source_date_epoch=epoch,
    )
    cache.cached("page-list", page_list_key(inputs, edition), lambda: _encode(pamphlet.page_list))
    return pamphlet


def page_list_for(book: Book, edition: Edition, styles_dir: Path, inputs: str):
    """The page list of ``edition``'s layout: from the cache, or from a layout made for it."""
    data = cache.cached("page-list", page_list_key(inputs, edition),
                        lambda: _encode(lay_out(book, edition, styles_dir, None, inputs).page_list))
    return PageList(tuple(tuple(entry) for entry in json.loads(data)))


def _encode(page_list) -> bytes:
    return json.dumps(list(page_list.breaks)).encode("utf-8")


def page_list_key(inputs: str, edition: Edition) -> list[str]:
    """Everything a layout's page breaks depend on: the build's inputs (the code, the
    manuscript, the styles and fonts: ``state.inputs_digest``) and what makes the layout
    (page size, stylesheets, PDF variant). WeasyPrint's version is not in it: weasyprint_fixes
    refuses any other version at import. Cheap to compute: a cached page list costs an EPUB
    job neither a render of the print book nor WeasyPrint's import."""
    return [inputs, json.dumps(layout_key(edition), default=str), "page list 2"]


# --- Jobs ---------------------------------------------------------------------------------------


def run_job(job: Job, book: Book | None, out_dir: Path, styles_dir: Path, epoch: int | None,
            inputs: str, page_list=None, table: dict[str, Edition] | None = None,
            ) -> tuple[list[EditionResult], object]:
    """Make every edition of one job (in a worker process); return the results and, for a
    print job, its page list. ``book`` None: the worker's own (``_worker``)."""
    book = book if book is not None else _book
    slug = book.metadata.slug
    first = job.editions[0]
    kind = FORMATS[first.format]
    if not kind.laid_out:
        started = time.monotonic()
        if page_list is None and first.page_list:
            page_list = page_list_for(book, (table or {})[first.page_list], styles_dir, inputs)
        sheets = [styles_dir / s for s in first.stylesheets]
        path = atomic_output(
            out_dir, first.output_name(slug),
            lambda tmp: kind.write(book, tmp, stylesheets=sheets, source_date_epoch=epoch,
                                   page_list=page_list, styles_dir=styles_dir),
        )
        return [EditionResult(first.name, path, time.monotonic() - started)], None

    started = time.monotonic()
    pamphlet = lay_out(book, first, styles_dir, epoch, inputs)
    layout_seconds = time.monotonic() - started
    results = []
    for edition in job.editions:
        began = time.monotonic()
        data = FORMATS[edition.format].make(pamphlet, edition)
        path = atomic_output(out_dir, edition.output_name(slug), lambda tmp: tmp.write_bytes(data))
        # The shared layout is counted once, against the first edition of the job.
        seconds = time.monotonic() - began + (layout_seconds if edition is first else 0)
        results.append(EditionResult(edition.name, path, seconds))
    return results, pamphlet.page_list


def remove_partials(out_dir: Path) -> None:
    """Temporary files of a build that was killed: never outputs, safe to delete."""
    for stale in out_dir.glob(f".*{TEMP_SUFFIX}"):
        stale.unlink(missing_ok=True)


# --- The build ----------------------------------------------------------------------------------


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
    # Slow pure steps (the citation engine, the cover, page lists) keep their results here.
    folder = cache_folder(out_dir)
    cache.use(folder)
    plan = plan_build(manuscript_dir, out_dir, only, styles_dir, force, read=False)
    slug = plan.manuscript.metadata.slug
    if not plan.stale:
        progress.say(f"nothing to do: {len(plan.editions)} edition(s) up to date in {out_dir}")
        return [
            EditionResult(e.name, out_dir / e.output_name(slug), 0.0, skipped=True)
            for e in plan.editions
        ]
    created = not out_dir.exists()
    try:
        _start_ahead(plan)
        # A book whose every edition is up to date is not read: it was read, and found good,
        # when those editions were made.
        plan.book = read_book(plan.manuscript)
    except BaseException:
        # A manuscript error: the cover started ahead is not wanted, and a build that made
        # the output folder leaves none behind.
        cache.abandon()
        if created:
            shutil.rmtree(out_dir, ignore_errors=True)
        raise
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_partials(out_dir)
    work = group_jobs(plan.stale)
    results: list[EditionResult] = []
    state = read_state(out_dir)
    progress.start([job.label for job in work])
    try:
        _run(work, plan, folder, jobs, lambda job, job_results: _record(
            job, job_results, plan, state, results, progress))
    except BaseException:
        # A writer failed (WeasyPrint refused a stylesheet...): a build that made the output
        # folder and no edition in it leaves no folder behind, cache and state included.
        # Editions finished by other workers are good outputs and stay.
        cache.abandon()
        if created and not results:
            shutil.rmtree(out_dir, ignore_errors=True)
        raise
    finally:
        progress.stop()
    cache.reap()
    up_to_date = len(plan.editions) - len(plan.stale)
    if up_to_date:
        progress.say(f"  ({up_to_date} edition(s) already up to date)")
    return results


def _start_ahead(plan: BuildPlan) -> None:
    """Start the slow steps that need only the metadata (the EPUB's cover) in child
    processes, and the writers' slow imports in a thread, so that they overlap the reading of
    the chapters and the citation run."""
    _warmed_up()  # no fork while the thread of an earlier build may hold an import lock
    front = read_front(plan.manuscript)
    for start in {FORMATS[edition.format].start_ahead for edition in plan.stale} - {None}:
        start(front, plan.styles_dir)
    modules = sorted({name for edition in plan.stale for name in FORMATS[edition.format].imports})
    if modules:
        global _warm_up
        _warm_up = threading.Thread(target=lambda: [_import(name) for name in modules],
                                    name="samizdat-warm-up", daemon=True)
        _warm_up.start()


#: The thread importing the writers' modules while the book is read. The main thread waits
#: for pandoc's citation run (a subprocess) for much of the reading, so the import costs the
#: build little; and workers forked after it inherit the modules instead of each importing
#: them. It must have finished before any fork: a child forked while it holds a module's
#: import lock would wait for that lock forever.
_warm_up: threading.Thread | None = None


def _import(name: str) -> None:
    try:
        importlib.import_module(name)
    except BaseException:  # the job's own import says it, where it belongs
        pass


def _warmed_up() -> None:
    global _warm_up
    if _warm_up is not None:
        _warm_up.join()
        _warm_up = None


def _run(work: list[Job], plan: BuildPlan, folder: Path, jobs: int | None, record) -> None:
    """Run the jobs, each EPUB job whose page list a print job of this build makes after it."""
    _warmed_up()
    layouts = {job.layout_key: job for job in work if job.laid_out}

    def waits_for(job: Job) -> Job | None:
        source = job.editions[0].page_list
        if job.laid_out or not source:
            return None
        return layouts.get(layout_key(plan.table[source]))

    arguments = (None, plan.out_dir, plan.styles_dir, plan.epoch, plan.inputs)  # book: _worker's
    workers = max(1, min(jobs or os.cpu_count() or 1, len(work)))
    if workers == 1:
        _worker(folder, plan.book)
        page_lists: dict[tuple, object] = {}
        for job in sorted(work, key=lambda job: not job.laid_out):
            after = waits_for(job)
            job_results, page_list = run_job(
                job, *arguments, page_lists.get(after.layout_key) if after else None, plan.table)
            if job.laid_out:
                page_lists[job.layout_key] = page_list
            record(job, job_results)
        return
    # Imported only here: a build of one edition has no pool (see _start_ahead on start-up).
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    # Forked workers inherit the book as read and transformed, without a pickle of its trees
    # (the model's lxml elements pickle through document.py's reducer where fork is missing).
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                          else None)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker,
                             initargs=(folder, plan.book)) as pool:
        waiting = [job for job in work if waits_for(job) is not None]
        pending = {pool.submit(run_job, job, *arguments, None, plan.table): job
                   for job in work if job not in waiting}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                job = pending.pop(future)
                job_results, page_list = future.result()
                record(job, job_results)
                for follower in [j for j in waiting if waits_for(j) is job]:
                    waiting.remove(follower)
                    pending[pool.submit(run_job, follower, *arguments, page_list,
                                        plan.table)] = follower


_book: Book | None = None


def _worker(folder: Path, book: Book) -> None:
    """What every worker process keeps: where the cache is, and the book."""
    global _book
    cache.use(folder)
    _book = book


def _record(job, job_results, plan, state, results, progress) -> None:
    for result in job_results:
        state[result.edition] = {
            "inputs": plan.fingerprints[result.edition],
            "output": result.output.name,
            "sha256": file_digest(result.output),
        }
        results.append(result)
        progress.say(f"  {result.edition:<16} {result.output.name:<48} {result.seconds:6.1f} s")
    progress.done(job.label)
    # Saved after every job, so a build killed later still knows what it finished.
    write_state(plan.out_dir, state)


def clean(out_dir: Path) -> list[Path]:
    """Remove what builds left in the output folder: the outputs they recorded, partial files
    and the state folder. Files samizdat did not make are left alone, so ``--out .`` is safe."""
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
