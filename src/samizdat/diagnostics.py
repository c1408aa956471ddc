"""Problems found while reading a manuscript, collected with their codes and places.

The reader and the transforms report through one ``Diagnostics`` list instead of raising at the
first problem, so that the build and ``samizdat lint`` apply the same rules to the same reading:
the build stops on the first error and says the warnings; lint prints them all, by code.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from samizdat.errors import ManuscriptError


class ManuscriptWarning(UserWarning):
    """A located warning about the manuscript, printed by the command line in one line."""


@dataclass(frozen=True)
class Diagnostic:
    code: str  # "F001", "C001", "I002" ... (README "samizdat lint" lists them)
    # error: the build stops; warning: the build says it; advice: only lint says it
    severity: Literal["error", "warning", "advice"]
    message: str
    file: Path | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    def error(self) -> ManuscriptError:
        return ManuscriptError(self.message, file=self.file, line=self.line, hint=self.hint)

    def __str__(self) -> str:
        return str(self.error())


class Diagnostics(list[Diagnostic]):
    def error(self, code: str, message: str, *, file: Path | None = None, line: int | None = None,
              column: int | None = None, hint: str | None = None) -> None:
        self.append(Diagnostic(code, "error", message, file, line, column, hint))

    def warning(self, code: str, message: str, *, file: Path | None = None,
                line: int | None = None, column: int | None = None,
                hint: str | None = None) -> None:
        self.append(Diagnostic(code, "warning", message, file, line, column, hint))

    def advice(self, code: str, message: str, *, file: Path | None = None,
               line: int | None = None, column: int | None = None,
               hint: str | None = None) -> None:
        self.append(Diagnostic(code, "advice", message, file, line, column, hint))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self if d.severity == "error"]

    def raise_first_error(self) -> None:
        """What the build does: the first error, as the one-line ManuscriptError."""
        if self.errors:
            raise self.errors[0].error()

    def emit_warnings(self) -> None:
        for diagnostic in self:
            if diagnostic.severity == "warning":
                warnings.warn(str(diagnostic), ManuscriptWarning, stacklevel=2)
