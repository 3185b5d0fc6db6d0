"""The vocabulary data (connectedness/vocabulary/*.toml) and the patterns compiled from it."""

from __future__ import annotations

import pytest

from connectedness import vocabulary
from connectedness.vocabulary import fold, fold_path, path_pattern, pattern, segment_term, term_of

ALL_TERMS = [(c, t) for c in vocabulary.concepts() for t in vocabulary.terms(c)]


@pytest.mark.parametrize(("concept", "term"), ALL_TERMS)
def test_every_term_covers_the_required_languages(concept: str, term: str) -> None:
    if term in vocabulary.partial_terms(concept):
        assert vocabulary.languages(concept, term), f"{concept}.{term} has no words at all"
        return
    missing = set(vocabulary.REQUIRED_LANGUAGES) - vocabulary.languages(concept, term)
    assert not missing, f"{concept}.{term} lacks {sorted(missing)}"


@pytest.mark.parametrize("concept", vocabulary.concepts())
def test_no_word_names_two_terms_of_one_concept(concept: str) -> None:
    # Month names may name different months in different languages ("listopad"), which the page's language
    # settles: there, a word must name one term within each language; elsewhere, across all of them.
    per_language = bool(vocabulary._meta(concept).get("words_differ_by_language"))
    owner: dict[tuple[str, str], str] = {}
    for term in vocabulary.terms(concept):
        for lang in vocabulary.languages(concept, term):
            for word in vocabulary.words(concept, term, (lang,)):
                key = (lang if per_language else "", fold(word))
                assert owner.setdefault(key, term) == term, f"{concept}: {word!r} is both {owner[key]} and {term}"


@pytest.mark.parametrize(("concept", "term"), ALL_TERMS)
def test_every_word_is_found_as_its_own_term_and_not_inside_another_word(concept: str, term: str) -> None:
    found = pattern(concept, term)
    for word in vocabulary.words(concept, term):
        shouted = word.upper() if word.upper().lower() == word else word  # "ΐ" has no one-letter capital
        assert term_of(found.search(f"Go to: {shouted} today")) == term, word
        assert term_of(found.search(f"<{word}>")) == term, word
        glued = [w for lang in vocabulary.languages(concept, term) for w in vocabulary._data(concept)[term][lang]
                 if w.strip("*") == word and "*" in w]
        single = not any(ch in word for ch in " -'")  # a phrase's own words may be words of the term
        if single and not glued and not vocabulary._UNSPACED.search(word):
            assert found.search(f"zq{word}qz") is None, f"{word!r} matched inside a longer word"


# Minimal labels as real sites write them, one or more per language.
LABELS = [
    ("sections", "news", "en", "Latest news"), ("sections", "news", "de", "Aktuelles"),
    ("sections", "news", "de", "Neuigkeiten"), ("sections", "news", "fr", "Actualités"),
    ("sections", "news", "es", "Noticias"), ("sections", "news", "it", "Notizie"),
    ("sections", "news", "pt", "Notícias"), ("sections", "news", "nl", "Nieuws"),
    ("sections", "news", "pl", "Aktualności"), ("sections", "news", "cs", "Novinky"),
    ("sections", "news", "sk", "Novinky"), ("sections", "news", "hr", "Novosti"),
    ("sections", "news", "ru", "Новости"), ("sections", "news", "sv", "Nyheter"),
    ("sections", "news", "da", "Nyheder"), ("sections", "news", "ja", "最新ニュース一覧"),
    ("sections", "press", "de", "Pressemitteilungen"), ("sections", "press", "de", "Pressebereich"),
    ("sections", "press", "fr", "Espace presse"), ("sections", "press", "en", "Newsroom? no: Press releases"),
    ("sections", "magazine", "de", "Magazin"), ("sections", "blog", "sv", "Blogg"),
    ("sections", "contact", "de", "Kontakt"), ("sections", "contact", "it", "Contatti"),
    ("sections", "contact", "es", "Contáctenos"), ("sections", "about", "de", "Über uns"),
    ("sections", "about", "fr", "Qui sommes-nous ?"), ("sections", "about", "pl", "O nas"),
    ("sections", "events", "de", "Veranstaltungen"), ("sections", "community", "fr", "Communauté"),
    ("commerce", "cart", "de", "Warenkorb"), ("commerce", "cart", "cs", "Košík"),
    ("commerce", "cart", "it", "Carrello"), ("commerce", "cart", "fr", "Panier"),
    ("commerce", "cart", "es", "Cesta"), ("commerce", "cart", "pt", "Carrinho"),
    ("commerce", "cart", "nl", "Winkelwagen"), ("commerce", "cart", "pl", "Koszyk"),
    ("commerce", "cart", "ru", "Корзина"), ("commerce", "cart", "sv", "Varukorg"),
    ("commerce", "cart", "da", "Kurv"), ("commerce", "cart", "hr", "Košarica"),
    ("commerce", "add_to_cart", "en", "Add to bag"), ("commerce", "add_to_cart", "de", "In den Warenkorb"),
    ("commerce", "add_to_cart", "sk", "Pridať do košíka"), ("commerce", "add_to_cart", "ru", "В корзину"),  # noqa: RUF001 - Cyrillic, meant
    ("newsletter", "newsletter", "de", "Newsletter-Anmeldung"),
    ("newsletter", "newsletter", "de", "Newsletteranmeldung"),
    ("newsletter", "newsletter", "de", "Unser Kundennewsletter"),
    ("newsletter", "newsletter", "nl", "Schrijf je in voor de nieuwsbrief"),
    ("newsletter", "newsletter", "sv", "Nyhetsbrevet"), ("newsletter", "register", "en", "Sign-up"),
    ("newsletter", "register", "fr", "Inscrivez-vous"), ("newsletter", "subscribe", "ru", "Подписаться"),
    ("newsletter", "subscribe", "de", "Jetzt abonnieren"), ("newsletter", "subscribe", "fr", "S'abonner"),
    ("newsletter", "register", "de", "Verbindlich anmelden"), ("newsletter", "register", "nl", "Meld je aan"),
    ("newsletter", "register", "pt", "Inscrição"), ("newsletter", "news", "pl", "Nowości i promocje"),
    ("newsletter", "account", "en", "Create your free account"), ("newsletter", "account", "de", "Konto erstellen"),
    ("conversation", "comments_closed", "en", "Comments are closed."),
    ("conversation", "comments_closed", "de", "Kommentare sind geschlossen."),
    ("conversation", "comments_closed", "fr", "Les commentaires sont fermés."),
    ("conversation", "comments_closed", "es", "Los comentarios están cerrados."),
    ("conversation", "comments_closed", "pl", "Możliwość komentowania została wyłączona."),
    ("conversation", "reply", "en", "Reply"), ("conversation", "reply", "de", "Antworten"),
]


