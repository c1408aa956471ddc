"""The English word list shared by the importer (hyphen decisions) and lint (spelling).

pyspellchecker ships an English word-frequency dictionary on PyPI, so every machine gets the
same list without a system dictionary package; a manuscript adds its names and
transliterations in ``wordlist.txt``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    from spellchecker import SpellChecker

    return frozenset(SpellChecker(language="en").word_frequency.keys())


def read_project_words(path: Path) -> frozenset[str]:
    """Words from a project word list: one a line, ``#`` starts a comment."""
    if not path.is_file():
        return frozenset()
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.add(word.lower())
    return frozenset(words)


def is_english_word(word: str, extra: frozenset[str] = frozenset()) -> bool:
    lowered = word.lower()
    return lowered in english_words() or lowered in extra
