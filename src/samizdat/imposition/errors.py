"""The one error imposition raises: the user's PDF or settings cannot be imposed as asked."""

from __future__ import annotations

from samizdat.errors import BuildError


class ImpositionError(BuildError):
    """Printed by the command line as one line (``samizdat: error: ...``), exit status 2."""
