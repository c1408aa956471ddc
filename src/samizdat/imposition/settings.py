"""Imposition settings: the edition keys and the ``samizdat impose`` options, read into one
typed ``ImpositionSettings``, every mistake a one-line error that says what to write.

In metadata.yaml a booklet edition takes::

    schema: 4up             # a PDF::Imposition schema (default 2up)
    signature: 16           # pages per signature, or a range such as 40-80
    cover: true             # the last page stays the outside back cover
    paper: A4               # the sheet; the schema decides which way round
    marks: true             # trim and fold marks where the sheet leaves room
    paper-thickness: 0.1mm  # creep: each sheet of a signature sits this much further out
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from samizdat.imposition.errors import ImpositionError
from samizdat.imposition.schemas import SCHEMAS, Schema, SignatureSpec, check_signature, schema_named

MM = 72 / 25.4
INCH = 72.0
_UNITS = {"mm": MM, "cm": 10 * MM, "in": INCH, "pt": 1.0}

#: Paper sizes in points, portrait (width, height). A sheet is used whichever way round the
#: schema's grid of pages needs.
PAPER_SIZES = {
    "a2": (420 * MM, 594 * MM),
    "a3": (297 * MM, 420 * MM),
    "a4": (210 * MM, 297 * MM),
    "a5": (148 * MM, 210 * MM),
    "a6": (105 * MM, 148 * MM),
    "b4": (250 * MM, 353 * MM),
    "b5": (176 * MM, 250 * MM),
    "letter": (8.5 * INCH, 11 * INCH),
    "legal": (8.5 * INCH, 14 * INCH),
    "tabloid": (11 * INCH, 17 * INCH),
    "ledger": (11 * INCH, 17 * INCH),
}

#: The booklet edition keys this package reads (editions.py accepts them and hands them here).
EDITION_KEYS = frozenset({"schema", "signature", "cover", "paper", "marks", "paper-thickness"})
#: Keys of the saddle-stitch-only imposer that came before; each gets a one-line error saying
#: what to write now.
LEGACY_KEYS = frozenset({"signature-sheets", "creep-mm", "duplex"})


@dataclass(frozen=True)
class ImpositionSettings:
    schema: str = "2up"
    signature: SignatureSpec = None
    cover: bool = False
    # The sheet as (width, height) in points, either way round; None: exactly the schema's
    # grid of pages, as PDF::Imposition makes it when no paper is given.
    paper: tuple[float, float] | None = None
    paper_name: str | None = None  # as the user wrote it, for messages
    marks: bool = False
    paper_thickness: float = 0.0  # points

    @property
    def schema_rules(self) -> Schema:
        return SCHEMAS[self.schema]


def make_settings(*, schema: Any = "2up", signature: Any = None, cover: Any = False,
                  paper: Any = None, marks: Any = False,
                  paper_thickness: Any = None) -> ImpositionSettings:
    """Validated settings from loosely typed values (YAML or command-line strings)."""
    rules = schema_named(str(schema).strip())
    parsed_signature = parse_signature(signature)
    check_signature(rules, parsed_signature)
    for name, value in (("cover", cover), ("marks", marks)):
        if not isinstance(value, bool):
            raise ImpositionError(f"'{name}' must be true or false, not {value!r}")
    if cover and rules.cover is None:
        raise ImpositionError(f"schema {rules.name} has no cover option",
                              hint="leave out --cover / 'cover:'")
    return ImpositionSettings(
        schema=rules.name,
        signature=parsed_signature,
        cover=cover,
        paper=None if paper is None else parse_paper(paper),
        paper_name=None if paper is None else str(paper),
        marks=marks,
        paper_thickness=0.0 if paper_thickness is None else parse_thickness(paper_thickness),
    )


def parse_signature(value: Any) -> SignatureSpec:
    """8 -> 8; "40-80" -> (40, 80); "-80" and "40-" leave an end open; None stays None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ImpositionError(f"signature must be a number of pages or a range, not {value!r}")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if re.fullmatch(r"\d+", text):
        return int(text)
    match = re.fullmatch(r"(\d*)\s*-\s*(\d*)", text)
    if not match or not (match[1] or match[2]):
        raise ImpositionError(
            f"signature {text!r} is neither a number of pages nor a range",
            hint="write e.g. 16, or 40-80 to let samizdat choose")
    return (int(match[1]) if match[1] else None, int(match[2]) if match[2] else None)


