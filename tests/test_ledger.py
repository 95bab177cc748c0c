"""The decision ledger: append-only, one transaction per import, decisions survive re-runs."""

from __future__ import annotations

import io
import sqlite3
from dataclasses import replace

import pandas as pd
import pytest
from results_fixture import (
    AUTO,
    LABELS,
    SEGMENTS,
    added,
    auto_tags_frame,
    decision,
    segments_frame,
    write_results,
)

from konzeptanalyse import ledger as ledger_mod
from konzeptanalyse.ledger import Ledger, apply_decisions


@pytest.fixture
def results(tmp_path):
    write_results(tmp_path)
    return tmp_path


def _frames():
    seg = segments_frame()
    return seg, auto_tags_frame(seg)


def test_no_ledger_gives_auto_tags_and_creates_nothing(tmp_path):
    seg, auto = _frames()
    tags, counts = apply_decisions(auto, seg, tmp_path, LABELS)
    assert counts == {
        "auto": len(AUTO),
        "accepted": 0,
        "rejected": 0,
        "changed": 0,
        "added": 0,
        "conflict": 0,
        "orphaned": 0,
    }
    assert list(tags["final_code"]) == list(auto["code"])
    assert set(tags["source"]) == {"auto"}
    assert not (tmp_path / "decisions.sqlite").exists()


def test_rows_cannot_be_updated_or_deleted(tmp_path):
    seg, auto = _frames()
    led = Ledger(tmp_path)
    led.record([decision(auto, 0, "accept")])
    with led.connect() as conn:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE decisions SET decision = 'reject'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM decisions")
    assert led.history()["decision"].tolist() == ["accept"]


def test_latest_decision_wins_across_reviewers(tmp_path):
    seg, auto = _frames()
    led = Ledger(tmp_path)
    led.record([decision(auto, 0, "accept", reviewer="alice")])
    led.record([decision(auto, 0, "reject", reviewer="bob")])
    assert led.count() == 2
    eff = led.effective()
    assert eff[["reviewer", "decision"]].values.tolist() == [["bob", "reject"]]
    tags, counts = apply_decisions(auto, seg, tmp_path, LABELS)
    assert tags.loc[0, "final_code"] == "" and tags.loc[0, "status"] == "rejected"
    assert counts["rejected"] == 1


def test_same_decision_again_adds_no_row(tmp_path):
    seg, auto = _frames()
    led = Ledger(tmp_path)
    first = led.record([decision(auto, 0, "accept"), decision(auto, 1, "reject")])
    again = led.record([decision(auto, 0, "accept"), decision(auto, 1, "reject")])
    assert (first.new, again.new, again.unchanged) == (2, 0, 2)
    assert led.count() == 2


def test_crash_mid_record_leaves_ledger_unchanged(tmp_path, monkeypatch):
    seg, auto = _frames()
    led = Ledger(tmp_path)
    led.record([decision(auto, 0, "accept")])
    before = led.history()
    calls = []
    real = ledger_mod._insert

    def failing(conn, import_id, d):
        calls.append(d)
        if len(calls) == 2:
            raise OSError("disk full (injected)")
        real(conn, import_id, d)

    monkeypatch.setattr(ledger_mod, "_insert", failing)
    with pytest.raises(OSError, match="injected"):
        led.record([decision(auto, i, "reject") for i in (1, 2, 3)])
    pd.testing.assert_frame_equal(led.history(), before)


