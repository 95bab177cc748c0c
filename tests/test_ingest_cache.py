"""Cache by content hash: a second load of an unchanged file parses no PDF."""

from __future__ import annotations

import gzip

import pytest
from pdfs import H, P, concept_pdf, filler

import konzeptanalyse.ingest.pdf as pdf_module
from konzeptanalyse.ingest import EXTRACTOR, default_cache_dir, load_document


@pytest.fixture
def pdf(tmp_path):
    return concept_pdf(tmp_path / "konzept.pdf", [H(1, "Leitbild"), P(filler(1, 80))])


def _no_parsing(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("the PDF was parsed although the cache holds it")

    monkeypatch.setattr(pdf_module, "open_pdf", fail)


def test_second_load_parses_no_pdf(pdf, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = load_document(pdf, cache_dir=cache)
    files = list(cache.glob("*.json.gz"))
    assert len(files) == 1 and files[0].name.startswith(first.sha256)
    _no_parsing(monkeypatch)
    second = load_document(pdf, cache_dir=cache)
    assert second.to_dict() == first.to_dict()


def test_cache_key_holds_extractor_and_ocr_flag(pdf, tmp_path):
    cache = tmp_path / "cache"
    load_document(pdf, cache_dir=cache)
    load_document(pdf, cache_dir=cache, ocr=True)
    names = sorted(f.name for f in cache.glob("*.json.gz"))
    assert len(names) == 2
    assert all(EXTRACTOR.replace("/", "_") in name for name in names)


def test_renamed_copy_is_a_cache_hit_with_its_own_name(pdf, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    load_document(pdf, cache_dir=cache)
    copy = tmp_path / "kopie.pdf"
    copy.write_bytes(pdf.read_bytes())
    _no_parsing(monkeypatch)
    assert load_document(copy, cache_dir=cache).file == "kopie.pdf"


def test_corrupt_cache_file_is_ignored_and_rewritten(pdf, tmp_path):
    cache = tmp_path / "cache"
    good = load_document(pdf, cache_dir=cache)
    (path,) = cache.glob("*.json.gz")
    path.write_bytes(b"not gzip at all")
    again = load_document(pdf, cache_dir=cache)
    assert again.to_dict() == good.to_dict()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        assert '"sections"' in handle.read()


def test_no_cache_neither_reads_nor_writes(pdf, tmp_path):
    cache = tmp_path / "cache"
    load_document(pdf, cache_dir=cache, use_cache=False)
    assert not cache.exists() or not list(cache.iterdir())


def test_default_cache_dir_follows_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("KONZEPT_CACHE", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    monkeypatch.delenv("KONZEPT_CACHE")
    assert default_cache_dir().parts[-2:] == (".cache", "konzeptanalyse")


def test_cache_hit_applies_the_current_kind_keywords(pdf, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    assert load_document(pdf, cache_dir=cache).sections[0].kind == "understanding"
    custom = tmp_path / "sections.yaml"
    custom.write_text("order: [annex]\nkinds:\n  annex: [leitbild]\n", encoding="utf-8")
    monkeypatch.setenv("KONZEPT_SECTIONS", str(custom))
    _no_parsing(monkeypatch)
    assert load_document(pdf, cache_dir=cache).sections[0].kind == "annex"
