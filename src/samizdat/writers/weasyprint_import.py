"""WeasyPrint's import made cheaper. Every process that sets a page pays it (the EPUB cover's
child, every print build), and it was 0.6-0.7 s on our machines, most of a cover's time.

``install`` puts an import hook in front of two of WeasyPrint's modules. Each runs as written,
except for what its own import statements receive (the swap is local to that module's
globals, so a thread importing something else meanwhile is not affected):

- ``weasyprint.text.ffi`` declares the C functions of Pango, HarfBuzz, fontconfig and GObject
  to cffi in "in-line ABI mode" (``ffi = cffi.FFI(); ffi.cdef(...)``), so cffi parses some
  450 lines of C with pycparser at every import: 0.3 s. cffi's "out-of-line ABI mode" keeps
  the parsed form as data and loads it in milliseconds, with the same objects and the same
  calls ("Out-of-line, ABI level" in cffi's documentation: ``set_source(name, None)``). The
  module's ``cffi.FFI()`` answers with an FFI made from this installation's cached
  declarations when the cache holds those of this very ``ffi.py`` (the key is a digest of its
  source, cffi's version and Python's), whose ``cdef`` accepts only the declarations it was
  made from; else with cffi's own FFI, which parses as usual, and the parsed declarations are
  written to the cache for the next process.
- ``weasyprint.pdf.fonts`` imports fontTools' subsetter and variable-font instancer (60-120 ms
  with what they import), which it calls only when HarfBuzz cannot subset a font and for
  variable fonts. It receives stand-ins that import the real ones when first used.

The declarations' cache is ``$XDG_CACHE_HOME/samizdat`` (else ``~/.cache/samizdat``), beside
fontconfig's own cache of the same kind: it belongs to the installation, not to a book, and
holds nothing a book's bytes depend on. An entry is data (``marshal``), never code, and
carries a digest of itself; an entry that is unreadable, damaged or for another WeasyPrint is
ignored. No cache folder that can be written: every process parses, as WeasyPrint does alone.

Our own declarations on WeasyPrint's ffi (``EXTRA``: HarfBuzz faces from bytes, for the
joined PDF's font subsets in ``writers/pdf_join.py``) are made in the same step, so they are
parsed once too. Same output either way: tests/test_weasyprint_import.py.
"""

from __future__ import annotations

import builtins
import hashlib
import importlib
import importlib.machinery
import marshal
import os
import sys
import types
from pathlib import Path

FFI_MODULE = "weasyprint.text.ffi"
FONTS_MODULE = "weasyprint.pdf.fonts"
FORMAT = "weasyprint-ffi 1"

# What writers/pdf_join.py calls that WeasyPrint 70 does not declare.
EXTRA = """
    hb_blob_t * hb_blob_create (const char *data, unsigned int length, int mode,
                                void *user_data, void *destroy);
    hb_face_t * hb_face_create (hb_blob_t *blob, unsigned int index);
    const char * hb_version_string (void);
"""


def install() -> None:
    """Put the hook in front of WeasyPrint's two modules; nothing when WeasyPrint is imported
    already (a process that imported it first simply pays, as WeasyPrint alone does)."""
    if FFI_MODULE in sys.modules or any(isinstance(f, _Finder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _Finder())


def declared(ffi) -> bool:
    """Whether ``ffi`` (WeasyPrint's) holds ``EXTRA`` already."""
    return getattr(ffi, "samizdat_extra", False)


def installation_cache() -> Path | None:
    """This installation's own cache folder (a book's cache is in its output folder)."""
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache" if "HOME" in os.environ
                                                else None)
    return Path(base) / "samizdat" if base else None


class _Finder:
    """A meta path finder for the two modules alone."""

    def find_spec(self, name, path, target=None):
        if name not in (FFI_MODULE, FONTS_MODULE):
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or type(spec.loader) is not importlib.machinery.SourceFileLoader:
            return None
        loader = _FfiLoader if name == FFI_MODULE else _FontsLoader
        spec.loader = loader(spec.loader.name, spec.loader.path)
        return spec

    def invalidate_caches(self) -> None:
        pass


class _Loader(importlib.machinery.SourceFileLoader):
    """Runs the module with ``importer`` as its ``__import__``."""

    def exec_with(self, module: types.ModuleType, importer) -> None:
        shimmed = dict(builtins.__dict__)
        shimmed["__import__"] = importer
        module.__dict__["__builtins__"] = shimmed
        try:
            super().exec_module(module)
        finally:
            module.__dict__["__builtins__"] = builtins


class _FfiLoader(_Loader):
    def exec_module(self, module: types.ModuleType) -> None:
        # The module's own ``import cffi`` gets a cffi whose FFI is ``factory``'s.
        factory = _Factory(_key(Path(self.path).read_bytes()))
        self.exec_with(module, factory.importer)
        factory.keep()


class _FontsLoader(_Loader):
    def exec_module(self, module: types.ModuleType) -> None:
        self.exec_with(module, _deferring_import)


def _deferring_import(name, globals=None, locals=None, fromlist=(), level=0):
    """``from fontTools import subset`` and ``from fontTools.varLib.instancer import
    instantiateVariableFont`` as stand-ins; every other import as it is."""
    wanted = tuple(fromlist or ())
    if level == 0 and name == "fontTools" and wanted == ("subset",):
        return types.SimpleNamespace(subset=_DeferredModule("fontTools.subset"))
    if level == 0 and name == "fontTools.varLib.instancer" and wanted == (
            "instantiateVariableFont",):
        return types.SimpleNamespace(instantiateVariableFont=_deferred_function(
            "fontTools.varLib.instancer", "instantiateVariableFont"))
    return builtins.__import__(name, globals, locals, fromlist, level)


class _DeferredModule:
    """A module imported when one of its names is first asked for."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute: str):
        return getattr(importlib.import_module(self._name), attribute)


def _deferred_function(module: str, name: str):
    def deferred(*args, **kwargs):
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    deferred.__name__ = deferred.__qualname__ = name
    return deferred


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
                    f"hold; remove {installation_cache()} and build again")

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
    folder = installation_cache()
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
