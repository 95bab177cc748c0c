"""Extraction quality against ground truth written by the corpus generator.

For every PDF with a truth file (corpus/truth/<id>.json, tests/data/heldout/<id>.json:
{"headings": [{"text", "number", "level", "page"}], "body": [paragraphs in reading order],
"running_header": str, "captions": [...]}) prints:

* headings: share of true headings found as a section heading with the same text and level;
* words in order: longest common subsequence of the true and extracted body word sequences
  (difflib.SequenceMatcher on word lists) divided by the number of true words;
* paragraphs exact: share of true paragraphs extracted as one paragraph (diagnostic);
* leaks: paragraphs carrying a running header or a page number ("Seite 7", a bare "7").

Usage: python bench/eval_extraction.py [PDF ...]   (default: corpus/*.pdf and the held-out set)
Targets on the held-out document: ≥ 90 % headings, ≥ 98 % words in order, 0 leaks.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRUTH_DIRS = (ROOT / "corpus" / "truth", ROOT / "tests" / "data" / "heldout")
HELDOUT = ROOT / "tests" / "data" / "heldout"

_PUNCT = re.compile(r"^[^\w]+|[^\w]+$")
_PAGE_NO = re.compile(r"^(?:seite\s*)?\d{1,4}(?:\s*(?:/|von)\s*\d{1,4})?$", re.I)


@dataclass
class Score:
    name: str
    headings: float
    heading_total: int
    words: float
    word_total: int
    leaks: int
    paragraphs: float = 0.0

    def line(self) -> str:
        return (
            f"{self.name:24s} headings {self.headings:6.1%} of {self.heading_total:3d}  "
            f"words in order {self.words:7.2%} of {self.word_total:5d}  leaks {self.leaks}  "
            f"paragraphs exact {self.paragraphs:6.1%}"
        )


def truth_for(pdf: Path) -> Path | None:
    for folder in (pdf.parent / "truth", pdf.parent, *TRUTH_DIRS):
        candidate = folder / f"{pdf.stem}.json"
        if candidate.is_file():
            return candidate
    return None


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\W+", " ", text).strip()


def words(texts: list[str]) -> list[str]:
    out = []
    for text in texts:
        for token in unicodedata.normalize("NFKC", text).split():
            token = _PUNCT.sub("", token)
            if token:
                out.append(token)
    return out


def evaluate(pdf: Path, truth_file: Path) -> Score:
    from konzeptanalyse.ingest import load_document

    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    doc = load_document(pdf, use_cache=False)
    sections = [s for s in doc.sections if s.kind != "contents" and s.level > 0]
    found = 0
    for heading in truth["headings"]:
        want = _norm(heading["text"])
        if any(_norm(s.heading) == want and s.level == heading["level"] for s in sections):
            found += 1
    captions = set(truth.get("captions") or [])
    body_paragraphs = [
        p.text
        for s in doc.sections
        if s.kind not in ("contents", "front")
        for p in s.paragraphs
        if not (captions and p.kind == "caption")
    ]
    true_words = words(truth["body"])
    got_words = words(body_paragraphs)
    matcher = SequenceMatcher(None, true_words, got_words, autojunk=False)
    common = sum(block.size for block in matcher.get_matching_blocks())
    header = _norm(truth.get("running_header") or "")
    true_norm = " ".join(_norm(b) for b in truth["body"])
    leaks = 0
    for s in doc.sections:
        for p in s.paragraphs:
            text = _norm(p.text)
            if header and header in text and header not in true_norm:
                leaks += 1
            elif _PAGE_NO.match(p.text.strip()):
                leaks += 1
            elif re.search(r"\bseite \d+\b", text) and not re.search(r"\bseite \d+\b", true_norm):
                leaks += 1
    got = {_norm(t) for t in body_paragraphs}
    exact = sum(1 for b in truth["body"] if _norm(b) in got) / max(len(truth["body"]), 1)
    return Score(
        pdf.name,
        found / max(len(truth["headings"]), 1),
        len(truth["headings"]),
        common / max(len(true_words), 1),
        len(true_words),
        leaks,
        exact,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    args = parser.parse_args(argv)
    pdfs = args.pdfs or sorted((ROOT / "corpus").glob("*.pdf")) + sorted(HELDOUT.glob("*.pdf"))
    scores = []
    for pdf in pdfs:
        truth = truth_for(pdf)
        if truth is None:
            print(f"{pdf.name}: no truth file, skipped", file=sys.stderr)
            continue
        score = evaluate(pdf, truth)
        scores.append(score)
        print(score.line())
    if scores:
        n = len(scores)
        print(
            f"{'mean':24s} headings {sum(s.headings for s in scores) / n:6.1%}         "
            f"words in order {sum(s.words for s in scores) / n:7.2%}          "
            f"leaks {sum(s.leaks for s in scores)}  "
            f"paragraphs exact {sum(s.paragraphs for s in scores) / n:6.1%}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
