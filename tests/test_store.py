"""Results folder promises: atomic writes, parts survive, an interrupted write keeps old results."""

import pandas as pd
import pytest

from konzeptanalyse import store
from konzeptanalyse.store import PartStore, write_results


def test_write_results_replaces_files_and_leaves_no_staging(tmp_path):
    write_results(tmp_path, {"a.csv": pd.DataFrame({"x": [1]})}, {"run": 1})
    write_results(tmp_path, {"a.csv": pd.DataFrame({"x": [2, 3]})}, {"run": 2})
    assert pd.read_csv(tmp_path / "a.csv")["x"].tolist() == [2, 3]
    assert '"run": 2' in (tmp_path / "run.json").read_text()
    assert not list(tmp_path.glob(".staging-*"))


def test_interrupted_write_keeps_previous_results(tmp_path, monkeypatch):
    write_results(tmp_path, {"a.csv": pd.DataFrame({"x": [1]})}, {"run": 1})

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "write_csv", crash)
    frames = {"a.csv": pd.DataFrame({"x": [9]}), "b.csv": pd.DataFrame({"y": [1]})}
    with pytest.raises(KeyboardInterrupt):
        write_results(tmp_path, frames, {"run": 2})
    monkeypatch.undo()
    assert pd.read_csv(tmp_path / "a.csv")["x"].tolist() == [1]
    assert '"run": 1' in (tmp_path / "run.json").read_text()
    assert not (tmp_path / "b.csv").exists()
    assert not list(tmp_path.glob(".staging-*"))


def test_csv_writer_keeps_text_numbers_and_empty_cells(tmp_path):
    frame = pd.DataFrame(
        {"text": ["Sprache; Kultur", 'sagt "ja"', None], "n": [1, 2, 3], "x": [0.5, 1.0, 2.25]}
    )
    store.write_csv(frame, tmp_path / "t.csv")
    back = pd.read_csv(tmp_path / "t.csv", keep_default_na=False)
    assert back["text"].tolist() == ["Sprache; Kultur", 'sagt "ja"', ""]
    assert back["n"].tolist() == [1, 2, 3] and back["x"].tolist() == [0.5, 1.0, 2.25]


def test_write_atomic_failure_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "f.bin"
    store.write_atomic(target, b"old")
    monkeypatch.setattr(store.os, "replace", lambda *a: (_ for _ in ()).throw(OSError("disk")))
    with pytest.raises(OSError):
        store.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]


def test_part_store_round_trip_corrupt_part_and_prune(tmp_path):
    parts = PartStore(tmp_path)
    parts.save("k1", {"segments": [{"text": "Teilhabe für alle"}]})
    parts.save("k2", {"segments": []})
    assert parts.load("k1") == {"segments": [{"text": "Teilhabe für alle"}]}
    parts.path("k2").write_bytes(b"not gzip")
    assert parts.load("k2") is None  # unreadable parts are redone, not fatal
    assert parts.load("missing") is None
    assert parts.prune({"k1"}) == 1
    assert parts.load("k1") is not None
