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
