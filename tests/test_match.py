"""Matching semantics, one promise per test (docs/matching.md)."""

import pickle

import pytest

from konzeptanalyse.codebook import Matcher, parse_codebook

BOOK = """
name: Testbuch
dimensions:
  handlungsfeld: {label: Handlungsfelder}
  massnahme: {label: Maßnahmen, scope: [measures, action_field]}
  zielgruppe: {label: Zielgruppen, scope: [measures]}
  aktion: {label: Handlungsverben}
  verstaendnis:
    label: Verständnis
    negation: true
    context_weights: {understanding: 1.0, default: 0.5}
codes:
  - code: hf.arbeit
    dimension: handlungsfeld
    label: Arbeit
    terms:
      - term: Arbeit
        not_in: ["*zusammenarbeit*"]
      - Ausbildung
    not: [Netzwerkarbeit]
  - code: hf.bildung
    dimension: handlungsfeld
    label: Bildung
    terms: [Bildung, "Schul*"]
  - code: hf.sprache
    dimension: handlungsfeld
    label: Sprache
    terms: [Sprachkurs, Sprache, "*förderung", "Deutsch als Zweitsprache", "re:\\\\bDaZ\\\\b"]
  - code: hf.partizipation
    dimension: handlungsfeld
    label: Partizipation
    terms: [{term: MSO}, Beirat]
  - code: m.ikoe
    dimension: massnahme
    label: Interkulturelle Öffnung
    terms: [Sprachmittler, Kulturmittler]
  - code: m.ikoe.schulung
    parent: m.ikoe
    label: Schulung
    terms: [{term: Training, weight: 2}]
  - code: zg.alle
    dimension: zielgruppe
    label: Alle
    terms: [Bürger]
  - code: a.verb
    dimension: aktion
    label: Handlungsverb
    terms: [anbieten]
  - code: v.anpassung
    dimension: verstaendnis
    label: Anpassung
    terms: [Assimilation, {near: [anpassen], with: [sich], within: 3}]
    not_near: {terms: [Angebot, Bedarf], within: 5}
  - code: v.teilhabe
    dimension: verstaendnis
    label: Teilhabe
    terms: [gleichberechtigte Teilhabe, {near: [anpassen], with: [Angebot, Bedarf], within: 5}]
"""


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(parse_codebook(BOOK, "test.yaml"))


def found(matcher, text, context=None):
    return [(t.code, t.matched) for t in matcher.tag(text, context)]


@pytest.mark.parametrize(
    "form", ["Bürger:innen", "Bürger*innen", "Bürger_innen", "BürgerInnen", "Bürger·innen"]
)
def test_gender_forms_match_the_base_term(matcher, form):
    assert found(matcher, f"Für alle {form}.", "measures") == [("zg.alle", form)]


def test_gender_pair_counts_once(matcher):
    assert found(matcher, "Bürgerinnen und Bürger", "measures") == [
        ("zg.alle", "Bürgerinnen und Bürger")
    ]


def test_inflection_via_lemma(matcher):
    assert found(matcher, "Die Beiräte tagen.") == [("hf.partizipation", "Beiräte")]


def test_term_matches_as_compound_modifier(matcher):
    assert found(matcher, "Sprachkursangebote") == [("hf.sprache", "Sprachkurs")]


def test_term_matches_as_compound_head(matcher):
    assert found(matcher, "Integrationssprachkurse") == [("hf.sprache", "sprachkurse")]


def test_nouns_do_not_match_lowercase_words(matcher):
    # "arbeiten" is a verb: the noun term "Arbeit" needs a capitalised token
    assert found(matcher, "Wir arbeiten zusammen.") == []


def test_not_in_excludes_compound(matcher):
    assert found(matcher, "Die Zusammenarbeit wächst.") == []
    assert found(matcher, "Arbeit und Arbeitsmarkt") == [
        ("hf.arbeit", "Arbeit"),
        ("hf.arbeit", "Arbeits"),
    ]


def test_code_level_exclusion_term(matcher):
    assert found(matcher, "Netzwerkarbeit ist wichtig.") == []


def test_short_modifier_does_not_make_a_head_match(matcher):
    # "Abbildung": a head needs a modifier of three letters or more
    assert found(matcher, "Siehe Abbildung 3.") == []


