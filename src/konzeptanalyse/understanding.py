"""Integrationsverständnis of one segment: a score on the axis from the markers it carries.

The score is the weighted balance of the two poles' markers, ``(T - A) / (T + A)`` in [-1, 1]:
negative toward the assimilative pole (codes ``v.anpassung`` and its children), positive toward
the participation pole (``v.teilhabe`` and its children). Tag weights carry the codebook's term
weights and the section-kind weight (markers in understanding sections weigh most), so the same
function serves one segment and a whole section (pass all its tags).
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import Tag

__all__ = [
    "ASSIMILATIVE",
    "CLASSES",
    "NO_EVIDENCE",
    "PARTICIPATIVE",
    "pole",
    "score_segment",
    "understanding_class",
]

ASSIMILATIVE = "v.anpassung"
PARTICIPATIVE = "v.teilhabe"
NO_EVIDENCE = "keine Evidenz"
#: The five classes from assimilative to participation-oriented.
CLASSES = (
    "assimilativ",
    "eher assimilativ",
    "gemischt",
    "eher teilhabeorientiert",
    "teilhabeorientiert",
)


def pole(code: str) -> int:
    """-1 for the assimilative pole's codes, +1 for the participation pole's, 0 otherwise."""
    for root, sign in ((ASSIMILATIVE, -1), (PARTICIPATIVE, 1)):
        if code == root or code.startswith(root + "."):
            return sign
    return 0


def score_segment(tags: Iterable[Tag]) -> tuple[float, list[str]]:
    """Score in [-1, 1] (negative = assimilative; 0 without markers) and the markers found.

    Markers are written ``"v.teilhabe: gleichberechtigte Teilhabe"`` in text order.
    """
    toward, away = 0.0, 0.0
    markers: list[str] = []
    for tag in sorted(tags, key=lambda t: t.start):
        sign = pole(tag.code)
        if sign == 0:
            continue
        if sign > 0:
            toward += tag.weight
        else:
            away += tag.weight
        markers.append(f"{tag.code}: {tag.matched}")
    total = toward + away
    if total <= 0:
        return 0.0, markers
    return round((toward - away) / total, 4), markers


def understanding_class(score: float | None, n_evidence: int) -> str:
    """One of ``CLASSES`` from the score, or "keine Evidenz" when there are no markers."""
    if score is None or n_evidence <= 0:
        return NO_EVIDENCE
    if score <= -0.6:
        return CLASSES[0]
    if score <= -0.2:
        return CLASSES[1]
    if score < 0.2:
        return CLASSES[2]
    if score < 0.6:
        return CLASSES[3]
    return CLASSES[4]
