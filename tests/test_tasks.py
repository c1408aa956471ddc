"""tasks.py: the Invoke tasks the README promises, wired to the same API as the command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TASKS = ["bench", "booklet", "build", "check", "clean", "epub", "lint", "pdf", "test", "watch"]


def test_every_documented_task_exists():
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "--list"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    listed = sorted(line.split()[0] for line in result.stdout.splitlines()[2:] if line.strip())
    assert listed == TASKS


def test_lint_task_runs_the_same_check_as_the_command():
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "lint"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
