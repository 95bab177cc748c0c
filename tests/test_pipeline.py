"""classify promises: documented files, bad input reported and skipped, parallel = serial,
incremental re-runs, crash resume, Dask executor."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from konzeptanalyse import schema
from konzeptanalyse.cli import app
from konzeptanalyse.codebook import DEFAULT_CODEBOOK
from konzeptanalyse.codebook.load import portable_text
from konzeptanalyse.pipeline import classify
from konzeptanalyse.store import PartStore

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ["lk-elbtal.pdf", "st-rheinfeld.pdf"]


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in SAMPLES:
        shutil.copy(ROOT / "corpus" / name, folder / name)
    manifest = pd.read_csv(ROOT / "corpus" / "manifest.csv", dtype=str)
    manifest[manifest["file"].isin(SAMPLES)].to_csv(folder / "manifest.csv", index=False)
    return folder


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "cache"
    monkeypatch.setenv("KONZEPT_CACHE", str(path))
    return path


def _run(corpus: Path, out: Path, **kw):
    kw.setdefault("codebook_path", DEFAULT_CODEBOOK)
    kw.setdefault("workers", 1)
    return classify([corpus], out_dir=out, **kw)


def test_classify_writes_every_documented_file(corpus, cache, tmp_path):
    out = tmp_path / "results"
    summary = _run(corpus, out)
    assert not summary.errors
    for name in schema.RESULT_COLUMNS:
        frame = pd.read_csv(out / name)
        assert list(frame.columns[: len(schema.columns(name))]) == schema.columns(name), name
    docs = pd.read_csv(out / "documents.csv", dtype={"ags": str})
    assert sorted(docs["file"]) == sorted(SAMPLES)
    assert set(docs["bundesland"]) == {"Sachsen", "Nordrhein-Westfalen"}  # manifest joined
    run = json.loads((out / "run.json").read_text())
    assert run["codebook_version"] and set(run["inputs"]) == set(SAMPLES)
    assert run["timings"]["documents_s"] > 0
    tags = pd.read_csv(out / "tags.csv")
    segs = pd.read_csv(out / "segments.csv")
    assert set(tags["segment_id"]) <= set(segs["segment_id"])
    assert tags["tag_id"].is_unique
    # every tag carries its evidence: the matched form stands at its offsets in the segment
    text = segs.set_index("segment_id")["text"]
    sample = tags.head(200)
    for r in sample.itertuples():
        assert text[r.segment_id][r.start : r.end] == r.matched


def test_bad_pdf_is_reported_and_the_rest_is_coded(corpus, cache, tmp_path):
    (corpus / "kaputt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<<")
    summary = _run(corpus, tmp_path / "results")
    assert len(summary.errors) == 1 and "kaputt.pdf" in summary.errors[0]
    assert sorted(summary.documents["file"]) == sorted(SAMPLES)


def test_cli_exit_code_3_when_a_file_fails(corpus, cache, tmp_path):
    (corpus / "leer.pdf").write_bytes(b"")
    result = CliRunner().invoke(
        app, ["classify", str(corpus), "--out", str(tmp_path / "r"), "--workers", "1"]
    )
    assert result.exit_code == 3, result.output
    assert "leer.pdf" in result.output
    assert (tmp_path / "r" / "documents.csv").exists()
    # what reads is said, never hidden: the lemmatiser and the second reader
    assert "lemmatiser: simplemma" in result.output
    assert "second reader: character 3-5-gram" in result.output
    run_info = json.loads((tmp_path / "r" / "run.json").read_text(encoding="utf-8"))
    assert "labelled passages from ../tests/data/eval/gold.csv" in run_info["second_reader"]


def test_parallel_equals_serial(corpus, cache, tmp_path):
    _run(corpus, tmp_path / "serial", workers=1)
    _run(corpus, tmp_path / "parallel", workers=2, use_cache=False)
    for name in ("tags.csv", "segments.csv", "measures.csv"):
        a = pd.read_csv(tmp_path / "serial" / name)
        b = pd.read_csv(tmp_path / "parallel" / name)
        pd.testing.assert_frame_equal(a, b)


def test_rerun_reuses_parts_and_codebook_change_retags_changed_dimensions(
    corpus, cache, tmp_path, monkeypatch
):
    out = tmp_path / "results"
    first = _run(corpus, out)
    assert first.processed == 2 and first.reused == 0
    again = _run(corpus, out)
    assert again.processed == 0 and again.reused == 2

    changed = tmp_path / "changed.yaml"
    text = portable_text(DEFAULT_CODEBOOK)  # the copy lives in another folder
    changed.write_text(text + "\n# a changed codebook\n", encoding="utf-8")
    import pypdfium2

    def no_pdf(*a, **k):
        raise AssertionError("a PDF was parsed although the extraction cache is warm")

    monkeypatch.setattr(pypdfium2, "PdfDocument", no_pdf)
    retag = _run(corpus, out, codebook_path=changed)
    # a comment does not change the canonical codebook: nothing to redo
    assert retag.reused == 2
    edited = tmp_path / "edited.yaml"
    anchor = text.index("- code: hf.sprache\n")
    terms = text.index("    terms:\n", anchor) + len("    terms:\n")
    edited.write_text(text[:terms] + "      - Kurs\n" + text[terms:], encoding="utf-8")
    retag = _run(corpus, out, codebook_path=edited)
    assert retag.processed == 2 and not retag.errors
    parts = [PartStore.read(p) for p in (out / ".parts").glob("*.json.gz")]
    assert [p["retagged"] for p in parts] == [["handlungsfeld"], ["handlungsfeld"]]
    monkeypatch.undo()
    fresh = _run(corpus, tmp_path / "fresh", codebook_path=edited, use_cache=False)
    assert fresh.processed == 2
    for name in ("tags.csv", "segments.csv", "measures.csv", "fields.csv"):
        incremental = pd.read_csv(out / name)
        full = pd.read_csv(tmp_path / "fresh" / name)
        pd.testing.assert_frame_equal(incremental, full, obj=name)


def test_crash_midway_resumes_with_finished_documents(corpus, cache, tmp_path):
    out = tmp_path / "results"

    def crash_after_first(done, total, name):
        if done == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _run(corpus, out, progress=crash_after_first)
    assert len(list((out / ".parts").glob("*.json.gz"))) == 1
    resumed = _run(corpus, out)
    assert resumed.reused == 1 and resumed.processed == 1


def test_dask_executor_on_a_local_cluster(corpus, cache, tmp_path):
    from dask.distributed import LocalCluster

    _run(corpus, tmp_path / "serial")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False) as cluster:
        summary = _run(
            corpus,
            tmp_path / "dask",
            executor="dask",
            scheduler=cluster.scheduler_address,
            use_cache=False,
        )
    assert summary.processed == 2 and not summary.errors
    a = pd.read_csv(tmp_path / "serial" / "tags.csv")
    b = pd.read_csv(tmp_path / "dask" / "tags.csv")
    pd.testing.assert_frame_equal(a, b)
