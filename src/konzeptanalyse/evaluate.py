"""Judge a codebook against a labelled CSV: per-code precision/recall, poles, measure types.

Gold columns: ``id, text, context, codes, pole``. ``codes`` is ';'-joined; ``context`` is a
section kind, "heading" or empty (= every dimension); ``pole`` is anpassung, teilhabe, gemischt
or empty (not an understanding passage). Scores are computed at the level of the codes the gold
uses: a predicted child code counts as its nearest ancestor that the gold uses, and predicted
codes the gold never uses are not scored.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .codebook import Codebook, Matcher
from .codebook.model import CONTEXTS
from .store import write_atomic
from .understanding import SecondReader, checked_score, score_segment

__all__ = [
    "CodeScore",
    "Evaluation",
    "FoldResult",
    "GoldError",
    "GoldRow",
    "POLES",
    "RowResult",
    "error_rows",
    "evaluate",
    "load_gold",
    "predicted_side",
    "reader_crossval",
    "write_errors",
    "write_table",
]

REQUIRED_COLUMNS = ("id", "text", "context", "codes", "pole")
POLES = ("anpassung", "teilhabe", "gemischt")
SIDES = ("anpassung", "keine", "teilhabe")


class GoldError(ValueError):
    """A gold file that cannot be scored; the message names file, line and what to fix."""


@dataclass(frozen=True)
class GoldRow:
    id: str
    text: str
    context: str | None
    codes: frozenset[str]
    pole: str  # "" when not an understanding passage
    line: int


@dataclass
class CodeScore:
    code: str
    label: str
    dimension: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.support if self.support else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class RowResult:
    """What the codebook made of one gold row: the material for reading its errors."""

    row: GoldRow
    predicted: frozenset[str]  # lifted to the codes the gold uses
    score: float  # after the second reader's check
    markers: tuple[str, ...]
    reader: float | None = None  # the second reader's probability of the participation pole
    by: str = ""  # who gave the side: markers, second reader, disputed or ""

    @property
    def side(self) -> str:
        return predicted_side(self.score)

    @property
    def wrong(self) -> bool:
        side_wrong = self.row.pole in ("anpassung", "teilhabe") and self.side != self.row.pole
        return side_wrong or self.predicted != self.row.codes


@dataclass
class Evaluation:
    rows: int
    codes: list[CodeScore]
    micro: tuple[float, float, float]  # precision, recall, F1
    macro: tuple[float, float, float]
    pole_confusion: dict[str, Counter] = field(default_factory=dict)  # gold pole → predicted side
    measure_rows: int = 0
    measure_right: int = 0  # every gold measure type found
    measure_exact: int = 0  # exactly the gold measure types
    row_results: list[RowResult] = field(default_factory=list)

    def pole_shares(self) -> dict[str, float | None]:
        """Right side and opposite pole among the rows whose gold is anpassung or teilhabe."""
        polar = {p: self.pole_confusion.get(p, Counter()) for p in ("anpassung", "teilhabe")}
        n = sum(sum(c.values()) for c in polar.values())
        if not n:
            return {"n": 0, "right": None, "opposite": None, "none": None}
        right = polar["anpassung"]["anpassung"] + polar["teilhabe"]["teilhabe"]
        opposite = polar["anpassung"]["teilhabe"] + polar["teilhabe"]["anpassung"]
        none = polar["anpassung"]["keine"] + polar["teilhabe"]["keine"]
        return {"n": n, "right": right / n, "opposite": opposite / n, "none": none / n}

    def table_rows(self) -> list[dict[str, object]]:
        return [
            {
                "code": s.code,
                "label": s.label,
                "dimension": s.dimension,
                "tp": s.tp,
                "fp": s.fp,
                "fn": s.fn,
                "precision": _round(s.precision),
                "recall": _round(s.recall),
                "f1": _round(s.f1),
                "support": s.support,
            }
            for s in self.codes
        ]


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def load_gold(path: Path, codebook: Codebook) -> list[GoldRow]:
    """Read and check a gold CSV; raise :class:`GoldError` naming the line of any bad row."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise GoldError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    rows: list[GoldRow] = []
    with handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise GoldError(
                f"{path}:1: missing column(s) {', '.join(missing)}; "
                f"the header must have {', '.join(REQUIRED_COLUMNS)}"
            )
        for record in reader:
            line = reader.line_num
            codes = frozenset(c.strip() for c in (record["codes"] or "").split(";") if c.strip())
            unknown = sorted(c for c in codes if c not in codebook.codes)
            if unknown:
                raise GoldError(
                    f"{path}:{line}: row {record['id']!r}: unknown code(s) {', '.join(unknown)} "
                    f"(not in codebook {codebook.path})"
                )
            context = (record["context"] or "").strip() or None
            if context is not None and context not in CONTEXTS:
                raise GoldError(
                    f"{path}:{line}: row {record['id']!r}: unknown context {context!r}; "
                    f"use a section kind ({', '.join(CONTEXTS)}) or leave it empty"
                )
            pole = (record["pole"] or "").strip().lower()
            if pole and pole not in POLES:
                raise GoldError(
                    f"{path}:{line}: row {record['id']!r}: pole {pole!r} must be one of "
                    f"{', '.join(POLES)} or empty"
                )
            rows.append(GoldRow(record["id"], record["text"] or "", context, codes, pole, line))
    if not rows:
        raise GoldError(f"{path}: no rows below the header")
    return rows


