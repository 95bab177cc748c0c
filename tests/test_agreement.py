"""Agreement figures equal hand computations on a small example."""

from __future__ import annotations

import math

import pytest
from results_fixture import added, decision, write_results
from typer.testing import CliRunner

from konzeptanalyse.agreement import agreement_report, reviewer_values
from konzeptanalyse.cli import app
from konzeptanalyse.ledger import Ledger

# fixture tags: 0 seg0 hf.sprache, 1 seg0 zg.migranten, 2 seg1 hf.sprache, 3 seg2 hf.bildung,
#               4 seg2 m.beratung, 5 seg4 hf.arbeit, 6 seg7 m.beratung; segment 3 has no tag


@pytest.fixture
def fx(tmp_path):
    return tmp_path, write_results(tmp_path)


def test_auto_vs_reviewer_precision_recall_f1(fx):
    """Hand computation (truth = accepted / changed-to / added codes per segment):
    tag0 accept      -> (seg0, hf.sprache) TP
    tag2 reject      -> (seg1, hf.sprache) FP
    tag3 change to hf.sprache -> (seg2, hf.bildung) FP; (seg2, hf.sprache) FN (not auto-tagged)
    tag4 accept      -> (seg2, m.beratung) TP
    tag5 accept      -> (seg4, hf.arbeit) TP
    added hf.wohnen on seg3 -> (seg3, hf.wohnen) FN
    hf.sprache: TP1 FP1 FN1 -> P = R = F1 = 0.5
    hf.bildung: TP0 FP1 FN0 -> P = 0, R undefined, F1 undefined
    hf.wohnen:  TP0 FP0 FN1 -> P undefined, R = 0
    hf.arbeit, m.beratung: TP1 -> 1, 1, 1
    micro: TP3 FP2 FN2 -> P = R = F1 = 3/5 = 0.6
    """
    path, r = fx
    tags, seg = r["tags"], r["segments"]
    Ledger(path).record(
        [
            decision(tags, 0, "accept", reviewer="carol"),
            decision(tags, 2, "reject", reviewer="carol"),
            decision(tags, 3, "change", "hf.sprache", reviewer="carol"),
            decision(tags, 4, "accept", reviewer="carol"),
            decision(tags, 5, "accept", reviewer="carol"),
            added(seg, 3, "hf.wohnen", reviewer="carol"),
        ]
    )
    auto = agreement_report(path).auto.set_index("code")
    assert auto.loc["hf.sprache", ["tp", "fp", "fn"]].tolist() == [1, 1, 1]
    assert auto.loc["hf.sprache", ["precision", "recall", "f1"]].tolist() == [0.5, 0.5, 0.5]
    assert auto.loc["hf.bildung", "precision"] == 0 and math.isnan(auto.loc["hf.bildung", "recall"])
    assert math.isnan(auto.loc["hf.wohnen", "precision"]) and auto.loc["hf.wohnen", "recall"] == 0
    assert auto.loc["hf.arbeit", "f1"] == auto.loc["m.beratung", "f1"] == 1.0
    assert auto.loc["(micro)", ["precision", "recall", "f1"]].tolist() == pytest.approx([0.6] * 3)


