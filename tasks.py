"""Invoke tasks: thin wrappers over samizdat's own API (``invoke --list``)."""

from __future__ import annotations

import sys
from pathlib import Path

from invoke import task

MANUSCRIPT = Path("manuscript")
OUT = Path("build")


def _run(argv: list[str]) -> None:
    from samizdat.cli import main

    status = main(argv)
    if status:
        sys.exit(status)


@task(help={"only": "editions, comma-separated", "jobs": "worker processes", "force": "rebuild all"})
def build(c, only=None, jobs=None, force=False):
    """Build every edition (or --only NAME[,NAME])."""
    argv = ["build", "--manuscript", str(MANUSCRIPT), "--out", str(OUT)]
    argv += ["--only", only] if only else []
    argv += ["--jobs", str(jobs)] if jobs else []
    argv += ["--force"] if force else []
    _run(argv)


@task
def epub(c):
    """Build the EPUB and the KEPUB."""
    build(c, only="epub,kepub")


@task
def pdf(c):
    """Build the A5 pamphlet PDF."""
    build(c, only="pdf")


@task
def booklet(c):
    """Build the imposed A4 and Letter booklets."""
    build(c, only="booklet-a4,booklet-letter")


@task(help={"only": "editions, comma-separated"})
def watch(c, only=None):
    """Build, then rebuild on every change (Ctrl-C stops)."""
    argv = ["watch", "--manuscript", str(MANUSCRIPT), "--out", str(OUT)]
    argv += ["--only", only] if only else []
    _run(argv)


@task
def check(c):
    """Validate what was built (EPUBCheck, Ace, PDF checks)."""
    _run(["check", "--manuscript", str(MANUSCRIPT), "--out", str(OUT)])


@task
def lint(c):
    """Check the manuscript's text, citations, notes and images."""
    _run(["lint", "--manuscript", str(MANUSCRIPT)])


@task
def test(c):
    """Run the test suite."""
    c.run(f"{sys.executable} -m pytest", pty=False)


@task(help={"repeat": "repetitions per measurement (medians are reported)"})
def bench(c, repeat=5):
    """Time the build against pandoc and bare WeasyPrint; print ratios."""
    c.run(f"{sys.executable} benchmarks/run.py --repeat {repeat}", pty=False)


@task
def clean(c):
    """Remove build outputs and caches."""
    _run(["clean", "--out", str(OUT)])
