"""What the last good build made, and from what: fingerprints of every edition's inputs.

An edition is rebuilt when the digest of everything its output depends on (samizdat's own
code, the manuscript, the styles and fonts, its settings, the epoch) differs from the one
recorded with its output, or when the output itself changed or went missing.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import samizdat
from samizdat import cache
from samizdat.editions import Edition

STATE_DIR = ".samizdat"  # inside the output folder: fingerprints of the last good outputs
TEMP_SUFFIX = ".partial"


def inputs_digest(manuscript_dir: Path, styles_dir: Path) -> str:
    """A digest of the files every edition depends on: samizdat's own code, the manuscript,
    the styles and fonts. Computed once per build and shared by every edition's fingerprint
    and the page lists' cache key."""
    return cache.digest([
        f"samizdat {samizdat.__version__}",
        cache.code_digest(),  # an edited writer rebuilds
        cache.tree_digest(manuscript_dir),
        cache.tree_digest(styles_dir),
    ])


def fingerprint(edition: Edition, inputs: str, epoch: int | None,
                also: list[Edition] = ()) -> str:
    """A digest of everything an edition's output depends on: the shared ``inputs``
    (``inputs_digest``), its settings, the epoch; ``also``: editions it takes something from
    (the print edition an EPUB's page list follows)."""
    digest = hashlib.sha256(inputs.encode())
    for settings in (edition, *also):
        digest.update(json.dumps(settings.settings(), sort_keys=True, default=str).encode())
    digest.update(f"epoch:{epoch}\n".encode())
    return digest.hexdigest()


def file_digest(path: Path) -> str | None:
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


def cache_folder(out_dir: Path) -> Path:
    """The cache of slow pure steps (samizdat.cache) that builds in ``out_dir`` share."""
    return out_dir / STATE_DIR / "cache"
