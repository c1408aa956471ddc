"""Writers: the book model rendered as EPUB, KEPUB, PDF and booklets."""

from samizdat.writers import weasyprint_import

# Before anything here imports WeasyPrint: see weasyprint_import's docstring.
weasyprint_import.install()
