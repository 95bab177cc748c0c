"""Review files: export for Excel/LibreOffice, strict import, one transaction, idempotent."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from openpyxl import load_workbook
from results_fixture import LABELS, SEGMENTS, write_results
from typer.testing import CliRunner

from konzeptanalyse import ledger as ledger_mod
from konzeptanalyse.cli import app
from konzeptanalyse.ledger import Ledger, apply_decisions
from konzeptanalyse.review import (
    REVIEW_COLUMNS,
    ReviewFileError,
    export_review,
    import_review,
    review_frame,
)

CODES = set(LABELS)


@pytest.fixture
def results(tmp_path):
    write_results(tmp_path / "results")
    return tmp_path / "results"


def _read_export_csv(path):
    """Read a review CSV as German Excel would: BOM-aware UTF-8, ';'."""
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def _write_german_csv(path, rows):
    """Save like Excel's 'CSV UTF-8 (durch Trennzeichen getrennt)': BOM, ';', CRLF."""
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


def _fill(rows, decisions):
    """Set editable cells by tag_id (or segment_key for untagged rows)."""
    header = rows[0]
    idx = {c: header.index(c) for c in header}
    for row in rows[1:]:
        key = row[idx["tag_id"]].lstrip("'") or row[idx["segment_key"]].lstrip("'")
        for col, value in decisions.get(key, {}).items():
            row[idx[col]] = value
    return rows


def test_csv_export_opens_in_german_excel(results):
    path, n = export_review(results)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    rows = _read_export_csv(path)
    assert rows[0] == REVIEW_COLUMNS
    assert len(rows) - 1 == n == 7
    texts = {r[REVIEW_COLUMNS.index("text")] for r in rows[1:]}
    # a cell with ';', quotes and a line break survives intact
    assert SEGMENTS[1][5] in texts and SEGMENTS[2][5] in texts
    # a text starting with '-' gets a leading space so Excel does not read a formula
    assert " " + SEGMENTS[7][5] in texts
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["left"], first["match"]) == ("Der Kreis baut die ", "Sprachkurse")
    assert first["decision"] == first["reviewer"] == ""


def test_xlsx_export_has_dropdown_frozen_header_and_marked_columns(results):
    path, n = export_review(results, results / "r.xlsx", untagged=2)
    wb = load_workbook(path)
    ws = wb["review"]
    assert [c.value for c in ws[1]] == REVIEW_COLUMNS
    assert ws.max_row == n + 1 == 10
    assert ws.freeze_panes == "A2"
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert '"accept,reject,change"' in lists
    dec = REVIEW_COLUMNS.index("decision") + 1
    text = REVIEW_COLUMNS.index("text") + 1
    assert ws.cell(2, text).fill.fgColor.rgb.endswith("EDEDED")  # read-only: grey
    assert ws.cell(2, dec).fill.fill_type is None  # editable: plain
    # without a codebook in run.json the codes sheet lists the codes seen in tags.csv
    seen = set(pd.read_csv(results / "tags.csv")["code"])
    assert {r[0].value for r in wb["codes"].iter_rows(min_row=2)} == seen


def test_sample_is_stratified_and_seeded(results):
    a = review_frame(results, sample=1, seed=3)
    b = review_frame(results, sample=1, seed=3)
    assert a["code"].value_counts().max() == 1
    assert set(a["code"]) == {"hf.sprache", "zg.migranten", "hf.bildung", "m.beratung", "hf.arbeit"}
    pd.testing.assert_frame_equal(a, b)
    untagged = review_frame(results, untagged=10)
    free = untagged[untagged["tag_id"] == ""]
    assert len(free) == 3  # segments 3, 5, 6 carry no tag
    assert set(free["text"]) == {SEGMENTS[i][5] for i in (3, 5, 6)}