def test_longer_literal_of_same_dimension_shadows(matcher):
    # "Ausbildung" is hf.arbeit; the "Bildung" inside it is not also hf.bildung
    assert found(matcher, "Ausbildung") == [("hf.arbeit", "Ausbildung")]


def test_suspended_hyphen_is_expanded(matcher):
    tags = matcher.tag("Sprach- und Kulturmittler werden eingesetzt.", "measures")
    ikoe = [t for t in tags if t.code == "m.ikoe"]
    assert [(t.matched, t.rule) for t in ikoe] == [
        ("Sprach- und Kulturmittler", "m.ikoe/word:Sprachmittler")
    ]


def test_glob_matches_whole_token(matcher):
    assert found(matcher, "Schulhöfe") == [("hf.bildung", "Schulhöfe")]
    assert found(matcher, "Sprachförderung") == [("hf.sprache", "Sprachförderung")]


def test_phrase_matches_consecutive_words(matcher):
    assert found(matcher, "Unterricht in Deutsch als Zweitsprache") == [
        ("hf.sprache", "Deutsch als Zweitsprache")
    ]
    # words in between: no phrase match, only the term "Sprache" as head of "Zweitsprache"
    assert found(matcher, "Deutsch ist eine Zweitsprache") == [("hf.sprache", "sprache")]


def test_regex_rule(matcher):
    tags = matcher.tag("Kurse für DaZ-Lernende")
    assert [(t.matched, t.rule) for t in tags] == [("DaZ", "hf.sprache/regex:\\bDaZ\\b")]


def test_abbreviation_is_case_sensitive_whole_word(matcher):
    assert found(matcher, "Die MSO und umso mehr") == [("hf.partizipation", "MSO")]
    assert found(matcher, "mso") == []


def test_proximity_rule(matcher):
    assert found(matcher, "Zugewanderte sollen sich anpassen.", "understanding") == [
        ("v.anpassung", "sich anpassen")
    ]
    assert found(matcher, "sich den Regeln der neuen Umgebung anpassen", "understanding") == []


def test_who_adapts_decides_the_pole(matcher):
    assert found(matcher, "Wir wollen die Angebote an die Bedarfe anpassen.", "understanding") == [
        ("v.teilhabe", "Bedarfe anpassen")
    ]


def test_scope_restricts_dimensions(matcher):
    text = "Training für Bürger"
    assert found(matcher, text, "understanding") == []
    assert found(matcher, text, "measures") == [
        ("m.ikoe.schulung", "Training"),
        ("zg.alle", "Bürger"),
    ]
    # None = everything, as a list item in a measures section
    assert found(matcher, text) == found(matcher, text, "measures")


def test_unknown_context_is_an_error(matcher):
    with pytest.raises(ValueError, match="unknown context"):
        matcher.tag("Text", "kapitel")


def test_negation_drops_a_marker(matcher):
    assert found(
        matcher, "Verlangt wird nicht Assimilation, sondern gleichberechtigte Teilhabe."
    ) == [("v.teilhabe", "gleichberechtigte Teilhabe")]
    assert found(matcher, "Assimilation ist das Ziel.") == [("v.anpassung", "Assimilation")]


def test_a_marker_before_a_concessive_word_weighs_less():
    book = parse_codebook(
        BOOK.replace("    negation: true\n", "    negation: true\n    concession: 0.5\n"), "c.yaml"
    )
    m = Matcher(book)
    weight = {
        t.matched: t.weight
        for t in m.tag("Assimilation klingt hart, aber man soll sich anpassen.", "understanding")
    }
    assert weight == {"Assimilation": 0.5, "sich anpassen": 1.0}
    # the concessive only reaches back within its own sentence, and "aber auch" adds
    text = "Assimilation. Das ist gut, aber kurz."
    assert [t.weight for t in m.tag(text, "understanding")] == [1.0]
    assert [t.weight for t in m.tag("Assimilation, aber auch mehr.", "understanding")] == [1.0]
    # a concessive in the first clause of a sentence concedes the sentence before
    for turn in ("Doch man soll sich anpassen.", "Wichtig ist aber, sich anzupassen."):
        tags = m.tag(f"Assimilation. {turn}", "understanding")
        assert [t.weight for t in tags] == [0.5, 1.0]


def _conceding():
    book = BOOK.replace("    negation: true\n", "    negation: true\n    concession: 0.5\n")
    return Matcher(parse_codebook(book, "c.yaml"))


