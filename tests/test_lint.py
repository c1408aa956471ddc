"""``samizdat lint``: each rule fires on a small bad manuscript, with its code and place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from PIL import Image

from samizdat.checks.lint import Finding, dictionary_path, lint_manuscript
from samizdat.errors import ManuscriptError

needs_dictionary = pytest.mark.skipif(
    dictionary_path("en-GB") is None, reason="hunspell-en-gb (/usr/share/hunspell/en_GB.dic) is not installed"
)
try:
    import spylls  # noqa: F401
except ImportError:  # pragma: no cover
    needs_dictionary = pytest.mark.skip(reason="spylls is not installed")


def write_manuscript(
    root: Path,
    chapters: dict[str, str],
    *,
    references: str | None = None,
    bibliography: str = "references.yaml",
    wordlist: str | None = None,
    extra_metadata: str = "",
) -> Path:
    """A manuscript folder with metadata.yaml, chapters/ and optionally a bibliography."""
    root.mkdir(parents=True, exist_ok=True)
    metadata = (
        "title: A Test Pamphlet\n"
        "author: Ada Writer\n"
        "lang: en-GB\n"
        "identifier: urn:uuid:00000000-0000-4000-8000-000000000000\n"
    )
    if references is not None:
        metadata += f"bibliography: {bibliography}\n"
        (root / bibliography).write_text(references, encoding="utf-8")
    (root / "metadata.yaml").write_text(metadata + extra_metadata, encoding="utf-8")
    (root / "chapters").mkdir(exist_ok=True)
    for name, text in chapters.items():
        (root / "chapters" / name).write_text(text, encoding="utf-8")
    if wordlist is not None:
        (root / "wordlist.txt").write_text(wordlist, encoding="utf-8")
    return root


REFERENCES = """references:
- id: smith1921
  type: book
  title: The Workers’ Opposition
- id: jones1984
  type: book
  title: Left Communism
"""

CLEAN = """# The Workers’ Group

Miasnikov wrote to Lenin in 1921 about the freedom of the press.[^press] The party’s
answer was “no”, and the ‘workers’ democracy’ he asked for never came [see @smith1921, p. 12;
@jones1984, 3–5].

Code such as `x = "a" -- b...` and <https://example.org/it's--here> is left alone.

    an indented code block with "quotes" -- and teh typos...

| Year | Event   |
|------|---------|
| 1921 | Kronstadt |

[^press]: A note that runs over
    two lines, with a citation [-@smith1921].

    And a second paragraph.
