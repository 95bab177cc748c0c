"""PDF → ``model.Document``: clean lines in reading order, split into sections.

Public API (other modules code against exactly this)::

    load_document(path, *, ocr=False, password=None, cache_dir=None, use_cache=True) -> Document
    find_pdfs(paths) -> list[Path]
    IngestError, default_cache_dir(), EXTRACTOR
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .. import __version__
from ..model import Document
from .cache import cache_path, default_cache_dir, file_sha256, read_cached, write_cached
from .errors import IngestError

#: Extractor name and version: part of the cache key. Bump the suffix when output changes.
EXTRACTOR = f"konzept-extract/{__version__}.2"

__all__ = ["EXTRACTOR", "IngestError", "default_cache_dir", "find_pdfs", "load_document"]


def find_pdfs(paths: Iterable[Path]) -> list[Path]:
    """Files as given plus every *.pdf (any case) inside given folders, sorted, no duplicates."""
    found: set[Path] = set()
    for path in map(Path, paths):
        if path.is_dir():
            found.update(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
        else:
            found.add(path)
    return sorted(found)


def load_document(
    path: Path,
    *,
    ocr: bool = False,
    password: str | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
) -> Document:
    """Read one PDF into a sectioned ``Document`` (cached by content hash).

    Raises ``IngestError`` for files that cannot be read (missing, empty, not a PDF, damaged,
    encrypted without the right password, no text at all and no OCR, tesseract missing).
    Pages without a text layer are OCRed when ``ocr`` is true, else reported in
    ``Document.warnings`` and ``PageQuality.no_text``.
    """
    path = Path(path)
    if not path.is_file():
        raise IngestError(path.name, "file not found", "check the path")
    sha = file_sha256(path)
    target = cache_path(cache_dir or default_cache_dir(), sha, EXTRACTOR, ocr)
    if use_cache:
        cached = read_cached(target)
        if cached is not None and cached.extractor == EXTRACTOR:
            from ..sections import assign_kinds

            cached.file = path.name
            assign_kinds(cached.sections)  # the kind keywords may have changed since
            return cached
    document = _extract(path, sha, ocr=ocr, password=password)
    if use_cache:
        try:
            write_cached(target, document)
        except OSError as exc:
            document.warnings.append(f"cache not written ({exc.strerror}): {target.parent}")
    return document


def _extract(path: Path, sha: str, *, ocr: bool, password: str | None) -> Document:
    from ..sections import section_lines
    from .pdf import read_pdf

    reader = None
    if ocr:
        from .ocr import PageOcr

        reader = PageOcr(path.name)
    raw = read_pdf(path, password=password, ocr=ocr, ocr_page=reader)
    if raw.pages and all(p.quality.no_text for p in raw.pages):
        raise IngestError(
            path.name, "no text layer (scanned?)", "install tesseract-ocr-deu and use --ocr"
        )
    result = section_lines(raw)
    for page in raw.pages:
        page.quality.repairs += result.repairs.get(page.number, 0)
    return Document(
        file=path.name,
        sha256=sha,
        page_count=raw.page_count,
        title=result.title,
        quality=[p.quality for p in raw.pages],
        toc=result.toc,
        sections=result.sections,
        warnings=raw.warnings,
        extractor=EXTRACTOR,
    )
