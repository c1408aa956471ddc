"""``samizdat watch``: build, then build again each time the manuscript or the styles change.

The edit-and-rebuild loop in one long-lived process. Python's start and the imports (about
0.25 s, half of pandoc's whole EPUB run) are paid once, WeasyPrint stays imported between
print builds, and each rebuild is the ordinary incremental build: editions whose inputs did
not change are left alone. Changes are found by polling the files' times and sizes, every
0.05 s by default (the standard library has no file-system events, and a dependency for them
would be one more thing to install; a look at a manuscript and the styles takes about a
millisecond); a burst of writes, as editors save, is waited out before building. A build that
fails prints its one line and the watch goes on, with the last good outputs in place.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Callable

from samizdat.build.plan import default_styles_dir
from samizdat.build.progress import Progress
from samizdat.build.run import build
from samizdat.config import require_folder
from samizdat.errors import ManuscriptError

Snapshot = dict[Path, tuple[int, int]]

#: Seconds the files must stay unchanged before a rebuild starts.
SETTLE = 0.02


def snapshot(folders: list[Path], skip: list[Path]) -> Snapshot:
    """Every file under ``folders`` with its modification time and size, leaving out hidden
    files and folders (editors' swap files, ``.git``), editors' ``~`` backups and ``skip``."""
    files: Snapshot = {}
    skipped = [folder.resolve() for folder in skip]
    for folder in folders:
        for path in folder.rglob("*"):
            relative = path.relative_to(folder)
            if any(part.startswith(".") or part.endswith("~") for part in relative.parts):
                continue
            if any(path.resolve().is_relative_to(out) for out in skipped):
                continue
            try:
                status = path.stat()
            except OSError:  # removed while we looked
                continue
            if path.is_file():
                files[path] = (status.st_mtime_ns, status.st_size)
    return files


def watch(
    manuscript_dir: Path,
    out_dir: Path,
    *,
    only: list[str] | None = None,
    jobs: int | None = None,
    styles_dir: Path | None = None,
    interval: float = 0.05,
    progress: Progress | None = None,
    report: Callable[[str], None] | None = None,
    rounds: int | None = None,
) -> None:
    """Build now, then after every change until interrupted (or ``rounds`` builds, for tests).

    ``report`` says a failed build's error lines (default: standard error)."""
    # A mistyped folder is the one error not worth watching for: it will not appear by itself.
    require_folder(manuscript_dir)
    progress = progress or Progress(quiet=True)
    report = report or (lambda line: print(line, file=sys.stderr))
    styles = (styles_dir or default_styles_dir()).resolve()
    folders = [manuscript_dir] + ([styles] if styles.is_dir() else [])

    def look() -> Snapshot:
        return snapshot([f for f in folders if f.is_dir()], [out_dir])

    def build_once() -> None:
        try:
            build(manuscript_dir, out_dir, only=only, jobs=jobs, styles_dir=styles_dir,
                  progress=progress)
        except ManuscriptError as error:
            for each in error.each:
                report(f"samizdat: error: {each}")
        progress.say(f"watching {manuscript_dir} (Ctrl-C to stop)")

    seen = look()
    build_once()
    built = 1
    while rounds is None or built < rounds:
        time.sleep(interval)
        now = look()
        if now == seen:
            continue
        # Wait until the files are quiet for a moment: an editor's save can be several
        # writes. Short, as it delays every rebuild; a change that comes during the build is
        # seen on the next look (``seen`` is what this build reads) and builds again.
        while True:
            time.sleep(SETTLE)
            again = look()
            if again == now:
                break
            now = again
        seen = now
        build_once()
        built += 1