"""


def codes(findings: list[Finding]) -> list[tuple[str, int, int]]:
    return [(f.code, f.line, f.column) for f in findings]


def lint_one(tmp_path: Path, text: str, **kwargs) -> list[Finding]:
    root = write_manuscript(tmp_path / "manuscript", {"01-one.md": text}, **kwargs)
    return lint_manuscript(root)


@needs_dictionary
def test_clean_manuscript_has_no_findings(tmp_path):
    findings = lint_one(tmp_path, CLEAN, references=REFERENCES, wordlist="Miasnikov\nKronstadt\n")
    assert findings == []


def test_finding_prints_as_file_line_column_code_message(tmp_path):
    findings = lint_one(tmp_path, "# Title\n\nA  double space\n", references=None)
    first = next(f for f in findings if f.code == "T005")
    assert str(first) == "manuscript/chapters/01-one.md:3:2: T005 doubled space"


# --- Spelling ---------------------------------------------------------------------------------


@needs_dictionary
def test_unknown_word(tmp_path):
    findings = lint_one(tmp_path, "# Title\n\nThe colour of teh revolution, etc.\n")
    assert codes(findings) == [("S001", 3, 15)]
    assert "'teh'" in findings[0].message


@needs_dictionary
def test_project_words_curly_possessives_and_skipped_places(tmp_path):
    text = (
        "# Miasnikov’s Party\n\n"
        "Miasnikov’s and Miasnikov's letters [@qwzx2000], `qwzxcode`, https://qwzx.org/qwzx,\n"
        "XVII volumes in the 1920s by Il'ich and Grigor’evna.[^qwzx]\n\n[^qwzx]: Noted.\n"
    )
    findings = lint_one(tmp_path, text, references="references:\n- id: qwzx2000\n", wordlist="# names\nMiasnikov\nIl’ich\nGrigor'evna\n")
    assert [f for f in findings if f.code.startswith("S")] == []
    # without the word list the name is reported at each use
    (tmp_path / "manuscript" / "wordlist.txt").unlink()
    findings = lint_manuscript(tmp_path / "manuscript")
    assert [(f.code, f.line) for f in findings if f.code == "S001"] == [("S001", 1), ("S001", 3), ("S001", 3), ("S001", 4), ("S001", 4)]


@needs_dictionary
def test_word_split_by_a_hyphen(tmp_path):
    text = "# Title\n\nThe Bolshe- vik party ran the fac-\ntory; a well- known and self-evident case.\n"
    findings = lint_one(tmp_path, text)
    assert codes(findings) == [("T009", 3, 11), ("T009", 3, 34)]
    assert "'Bolshevik'" in findings[0].message and "'factory'" in findings[1].message


# --- Typography -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, code, column",
    [
        ("Two  spaces.", "T005", 4),
        ("It was the\nthe end.", "T006", 1),
        ("It was the the end.", "T006", 12),
    ],
)
def test_typography(tmp_path, line, code, column):
    findings = lint_one(tmp_path, f"# Title\n\n{line}\n")
    found = [(f.code, f.line, f.column) for f in findings if f.code.startswith("T")]
    line_number = 3 + line.count("\n") if code == "T006" and "\n" in line else 3
    assert found == [(code, line_number, column)]


@pytest.mark.parametrize("line", ['A 12" record.', "It's late.", "War -- and peace.", "And so..."])
def test_what_the_build_converts_is_not_flagged(tmp_path, line):
    """Straight quotes, "--" and "..." become curly quotes, dashes and ellipses in the build
    (transforms/typography.py): lint does not ask the author to type them."""
    assert [f for f in lint_one(tmp_path, f"# Title\n\n{line}\n") if f.code.startswith("T")] == []


def test_typography_skips_code_urls_tables_and_hard_breaks(tmp_path):
    text = (
        "# Title\n\n"
        "Code `a \"b\" -- c...` and <https://x.org/a--b's> and [link](https://x.org/it's \"t\").\n"
        "A line ending in a hard break  \n"
        "and what he had had.\n\n"
        "| a  | b |\n|----|---|\n| 1  | 2 |\n\n"
        "```\nfenced \"quotes\" -- ...\n```\n"
    )
    findings = lint_one(tmp_path, text)
    assert [f for f in findings if f.code.startswith("T")] == []


def test_unbalanced_double_quotes(tmp_path):
    text = "# Title\n\n“Open and\nnever closed.\n\nA closing” alone.\n\n“Fine” and “fine”.\n"
    findings = lint_one(tmp_path, text)
    assert codes([f for f in findings if f.code == "T007"]) == [("T007", 3, 1), ("T007", 6, 10)]


def test_unclosed_single_quote_but_not_apostrophes(tmp_path):
    text = (
        "# Title\n\n"
        "The ‘workers’ party’ and the workers’ ‘democracy’ are fine.\n\n"
        "But ‘this one never closes.\n"
    )
    findings = lint_one(tmp_path, text)
    assert codes([f for f in findings if f.code.startswith("T")]) == [("T008", 5, 5)]


# --- Characters -------------------------------------------------------------------------------


def test_private_use_and_control_characters(tmp_path):
    findings = lint_one(tmp_path, "# Title\n\nA\ue000b and a\x07bell.\n")
    assert codes([f for f in findings if f.code.startswith("X")]) == [("X001", 3, 2), ("X002", 3, 10)]
    assert "U+E000" in findings[0].message


# --- Citations --------------------------------------------------------------------------------


def test_citation_key_missing_from_bibliography(tmp_path):
    text = "# Title\n\nAs shown [see @smith1921, p. 3; @nobody1900].\nAnd [-@jones1984].\n"
    findings = lint_one(tmp_path, text, references=REFERENCES)
    assert codes(findings) == [("C001", 3, 33)]
    assert "'@nobody1900'" in findings[0].message


def test_bibliography_entry_never_cited(tmp_path):
    findings = lint_one(tmp_path, "# Title\n\nOnly [@smith1921].\n", references=REFERENCES)
    assert [(str(f.file), f.code, f.line) for f in findings] == [
        ("manuscript/references.yaml", "C002", 5)
    ]


def test_nocite_silences_uncited_entries(tmp_path):
    text = "# Title\n\nOnly [@smith1921].\n"
    assert lint_one(tmp_path / "a", text, references=REFERENCES, extra_metadata="nocite: '@jones1984'\n") == []
    assert lint_one(tmp_path / "b", text, references=REFERENCES, extra_metadata="nocite: '@*'\n") == []


def test_csl_json_and_bibtex_bibliographies(tmp_path):
    text = "# Title\n\nCited [@smith1921; @gone].\n"
    as_json = json.dumps([{"id": "smith1921", "type": "book"}, {"id": "extra", "type": "book"}], indent=1)
    findings = lint_one(tmp_path / "j", text, references=as_json, bibliography="refs.json")
    assert [(f.code, str(f.file), f.line) for f in findings] == [
        ("C001", "manuscript/chapters/01-one.md", 3),
        ("C002", "manuscript/refs.json", 7),
    ]
    bib = "@comment{x,}\n@book{smith1921,\n  title={X}}\n\n@article{extra, title={Y}}\n"
    findings = lint_one(tmp_path / "b", text, references=bib, bibliography="refs.bib")
    assert [(f.code, str(f.file), f.line) for f in findings] == [
        ("C001", "manuscript/chapters/01-one.md", 3),
        ("C002", "manuscript/refs.bib", 5),
    ]


def test_citation_without_bibliography(tmp_path):
    findings = lint_one(tmp_path, "# Title\n\nCited [@smith1921].\n")
    assert codes(findings) == [("C003", 3, 8)]


def test_malformed_references_yaml_names_file_and_line(tmp_path):
    broken = "references:\n- id: a\n  title: \"unclosed\n- id: b\n"
    (finding,) = lint_one(tmp_path, "# Title\n\n[@a]\n", references=broken)
    assert str(finding.file).endswith("references.yaml") and finding.line in (3, 4, 5)
    assert finding.code == "M001" and "malformed YAML" in finding.message


def test_malformed_references_json_names_line(tmp_path):
    (finding,) = lint_one(tmp_path, "# Title\n\n[@a]\n", references='[\n{"id": "a",}\n]',
                          bibliography="r.json")
    assert (finding.code, finding.line) == ("M001", 2)


# --- Footnotes --------------------------------------------------------------------------------


def test_footnotes(tmp_path):
    text = (
        "# Title\n\n"
        "A claim.[^one] Another.[^missing]\n\n"
        "[^one]: The note.\n"
        "[^spare]: Never used.\n"
        "[^one]: Again.\n\n"
        "`[^incode]` is not a reference.\n"
    )
    findings = lint_one(tmp_path, text)
    assert codes(findings) == [("F001", 3, 24), ("F002", 6, 1), ("F003", 7, 1)]


# --- Images -----------------------------------------------------------------------------------


def test_images(tmp_path):
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"\x89PNG")
    text = (
        "# Title\n\n"
        "![Good](images/good.png)\n\n"
        "![Missing](images/none.png \"title\")\n\n"
        "![Outside](../outside.png)\n\n"
        "![Remote](https://example.org/a.png)\n\n"
        '<img src="/etc/passwd" alt="x">\n'
    )
    root = write_manuscript(tmp_path / "manuscript", {"01-one.md": text})
    (root / "images").mkdir()
    Image.new("RGB", (4, 4)).save(root / "images" / "good.png")
    findings = lint_manuscript(root)
    assert codes([f for f in findings if f.code.startswith("I")]) == [
        ("I001", 5, 12),
        ("I002", 7, 12),
        ("I003", 9, 11),
        ("I002", 11, 11),
    ]


# --- The book's language -------------------------------------------------------------------------


def lint_in(tmp_path: Path, lang: str, text: str) -> list[Finding]:
    root = write_manuscript(tmp_path / "manuscript", {"01-one.md": text},
                            extra_metadata="")
    metadata = root / "metadata.yaml"
    metadata.write_text(metadata.read_text().replace("lang: en-GB", f"lang: {lang}"))
    return lint_manuscript(root)


@pytest.mark.skipif(dictionary_path("en-US") is None or dictionary_path("en-GB") is None,
                    reason="hunspell-en-us and hunspell-en-gb are needed (bootstrap.sh installs them)")
def test_spelling_follows_the_books_language(tmp_path):
    text = "# Title\n\nThe honor of a favorite colour.\n"
    american = [f.message for f in lint_in(tmp_path / "us", "en-US", text) if f.code == "S001"]
    british = [f.message for f in lint_in(tmp_path / "gb", "en-GB", text) if f.code == "S001"]
    assert [m.split("'")[1] for m in american] == ["colour"]
    assert [m.split("'")[1] for m in british] == ["honor", "favorite"]


def test_no_dictionary_for_the_language_is_said_once(tmp_path):
    findings = lint_in(tmp_path, "eo", "# Titolo\n\nLa libro estas bona.\n\nAlia alineo.\n")
    assert [(f.code, f.line) for f in findings] == [("S000", 3)]
    assert "no hunspell dictionary for 'eo'" in findings[0].message


@needs_dictionary
def test_code_math_and_other_languages_are_not_spelt_as_english(tmp_path):
    text = (
        "# Title\n\n"
        "Write `prnt(teh)` or $\\frac{abc}{xyz}$ in TeX-free prose, and quote\n"
        "[la liberté de la presse]{lang=fr} or <span lang=\"de\">die Pressefreiheit</span>.\n\n"
        "::: {lang=ru}\nСвобода печати.\n:::\n"
    )
    assert [f for f in lint_one(tmp_path, text) if f.code.startswith("S")] == []


def test_a_quotation_of_several_paragraphs_is_the_convention_not_an_error(tmp_path):
    text = (
        "# Title\n\n"
        "“The first paragraph of a long quotation runs on,\n\n"
        "“and the second opens again with a mark,\n\n"
        "“and only the last one closes.”\n\n"
        "But “this one never closes.\n\n"
        "And this paragraph starts plainly.\n"
    )
    findings = [f for f in lint_one(tmp_path, text) if f.code == "T007"]
    assert [(f.code, f.line) for f in findings] == [("T007", 9)]
