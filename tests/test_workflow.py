"""The whole round trip on real sample concepts, through the CLI as a user runs it:
classify → review export (XLSX) → a reviewer fills it → import → classify with a changed
codebook → decisions still there and used by the tables → agreement, audit, report."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from konzeptanalyse.cli import app
from konzeptanalyse.codebook import DEFAULT_CODEBOOK
from konzeptanalyse.codebook.load import portable_text

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ["lk-marschland.pdf", "st-emsberg.pdf"]


def _konzept(*args: str) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("workflow")
    corpus = root / "corpus"
    corpus.mkdir()
    for name in SAMPLES:
        shutil.copy(ROOT / "corpus" / name, corpus / name)
    mp = pytest.MonkeyPatch()
    mp.setenv("KONZEPT_CACHE", str(root / "cache"))
    yield root
    mp.undo()


def _fill(xlsx: Path) -> dict[str, str]:
    """Decide the first rows like a reviewer: accept 3, reject 2, change 1, add 1 (untagged)."""
    book = openpyxl.load_workbook(xlsx)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    col = {name: i + 1 for i, name in enumerate(header)}
    decided: dict[str, str] = {}
    plan = ["accept"] * 3 + ["reject"] * 2 + ["change"]
    for row in range(2, sheet.max_row + 1):
        tag_id = sheet.cell(row, col["tag_id"]).value
        code = sheet.cell(row, col["code"]).value
        if tag_id and plan and code and code.startswith("hf."):
            decision = plan.pop(0)
            sheet.cell(row, col["decision"]).value = decision
            if decision == "change":
                sheet.cell(row, col["corrected_code"]).value = "hf.querschnitt"
            sheet.cell(row, col["reviewer"]).value = "anna"
            decided[tag_id] = decision
        elif not tag_id and "added" not in decided:
            sheet.cell(row, col["decision"]).value = "change"
            sheet.cell(row, col["corrected_code"]).value = "hf.kultur"
            sheet.cell(row, col["reviewer"]).value = "anna"
            decided["added"] = sheet.cell(row, col["segment_key"]).value
    assert not plan, "the export had too few Handlungsfeld rows to decide"
    book.save(xlsx)
    return decided


def test_decisions_survive_a_codebook_change_and_reach_every_table(workspace):
    results = workspace / "results"
    _konzept("classify", workspace / "corpus", "--out", results, "--workers", "1")
    xlsx = workspace / "review.xlsx"
    _konzept(
        "review",
        "export",
        "--results",
        results,
        "--format",
        "xlsx",
        "--out",
        xlsx,
        "--untagged",
        "5",
    )
    decided = _fill(xlsx)
    _konzept("review", "import", xlsx, "--results", results)

    # the codebook changes: one more term for Sprache; every decision must still apply
    text = portable_text(DEFAULT_CODEBOOK)  # the copy lives in another folder
    anchor = text.index("- code: hf.sprache\n")
    terms = text.index("    terms:\n", anchor) + len("    terms:\n")
    edited = workspace / "edited.yaml"
    edited.write_text(text[:terms] + "      - Deutschlernen\n" + text[terms:], encoding="utf-8")
    _konzept(
        "classify", workspace / "corpus", "--out", results, "--codebook", edited, "--workers", "1"
    )

    tags = pd.read_csv(results / "tags.csv", dtype=str, keep_default_na=False)
    by_id = tags.set_index("tag_id")
    for tag_id, decision in decided.items():
        if tag_id == "added":
            continue
        row = by_id.loc[tag_id]
        assert row["decision"] == decision and row["source"] == "human", tag_id
        if decision == "reject":
            assert row["final_code"] == ""
        if decision == "change":
            assert row["final_code"] == "hf.querschnitt"
    added = tags[(tags["segment_key"] == decided["added"]) & (tags["code"] == "hf.kultur")]
    assert added["status"].tolist() == ["added"]

    docs = pd.read_csv(results / "documents.csv")
    assert docs["tags_human"].sum() == len(decided)
    basis = pd.read_csv(results / "tables" / "_basis.csv")
    assert basis["tags_human"].max() > 0  # the tables say how many human decisions they use

    _konzept("agreement", "--results", results)
    assert list((results / "agreement").glob("*.csv"))
    _konzept("codebook", "audit", "--results", results, "--against", DEFAULT_CODEBOOK)
    rules = pd.read_csv(results / "audit" / "audit_rules.csv")
    assert rules["n_tags"].sum() > 0 and rules["accepted"].sum() >= 3
    for name in ("audit_appear.csv", "audit_disappear.csv", "audit_decisions.csv"):
        assert (results / "audit" / name).exists(), name
    _konzept("report", "--results", results)
    assert (results / "report.html").stat().st_size > 10_000
