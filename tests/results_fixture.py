"""A tiny hand-made results folder (schema.py columns) for the review/ledger/agreement tests.

Two invented concepts, eight segments, seven auto-tags. Texts are written for this fixture;
some carry ';', quotes and a line break so the CSV round trip is tested on awkward cells.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from konzeptanalyse.keys import segment_key, tag_id
from konzeptanalyse.ledger import apply_decisions
from konzeptanalyse.schema import columns

LABELS: dict[str, tuple[str, str]] = {
    "hf.sprache": ("Sprache und Sprachförderung", "handlungsfeld"),
    "hf.bildung": ("Bildung", "handlungsfeld"),
    "hf.arbeit": ("Arbeit und Ausbildung", "handlungsfeld"),
    "hf.wohnen": ("Wohnen", "handlungsfeld"),
    "m.beratung": ("Beratung und Information", "massnahme"),
    "m.sprachfoerderung": ("Sprachförderung", "massnahme"),
    "zg.migranten": ("Zugewanderte", "zielgruppe"),
}

DOCS = [("lk-beispielkreis.pdf", "Landkreis Beispielkreis"), ("st-musterstadt.pdf", "Musterstadt")]

#: (doc index, section path, section kind, page, kind, text)
SEGMENTS = [
    (
        0,
        "3 Handlungsfelder > 3.1 Sprache",
        "action_field",
        4,
        "sentence",
        "Der Kreis baut die Sprachkurse für Neuzugewanderte weiter aus.",
    ),
    (
        0,
        "3 Handlungsfelder > 3.1 Sprache",
        "action_field",
        4,
        "list_item",
        'Sprachcafé; "Deutsch im Alltag" an zwei Standorten anbieten',
    ),
    (
        0,
        "3 Handlungsfelder > 3.2 Bildung",
        "action_field",
        5,
        "sentence",
        "Schulen erhalten zusätzliche Beratung\nfür Eltern.",
    ),
    (
        0,
        "4 Umsetzung",
        "implementation",
        7,
        "sentence",
        "Die Steuerungsgruppe trifft sich zweimal im Jahr.",
    ),
    (
        1,
        "2 Arbeit",
        "action_field",
        2,
        "sentence",
        "Die Anerkennung ausländischer Abschlüsse wird beschleunigt.",
    ),
    (1, "2 Arbeit", "action_field", 2, "table_row", "Ausbildungsmesse | Jobcenter | 2025"),
    (1, "3 Wohnen", "action_field", 3, "sentence", "Wohnraum für Familien soll bezahlbar bleiben."),
    (
        1,
        "3 Wohnen",
        "action_field",
        3,
        "sentence",
        "-Mieterberatung in mehreren Sprachen einrichten.",
    ),
]

#: (segment index, code, rule, matched)
AUTO = [
    (0, "hf.sprache", "hf.sprache/term:Sprachkurs", "Sprachkurse"),
    (0, "zg.migranten", "zg.migranten/term:Neuzugewanderte", "Neuzugewanderte"),
    (1, "hf.sprache", "hf.sprache/term:Deutsch", "Deutsch"),
    (2, "hf.bildung", "hf.bildung/term:Schule", "Schulen"),
    (2, "m.beratung", "m.beratung/term:Beratung", "Beratung"),
    (4, "hf.arbeit", "hf.arbeit/term:Anerkennung", "Anerkennung"),
    (7, "m.beratung", "m.beratung/term:Beratung", "beratung"),
]


def _sha(file: str) -> str:
    return hashlib.sha256(file.encode()).hexdigest()


def documents_frame() -> pd.DataFrame:
    rows = []
    for file, kreis in DOCS:
        sha = _sha(file)
        rows.append({"doc_id": sha[:12], "file": file, "sha256": sha, "kreis": kreis})
    return pd.DataFrame(rows).reindex(columns=columns("documents.csv"), fill_value="")


def segments_frame(segments=SEGMENTS) -> pd.DataFrame:
    rows, counter = [], {}
    for doc_i, path, kind_s, page, kind, text in segments:
        sha = _sha(DOCS[doc_i][0])
        n = counter.get(doc_i, 0)
        counter[doc_i] = n + 1
        rows.append(
            {
                "doc_id": sha[:12],
                "segment_id": f"{sha[:12]}-{n:05d}",
                "segment_key": segment_key(sha, path, text),
                "section_index": 0,
                "section_path": path,
                "section_kind": kind_s,
                "page": page,
                "kind": kind,
                "start": 0,
                "end": len(text),
                "n_words": len(text.split()),
                "understanding_score": 0.0,
                "text": text,
            }
        )
    return pd.DataFrame(rows, columns=columns("segments.csv"))


def auto_tags_frame(segments: pd.DataFrame, auto=AUTO, labels=LABELS) -> pd.DataFrame:
    """What the auto-coder would emit: tags.csv columns up to ``weight``."""
    cols = columns("tags.csv")[: columns("tags.csv").index("weight") + 1]
    rows = []
    for seg_i, code, rule, matched in auto:
        seg = segments.iloc[seg_i]
        start = seg["text"].find(matched)
        assert start >= 0, (seg["text"], matched)
        label, dimension = labels.get(code, (code, ""))
        rows.append(
            {
                "tag_id": tag_id(seg["segment_key"], code),
                "doc_id": seg["doc_id"],
                "segment_id": seg["segment_id"],
                "segment_key": seg["segment_key"],
                "page": seg["page"],
                "section_path": seg["section_path"],
                "section_kind": seg["section_kind"],
                "code": code,
                "label": label,
                "dimension": dimension,
                "rule": rule,
                "matched": matched,
                "start": start,
                "end": start + len(matched),
                "n_matches": 1,
                "weight": 1.0,
            }
        )
    return pd.DataFrame(rows, columns=cols)


def write_results(
    results: Path, segments=SEGMENTS, auto=AUTO, labels=LABELS
) -> dict[str, pd.DataFrame]:
    """Write documents/segments/tags CSVs as classify would (decisions of the ledger applied)."""
    results.mkdir(parents=True, exist_ok=True)
    seg = segments_frame(segments)
    tags, counts = apply_decisions(auto_tags_frame(seg, auto, labels), seg, results, labels)
    docs = documents_frame()
    for name, frame in (("documents.csv", docs), ("segments.csv", seg), ("tags.csv", tags)):
        frame.to_csv(results / name, index=False, encoding="utf-8")
    return {"documents": docs, "segments": seg, "tags": tags, "counts": counts}


def decision(
    tags: pd.DataFrame, i: int, decision: str, corrected_code: str = "", reviewer: str = "alice"
):
    """A ledger Decision on the i-th auto-tag of ``tags`` (shortcut for the tests)."""
    from konzeptanalyse.ledger import Decision

    t = tags.iloc[i]
    return Decision(
        tag_id=t["tag_id"],
        segment_key=t["segment_key"],
        code=t["code"],
        decision=decision,
        corrected_code=corrected_code,
        reviewer=reviewer,
        rule=t["rule"],
        matched=t["matched"],
    )


def added(segments: pd.DataFrame, i: int, code: str, reviewer: str = "alice"):
    """A ledger Decision adding ``code`` to the i-th segment (a miss of the auto-coder)."""
    from konzeptanalyse.ledger import Decision

    key = segments.iloc[i]["segment_key"]
    return Decision(
        tag_id=tag_id(key, code),
        segment_key=key,
        code="",
        decision="change",
        corrected_code=code,
        reviewer=reviewer,
    )
