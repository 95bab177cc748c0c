"""Extraction results cached by file content hash: a second run over an unchanged corpus
parses no PDF. One gzip JSON file per (content, extractor version, OCR flag), written
atomically; a corrupt file is ignored (and rewritten by the caller)."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

from ..model import Document


def default_cache_dir() -> Path:
    """$KONZEPT_CACHE, else ~/.cache/konzeptanalyse."""
    env = os.environ.get("KONZEPT_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "konzeptanalyse"


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def cache_path(cache_dir: Path, sha256: str, extractor: str, ocr: bool) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", extractor)
    return cache_dir / f"{sha256}-{safe}-{ocr}.json.gz"


def read_cached(path: Path) -> Document | None:
    """The cached document, or None when missing or unreadable (never an error)."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return Document.from_dict(json.load(handle))
    except (OSError, EOFError, ValueError, KeyError, TypeError):
        return None


def write_cached(path: Path, document: Document) -> None:
    """Atomic write: temp file in the same folder, then os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
            gz.write(json.dumps(document.to_dict(), ensure_ascii=False).encode("utf-8"))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
