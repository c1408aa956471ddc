"""samizdat: Markdown chapters and a metadata file in; EPUB, KEPUB, A5 PDF and booklets out."""

__version__ = "0.1.0"
