"""Time samizdat's builds of the essay against its peers, side by side in one run.

    python benchmarks/run.py [--repeat 5] [--manuscript manuscript]

Each measurement runs the commands alternately, --repeat times, as separate processes (so
start-up counts for everybody) and reports medians and their ratio against the target in the
issue. These machines are shared and noisy: trust ratios from one run, not absolute seconds
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


def samizdat(*args: str) -> list[str]:
    return [PY, "-m", "samizdat", "--quiet", "build", "--force", *args]


def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def report(label: str, ours: float, theirs: float, target: float, unit: str = "x") -> bool:
    ratio = ours / theirs
    ok = ratio <= target
    print(f"{label:<52} {ours:7.2f} s vs {theirs:7.2f} s  = {ratio:5.2f}{unit} "
          f"(target <= {target}{unit}) {'ok' if ok else 'MISSED'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--manuscript", type=Path, default=ROOT / "manuscript")
    parser.add_argument("--impose-only", action="store_true",
                        help="run only the 500-page imposition measurement")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="samizdat-bench-"))
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


def bench(manuscript: Path, work: Path, repeat: int) -> int:
    from samizdat.config import load_manuscript
    from samizdat.pipeline import read_book
    from samizdat.writers import pdf

    pandoc = pandoc_path()
    chapters = [str(p) for p in load_manuscript(manuscript).chapter_paths]
    out = work / "build"
    styles = ROOT / "styles"
    common = ["--manuscript", str(manuscript), "--out", str(out), "--styles", str(styles)]
    results = []
    print(f"samizdat benchmarks: {repeat} repetitions, medians; manuscript {manuscript}")

    # EPUB: samizdat against pandoc on the same chapters. "cold" clears samizdat's cache of
    # slow pure steps (the citation engine's run, the cover) first, as on a first build;
    # "warm" is the edit-and-rebuild loop, where citations and cover did not change.
    cache = out / ".samizdat" / "cache"

    def clear_cache(name: str) -> None:
        if "cold" in name:
            shutil.rmtree(cache, ignore_errors=True)

    epub = measure({
        "samizdat cold": samizdat(*common, "--only", "epub", "--jobs", "1"),
        "samizdat warm": samizdat(*common, "--only", "epub", "--jobs", "1"),
        "pandoc": [pandoc, *chapters, "--metadata-file", str(manuscript / "metadata.yaml"),
                   "-o", str(work / "pandoc.epub")],
    }, ROOT, repeat, before=clear_cache)
    results.append(report("EPUB build (cold cache) vs pandoc -o x.epub",
                          epub["samizdat cold"][0], epub["pandoc"][0], 0.8))
    results.append(report("EPUB build (warm cache) vs pandoc -o x.epub",
                          epub["samizdat warm"][0], epub["pandoc"][0], 0.8))

    # A5 PDF: samizdat against WeasyPrint alone rendering the same HTML and stylesheets.
    book = read_book(load_manuscript(manuscript))
    html_path = work / "pamphlet.html"
    html_path.write_text(pdf.pamphlet_html(book), encoding="utf-8")
    size_css = work / "size.css"
    size_css.write_text("@page { size: A5; }", encoding="utf-8")
    sheets = [str(styles / "print.css"), str(size_css)]
    # The same HTML and stylesheets, laid out by WeasyPrint with nothing of ours around it.
    bare = [PY, "-c", (
        "import sys, weasyprint; "
        "weasyprint.HTML(sys.argv[1], base_url=sys.argv[3]).write_pdf(sys.argv[2], "
        "stylesheets=[weasyprint.CSS(filename=s) for s in sys.argv[4:]])"
    ), str(html_path), str(work / "bare.pdf"), manuscript.as_uri() + "/", *sheets]
    pdfs = measure({"samizdat": samizdat(*common, "--only", "pdf", "--jobs", "1"), "weasyprint": bare},
                   ROOT, repeat)
    results.append(report("A5 PDF vs WeasyPrint alone on the same HTML", pdfs["samizdat"][0],
                          pdfs["weasyprint"][0], 1.15))

    # All editions on two cores against the slowest single edition.
    names = ["epub", "kepub", "pdf", "booklet-a4", "booklet-letter"]
    singles = measure({n: samizdat(*common, "--only", n, "--jobs", "1") for n in names}, ROOT, repeat)
    slowest = max(singles, key=lambda n: singles[n][0])
    full = measure({"all": samizdat(*common, "--jobs", "2")}, ROOT, repeat)
    results.append(report(f"all editions, 2 cores, vs slowest single ({slowest})",
                          full["all"][0], singles[slowest][0], 1.2))

    # A no-op rebuild: nothing changed since the build just made.
    noop_argv = [PY, "-m", "samizdat", "--quiet", "build", *common]
    noop = statistics.median(run(noop_argv, ROOT)[0] for _ in range(repeat))
    ok = noop < 0.5
    print(f"{'no-op rebuild':<52} {noop:7.2f} s  (target < 0.5 s) {'ok' if ok else 'MISSED'}")
    results.append(ok)

    # Ten times the manuscript (chapters repeated): time and peak memory.
    big = work / "big-manuscript"
    shutil.copytree(manuscript, big)
    for path in sorted((big / "chapters").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        path.write_text("\n\n".join([text] * 10), encoding="utf-8")
    big_common = ["--manuscript", str(big), "--out", str(work / "big-build"), "--styles", str(styles)]
    large = measure({"big": samizdat(*big_common, "--jobs", "2")}, ROOT, max(1, repeat // 2))
    results.append(report("10x manuscript, all editions, vs 1x", large["big"][0], full["all"][0], 11.0))
    peak_mib = large["big"][1] / 1024
    ok = peak_mib < 1024
    print(f"{'10x manuscript peak memory':<52} {peak_mib:7.0f} MiB (target < 1024 MiB) "
          f"{'ok' if ok else 'MISSED'}")
    results.append(ok)

    results.append(bench_imposition(work, repeat))
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
