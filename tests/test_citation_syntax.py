"""The citation scanner against its own rules and against pandoc itself."""

from __future__ import annotations

import json
import re

import pytest

from samizdat.readers.citation_syntax import (
    Citation,
    find_citations,
    literal_spans,
    parse_locator,
)


def keys(text: str) -> list[tuple[str, ...]]:
    return [citation.keys for citation in find_citations(text)]


# --- Our own rules ----------------------------------------------------------------------------


def test_offsets_cover_the_bracket_exactly():
    text = "As Miasnikov wrote [see @miasnikov1921, p. 12], the party"
    (citation,) = find_citations(text)
    assert text[citation.start : citation.end] == "[see @miasnikov1921, p. 12]"
    (item,) = citation.items
    assert (item.key, item.prefix, item.suffix) == ("miasnikov1921", "see", ", p. 12")
    assert (item.label, item.locator, item.suppress_author) == ("page", "12", False)


def test_several_items_with_locators_and_suppressed_author():
    (citation,) = find_citations("[@a, 3-5; -@b; see also @c, chap. 2 *passim*]")
    a, b, c = citation.items
    assert (a.key, a.label, a.locator) == ("a", "page", "3-5")
    assert (b.key, b.suppress_author, b.locator) == ("b", True, None)
    assert (c.prefix, c.label, c.locator, c.rest) == ("see also", "chapter", "2", " *passim*")


def test_key_punctuation_follows_pandoc():
    assert keys("[@smith:2004.a] [@doe.] [@{ISO 8601}] [@{ann.-1}, 4]") == [
        ("smith:2004.a",),
        ("doe",),  # the full stop ends the sentence, not the key
        ("ann.-1",),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "`[@inline]` code",
        "``a [@double] b``",
        "```\n[@fenced]\n```",
        "Text.\n\n    [@indented]\n",
        "A note.[^maxim] and [^1]\n\n[^maxim]: text",
        "[a link @x](https://example.org/@y)",
        "[@linked](https://example.org)",
        "[@ref][label]",
        "Write to me@example.org [or me@x.org]",
        r"\[@escaped]",
        "[@a, p. 3; cf. the appendix]",  # pandoc: a part without a key spoils the bracket
        r"An \@ that is not one",
    ],
)
def test_not_bracketed_citations(text):
    # Some hold a narrative citation, as pandoc reads them ("[@a, p. 3; x]" reads "@a" as
    # one): the comparison with pandoc below holds us to that.
    assert [c for c in find_citations(text) if not c.narrative] == []


@pytest.mark.parametrize("text", ["`@code`", "me@example.org", r"\@escaped", "<a href='mailto:x@y'>x</a>",
                                  "```\n@fenced\n```"])
def test_not_narrative_citations(text):
    assert find_citations(text) == []


def test_inner_citation_of_nested_brackets_is_found():
    assert keys("[see [@inner] above]") == [("inner",)]


def test_indented_footnote_paragraph_is_prose_not_code():
    text = "Text.[^n]\n\n[^n]: First paragraph.\n\n    Second paragraph [@inside].\n"
    assert keys(text) == [("inside",)]


def test_literal_spans_cover_code_and_urls():
    text = "See `x` at https://example.org/a. and <http://b.org>."
    spans = [text[s:e] for s, e in literal_spans(text)]
    assert spans == ["`x`", "https://example.org/a", "<http://b.org>"]


@pytest.mark.parametrize(
    "suffix, expected",
    [
        (", p. 12", ("page", "12", "")),
        (", 3-5", ("page", "3-5", "")),
        (", pp. 33-35 and passim", ("page", "33-35", " and passim")),
        (", ch. 4", ("chapter", "4", "")),
        (", § 7", ("section", "7", "")),
        (", vol. 2, p. 3", ("volume", "2", ", p. 3")),
        (", {Preface}", ("page", "Preface", "")),
        (", and passim", (None, None, ", and passim")),
        ("", (None, None, "")),
    ],
)
def test_parse_locator(suffix, expected):
    assert parse_locator(suffix) == expected


# --- Against pandoc ---------------------------------------------------------------------------

try:
    import pypandoc
except ImportError:  # our own rules above still run; only the comparison needs pandoc
    pypandoc = None
needs_pandoc = pytest.mark.skipif(pypandoc is None, reason="pypandoc (with its pandoc) is not installed")

PANDOC_CASES = [
    "[@key]",
    "[see @key, p. 12]",
    "[@a, 3-5; @b]",
    "[-@key]",
    "[see @key, pp. 33-35 and passim]",
    "[@a; @b, 12]",
    "[quoted in @maximoff1940]",
    "[*see* @a, chap. 3 *passim*]",
    "[see (@a)]",
    "[x-@a]",
    "[@{foo.bar.}, 4]",
    "[@Doe99 p. 3]",
    "[@smith:2004.a; @jones-1921, 7]",
    "[see @a; compare @b, n. 4; and @c]",
    "[@a, `x;y`]",
    "[email me@x.org @b]",
    r"[\@a @b]",
    "[see\n@a]",
    "[see [@inner] above]",
    "[@a, p. 3; cf. the appendix]",
    "[@linked](https://example.org)",
    "`[@code]`",
    "me@example.org",
    "[^1]\n\n[^1]: A note.",
    "[Bolsheviks, @sandu2006; -@avrich1984, 45]",
    "@fenichel1979 showed it",
    "As @avrich1984 [p. 3] argues.",
    "As @avrich1984 [chap. 2 and passim] argues; so does @b.",
    "@a [@b]",
    r"\[@escaped]",
    "[a link @x](https://example.org/@y)",
]