def test_xlsx_round_trip(results):
    path, _ = export_review(results, results / "review.xlsx", untagged=5)
    wb = load_workbook(path)
    ws = wb["review"]
    col = {c.value: c.column for c in ws[1]}
    tagged = {}
    for r in range(2, ws.max_row + 1):
        tid, code = ws.cell(r, col["tag_id"]).value, ws.cell(r, col["code"]).value
        if not tid and "Wohnraum" in ws.cell(r, col["text"]).value:
            ws.cell(r, col["decision"], "change")
            ws.cell(r, col["corrected_code"], "hf.wohnen")
        elif code == "hf.bildung":
            ws.cell(r, col["decision"], "change")
            ws.cell(r, col["corrected_code"], "hf.sprache")
            ws.cell(r, col["comment"], "es geht um Sprache")
        elif code == "zg.migranten":
            ws.cell(r, col["decision"], "reject")
        elif code == "hf.arbeit":
            ws.cell(r, col["decision"], "accept")
        tagged[code] = tid
    wb.save(path)
    summary = import_review(path, results, reviewer="alice", known_codes=CODES)
    assert (summary.decisions, summary.new) == (4, 4)
    hist = Ledger(results).history()
    assert set(hist["reviewer"]) == {"alice"}
    assert hist.loc[hist["code"] == "hf.bildung", "comment"].item() == "es geht um Sprache"
    tags = pd.read_csv(results / "tags.csv", dtype=str, keep_default_na=False)
    auto = tags.iloc[:, : tags.columns.get_loc("weight") + 1]
    seg = pd.read_csv(results / "segments.csv", dtype=str, keep_default_na=False)
    new, counts = apply_decisions(auto, seg, results, LABELS)
    assert (counts["changed"], counts["rejected"], counts["accepted"], counts["added"]) == (
        1,
        1,
        1,
        1,
    )
    status = new.set_index("tag_id")["status"]
    assert status[tagged["hf.bildung"]] == "changed"
    assert status[tagged["zg.migranten"]] == "rejected"


def test_german_excel_csv_round_trip(results):
    path, _ = export_review(results)
    rows = _read_export_csv(path)
    tid = {r[REVIEW_COLUMNS.index("code")]: r[0] for r in rows[1:]}
    _fill(
        rows,
        {
            tid["hf.arbeit"]: {"decision": "Accept", "reviewer": "bob"},
            tid["hf.bildung"]: {"decision": "reject", "reviewer": "bob"},
        },
    )
    _write_german_csv(path, rows)
    summary = import_review(path, results, known_codes=CODES)
    assert summary.new == 2 and summary.skipped == 5
    eff = Ledger(results).effective().set_index("code")
    assert eff.loc["hf.arbeit", "decision"] == "accept"
    assert eff.loc["hf.bildung", "reviewer"] == "bob"


def test_comma_separated_csv_without_bom_is_accepted(results):
    rows = _read_export_csv(export_review(results)[0])
    _fill(rows, {rows[1][0]: {"decision": "accept"}})
    path = results / "libre.csv"
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=",").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    assert import_review(path, results, reviewer="carla", known_codes=CODES).new == 1


