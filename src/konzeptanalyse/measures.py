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
- **Goals versus measures**: a concept *declares participation of all* when its understanding
  position leans to the Teilhabe pole (score >= ``min_declared_score``) and its understanding
  sections carry a ``zg.alle`` or ``v.teilhabe`` marker. It is flagged when, in addition, its
  measures target all residents in under ``min_all_share`` of cases and either target migrants
  only in at least ``migrants_share`` or leave the target group open in at least
  ``unclear_share`` of cases (unclear is the most common target group everywhere, so it needs
  the higher bar).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .understanding import pole, understanding_class

MEASURE_SECTIONS = frozenset({"measures", "action_field"})
NO_CHAPTER_SECTIONS = frozenset(
    {"contents", "foreword", "introduction", "understanding", "annex", "front"}
)
TARGET_ORDER = (("zg.alle", "alle"), ("zg.migranten", "migranten"), ("zg.spezifisch", "spezifisch"))
TARGETS = ("alle", "migranten", "spezifisch", "unklar")
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
    min_declared_score: float = 0.2
    min_all_share: float = 0.2
    migrants_share: float = 0.5
    unclear_share: float = 0.7


def effective_codes(tags: pd.DataFrame, codebook) -> pd.DataFrame:
    """One row per (segment, effective code): rejected tags dropped, child codes rolled up.

    Columns: doc_id, segment_id, code (rolled up to its top-level code), leaf_code, dimension,
    matched, weight, rule, source (auto or human). Codes the codebook does not know (a
    reviewer's code from an older codebook) keep their own code and the dimension stored
    with the tag.
    """
    kept = tags[tags["final_code"].fillna("").astype(str) != ""]
    leaf = kept["final_code"].astype(str)
    roots = {c: (codebook.parent_chain(c) or [c])[-1] for c in codebook.codes}
    dims = {c: codebook.dimension(c) for c in codebook.codes}
    eff = pd.DataFrame(
        {
            "doc_id": kept["doc_id"].to_numpy(),
            "segment_id": kept["segment_id"].to_numpy(),
            "code": leaf.map(roots).fillna(leaf).to_numpy(),
            "leaf_code": leaf.to_numpy(),
            "dimension": leaf.map(dims).fillna(kept["dimension"]).to_numpy(),
            "matched": kept["matched"].to_numpy(),
            "weight": kept["weight"].astype(float).to_numpy(),
            "rule": kept["rule"].to_numpy(),
            "source": (kept["source"] if "source" in kept else pd.Series("auto", kept.index))
            .fillna("auto")
            .to_numpy(),
        }
    )
    return eff.drop_duplicates(["segment_id", "leaf_code"]).reset_index(drop=True)


def _joined(frame: pd.DataFrame, column: str, sep: str, unique: bool = False) -> pd.Series:
    """``column`` values joined per segment_id (plain Python: pandas' string aggregation is
    two orders of magnitude slower on hundreds of thousands of small groups)."""
    groups: dict[str, list[str]] = {}
    for seg, value in zip(frame["segment_id"], frame[column].astype(str), strict=True):
        groups.setdefault(seg, []).append(value)
    if unique:
        groups = {k: sorted(set(v)) for k, v in groups.items()}
    return pd.Series({k: sep.join(v) for k, v in groups.items()}, dtype=object)


def _is_table_header(text: str) -> bool:
    cells = [c.strip().lower() for c in text.split("|") if c.strip()]
    return bool(cells) and all(c in _TABLE_HEADER_WORDS for c in cells)


def find_measures(segments: pd.DataFrame, eff: pd.DataFrame) -> pd.DataFrame:
    """measures.csv rows (schema.py): the segments that state a planned action, typed."""
    body = segments[
        segments["section_kind"].isin(MEASURE_SECTIONS) & (segments["kind"] != "heading")
    ].set_index("segment_id")
    verbs = eff[eff["dimension"] == "aktion"].groupby("segment_id")["matched"].first()
    types = _joined(eff[eff["dimension"] == "massnahme"], "code", ";", unique=True)
    verb = verbs.reindex(body.index).fillna("")
    typ = types.reindex(body.index).fillna("")
    itemised = body["kind"].isin(["list_item", "table_row"])
    header = (body["kind"] == "table_row") & body["text"].map(_is_table_header)
    keep = ((verb != "") | (itemised & (typ != ""))) & ~header
    body = body[keep]
    target = pd.Series("unklar", index=body.index)
    evidence = pd.Series("", index=body.index)
    for code, name in reversed(TARGET_ORDER):  # the first in TARGET_ORDER wins
        hits = _joined(eff[eff["code"] == code], "matched", "; ")
        hits = hits[hits.index.isin(body.index)]
        target[hits.index] = name
        evidence[hits.index] = hits
    out = body.reset_index()
    out["action_verb"] = verb[body.index].to_numpy()
    out["measure_types"] = typ[body.index].to_numpy()
    out["target_group"] = target.to_numpy()
    out["target_evidence"] = evidence.to_numpy()
    from .schema import columns

    return out.reindex(columns=columns("measures.csv"))


