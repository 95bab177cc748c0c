"""The results folder: atomic writes and the per-document part store.

Two promises rest on this module:
- an interrupted run leaves the previous results intact: every file is written to a staging
  folder first and moved into place with ``os.replace`` (atomic on one file system), and
  ``run.json`` is moved last;
- a crash loses at most the documents in flight: each document's coding is stored in
  ``results/.parts/`` the moment it finishes, keyed by everything it depends on (PDF hash,
  extractor, codebook version, unit), so a re-run picks up where the last one stopped and a
  codebook change re-tags without re-extracting (extraction has its own cache, see ingest).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so a reader sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 CSV with a header row, written by Arrow's C++ writer.

    A national corpus has ~0.5 million tag rows; pandas' writer needs seconds for them, which
    alone would eat a third of the warm re-run budget. Text columns are written as text
    (missing values as empty cells), so every reader sees the same values pandas would write.
    """
    table = pa.Table.from_pandas(
        frame.apply(lambda col: col.fillna("").astype(str) if col.dtype == object else col),
        preserve_index=False,
    )
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))


def write_results(
    out_dir: Path, frames: Mapping[str, pd.DataFrame], run_info: Mapping[str, Any]
) -> list[Path]:
    """Write the CSV tables and run.json; all or nothing as far as the file system allows."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out_dir, prefix=".staging-"))
    try:
        written = []
        for name, frame in frames.items():
            write_csv(frame, staging / name)
            written.append(name)
        (staging / "run.json").write_text(
            json.dumps(run_info, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
        )
        for name in written:
            os.replace(staging / name, out_dir / name)
        os.replace(staging / "run.json", out_dir / "run.json")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out_dir / n for n in [*written, "run.json"]]


class PartStore:
    """Per-document results under ``results/.parts/<key>.json.gz``."""

    def __init__(self, out_dir: Path) -> None:
        self.root = out_dir / ".parts"

    def path(self, key: str) -> Path:
        return self.root / f"{key}.json.gz"

    def load(self, key: str) -> dict[str, Any] | None:
        """The stored part, or None when missing or unreadable (then it is simply redone)."""
        return self.read(self.path(key))

    def find(self, pattern: str) -> Path | None:
        """The newest part whose key matches a glob (an earlier codebook's coding)."""
        found = sorted(self.root.glob(f"{pattern}.json.gz"), key=lambda p: p.stat().st_mtime)
        return found[-1] if found else None

    @staticmethod
    def read(path: Path) -> dict[str, Any] | None:
        if not path.exists():
            return None
        try:
            return orjson.loads(gzip.decompress(path.read_bytes()))
        except (OSError, ValueError, EOFError):
            return None

    def save(self, key: str, part: Mapping[str, Any]) -> None:
        self.write(self.path(key), part)

    @staticmethod
    def write(path: Path, part: Mapping[str, Any]) -> None:
        """Atomic; orjson + fast gzip because a national corpus writes hundreds of MB here."""
        write_atomic(path, gzip.compress(orjson.dumps(part, default=str), compresslevel=1))

    def prune(self, keep: set[str]) -> int:
        """Delete parts of documents or codebooks no longer in use; returns how many."""
        if not self.root.exists():
            return 0
        removed = 0
        for path in self.root.glob("*.json.gz"):
            if path.name.removesuffix(".json.gz") not in keep:
                path.unlink(missing_ok=True)
                removed += 1
        return removed
