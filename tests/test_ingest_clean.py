"""Hyphen, soft-hyphen, ligature and Unicode rules, on real line breaks in small PDFs."""

from __future__ import annotations

from pdfs import Text, canvas_pdf, dejavu

from konzeptanalyse.ingest import load_document
from konzeptanalyse.ingest.clean import clean_line, join_lines


def _text(tmp_path, lines: list[str], font: str = "Helvetica") -> str:
    placed = [Text(56, 100 + 14 * i, line, font=font) for i, line in enumerate(lines)]
    doc = load_document(canvas_pdf(tmp_path / "h.pdf", [placed]), use_cache=False)
    return " ".join(p.text for s in doc.sections for p in s.paragraphs)


def test_line_end_hyphen_joins_lowercase_continuation(tmp_path):
    text = _text(
        tmp_path, ["Der Kreis schreibt sein Integrations-", "konzept alle fünf Jahre fort."]
    )
    assert "Integrationskonzept alle" in text
    assert "Integrations-" not in text


def test_line_end_hyphen_kept_before_uppercase(tmp_path):
    text = _text(tmp_path, ["Zugewanderte aus anderen EU-", "Staaten haben Anspruch auf Beratung."])
    assert "EU-Staaten haben" in text


def test_suspended_hyphen_kept_at_line_end(tmp_path):
    text = _text(tmp_path, ["Der Kreis bildet Sprach-", "und Kulturmittler für die Beratung aus."])
    assert "Sprach- und Kulturmittler" in text


def test_suspended_hyphen_kept_inside_line(tmp_path):
    text = _text(tmp_path, ["Beratungs- und Unterstützungsangebote werden gebündelt."])
    assert "Beratungs- und Unterstützungsangebote" in text


def test_soft_hyphens_vanish(tmp_path):
    font = dejavu()
    text = _text(
        tmp_path,
        ["Die Sprach\u00adförderung und die Integrations\u00ad", "kurse sind wichtig."],
        font=font,
    )
    assert "Sprachförderung" in text and "Integrationskurse sind" in text
    assert "\u00ad" not in text


def test_ligatures_are_unfolded(tmp_path):
    font = dejavu()
    text = _text(tmp_path, ["Die Einﬂussnahme ﬁnden wir oﬀen und eﬃzient."], font=font)
    assert "Einflussnahme finden wir offen und effizient." in text
    assert not any("\ufb00" <= ch <= "\ufb06" for ch in text)


def test_clean_line_counts_repairs_and_normalises():
    text, repairs = clean_line("Einﬂuss\u00a0der Sprach\u00adförderung  Ａ")
    assert text == "Einfluss der Sprachförderung A"
    assert repairs == 2  # one ligature, one soft hyphen
    composed, _ = clean_line("Bu\u0308rger")  # decomposed umlaut → NFC
    assert composed == "Bürger"


def test_join_lines_rules():
    assert join_lines("Integrations-", "konzept") == ("Integrationskonzept", True)
    assert join_lines("EU-", "Staaten") == ("EU-Staaten", True)
    assert join_lines("Sprach-", "und Kulturmittler") == ("Sprach- und Kulturmittler", True)
    assert join_lines("Sprach-", "oder Kulturmittler") == ("Sprach- oder Kulturmittler", True)
    assert join_lines("Bundestags-", "noch Landtagswahlen") == (
        "Bundestags- noch Landtagswahlen",
        True,
    )
    assert join_lines("so-", "wie die Schulen") == ("sowie die Schulen", True)
    assert join_lines("im Jahr 2019 –", "dem Jahr") == ("im Jahr 2019 – dem Jahr", False)
    assert join_lines("ganz normal", "weiter") == ("ganz normal weiter", False)


def test_broken_characters_are_counted(tmp_path):
    font = dejavu()
    placed = [Text(56, 100, "Sprachf\ufffdrderung f\ufffdr alle", font=font)]
    doc = load_document(canvas_pdf(tmp_path / "broken.pdf", [placed]), use_cache=False)
    assert doc.quality[0].replacement_chars == 2