def test_malformed_file_reports_every_row_and_changes_nothing(results):
    path, _ = export_review(results, untagged=3)
    Ledger(results).record([])  # an existing ledger ...
    good = results / "good.csv"
    rows = _read_export_csv(path)
    _fill(rows, {rows[1][0]: {"decision": "accept", "reviewer": "ann"}})
    _write_german_csv(good, rows)
    import_review(good, results, known_codes=CODES)
    led = Ledger(results)
    before = led.history()

    rows = _read_export_csv(path)
    c = {name: i for i, name in enumerate(rows[0])}
    rows[1][c["decision"]] = "accept"  # valid, but the file has errors: must not be imported
    rows[1][c["reviewer"]] = "ann2"
    rows[2][c["tag_id"]] = "ffffffffffffffff"
    rows[2][c["decision"]] = "accept"
    rows[3][c["decision"]] = "maybe"
    rows[4][c["decision"]] = "change"
    rows[5][c["decision"]] = "change"
    rows[5][c["corrected_code"]] = "hf.sprach"
    rows[6][c["decision"]] = "accept"
    rows[6][c["text"]] = "Ein anderer Text."
    rows[7][c["decision"]] = "reject"
    rows[7][c["reviewer"]] = ""
    for r in rows[1:7]:
        r[c["reviewer"]] = r[c["reviewer"]] or "ann"
    bad = results / "bad.csv"
    _write_german_csv(bad, rows)
    with pytest.raises(ReviewFileError) as err:
        import_review(bad, results, known_codes=CODES)
    problems = err.value.problems
    expected = {
        3: "tag_id",
        4: "'maybe'",
        5: "needs a corrected_code",
        6: "did you mean 'hf.sprache'",
        7: "read-only column 'text'",
        8: "reviewer is empty",
    }
    for row, words in expected.items():
        assert any(p.startswith(f"row {row}:") and words in p for p in problems), (row, problems)
    assert len(problems) == len(expected)
    pd.testing.assert_frame_equal(led.history(), before)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "tag_id;segment_key;decision;corrected_code;reviewer\r\nx;y;accept;;ä\r\n".encode(
                "cp1252"
            ),
            "not UTF-8",
        ),
        (b"tag_id|segment_key|decision|corrected_code|reviewer\nx|y|accept||a\n", "row 1"),
        (
            "tag_id;segment_key;decision;corrected_code;reviewer\nx;y;accept;;JÃ¼rgen\n".encode(),
            "double-encoded",
        ),
        (
            b"tag_id;segment_key;decision;corrected_code;reviewer\nx;y,z;accept;;a;extra\n",
            "row 2: 6 cells",
        ),
    ],
)
def test_wrong_encoding_or_separator_gives_a_clear_error(results, content, message):
    path = results / "wrong.csv"
    path.write_bytes(content)
    with pytest.raises(ReviewFileError) as err:
        import_review(path, results, known_codes=CODES)
    assert message in str(err.value)
    assert Ledger(results).count() == 0


def test_reimport_is_idempotent(results):
    path, _ = export_review(results)
    rows = _fill(_read_export_csv(path), {})
    for r in rows[1:3]:
        r[REVIEW_COLUMNS.index("decision")] = "accept"
    _write_german_csv(path, rows)
    first = import_review(path, results, reviewer="ann", known_codes=CODES)
    second = import_review(path, results, reviewer="ann", known_codes=CODES)
    assert (first.new, second.new, second.unchanged) == (2, 0, 2)
    assert Ledger(results).count() == 2


def test_crash_during_import_leaves_ledger_as_before(results, monkeypatch):
    path, _ = export_review(results)
    rows = _read_export_csv(path)
    for r in rows[1:]:
        r[REVIEW_COLUMNS.index("decision")] = "reject"
    _write_german_csv(path, rows)
    calls = []
    real = ledger_mod._insert

    def crash(conn, import_id, d):
        calls.append(1)
        if len(calls) == 4:
            raise KeyboardInterrupt  # the user pulls the plug mid-import
        real(conn, import_id, d)

    monkeypatch.setattr(ledger_mod, "_insert", crash)
    with pytest.raises(KeyboardInterrupt):
        import_review(path, results, reviewer="ann", known_codes=CODES)
    assert Ledger(results).count() == 0
    monkeypatch.setattr(ledger_mod, "_insert", real)
    assert import_review(path, results, reviewer="ann", known_codes=CODES).new == 7


def test_untagged_row_takes_change_or_accept_only(results):
    path, _ = export_review(results, untagged=3)
    rows = _read_export_csv(path)
    c = {name: i for i, name in enumerate(rows[0])}
    free = [r for r in rows[1:] if not r[c["tag_id"]]]
    free[0][c["decision"]], free[0][c["corrected_code"]] = "change", "hf.wohnen"
    free[1][c["decision"]] = "accept"
    free[2][c["decision"]] = "reject"
    _write_german_csv(path, rows)
    with pytest.raises(ReviewFileError, match="untagged segment"):
        import_review(path, results, reviewer="ann", known_codes=CODES)
    free[2][c["decision"]] = ""
    _write_german_csv(path, rows)
    assert import_review(path, results, reviewer="ann", known_codes=CODES).new == 2
    hist = Ledger(results).history()
    assert sorted(hist["corrected_code"]) == ["", "hf.wohnen"]
    assert set(hist["code"]) == {""}