def field_table(segments: pd.DataFrame, eff: pd.DataFrame, codebook) -> pd.DataFrame:
    """fields.csv rows: per document and Handlungsfeld, chapter yes/no, mentions and share."""
    hf = eff[eff["dimension"] == "handlungsfeld"].merge(
        segments[["segment_id", "kind", "section_kind"]], on="segment_id", how="left"
    )
    heading = hf[(hf["kind"] == "heading") & ~hf["section_kind"].isin(NO_CHAPTER_SECTIONS)]
    body = hf[hf["kind"] != "heading"]
    n_body = segments[segments["kind"] != "heading"].groupby("doc_id").size().to_dict()
    chapters = set(zip(heading["doc_id"], heading["code"], strict=True))
    mentions = body.groupby(["doc_id", "code"])["segment_id"].nunique().to_dict()
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


def _segment_scores(eff: pd.DataFrame, segments: pd.DataFrame) -> pd.Series:
    """Score in [-1, 1] of every segment with a side: its pole markers (effective codes) or,
    without markers, the second reader alone (segments.csv ``understanding_by``).

    The marker score is the balance of ``understanding.score_segment``, (T - A) / (T + A) over
    the tag weights, computed for all segments at once. A segment the second reader disputed
    is left out, unless a reviewer accepted, corrected or added one of its markers: a human
    decision is never overruled.
    """
    sign = eff["leaf_code"].map({c: pole(c) for c in eff["leaf_code"].unique()})
    poles = eff.assign(t=eff["weight"].where(sign > 0, 0.0), a=eff["weight"].where(sign < 0, 0.0))
    sums = poles[sign != 0].groupby("segment_id")[["t", "a"]].sum()
    total = sums["t"] + sums["a"]
    scores = ((sums["t"] - sums["a"]) / total.where(total > 0)).fillna(0.0).round(4)
    if "understanding_by" not in segments:
        return scores
    by = segments.set_index("segment_id")["understanding_by"]
    human = set(eff.loc[(sign != 0) & (eff["source"] == "human"), "segment_id"])
    disputed = (by.reindex(scores.index) == "disputed") & ~scores.index.isin(human)
    alone = segments.loc[
        (segments["understanding_by"] == "second reader")
        & ~segments["segment_id"].isin(scores.index),
        ["segment_id", "understanding_score"],
    ]
    by_reader = pd.Series(
        alone["understanding_score"].astype(float).to_numpy(), index=alone["segment_id"]
    )
    return pd.concat([scores[~disputed], by_reader])


def document_measures(
    segments: pd.DataFrame,
    eff: pd.DataFrame,
    measures: pd.DataFrame,
    rule: GoalsRule = GoalsRule(),
) -> pd.DataFrame:
    """Per-document understanding position and goals-versus-measures flag (documents.csv part)."""
    seg = segments.set_index("segment_id")[["doc_id", "section_kind"]]
    scores = _segment_scores(eff, segments).rename("score").to_frame().join(seg, how="inner")
    scores["understanding"] = scores["section_kind"] == "understanding"
    in_und = scores[scores["understanding"]].groupby("doc_id")["score"].agg(["mean", "size"])
    whole = scores.groupby("doc_id")["score"].agg(["mean", "size"])
    declares = eff[eff["code"].isin(["zg.alle", "v.teilhabe"])][["segment_id"]].join(
        seg, on="segment_id"
    )
    declares = set(declares.loc[declares["section_kind"] == "understanding", "doc_id"])
    mix = (
        pd.crosstab(measures["doc_id"], measures["target_group"])
        if len(measures)
        else pd.DataFrame()
    )
    rows = []
    for doc_id, n_segments in segments.groupby("doc_id").size().items():
        if doc_id in in_und.index:
            score, n_ev, source = *in_und.loc[doc_id], "understanding sections"
        elif doc_id in whole.index:
            score, n_ev, source = *whole.loc[doc_id], "whole text"
        else:
            score, n_ev, source = 0.0, 0, "none"
        counts = mix.loc[doc_id] if doc_id in mix.index else pd.Series(dtype=float)
        n = int(counts.sum())
        share = {k: (float(counts.get(k, 0)) / n if n else 0.0) for k in TARGETS}
        declared = doc_id in declares and n_ev > 0 and score >= rule.min_declared_score
        flag = (
            declared
            and n >= rule.min_measures
            and share["alle"] < rule.min_all_share
            and (share["migranten"] >= rule.migrants_share or share["unklar"] >= rule.unclear_share)
        )
        rows.append(
            {
                "doc_id": doc_id,
                "n_segments": int(n_segments),
                "n_measures": n,
                "understanding_score": round(float(score), 4),
                "understanding_class": understanding_class(
                    float(score) if n_ev else None, int(n_ev)
                ),
                "understanding_source": source,
                "understanding_evidence": int(n_ev),
                "declares_all": int(declared),
                "measures_migrants_share": round(share["migranten"], 4),
                "measures_unclear_share": round(share["unklar"], 4),
                "goals_measures_flag": int(flag),
            }
        )
    return pd.DataFrame(rows)