def predicted_side(score: float) -> str:
    """anpassung (score < 0), teilhabe (> 0) or keine (0)."""
    return "anpassung" if score < 0 else "teilhabe" if score > 0 else "keine"


def _lift(code: str, gold_codes: set[str], codebook: Codebook) -> str | None:
    for c in codebook.parent_chain(code):
        if c in gold_codes:
            return c
    return None


def evaluate(
    rows: list[GoldRow], matcher: Matcher, reader: SecondReader | None = None
) -> Evaluation:
    """Tag every gold text and compare, at the level of the codes the gold uses.

    With a ``reader``, the side is checked by the second reader
    (``understanding.checked_score``), as in ``konzept classify``.
    """
    book = matcher.codebook
    gold_codes = {c for r in rows for c in r.codes}
    scores = {
        c: CodeScore(c, book.label(c), book.dimension(c))
        for c in sorted(gold_codes, key=lambda c: (book.dimension(c), c))
    }
    confusion: dict[str, Counter] = {p: Counter() for p in POLES}
    measure_rows = measure_right = measure_exact = 0
    row_results: list[RowResult] = []
    tagged = [matcher.tag(row.text, row.context) for row in rows]
    scored = [score_segment(tags) for tags in tagged]
    checks: list[float | None] = [None] * len(rows)
    if reader is not None:
        read = [i for i, (_, m) in enumerate(scored) if m or rows[i].context == "understanding"]
        for i, p in zip(read, reader.probability([rows[i].text for i in read]), strict=True):
            checks[i] = p
    for row, tags, (marker_score, markers), check in zip(rows, tagged, scored, checks, strict=True):
        predicted = {m for t in tags if (m := _lift(t.code, gold_codes, book)) is not None}
        for code in gold_codes:
            gold, pred = code in row.codes, code in predicted
            if gold and pred:
                scores[code].tp += 1
            elif pred:
                scores[code].fp += 1
            elif gold:
                scores[code].fn += 1
        score, by = checked_score(marker_score, check, row.context == "understanding")
        if row.pole:
            confusion[row.pole][predicted_side(score)] += 1
        row_results.append(RowResult(row, frozenset(predicted), score, tuple(markers), check, by))
        gold_measures = {c for c in row.codes if book.dimension(c) == "massnahme"}
        if gold_measures:
            pred_measures = {c for c in predicted if book.dimension(c) == "massnahme"}
            measure_rows += 1
            measure_right += gold_measures <= pred_measures
            measure_exact += gold_measures == pred_measures
    code_list = list(scores.values())
    tp = sum(s.tp for s in code_list)
    fp = sum(s.fp for s in code_list)
    fn = sum(s.fn for s in code_list)
    micro_p = tp / (tp + fp) if tp + fp else 0.0
    micro_r = tp / (tp + fn) if tp + fn else 0.0
    micro_f = 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r else 0.0
    with_support = [s for s in code_list if s.support] or code_list
    n = len(with_support) or 1
    macro = (
        sum(s.precision or 0.0 for s in with_support) / n,
        sum(s.recall or 0.0 for s in with_support) / n,
        sum(s.f1 or 0.0 for s in with_support) / n,
    )
    return Evaluation(
        rows=len(rows),
        codes=code_list,
        micro=(micro_p, micro_r, micro_f),
        macro=macro,
        pole_confusion={p: c for p, c in confusion.items() if sum(c.values())},
        measure_rows=measure_rows,
        measure_right=measure_right,
        measure_exact=measure_exact,
        row_results=row_results,
    )


