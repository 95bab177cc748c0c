"""Integrationsverständnis of one segment: a score on the axis from the markers it carries.

The score is the weighted balance of the two poles' markers, ``(T - A) / (T + A)`` in [-1, 1]:
negative toward the assimilative pole (codes ``v.anpassung`` and its children), positive toward
the participation pole (``v.teilhabe`` and its children). Tag weights carry the codebook's term
weights and the section-kind weight (markers in understanding sections weigh most), so the same
function serves one segment and a whole section (pass all its tags).

A marker balance can point the wrong way when the position is carried by the structure of a
passage rather than by its words ("keine Einbahnstraße – aber sie beginnt beim Einzelnen …").
A second reader guards against that: a text classifier trained on labelled passages named in
the codebook (``second_reader``). A passage's marker side stands only where the second reader
confirms it; where it does not, the passage gets no side (score 0, ``disputed``) and goes to
review. Only
in an understanding passage without a marker side may the second reader give a side alone, and
only when it is sure (``CONFIDENT``); ``by`` always says which reader gave the side.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .model import Tag

__all__ = [
    "ASSIMILATIVE",
    "CLASSES",
    "NO_EVIDENCE",
    "PARTICIPATIVE",
    "SecondReader",
    "AGREE",
    "CONFIDENT",
    "checked_score",
    "describe_reader",
    "pole",
    "pole_dimensions",
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


@dataclass(frozen=True)
class SecondReader:
    """A classifier of passages into the two poles, trained on labelled passages.

    Character n-grams (3–5, within words) weighted by tf-idf and a logistic regression: it
    reads word parts, compounds and inflections without a lemmatiser and trains in about a
    second. ``source`` says what it learned from, for run.json and the terminal.
    """

    model: Any
    source: str
    n_passages: int

    @classmethod
    def train(cls, texts: Sequence[str], poles: Sequence[str], source: str) -> SecondReader:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        model = make_pipeline(
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True, lowercase=True
            ),
            LogisticRegression(C=16.0, class_weight="balanced", max_iter=3000),
        )
        model.fit(list(texts), [p == "teilhabe" for p in poles])
        return cls(model=model, source=source, n_passages=len(texts))

    @classmethod
    def from_codebook(cls, codebook) -> SecondReader | None:
        """The reader of the dimension that holds the poles, or None if the codebook names none."""
        texts, poles, files = _passages(codebook)
        if not files:
            return None
        return cls.train(texts, poles, _source(len(texts), files))

    @property
    def description(self) -> str:
        """What reads: for run.json and the terminal."""
        return _describe(self.source)

    def probability(self, texts: Sequence[str]) -> list[float]:
        """Probability of the participation pole for each text (0.5 = undecided)."""
        if not texts:
            return []
        return [round(float(p), 4) for p in self.model.predict_proba(list(texts))[:, 1]]


#: The second reader confirms a marker side when its probability of that side is at least
#: ``AGREE``; where the markers give no side, it decides alone, in understanding passages only,
#: when it is at least ``CONFIDENT`` of a pole. Both chosen by leaving each labelled set out in
#: turn (tools/reader_crossval.py; figures in docs/matching.md).
AGREE = 0.65
CONFIDENT = 0.85


def pole_dimensions(codebook) -> set[str]:
    """The dimensions that hold the pole codes (their change means: score again)."""
    return {codebook.dimension(c) for c in codebook.codes if pole(c)}


def describe_reader(codebook) -> str | None:
    """The second reader a codebook names, described without training it (for run.json)."""
    texts, _, files = _passages(codebook)
    return _describe(_source(len(texts), files)) if files else None


def _passages(codebook) -> tuple[list[str], list[str], list[str]]:
    """Texts and poles (anpassung/teilhabe only) of the second reader's files, and the files."""
    from .codebook.load import reader_path

    dims = sorted(pole_dimensions(codebook))
    files = [f for d in dims for f in codebook.dimensions[d].second_reader]
    texts, poles = [], []
    for name in files:
        with reader_path(codebook.path, name).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row["pole"] in ("anpassung", "teilhabe"):
                    texts.append(row["text"])
                    poles.append(row["pole"])
    return texts, poles, files


def _source(n: int, files: list[str]) -> str:
    return f"{n} labelled passages from {', '.join(files)}"


def _describe(source: str) -> str:
    import sklearn

    return (
        f"character 3-5-gram tf-idf + logistic regression (scikit-learn {sklearn.__version__}), "
        f"{source}"
    )


def checked_score(
    score: float, probability: float | None, alone: bool = False
) -> tuple[float, str]:
    """The score after the second reader's check, and who gave the side.

    ``by`` is "markers" (the reader confirms the side, or there is no reader), "disputed" (it
    does not: it reads the other side or is undecided; score 0), "second reader" (no marker
    side, ``alone`` allowed and the reader at least ``CONFIDENT``: score 2p - 1) or "" (no
    side). ``probability`` None = no reader.
    """
    if probability is None:
        return score, "markers" if score else ""
    if score != 0:
        same_side = probability if score > 0 else 1 - probability
        return (score, "markers") if same_side >= AGREE else (0.0, "disputed")
    if alone and max(probability, 1 - probability) >= CONFIDENT:
        return round(2 * probability - 1, 4), "second reader"
    return 0.0, ""
