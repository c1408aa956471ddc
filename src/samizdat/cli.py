"""The ``samizdat`` command: build, watch, check, lint, import, impose, clean.

Errors a user can cause print one line (file, line or field, what to do) and exit 2;
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import samizdat
from samizdat.errors import ManuscriptError

EXIT_USER_ERROR = 2


def _editions_arg(value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give one or more edition names, e.g. --only epub,pdf")
    return names


def _jobs_arg(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"--jobs takes a whole number from 1 up, not {value!r}")
    return jobs


def _interval_arg(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 60:
        raise argparse.ArgumentTypeError(f"--interval takes seconds above 0 and up to 60, not {value!r}")
    return seconds


def make_parser() -> argparse.ArgumentParser:
    # --debug and --quiet work before or after the command; SUPPRESS keeps a subcommand's
    # parser from resetting a flag given before the command name.
    # (A parser made per use: argparse's parents= shares the action objects.)
    def flags() -> argparse.ArgumentParser:
        common = argparse.ArgumentParser(add_help=False)
        common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                            help="show tracebacks of errors")
        common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                            help="print only errors")
        return common

    parser = argparse.ArgumentParser(
        prog="samizdat",
        description="Markdown chapters and metadata.yaml in; EPUB, KEPUB, A5 PDF and booklets out.",
        parents=[flags()],
    )
    parser.set_defaults(debug=False, quiet=False)
    parser.add_argument("--version", action="version", version=f"samizdat {samizdat.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build = commands.add_parser(
        "build", parents=[flags()], help="build every edition (or those named by --only)",
        description="Build the editions of a manuscript. Unchanged editions are not rebuilt.",
    )
    def build_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--manuscript", type=Path, default=Path("manuscript"),
                             metavar="DIR", help="the manuscript folder (default: ./manuscript)")
        command.add_argument("--out", type=Path, default=Path("build"), metavar="DIR",
                             help="the output folder (default: ./build)")
        command.add_argument("--only", type=_editions_arg, metavar="NAME[,NAME...]",
                             help="build only these editions (epub, kepub, pdf, booklet-a4, "
                                  "booklet-letter, ...)")
        command.add_argument("--jobs", type=_jobs_arg, metavar="N",
                             help="worker processes (default: one per core)")
        command.add_argument("--styles", type=Path, metavar="DIR",
                             help="the styles folder (default: ./styles, else samizdat's own)")

    build_options(build)
    build.add_argument("--force", action="store_true", help="rebuild even if nothing changed")

    watch = commands.add_parser(
        "watch", parents=[flags()], help="build, then rebuild whenever the manuscript changes",
        description="Build the editions, then build again each time a file of the manuscript "
                    "or the styles changes, until Ctrl-C. Errors are said and the watch goes on.",
    )
    build_options(watch)
    watch.add_argument("--interval", type=_interval_arg, default=0.05, metavar="SECONDS",
                       help="how often to look for changes (default: 0.05)")

    check = commands.add_parser(
        "check", parents=[flags()], help="validate built editions (EPUBCheck, Ace, PDF checks)",
        description="Validate what was built; exit 1 on any error or warning.",
    )
    check.add_argument("--manuscript", type=Path, default=Path("manuscript"), metavar="DIR")
    check.add_argument("--out", type=Path, default=Path("build"), metavar="DIR")
    check.add_argument("--only", type=_editions_arg, metavar="NAME[,NAME...]")

    lint = commands.add_parser(
        "lint", parents=[flags()], help="check the manuscript's text and references",
        description="Report spelling, typography, citation, footnote and image problems "
                    "as file:line:column: CODE message; exit 1 when anything is found.",
    )
    lint.add_argument("--manuscript", type=Path, default=Path("manuscript"), metavar="DIR")

    importer = commands.add_parser(
        "import", parents=[flags()], help="turn text extracted from a booklet PDF into draft Markdown",
        description="Put the pages of text extracted from an imposed booklet back in reading "
                    "order, repair hyphenation and ligatures, and write draft chapters.",
    )
    importer.add_argument("source", type=Path, metavar="SOURCE.txt")
    importer.add_argument("--imposition", choices=["saddle-2up", "none"], default="saddle-2up",
                          help="how the pages were laid out on the sheets (default: saddle-2up)")
    importer.add_argument("--out", type=Path, required=True, metavar="DIR",
                          help="folder for the draft chapters")

    from samizdat.imposition import command as impose_command

    impose_command.add_parser(commands, parents=[flags()])

    clean = commands.add_parser(
        "clean", parents=[flags()], help="remove build outputs and caches",
        description="Remove the outputs, partial files and caches that builds left in --out.",
    )
    clean.add_argument("--out", type=Path, default=Path("build"), metavar="DIR")
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """samizdat's own warnings (an unused footnote) in one line, like its errors."""
    if category.__module__.startswith("samizdat"):
        print(f"samizdat: warning: {message}", file=sys.stderr)
    else:
        _default_showwarning(message, category, filename, lineno, file, line)


