"""The essay's manuscript against its source: every word of the essay, in order, nothing added.

The importer reads the damaged extraction independently of the editors' work; the only
differences allowed between its draft and the manuscript are the edits the editing rules
permit: a parenthetical source turned into a citation, a run-together word split, and the
author's slips listed in corrections.yaml.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import yaml

from samizdat.config import load_manuscript
from samizdat.booklet_import import import_booklet
from samizdat.readers.citation_syntax import find_citations

ROOT = Path(__file__).resolve().parents[1]
MANUSCRIPT = ROOT / "manuscript"
# The evidence for the edition: the damaged extraction the manuscript was rebuilt from.
SOURCE = MANUSCRIPT / "source" / "most-intransigent-of-bolsheviks.booklet.txt"

WORD = re.compile(r"[\w’'\-–]+|[()]")


def manuscript_text(strip_citations: bool) -> str:
    texts = []
    for path in load_manuscript(MANUSCRIPT).chapter_paths:
        text = path.read_text(encoding="utf-8")
        if strip_citations:
            for citation in reversed(find_citations(text)):
                text = text[: citation.start] + " " + text[citation.end :]
        texts.append(text)
    return "\n\n".join(texts)


def source_draft() -> str:
    result = import_booklet(SOURCE.read_text(encoding="utf-8"), "saddle-2up", source=str(SOURCE))
    return "\n\n".join(chapter.to_markdown() for chapter in result.chapters)


def corrections() -> list[dict]:
    return yaml.safe_load((MANUSCRIPT / "corrections.yaml").read_text(encoding="utf-8"))


def differences():
    source, edited = WORD.findall(source_draft()), WORD.findall(manuscript_text(True))
    matcher = difflib.SequenceMatcher(a=source, b=edited, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            yield op, source[i1:i2], edited[j1:j2]


def correction_pairs() -> list[tuple[str, str]]:
    """Each listed correction as (original letters, corrected letters) of what it changed."""
    pairs = []
    for fix in corrections():
        old, new = WORD.findall(fix["original"]), WORD.findall(fix["corrected"])
        matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op != "equal":
                pairs.append(("".join(old[i1:i2]), "".join(new[j1:j2])))
    return pairs


def without_parentheticals(words: list[str]) -> tuple[list[str], int]:
    kept, depth, count = [], 0, 0
    for word in words:
        if word == "(":
            depth += 1
        elif word == ")" and depth:
            depth -= 1
            count += depth == 0
        elif not depth:
            kept.append(word)
    return kept, count


def explained(old: list[str], new: list[str], pairs) -> bool:
    """A parenthetical dropped, words split apart again, a listed correction: nothing else."""
    joined_old, joined_new = "".join(old), "".join(new)
    if joined_old == joined_new:
        return True  # words the extraction ran together, split again
    for before, after in pairs:
        if before and joined_old.replace(before, after) == joined_new:
            return True
        if not before and joined_new in (joined_old + after, after + joined_old):
            return True
    return False


def test_every_word_of_the_source_is_in_the_manuscript_in_order():
    pairs = correction_pairs()
    unexplained = []
    parentheticals = 0
    for op, old, new in differences():
        rest, dropped = without_parentheticals(old)
        parentheticals += dropped  # source references, now citations
        if not explained(rest, new, pairs):
            unexplained.append(f"{op}: {' '.join(old)!r} -> {' '.join(new)!r}")
    assert unexplained == []
    # Each parenthetical source became exactly one citation.
    assert parentheticals == len(find_citations(manuscript_text(False)))


def test_no_parenthetical_source_left_in_the_running_text():
    text = manuscript_text(True)
    # A parenthesis naming a work the bibliography knows is a citation that was missed.
    references = yaml.safe_load((MANUSCRIPT / "references.yaml").read_text(encoding="utf-8"))
    titles = [
        " ".join(entry["title"].split()[:3]).lower()
        for entry in references["references"]
        if len(entry["title"].split()) > 1  # "Kronstadt" is also a place
    ]
    for parenthesis in re.findall(r"\(([^()]*)\)", text):
        lowered = parenthesis.lower()
        assert not lowered.startswith("quoted in"), parenthesis
        assert not any(title in lowered for title in titles), parenthesis


def test_no_extraction_debris():
    text = manuscript_text(False)
    assert not re.search(r"[\ue000-\uf8ff]", text)  # ligature glyphs
    assert not re.search(r"^\s*\d{1,3}\s*$", text, re.MULTILINE)  # folios
    assert not re.search(r"[a-z]- [a-z]", text)  # line-end hyphens left open


def test_every_correction_is_applied_and_recorded():
    text = manuscript_text(False)
    for fix in corrections():
        assert {"chapter", "original", "corrected", "note"} <= set(fix)
        assert " ".join(fix["corrected"].split("…")[-1].split()) in " ".join(text.split())


def test_every_citation_has_a_reference_and_every_reference_is_cited():
    keys = {
        item.key for citation in find_citations(manuscript_text(False)) for item in citation.items
    }
    references = yaml.safe_load((MANUSCRIPT / "references.yaml").read_text(encoding="utf-8"))
    ids = [entry["id"] for entry in references["references"]]
    assert len(ids) == len(set(ids))
    assert keys == set(ids)


def test_the_essay_has_its_own_structure():
    chapters = load_manuscript(MANUSCRIPT).chapter_paths
    titles = [re.findall(r"^# (.+)$", p.read_text(encoding="utf-8"), re.MULTILINE) for p in chapters]
    assert titles == [
        [], ["A life that touched many revolutionary threads"], ["Reflection on the Workers Group"]
    ]


def test_lint_reports_nothing_on_the_essay():
    from samizdat.checks.lint import lint_manuscript

    assert [str(finding) for finding in lint_manuscript(MANUSCRIPT)] == []
