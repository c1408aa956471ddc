"""The only door WeasyPrint has to the outside: local files under the allowed roots, and data: URLs.

A manuscript is untrusted input. An image or stylesheet reference must not read ``/etc/passwd``,
nor make the build depend on the network (a print edition that changes when a web server does is
not reproducible). Everything else is refused with a ``BuildError`` naming the reference.

Why a ``URLFetcher`` subclass and not a plain function: in WeasyPrint 70, ``urls.fetch()`` reads
``url_fetcher._fail_on_errors`` and turns any exception from the fetcher into
``URLFetchingError``, which the callers (images, stylesheets, ``@font-face``) catch and log as a
warning or, for fonts, only at DEBUG level, so the refusal would vanish and the book would fall
back to a system font. With ``fail_on_errors=True`` the exception becomes
``FatalURLFetchingError`` (a ``BaseException``), which no caller catches; the writer unwraps it
into our ``BuildError``. ``refusals`` also keeps every refused reference, as a second guard.

``served`` holds the SHA-256 of every file it handed over: the print writer checks each font
embedded in the PDF against it, so that only a font file our own ``@font-face`` rules loaded
can set text (a system font of the same family name cannot pass for it).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from samizdat.errors import BuildError


class ManuscriptFetcher(URLFetcher):
    """Serve ``file:`` URLs inside ``allowed_roots`` and ``data:`` URLs; refuse the rest."""

    def __init__(self, allowed_roots: list[Path]) -> None:
        super().__init__(fail_on_errors=True, allow_redirects=False)
        self.allowed_roots = [Path(root).resolve() for root in allowed_roots]
        self.refusals: list[str] = []
        self.served: set[str] = set()

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            return self._fetch_file(url)
        self._refuse(
            url,
            "the print edition only reads files from the manuscript and styles folders",
            hint="download the resource into the manuscript folder and refer to it by a relative path",
        )

    def _fetch_file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        # "file://host/..." names another machine's file: never ours to read.
        if parts.netloc not in ("", "localhost"):
            self._refuse(url, "a file: URL with a host is not a local file")
        # resolve() follows symbolic links, so a link inside the manuscript that points outside
        # it is refused like the outside path itself.
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not any(path.is_relative_to(root) for root in self.allowed_roots):
            self._refuse(
                url,
                "the file is outside the manuscript and styles folders",
                hint="copy it into the manuscript folder and refer to it by a relative path",
            )
        if not path.is_file():
            self._refuse(url, "no such file", hint="check the spelling and the folder")
        data = path.read_bytes()
        self.served.add(hashlib.sha256(data).hexdigest())
        return URLFetcherResponse(path.as_uri(), data)

    def _refuse(self, url: str, reason: str, hint: str | None = None):
        self.refusals.append(url)
        raise BuildError(f"refused to fetch {url!r}: {reason}", hint=hint)
