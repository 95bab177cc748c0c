"""Codebook audit: counts per rule and term, and the preview of a codebook change."""

from __future__ import annotations

import pandas as pd
import pytest
from results_fixture import AUTO, LABELS, SEGMENTS, decision, write_results
from typer.testing import CliRunner

from konzeptanalyse.audit import audit_against, rule_audit
from konzeptanalyse.cli import app
from konzeptanalyse.ledger import Ledger, apply_decisions
from konzeptanalyse.model import Tag


class StubMatcher:
    """Stands in for konzeptanalyse.codebook.Matcher: fixed tags per segment text."""

    def __init__(self, auto):
        self.by_text: dict[str, list[Tag]] = {}
        for seg_i, code, rule, matched in auto:
            text = SEGMENTS[seg_i][5]
            start = text.find(matched)
            label, dim = LABELS[code]
            tag = Tag(code, label, dim, rule, matched, start, start + len(matched))
            self.by_text.setdefault(text, []).append(tag)
        self.contexts: list[str | None] = []

    def tag(self, text, context=None):
        self.contexts.append(context)
        return list(self.by_text.get(text, []))


@pytest.fixture
def decided(tmp_path):
    """Fixture results with decisions: tag0 accept, tag2 accept, tag4 accept, tag6 reject;
    tags.csv re-written as classify would (decisions applied)."""
    r = write_results(tmp_path)
    tags = r["tags"]
    Ledger(tmp_path).record(
        [
            decision(tags, 0, "accept"),
            decision(tags, 2, "accept"),
            decision(tags, 4, "accept"),
            decision(tags, 6, "reject"),
        ]
    )
    auto = tags.iloc[:, : tags.columns.get_loc("weight") + 1]
    applied, _ = apply_decisions(auto, r["segments"], tmp_path, LABELS)
    applied.to_csv(tmp_path / "tags.csv", index=False)
    return tmp_path, r


def test_rule_and_term_counts(decided):
    """m.beratung/term:Beratung produced 2 tags ("Beratung", "beratung" = one term after
    case folding), reviewers accepted 1 and rejected 1 -> share 0.5; hf.sprache/term:Deutsch
    produced 1, accepted 1 -> 1.0; hf.arbeit/term:Anerkennung produced 1, none reviewed -> NaN."""
    path, _ = decided
    by_rule, by_term = rule_audit(pd.read_csv(path / "tags.csv", dtype=str, keep_default_na=False))
    rule = by_rule.set_index("rule")
    assert rule.loc[
        "m.beratung/term:Beratung", ["n_tags", "reviewed", "accepted", "rejected"]
    ].tolist() == [2, 2, 1, 1]
    assert rule.loc["m.beratung/term:Beratung", "accept_share"] == 0.5
    assert rule.loc["hf.sprache/term:Deutsch", "accept_share"] == 1.0
    assert pd.isna(rule.loc["hf.arbeit/term:Anerkennung", "accept_share"])
    assert len(by_rule) == len({a[2] for a in AUTO})
    term = by_term.set_index(["rule", "form"])
    assert term.loc[("m.beratung/term:Beratung", "beratung"), "n_tags"] == 2


def test_against_lists_appearing_disappearing_tags_and_new_conflicts(decided):
    """New codebook: drops the rule hf.sprache/term:Deutsch (tag2) and the code m.beratung
    (tags 4, 6), adds hf.wohnen on segment 6. Expected: 1 appears, 3 disappear; tag2 and tag4
    were accepted -> become conflicts; tag6 was rejected, but its code is no longer known ->
    conflict too (a decision on an unknown code is always flagged)."""
    path, r = decided
    new_auto = [a for i, a in enumerate(AUTO) if i not in (2, 4, 6)]
    new_auto.append((6, "hf.wohnen", "hf.wohnen/term:Wohnraum", "Wohnraum"))
    labels = {k: v for k, v in LABELS.items() if k != "m.beratung"}
    matcher = StubMatcher(new_auto)
    diff = audit_against(path, matcher=matcher, labels=labels)
    tid = r["tags"]["tag_id"]
    assert diff.appear[["code", "segment_id"]].values.tolist() == [
        ["hf.wohnen", r["segments"].loc[6, "segment_id"]]
    ]
    assert sorted(diff.disappear["tag_id"]) == sorted(tid[[2, 4, 6]])
    dec = diff.decisions.set_index("tag_id")
    assert sorted(dec.index) == sorted(tid[[2, 4, 6]])
    assert dec["status"].tolist() == ["accepted", "accepted", "rejected"]
    assert set(dec["status_new"]) == {"conflict"}
    assert "m.beratung" in dec.loc[tid[4], "note_new"]
    codes = diff.by_code.set_index("code")
    assert codes.loc["m.beratung", ["current", "new", "disappear"]].tolist() == [2, 0, 2]
    assert codes.loc["hf.wohnen", ["current", "new", "appear"]].tolist() == [0, 1, 1]
    assert "action_field" in matcher.contexts and len(matcher.contexts) == len(SEGMENTS)
    assert Ledger(path).count() == 4  # a preview writes nothing to the ledger


def test_cli_audit_writes_tables(decided):
    path, _ = decided
    res = CliRunner().invoke(app, ["codebook", "audit", "--results", str(path)])
    assert res.exit_code == 0, res.output
    rules = pd.read_csv(path / "audit" / "audit_rules.csv")
    assert rules["n_tags"].sum() == len(AUTO)
