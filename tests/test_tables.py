"""konzept tables: shares of documents, cross-tabulations, bootstrap intervals, basis counts."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from results_sample import DOC_FIELDS, DOCS, MEASURES, write_sample_results
from typer.testing import CliRunner

from konzeptanalyse.cli import app
from konzeptanalyse.tables import (
    TABLE_COLUMNS,
    bootstrap_shares,
    compute_tables,
    load_results,
    parent_code,
    write_tables,
)

N_DOCS = len(DOCS)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample_results(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def tables(results: Path) -> dict[str, pd.DataFrame]:
    return compute_tables(load_results(results), by=["urban_rural"], seed=1)


def corpus_row(frame: pd.DataFrame, code: str) -> pd.Series:
    rows = frame[(frame["by"] == "") & (frame["code"] == code)]
    assert len(rows) == 1, f"no single corpus row for {code}"
    return rows.iloc[0]


def test_field_chapter_share_counts_documents_with_a_chapter(tables):
    for code in ("hf.sprache", "hf.arbeit", "hf.wohnen", "hf.partizipation"):
        expected = sum(code in fields for fields in DOC_FIELDS)
        row = corpus_row(tables["fields_chapter"], code)
        assert row["count"] == expected
        assert row["share"] == pytest.approx(expected / N_DOCS)
        assert row["n_documents"] == N_DOCS


def test_field_mention_uses_final_codes_and_ignores_rejected_tags(results, tables):
    tags = pd.read_csv(results / "tags.csv", dtype=str, keep_default_na=False)
    bildung = tags[tags["code"] == "hf.bildung"]
    rejected_docs = set(bildung.loc[bildung["final_code"] == "", "doc_id"])
    assert rejected_docs, "fixture must contain a rejected hf.bildung tag"
    kept_docs = set(bildung.loc[bildung["final_code"] == "hf.bildung", "doc_id"])
    row = corpus_row(tables["fields_mention"], "hf.bildung")
    assert row["count"] == len(kept_docs - rejected_docs)
    # the rejected tag is a human decision the count rests on
    assert row["tags_human"] == len(bildung[bildung["source"] == "human"])


def test_child_measure_codes_roll_up_to_their_parent(results, tables):
    tags = pd.read_csv(results / "tags.csv", dtype=str, keep_default_na=False)
    child = tags[tags["final_code"].str.count(r"\.") > 1]
    assert len(child), "fixture must contain a child code"
    parents = {parent_code(c) for c in child["final_code"]}
    for parent in parents:
        row = corpus_row(tables["measure_types"], parent)
        docs_with = set(tags.loc[tags["final_code"].map(parent_code) == parent, "doc_id"])
        assert row["count"] == len(docs_with)
    assert not (tables["measure_types"]["code"].str.count(r"\.") > 1).any()


def test_changed_code_no_longer_counts_as_its_auto_code(results, tables):
    tags = pd.read_csv(results / "tags.csv", dtype=str, keep_default_na=False)
    changed = tags[tags["decision"] == "change"].iloc[0]
    doc = changed["doc_id"]
    mtypes = tables["documents"].set_index("doc_id").loc[doc, "measure_types"].split(";")
    still = tags[(tags["doc_id"] == doc) & (tags["final_code"] == changed["code"])]
    assert (changed["code"] in mtypes) == (len(still) > 0)
    assert parent_code(changed["final_code"]) in mtypes


def test_cross_tab_groups_add_up_to_the_corpus(tables):
    frame = tables["fields_chapter"]
    groups = frame[frame["by"] == "urban_rural"]
    assert set(groups["group"]) == {d[6] for d in DOCS}
    for code, sub in groups.groupby("code"):
        assert sub["count"].sum() == corpus_row(frame, code)["count"]
        assert sub.drop_duplicates("group")["n_documents"].sum() == N_DOCS


def test_intervals_bracket_the_share_and_are_reproducible(results, tables):
    for name in ("fields_chapter", "measure_types", "understanding", "target_groups"):
        frame = tables[name].dropna(subset=["share"])
        assert (frame["ci_low"] <= frame["share"] + 1e-9).all(), name
        assert (frame["share"] <= frame["ci_high"] + 1e-9).all(), name
    again = compute_tables(load_results(results), by=["urban_rural"], seed=1)
    pd.testing.assert_frame_equal(again["fields_chapter"], tables["fields_chapter"])


def test_bootstrap_interval_matches_the_binomial_width():
    hits = np.zeros((400, 1))
    hits[:100] = 1  # share 0.25, standard error sqrt(.25 * .75 / 400) = 0.0217
    low, high = bootstrap_shares(hits, np.random.default_rng(0), n_boot=4000)
    assert low[0] == pytest.approx(0.25 - 1.96 * 0.0217, abs=0.01)
    assert high[0] == pytest.approx(0.25 + 1.96 * 0.0217, abs=0.01)


def test_target_group_mix_counts_measures(tables):
    frame = tables["target_groups"]
    corpus = frame[frame["by"] == ""].set_index("target_group")
    all_measures = [m for doc in MEASURES for m in doc]
    assert corpus["n_measures"].iloc[0] == len(all_measures)
    for group in ("alle", "migranten", "spezifisch", "unklar"):
        assert corpus.loc[group, "count"] == sum(m[2] == group for m in all_measures)
    assert corpus["share"].sum() == pytest.approx(1.0)
    # zielgruppe tags on the measures are the decisions behind the mix
    assert corpus["tags_auto"].sum() + corpus["tags_human"].sum() > 0


def test_understanding_classes_and_goals_flag(results, tables):
    docs = pd.read_csv(results / "documents.csv", dtype=str, keep_default_na=False)
    for klass, n in docs["understanding_class"].value_counts().items():
        assert corpus_row(tables["understanding"], klass)["count"] == n
    flag = corpus_row(tables["goals_measures"], "goals_measures_flag")
    assert flag["count"] == (docs["goals_measures_flag"] == "1").sum()


def test_quality_flag_travels_and_flagged_documents_can_be_excluded(results, tables):
    assert "quality_flag" in tables["documents"].columns
    flagged = sum(d[7] in ("check", "poor") for d in DOCS)
    assert corpus_row(tables["fields_chapter"], "hf.sprache")["n_flagged"] == flagged
    clean = compute_tables(load_results(results), exclude_flagged=True)
    assert corpus_row(clean["fields_chapter"], "hf.sprache")["n_documents"] == N_DOCS - flagged
    assert corpus_row(clean["fields_chapter"], "hf.sprache")["n_flagged"] == 0
    assert set(clean["documents"]["quality_flag"]) == {"ok"}
    assert clean["_basis"]["n_excluded"].eq(flagged).all()


def test_basis_says_how_many_auto_and_human_decisions(results, tables):
    tags = pd.read_csv(results / "tags.csv", dtype=str, keep_default_na=False)
    basis = tables["_basis"].set_index("table")
    hf = tags[tags["dimension"] == "handlungsfeld"]
    assert basis.loc["fields_mention", "tags_human"] == (hf["source"] == "human").sum()
    assert basis.loc["fields_mention", "tags_auto"] == (hf["source"] == "auto").sum()
    assert basis.loc["fields_mention", "tags_rejected"] == (hf["final_code"] == "").sum()


def test_terms_are_lemmatised_without_stop_words(tables):
    terms = tables["terms"]
    corpus = terms[terms["by"] == ""]
    lemmas = set(corpus["lemma"].str.casefold())
    assert "beirat" in lemmas and "beiräte" not in lemmas  # "Beiräte" counted as "Beirat"
    assert not lemmas & {"und", "der", "die", "landkreis"}


def test_write_tables_writes_documented_csv_files_and_one_xlsx(results, tmp_path):
    paths = write_tables(results, by=["type"], seed=0)
    names = {p.stem for p in paths if p.suffix == ".csv"}
    assert names == set(TABLE_COLUMNS)
    for path in paths:
        if path.suffix == ".csv":
            with path.open(encoding="utf-8") as fh:
                header = next(csv.reader(fh))
            assert header == [c for c, _ in TABLE_COLUMNS[path.stem]], path.name
    xlsx = next(p for p in paths if p.suffix == ".xlsx")
    sheets = load_workbook(xlsx, read_only=True).sheetnames
    assert set(TABLE_COLUMNS) <= set(sheets)


def test_by_cluster_uses_clusters_csv(results, tmp_path):
    with pytest.raises(ValueError, match="konzept cluster"):
        compute_tables(load_results(results), by=["cluster"])
    copy = tmp_path / "results"
    copy.mkdir()
    for path in results.glob("*.csv"):
        (copy / path.name).write_bytes(path.read_bytes())
    # a spreadsheet may have dropped the leading zero of an AGS: still the same Kreis
    rows = "ags,cluster\n" + "".join(
        f"{d[2].lstrip('0')},{i % 2 + 1}\n" for i, d in enumerate(DOCS)
    )
    (copy / "clusters.csv").write_text(rows, encoding="utf-8")
    frame = compute_tables(load_results(copy), by=["cluster"])["fields_chapter"]
    groups = frame[frame["by"] == "cluster"].drop_duplicates("group")
    assert dict(zip(groups["group"], groups["n_documents"], strict=True)) == {"1": 3, "2": 3}


def test_bad_input_gets_a_clear_error(results, tmp_path):
    with pytest.raises(ValueError, match="not a column"):
        compute_tables(load_results(results), by=["no_such_column"])
    broken = tmp_path / "broken"
    broken.mkdir()
    for path in results.glob("*.csv"):
        (broken / path.name).write_bytes(path.read_bytes())
    docs = pd.read_csv(broken / "documents.csv", dtype=str).drop(columns=["quality_flag"])
    docs.to_csv(broken / "documents.csv", index=False)
    with pytest.raises(ValueError, match=r"documents\.csv: missing columns quality_flag"):
        load_results(broken)
    with pytest.raises(FileNotFoundError, match="konzept classify"):
        load_results(tmp_path / "nothing")


def test_cli_tables(results):
    result = CliRunner().invoke(
        app, ["tables", "--results", str(results), "--by", "bundesland", "--exclude-flagged"]
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(results / "tables" / "fields_chapter.csv", keep_default_na=False)
    kept = [d for d in DOCS if d[7] == "ok"]
    assert set(frame.loc[frame["by"] == "bundesland", "group"]) == {d[3] for d in kept}
    bad = CliRunner().invoke(app, ["tables", "--results", str(results), "--by", "nope"])
    assert bad.exit_code == 1
