"""A content-addressed cache for slow pure steps (the citation engine's run, the cover image).

The build says where the cache is, ``<out>/.samizdat/cache``, with ``use(folder)`` in its own
process and in each worker it starts (the pool's initializer); a step asks for
``cached(kind, parts, compute)`` and gets the bytes computed earlier from the very same parts,
or computes and stores them. The key is a digest of everything the result depends on, so a
stale entry cannot be returned; ``samizdat clean`` removes the folder. With no cache folder
set (tests, library use) every call computes.

An entry being computed is locked (``flock`` on a lock file beside it): a second process that
asks for it waits and reads the first one's result instead of computing it again. That is what
lets ``compute_ahead`` start a slow step (the cover) in a child process while the build reads
the chapters, and the writer that needs it later simply ask for it.
"""

from __future__ import annotations

import functools
import hashlib
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable

try:
    import fcntl
except ImportError:  # Windows: no locks; two processes may then compute the same entry
    fcntl = None

_folder: Path | None = None


def use(folder: Path | None) -> None:
    """Where this process keeps slow steps' results from now on (None: nowhere)."""
    global _folder
    _folder = Path(folder).resolve() if folder is not None else None


def cache_dir() -> Path | None:
    return _folder


def digest(parts: Iterable[bytes | str]) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def tree_digest(root: Path, leave_out: Iterable[Path] = ()) -> str:
    """A digest of every file under ``root`` (names and contents; "absent" if it is not
    there), but those in ``leave_out``. Bytecode caches are left out: they change with the
    Python that ran, not the code."""
    hasher = hashlib.sha256()
    root = Path(root)
    if not root.exists():
        return digest(["absent"])
    left_out = {Path(p).resolve() for p in leave_out}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts or (left_out and path.resolve() in left_out):
            continue
        hasher.update(f"{path.relative_to(root).as_posix()}\n".encode())
        hasher.update(hashlib.sha256(path.read_bytes()).digest())
    return hasher.hexdigest()


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of samizdat's own code: an edited reader or writer makes every cached result
    of it stale."""
    import samizdat

    return tree_digest(Path(samizdat.__file__).parent)


def cached(kind: str, parts: Iterable[bytes | str], compute: Callable[[], bytes]) -> bytes:
    folder = cache_dir()
    if folder is None:
        return compute()
    path = folder / kind / digest(parts)
    try:
        return path.read_bytes()
    except OSError:
        pass
    with _locked(path):
        try:  # computed by whoever held the lock while we waited for it
            return path.read_bytes()
        except OSError:
            pass
        data = compute()
        _store(path, data)
    return data


def discard(kind: str, parts: Iterable[bytes | str]) -> None:
    """Remove one entry (one that does not read back)."""
    folder = cache_dir()
    if folder is not None:
        (folder / kind / digest(parts)).unlink(missing_ok=True)


def prune(kind: str, keep: set[str]) -> None:
    """Remove the entries of ``kind`` whose names are not in ``keep`` (entry names are
    ``digest(parts)``), and the folders beside ``kind``'s own: for a kind whose every entry
    the last run either used or made old, and whose folder names say which state of the
    inputs the entries are of (print_parts: one folder per state of the code and styles).
    Another process's entry removed under it is computed again, never read half-written."""
    import shutil

    folder = cache_dir()
    if folder is None or not (folder / kind).is_dir():
        return
    for path in (folder / kind).iterdir():
        if path.name.split(".", 1)[0] not in keep and not path.name.endswith(".partial"):
            path.unlink(missing_ok=True)
    for sibling in (folder / kind).parent.iterdir():
        if sibling.is_dir() and sibling.name != (folder / kind).name:
            shutil.rmtree(sibling, ignore_errors=True)


def compute_ahead(kind: str, parts: Iterable[bytes | str], compute: Callable[[], bytes]) -> None:
    """Start computing an entry in a child process and return at once; a later ``cached``
    of the same entry waits for it. Nothing happens without a cache folder, without ``fork``
    or when the entry is there. If the child fails, the later ``cached`` computes the entry
    itself and reports the error where it belongs."""
    folder = cache_dir()
    if folder is None or fcntl is None or not hasattr(os, "fork"):
        return
    path = folder / kind / digest(parts)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    # The lock is taken before the fork, so no one can ask for the entry between the fork and
    # the child's start and compute it a second time; the child's copy of the descriptor
    # keeps the lock (flock locks belong to the open file, shared across fork).
    lock = os.open(_lock_path(path), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # another process is computing it already
        os.close(lock)
        return
    pid = os.fork()
    if pid == 0:  # the child: compute, store, and leave without running the parent's cleanup
        status = 1
        try:
            _store(path, compute())
            status = 0
        except BaseException:
            pass
        finally:
            os._exit(status)
    os.close(lock)
    _children.append(pid)


def reap() -> None:
    """Collect children of ``compute_ahead`` that have finished (no zombies in long runs)."""
    for pid in list(_children):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _children.remove(pid)


def abandon() -> None:
    """Stop the children of ``compute_ahead`` (the build failed and will not ask for their
    results) and remove what they were writing, so nothing is left half-written."""
    import signal

    for pid in _children:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        folder = cache_dir()
        for partial in folder.glob(f"*/*.{pid}.partial") if folder else ():
            partial.unlink(missing_ok=True)
    _children.clear()


_children: list[int] = []


def _lock_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.lock")


_held: set[Path] = set()


@contextmanager
def _locked(path: Path):
    # Re-entrant: a step may store the very entry it is computing (a layout made for a page
    # list stores that page list), and a second flock of the same file from this process
    # would wait for itself.
    if fcntl is None or path in _held:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = os.open(_lock_path(path), os.O_RDWR | os.O_CREAT, 0o644)
    _held.add(path)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
    finally:
        _held.discard(path)
        os.close(lock)


def store(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all (a reader never sees half an entry)."""
    _store(path, data)


def _store(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.partial")
    tmp.write_bytes(data)
    os.replace(tmp, path)
