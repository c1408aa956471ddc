"""Time samizdat's builds of the essay against its peers, side by side in one run.

    python benchmarks/run.py [--repeat 5] [--manuscript manuscript] [--impose-only]

Each measurement runs the commands alternately, --repeat times, as separate processes (so
start-up counts for everybody) and reports medians and their ratio against the targets of
issue 12 (and issue 13's for imposition). These machines are shared and noisy: trust ratios from one run, not absolute seconds
across runs, and never turn these into timed unit tests.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def run(argv: list[str], cwd: Path) -> tuple[float, int]:
    """Wall time and peak resident memory (KiB, the process and its waited-for children)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        err = process.stderr.read().decode(errors="replace")
        raise SystemExit(f"benchmark command failed: {' '.join(argv)}\n{err}")
    return seconds, usage.ru_maxrss


def measure(commands: dict[str, list[str]], cwd: Path, repeat: int, before=None) -> dict:
    times: dict[str, list[float]] = {name: [] for name in commands}
    memory: dict[str, int] = {name: 0 for name in commands}
    for _ in range(repeat):
        for name, argv in commands.items():
            if before:
                before(name)
            seconds, rss = run(argv, cwd)
            times[name].append(seconds)
            memory[name] = max(memory[name], rss)
    return {name: (statistics.median(t), memory[name]) for name, t in times.items()}


def pandoc_path() -> str:
    # the very pandoc samizdat's citation run uses (pypandoc-binary's)
    from samizdat.transforms.notes import pandoc_path as samizdat_pandoc

    return samizdat_pandoc()


def report(label: str, ours: float, theirs: float, target: float | None,
           unit: str = "x") -> bool:
    """One line; ``target`` None: a figure that explains another, with no target of its own."""
    ratio = ours / theirs
    ok = target is None or ratio <= target
    verdict = "(no target)" if target is None else (
        f"(target <= {target}{unit}) {'ok' if ok else 'MISSED'}")
    print(f"{label:<52} {ours:7.2f} s vs {theirs:7.2f} s  = {ratio:5.2f}{unit} {verdict}")
    return ok


