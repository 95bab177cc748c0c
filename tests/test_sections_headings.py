"""Headings, levels, contents page and outline → the flat section list."""

from __future__ import annotations

from pdfs import LI, PAGEBREAK, TABLE, H, P, Text, canvas_pdf, concept_pdf, filler

from konzeptanalyse.ingest import load_document

BLOCKS = [
    H(1, "Vorwort"),
    P(filler(1, 60)),
    H(1, "Unser Verständnis von Integration"),
    P(filler(2, 60)),
    H(2, "Leitlinien"),
    P(filler(3, 40)),
    H(1, "Handlungsfelder"),
    P(filler(4, 30)),
    H(2, "Sprache"),
    P(filler(5, 50)),
    H(3, "Maßnahmen"),
    LI("Sprachcafé einrichten"),
    LI("Integrationskurse ausbauen"),
    H(2, "Bildung"),
    P(filler(6, 50)),
    H(1, "Umsetzung und Monitoring"),
    P(filler(7, 40)),
]


def _load(path):
    return load_document(path, use_cache=False)


def _levels(doc) -> list[tuple[str, str, int]]:
    return [
        (s.number, s.heading, s.level) for s in doc.sections if s.level > 0 and s.kind != "contents"
    ]


def test_numbered_headings_get_levels_and_numbers(tmp_path):
    doc = _load(concept_pdf(tmp_path / "num.pdf", BLOCKS, numbered=True))
    assert _levels(doc) == [
        ("1", "Vorwort", 1),
        ("2", "Unser Verständnis von Integration", 1),
        ("2.1", "Leitlinien", 2),
        ("3", "Handlungsfelder", 1),
        ("3.1", "Sprache", 2),
        ("3.1.1", "Maßnahmen", 3),
        ("3.2", "Bildung", 2),
        ("4", "Umsetzung und Monitoring", 1),
    ]
    paths = {s.heading: s.path for s in doc.sections}
    assert paths["Maßnahmen"] == "3 Handlungsfelder > 3.1 Sprache > 3.1.1 Maßnahmen"


def test_unnumbered_headings_get_levels_from_font(tmp_path):
    doc = _load(concept_pdf(tmp_path / "font.pdf", BLOCKS, numbered=False))
    assert [(h, lv) for _, h, lv in _levels(doc)] == [
        ("Vorwort", 1),
        ("Unser Verständnis von Integration", 1),
        ("Leitlinien", 2),
        ("Handlungsfelder", 1),
        ("Sprache", 2),
        ("Maßnahmen", 3),
        ("Bildung", 2),
        ("Umsetzung und Monitoring", 1),
    ]
    assert all(s.number == "" for s in doc.sections)


def test_front_matter_is_level_zero(tmp_path):
    doc = _load(concept_pdf(tmp_path / "front.pdf", BLOCKS, title="Integrationskonzept Probe"))
    front = doc.sections[0]
    assert (front.level, front.kind) == (0, "front")
    assert doc.title == "Integrationskonzept Probe"
    assert doc.sections[1].heading == "Vorwort"


def test_contents_page_parsed_and_reconciled(tmp_path):
    toc = [
        (1, "1 Vorwort", 3),
        (1, "2 Unser Verständnis von Integration", 3),
        (2, "2.1 Leitlinien", 3),
        (1, "3 Handlungsfelder", 3),
        (2, "3.1 Sprache", 3),
        (2, "3.2 Bildung", 3),
        (1, "4 Umsetzung und Monitoring", 4),
    ]
    pdf = concept_pdf(
        tmp_path / "toc.pdf",
        BLOCKS,
        numbered=True,
        toc=toc,
        title="Konzept",
        header="Integrationskonzept Probe",
    )
    doc = _load(pdf)
    assert [(t.number, t.title, t.level, t.page) for t in doc.toc] == [
        ("1", "Vorwort", 1, 3),
        ("2", "Unser Verständnis von Integration", 1, 3),
        ("2.1", "Leitlinien", 2, 3),
        ("3", "Handlungsfelder", 1, 3),
        ("3.1", "Sprache", 2, 3),
        ("3.2", "Bildung", 2, 3),
        ("4", "Umsetzung und Monitoring", 1, 4),
    ]
    assert all(t.matched for t in doc.toc)
    contents = [s for s in doc.sections if s.kind == "contents"]
    assert len(contents) == 1 and contents[0].page == 2 and contents[0].paragraphs == []
    body = " ".join(p.text for s in doc.sections for p in s.paragraphs)
    assert "...." not in body  # contents lines are not body text
    confirmed = {s.heading: s.source for s in doc.sections}
    assert confirmed["Leitlinien"] == "contents"


def test_contents_page_gives_levels_to_unnumbered_headings(tmp_path):
    # all headings share one font: only the contents page's indentation tells the levels
    blocks = [
        H(2, "Einleitung"),
        P(filler(1, 50)),
        H(2, "Ausgangslage"),
        P(filler(2, 40)),
        H(2, "Zahlen und Daten"),
        P(filler(3, 40)),
        H(2, "Leitbild"),
        P(filler(4, 40)),
    ]
    toc = [
        (1, "Einleitung", 3),
        (2, "Ausgangslage", 3),
        (2, "Zahlen und Daten", 3),
        (1, "Leitbild", 3),
    ]
    doc = _load(concept_pdf(tmp_path / "indent.pdf", blocks, toc=toc, title="Konzept"))
    assert [(h, lv) for _, h, lv in _levels(doc)] == [
        ("Einleitung", 1),
        ("Ausgangslage", 2),
        ("Zahlen und Daten", 2),
        ("Leitbild", 1),
    ]


def test_outline_gives_headings_and_levels(tmp_path):
    # body-size, regular-weight headings: only the PDF outline says they are headings
    page = [
        Text(56, 100, "Einleitung"),
        Text(56, 130, filler(1, 12)),
        Text(56, 160, "Hintergrund"),
        Text(56, 190, filler(2, 12)),
        Text(56, 220, "Leitbild"),
        Text(56, 250, filler(3, 12)),
    ]
    outline = [("Einleitung", 0, 1), ("Hintergrund", 1, 1), ("Leitbild", 0, 1)]
    doc = _load(canvas_pdf(tmp_path / "outline.pdf", [page], outline=outline))
    found = [(s.heading, s.level, s.source) for s in doc.sections if s.level > 0]
    assert found == [
        ("Einleitung", 1, "outline"),
        ("Hintergrund", 2, "outline"),
        ("Leitbild", 1, "outline"),
    ]


def test_sections_follow_document_order_across_pages(tmp_path):
    blocks = [
        H(1, "Erstes Kapitel"),
        P(filler(1, 60)),
        PAGEBREAK,
        H(1, "Zweites Kapitel"),
        P(filler(2, 60)),
        TABLE([["Maßnahme", "Zuständigkeit"], ["Beratung ausbauen", "Sozialamt"]]),
    ]
    doc = _load(concept_pdf(tmp_path / "order.pdf", blocks))
    pages = [(s.heading, s.page) for s in doc.sections]
    assert pages == [("Erstes Kapitel", 1), ("Zweites Kapitel", 2)]
