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

    monkeypatch.setattr(pd.DataFrame, "to_csv", crash)
    with pytest.raises(KeyboardInterrupt):
        write_results(tmp_path, {"a.csv": pd.DataFrame({"x": [9]})}, {"run": 2})
    monkeypatch.undo()
    assert pd.read_csv(tmp_path / "a.csv")["x"].tolist() == [1]
    assert '"run": 1' in (tmp_path / "run.json").read_text()


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