def test_cli_export_import_and_error_exit(results, tmp_path):
    runner = CliRunner()
    out = tmp_path / "r.csv"
    res = runner.invoke(app, ["review", "export", "--results", str(results), "--out", str(out)])
    assert res.exit_code == 0, res.output
    rows = _read_export_csv(out)
    rows[1][REVIEW_COLUMNS.index("decision")] = "accept"
    rows[2][REVIEW_COLUMNS.index("decision")] = "bogus"
    _write_german_csv(out, rows)
    args = ["review", "import", str(out), "--results", str(results), "--reviewer", "ann"]
    res = runner.invoke(app, args)
    assert res.exit_code == 1
    assert "row 3" in res.output and "nothing imported" in res.output
    rows[2][REVIEW_COLUMNS.index("decision")] = ""
    _write_german_csv(out, rows)
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "1 new" in res.output
    res = runner.invoke(app, ["review", "status", "--results", str(results)])
    assert res.exit_code == 0, res.output
    assert "1 decision rows" in res.output


def test_reviewing_an_added_row_keeps_it_a_segment_level_decision(results):
    """A re-export shows a reviewer's added code as a row; accepting it keeps it 'added',
    changing it takes the old addition back and adds the new code."""
    path, _ = export_review(results, untagged=3)
    rows = _read_export_csv(path)
    c = {name: i for i, name in enumerate(rows[0])}
    free = [r for r in rows[1:] if not r[c["tag_id"]]]
    free[0][c["decision"]], free[0][c["corrected_code"]] = "change", "hf.wohnen"
    _write_german_csv(path, rows)
    import_review(path, results, reviewer="ann", known_codes=CODES)

    def rerun():
        tags = pd.read_csv(results / "tags.csv", dtype=str, keep_default_na=False)
        tags = tags[tags["n_matches"] != "0"]
        seg = pd.read_csv(results / "segments.csv", dtype=str, keep_default_na=False)
        new, counts = apply_decisions(tags.iloc[:, :16], seg, results, LABELS)
        new.to_csv(results / "tags.csv", index=False)
        return new, counts

    new, counts = rerun()
    assert counts["added"] == 1
    path2, _ = export_review(results, results / "second.csv")
    rows = _read_export_csv(path2)
    row = next(r for r in rows[1:] if r[c["code"]] == "hf.wohnen")
    row[c["decision"]], row[c["corrected_code"]] = "change", "hf.arbeit"
    _write_german_csv(path2, rows)
    assert import_review(path2, results, reviewer="bob", known_codes=CODES).new == 2
    new, counts = rerun()
    assert counts["added"] == 1
    assert new.loc[new["status"] == "added", "code"].tolist() == ["hf.arbeit"]
    assert "retracted" in set(Ledger(results).statuses()["status"])


def test_spreadsheet_number_rewrites_are_not_edits(results):
    """Excel turns '12.000' into 12000 and LibreOffice keeps a leading apostrophe: the words
    are unchanged, so the row imports; a changed word is still caught."""
    path, _ = export_review(results)
    rows = _read_export_csv(path)
    c = {name: i for i, name in enumerate(rows[0])}
    rows[1][c["text"]] = "'" + rows[1][c["text"]].replace("Sprachkurse", "Sprachkurse 12000")
    rows[1][c["decision"]] = "accept"
    _write_german_csv(path, rows)
    assert import_review(path, results, reviewer="ann", known_codes=CODES).new == 1
    rows[2][c["text"]] = rows[2][c["text"]].replace("Neuzugewanderte", "Zugezogene")
    rows[2][c["decision"]] = "accept"
    _write_german_csv(path, rows)
    with pytest.raises(ReviewFileError, match="row 3: read-only column 'text'"):
        import_review(path, results, reviewer="ann", known_codes=CODES)