def test_a_dimension_with_only_conceded_matches_holds_nothing():
    tags = _conceding().tag("Assimilation klingt hart, aber so ist es.", "understanding")
    assert [(t.matched, t.weight) for t in tags] == [("Assimilation", 0.0)]


@pytest.mark.parametrize(
    "text",
    [
        "Assimilation? Man soll sich anpassen.",  # a question raises a topic
        "So sehr wir Assimilation kennen, man soll sich anpassen.",  # "So sehr …," concedes
        "Bei aller Assimilation, man soll sich anpassen.",
    ],
)
def test_questions_and_conceding_clauses_weigh_less(text):
    weight = {t.matched: t.weight for t in _conceding().tag(text, "understanding")}
    assert weight == {"Assimilation": 0.5, "sich anpassen": 1.0}


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Das heißt nicht, dass man sich anpassen muss.", False),
        ("Statt zu erwarten, dass man sich anpassen muss, öffnen wir uns.", False),
        ("Das heißt, dass man sich anpassen muss.", True),
        ("Das heißt nicht nur, dass man sich anpassen muss.", True),
    ],
)
def test_a_negated_governor_negates_its_dass_clause(matcher, text, kept):
    assert bool(found(matcher, text)) is kept


def test_without_concession_setting_weights_stay(matcher):
    tags = matcher.tag("Assimilation klingt hart, aber so ist es.", "understanding")
    assert [t.weight for t in tags] == [1.0]


def test_nicht_nur_does_not_negate(matcher):
    assert found(matcher, "nicht nur Assimilation") == [("v.anpassung", "Assimilation")]


def test_longest_match_wins_within_a_code(matcher):
    # "Sprachkurs" (whole token by lemma) and "Sprach(e)" (modifier) overlap: the longer wins
    tags = matcher.tag("Sprachkurse")
    assert [(t.code, t.matched, t.rule) for t in tags] == [
        ("hf.sprache", "Sprachkurse", "hf.sprache/word:Sprachkurs")
    ]


def test_no_double_counting_of_overlapping_matches(matcher):
    # glob "*förderung" and word "Sprache" both cover "Sprachförderung": counted once
    assert len(matcher.tag("Sprachförderung")) == 1


def test_weights_combine_term_and_context(matcher):
    (schulung,) = matcher.tag("Training", "measures")
    assert schulung.weight == 2.0
    (marker,) = matcher.tag("Assimilation", "understanding")
    (elsewhere,) = matcher.tag("Assimilation", "measures")
    assert (marker.weight, elsewhere.weight) == (1.0, 0.5)


def test_tags_sorted_by_start_with_offsets(matcher):
    text = "Bürger lernen in der Schule Deutsch als Zweitsprache."
    tags = matcher.tag(text)
    assert [t.start for t in tags] == sorted(t.start for t in tags)
    for t in tags:
        assert text[t.start : t.end] == t.matched


def test_matcher_pickles(matcher):
    clone = pickle.loads(pickle.dumps(matcher))
    assert found(clone, "Sprachkursangebote") == found(matcher, "Sprachkursangebote")


def test_separable_verb_with_particle_at_clause_end(matcher):
    assert found(matcher, "Die Stadt bietet Kurse an.") == [("a.verb", "bietet")]
    assert found(matcher, "Wir haben neue Kurse angeboten.") == [("a.verb", "angeboten")]
    # "an" that is not the last word of the clause is a preposition
    assert found(matcher, "Die Stadt bietet an allen Orten Kurse.") == []


def test_separable_particles_voraus_dazu_entgegen():
    book = parse_codebook(
        """
name: Partikeln
dimensions:
  verstaendnis: {label: Verständnis}
codes:
  - code: v.x
    dimension: verstaendnis
    label: X
    terms: [voraussetzen, entgegenwirken, dazulernen]
"""
    )
    m = Matcher(book)
    assert found(m, "Teilhabe setzt Sprachkenntnisse voraus.") == [("v.x", "setzt")]
    assert found(m, "Wir wirken Rassismus entgegen.") == [("v.x", "wirken")]
    assert found(m, "Alle lernen täglich dazu.") == [("v.x", "lernen")]
    # the particle must close the clause
    assert found(m, "Sie setzt voraus Kurse.") == []
