"""Two documented corrections of WeasyPrint 70's layout, applied only while samizdat renders.

1. **A note never leaves the page of its call.** ``footnote-policy: line`` (print.css) covers
   the common case: when a call's line and its note do not both fit, the line goes to the next
   page with its note. One path ignores the policy. Since Kozea/WeasyPrint#2437 (the fix of
   #2432, WeasyPrint 66+), when a line overflows the page and ``orphans``/``widows`` forbid
   breaking before it, ``_linebox_layout`` moves the page's last notes to the next page to make
   room for that line, leaving their calls behind (GCPM allows a note after its call's page; the
   issue does not). Before #2437 WeasyPrint broke the paragraph by its orphans and widows, which
   is what we restore: the patch turns that single decision (``report = ...``) off.

2. **No more than ``max_hyphenated_lines`` hyphenated lines in a row** (the issue asks for two).
   CSS says this with ``hyphenate-limit-lines``, which WeasyPrint 70 does not implement (and
   warns about, which our writer treats as an error). WeasyPrint lays out a paragraph one line
   at a time through the ``iter_line_boxes`` generator, so we wrap it: after that many
   hyphenated lines of the same paragraph, the next line is broken with ``hyphens: manual``
   (no automatic hyphenation; the word goes whole to the following line). Costs no extra layout.
   The count restarts on each page: a paragraph continued overleaf is a new run, as a reader
   sees it.

The three patches (``_linebox_layout``, ``iter_line_boxes``, ``split_first_line``) rewrite nothing but names in WeasyPrint's own modules, swapped in for the duration
of one render and swapped back. The first recompiles ``_linebox_layout`` from its source with
one line changed, so the rest of the function is whatever the installed WeasyPrint has; if that
line is not there (WeasyPrint changed it), we raise rather than render notes on the wrong page
without a word. The essay's print tests (tests/test_essay_print.py) check both results on a PDF.
"""

from __future__ import annotations

import inspect
import textwrap
import threading
from contextlib import contextmanager

import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.layout import block, inline

from samizdat.errors import BuildError

#: The WeasyPrint these corrections were written against and tested on (pyproject.toml pins
#: it). Another version may have fixed, moved or changed what is patched: refuse it at import,
#: before a book is laid out with notes on the wrong pages.
WEASYPRINT_VERSION = "70.0"
if weasyprint.__version__ != WEASYPRINT_VERSION:
    raise BuildError(
        f"samizdat's print corrections are for WeasyPrint {WEASYPRINT_VERSION}, "
        f"not {weasyprint.__version__}",
        hint=f"pip install weasyprint=={WEASYPRINT_VERSION} (pyproject.toml pins it), or check "
             "samizdat/writers/weasyprint_fixes.py against the new version",
    )

#: The decision in ``_linebox_layout`` to move notes off an overflowing page (WeasyPrint#2437).
_REPORT_FOR_ORPHANS = "report = not context.in_column and can_break_now and not could_break_before"

_lock = threading.Lock()
_state = threading.local()
_linebox_layout_keeping_notes = None


def _keeping_notes():
    """WeasyPrint's ``_linebox_layout`` with the #2437 report turned off, compiled once."""
    global _linebox_layout_keeping_notes
    if _linebox_layout_keeping_notes is None:
        lines, first = inspect.getsourcelines(block._linebox_layout)
        # Padded so that tracebacks through it name the right lines of block.py.
        source = "\n" * (first - 1) + textwrap.dedent("".join(lines))
        if source.count(_REPORT_FOR_ORPHANS) != 1:
            raise BuildError(
                "this WeasyPrint no longer has the footnote report samizdat corrects "
                "(Kozea/WeasyPrint#2437)",
                hint="check samizdat/writers/weasyprint_fixes.py against the installed WeasyPrint",
            )
        source = source.replace(_REPORT_FOR_ORPHANS, "report = False")
        namespace: dict = {}
        # Compiled with block's globals, so it calls whatever block.iter_line_boxes is.
        exec(compile(source, block.__file__, "exec"), vars(block), namespace)
        _linebox_layout_keeping_notes = namespace["_linebox_layout"]
    return _linebox_layout_keeping_notes


def _limiting_hyphenated_lines(iter_line_boxes, limit: int):
    def limited(*args, **kwargs):
        lines = iter_line_boxes(*args, **kwargs)
        run = 0
        while True:
            # The generator lays the next line out inside next(): that is when it must know.
            outer = getattr(_state, "no_hyphenation", False)  # an inline-block's paragraph
            _state.no_hyphenation = run >= limit
            try:
                line, resume_at = next(lines)
            except StopIteration:
                return
            finally:
                _state.no_hyphenation = outer
            run = run + 1 if _ends_hyphenated(line) else 0
            yield line, resume_at
    return limited


def _ends_hyphenated(line) -> bool:
    texts = [box for box in line.descendants()
             if isinstance(box, boxes.TextBox) and "::" not in (box.element_tag or "")]
    # "::" boxes are generated content (a note call), never a hyphenated word.
    return bool(texts) and texts[-1].text.endswith(texts[-1].style["hyphenate_character"])


def _respecting_the_limit(split_first_line):
    def split(text, style, *args, **kwargs):
        if not getattr(_state, "no_hyphenation", False) or style["hyphens"] != "auto":
            return split_first_line(text, style, *args, **kwargs)
        # Only for this one split: the style is shared by every box of the element.
        style["hyphens"] = "manual"
        try:
            return split_first_line(text, style, *args, **kwargs)
        finally:
            style["hyphens"] = "auto"
    return split


@contextmanager
def print_layout_rules(*, max_hyphenated_lines: int):
    """Within this block WeasyPrint keeps notes with their calls and limits hyphen ladders."""
    linebox_layout = _keeping_notes()
    with _lock:  # module globals: one render at a time in this process
        saved = (block._linebox_layout, block.iter_line_boxes, inline.split_first_line)
        block._linebox_layout = linebox_layout
        block.iter_line_boxes = _limiting_hyphenated_lines(saved[1], max_hyphenated_lines)
        inline.split_first_line = _respecting_the_limit(saved[2])
        try:
            yield
        finally:
            block._linebox_layout, block.iter_line_boxes, inline.split_first_line = saved
