"""Bad input: one clear IngestError (or page warning) naming the file, the cause and the fix."""

from __future__ import annotations

import pikepdf
import pytest
from conftest import require_tool
from pdfs import H, P, Text, canvas_pdf, concept_pdf, filler, image_pdf

from konzeptanalyse.ingest import IngestError, find_pdfs, load_document


def _good(tmp_path, name="gut.pdf"):
    return concept_pdf(tmp_path / name, [H(1, "Einleitung"), P(filler(1, 80))])


def _error(path, **kwargs) -> IngestError:
    with pytest.raises(IngestError) as info:
        load_document(path, use_cache=False, **kwargs)
    error = info.value
    assert str(error) == f"{error.file}: {error.cause} — {error.hint}"
    assert error.file == path.name and "\n" not in str(error)
    return error


def test_zero_byte_file(tmp_path):
    empty = tmp_path / "leer.pdf"
    empty.write_bytes(b"")
    assert "empty" in _error(empty).cause


def test_non_pdf_named_pdf(tmp_path):
    fake = tmp_path / "seite.pdf"
    fake.write_text("<html><body>Nicht gefunden</body></html>", encoding="utf-8")
    error = _error(fake)
    assert "not a PDF" in error.cause and "HTML" in error.cause


def test_truncated_pdf(tmp_path):
    good = _good(tmp_path).read_bytes()
    cut = tmp_path / "abgeschnitten.pdf"
    cut.write_bytes(good[: len(good) // 3])
    try:
        doc = load_document(cut, use_cache=False)
    except IngestError as error:
        assert "truncated" in error.cause or "damaged" in error.cause
    else:  # pdfium repaired what it could: then the document says so
        assert any("truncated" in w for w in doc.warnings)


def test_encrypted_without_and_with_wrong_password(tmp_path):
    locked = tmp_path / "geschuetzt.pdf"
    with pikepdf.open(_good(tmp_path)) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="geheim", owner="admin"))
    error = _error(locked)
    assert error.cause == "encrypted" and "--password" in error.hint
    wrong = _error(locked, password="falsch")
    assert "wrong password" in wrong.cause
    doc = load_document(locked, password="geheim", use_cache=False)
    assert doc.sections[0].heading == "Einleitung"


def test_missing_file(tmp_path):
    with pytest.raises(IngestError, match="not found"):
        load_document(tmp_path / "gibt-es-nicht.pdf", use_cache=False)


def test_image_only_pdf_without_ocr_says_how_to_fix(tmp_path):
    scan = image_pdf(tmp_path / "scan.pdf", [["Integrationskonzept des Landkreises"]])
    error = _error(scan)
    assert "no text layer" in error.cause
    assert "tesseract-ocr-deu" in error.hint and "--ocr" in error.hint


def test_image_only_page_in_text_pdf_is_reported(tmp_path):
    text = canvas_pdf(tmp_path / "text.pdf", [[Text(56, 100, filler(1, 10))]])
    scan = image_pdf(tmp_path / "scan.pdf", [["Sprachförderung für alle"]])
    merged = tmp_path / "gemischt.pdf"
    with pikepdf.open(text) as pdf, pikepdf.open(scan) as other:
        pdf.pages.extend(other.pages)
        pdf.save(merged)
    doc = load_document(merged, use_cache=False)
    assert doc.quality[1].no_text and not doc.quality[1].ocr
    assert any(w.startswith("page 2: no text layer") and "--ocr" in w for w in doc.warnings)


def test_image_only_pdf_with_ocr_runs_tesseract(tmp_path):
    require_tool("tesseract")
    scan = image_pdf(
        tmp_path / "scan.pdf",
        [["Integrationskonzept des Landkreises", "Sprachförderung für alle Menschen"]],
    )
    doc = load_document(scan, ocr=True, use_cache=False)
    text = " ".join(p.text for s in doc.sections for p in s.paragraphs)
    assert "Integrationskonzept" in text and "Sprachförderung" in text
    assert doc.quality[0].ocr and not doc.quality[0].no_text


def test_ocr_without_tesseract_says_how_to_install(tmp_path, monkeypatch):
    import konzeptanalyse.ingest.ocr as ocr

    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)
    scan = image_pdf(tmp_path / "scan.pdf", [["Integrationskonzept"]])
    error = _error(scan, ocr=True)
    assert "tesseract" in error.cause and "apt-get install tesseract-ocr-deu" in error.hint


def test_find_pdfs_takes_files_and_folders(tmp_path):
    folder = tmp_path / "konzepte"
    (folder / "sub").mkdir(parents=True)
    for name in ("b.pdf", "A.PDF", "sub/c.pdf", "notiz.txt"):
        (folder / name).write_bytes(b"%PDF-1.4")
    single = tmp_path / "einzeln.pdf"
    single.write_bytes(b"%PDF-1.4")
    found = find_pdfs([folder, single])
    assert found == sorted([folder / "A.PDF", folder / "b.pdf", folder / "sub" / "c.pdf", single])


def test_scan_with_a_text_stamp_still_counts_as_scanned(tmp_path):
    scan = image_pdf(tmp_path / "scan.pdf", [["Integrationskonzept des Landkreises"]])
    stamp = canvas_pdf(tmp_path / "stamp.pdf", [[Text(480, 810, "Seite 1")]])
    stamped = tmp_path / "gestempelt.pdf"
    with pikepdf.open(scan) as pdf, pikepdf.open(stamp) as over:
        pdf.pages[0].add_overlay(over.pages[0])
        pdf.save(stamped)
    assert "no text layer" in _error(stamped).cause