def test_decisions_survive_a_changed_tag_set(tmp_path):
    """accept/reject/change on kept tags, decisions on vanished tags and segments, an addition,
    and a code the new codebook does not know: every decision is applied or reported."""
    seg, auto = _frames()
    led = Ledger(tmp_path)
    led.record(
        [
            decision(auto, 0, "accept"),  # seg0 hf.sprache: kept
            decision(auto, 1, "reject"),  # seg0 zg.migranten: kept
            decision(auto, 3, "change", "hf.sprache"),  # seg2 hf.bildung: kept
            decision(auto, 2, "accept"),  # seg1 hf.sprache: tag vanishes -> conflict
            decision(auto, 4, "reject"),  # seg2 m.beratung: tag vanishes -> stays rejected
            decision(auto, 6, "accept"),  # seg7 m.beratung: segment vanishes -> orphaned
            decision(auto, 5, "accept"),  # seg4 hf.arbeit: code dropped from codebook
            added(seg, 6, "hf.wohnen"),  # seg6 had no tag: added
        ]
    )
    n_rows = led.count()
    # new run: seg7 re-extracted with different text, codebook lost hf.arbeit and two rules
    new_seg = seg.copy()
    new_seg.loc[7, "segment_key"] = "0000000000000000"
    keep = [0, 1, 3]
    new_auto = auto.iloc[keep].reset_index(drop=True)
    labels = {k: v for k, v in LABELS.items() if k != "hf.arbeit"}
    tags, counts = apply_decisions(new_auto, new_seg, tmp_path, labels)

    by_id = tags.set_index("tag_id")
    tid = auto["tag_id"]
    assert by_id.loc[tid[0], ["status", "final_code"]].tolist() == ["accepted", "hf.sprache"]
    assert by_id.loc[tid[1], ["status", "final_code"]].tolist() == ["rejected", ""]
    assert by_id.loc[tid[3], ["status", "final_code"]].tolist() == ["changed", "hf.sprache"]
    assert by_id.loc[tid[2], ["status", "final_code", "n_matches"]].tolist() == [
        "conflict",
        "hf.sprache",
        0,
    ]
    assert by_id.loc[tid[4], ["status", "final_code"]].tolist() == ["rejected", ""]
    assert tid[6] not in by_id.index  # orphaned: no row, but counted and listed
    assert by_id.loc[tid[5], "status"] == "conflict"
    assert by_id.loc[tid[5], "label"] == "[not in codebook: hf.arbeit]"
    add = tags[tags["status"] == "added"]
    assert add[["code", "final_code", "source"]].values.tolist() == [
        ["hf.wohnen", "hf.wohnen", "human"]
    ]
    assert counts == {
        "auto": 0,
        "accepted": 1,
        "rejected": 2,
        "changed": 1,
        "added": 1,
        "conflict": 2,
        "orphaned": 1,
    }
    st = led.statuses().set_index("tag_id")
    assert st.loc[tid[6], "status"] == "orphaned"
    assert "hf.arbeit" in st.loc[tid[5], "note"]
    assert led.count() == n_rows  # applying never writes decision rows


def test_added_code_later_produced_by_codebook_counts_as_accepted(tmp_path):
    seg, auto = _frames()
    Ledger(tmp_path).record([added(seg, 6, "hf.wohnen")])
    from results_fixture import auto_tags_frame as make

    new_auto = make(seg, [*AUTO, (6, "hf.wohnen", "hf.wohnen/term:Wohnraum", "Wohnraum")])
    tags, counts = apply_decisions(new_auto, seg, tmp_path, LABELS)
    row = tags[tags["code"] == "hf.wohnen"]
    assert len(row) == 1
    assert row[["status", "source", "final_code"]].values.tolist() == [
        ["accepted", "human", "hf.wohnen"]
    ]
    assert counts["added"] == 0 and counts["accepted"] == 1


def test_output_has_schema_columns_and_integer_columns(tmp_path):
    from konzeptanalyse.schema import columns

    seg, auto = _frames()
    Ledger(tmp_path).record([decision(auto, 2, "accept")])
    tags, _ = apply_decisions(auto.iloc[:2], seg, tmp_path, LABELS)  # tag 2 -> conflict row
    assert list(tags.columns) == columns("tags.csv")
    back = pd.read_csv(io.StringIO(tags.to_csv(index=False)), dtype=str, keep_default_na=False)
    for col in ("page", "start", "end", "n_matches"):  # integers even next to empty cells
        assert all(v == "" or v.isdigit() for v in back[col]), col
    assert back.loc[2, "start"] == "" and back.loc[2, "n_matches"] == "0"


def test_decision_follows_its_text_when_only_the_section_path_changed(tmp_path):
    """Re-extraction renamed a section: the key changes, the text is the same and unique in
    its document, so the decision is re-attached instead of orphaned."""
    from konzeptanalyse.keys import segment_key, tag_id

    seg, auto = _frames()
    led = Ledger(tmp_path)
    led.record([decision(auto, 0, "reject")])
    led.record(
        [
            replace(
                decision(auto, 5, "accept"),
                segment_text=SEGMENTS[4][5],
                doc_id=seg.loc[4, "doc_id"],
            )
        ]
    )
    # decision(auto, 0) carries no snapshot text -> cannot follow; tag 5 (segment 4) can
    new_seg = seg.copy()
    sha = "placeholder"
    for i in (0, 4):
        new_seg.loc[i, "section_path"] = "Neu > " + seg.loc[i, "section_path"]
        new_seg.loc[i, "segment_key"] = segment_key(
            sha, new_seg.loc[i, "section_path"], seg.loc[i, "text"]
        )
    new_auto = auto.copy()
    for i, s in ((0, 0), (1, 0), (5, 4)):
        new_auto.loc[i, "segment_key"] = new_seg.loc[s, "segment_key"]
        new_auto.loc[i, "tag_id"] = tag_id(new_seg.loc[s, "segment_key"], auto.loc[i, "code"])
    tags, counts = apply_decisions(new_auto, new_seg, tmp_path, LABELS)
    assert counts["orphaned"] == 1 and counts["accepted"] == 1
    assert tags.loc[5, ["status", "source"]].tolist() == ["accepted", "human"]
    note = led.statuses().set_index("status").loc["accepted", "note"]
    assert note.startswith("re-attached")