ERROR_COLUMNS = (
    "id",
    "line",
    "context",
    "text",
    "missing",
    "extra",
    "pole",
    "predicted_side",
    "score",
    "markers",
    "second_reader",
    "by",
)


def error_rows(evaluation: Evaluation) -> list[dict[str, object]]:
    """One row per gold row the codebook got wrong: missing and extra codes, the side found."""
    return [
        {
            "id": r.row.id,
            "line": r.row.line,
            "context": r.row.context or "",
            "text": r.row.text,
            "missing": ";".join(sorted(r.row.codes - r.predicted)),
            "extra": ";".join(sorted(r.predicted - r.row.codes)),
            "pole": r.row.pole,
            "predicted_side": r.side if r.row.pole else "",
            "score": r.score if r.row.pole else "",
            "markers": " | ".join(r.markers),
            "second_reader": "" if r.reader is None else r.reader,
            "by": r.by,
        }
        for r in evaluation.row_results
        if r.wrong
    ]


@dataclass(frozen=True)
class FoldResult:
    """One labelled set scored with a second reader that never saw it."""

    name: str
    polar: int  # passages with pole anpassung or teilhabe
    markers: tuple[int, int, int]  # right side, opposite pole, no side: markers alone
    checked: tuple[int, int, int]  # the same, checked by the second reader


def reader_crossval(matcher: Matcher) -> list[FoldResult]:
    """Leave each of the codebook's second-reader sets out in turn: train on the others and
    score it, with markers alone and checked (what the reader does on text it has not seen)."""
    from .codebook.load import reader_path

    book = matcher.codebook
    files = [f for d in book.dimensions.values() for f in d.second_reader]
    sets = {
        f: [
            r
            for r in load_gold(reader_path(book.path, f), book)
            if r.pole in ("anpassung", "teilhabe")
        ]
        for f in files
    }
    results = []
    for held, rows in sets.items():
        train = [r for f, rs in sets.items() if f != held for r in rs]
        reader = SecondReader.train([r.text for r in train], [r.pole for r in train], "fold")
        tallies = ([0, 0, 0], [0, 0, 0])
        for row, p in zip(rows, reader.probability([r.text for r in rows]), strict=True):
            score, _ = score_segment(matcher.tag(row.text, row.context))
            alone = row.context == "understanding"
            for tally, s in zip(tallies, (score, checked_score(score, p, alone)[0]), strict=True):
                side = predicted_side(s)
                tally[0 if side == row.pole else 2 if side == "keine" else 1] += 1
        results.append(FoldResult(Path(held).name, len(rows), *map(tuple, tallies)))
    return results


def write_table(evaluation: Evaluation, path: Path) -> None:
    """The per-code table as CSV (atomic: written beside, then renamed)."""
    rows = evaluation.table_rows()
    _write_csv(path, rows, list(rows[0]) if rows else ["code"])


def write_errors(evaluation: Evaluation, path: Path) -> int:
    """The wrongly coded rows as CSV (atomic); returns how many there are."""
    rows = error_rows(evaluation)
    _write_csv(path, rows, list(ERROR_COLUMNS))
    return len(rows)


def _write_csv(path: Path, rows: list[dict[str, object]], columns: list[str]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    write_atomic(Path(path), buffer.getvalue().encode("utf-8"))