_default_showwarning = warnings.showwarning


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    warnings.showwarning = _show_warning
    try:
        return COMMANDS[args.command](args)
    except ManuscriptError as error:
        if args.debug:
            raise
        for each in error.each:
            print(f"samizdat: error: {each}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("samizdat: interrupted; earlier outputs are intact", file=sys.stderr)
        return 130


def cmd_build(args) -> int:
    from samizdat.build import Progress, build

    progress = Progress(quiet=args.quiet)
    results = build(
        args.manuscript, args.out, only=args.only, jobs=args.jobs,
        styles_dir=args.styles, force=args.force, progress=progress,
    )
    built = [r for r in results if not r.skipped]
    if built:
        progress.say(f"built {len(built)} edition(s) in {args.out}")
    return 0


def cmd_watch(args) -> int:
    from samizdat.build import Progress
    from samizdat.build.watch import watch

    import signal

    def stop(signum, frame):
        raise KeyboardInterrupt

    # A terminal's Ctrl-C is SIGINT; a service manager or a test says SIGTERM. Either ends the
    # watch cleanly: an output being written is a temporary file that atomic_output removes.
    signal.signal(signal.SIGTERM, stop)
    try:
        watch(args.manuscript, args.out, only=args.only, jobs=args.jobs, styles_dir=args.styles,
              interval=args.interval, progress=Progress(quiet=args.quiet))
    except KeyboardInterrupt:  # how a watch is meant to end
        if not args.quiet:
            print("samizdat: stopped watching", file=sys.stderr)
    return 0


def cmd_check(args) -> int:
    from samizdat.checks.outputs import check_outputs

    problems = check_outputs(args.manuscript, args.out, only=args.only, quiet=args.quiet)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


def cmd_lint(args) -> int:
    from samizdat.checks.lint import lint_manuscript

    findings = lint_manuscript(args.manuscript)
    for finding in findings:
        print(finding)
    if findings and not args.quiet:
        print(f"{len(findings)} problem(s)", file=sys.stderr)
    return 1 if findings else 0


def cmd_import(args) -> int:
    from samizdat.booklet_import import import_booklet, write_draft
    from samizdat.config import read_text

    result = import_booklet(read_text(args.source), args.imposition, source=str(args.source))
    written = write_draft(result, args.out)
    for report in result.reports:
        place = f"{args.source}:{report.line}" if report.line else str(args.source)
        print(f"{place}: {report.code} {report.message}")
    if not args.quiet:
        print(f"wrote {len(written)} draft chapter(s) to {args.out}", file=sys.stderr)
    return 0


def cmd_impose(args) -> int:
    from samizdat.imposition.command import run

    return run(args)


def cmd_clean(args) -> int:
    from samizdat.build import clean

    removed = clean(args.out)
    if not args.quiet:
        print(f"removed {len(removed)} item(s) from {args.out}", file=sys.stderr)
    return 0


COMMANDS = {
    "build": cmd_build,
    "watch": cmd_watch,
    "check": cmd_check,
    "lint": cmd_lint,
    "import": cmd_import,
    "impose": cmd_impose,
    "clean": cmd_clean,
}
