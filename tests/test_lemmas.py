"""Tokens and lemmas: gender forms, hyphenated words, offsets, stop words."""

import pytest

from konzeptanalyse.lemmas import LEMMATISER, STOPWORDS, gender_base, lemmatise, tokenize


@pytest.mark.parametrize(
    "form", ["Bürger:innen", "Bürger*innen", "Bürger_innen", "BürgerInnen", "Bürger·innen"]
)
def test_gender_forms_are_one_token_with_base_lemma(form):
    tokens = tokenize(f"Alle {form} sind eingeladen.")
    assert [t.text for t in tokens][1] == form
    assert tokens[1].lemma == "bürger"


def test_feminine_plural_shares_the_base_lemma():
    assert lemmatise("Bürgerinnen und Bürger") == ["bürger", "und", "bürger"]
    assert lemmatise("Migrantinnen") == ["migrant"]


def test_words_ending_in_in_are_not_made_masculine():
    assert lemmatise("Termin Medizin") == ["termin", "medizin"]


def test_hyphenated_word_stays_whole():
    tokens = tokenize("Angebote für EU-Bürgern")
    assert tokens[-1].text == "EU-Bürgern"
    assert tokens[-1].lemma == "eu-bürger"


def test_suspended_hyphen_stays_on_its_token():
    assert [t.text for t in tokenize("Sprach- und Kulturmittler")] == [
        "Sprach-",
        "und",
        "Kulturmittler",
    ]


def test_offsets_point_into_the_input():
    text = "Die Kita  baut Sprachkurse aus."
    for t in tokenize(text):
        assert text[t.start : t.end] == t.text


def test_lemmatise_drops_punctuation_and_numbers():
    assert lemmatise("Seit 2015 gibt es Sprachkurse.") == ["seit", "geben", "es", "sprachkurs"]


def test_gender_base_inside_compound_keeps_feminine_form():
    assert gender_base("Migrant*innenberatung") == "Migrantinnenberatung"


def test_lemmatiser_and_stopwords_are_declared():
    assert LEMMATISER.startswith("simplemma")
    assert {"und", "der", "sowie"} <= STOPWORDS
    assert "integration" not in STOPWORDS