def installed() -> None:
    """What an installation that has run once holds, before anything is timed: samizdat's
    compiled bytecode (pip writes it at install; an editable install under
    PYTHONDONTWRITEBYTECODE would compile every module on every run) and WeasyPrint's parsed C
    declarations (writers/weasyprint_import.py, kept per installation like fontconfig's cache;
    the peers' bare WeasyPrint parses them every run, as WeasyPrint does)."""
    import compileall

    compileall.compile_dir(str(ROOT / "src" / "samizdat"), quiet=1)
    subprocess.run([PY, "-c", "import samizdat.writers, weasyprint"], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--manuscript", type=Path, default=ROOT / "manuscript")
    parser.add_argument("--impose-only", action="store_true",
                        help="run only the 500-page imposition measurement")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="samizdat-bench-"))
    installed()
    try:
        if args.impose_only:
            return 0 if bench_imposition(work, args.repeat) else 1
        return bench(args.manuscript.resolve(), work, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench_imposition(work: Path, repeat: int) -> bool:
    """``samizdat impose`` on 500 A5 pages of set text (WeasyPrint's, fonts and all), 2up with
    cover on A4, as a fresh process: issue 13's target is under 3 s."""
    from weasyprint import CSS, HTML

    paragraph = ("Imposition lays the pages of a book on the sheets a printer takes, so that "
                 "once printed, folded and cut they read in order. ") * 12
    body = "".join(f'<section style="break-after: page"><h2>Page {n}</h2><p>{paragraph}</p>'
                   f"</section>" for n in range(1, 501))
    source = work / "impose-500.pdf"
    HTML(string=f"<html><body>{body}</body></html>").write_pdf(
        source, stylesheets=[CSS(string="@page { size: A5; margin: 20mm }")])
    argv = [PY, "-m", "samizdat", "--quiet", "impose", str(source), "--schema", "2up",
            "--cover", "--paper", "A4", "--out", str(work / "impose-500-a4.pdf")]
    seconds, rss = measure({"impose": argv}, ROOT, repeat)["impose"]
    ok = seconds < 3.0
    print(f"{'impose 500 A5 pages, 2up on A4 (a fresh process)':<52} {seconds:7.2f} s  "
          f"(target < 3 s) {'ok' if ok else 'MISSED'}; peak {rss / 1024:.0f} MiB")
    return ok


def watch_latency(build_argv: list[str], out: Path, change, repeat: int) -> float:
    """Median seconds from an edit saved to the new EPUB in place, under ``samizdat watch``
    at its default interval (the time includes noticing the change and waiting out the
    save). ``build_argv`` is the build command; its "build" becomes "watch"."""
    argv = [*build_argv[:build_argv.index("build")], "watch",
            *build_argv[build_argv.index("build") + 1:]]
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        epub = None
        while epub is None:  # the first build
            time.sleep(0.05)
            if process.poll() is not None:
                raise SystemExit(f"samizdat watch ended: {' '.join(argv)}")
            epub = next(out.glob("*.epub"), None)
        time.sleep(1.0)
        times = []
        for _ in range(repeat):
            before = epub.stat().st_mtime_ns
            change("watch")
            started = time.perf_counter()
            while epub.stat().st_mtime_ns == before:
                time.sleep(0.005)
            times.append(time.perf_counter() - started)
            time.sleep(0.5)
        return statistics.median(times)
    finally:
        process.terminate()
        process.wait()


def bench(manuscript: Path, work: Path, repeat: int) -> int:
    """Issue 12's measurements, each side by side with its peer in one run."""
    from samizdat.config import load_manuscript
    from samizdat.transforms.notes import resolve_style

    loaded = load_manuscript(manuscript)
    pandoc = pandoc_path()
    styles = ROOT / "styles"
    # pandoc's citation run on the same chapters, bibliography and CSL style as ours.
    citeproc = [pandoc, *map(str, loaded.chapter_paths), "--metadata-file",
                str(manuscript / "metadata.yaml"), "--citeproc",
                "--bibliography", str(loaded.bibliography_path), "--csl", str(resolve_style(loaded))]
    results = []
    print(f"samizdat benchmarks: {repeat} repetitions, medians; manuscript {manuscript}")

    # Two copies of the manuscript: as it is (its EPUB has a page list, which needs the
    # pamphlet laid out) and with the EPUB's page list switched off, as pandoc's EPUB has none.
    paged = work / "paged"
    shutil.copytree(manuscript, paged)
    unpaged = work / "unpaged"
    shutil.copytree(manuscript, unpaged)
    with open(unpaged / "metadata.yaml", "a", encoding="utf-8") as metadata:
        metadata.write("\neditions:\n  epub:\n    page-list: false\n")
    # A third: no page list either, and a cover image of its own (pandoc's EPUB has no cover;
    # ours sets one with WeasyPrint unless the metadata names one): what the EPUB costs without
    # its typographic cover.
    covered = work / "covered"
    shutil.copytree(unpaged, covered)
    from PIL import Image

    Image.new("RGB", (1600, 2560), (143, 29, 29)).save(covered / "cover.png")
    with open(covered / "metadata.yaml", "a", encoding="utf-8") as metadata:
        metadata.write("cover: cover.png\n")
    # The EPUB runs take well under a second each and the machine's noise is of the same
    # order: they are repeated three times as often as the rest.
    quick = 3 * repeat

    def fresh(out: Path):
        return lambda name: shutil.rmtree(out, ignore_errors=True)

    def ours(book: Path, out: Path, *args: str) -> list[str]:
        return [PY, "-m", "samizdat", "--quiet", "build", "--manuscript", str(book),
                "--out", str(out), "--styles", str(styles), *args]

    # 1. The first EPUB build, from an empty output folder (so no cache), against pandoc.
    first = measure({
        "paged": ours(paged, work / "out-paged", "--only", "epub"),
        "unpaged": ours(unpaged, work / "out-unpaged", "--only", "epub"),
        "covered": ours(covered, work / "out-covered", "--only", "epub"),
        "pandoc": [*citeproc, "-o", str(work / "pandoc.epub")],
    }, ROOT, quick, before=lambda name: [shutil.rmtree(work / f"out-{n}", ignore_errors=True)
                                          for n in ("paged", "unpaged", "covered")])
    results.append(report("first EPUB, no page list / pandoc --citeproc EPUB",
                          first["unpaged"][0], first["pandoc"][0], 1.0))
    report("the same with a cover image given (no cover to set)",
           first["covered"][0], first["pandoc"][0], None)
    report("first EPUB with its page list (lays out the pamphlet)",
           first["paged"][0], first["pandoc"][0], None)

    # 2. The EPUB rebuilt after a one-sentence edit of the last chapter, each time a new one.
    edits = iter(range(10_000))

    def edit(book: Path):
        def change(name: str) -> None:
            last = sorted((book / "chapters").glob("*.md"))[-1]
            text = last.read_text(encoding="utf-8").rstrip("\n")
            last.write_text(text + f" An edited sentence, number {next(edits)}.\n",
                            encoding="utf-8")
        return change

    for book in (paged, unpaged):  # the builds the edits start from
        run(ours(book, work / f"out-{book.name}", "--only", "epub"), ROOT)
    rebuild = measure({
        "unpaged": ours(unpaged, work / "out-unpaged", "--only", "epub"),
        "paged": ours(paged, work / "out-paged", "--only", "epub"),
        "pandoc": [*citeproc, "-o", str(work / "pandoc.epub")],
    }, ROOT, quick, before=lambda name: edit(unpaged if name == "unpaged" else paged)(name)
        if name != "pandoc" else None)
    results.append(report("EPUB rebuild after a one-sentence edit / pandoc EPUB",
                          rebuild["unpaged"][0], rebuild["pandoc"][0], 0.5))
    report("the same with its page list", rebuild["paged"][0], rebuild["pandoc"][0], None)
    watched = watch_latency(ours(unpaged, work / "out-watch", "--only", "epub"),
                            work / "out-watch", edit(unpaged), repeat)
    results.append(report("samizdat watch: save to new EPUB / pandoc EPUB", watched,
                          rebuild["pandoc"][0], 0.5))

    # 3. The first pamphlet PDF against pandoc's HTML laid out by WeasyPrint with our print
    # stylesheet (our fonts included), in one process pipeline of the two.
    size_css = work / "size.css"
    size_css.write_text("@page { size: A5; }", encoding="utf-8")
    peer_pdf = [sys.executable, "-c", (
        "import subprocess, sys, weasyprint; "
        "subprocess.run(sys.argv[1:-3], check=True); "
        "weasyprint.HTML(sys.argv[-3]).write_pdf(sys.argv[-2], stylesheets=["
        "weasyprint.CSS(filename=sys.argv[-1]), weasyprint.CSS(filename=%r)])" % str(size_css)
    ), *citeproc, "-s", "-o", str(work / "pandoc.html"), str(work / "pandoc.html"),
        str(work / "pandoc.pdf"), str(styles / "print.css")]
    pdf = measure({
        "samizdat": ours(paged, work / "out-pdf", "--only", "pdf"),
        "peer": peer_pdf,
    }, ROOT, repeat, before=fresh(work / "out-pdf"))
    results.append(report("first pamphlet PDF / pandoc HTML + WeasyPrint",
                          pdf["samizdat"][0], pdf["peer"][0], 1.0))

    # 4. The first full build against the slowest single edition, each from an empty folder.
    names = ["epub", "kepub", "pdf", "booklet-a4", "booklet-letter"]
    singles = measure({n: ours(paged, work / f"out-{n}", "--only", n) for n in names},
                      ROOT, repeat, before=lambda name: shutil.rmtree(work / f"out-{name}",
                                                                      ignore_errors=True))
    slowest = max(singles, key=lambda n: singles[n][0])
    full = measure({"all": ours(paged, work / "out-all")}, ROOT, repeat,
                   before=fresh(work / "out-all"))
    results.append(report(f"first full build / slowest single edition ({slowest})",
                          full["all"][0], singles[slowest][0], 1.2))

    # 5 and 6. A 30-chapter book: the essay's chapters ten times over.
    big = work / "thirty"
    shutil.copytree(manuscript, big)
    chapters = sorted((big / "chapters").glob("*.md"))
    for round_ in range(10):
        for number, path in enumerate(chapters, 1):
            copy = big / "chapters" / f"{round_ * len(chapters) + number:02d}-{path.stem[3:]}.md"
            copy.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    count = len(list((big / "chapters").glob("*.md")))
    big_first = measure({"pdf": ours(big, work / "out-thirty", "--only", "pdf")}, ROOT,
                        max(1, repeat // 2), before=fresh(work / "out-thirty"))
    big_edit = measure({"pdf": ours(big, work / "out-thirty", "--only", "pdf")}, ROOT,
                       max(1, repeat // 2), before=edit(big))
    results.append(report(f"{count}-chapter book: PDF rebuild after an edit of the last "
                          "chapter / first PDF", big_edit["pdf"][0], big_first["pdf"][0], 0.4))
    # The same book's EPUB (no page list) rebuilt after an edit of its last chapter, against
    # pandoc's EPUB of the 30 chapters: what keeping the chapters read (readers/markdown.py
    # _read_chapter_kept) buys a long book. No target.
    big_unpaged = work / "thirty-unpaged"
    shutil.copytree(big, big_unpaged)
    shutil.copy(unpaged / "metadata.yaml", big_unpaged / "metadata.yaml")
    run(ours(big_unpaged, work / "out-thirty-epub", "--only", "epub"), ROOT)
    big_citeproc = [pandoc, *map(str, sorted((big_unpaged / "chapters").glob("*.md"))),
                    *citeproc[1 + len(loaded.chapter_paths):]]
    big_epub = measure({
        "ours": ours(big_unpaged, work / "out-thirty-epub", "--only", "epub"),
        "pandoc": [*big_citeproc, "-o", str(work / "pandoc-thirty.epub")],
    }, ROOT, repeat, before=lambda name: edit(big_unpaged)(name) if name == "ours" else None)
    report(f"{count}-chapter book: EPUB rebuild after an edit / pandoc EPUB",
           big_epub["ours"][0], big_epub["pandoc"][0], None)
    big_full = measure({"all": ours(big, work / "out-thirty-all")}, ROOT, 1,
                       before=fresh(work / "out-thirty-all"))
    peak_mib = big_full["all"][1] / 1024
    ok = peak_mib < 1024
    print(f"{f'{count}-chapter book, full build: peak memory':<52} {peak_mib:7.0f} MiB "
          f"(target < 1024 MiB) {'ok' if ok else 'MISSED'}; {big_full['all'][0]:.1f} s")
    results.append(ok)

    # A no-op rebuild (issue 2): nothing changed since the build just made.
    noop = statistics.median(run(ours(paged, work / "out-all"), ROOT)[0] for _ in range(repeat))
    ok = noop < 0.5
    print(f"{'no-op rebuild':<52} {noop:7.2f} s  (target < 0.5 s) {'ok' if ok else 'MISSED'}")
    results.append(ok)

    results.append(bench_imposition(work, repeat))
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