@pytest.mark.parametrize(("concept", "term", "lang", "label"), LABELS)
def test_labels_real_sites_write_are_found(concept: str, term: str, lang: str, label: str) -> None:
    assert lang in vocabulary.languages(concept, term)
    assert term_of(pattern(concept, term).search(label)) == term


@pytest.mark.parametrize(("concept", "text"), [
    ("sections", "Impressum"),                      # "press" inside a word
    ("sections", "Powered by WordPress"),           # "press" at the end of a word
    ("sections", "Blood pressure monitors"),        # "press" at the start of an English word
    ("sections", "Search our site"),                # a search box is not a section
    ("sections", "Solarkraftwerk"),                 # no section word hides in an unrelated compound
    ("newsletter", "Search our site"),
    ("newsletter", "Newspaper archive"),
    ("conversation", "Kommentatoren und Antwortzeiten"),  # no conversation word begins a longer word
    ("commerce", "Cartography and cartoons"),
    ("forms", "Kontaktlinsen"),                     # contact lenses are no enquiry
])
def test_words_inside_unrelated_words_are_not_found(concept: str, text: str) -> None:
    assert pattern(concept).search(text) is None


@pytest.mark.parametrize(("segment", "term"), [
    ("aktuelles", "news"), ("blog", "blog"), ("blogs", "blog"), ("pressemitteilungen", "press"),
    ("pressebereich", "press"), ("novinky", "news"), ("noticias", "news"), ("news.html", "news"),
    ("actualit%C3%A9s", "news"), ("actualites", "news"), ("%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8", "news"),
    ("ueber-uns", "about"), ("uber_uns", "about"), ("%C3%BCber-uns", "about"), ("aktualnosci", "news"),
    ("wordpress", None), ("impressum", None), ("news-and-more", None),
])
def test_a_whole_path_segment_names_its_section(segment: str, term: str | None) -> None:
    assert segment_term("sections", segment) == term


@pytest.mark.parametrize(("path", "term"), [
    ("/de/aktuelles/", "news"), ("/company/press-releases/2024", "press"), ("/kontakt_formular", "contact"),
    ("/contact-us", "contact"), ("/es/contacto/", "contact"), ("/blog/wordpress-tips", "blog"),
    ("/wordpress-tips", None), ("/impressum", None),
])
def test_path_pattern_finds_slug_words(path: str, term: str | None) -> None:
    assert term_of(path_pattern("sections", "news", "press", "contact", "blog").search(fold_path(path))) == term


def test_a_month_name_that_differs_by_language_needs_the_language() -> None:
    assert vocabulary.terms_of("months", "Listopada") == {"pl": "november", "hr": "october"}
    assert set(vocabulary.terms_of("months", "März").values()) == {"march"}


def test_find_names_the_first_term_and_patterns_are_compiled_once() -> None:
    assert vocabulary.find("sections", "Über uns | Kontakt") == "about"
    assert vocabulary.find("sections", "Kontakt", "about") is None
    assert pattern("sections", "news") is pattern("sections", "news")
    with pytest.raises(KeyError):
        pattern("sections", "no_such_term")
