"""Segment-level Integrationsverständnis: score and class."""

import pytest

from konzeptanalyse.model import Tag
from konzeptanalyse.understanding import (
    NO_EVIDENCE,
    SecondReader,
    checked_score,
    pole,
    score_segment,
    understanding_class,
)


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


@pytest.mark.parametrize(
    ("score", "probability", "alone", "expected"),
    [
        (0.5, None, False, (0.5, "markers")),  # no second reader: the markers stand
        (0.5, 0.7, False, (0.5, "markers")),  # the reader confirms the participation pole
        (-0.5, 0.3, False, (-0.5, "markers")),
        (0.5, 0.3, True, (0.0, "disputed")),  # the reader reads the other side
        (-1.0, 0.9, True, (0.0, "disputed")),
        (0.5, 0.55, True, (0.0, "disputed")),  # the reader is undecided: no confirmation
        (0.0, 0.9, True, (0.8, "second reader")),  # no marker side, sure, understanding text
        (0.0, 0.1, True, (-0.8, "second reader")),
        (0.0, 0.9, False, (0.0, "")),  # outside understanding text it never decides alone
        (0.0, 0.8, True, (0.0, "")),  # not sure enough
    ],
)
def test_the_second_reader_checks_and_only_decides_alone_when_sure(
    score, probability, alone, expected
):
    assert checked_score(score, probability, alone) == expected


def test_second_reader_learns_the_poles_from_labelled_passages():
    duties = [
        "Die Zugewanderten müssen sich anpassen und Deutsch lernen.",
        "Von den Neuankömmlingen erwarten wir Anpassung an unsere Regeln.",
        "Zuwanderer haben die Pflicht, sich einzufügen.",
        "Wer hier leben will, muss sich anpassen.",
    ]
    shares = [
        "Alle Einwohnerinnen und Einwohner gestalten die Stadt gleichberechtigt mit.",
        "Verwaltung und Vereine öffnen sich für alle Menschen.",
        "Gleichberechtigte Teilhabe aller ist unser Ziel.",
        "Die ganze Stadtgesellschaft verändert sich gemeinsam.",
    ]
    reader = SecondReader.train(duties + shares, ["anpassung"] * 4 + ["teilhabe"] * 4, "test")
    assert reader.n_passages == 8
    assume, share = reader.probability(
        ["Die Zugewanderten müssen sich einfügen.", "Teilhabe aller Einwohner, gleichberechtigt."]
    )
    assert assume < 0.5 < share
    assert reader.probability([]) == []


def test_default_codebook_names_its_second_reader(default_matcher):
    reader = SecondReader.from_codebook(default_matcher.codebook)
    assert reader is not None and reader.n_passages >= 500
    assert "labelled passages from ../tests/data/eval/gold.csv" in reader.description


def _document(by: list[str], source: str = "auto") -> dict:
    """documents.csv figures of one document with three understanding segments."""
    import pandas as pd

    from konzeptanalyse.measures import document_measures

    segments = pd.DataFrame(
        {
            "doc_id": "d",
            "segment_id": ["d-1", "d-2", "d-3"],
            "section_kind": "understanding",
            "understanding_by": by,
            "understanding_score": [0.0, 1.0, -0.8],
        }
    )
    eff = pd.DataFrame(
        {
            "doc_id": "d",
            "segment_id": ["d-1", "d-2"],
            "code": ["v.anpassung", "v.teilhabe"],
            "leaf_code": ["v.anpassung", "v.teilhabe"],
            "dimension": "verstaendnis",
            "matched": ["Assimilation", "Teilhabe aller"],
            "weight": 1.0,
            "rule": "r",
            "source": [source, "auto"],
        }
    )
    measures = pd.DataFrame(columns=["doc_id", "target_group"])
    row = document_measures(segments, eff, measures).iloc[0]
    return {"score": row["understanding_score"], "evidence": row["understanding_evidence"]}


def test_document_position_leaves_out_disputed_segments_and_counts_the_reader_alone():
    # d-1: markers disputed (left out); d-2: markers; d-3: the second reader alone (-0.8)
    assert _document(["disputed", "markers", "second reader"]) == {"score": 0.1, "evidence": 2}
    # a reviewer's decision on a disputed segment's marker is never overruled
    assert _document(["disputed", "markers", ""], source="human") == {"score": 0.0, "evidence": 2}
