"""Codebook audit: what each rule and term produced, how reviewers judged it, and what a
codebook change would do before it is applied.

A rule id names one codebook term (``code/kind:term``, e.g. ``hf.sprache/word:Sprachkurs``).
Per rule, and per rule + surface form it matched (case-folded, column ``form``): tags the
current codebook produces (``n_matches > 0``), tags reviewers decided on, accepted / rejected /
changed, and the share accepted among the decided ones (accept_share = accepted / reviewed;
NaN when none was reviewed).

``--against NEW.yaml`` re-tags segments.csv with the new codebook (same context rule as
classify: "heading" for heading segments, otherwise the section kind) and compares tag ids:
tags that would appear, tags that would disappear (with their current decision), and every
decision whose status would change (e.g. accepted → conflict) under the ledger's rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from . import keys
from .ledger import Ledger, merge_decisions
from .review import codebook_labels
from .schema import columns


class TagsText(Protocol):
    """What the audit needs of a matcher (``konzeptanalyse.codebook.Matcher``)."""

    def tag(self, text: str, context: str | None = None) -> list[Any]: ...


def _read(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found — run `konzept classify` first")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _produced(tags: pd.DataFrame) -> pd.Series:
    return pd.to_numeric(tags["n_matches"], errors="coerce").fillna(0) > 0


def rule_audit(tags: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per rule, per rule and term) counts of produced, reviewed, accepted/rejected/changed."""
    t = tags[tags["rule"] != ""].copy()
    t["form"] = t["matched"].map(keys.normalise_text)
    t["produced"] = _produced(t).astype(int)
    t["reviewed"] = t["decision"].ne("").astype(int)
    for name in ("accept", "reject", "change"):
        t[name] = t["decision"].eq(name).astype(int)

    def table(by: list[str]) -> pd.DataFrame:
        g = (
            t.groupby(by, as_index=False)[["produced", "reviewed", "accept", "reject", "change"]]
            .sum()
            .rename(
                columns={
                    "produced": "n_tags",
                    "accept": "accepted",
                    "reject": "rejected",
                    "change": "changed",
                }
            )
        )
        g["accept_share"] = g["accepted"] / g["reviewed"].where(g["reviewed"] > 0)
        return g.sort_values(["code", "n_tags"], ascending=[True, False], ignore_index=True)

    return table(["code", "rule"]), table(["code", "rule", "form"])


def retag(segments: pd.DataFrame, matcher: TagsText) -> pd.DataFrame:
    """Auto-tags (tags.csv columns up to weight) of segments.csv under another codebook."""
    from .pipeline import tag_segments

    cols = columns("tags.csv")[: columns("tags.csv").index("weight") + 1]
    return pd.DataFrame(tag_segments(segments.to_dict("records"), matcher), columns=cols)


#: Columns of audit_decisions.csv: decisions whose status a codebook change would change.
DECISION_CHANGE_COLUMNS = [
    "tag_id",
    "segment_key",
    "code",
    "decision",
    "corrected_code",
    "reviewer",
    "status",
    "status_new",
    "note_new",
]


@dataclass
class CodebookDiff:
    appear: pd.DataFrame  # tags the new codebook would add
    disappear: pd.DataFrame  # tags it would no longer give (with their current decision)
    decisions: pd.DataFrame  # decisions whose status would change
    by_code: pd.DataFrame  # per code: current, new, appear, disappear


def audit_against(
    results_dir: Path,
    codebook_path: Path | None = None,
    *,
    matcher: TagsText | None = None,
    labels: Mapping[str, tuple[str, str]] | None = None,
) -> CodebookDiff:
    """Preview a codebook change on the segments of ``results_dir``.

    Pass ``codebook_path`` (loaded with ``konzeptanalyse.codebook``) or a ``matcher`` and the
    new codebook's ``labels`` (code → (label, dimension)).
    """
    if matcher is None:
        if codebook_path is None:
            raise ValueError("give the new codebook or a matcher")
        from .codebook import Matcher, load_codebook

        book = load_codebook(codebook_path)
        matcher = Matcher(book)
        labels = {c: (code.label, code.dimension) for c, code in book.codes.items()}
    tags = _read(results_dir / "tags.csv")
    segments = _read(results_dir / "segments.csv")
    current = tags[_produced(tags)]
    new = retag(segments, matcher)
    if labels is None:
        labels = {r.code: (r.label, r.dimension) for r in new.itertuples(index=False)}
    texts = segments.drop_duplicates("segment_key").set_index("segment_key")["text"]

    appear = new[~new["tag_id"].isin(set(current["tag_id"]))]
    appear = appear[["tag_id", "doc_id", "segment_id", "segment_key", "code", "rule", "matched"]]
    appear = appear.assign(text=appear["segment_key"].map(texts))
    gone = current[~current["tag_id"].isin(set(new["tag_id"]))]
    gone = gone[
        ["tag_id", "doc_id", "segment_id", "segment_key", "code", "rule", "matched", "decision"]
    ]
    gone = gone.assign(text=gone["segment_key"].map(texts))

    cur_labels = codebook_labels(results_dir)[0]
    eff = Ledger(results_dir).effective()
    status_cols = ["tag_id", "decision_id", "segment_key", "status", "note"]
    if len(eff):
        now = pd.DataFrame(
            merge_decisions(current, segments, eff, cur_labels)[2], columns=status_cols
        )
        then = pd.DataFrame(merge_decisions(new, segments, eff, labels)[2], columns=status_cols)
        both = now.merge(then, on=["tag_id", "decision_id", "segment_key"], suffixes=("", "_new"))
        changed = both[both["status"] != both["status_new"]]
        info = eff.set_index("tag_id")[["code", "decision", "corrected_code", "reviewer"]]
        decisions = changed.join(info, on="tag_id")[DECISION_CHANGE_COLUMNS].reset_index(drop=True)
    else:
        decisions = pd.DataFrame(columns=DECISION_CHANGE_COLUMNS)
    by_code = (
        pd.DataFrame(
            {
                "current": current.groupby("code").size(),
                "new": new.groupby("code").size(),
                "appear": appear.groupby("code").size(),
                "disappear": gone.groupby("code").size(),
            }
        )
        .fillna(0)
        .astype(int)
        .rename_axis("code")
        .reset_index()
    )
    return CodebookDiff(
        appear=appear.reset_index(drop=True),
        disappear=gone.reset_index(drop=True),
        decisions=decisions,
        by_code=by_code,
    )


def write_audit(
    out_dir: Path,
    by_rule: pd.DataFrame,
    by_term: pd.DataFrame,
    diff: CodebookDiff | None = None,
) -> list[Path]:
    """audit_rules.csv, audit_terms.csv and, with a diff, audit_appear/disappear/decisions/codes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = {"audit_rules.csv": by_rule, "audit_terms.csv": by_term}
    if diff is not None:
        frames |= {
            "audit_codes.csv": diff.by_code,
            "audit_appear.csv": diff.appear,
            "audit_disappear.csv": diff.disappear,
            "audit_decisions.csv": diff.decisions,
        }
    paths = []
    for name, frame in frames.items():
        frame.to_csv(out_dir / name, index=False, encoding="utf-8", float_format="%.4f")
        paths.append(out_dir / name)
    return paths
