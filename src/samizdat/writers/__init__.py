"""Writers: the book model rendered as EPUB, KEPUB, PDF and booklets."""

from samizdat.writers import weasyprint_ffi

# Before anything here imports WeasyPrint: its C declarations come parsed from the cache.
weasyprint_ffi.install()