def _stringify(inlines: list) -> str:
    """Pandoc inlines back to the Markdown we keep as prefix and suffix text."""
    out = []
    for node in inlines:
        kind, content = node["t"], node.get("c")
        if kind == "Str":
            out.append(content)
        elif kind in ("Space", "SoftBreak"):
            out.append(" ")
        elif kind == "Emph":
            out.append("*" + _stringify(content) + "*")
        elif kind == "Strong":
            out.append("**" + _stringify(content) + "**")
        elif kind == "Code":
            out.append("`" + content[1] + "`")
        elif kind == "Cite":
            out.append(_stringify(content[1]))
        elif kind == "Quoted":
            out.append('"' + _stringify(content[1]) + '"')
        else:
            raise AssertionError(f"unexpected inline {kind} in a citation")
    return "".join(out)


def _normal(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\\@", "@").split())


def _pandoc_citations(inlines_or_blocks) -> list[list[tuple[str, str, str, str]]]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("t") == "Cite":
                citations = node["c"][0]
                if True:
                    found.append(
                        [
                            (
                                c["citationId"],
                                c["citationMode"]["t"],
                                _normal(_stringify(c["citationPrefix"])),
                                _normal(_stringify(c["citationSuffix"])),
                            )
                            for c in citations
                        ]
                    )
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(inlines_or_blocks)
    return found


def _ours(text: str) -> list[list[tuple[str, str, str, str]]]:
    return [
        [
            (
                item.key,
                "AuthorInText" if citation.narrative and index == 0 else
                "SuppressAuthor" if item.suppress_author else "NormalCitation",
                _normal(item.prefix),
                _normal(item.suffix),
            )
            for index, item in enumerate(citation.items)
        ]
        for citation in find_citations(text)
    ]


@needs_pandoc
def test_splitting_agrees_with_pandoc():
    # One pandoc run for all cases: each case is its own div, so its citations stay apart.
    source = "\n\n".join(f"::: case\n{case}\n:::" for case in PANDOC_CASES)
    tree = json.loads(pypandoc.convert_text(source, "json", format="markdown"))
    divs = [block for block in tree["blocks"] if block["t"] == "Div"]
    assert len(divs) == len(PANDOC_CASES)
    disagreements = []
    for case, div in zip(PANDOC_CASES, divs):
        theirs, ours = _pandoc_citations(div["c"][1]), _ours(case)
        if theirs != ours:
            disagreements.append((case, theirs, ours))
    assert disagreements == []
    # and the comparison is not vacuous
    assert sum(len(_ours(case)) for case in PANDOC_CASES) >= 25


PROBE_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>locator probe</title><id>probe</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation>
    <layout>
      <text value="CITE"/>
      <choose><if variable="locator">
        <text value="[LABEL="/><label variable="locator" form="long" plural="never"/>
        <text value="][LOC="/><text variable="locator"/><text value="]"/>
      </if></choose>
    </layout>
  </citation>
</style>
"""

LOCATOR_CASES = [
    ", p. 12",
    ", 3-5",
    ", pp. 33-35 and passim",
    ", chap. 3 *passim*",
    ", no. 4",
    ", § 4",
    ", vol. 2",
    ", para. 3",
    ", n. 3",
    ", lines 3-4",
    ", 1921 edition",
    ", pages 3, 5-7 and n. 2",
    ", chap. iv",
    ", and passim",
    ", sec. 2.1",
    ", fig. 7",
    ", book 3",
    ", ch. 5",
    ", sect. 4",
    ", vols. 2-3",
    ", {Preface}",
    ", l. 7",
]


def _citeproc_locators(tmp_path, lang: str, cases: list[str]) -> list[tuple]:
    style = tmp_path / "probe.csl"
    style.write_text(PROBE_STYLE, encoding="utf-8")
    body = "\n\n".join(f"[@a{suffix}]" for suffix in cases)
    source = f"---\nlang: {lang}\nreferences:\n- id: a\n  type: book\n  title: A\n---\n\n{body}\n"
    output = pypandoc.convert_text(
        source,
        "plain",
        format="markdown",
        extra_args=["--citeproc", f"--csl={style}", "--wrap=none"],
    )
    paragraphs = [p for p in output.split("\n\n") if p.strip()]
    assert len(paragraphs) == len(cases)
    results = []
    for rendered in paragraphs:
        match = re.fullmatch(r"CITE(?:\[LABEL=(.*?)\]\[LOC=(.*?)\])?(.*)", rendered.strip(), re.S)
        assert match, rendered
        label, locator, rest = match.groups()
        if locator is not None:
            label = label or "page"  # CSL prints no label for a non-numeric page ({Preface})
            locator = locator.replace("\u2013", "-")  # CSL renders ranges with an en dash
        results.append((label, locator, _normal(rest.lstrip(","))))
    return results


@needs_pandoc
def test_locators_agree_with_pandoc_citeproc(tmp_path):
    # Pandoc knows the labels of the document's locale only ("ch." in en-GB, "chap." in
    # en-US); we know both, so each case is held to the locale that found a locator, if any.
    british = _citeproc_locators(tmp_path, "en-GB", LOCATOR_CASES)
    american = _citeproc_locators(tmp_path, "en-US", LOCATOR_CASES)
    disagreements = []
    for suffix, gb, us in zip(LOCATOR_CASES, british, american):
        theirs = gb if gb[1] is not None else us
        label, locator, rest = parse_locator(suffix)
        ours = (label, locator, _normal(rest.replace("*", "").lstrip(",")))
        if ours != theirs:
            disagreements.append((suffix, theirs, ours))
    assert disagreements == []
    assert sum(1 for gb, us in zip(british, american) if gb[1] or us[1]) >= 15


def test_citation_is_a_value():
    (first,) = find_citations("[@a]")
    (second,) = find_citations("[@a]")
    assert first == second and isinstance(first, Citation) and hash(first) == hash(second)
