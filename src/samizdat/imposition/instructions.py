"""How a person prints, cuts, folds and binds each schema's sheets.

One table, shown by ``samizdat impose --help`` and copied into the README (a test keeps the
two the same). The flip edges assume portrait pages, which turn a two-across sheet landscape
and a two-by-two sheet portrait; the imposed PDF also asks the print dialog for the right flip
(its /Duplex viewer preference), computed from the sheet actually made.

Each sequence was worked out from the schema's sheets: for duplex printing, which page backs
which (page 2 behind page 1, and so on); for folding, the order of the leaves once folded.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass


@dataclass(frozen=True)
class Instructions:
    example: str  # a typical page and paper
    print: str
    cut: str
    fold: str
    bind: str


INSTRUCTIONS: dict[str, Instructions] = {
    "2up": Instructions(
        "A5 pages on A4, half-letter on Letter",
        "two-sided, flipping on the short edge",
        "nothing",
        "each signature's sheets together in half, page 1 outside (no --signature: all the"
        " sheets at once)",
        "one signature: staple through the fold; several: sew them through their folds, stack"
        " them in order and glue the spine"),
    "duplex2up": Instructions(
        "A5 pages on A4",
        "two-sided, flipping on the long edge (the fronts are printed upside down for it)",
        "nothing",
        "as 2up: each signature's sheets together in half, page 1 outside",
        "as 2up: staple through the fold, or sew and glue the signatures"),
    "2down": Instructions(
        "A6 pages on A4, A5 on A3",
        "two-sided, flipping on the short edge",
        "nothing",
        "each signature's sheets together in half, page 1 outside; the fold is the pages' top"
        " edge",
        "staple through the fold: the booklet opens upward, like a notepad or calendar"),
    "4up": Instructions(
        "A6 pages on A4: a zine four to a sheet",
        "two-sided, flipping on the long edge",
        "the printed pile across the middle; keep the top halves in order and put the bottom"
        " halves, in order, after them (the top half of sheet 1 carries page 1 and comes"
        " first)",
        "as 2up: each signature's half-sheets together in half, page 1 outside",
        "staple through the fold, or sew and glue the signatures"),
    "2side": Instructions(
        "A5 pages on A4, two consecutive pages a side",
        "one-sided (or two-sided, flipping on the short edge, for a pile of landscape sheets"
        " read in order)",
        "along the middle only for single leaves, and then print one-sided",
        "nothing",
        "nothing, or a staple at the left edge"),
    "2x4x2": Instructions(
        "A6 pages on A4, A5 on A3; 16 pages on two sheets",
        "two-sided, flipping on the long edge",
        "after binding, open the folds at the top edge (the head) and trim",
        "each sheet across the middle with the upside-down pages going behind; slip the second"
        " sheet inside the fold of the first; fold the pair in half along the spine, page 1"
        " outside",
        "each 16-page signature: staple or sew through the spine; stack several in order and"
        " glue the spine"),
    "1x4x2cutfoldbind": Instructions(
        "A6 pages on A4; 8 pages a sheet",
        "two-sided, flipping on the long edge",
        "each sheet across the middle",
        "each half in half, its lowest page outside: pages 1-4, 5-8, 9-12, ...",
        "stack the folded halves in order and glue the spine (perfect binding), or sew them"),
    "1repeat2side": Instructions(
        "A5 leaflets on A4",
        "one-sided, or two-sided flipping on the short edge for leaflets printed on both sides",
        "along the middle",
        "nothing",
        "nothing"),
    "1repeat2top": Instructions(
        "landscape A5 leaflets on A4",
        "one-sided, or two-sided flipping on the long edge",
        "across the middle",
        "nothing",
        "nothing"),
    "1repeat4": Instructions(
        "A6 flyers on A4",
        "one-sided, or two-sided flipping on the long edge",
        "across and down the middle",
        "nothing",
        "nothing"),
    "ea4x4": Instructions(
        "A6 pages on A4; 16 pages on two sheets, for a bindery",
        "two-sided, flipping on the long edge",
        "after binding, trim the folds at the head",
        "each sheet on its own: across the middle (upside-down pages behind), then in half"
        " along the spine, page 1 (or 5) outside; put the second folded sheet inside the first",
        "by machine: the spine of doubly folded sheets is not stable by hand"),
    "1x8x2": Instructions(
        "A6 pages on A3; 16 pages on one sheet",
        "two-sided, flipping on the short edge",
        "after folding, trim the top and the right-hand (fore) edges",
        "three times, page 1 outside: on the vertical middle line (the left half behind), then"
        " on the horizontal one (the upside-down pages behind), then on the vertical middle"
        " again",
        "by machine: the spine of a thrice-folded sheet is not stable by hand"),
}


def schema_help(name: str, summary: str, width: int | None = 79) -> str:
    """One schema's entry, a few lines of plain text (wrapped to ``width`` unless None)."""
    steps = INSTRUCTIONS[name]
    lines = [f"{name}: {summary} ({steps.example})."] + [
        f"  {label}: {text}." for label, text in (
            ("print", steps.print), ("cut", steps.cut), ("fold", steps.fold),
            ("bind", steps.bind))]
    if width is None:
        return "\n".join(lines)
    return "\n".join(textwrap.fill(line, width, subsequent_indent="      ") for line in lines)


def all_schemas_help(width: int | None = 79) -> str:
    from samizdat.imposition.schemas import SCHEMAS

    return "\n".join(schema_help(name, schema.summary, width) for name, schema in SCHEMAS.items())
