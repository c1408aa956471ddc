"""Typography rules, one by one, and on the model: never inside code."""

from __future__ import annotations

import pytest

from samizdat.transforms.typography import (
    NBSP,
    curl_quotes,
    dashes,
    ellipses,
    space_after_initials,
    space_before_note_call,
    space_in_page_references,
    typeset_tree,
)

from lxml import etree

from samizdat.document import MATH, NOTE_REF


def typeset_fragment(html: str) -> str:
    """Typeset a fragment of the model (NOTE_REF written <note-ref/>, MATH <math/>)."""
    html = html.replace("<note-ref", f'<note-ref xmlns="{NOTE_REF[1:].split("}")[0]}"')
    root = etree.fromstring(f"<div>{html}</div>")
    typeset_tree(root)
    etree.cleanup_namespaces(root)
    out = etree.tostring(root, encoding="unicode")
    return out[len("<div>"):-len("</div>")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"Quoted," he said.', "\u201cQuoted,\u201d he said."),
        ("'single' quotes", "\u2018single\u2019 quotes"),
        ("the party's line", "the party\u2019s line"),
        ("in the '20s", "in the \u201920s"),
        ('("inside brackets")', "(\u201cinside brackets\u201d)"),
    ],
)
def test_curl_quotes(text, expected):
    assert curl_quotes(text) == expected


def test_dashes_and_ellipses():
    assert dashes("1917--1921 --- a pause") == "1917\u20131921 \u2014 a pause"
    assert ellipses("and so on...") == "and so on\u2026"


def test_no_break_inside_page_references_and_after_initials():
    assert space_in_page_references("p. 12, pp. 33–35, vol. 2, no. 1") == (
        f"p.{NBSP}12, pp.{NBSP}33–35, vol.{NBSP}2, no.{NBSP}1"
    )
    assert space_in_page_references("up. Then") == "up. Then"
    assert space_after_initials("G. T. Miasnikov") == f"G.{NBSP}T.{NBSP}Miasnikov"
    assert space_after_initials("the U.S. army") == "the U.S. army"


def test_space_before_note_call():
    assert space_before_note_call("word ") == f"word{NBSP}"
    assert space_before_note_call("word.") == "word."


def test_fragment_leaves_code_and_math_alone_and_curls_across_elements():
    html = ('<p>"<em>Pravda</em>"\'s line -- <code>a -- "b"</code> word <note-ref note="note-1"/></p>'
            '<pre>x -- "y"</pre>')
    out = typeset_fragment(html)
    assert out.startswith("<p>\u201c<em>Pravda</em>\u201d\u2019s line \u2013 <code>a -- \"b\"</code>")
    assert f"word{NBSP}<note-ref" in out
    assert out.endswith('<pre>x -- "y"</pre>')
    math = etree.Element("div")
    etree.SubElement(math, MATH).text = "a'' -- b..."
    typeset_tree(math)
    assert math[0].text == "a'' -- b..."


def test_fragment_is_stable_when_run_twice():
    html = "<p>\u201cAlready\u201d typeset \u2013 p.\u00a012.</p>"
    assert typeset_fragment(typeset_fragment(html)) == typeset_fragment(html) == html
