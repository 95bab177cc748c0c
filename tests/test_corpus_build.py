"""Tests for tools/build_corpus.py: the sample-corpus generator and its ground truth."""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import sys
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load_tool():
    spec = importlib.util.spec_from_file_location(
        "build_corpus", ROOT / "tools" / "build_corpus.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_corpus"] = module
    spec.loader.exec_module(module)
    return module


bc = _load_tool()

FRONT = """---
id: {id}
kreis: Landkreis Probstein
ags: "09999"
bundesland: Bayern
type: Landkreis
year: 2018
urban_rural: ländlich
title: Integrationskonzept für den Landkreis Probstein
subtitle: Entwurf
layout: {layout}
numbered: {numbered}
toc: {toc}
running_header: Integrationskonzept Probstein
pole: gemischt
---
"""

PARA = (
    "Die Integrationskursträger und die Migrant*innenselbstorganisationen im Landkreis bieten "
    "gemeinsam Sprachförderung, Anerkennungsberatung und Begegnungsangebote an. EU-Bürger und "
    "Geflüchtete erhalten Unterstützung durch Sprach- und Kulturmittler in der Ausländerbehörde. "
    "Die Integrationsbeauftragte koordiniert die Zusammenarbeit der Wohlfahrtsverbände, der "
    "Volkshochschule und des Jobcenters im gesamten Landkreisgebiet."
)

BODY = f"""# Vorwort
{PARA}

# Handlungsfelder
## Sprache und Bildung
{PARA} {PARA}

- Sprachcafé in der Gemeindebibliothek einrichten
- Elternbegleitung an Grundschulen ausbauen

1. Kursplätze erfassen
2. Wartezeiten verkürzen

### Maßnahmen
| Maßnahme | Zuständigkeit | Zeitrahmen | Partner |
|---|---|---|---|
| Berufssprachkurse wohnortnah anbieten | Integrationsbüro | ab 2019 | Volkshochschule |
| Dolmetscherpool aufbauen | Landratsamt | 2020 | Ehrenamt |

![Abbildung 1: Teilnehmende an Integrationskursen 2014–2018](chart)

# Umsetzung
{PARA}
"""


