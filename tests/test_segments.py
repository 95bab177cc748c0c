"""Segmentation promises: sentences split the German way, measures stay whole, no double counts."""

import pytest

from konzeptanalyse.model import Document, Paragraph, Section
from konzeptanalyse.segments import segment_document, split_sentences


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_abbreviations_and_ordinals_do_not_split():
    text = "Wir bieten z. B. Kurse u. a. für Eltern an. Am 1. Januar beginnt es. Siehe Abs. 3 dort."
    assert _sentences(text) == [
        "Wir bieten z. B. Kurse u. a. für Eltern an.",
        "Am 1. Januar beginnt es.",
        "Siehe Abs. 3 dort.",
    ]


def test_year_at_sentence_end_splits_and_quotes_stay_attached():
    text = "Die Zahl stieg seit 2015. Danach hieß es „Willkommen!“ Alle halfen mit?"
    assert _sentences(text) == [
        "Die Zahl stieg seit 2015.",
        "Danach hieß es „Willkommen!“",
        "Alle halfen mit?",
    ]


def test_offsets_point_into_the_paragraph():
    text = "Erster Satz.  Zweiter Satz ohne Punkt"
    for a, b in split_sentences(text):
        assert text[a:b].strip() == text[a:b]
    assert _sentences(text)[-1] == "Zweiter Satz ohne Punkt"


def _doc() -> Document:
    return Document(
        file="x.pdf",
        sha256="ab" * 32,
        page_count=3,
        sections=[
            Section(
                "Inhalt", 1, 1, kind="contents", paragraphs=[Paragraph("1 Sprache ........ 3", 1)]
            ),
            Section(
                "Sprache",
                1,
                2,
                kind="action_field",
                number="1",
                path="1 Sprache",
                paragraphs=[
                    Paragraph("Kurse gibt es. Sie sind voll.", 2),
                    Paragraph("Sprachcafé einrichten", 2, kind="list_item"),
                    Paragraph("Kurs | VHS | 2024", 3, kind="table_row"),
                    Paragraph("Abbildung 1: Teilnehmende 2020", 3, kind="caption"),
                    Paragraph("Noch ein Absatz.", 3),
                ],
            ),
        ],
    )


def test_units_and_kinds():
    segs = segment_document(_doc(), "sentence")
    kinds = [(s.kind, s.text) for s in segs]
    assert kinds == [
        ("heading", "Inhalt"),
        ("heading", "Sprache"),
        ("sentence", "Kurse gibt es."),
        ("sentence", "Sie sind voll."),
        ("list_item", "Sprachcafé einrichten"),
        ("table_row", "Kurs | VHS | 2024"),
        ("sentence", "Noch ein Absatz."),
    ]
    assert [s.segment_id for s in segs][:2] == [f"{'ab' * 6}-00000", f"{'ab' * 6}-00001"]
    assert segs[2].section_path == "1 Sprache" and segs[2].section_kind == "action_field"


def test_paragraph_and_section_units_keep_list_items_separate():
    para = [(s.kind, s.text) for s in segment_document(_doc(), "paragraph")]
    assert ("sentence", "Kurse gibt es. Sie sind voll.") in para
    section = [(s.kind, s.text) for s in segment_document(_doc(), "section")]
    assert ("sentence", "Kurse gibt es. Sie sind voll. Noch ein Absatz.") in section
    assert ("list_item", "Sprachcafé einrichten") in section


def test_unknown_unit_is_rejected():
    with pytest.raises(ValueError, match="unit must be one of"):
        segment_document(_doc(), "word")
