"""``samizdat impose``: any PDF (another tool's, a cover, a scan) imposed on sheets.

    samizdat impose IN.pdf --schema 2up [--signature 8|40-80] [--cover] [--paper A4]
                    [--marks] [--paper-thickness 0.1mm] --out OUT.pdf

The output is written to a hidden temporary file beside OUT.pdf and renamed into place, so a
failure never leaves a partial or damaged file.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from pathlib import Path

from samizdat.imposition.errors import ImpositionError
from samizdat.imposition.instructions import all_schemas_help
from samizdat.imposition.schemas import SCHEMAS

DESCRIPTION = (
    "Lay the pages of a PDF on sheets to print, cut, fold and bind, as PDF::Imposition's"
    " schemas do. Pages are never scaled: they must all be the same size and fit the paper."
)


def add_parser(commands, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """The ``impose`` subcommand, added to the command line's subparsers."""
    impose = commands.add_parser(
        "impose", parents=parents, help="impose any PDF on sheets (booklets, zines, leaflets)",
        description=textwrap.fill(DESCRIPTION, 79),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="How to print and finish each schema:\n\n" + all_schemas_help(),
    )
    impose.add_argument("source", type=Path, metavar="IN.pdf", help="the PDF to impose")
    impose.add_argument("--schema", default="2up", choices=list(SCHEMAS), metavar="SCHEMA",
                        help=f"the layout: {', '.join(SCHEMAS)} (default: 2up)")
    impose.add_argument("--signature", metavar="PAGES|MIN-MAX",
                        help="pages per signature (a multiple of 4, or 8 for 4up), or a range"
                             " such as 40-80 to pick one (default: one signature)")
    impose.add_argument("--cover", action="store_true",
                        help="keep the last page as the outside back cover, after the blanks")
    impose.add_argument("--paper", metavar="SIZE",
                        help="the sheet: A3, A4, letter, ... or e.g. 297x210mm (default: exactly"
                             " the pages' grid)")
    impose.add_argument("--marks", action="store_true",
                        help="trim and fold marks where the paper leaves room")
    impose.add_argument("--paper-thickness", metavar="LENGTH",
                        help="the paper's thickness, e.g. 0.1mm: outer sheets of a signature are"
                             " pushed out that much per sheet (creep)")
    impose.add_argument("--out", type=Path, required=True, metavar="OUT.pdf",
                        help="the imposed PDF")
    return impose


def run(args: argparse.Namespace) -> int:
    from samizdat.imposition import impose
    from samizdat.imposition.settings import make_settings

    settings = make_settings(schema=args.schema, signature=args.signature, cover=args.cover,
                             paper=args.paper, marks=args.marks,
                             paper_thickness=args.paper_thickness)
    try:
        source = args.source.read_bytes()
    except OSError as error:
        raise ImpositionError(f"cannot read {args.source}: {error.strerror}") from None
    imposed = impose(source, settings, name=str(args.source))
    write_atomically(args.out, imposed)
    if not args.quiet:
        print(f"imposed {args.source} in {args.out} (schema {settings.schema}; see"
              " 'samizdat impose --help' for how to print it)", file=sys.stderr)
    return 0


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a hidden temporary file beside ``path``, then rename it into place."""
    if not path.parent.is_dir():
        raise ImpositionError(f"the folder of {path} does not exist")
    temporary = path.parent / f".{path.name}.{os.getpid()}.partial"
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError as error:
        raise ImpositionError(f"cannot write {path}: {error.strerror}") from None
    finally:
        temporary.unlink(missing_ok=True)

