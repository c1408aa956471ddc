"""A content-addressed cache for slow pure steps (the citation engine's run, the cover image).

The build says where the cache is, ``<out>/.samizdat/cache``, with ``use(folder)`` in its own
process and in each worker it starts (the pool's initializer); a step asks for
``cached(kind, parts, compute)`` and gets the bytes computed earlier from the very same parts,
or computes and stores them. The key is a digest of everything the result depends on, so a
stale entry cannot be returned; ``samizdat clean`` removes the folder. With no cache folder
set (tests, library use) every call computes.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable, Iterable

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


def cached(kind: str, parts: Iterable[bytes | str], compute: Callable[[], bytes]) -> bytes:
    folder = cache_dir()
    if folder is None:
        return compute()
    path = folder / kind / digest(parts)
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.partial")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # two workers computing the same entry both write the same bytes
    return data
