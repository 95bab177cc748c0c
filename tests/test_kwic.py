"""konzept kwic: terms, phrases, lemmas, globs and codes in context, with document and page."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from results_sample import write_sample_results
from typer.testing import CliRunner

from konzeptanalyse.cli import app
from konzeptanalyse.kwic import kwic
from konzeptanalyse.tables import Results, load_results


@pytest.fixture(scope="module")
def results_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample_results(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def res(results_dir: Path) -> Results:
    return load_results(results_dir)


def segments_containing(res: Results, *words: str) -> set[str]:
    text = res.segments["text"].str.casefold()
    mask = pd.Series(False, index=text.index)
    for word in words:
        mask |= text.str.contains(word.casefold(), regex=False)
    return set(res.segments.loc[mask, "segment_id"])


def test_term_hits_carry_document_page_and_section(res):
    hits = kwic(res, "Vielfalt")
    assert set(hits["segment_id"]) == segments_containing(res, "Vielfalt")
    segs = res.segments.set_index("segment_id")
    for row in hits.to_dict("records"):
        assert str(row["page"]) == segs.loc[row["segment_id"], "page"]
        assert row["section_path"] == segs.loc[row["segment_id"], "section_path"]
        assert row["file"].endswith(".pdf") and row["kreis"]
        assert row["match"] == "Vielfalt"


def test_matching_is_case_insensitive_and_by_lemma(res):
    hits = kwic(res, "beirat")
    assert set(hits["match"]) == {"Beirat", "Beiräte"}
    exact = kwic(res, "beirat", use_lemma=False)
    assert set(exact["match"]) == {"Beirat"}
    # whole words only: "Integrationsbeirat" is no hit for "Beirat" ...
    assert "Integrationsbeirat" not in set(hits["match"])
    # ... but a glob finds it
    assert "Integrationsbeirat" in set(kwic(res, "*beirat")["match"])


def test_phrases_match_consecutive_words(res):
    hits = kwic(res, "gleichberechtigte Teilhabe")
    assert len(hits) == len(segments_containing(res, "gleichberechtigte Teilhabe"))
    assert set(hits["match"]) == {"gleichberechtigte Teilhabe"}
    assert kwic(res, "Teilhabe gleichberechtigte").empty


def test_context_width_limits_left_and_right(res):
    hits = kwic(res, "Teilhabe", width=12)
    assert (hits["left"].str.len() <= 12).all() and (hits["right"].str.len() <= 12).all()
    wide = kwic(res, "Teilhabe", width=200)
    joined = wide["left"] + " " + wide["match"] + " " + wide["right"]
    assert joined.str.contains("unabhängig von Herkunft").any()


def test_code_lists_tagged_passages_with_child_codes(res):
    tags = res.tags
    hits = kwic(res, code="m.ikoe")
    expected = set(tags.loc[tags["final_code"].str.startswith("m.ikoe"), "segment_id"])
    assert set(hits["segment_id"]) == expected
    assert (hits["code"].str.startswith("m.ikoe")).all()
    # a rejected tag is no hit of its code
    rejected = set(
        tags.loc[(tags["code"] == "hf.bildung") & (tags["final_code"] == ""), "segment_id"]
    )
    assert rejected and not rejected & set(kwic(res, code="hf.bildung")["segment_id"])


def test_term_within_a_code(res):
    hits = kwic(res, "Verwaltung", code="m.ikoe")
    assert len(hits) == len(kwic(res, code="m.ikoe"))
    assert set(hits["match"]) == {"Verwaltung"}


def test_no_term_and_no_code_is_an_error(res):
    with pytest.raises(ValueError, match="TERM or --code"):
        kwic(res)


def test_cli_kwic_prints_a_table_and_writes_csv(results_dir, tmp_path):
    out = tmp_path / "hits.csv"
    result = CliRunner().invoke(
        app, ["kwic", "Sprachkurs", "--results", str(results_dir), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    hits = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(hits) and set(hits["match"]) == {"Sprachkurse"}
    assert f"{len(hits)} hits" in result.output
    code = CliRunner().invoke(app, ["kwic", "--code", "s.beirat", "--results", str(results_dir)])
    assert code.exit_code == 0 and "s.beirat" in code.output


def test_soft_hyphens_do_not_split_words():
    from konzeptanalyse.kwic import _query, find_spans

    text = "Kurse für Asylsu\ufffechende und Sprach\u00adkurse"
    spans = find_spans(text, _query("Sprachkurs"))
    assert [text[s:e] for s, e in spans] == ["Sprach\u00adkurse"]
    assert len(find_spans(text, _query("Asylsuchende"))) == 1


def test_prefilter_never_drops_a_hit(res):
    from konzeptanalyse.kwic import _candidates, _query, find_spans

    texts = res.segments["text"].tolist() + ["Sprach- und Kulturmittler", "Bürger:innen-Dialog"]
    for term in ("Beirat", "Sprach-", "*mittler", "bürger", "gleichberechtigte Teilhabe"):
        query = _query(term)
        candidates = _candidates(texts, query, True)
        hits = [bool(find_spans(text, query)) for text in texts]
        assert any(hits), term
        assert all(c for c, h in zip(candidates, hits, strict=True) if h), term
        assert sum(candidates) < len(texts), term  # and it does filter
