"""Keyword in context: every passage of the corpus where a term or a code occurs.

A researcher checks what a count means by reading its hits. Terms match whole words,
case-insensitively and by lemma ("Beirat" finds "Beiräte", "Bürger" finds "Bürger:innen");
a phrase matches consecutive words; ``*`` and ``?`` are globs inside a word ("*beirat" finds
"Integrationsbeirat", "Sprach*" finds "Sprachkurse"). ``--code`` lists the tagged passages of
a code (final codes, a parent code includes its children), the match being the tag's evidence.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from konzeptanalyse.tables import Results, final_tags, load_results

_INVISIBLE = frozenset("\u00ad\ufffe")

KWIC_COLUMNS = [
    ("doc_id", "document key"),
    ("file", "PDF file name"),
    ("kreis", "Kreis (manifest)"),
    ("quality_flag", "extraction quality of the document"),
    ("page", "page of the passage"),
    ("section_path", "section the passage stands in"),
    ("section_kind", "kind of that section"),
    ("segment_id", "segment key"),
    ("code", "final code (--code only)"),
    ("left", "text before the match"),
    ("match", "the matched words"),
    ("right", "text after the match"),
]


@dataclass(frozen=True)
class _QueryWord:
    text: str  # case-folded as typed
    lemma: str
    glob: bool

    def matches(self, text: str, lemma: str, use_lemma: bool) -> bool:
        folded = text.casefold()
        if self.glob:
            return fnmatch.fnmatchcase(folded, self.text)
        return folded == self.text or (use_lemma and lemma == self.lemma)


def _query(term: str) -> list[_QueryWord]:
    from konzeptanalyse import lemmas

    words = []
    for part in term.split():
        if "*" in part or "?" in part:
            words.append(_QueryWord(part.casefold(), "", True))
            continue
        tokens = [t for t in lemmas.tokenize(part) if any(ch.isalnum() for ch in t.text)]
        for token in tokens:
            words.append(_QueryWord(token.text.casefold(), token.lemma.casefold(), False))
    if not words:
        raise ValueError(f"kwic: the term {term!r} has no words to search for")
    return words


def find_spans(text: str, query: list[_QueryWord], use_lemma: bool = True) -> list[tuple[int, int]]:
    """Character spans in ``text`` where the query words occur consecutively."""
    from konzeptanalyse import lemmas

    # soft hyphens (and U+FFFE, which some PDF fonts map them to) must not split a word;
    # tokenise without them and map the offsets back to the original text
    kept = [i for i, ch in enumerate(text) if ch not in _INVISIBLE]
    clean = text if len(kept) == len(text) else "".join(text[i] for i in kept)
    tokens = [t for t in lemmas.tokenize(clean) if any(ch.isalnum() for ch in t.text)]
    spans = []
    n = len(query)
    for i in range(len(tokens) - n + 1):
        window = tokens[i : i + n]
        if all(
            q.matches(t.text, t.lemma.casefold(), use_lemma)
            for q, t in zip(query, window, strict=True)
        ):
            spans.append((kept[window[0].start], kept[window[-1].end - 1] + 1))
    return spans


def _candidates(texts: list[str], query: list[_QueryWord], use_lemma: bool) -> list[bool]:
    """Which texts can hold a hit: a cheap superset so only those are tokenised.

    Tokens never span whitespace, so a text can only match if one of its whitespace-separated
    chunks holds a token that matches a query word. Each distinct chunk is tokenised once
    (also with a following space, as the tokenizer looks ahead for suspended hyphens).
    """
    from konzeptanalyse import lemmas

    def chunks(text: str) -> list[str]:
        if any(ch in _INVISIBLE for ch in text):
            text = "".join(ch for ch in text if ch not in _INVISIBLE)
        return text.split()

    split = [chunks(text) for text in texts]
    vocab = {chunk for parts in split for chunk in parts}
    matching = set()
    for chunk in vocab:
        tokens = lemmas.tokenize(chunk) + lemmas.tokenize(chunk + " ")
        if any(q.matches(t.text, t.lemma.casefold(), use_lemma) for t in tokens for q in query):
            matching.add(chunk)
    return [not matching.isdisjoint(parts) for parts in split]


def _clean(text: str) -> str:
    return " ".join("".join(ch for ch in text if ch not in _INVISIBLE).split())


def _row(seg: pd.Series, doc: dict, start: int, end: int, width: int, code: str) -> dict:
    text = seg["text"]
    return {
        "doc_id": seg["doc_id"],
        "file": doc.get("file", ""),
        "kreis": doc.get("kreis", ""),
        "quality_flag": doc.get("quality_flag", ""),
        "page": seg["page"],
        "section_path": seg["section_path"],
        "section_kind": seg["section_kind"],
        "segment_id": seg["segment_id"],
        "code": code,
        "left": _clean(text[max(0, start - width) : start]),
        "match": _clean(text[start:end]),
        "right": _clean(text[end : end + width]),
    }


def kwic(
    res: Results,
    term: str | None = None,
    code: str | None = None,
    width: int = 40,
    use_lemma: bool = True,
) -> pd.DataFrame:
    """Hits of ``term`` (a word, phrase or glob) and/or ``code`` with ``width`` characters of
    context on each side, in corpus order. With both, the term is searched in the code's
    segments."""
    if not term and not code:
        raise ValueError("kwic: give a TERM or --code CODE")
    if width < 0:
        raise ValueError("kwic: --width must be 0 or more")
    docs = {row["doc_id"]: row for row in res.documents.to_dict("records")}
    segs = res.segments
    code_of: dict[str, list[tuple[str, int | None, int | None]]] = {}
    if code:
        tags = final_tags(res)
        wanted = tags[(tags["final_code"] == code) | (tags["final"] == code)]
        for tag in wanted.to_dict("records"):
            start = int(tag["start"]) if str(tag["start"]).isdigit() else None
            end = int(tag["end"]) if str(tag["end"]).isdigit() else None
            code_of.setdefault(tag["segment_id"], []).append((tag["final_code"], start, end))
        segs = segs[segs["segment_id"].isin(code_of)]
    query = _query(term) if term else None
    if query is not None:
        segs = segs[_candidates(segs["text"].tolist(), query, use_lemma)]
    rows = []
    for seg in segs.to_dict("records"):
        doc = docs.get(seg["doc_id"], {})
        codes = code_of.get(seg["segment_id"], [("", None, None)])
        label = ";".join(sorted({c for c, _, _ in codes if c}))
        if query is not None:
            for start, end in find_spans(seg["text"], query, use_lemma):
                rows.append(_row(seg, doc, start, end, width, label))
            continue
        for final, start, end in codes:
            if start is None or end is None or end <= start or end > len(seg["text"]):
                start, end = 0, len(seg["text"])
            rows.append(_row(seg, doc, start, end, width, final))
    return pd.DataFrame(rows, columns=[c for c, _ in KWIC_COLUMNS])


def kwic_dir(
    results_dir: Path,
    term: str | None = None,
    code: str | None = None,
    width: int = 40,
    use_lemma: bool = True,
) -> pd.DataFrame:
    """``kwic`` on a results folder."""
    return kwic(load_results(Path(results_dir)), term, code, width, use_lemma)
