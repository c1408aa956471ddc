"""The images a chapter shows: checked once, while reading, and listed as the book's assets.

An image must be a file inside the manuscript folder (a manuscript is untrusted input: no
``../../etc``, no URL, since samizdat never fetches), readable, and of a type every edition
can carry: JPEG, PNG, GIF, WebP (EPUB 3.3 core media types WeasyPrint lays out) or SVG. The
type is read from the file's first bytes, not its name. An SVG must not reach outside itself
(an external reference is a fetch, and EPUBCheck's RSC-006). Every problem is a located
error: missing (I001), outside (I002), a URL (I003), an unsupported type (I004), unreadable
(I005). An image with no description is advice for lint (I006): a screen reader says nothing of
it (WCAG 1.1.1).
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from lxml import etree

from samizdat.diagnostics import Diagnostics
from samizdat.document import Asset

SUPPORTED = "JPEG, PNG, GIF, WebP or SVG"
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
SVG_NS = "http://www.w3.org/2000/svg"


def check_images(
    content: etree._Element, text: str, source: Path, root: Path, diagnostics: Diagnostics
) -> list[Asset]:
    assets: list[Asset] = []
    for image in content.iter("img"):
        src = image.get("src") or ""
        line, column = _place_of(text, src)
        href = _manuscript_path(src, source, (line, column), root, diagnostics)
        if href is None:
            continue
        path = root / href
        media_type, size = _sniff(path, source, line, diagnostics)
        if media_type is None:
            continue
        image.set("src", href)
        if not (image.get("alt") or "").strip():
            image.set("alt", "")  # no description: decorative to a screen reader
            diagnostics.advice("I006", f"image '{src}' has no description: write "
                               f"![what it shows]({src})", file=source, line=line,
                               column=column)
        assets.append(Asset(href, path, media_type, size[0], size[1], image.get("alt", ""),
                            source, line))
    return assets


def _place_of(text: str, src: str) -> tuple[int, int]:
    offset = text.find(src) if src else -1
    if offset < 0:
        return 1, 1
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _manuscript_path(src: str, source: Path, place: tuple[int, int], root: Path,
                     diagnostics: Diagnostics) -> str | None:
    """``src`` as a path relative to the manuscript folder (POSIX), or None (reported)."""
    if _SCHEME.match(src) or src.startswith("//"):
        diagnostics.error("I003", f"image '{src}' is a URL; samizdat never fetches from the "
                          "network", file=source, line=place[0], column=place[1],
                          hint="copy the image into the manuscript folder and name it by a "
                               "relative path")
        return None
    relative = unquote(src.split("#")[0].split("?")[0])
    path = (root / relative).resolve()
    if not relative or relative.startswith("/") or not path.is_relative_to(root.resolve()):
        diagnostics.error("I002", f"image '{src}' is outside the manuscript folder",
                          file=source, line=place[0], column=place[1],
                          hint="keep every file the book uses inside the manuscript folder")
        return None
    if not path.is_file():
        diagnostics.error("I001", f"image '{src}' not found", file=source, line=place[0],
                          column=place[1],
                          hint="image paths are relative to the manuscript folder")
        return None
    return PurePosixPath(path.relative_to(root.resolve()).as_posix()).as_posix()


def _sniff(path: Path, source: Path, line: int, diagnostics: Diagnostics
           ) -> tuple[str | None, tuple[int | None, int | None]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        diagnostics.error("I005", f"cannot read image '{path.name}' ({exc.strerror})",
                          file=source, line=line, hint="check its permissions")
        return None, (None, None)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        media_type = "image/png"
    elif data.startswith(b"\xff\xd8\xff"):
        media_type = "image/jpeg"
    elif data[:6] in (b"GIF87a", b"GIF89a"):
        media_type = "image/gif"
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        media_type = "image/webp"
    elif b"<svg" in data[:4096]:
        return _svg(data, path, source, line, diagnostics)
    else:
        diagnostics.error("I004", f"image '{path.name}' is not a {SUPPORTED} file",
                          file=source, line=line, hint=f"convert it to {SUPPORTED}")
        return None, (None, None)
    try:
        from PIL import Image

        with Image.open(path) as picture:
            picture.verify()
            size = picture.size
    except Exception as exc:  # Pillow raises many kinds for a damaged file
        diagnostics.error("I005", f"image '{path.name}' cannot be read as {media_type} ({exc})",
                          file=source, line=line, hint="save the image again")
        return None, (None, None)
    return media_type, size


def _svg(data: bytes, path: Path, source: Path, line: int, diagnostics: Diagnostics
         ) -> tuple[str | None, tuple[int | None, int | None]]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        diagnostics.error("I005", f"SVG image '{path.name}' is not well-formed ({exc.msg})",
                          file=source, line=line, hint="save the image again")
        return None, (None, None)
    if root.tag != f"{{{SVG_NS}}}svg":
        diagnostics.error("I004", f"image '{path.name}' is not an SVG document", file=source,
                          line=line, hint=f"convert it to {SUPPORTED}")
        return None, (None, None)
    for element in root.iter():
        for name, value in element.attrib.items():
            if name.rsplit("}", 1)[-1] == "href" and not value.startswith(("#", "data:")):
                diagnostics.error(
                    "I004", f"SVG image '{path.name}' refers to '{value}' outside itself",
                    file=source, line=line, hint="embed what it shows in the SVG itself")
                return None, (None, None)
    return "image/svg+xml", (_length(root.get("width")), _length(root.get("height")))


def _length(value: str | None) -> int | None:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(px)?\s*", value or "")
    return round(float(match.group(1))) if match else None
