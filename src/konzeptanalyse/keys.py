"""Content keys: how a segment and a tag are recognised across runs.

A review decision must survive re-extraction, a changed codebook and re-numbered rows, so it is
keyed by what the text *is* (document hash, section path, normalised segment text, code), never
by a row number or a segment's position.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed: equal for the same sentence re-extracted."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    return _SPACE.sub(" ", text).strip().casefold()


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def segment_key(doc_sha256: str, section_path: str, text: str) -> str:
    """Stable key of a segment: document, section path and normalised text."""
    return _digest(doc_sha256, normalise_text(section_path), normalise_text(text))


def tag_id(seg_key: str, code: str) -> str:
    """Stable id of one code on one segment; review decisions are stored under it."""
    return _digest(seg_key, code)
