"""A content-addressed cache for slow pure steps (the citation engine's run, the cover image).

The build points ``SAMIZDAT_CACHE_DIR`` at ``<out>/.samizdat/cache`` before its workers start;
a step asks for ``cached(kind, parts, compute)`` and gets the bytes computed earlier from the
very same parts, or computes and stores them. The key is a digest of everything the result
depends on, so a stale entry cannot be returned; ``samizdat clean`` removes the folder. With
no cache folder set (tests, library use) every call computes.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable, Iterable

CACHE_ENV = "SAMIZDAT_CACHE_DIR"


def cache_dir() -> Path | None:
    value = os.environ.get(CACHE_ENV)
    return Path(value) if value else None


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
