"""Every word samizdat itself puts into a book, in every language it claims (``LANGUAGES``).

One table for every edition: the EPUB and the print edition say "Contents", "Notes" or
"Translated by" in the same words. A book in a language not listed gets English, and the
element that carries the English text is tagged ``lang="en"`` so that a screen reader switches
voice (WCAG 3.1.2). ``tests/test_labels.py`` holds every language to the same set of keys.
"""

from __future__ import annotations

from dataclasses import dataclass

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "contents": "Contents",
        "cover": "Cover",
        "cover_alt": "Cover: {title}, by {authors}",
        "landmarks": "Landmarks",
        "start": "Start of text",
        "notes": "Notes",
        "pages": "Pages",
        "backlink": "Back to the text of note {n}",
        "colophon": "Colophon",
        "bibliography": "Bibliography",
        "references": "References",
        "edt": "Edited by {names}",
        "trl": "Translated by {names}",
        "ill": "Illustrated by {names}",
        "aui": "Introduction by {names}",
        "aft": "Afterword by {names}",
        "ctb": "With contributions by {names}",
        "and": "and",
        "source": "First published: {source}.",
        "source_date": "First published: {source}, {date}.",
        "date": "First published {date}.",
        "publisher": "Published by {publisher}.",
        "made": "Made with samizdat.",
        "editorial_note": "Editorial note",
        "editorial_intro": "This edition corrects the evident slips listed below, giving the reading as first published; every other word, spelling and mark of punctuation is the author’s.",
        "opening": "Opening",
        "reads": "First published:",
        "corrected": "Corrected:",
        "months": "January February March April May June July August September October November December",
    },
    "fr": {
        "contents": "Table des matières",
        "cover": "Couverture",
        "cover_alt": "Couverture : {title}, par {authors}",
        "landmarks": "Repères",
        "start": "Début du texte",
        "notes": "Notes",
        "pages": "Pages",
        "backlink": "Retour à l’appel de note {n}",
        "colophon": "Colophon",
        "bibliography": "Bibliographie",
        "references": "Références",
        "edt": "Édité par {names}",
        "trl": "Traduit par {names}",
        "ill": "Illustré par {names}",
        "aui": "Introduction de {names}",
        "aft": "Postface de {names}",
        "ctb": "Avec des contributions de {names}",
        "and": "et",
        "source": "Première publication : {source}.",
        "source_date": "Première publication : {source}, {date}.",
        "date": "Première publication : {date}.",
        "publisher": "Publié par {publisher}.",
        "made": "Fabriqué avec samizdat.",
        "editorial_note": "Note de l’éditeur",
        "editorial_intro": "Cette édition corrige les coquilles évidentes ci-dessous, en donnant la leçon de la première publication ; tout le reste est de l’auteur.",
        "opening": "Ouverture",
        "reads": "Première publication :",
        "corrected": "Corrigé :",
        "months": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    },
    "de": {
        "contents": "Inhalt",
        "cover": "Umschlag",
        "cover_alt": "Umschlag: {title}, von {authors}",
        "landmarks": "Orientierungspunkte",
        "start": "Textbeginn",
        "notes": "Anmerkungen",
        "pages": "Seiten",
        "backlink": "Zurück zur Anmerkung {n} im Text",
        "colophon": "Impressum",
        "bibliography": "Literatur",
        "references": "Literatur",
        "edt": "Herausgegeben von {names}",
        "trl": "Übersetzt von {names}",
        "ill": "Illustriert von {names}",
        "aui": "Mit einer Einleitung von {names}",
        "aft": "Mit einem Nachwort von {names}",
        "ctb": "Mit Beiträgen von {names}",
        "and": "und",
        "source": "Erstveröffentlichung: {source}.",
        "source_date": "Erstveröffentlichung: {source}, {date}.",
        "date": "Erstveröffentlichung: {date}.",
        "publisher": "Verlegt bei {publisher}.",
        "made": "Hergestellt mit samizdat.",
        "editorial_note": "Editorische Notiz",
        "editorial_intro": "Diese Ausgabe berichtigt die folgenden offensichtlichen Versehen und nennt die Lesart der Erstveröffentlichung; alles Übrige ist der Text des Autors.",
        "opening": "Anfang",
        "reads": "Erstveröffentlichung:",
        "corrected": "Berichtigt:",
        "months": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    },
    "es": {
        "contents": "Índice",
        "cover": "Cubierta",
        "cover_alt": "Cubierta: {title}, de {authors}",
        "landmarks": "Puntos de referencia",
        "start": "Comienzo del texto",
        "notes": "Notas",
        "pages": "Páginas",
        "backlink": "Volver a la llamada de nota {n}",
        "colophon": "Colofón",
        "bibliography": "Bibliografía",
        "references": "Referencias",
        "edt": "Edición de {names}",
        "trl": "Traducción de {names}",
        "ill": "Ilustraciones de {names}",
        "aui": "Introducción de {names}",
        "aft": "Epílogo de {names}",
        "ctb": "Con colaboraciones de {names}",
        "and": "y",
        "source": "Publicado por primera vez en {source}.",
        "source_date": "Publicado por primera vez en {source}, {date}.",
        "date": "Publicado por primera vez: {date}.",
        "publisher": "Publicado por {publisher}.",
        "made": "Hecho con samizdat.",
        "editorial_note": "Nota editorial",
        "editorial_intro": "Esta edición corrige los descuidos evidentes que siguen, con la lectura de la primera publicación; todo lo demás es del autor.",
        "opening": "Apertura",
        "reads": "Primera publicación:",
        "corrected": "Corregido:",
        "months": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    },
    "it": {
        "contents": "Indice",
        "cover": "Copertina",
        "cover_alt": "Copertina: {title}, di {authors}",
        "landmarks": "Punti di riferimento",
        "start": "Inizio del testo",
        "notes": "Note",
        "pages": "Pagine",
        "backlink": "Torna al richiamo della nota {n}",
        "colophon": "Colophon",
        "bibliography": "Bibliografia",
        "references": "Riferimenti bibliografici",
        "edt": "A cura di {names}",
        "trl": "Traduzione di {names}",
        "ill": "Illustrazioni di {names}",
        "aui": "Introduzione di {names}",
        "aft": "Postfazione di {names}",
        "ctb": "Con contributi di {names}",
        "and": "e",
        "source": "Prima pubblicazione: {source}.",
        "source_date": "Prima pubblicazione: {source}, {date}.",
        "date": "Prima pubblicazione: {date}.",
        "publisher": "Pubblicato da {publisher}.",
        "made": "Realizzato con samizdat.",
        "editorial_note": "Nota editoriale",
        "editorial_intro": "Questa edizione corregge le sviste evidenti elencate di seguito, riportando la lezione della prima pubblicazione; tutto il resto è dell’autore.",
        "opening": "Apertura",
        "reads": "Prima pubblicazione:",
        "corrected": "Corretto:",
        "months": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    },
    "pt": {
        "contents": "Sumário",
        "cover": "Capa",
        "cover_alt": "Capa: {title}, de {authors}",
        "landmarks": "Pontos de referência",
        "start": "Início do texto",
        "notes": "Notas",
        "pages": "Páginas",
        "backlink": "Voltar à chamada da nota {n}",
        "colophon": "Colofão",
        "bibliography": "Bibliografia",
        "references": "Referências",
        "edt": "Edição de {names}",
        "trl": "Tradução de {names}",
        "ill": "Ilustrações de {names}",
        "aui": "Introdução de {names}",
        "aft": "Posfácio de {names}",
        "ctb": "Com contribuições de {names}",
        "and": "e",
        "source": "Publicado originalmente em {source}.",
        "source_date": "Publicado originalmente em {source}, {date}.",
        "date": "Publicado originalmente em {date}.",
        "publisher": "Publicado por {publisher}.",
        "made": "Feito com samizdat.",
        "editorial_note": "Nota editorial",
        "editorial_intro": "Esta edição corrige os lapsos evidentes listados abaixo, dando a leitura da primeira publicação; todo o resto é do autor.",
        "opening": "Abertura",
        "reads": "Primeira publicação:",
        "corrected": "Corrigido:",
        "months": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    },
    "ru": {
        "contents": "Содержание",
        "cover": "Обложка",
        "cover_alt": "Обложка: {title}, {authors}",
        "landmarks": "Ориентиры",
        "start": "Начало текста",
        "notes": "Примечания",
        "pages": "Страницы",
        "backlink": "Назад к примечанию {n} в тексте",
        "colophon": "Выходные сведения",
        "bibliography": "Библиография",
        "references": "Список литературы",
        "edt": "Под редакцией {names}",
        "trl": "Перевод: {names}",
        "ill": "Иллюстрации: {names}",
        "aui": "Предисловие: {names}",
        "aft": "Послесловие: {names}",
        "ctb": "При участии: {names}",
        "and": "и",
        "source": "Впервые опубликовано: {source}.",
        "source_date": "Впервые опубликовано: {source}, {date}.",
        "date": "Впервые опубликовано: {date}.",
        "publisher": "Издатель: {publisher}.",
        "made": "Сделано в samizdat.",
        "editorial_note": "От редакции",
        "editorial_intro": "В этом издании исправлены очевидные описки, перечисленные ниже, с указанием чтения первой публикации; всё остальное — текст автора.",
        "opening": "Начало",
        "reads": "В первой публикации:",
        "corrected": "Исправлено:",
        "months": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    },
    "uk": {
        "contents": "Зміст",
        "cover": "Обкладинка",
        "cover_alt": "Обкладинка: {title}, {authors}",
        "landmarks": "Орієнтири",
        "start": "Початок тексту",
        "notes": "Примітки",
        "pages": "Сторінки",
        "backlink": "Назад до примітки {n} в тексті",
        "colophon": "Вихідні відомості",
        "bibliography": "Бібліографія",
        "references": "Список літератури",
        "edt": "За редакцією {names}",
        "trl": "Переклад: {names}",
        "ill": "Ілюстрації: {names}",
        "aui": "Передмова: {names}",
        "aft": "Післямова: {names}",
        "ctb": "За участі: {names}",
        "and": "і",
        "source": "Уперше опубліковано: {source}.",
        "source_date": "Уперше опубліковано: {source}, {date}.",
        "date": "Уперше опубліковано: {date}.",
        "publisher": "Видавець: {publisher}.",
        "made": "Зроблено в samizdat.",
        "editorial_note": "Від редакції",
        "editorial_intro": "У цьому виданні виправлено очевидні описки, перелічені нижче, із зазначенням читання першої публікації; усе інше — текст автора.",
        "opening": "Початок",
        "reads": "У першій публікації:",
        "corrected": "Виправлено:",
        "months": "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
    },
    "pl": {
        "contents": "Spis treści",
        "cover": "Okładka",
        "cover_alt": "Okładka: {title}, {authors}",
        "landmarks": "Punkty orientacyjne",
        "start": "Początek tekstu",
        "notes": "Przypisy",
        "pages": "Strony",
        "backlink": "Powrót do przypisu {n} w tekście",
        "colophon": "Metryka",
        "bibliography": "Bibliografia",
        "references": "Bibliografia",
        "edt": "Redakcja: {names}",
        "trl": "Przekład: {names}",
        "ill": "Ilustracje: {names}",
        "aui": "Wstęp: {names}",
        "aft": "Posłowie: {names}",
        "ctb": "Współpraca: {names}",
        "and": "i",
        "source": "Pierwodruk: {source}.",
        "source_date": "Pierwodruk: {source}, {date}.",
        "date": "Pierwodruk: {date}.",
        "publisher": "Wydawca: {publisher}.",
        "made": "Wykonano w samizdat.",
        "editorial_note": "Nota redakcyjna",
        "editorial_intro": "W tym wydaniu poprawiono wymienione niżej oczywiste omyłki, podając brzmienie pierwodruku; wszystko inne jest tekstem autora.",
        "opening": "Początek",
        "reads": "W pierwodruku:",
        "corrected": "Poprawiono:",
        "months": "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia",
    },
    "cs": {
        "contents": "Obsah",
        "cover": "Obálka",
        "cover_alt": "Obálka: {title}, {authors}",
        "landmarks": "Orientační body",
        "start": "Začátek textu",
        "notes": "Poznámky",
        "pages": "Strany",
        "backlink": "Zpět na poznámku {n} v textu",
        "colophon": "Tiráž",
        "bibliography": "Bibliografie",
        "references": "Literatura",
        "edt": "Editor: {names}",
        "trl": "Přeložil(a): {names}",
        "ill": "Ilustrace: {names}",
        "aui": "Úvod: {names}",
        "aft": "Doslov: {names}",
        "ctb": "Spolupráce: {names}",
        "and": "a",
        "source": "Poprvé vydáno: {source}.",
        "source_date": "Poprvé vydáno: {source}, {date}.",
        "date": "Poprvé vydáno: {date}.",
        "publisher": "Vydal(a): {publisher}.",
        "made": "Vytvořeno v samizdat.",
        "editorial_note": "Ediční poznámka",
        "editorial_intro": "Toto vydání opravuje níže uvedená zřejmá přehlédnutí a uvádí znění prvního vydání; vše ostatní je text autora.",
        "opening": "Začátek",
        "reads": "V prvním vydání:",
        "corrected": "Opraveno:",
        "months": "ledna února března dubna května června července srpna září října listopadu prosince",
    },
}

