"""Section kinds from codebook/sections.yaml: understanding, measures, action fields, ..."""

from __future__ import annotations

import pytest
from pdfs import LI, TABLE, H, P, concept_pdf, filler

from konzeptanalyse.ingest import load_document
from konzeptanalyse.model import SECTION_KINDS
from konzeptanalyse.sections import load_section_kinds


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("Leitbild", "understanding"),
        ("Leitlinien der Integrationsarbeit", "understanding"),
        ("Integrationsverständnis", "understanding"),
        ("Grundsätze", "understanding"),
        ("Präambel", "understanding"),
        ("Unser Verständnis von Integration", "understanding"),
        ("Was wir unter Integration verstehen", "understanding"),
        ("Maßnahmen", "measures"),
        ("Maßnahmenplan", "measures"),
        ("Maßnahmenkatalog 2024", "measures"),
        ("Handlungsfelder", "action_field"),
        ("Sprache und Sprachförderung", "action_field"),
        ("Frühkindliche Bildung", "action_field"),
        ("Arbeit und Ausbildung", "action_field"),
        ("Wohnen", "action_field"),
        ("Gesundheit und Pflege", "action_field"),
        ("Vorwort des Landrats", "foreword"),
        ("Einleitung", "introduction"),
        ("Umsetzung, Steuerung und Monitoring", "implementation"),
        ("Anhang", "annex"),
        ("Inhaltsverzeichnis", "contents"),
        ("Zusammenarbeit der Ämter", ""),  # "Arbeit" inside a compound is no field
        ("Abbildungen", ""),  # nor "Bildung" inside "Abbildung"
    ],
)
def test_heading_words_decide_the_kind(heading, kind):
    assert load_section_kinds().match(heading) == kind


def test_kinds_file_only_names_known_kinds():
    kinds = load_section_kinds()
    assert set(kinds.patterns) <= set(SECTION_KINDS)
    assert set(kinds.order) <= set(SECTION_KINDS)


def test_bad_kinds_file_names_file_and_kind(tmp_path):
    bad = tmp_path / "sections.yaml"
    bad.write_text("kinds:\n  leitbild_kind: [leitbild]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"sections\.yaml.*leitbild_kind"):
        load_section_kinds(bad)


def test_kinds_in_a_document(tmp_path):
    blocks = [
        H(1, "Vorwort"),
        P(filler(1, 40)),
        H(1, "Leitbild"),
        P(filler(2, 40)),
        H(2, "Was wir unter Integration verstehen"),
        P(filler(3, 40)),
        H(1, "Handlungsfelder"),
        P(filler(4, 30)),
        H(2, "Sprache"),
        P(filler(5, 40)),
        H(3, "Ausgangslage"),
        P(filler(6, 30)),
        H(3, "Maßnahmen"),
        LI("Sprachcafé einrichten"),
        H(2, "Zusammenleben im Quartier"),
        P(filler(7, 30)),
        H(1, "Projekte 2024"),
        TABLE([["Maßnahme", "Zuständigkeit"], ["Beratung ausbauen", "Sozialamt"]]),
        H(1, "Anhang"),
        P(filler(8, 20)),
    ]
    doc = load_document(concept_pdf(tmp_path / "kinds.pdf", blocks), use_cache=False)
    kinds = {s.heading: s.kind for s in doc.sections}
    assert kinds == {
        "Vorwort": "foreword",
        "Leitbild": "understanding",
        "Was wir unter Integration verstehen": "understanding",
        "Handlungsfelder": "action_field",
        "Sprache": "action_field",
        "Ausgangslage": "action_field",  # inside an action field, not the introduction
        "Maßnahmen": "measures",
        "Zusammenleben im Quartier": "action_field",
        "Projekte 2024": "measures",  # holds a measures table
        "Anhang": "annex",
    }
    assert all(s.kind in SECTION_KINDS for s in doc.sections)
