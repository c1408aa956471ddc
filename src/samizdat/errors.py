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

    def __reduce__(self):
        # An error raised in a build worker crosses the process boundary by pickle; the
        # default would call cls(message) and lose the file, line and hint.
        return _rebuild, (type(self), self.message, self.file, self.line, self.field, self.hint)

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

    @property
    def each(self) -> list[ManuscriptError]:
        """The problems this error stands for, each said in a line of its own."""
        return [self]

    def __str__(self) -> str:
        text = f"{self.place}: {self.message}" if self.place else self.message
        if self.hint:
            text += f"; {self.hint}"
        return " ".join(text.split())  # always one line


def _rebuild(cls, message, file, line, field, hint):
    return cls(message, file=file, line=line, field=field, hint=hint)


class BuildError(ManuscriptError):
    """A build step refused the input (a fetch outside the manuscript, a failed validator)."""


class ManuscriptErrors(ManuscriptError):
    """Several problems found in one reading (every missing field of metadata.yaml, say): the
    command line prints each in a line of its own. Behaves as the first one otherwise."""

    def __init__(self, errors: list[ManuscriptError]) -> None:
        first = errors[0]
        super().__init__(first.message, file=first.file, line=first.line, field=first.field,
                         hint=first.hint)
        self.errors = list(errors)

    @property
    def each(self) -> list[ManuscriptError]:
        return self.errors

    def __reduce__(self):
        return ManuscriptErrors, (self.errors,)
