"""Layout promises of ingest: reading order, running lines, lists, tables, captions."""

from __future__ import annotations

from pathlib import Path

from pdfs import CAPTION, LI, TABLE, H, P, Text, canvas_pdf, concept_pdf, filler

from konzeptanalyse.ingest import load_document


def _paragraphs(doc, kind: str | None = None) -> list[str]:
    return [p.text for s in doc.sections for p in s.paragraphs if kind is None or p.kind == kind]


def _load(path: Path):
    return load_document(path, use_cache=False)


def test_two_columns_are_not_interleaved(tmp_path):
    # left and right column lines share baselines; reading order must finish the left first
    left = [Text(56, 120 + 13 * i, f"links{i} Alpha Beta Gamma Delta") for i in range(20)]
    right = [Text(310, 120 + 13 * i, f"rechts{i} Eins Zwei Drei Vier") for i in range(20)]
    doc = _load(canvas_pdf(tmp_path / "cols.pdf", [left + right]))
    text = " ".join(_paragraphs(doc))
    words = [w for w in text.split() if w.startswith(("links", "rechts"))]
    assert words == [f"links{i}" for i in range(20)] + [f"rechts{i}" for i in range(20)]
    assert doc.quality[0].columns == 2


def test_full_width_heading_above_columns_stays_in_place(tmp_path):
    heading = [
        Text(
            56,
            90,
            "Ein langer Titel der über beide Spalten der Seite hinweg läuft",
            size=16,
            font="Helvetica-Bold",
        )
    ]
    left = [Text(56, 130 + 13 * i, f"links{i} Alpha Beta Gamma Delta") for i in range(12)]
    right = [Text(310, 130 + 13 * i, f"rechts{i} Eins Zwei Drei Vier") for i in range(12)]
    doc = _load(canvas_pdf(tmp_path / "span.pdf", [heading + left + right]))
    headings = [s.heading for s in doc.sections if s.level > 0]
    assert headings[0].startswith("Ein langer Titel")
    body = " ".join(_paragraphs(doc))
    assert body.index("links11") < body.index("rechts0")


def test_running_header_footer_and_page_numbers_are_removed(tmp_path):
    blocks = [H(1, "Einleitung"), *[P(filler(i, 120)) for i in range(8)]]
    pdf = concept_pdf(
        tmp_path / "hdr.pdf",
        blocks,
        header="Integrationskonzept Landkreis Probe",
        page_numbers="Seite {n}",
    )
    doc = _load(pdf)
    assert doc.page_count >= 2
    body = _paragraphs(doc)
    assert not any("Landkreis Probe" in p for p in body)
    assert not any("Seite " in p for p in body)
    assert not any(p.strip().isdigit() for p in body)


def test_bare_page_numbers_are_removed(tmp_path):
    blocks = [H(1, "Einleitung"), *[P(filler(i, 120)) for i in range(8)]]
    doc = _load(concept_pdf(tmp_path / "num.pdf", blocks, page_numbers="{n}"))
    assert doc.page_count >= 2
    body = " ".join(_paragraphs(doc))
    assert not any(ch.isdigit() for ch in body)  # the filler text has no digits


def test_list_items_stay_separate(tmp_path):
    blocks = [
        H(1, "Maßnahmen"),
        P("Folgende Maßnahmen sind geplant:"),
        LI("Sprachcafé in der Stadtbibliothek einrichten"),
        LI(
            "Integrationskurse mit Kinderbetreuung ausbauen und dauerhaft verstetigen, "
            "damit auch Eltern kleiner Kinder teilnehmen können"
        ),
        P("Die Umsetzung beginnt im Jahr 2024."),
    ]
    doc = _load(concept_pdf(tmp_path / "list.pdf", blocks))
    items = _paragraphs(doc, "list_item")
    assert items == [
        "Sprachcafé in der Stadtbibliothek einrichten",
        "Integrationskurse mit Kinderbetreuung ausbauen und dauerhaft verstetigen, damit auch "
        "Eltern kleiner Kinder teilnehmen können",
    ]
    assert "Die Umsetzung beginnt im Jahr 2024." in _paragraphs(doc, "text")


def test_numbered_items_but_not_wrapped_dates(tmp_path):
    lines = [
        Text(56, 100, "Der Kreistag hat das Konzept am"),
        Text(56, 113, "12. September 2019 beschlossen."),
        Text(56, 140, "Geplant ist:"),
        Text(56, 160, "1. Beratung ausbauen"),
        Text(56, 180, "2. Sprachkurse anbieten"),
    ]
    doc = _load(canvas_pdf(tmp_path / "num.pdf", [lines]))
    assert "Der Kreistag hat das Konzept am 12. September 2019 beschlossen." in _paragraphs(doc)
    assert _paragraphs(doc, "list_item") == ["Beratung ausbauen", "Sprachkurse anbieten"]


def test_table_rows_become_cell_paragraphs(tmp_path):
    rows = [
        ["Maßnahme", "Zuständigkeit", "Zeitrahmen"],
        ["Sprachcafé einrichten", "Integrationsbüro", "ab 2020"],
        ["Elternkurse in allen Familienzentren anbieten", "Jugendamt", "2021"],
    ]
    doc = _load(concept_pdf(tmp_path / "table.pdf", [H(1, "Maßnahmen"), TABLE(rows)]))
    assert _paragraphs(doc, "table_row") == [
        "Maßnahme | Zuständigkeit | Zeitrahmen",
        "Sprachcafé einrichten | Integrationsbüro | ab 2020",
        "Elternkurse in allen Familienzentren anbieten | Jugendamt | 2021",
    ]


def test_captions_are_their_own_paragraphs(tmp_path):
    blocks = [
        H(1, "Ausgangslage"),
        P(filler(1, 40)),
        CAPTION("Abbildung 3: Ausländische Bevölkerung 2010 bis 2020"),
        CAPTION("Quelle: Statistisches Landesamt"),
        P(filler(2, 40)),
    ]
    doc = _load(concept_pdf(tmp_path / "cap.pdf", blocks))
    assert _paragraphs(doc, "caption") == [
        "Abbildung 3: Ausländische Bevölkerung 2010 bis 2020",
        "Quelle: Statistisches Landesamt",
    ]


def test_page_quality_counts_characters(tmp_path):
    doc = _load(concept_pdf(tmp_path / "q.pdf", [H(1, "Einleitung"), P(filler(3, 80))]))
    quality = doc.quality[0]
    assert quality.page == 1 and quality.chars > 300
    assert quality.replacement_chars == 0 and not quality.ocr and not quality.no_text
