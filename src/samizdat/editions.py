"""Editions are data: what to make, at which size, with which stylesheets.

The five defaults cover the pamphlet's outputs; ``editions:`` in metadata.yaml changes a field
of one (``pdf: {page-size: A6}``), switches one off (``kepub: false``) or adds one:

    editions:
      pocket:
        format: pdf
        page-size: A6
        output: "{slug}-pocket.pdf"
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from samizdat.config import Manuscript
from samizdat.errors import ManuscriptError
from samizdat.formats import EPUB_STYLES, FORMATS, PRINT_STYLES
from samizdat.pages import page_size_points
from samizdat.imposition import settings as imposition_settings


@dataclass(frozen=True)
class Edition:
    name: str
    format: str  # one of FORMATS
    output: str  # file name pattern; {slug} is the book's slug
    stylesheets: tuple[str, ...]  # relative to the styles folder, in cascade order
    page_size: str | None = None  # CSS @page size of the rendered pages (print formats)
    sheet_size: str | None = None  # paper the booklet is imposed on (also written 'paper:')
    # Format options, passed through to the writer: pdf-variant (e.g. "pdf/ua-1"); booklets'
    # schema, signature, cover, paper, marks, paper-thickness (samizdat.imposition.settings).
    options: tuple[tuple[str, Any], ...] = field(default_factory=tuple)
    # EPUB-like editions: the print edition whose pages the page list follows (None: none).
    page_list: str | None = None

    def output_name(self, slug: str) -> str:
        return self.output.format(slug=slug)

    def option(self, key: str, default: Any = None) -> Any:
        return dict(self.options).get(key, default)

    @property
    def is_print(self) -> bool:
        """Made from laid-out pages (page-size and sheet sizes apply)."""
        return FORMATS[self.format].laid_out

    def settings(self) -> dict[str, Any]:
        """Everything that decides the output, for the build's input fingerprint."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


HALF_LETTER = "5.5in 8.5in"

DEFAULT_EDITIONS: dict[str, Edition] = {
    e.name: e
    for e in (
        Edition("epub", "epub", "{slug}.epub", EPUB_STYLES, page_list="pdf"),
        Edition("kepub", "kepub", "{slug}.kepub.epub", EPUB_STYLES, page_list="pdf"),
        Edition("pdf", "pdf", "{slug}.pdf", PRINT_STYLES, page_size="A5"),
        Edition("booklet-a4", "booklet", "{slug}-booklet-a4.pdf", PRINT_STYLES, "A5", "A4"),
        Edition(
            "booklet-letter", "booklet", "{slug}-booklet-letter.pdf", PRINT_STYLES,
            HALF_LETTER, "letter",
        ),
    )
}

_FIELD_KEYS = {"format", "output", "stylesheets", "page-size", "sheet-size", "page-list"}
# Booklet keys (and the retired ones, which get a "write X instead" error) are options that
# samizdat.imposition.settings validates.
_OPTION_KEYS = ({"pdf-variant", "marks"} | imposition_settings.EDITION_KEYS
                | imposition_settings.LEGACY_KEYS)


def editions_for(manuscript: Manuscript) -> dict[str, Edition]:
    """The default editions with the manuscript's ``editions:`` applied, in table order."""
    table = dict(DEFAULT_EDITIONS)
    for name, spec in manuscript.editions.items():
        name = str(name)
        if spec is False or spec is None:
            table.pop(name, None)
            continue
        if not isinstance(spec, dict):
            raise manuscript.error(
                f"edition '{name}' must be a mapping of settings or 'false'", "editions"
            )
        unknown = set(spec) - _FIELD_KEYS - _OPTION_KEYS
        if unknown:
            raise manuscript.error(
                f"edition '{name}' has unknown setting '{sorted(unknown)[0]}'",
                "editions",
                f"use {', '.join(sorted(_FIELD_KEYS | _OPTION_KEYS))}",
            )
        base = table.get(name)
        if base is None:
            if spec.get("format") not in FORMATS:
                raise manuscript.error(
                    f"new edition '{name}' needs 'format:' ({', '.join(FORMATS)})", "editions"
                )
            kind = FORMATS[spec["format"]]
            base = Edition(name, kind.name, f"{{slug}}-{name}.{kind.suffix}", kind.stylesheets,
                           page_list=None if kind.laid_out else "pdf")
        changes: dict[str, Any] = {}
        for key in _FIELD_KEYS & set(spec):
            value = spec[key]
            if key == "stylesheets":
                value = tuple(value) if isinstance(value, list) else (str(value),)
            elif key == "page-list":
                value = None if value in (False, None, "none") else str(value)
            elif key == "format" and value not in FORMATS:
                raise manuscript.error(f"edition '{name}': unknown format '{value}'", "editions")
            changes[key.replace("-", "_")] = value
        options = dict(base.options)
        options.update({k: spec[k] for k in _OPTION_KEYS & set(spec)})
        edition = replace(base, options=tuple(sorted(options.items())), **changes)
        if edition.is_print and not edition.page_size:
            raise manuscript.error(f"edition '{name}' needs 'page-size:'", "editions")
        if edition.is_print and page_size_points(str(edition.page_size)) is None:
            raise manuscript.error(
                f"edition '{name}': page size '{edition.page_size}' is not a CSS page size",
                "editions", "write e.g. A5, A6, letter, or two lengths such as '5.5in 8.5in'",
            )
        if edition.format == "booklet":
            try:  # schema, signature, cover, paper, marks, paper-thickness
                imposition_settings.edition_settings(dict(edition.options), edition.sheet_size)
            except ManuscriptError as error:
                raise manuscript.error(
                    f"edition '{name}': {error.message}", "editions", error.hint
                ) from None
        table[name] = edition
    for name, edition in list(table.items()):
        source = table.get(edition.page_list) if edition.page_list else None
        if edition.page_list and (source is None or not source.is_print):
            explicit = isinstance(manuscript.editions.get(name), dict) and \
                "page-list" in manuscript.editions[name]
            if explicit:
                raise manuscript.error(
                    f"edition '{name}': page-list '{edition.page_list}' is not a print edition",
                    "editions", "name a print edition (pdf) or write 'page-list: false'")
            table[name] = replace(edition, page_list=None)  # the default's pdf is switched off
    return table


def select(table: dict[str, Edition], only: list[str] | None) -> list[Edition]:
    """The editions named by ``--only`` (all when None); unknown names are the caller's error."""
    if not only:
        return list(table.values())
    return [table[name] for name in table if name in only]
