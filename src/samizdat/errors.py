"""Errors a user can cause, reported in one line with a place and a hint."""

from __future__ import annotations

from pathlib import Path


class ManuscriptError(Exception):
    """A problem in the user's input: names the file (and line or field) and what to do.

    The command line prints ``str(error)`` on one line and exits with status 2.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        self.hint = hint

    @property
    def place(self) -> str:
        if self.file is None:
            return ""
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
        if self.field is not None:
            place += f" ({self.field})"
        return place

    def __str__(self) -> str:
        text = f"{self.place}: {self.message}" if self.place else self.message
        if self.hint:
            text += f"; {self.hint}"
        return " ".join(text.split())  # always one line


class BuildError(ManuscriptError):
    """A build step refused the input (a fetch outside the manuscript, a failed validator)."""
