"""pandoc's attribute syntax, ``{#id .class key=value key="two words"}``, as HTML attributes.

Shared by fenced divs and bracketed spans. Ids are made safe XML names (EPUBCheck RSC-005
refuses colons), and ``lang`` is kept as it is: it is the attribute authors use most.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r'\s*(?:#(?P<id>[^\s}]+)|\.(?P<class>[^\s}]+)|(?P<key>[A-Za-z_][\w:.-]*)='
                    r'(?:"(?P<dq>[^"]*)"|\'(?P<sq>[^\']*)\'|(?P<bare>[^\s}"\']+)))')


def parse_attributes(text: str) -> dict[str, str] | None:
    """``#id .a .b lang=fr`` -> {"id": "id", "class": "a b", "lang": "fr"}; None if malformed."""
    attributes: dict[str, str] = {}
    classes: list[str] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            return None
        if match.group("id"):
            attributes["id"] = safe_id(match.group("id"))
        elif match.group("class"):
            classes.append(match.group("class"))
        else:
            value = next(v for v in (match.group("dq"), match.group("sq"), match.group("bare"))
                         if v is not None)
            attributes[match.group("key")] = value
        position = match.end()
    if classes:
        attributes["class"] = " ".join(classes)
    return attributes


def safe_id(value: str) -> str:
    """An id that is an XML name without colons, as EPUB requires (EPUBCheck RSC-005)."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "-", value)
    return cleaned if re.match(r"[A-Za-z_]", cleaned) else f"id-{cleaned}"