def test_reviewers_alpha_kappa_percent_by_hand(fx):
    """Two reviewers on four shared tags (S = hf.sprache, B = hf.bildung, N = none):
        unit   tag0  tag2  tag3  tag4
        alice   S     N     B     N
        bob     S     S     B     N
    Overall, nominal alpha = 1 - (n-1) * sum_{c!=k} o_ck / sum_{c!=k} n_c n_k.
    Coincidences: o_SS = 2, o_BB = 2, o_NN = 2, o_SN = o_NS = 1; n_S = 3, n_N = 3, n_B = 2, n = 8.
      alpha = 1 - 7 * 2 / (64 - 9 - 9 - 4) = 1 - 14/42 = 2/3.
    Without units nobody coded (tag4: both N): n_S = 3, n_N = 1, n_B = 2, n = 6.
      alpha = 1 - 5 * 2 / (36 - 9 - 1 - 4) = 1 - 10/22 = 6/11.
    Percent agreement: 3/4; without tag4: 2/3.
    Per code hf.sprache (1 = gives S): units (1,1) (0,1) (0,0) (0,0):
      o_11 = 2, o_01 = o_10 = 1, o_00 = 4, n_1 = 3, n_0 = 5: alpha = 1 - 7*2/(2*3*5) = 8/15.
      without uncoded units (tag0, tag2): n_1 = 3, n_0 = 1: alpha = 1 - 3*2/(2*3*1) = 0.
    Cohen's kappa: p_o = 3/4; alice S1 N2 B1, bob S2 N1 B1: p_e = (2 + 2 + 1)/16 = 5/16;
      kappa = (3/4 - 5/16) / (11/16) = 7/11. Without tag4: p_o = 2/3, p_e = (2 + 0 + 1)/9 = 1/3,
      kappa = (1/3) / (2/3) = 1/2.
    """
    path, r = fx
    tags = r["tags"]
    led = Ledger(path)
    led.record(
        [
            decision(tags, 0, "accept", reviewer="alice"),
            decision(tags, 2, "reject", reviewer="alice"),
            decision(tags, 3, "accept", reviewer="alice"),
            decision(tags, 4, "reject", reviewer="alice"),
            decision(tags, 5, "accept", reviewer="alice"),  # only alice: not shared
        ]
    )
    led.record(
        [
            decision(tags, 0, "accept", reviewer="bob"),
            decision(tags, 2, "accept", reviewer="bob"),
            decision(tags, 3, "accept", reviewer="bob"),
            decision(tags, 4, "reject", reviewer="bob"),
        ]
    )
    rep = agreement_report(path)
    rev = rep.reviewers.set_index("code")
    overall = rev.loc["(overall)"]
    assert (overall["units"], overall["units_coded"]) == (4, 3)
    assert overall["alpha"] == pytest.approx(2 / 3)
    assert overall["alpha_without_uncoded"] == pytest.approx(6 / 11)
    assert overall["percent"] == pytest.approx(3 / 4)
    assert overall["percent_without_uncoded"] == pytest.approx(2 / 3)
    assert rev.loc["hf.sprache", "alpha"] == pytest.approx(8 / 15)
    assert rev.loc["hf.sprache", "alpha_without_uncoded"] == pytest.approx(0.0)
    assert rev.loc["hf.sprache", "units_coded"] == 2
    pair = rep.pairs.iloc[0]
    assert (pair["reviewer_a"], pair["reviewer_b"], pair["units"]) == ("alice", "bob", 4)
    assert pair["kappa"] == pytest.approx(7 / 11)
    assert pair["kappa_without_uncoded"] == pytest.approx(0.5)
    assert rep.disagreements["tag_id"].tolist() == [tags.loc[2, "tag_id"]]
    assert rep.disagreements[["alice", "bob"]].values.tolist() == [["none", "hf.sprache"]]


def test_untagged_segment_is_one_unit_with_the_added_codes(fx):
    path, r = fx
    seg = r["segments"]
    from konzeptanalyse.keys import tag_id
    from konzeptanalyse.ledger import Decision

    key = seg.loc[6, "segment_key"]
    confirm = Decision(tag_id(key, ""), key, "", "accept", reviewer="bob")
    Ledger(path).record([added(seg, 6, "hf.wohnen"), added(seg, 6, "hf.bildung"), confirm])
    values = reviewer_values(Ledger(path).latest_per_reviewer()).set_index("reviewer")
    assert values.loc["alice", "value"] == "hf.bildung;hf.wohnen"
    assert values.loc["bob", "value"] == "none"
    assert values.loc["alice", "unit"] == values.loc["bob", "unit"] == f"seg:{key}"


def test_cli_writes_the_csv_files(fx):
    path, r = fx
    Ledger(path).record([decision(r["tags"], 0, "accept", reviewer="alice")])
    res = CliRunner().invoke(app, ["agreement", "--results", str(path)])
    assert res.exit_code == 0, res.output
    assert "1 decisions by 1 reviewer" in res.output
    for name in ("agreement_auto", "agreement_reviewers", "agreement_pairs", "disagreements"):
        assert (path / "agreement" / f"{name}.csv").is_file()
