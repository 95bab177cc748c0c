"""Codebooks: YAML dimensions, codes and terms → a validated ``Codebook`` → a fast ``Matcher``.

Public API used by the pipeline::

    from konzeptanalyse.codebook import load_codebook, CodebookError, Codebook, Matcher
    book = load_codebook(DEFAULT_CODEBOOK)
    tags = Matcher(book).tag("Wir bauen Sprachkurse aus.", context="measures")
"""

from __future__ import annotations

import os
from pathlib import Path

from .load import CodebookError, load_codebook, parse_codebook
from .manual import to_markdown
from .match import Matcher, segment_record
from .model import Code, Codebook, Dimension, Rule

__all__ = [
    "DEFAULT_CODEBOOK",
    "Code",
    "Codebook",
    "CodebookError",
    "Dimension",
    "Matcher",
    "Rule",
    "default_codebook_path",
    "load_codebook",
    "parse_codebook",
    "segment_record",
    "to_markdown",
]


def default_codebook_path() -> Path:
    """$KONZEPT_CODEBOOK if set, else codebook/default.yaml of the repository."""
    env = os.environ.get("KONZEPT_CODEBOOK")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "codebook" / "default.yaml"


#: The default codebook (resolved when the package is imported).
DEFAULT_CODEBOOK: Path = default_codebook_path()
