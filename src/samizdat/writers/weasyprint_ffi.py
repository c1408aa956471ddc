"""WeasyPrint's C declarations, parsed once per installation instead of once per process.

WeasyPrint declares the C functions of Pango, HarfBuzz, fontconfig and GObject to cffi in
"in-line ABI mode" (``weasyprint/text/ffi.py``: ``ffi = cffi.FFI(); ffi.cdef('''...''')``),
so cffi parses some 450 lines of C with pycparser every time WeasyPrint is imported: 0.3 s of
WeasyPrint's 0.6 s import on our machines, paid by every process that sets a page (the EPUB
cover's child, every print build). cffi's "out-of-line ABI mode" keeps the parsed form as
data and loads it in milliseconds, with the same objects and the same calls ("Out-of-line,
ABI level" in cffi's documentation: ``set_source(name, None)``, ``emit_python_code``).

``install`` puts an import hook in front of ``weasyprint.text.ffi``. The module runs as
written, except that its ``cffi.FFI()`` answers with:

- an FFI made from this installation's cached declarations, when the cache holds the
  declarations of this very ``ffi.py`` (the key is a digest of its source, cffi's version and
  Python's); its ``cdef`` accepts only the declarations it was made from;
- else cffi's own FFI, which parses as usual; the parsed declarations are then written to the
  cache for the next process.

The cache is ``$XDG_CACHE_HOME/samizdat`` (else ``~/.cache/samizdat``), beside fontconfig's
own cache of the same kind: it belongs to the installation, not to a book, and holds nothing
a book's bytes depend on. An entry is data (``marshal``), never code, and carries a digest of
itself; an entry that is unreadable, damaged or for another WeasyPrint is ignored. No cache
folder that can be written: every process parses, as WeasyPrint does alone.

Our own declarations on WeasyPrint's ffi (``EXTRA``: HarfBuzz faces from bytes, for the
joined PDF's font subsets in ``writers/pdf_join.py``) are made in the same step, so they are
parsed once too.
"""

from __future__ import annotations

import builtins
import hashlib
import importlib.machinery
import marshal
import os
import sys
import types
from pathlib import Path

MODULE = "weasyprint.text.ffi"
FORMAT = "weasyprint-ffi 1"

# What writers/pdf_join.py calls that WeasyPrint 70 does not declare.
EXTRA = """
    hb_blob_t * hb_blob_create (const char *data, unsigned int length, int mode,
                                void *user_data, void *destroy);
    hb_face_t * hb_face_create (hb_blob_t *blob, unsigned int index);
    const char * hb_version_string (void);
"""


def install() -> None:
    """Put the hook in front of WeasyPrint's ffi module; nothing when it is imported already
    (a process that imported WeasyPrint first simply parses, as WeasyPrint does alone)."""
    if MODULE in sys.modules or any(isinstance(f, _Finder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _Finder())


def declared(ffi) -> bool:
    """Whether ``ffi`` (WeasyPrint's) holds ``EXTRA`` already."""
    return getattr(ffi, "samizdat_extra", False)


def cache_folder() -> Path | None:
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache" if "HOME" in os.environ
                                                else None)
    return Path(base) / "samizdat" if base else None


class _Finder:
    """A meta path finder for WeasyPrint's ffi module alone."""

    def find_spec(self, name, path, target=None):
        if name != MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or type(spec.loader) is not importlib.machinery.SourceFileLoader:
            return None
        spec.loader = _Loader(spec.loader.name, spec.loader.path)
        return spec

    def invalidate_caches(self) -> None:
        pass


class _Loader(importlib.machinery.SourceFileLoader):
    def exec_module(self, module: types.ModuleType) -> None:
        source = Path(self.path).read_bytes()
        factory = _Factory(_key(source))
        # The module's own ``import cffi`` gets a cffi whose FFI is ``factory``; the rest of
        # cffi, and every other module's cffi, are untouched (the swap is local to this
        # module's globals, so a thread importing something else meanwhile is not affected).
        shimmed = dict(builtins.__dict__)
        shimmed["__import__"] = factory.importer
        module.__dict__["__builtins__"] = shimmed
        try:
            super().exec_module(module)
        finally:
            module.__dict__["__builtins__"] = builtins
        factory.keep()


