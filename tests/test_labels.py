"""The one table of words samizdat writes: every language it claims has every label, with the
same placeholders as English, so that no edition falls back to English in mid-book."""

from __future__ import annotations

import string

import pytest

from samizdat.labels import LABELS, LANGUAGES, label, long_date


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_every_label_with_the_same_placeholders(lang):
    assert set(LABELS[lang]) == set(LABELS["en"])
    for key, text in LABELS[lang].items():
        assert placeholders(text) == placeholders(LABELS["en"][key]), (lang, key)
        assert text.strip() and '"' not in text and "'" not in text, (lang, key)
    assert len(LABELS[lang]["months"].split()) == 12


def test_a_language_samizdat_does_not_claim_gets_english_marked_as_english():
    assert label("nl", "contents").text == "Contents" and label("nl", "contents").lang == "en"
    assert label("it-CH", "contents").text == "Indice" and label("it-CH", "contents").lang is None


@pytest.mark.parametrize("lang, date, expected", [
    ("en-GB", "2021-09-12", "12 September 2021"), ("de", "2021-09-12", "12. September 2021"),
    ("es", "2021-09-12", "12 de septiembre de 2021"), ("ru", "2021-09-12", "12 сентября 2021"),
    ("ru", "2021-09", "09.2021"), ("fr", "2021-09", "septembre 2021"), ("nl", "2021-09-12", "2021-09-12"),
])
def test_long_dates_in_the_books_language(lang, date, expected):
    assert long_date(lang, date) == expected