def parse_paper(value: Any) -> tuple[float, float]:
    """"A4", "letter", "297x210mm", "11 x 8.5 in" -> (width, height) in points."""
    key = str(value).strip().lower()
    if key in PAPER_SIZES:
        return PAPER_SIZES[key]
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*x\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt)", key)
    if not match or not float(match[1]) or not float(match[2]):
        raise ImpositionError(
            f"unknown paper size {str(value)!r}",
            hint=f"use {', '.join(name.upper() if name[0] in 'ab' else name for name in PAPER_SIZES)}"
                 ", or a size such as 297x210mm or 11x8.5in")
    unit = _UNITS[match[3]]
    return float(match[1]) * unit, float(match[2]) * unit


def parse_thickness(value: Any) -> float:
    """"0.1mm", "0.004in", "0.3pt" or a bare number of millimetres -> points."""
    if isinstance(value, bool):
        raise ImpositionError(f"paper thickness must be a length, not {value!r}")
    if isinstance(value, (int, float)):
        text, number, unit = str(value), float(value), "mm"
    else:
        text = str(value).strip().lower()
        match = re.fullmatch(r"(\d+(?:\.\d+)?|\.\d+)\s*(mm|cm|in|pt)?", text)
        if not match:
            raise ImpositionError(f"paper thickness {str(value)!r} is not a length",
                                  hint="write e.g. 0.1mm (80 g/m² office paper)")
        number, unit = float(match[1]), match[2] or "mm"
    points = number * _UNITS[unit]
    if points > 2 * MM:
        raise ImpositionError(f"paper thickness {text} is more than 2 mm",
                              hint="measure a stack and divide by its sheets: about 0.1mm")
    return points


def edition_settings(options: Mapping[str, Any], sheet_size: str | None) -> ImpositionSettings:
    """The settings of a booklet edition: its options (the keys above) and its ``sheet-size``,
    the older name of ``paper``. Raises ImpositionError; editions.py adds the edition's name."""
    for key in sorted(LEGACY_KEYS & set(options)):
        raise ImpositionError(_legacy_message(key, options[key]), hint=_legacy_hint(key, options))
    # 'paper:' wins over 'sheet-size:', which a default edition may carry.
    paper = options.get("paper", sheet_size)
    if paper is None:
        raise ImpositionError("a booklet needs 'paper:'", hint="write e.g. 'paper: A4'")
    return make_settings(
        schema=options.get("schema", "2up"),
        signature=options.get("signature"),
        cover=options.get("cover", _default_cover(options.get("schema", "2up"))),
        paper=paper,
        marks=options.get("marks", False),
        paper_thickness=options.get("paper-thickness"),
    )


def _default_cover(schema: Any) -> bool:
    """Booklet editions keep the back cover last wherever the schema folds a booklet (today's
    booklets are 2up with cover); the command line's --cover stays opt-in, as in
    PDF::Imposition."""
    rules = SCHEMAS.get(str(schema))
    return rules is not None and rules.cover is not None and bool(rules.folds)


def _legacy_message(key: str, value: Any) -> str:
    return {
        "signature-sheets": "'signature-sheets' is no longer read: signatures count pages now",
        "creep-mm": "'creep-mm' is no longer read: creep comes from the paper's thickness",
        "duplex": "'duplex' is no longer read: the schema says how to print",
    }[key]


def _legacy_hint(key: str, options: Mapping[str, Any]) -> str:
    value = options[key]
    if key == "signature-sheets":
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return f"write 'signature: {4 * value}' ({value} sheets of 4 pages)"
        return "write 'signature: PAGES' (4 pages a sheet)"
    if key == "creep-mm":
        return f"write 'paper-thickness: {value}mm'"
    if str(value) == "long-edge":
        return "write 'schema: duplex2up' (2up with the fronts turned for long-edge flipping)"
    return "remove it: schema 2up is for printers that flip on the short edge"
