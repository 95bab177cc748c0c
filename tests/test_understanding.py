"""Segment-level Integrationsverständnis: score and class."""

import pytest

from konzeptanalyse.model import Tag
from konzeptanalyse.understanding import NO_EVIDENCE, pole, score_segment, understanding_class


def tag(code: str, matched: str, start: int, weight: float = 1.0) -> Tag:
    return Tag(
        code, code, "verstaendnis", f"{code}/word:{matched}", matched, start, start + 1, weight
    )


def test_no_markers_score_zero_and_no_evidence():
    other = Tag("hf.sprache", "Sprache", "handlungsfeld", "r", "Sprache", 0, 7)
    assert score_segment([other]) == (0.0, [])
    assert understanding_class(0.0, 0) == NO_EVIDENCE


def test_weighted_balance_of_the_poles():
    tags = [tag("v.teilhabe", "Teilhabe", 5, 3.0), tag("v.anpassung.einseitig", "sich anpassen", 0)]
    score, markers = score_segment(tags)
    assert score == pytest.approx((3 - 1) / 4)
    assert markers == ["v.anpassung.einseitig: sich anpassen", "v.teilhabe: Teilhabe"]


def test_children_count_for_their_pole():
    assert (pole("v.teilhabe.oeffnung"), pole("v.anpassung"), pole("v.teilhabex")) == (1, -1, 0)


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (-1.0, "assimilativ"),
        (-0.6, "assimilativ"),
        (-0.59, "eher assimilativ"),
        (-0.2, "eher assimilativ"),
        (-0.19, "gemischt"),
        (0.0, "gemischt"),
        (0.19, "gemischt"),
        (0.2, "eher teilhabeorientiert"),
        (0.59, "eher teilhabeorientiert"),
        (0.6, "teilhabeorientiert"),
    ],
)
def test_class_thresholds(score, expected):
    assert understanding_class(score, 1) == expected


def test_none_score_is_no_evidence():
    assert understanding_class(None, 3) == NO_EVIDENCE


@pytest.fixture(scope="module")
def default_matcher():
    from konzeptanalyse.codebook import DEFAULT_CODEBOOK, Matcher, load_codebook

    return Matcher(load_codebook(DEFAULT_CODEBOOK))


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("Von Zugewanderten wird erwartet, dass sie sich rasch anpassen.", -1),
        ("Die Verwaltung passt ihre Angebote an die Bedarfe der Menschen an.", 1),
        ("Gewollt ist nicht Assimilation, sondern gleichberechtigte Teilhabe.", 1),
        ("Die Mehrheitsgesellschaft erwartet die Übernahme ihrer Leitkultur.", -1),
        ("Wir bauen die Zahl der Sprachkurse aus.", 0),
    ],
)
def test_default_codebook_poles(default_matcher, text, sign):
    score, _ = score_segment(default_matcher.tag(text, "understanding"))
    assert (score > 0) - (score < 0) == sign


def side(matcher, text: str) -> int:
    score, _ = score_segment(matcher.tag(text, "understanding"))
    return (score > 0) - (score < 0)


@pytest.mark.parametrize(
    "text",
    [
        "Volle Teilhabe steht Neuzugewanderten nach erfolgreicher Integration offen.",
        "Voraussetzung für Teilhabe ist, dass Deutsch gelernt wird.",
        "Die Teilhabe der Schutzsuchenden setzt voraus, dass sie an Kursen teilnehmen.",
        "Hilfen für Geflüchtete werden nach individuellem Bedarf gewährt, damit Teilhabe gelingt.",
        "Erst wer Deutsch spricht, kann wirklich teilhaben.",
    ],
)
def test_conditional_teilhabe_is_not_the_participation_pole(default_matcher, text):
    assert side(default_matcher, text) == -1


@pytest.mark.parametrize(
    "text",
    [
        "Integration ist eine Holschuld der Neuankömmlinge.",
        "Gegenüber Integrationsverweigerern greifen Leistungskürzungen.",
        "Es obliegt den Zugewanderten, sich mit den hiesigen Gepflogenheiten vertraut zu machen.",
        "Die Integrationskurse sind für Leistungsbezieher verbindlich.",
    ],
)
def test_duties_of_newcomers_are_the_assimilative_pole(default_matcher, text):
    assert side(default_matcher, text) == -1


@pytest.mark.parametrize(
    "text",
    [
        "Die Stadt gehört allen, die hier leben.",
        "Vielfalt ist bei uns längst Normalität.",
        "Menschen mit Einwanderungsgeschichte sollen in der Verwaltung angemessen vertreten sein.",
        "Wir wollen eine Stadt ohne Ausgrenzung.",
        "Wer hier wohnt, gehört dazu.",
        "Niemand darf wegen seines Namens benachteiligt werden.",
    ],
)
def test_whole_society_frames_are_the_participation_pole(default_matcher, text):
    assert side(default_matcher, text) == 1


@pytest.mark.parametrize(
    "text",
    [
        "Die Gleichberechtigung von Mann und Frau ist nicht verhandelbar.",
        "Diese Regeln gelten für alle.",
        "Wertekurse für alle Asylbewerber werden angeboten.",
        "Vor allem als Aufgabe der Arbeitsvermittlung verstehen wir Integration.",
        "Dazu gehört, dass die Kurse besucht werden.",
    ],
)
def test_values_for_all_and_false_friends_are_no_participation_marker(default_matcher, text):
    assert side(default_matcher, text) <= 0


def test_teilhabe_alone_weighs_little(default_matcher):
    tags = [t for t in default_matcher.tag("Teilhabe", "understanding") if pole(t.code)]
    assert [(t.code, t.weight) for t in tags] == [("v.teilhabe.begriff", 0.3)]


def test_negation_still_reverses_the_adaptation_marker(default_matcher):
    text = "Nicht die Einzelnen müssen sich anpassen, sondern die Angebote der Verwaltung."
    assert side(default_matcher, text) == 1