def _key(source: bytes) -> str:
    import cffi

    parts = [FORMAT, sys.version, cffi.__version__, EXTRA, source.decode("utf-8", "replace")]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


class _Factory:
    """``cffi.FFI`` as WeasyPrint's ffi module sees it."""

    def __init__(self, key: str):
        self.key = key
        self.made = None

    def importer(self, name, globals=None, locals=None, fromlist=(), level=0):
        module = builtins.__import__(name, globals, locals, fromlist, level)
        if name == "cffi" and level == 0 and not fromlist:
            shim = types.ModuleType("cffi")
            shim.__dict__.update(module.__dict__)
            shim.FFI = self.ffi
            return shim
        return module

    def ffi(self, *args, **kwargs):
        import cffi

        if args or kwargs or self.made is not None:  # not the one FFI we know: cffi's own
            return cffi.FFI(*args, **kwargs)
        loaded = _load(self.key)
        self.made = loaded if loaded is not None else _parsing_ffi()
        return self.made

    def keep(self) -> None:
        """After the module ran: write what was parsed, for the next process."""
        if getattr(self.made, "sources", None):  # parsed here, not loaded
            _store(self.key, self.made)


def _compiled_class():
    import _cffi_backend

    class CompiledFFI(_cffi_backend.FFI):
        """An out-of-line FFI that takes the ``cdef`` calls it was made from as done."""

        samizdat_extra = True

        def cdef(self, source, *args, **kwargs):
            if _digest(source) not in self.samizdat_sources:
                raise RuntimeError(
                    "samizdat: WeasyPrint declared C functions its cached declarations do not "
                    f"hold; remove {cache_folder()} and build again")

    return CompiledFFI


def _parsing_ffi():
    import cffi

    class ParsingFFI(cffi.FFI):
        """cffi's FFI, recording what it parses (and adding ``EXTRA`` after WeasyPrint's)."""

        samizdat_extra = False

        def __init__(self):
            super().__init__()
            self.sources: list[str] = []

        def cdef(self, source, *args, **kwargs):
            super().cdef(source, *args, **kwargs)
            if args or kwargs:  # packed, override...: not something out-of-line data keeps
                self.sources = []
                return
            self.sources.append(source)
            if not self.samizdat_extra:
                super().cdef(EXTRA)
                self.samizdat_extra = True

    return ParsingFFI()


def _digest(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _entry(key: str) -> Path | None:
    folder = cache_folder()
    return folder / "weasyprint-ffi" / f"{key}.marshal" if folder else None


def _load(key: str):
    path = _entry(key)
    try:
        data = path.read_bytes() if path else None
    except OSError:
        return None
    if not data or len(data) < 32 or hashlib.sha256(data[32:]).digest() != data[:32]:
        return None
    try:
        name, arguments, sources = marshal.loads(data[32:])
        ffi = _compiled_class()(name, **arguments)
    except Exception:  # another cffi's layout of the data, a damaged entry: parse instead
        return None
    ffi.samizdat_sources = frozenset(sources)
    return ffi


def _store(key: str, parsed) -> None:
    """The out-of-line form of ``parsed``: cffi's generated module, read as data."""
    import ast
    import io

    path = _entry(key)
    if path is None:
        return
    try:
        from cffi.recompiler import make_py_source  # what ``emit_python_code`` calls

        text = io.StringIO()
        make_py_source(parsed, "_samizdat_weasyprint_ffi", text)
        tree = ast.parse(text.getvalue())
        (call,) = [node.value for node in tree.body if isinstance(node, ast.Assign)
                   and isinstance(node.value, ast.Call)]
        name = ast.literal_eval(call.args[0])
        arguments = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
        body = marshal.dumps((name, arguments, [_digest(s) for s in parsed.sources]))
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        partial.write_bytes(hashlib.sha256(body).digest() + body)
        os.replace(partial, path)
    except Exception:  # no cache to write to, or cffi's generated code unlike cffi 1.x/2.x's
        return
