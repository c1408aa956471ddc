"""Python-Markdown extensions for what pandoc's Markdown has and Python-Markdown lacks.

Each is a small processor registered with an explicit priority, and each says why that
priority. Where a well-kept extension does the job (Python-Markdown's footnotes, tables,
def_list, attr_list, md_in_html, fenced_code; pymdown-extensions' caret, tilde and escapeall)
the reader uses it instead (readers/markdown.py lists them all).

Several work on the raw text before Python-Markdown parses it, as preprocessors: that is where
pandoc's syntax can be recognised without Markdown rules (emphasis, links, escapes) getting at
it first, and where code spans and code blocks can be skipped by the one scanner the lint uses
too (readers/citation_syntax.py). Their order, highest priority first:

    40 front matter    blanks its lines, so later line numbers are still the file's
    35 citations       placeholders in place, lines recorded
    34 inline notes    ^[...] becomes a footnote whose definition goes to the end
    33 fenced divs     ::: becomes md_in_html's <div markdown="1">
    32 list indent     pandoc's item-relative indentation as four spaces a level
    30 (Python-Markdown's normalize_whitespace, then html_block at 20)

Others are block processors, which see the blocks wherever they are (in a quotation, a list
item, a footnote): line blocks (77) and table captions (76), both above Python-Markdown's
tables (75).
"""
