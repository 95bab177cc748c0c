"""Document-level measures: Handlungsfelder, Maßnahmen with target groups, Integrationsverständnis.

Input is the *effective* coding (tags.csv after reviewer decisions: ``final_code``), so every
figure here rests on human decisions where they exist and auto-tags elsewhere.

Rules (each documented in the README, "How documents are measured"):
- A **chapter** for a Handlungsfeld: a heading (outside contents, foreword, introduction,
  understanding, annex) coded with that field.
- **Mentions** of a field: body segments coded with it; ``share`` = mentions / body segments.
- A **measure**: a list item or table row in a measures or action-field section that carries a
  planned-action verb (``a.verb``) or a measure type; or a sentence there with an action verb.
  Its **target group**: ``alle`` if it names all residents, else ``migranten``, else
  ``spezifisch``, else ``unklar``.
- **Integrationsverständnis**: mean segment score over the segments with pole markers in the
  understanding sections (Leitbild, Leitlinien, ...); the whole text only when a concept has no
  such section or no marker there.
- **Goals versus measures**: a concept that declares participation of all residents (a
  ``zg.alle`` or ``v.teilhabe`` marker in its understanding sections) but whose measures target
  all residents in under ``min_all_share`` of cases while migrants-only or unclear measures make
  up at least ``max_narrow_share``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .model import Tag
from .understanding import score_segment, understanding_class

MEASURE_SECTIONS = frozenset({"measures", "action_field"})
NO_CHAPTER_SECTIONS = frozenset(
    {"contents", "foreword", "introduction", "understanding", "annex", "front"}
)
TARGET_ORDER = (("zg.alle", "alle"), ("zg.migranten", "migranten"), ("zg.spezifisch", "spezifisch"))
_TABLE_HEADER_WORDS = frozenset(
    {
        "maßnahme",
        "maßnahmen",
        "zuständigkeit",
        "zeitrahmen",
        "partner",
        "zeitraum",
        "ziel",
        "verantwortlich",
        "kooperationspartner",
        "nr.",
        "priorität",
        "status",
        "umsetzung",
    }
)


@dataclass(frozen=True)
class GoalsRule:
    """Thresholds of the goals-versus-measures flag (documented in the README)."""

    min_measures: int = 3
    min_all_share: float = 0.2
    max_narrow_share: float = 0.6


def effective_codes(tags: pd.DataFrame, codebook) -> pd.DataFrame:
    """One row per (segment, effective code): rejected tags dropped, child codes rolled up.

    Columns: doc_id, segment_id, code (rolled up to its top-level code), dimension, matched,
    weight, rule.
    """
    kept = tags[tags["final_code"].fillna("").astype(str) != ""]
    rows = []
    for r in kept.itertuples(index=False):
        code = str(r.final_code)
        chain = codebook.parent_chain(code) if code in codebook.codes else []
        root = chain[-1] if chain else code
        dim = codebook.dimension(code) if code in codebook.codes else str(r.dimension)
        rows.append((r.doc_id, r.segment_id, root, code, dim, r.matched, float(r.weight), r.rule))
    cols = ["doc_id", "segment_id", "code", "leaf_code", "dimension", "matched", "weight", "rule"]
    return pd.DataFrame(rows, columns=cols).drop_duplicates(["segment_id", "leaf_code"])


def _is_table_header(text: str) -> bool:
    cells = [c.strip().lower() for c in text.split("|") if c.strip()]
    return bool(cells) and all(c in _TABLE_HEADER_WORDS for c in cells)


def find_measures(segments: pd.DataFrame, eff: pd.DataFrame) -> pd.DataFrame:
    """measures.csv rows (schema.py): the segments that state a planned action, typed."""
    by_seg = {k: g for k, g in eff.groupby("segment_id")}
    rows = []
    body = segments[
        segments["section_kind"].isin(MEASURE_SECTIONS) & (segments["kind"] != "heading")
    ]
    for s in body.itertuples(index=False):
        codes = by_seg.get(s.segment_id)
        if codes is None:
            continue
        dims = codes.groupby("dimension")
        verbs = dims.get_group("aktion")["matched"].tolist() if "aktion" in dims.groups else []
        types = (
            sorted(set(dims.get_group("massnahme")["code"])) if "massnahme" in dims.groups else []
        )
        itemised = s.kind in ("list_item", "table_row")
        if not (verbs or (itemised and types)):
            continue
        if s.kind == "table_row" and _is_table_header(s.text):
            continue
        present = set(codes["code"])
        target, evidence = "unklar", ""
        for code, name in TARGET_ORDER:
            if code in present:
                target = name
                evidence = "; ".join(codes.loc[codes["code"] == code, "matched"].astype(str))
                break
        rows.append(
            {
                "doc_id": s.doc_id,
                "segment_id": s.segment_id,
                "page": s.page,
                "section_path": s.section_path,
                "section_kind": s.section_kind,
                "kind": s.kind,
                "action_verb": verbs[0] if verbs else "",
                "measure_types": ";".join(types),
                "target_group": target,
                "target_evidence": evidence,
                "text": s.text,
            }
        )
    from .schema import columns

    return pd.DataFrame(rows, columns=columns("measures.csv"))


def field_table(segments: pd.DataFrame, eff: pd.DataFrame, codebook) -> pd.DataFrame:
    """fields.csv rows: per document and Handlungsfeld, chapter yes/no, mentions and share."""
    hf = eff[eff["dimension"] == "handlungsfeld"].merge(
        segments[["segment_id", "kind", "section_kind"]], on="segment_id", how="left"
    )
    heading = hf[(hf["kind"] == "heading") & ~hf["section_kind"].isin(NO_CHAPTER_SECTIONS)]
    body = hf[hf["kind"] != "heading"]
    n_body = segments[segments["kind"] != "heading"].groupby("doc_id").size()
    chapters = set(zip(heading["doc_id"], heading["code"], strict=True))
    mentions = body.groupby(["doc_id", "code"])["segment_id"].nunique()
    rows = []
    field_codes = [
        c
        for c, code in codebook.codes.items()
        if code.dimension == "handlungsfeld" and not code.parent
    ]
    for doc_id in segments["doc_id"].unique():
        total = int(n_body.get(doc_id, 0))
        for code in field_codes:
            m = int(mentions.get((doc_id, code), 0))
            rows.append(
                {
                    "doc_id": doc_id,
                    "code": code,
                    "label": codebook.label(code),
                    "chapter": int((doc_id, code) in chapters),
                    "mentions": m,
                    "share": round(m / total, 5) if total else 0.0,
                }
            )
    from .schema import columns

    return pd.DataFrame(rows, columns=columns("fields.csv"))


def _segment_scores(eff: pd.DataFrame) -> pd.Series:
    """Score in [-1, 1] of every segment that carries pole markers (effective codes)."""
    poles = eff[eff["dimension"] == "verstaendnis"]
    scores = {}
    for seg_id, g in poles.groupby("segment_id"):
        tags = [
            Tag(
                code=r.leaf_code,
                label="",
                dimension="verstaendnis",
                rule=str(r.rule),
                matched=str(r.matched),
                start=0,
                end=0,
                weight=float(r.weight),
            )
            for r in g.itertuples(index=False)
        ]
        scores[seg_id] = score_segment(tags)[0]
    return pd.Series(scores, dtype=float)


def document_measures(
    segments: pd.DataFrame,
    eff: pd.DataFrame,
    measures: pd.DataFrame,
    rule: GoalsRule = GoalsRule(),
) -> pd.DataFrame:
    """Per-document understanding position and goals-versus-measures flag (documents.csv part)."""
    seg_scores = _segment_scores(eff)
    seg_kind = segments.set_index("segment_id")["section_kind"]
    alle_segments = set(eff.loc[eff["code"].isin(["zg.alle", "v.teilhabe"]), "segment_id"])
    rows = []
    for doc_id, segs in segments.groupby("doc_id"):
        ids = segs["segment_id"]
        in_doc = seg_scores[seg_scores.index.isin(ids)]
        in_understanding = in_doc[seg_kind.reindex(in_doc.index).eq("understanding").to_numpy()]
        if len(in_understanding):
            used, source = in_understanding, "understanding sections"
        elif len(in_doc):
            used, source = in_doc, "whole text"
        else:
            used, source = in_doc, "none"
        score = float(used.mean()) if len(used) else 0.0
        understanding_ids = segs.loc[segs["section_kind"] == "understanding", "segment_id"]
        declares_all = bool(alle_segments.intersection(understanding_ids))
        m = measures[measures["doc_id"] == doc_id]
        n = len(m)
        share = m["target_group"].value_counts(normalize=True) if n else pd.Series(dtype=float)
        migr, unclear, alle = (float(share.get(k, 0.0)) for k in ("migranten", "unklar", "alle"))
        flag = (
            declares_all
            and n >= rule.min_measures
            and alle < rule.min_all_share
            and migr + unclear >= rule.max_narrow_share
        )
        rows.append(
            {
                "doc_id": doc_id,
                "n_segments": len(segs),
                "n_measures": n,
                "understanding_score": round(score, 4),
                "understanding_class": understanding_class(score if len(used) else None, len(used)),
                "understanding_source": source,
                "understanding_evidence": len(used),
                "declares_all": int(declares_all),
                "measures_migrants_share": round(migr, 4),
                "measures_unclear_share": round(unclear, 4),
                "goals_measures_flag": int(flag),
            }
        )
    return pd.DataFrame(rows)