def write_source(
    folder: Path,
    cid: str,
    layout: str = "two-column",
    numbered: bool = True,
    toc: bool = True,
    body: str = BODY,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{cid}.md"
    front = FRONT.format(
        id=cid, layout=layout, numbered=str(numbered).lower(), toc=str(toc).lower()
    )
    path.write_text(front + body, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One numbered two-column source with contents page, built once into a tmp dir."""
    base = tmp_path_factory.mktemp("corpus")
    write_source(base / "src", "lk-probstein")
    results, errors = bc.build_corpus(base / "src", base / "out")
    assert errors == []
    return base / "out", results[0]


def page_texts(pdf_path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        texts = []
        for page in pdf:
            tp = page.get_textpage()
            texts.append(tp.get_text_range())
            tp.close()
            page.close()
        return texts
    finally:
        pdf.close()


def test_manifest_row_matches_front_matter(built):
    out, _ = built
    with (out / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == bc.MANIFEST_COLUMNS
    assert rows == [
        {
            "file": "lk-probstein.pdf",
            "kreis": "Landkreis Probstein",
            "ags": "09999",
            "bundesland": "Bayern",
            "type": "Landkreis",
            "year": "2018",
            "urban_rural": "ländlich",
            "layout": "two-column",
            "pole": "gemischt",
        }
    ]


def test_page_count_matches_truth(built):
    out, truth = built
    pdf = pdfium.PdfDocument(out / "lk-probstein.pdf")
    try:
        assert len(pdf) == truth["pages"]
    finally:
        pdf.close()
    on_disk = json.loads((out / "truth" / "lk-probstein.json").read_text(encoding="utf-8"))
    assert on_disk == truth


def test_truth_headings_are_numbered_and_on_their_page(built):
    out, truth = built
    texts = page_texts(out / "lk-probstein.pdf")
    got = [(h["number"], h["text"], h["level"]) for h in truth["headings"]]
    assert got == [
        ("1", "Vorwort", 1),
        ("2", "Handlungsfelder", 1),
        ("2.1", "Sprache und Bildung", 2),
        ("2.1.1", "Maßnahmen", 3),
        ("3", "Umsetzung", 1),
    ]
    for h in truth["headings"]:
        assert f"{h['number']} {h['text']}" in texts[h["page"] - 1]
    # the contents page lists every heading with its page number after dot leaders
    toc_text = "\n".join(texts[p - 1] for p in truth["toc_pages"])
    for h in truth["headings"]:
        assert re.search(rf"{re.escape(h['number'] + ' ' + h['text'])}[ .]*{h['page']}", toc_text)


def test_truth_body_captions_and_header(built):
    _, truth = built
    body = truth["body"]
    assert body[0] == PARA
    assert "Sprachcafé in der Gemeindebibliothek einrichten" in body
    assert "Kursplätze erfassen" in body
    assert "Maßnahme | Zuständigkeit | Zeitrahmen | Partner" in body
    assert "Dolmetscherpool aufbauen | Landratsamt | 2020 | Ehrenamt" in body
    assert truth["captions"] == ["Abbildung 1: Teilnehmende an Integrationskursen 2014–2018"]
    assert not any("Abbildung" in b for b in body)
    assert truth["running_header"] == "Integrationskonzept Probstein"


def test_running_header_and_footer_on_all_but_title_page(built):
    out, truth = built
    texts = page_texts(out / "lk-probstein.pdf")
    assert "Integrationskonzept Probstein" not in texts[0]
    for n, text in enumerate(texts[1:], start=2):
        assert "Integrationskonzept Probstein" in text
        assert f"Seite {n}" in text


def column_lines(pdf_path: Path) -> list[str]:
    """Text lines per page half (left column, then right column), via pdfplumber's raw chars."""
    lines: list[str] = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            half = page.width / 2
            for box in ((0, 0, half, page.height), (half, 0, page.width, page.height)):
                text = page.crop(box).extract_text() or ""
                lines += [ln.strip() for ln in text.splitlines()]
    return lines


def test_line_end_hyphenation_really_happens(built):
    out, truth = built
    words = set(" ".join(truth["body"]).replace(",", " ").replace(".", " ").split())
    lines = column_lines(out / "lk-probstein.pdf")
    joined = [
        a.split()[-1][:-1] + b.split()[0].rstrip(".,")
        for a, b in zip(lines, lines[1:], strict=False)
        if re.search(r"[a-zäöüß]-$", a) and b[:1].islower()
    ]
    # an inserted hyphen joins with the next line's first word into a word of the source text
    assert any(w in words for w in joined), f"no German line-end hyphenation found: {joined}"
    assert "EU-Bürger" in words and not any(w.startswith("EUBürger") for w in joined)


def test_rebuild_is_byte_identical(built, tmp_path):
    out, _ = built
    write_source(tmp_path / "src", "lk-probstein")
    bc.build_corpus(tmp_path / "src", tmp_path / "again")
    assert (tmp_path / "again" / "lk-probstein.pdf").read_bytes() == (
        out / "lk-probstein.pdf"
    ).read_bytes()


def test_unnumbered_one_column_without_toc(tmp_path):
    write_source(tmp_path / "src", "st-ohne", layout="one-column", numbered=False, toc=False)
    results, errors = bc.build_corpus(tmp_path / "src", tmp_path / "out")
    assert errors == []
    truth = results[0]
    assert truth["toc_pages"] == []
    assert all(h["number"] == "" for h in truth["headings"])
    assert truth["headings"][0]["page"] == 2  # body starts right after the title page


def test_alt_style_uses_other_fonts(tmp_path):
    write_source(tmp_path / "src", "lk-alt")
    results, errors = bc.build_corpus(
        tmp_path / "src", tmp_path / "out", style="alt", truth_dir=tmp_path / "out"
    )
    assert errors == []
    with pdfplumber.open(tmp_path / "out" / "lk-alt.pdf") as pdf:
        fonts = {c["fontname"] for page in pdf.pages for c in page.chars}
    assert fonts and all(f.startswith("Times") for f in fonts)
    assert (tmp_path / "out" / "lk-alt.json").exists()
    texts = page_texts(tmp_path / "out" / "lk-alt.pdf")
    assert "Seite" not in texts[1]


@pytest.mark.parametrize(
    ("body", "line", "needle"),
    [
        ("# 2 Einleitung\nText\n", 17, "typed number"),
        ("# Einleitung\n\n| A | B |\n|---|---|\n| nur eine |\n", 21, "1 cells"),
        ("# Einleitung\nText mit \u2192 Pfeil\n", 18, "U+2192"),
        ("## Ohne Kapitel\nText\n", 17, "level-2 heading"),
    ],
)
def test_bad_source_names_file_and_line(tmp_path, body, line, needle):
    path = write_source(tmp_path, "lk-fehler", body=body)
    with pytest.raises(bc.SourceError) as err:
        bc.parse_source(path)
    assert str(err.value).startswith(f"{path}:{line}:")
    assert needle in str(err.value)


def test_unquoted_ags_is_rejected(tmp_path):
    path = write_source(tmp_path, "lk-ags")
    path.write_text(path.read_text(encoding="utf-8").replace('"09999"', "9999"), encoding="utf-8")
    with pytest.raises(bc.SourceError, match="ags must be a quoted 5-digit string"):
        bc.parse_source(path)


def test_scanned_pdf_has_no_text_layer(tmp_path):
    out = tmp_path / "scan.pdf"
    truth = bc.build_scanned(out, dpi=100)
    texts = page_texts(out)
    assert len(texts) == 1 and texts[0].strip() == ""
    assert truth["lines"][0] == "3 Sprache und Bildung"
    assert json.loads(out.with_suffix(".json").read_text(encoding="utf-8")) == truth


def test_two_column_table_spans_the_page(built):
    out, _ = built
    with pdfplumber.open(out / "lk-probstein.pdf") as pdf:
        for page in pdf.pages:
            words = page.extract_words()
            first = [w for w in words if w["text"] == "Dolmetscherpool"]
            if first:
                same_row = [w for w in words if abs(w["top"] - first[0]["top"]) < 1]
                assert [w["text"] for w in same_row][-1] == "Ehrenamt"
                assert same_row[-1]["x0"] > page.width / 2 > first[0]["x1"]
                return
    pytest.fail("table row not found")


def test_cli_reports_bad_file_and_renders_the_rest(tmp_path, capsys):
    write_source(tmp_path / "src", "lk-gut", layout="one-column", toc=False)
    write_source(tmp_path / "src", "lk-kaputt", body="# 1 Vorwort\nText\n")
    code = bc.main(["--src", str(tmp_path / "src"), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert code == 1
    assert f"error: {tmp_path / 'src' / 'lk-kaputt.md'}:17:" in captured.err
    assert "lk-gut.pdf" in captured.out and (tmp_path / "out" / "lk-gut.pdf").exists()
    manifest = (tmp_path / "out" / "manifest.csv").read_text(encoding="utf-8")
    assert "lk-gut.pdf" in manifest and "lk-kaputt" not in manifest