#: The languages samizdat claims: a book in one of these gets every label in its language.
LANGUAGES = tuple(LABELS)

#: Roles a title page and colophon name, after the authors, in this order (MARC relators).
CREDITED_ROLES = ("edt", "trl", "ill", "aui", "aft", "ctb")


@dataclass(frozen=True)
class Label:
    text: str
    lang: str | None  # set when the label's language differs from the book's


def primary(lang: str) -> str:
    return lang.split("-")[0].lower()


def label(lang: str, key: str, **values: str) -> Label:
    """The label ``key`` for a book in ``lang``, filled with ``values``."""
    table = LABELS.get(primary(lang))
    if table is not None:
        return Label(table[key].format(**values), None)
    return Label(LABELS["en"][key].format(**values), "en")


def join_names(lang: str, names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {label(lang, 'and').text} {names[-1]}"


def long_date(lang: str, iso: str) -> str:
    """'2021-09-12' -> '12 September 2021' in the book's language (ISO kept where unknown)."""
    parts = iso.split("-")
    table = LABELS.get(primary(lang))
    if table is None or not all(p.isdigit() for p in parts):
        return iso
    names = table["months"].split()
    if len(parts) == 3:
        day = str(int(parts[2])) + ("." if primary(lang) in ("de", "cs") else "")
        joiner = " de " if primary(lang) in ("es", "pt") else " "
        return joiner.join([day, names[int(parts[1]) - 1], parts[0]])
    if len(parts) == 2:
        if primary(lang) in ("ru", "uk", "pl", "cs"):
            # The table's months are genitive (the form after a day); alone, a month takes the
            # nominative, which the table does not hold: the numeric form is correct in each.
            return f"{parts[1]}.{parts[0]}"
        return f"{names[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]
