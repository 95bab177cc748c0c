"""The decision ledger: every reviewer decision, kept for good in ``results/decisions.sqlite``.

Why a ledger and not a column in tags.csv: tags.csv is rebuilt by every ``konzept classify`` run
(new codebook, re-extracted PDF), but a human decision must never be lost. So decisions live in
an append-only SQLite table keyed by content (``tag_id`` = document hash + section path +
normalised segment text + code, see :mod:`konzeptanalyse.keys`), and every run re-applies them
with :func:`apply_decisions`.

Semantics (documented in the README via this docstring):

- **Append-only.** Rows of ``decisions`` are never updated or deleted (SQLite triggers refuse
  it). A new decision on the same tag is a new row.
- **Effective decision** of a tag = the latest row for its ``tag_id`` (highest row id, i.e. the
  last import), whoever the reviewer. Earlier rows stay for the history and for agreement.
- **Idempotent import.** A decision identical to the *same reviewer's* latest decision on the
  same tag (same decision, corrected code and comment) adds no row, so re-importing a file
  changes nothing.
- **Kinds of decision.** ``accept`` (final code = code), ``reject`` (final code empty),
  ``change`` (final code = corrected code). A decision on a segment the auto-coder gave no
  tag ("added", from the untagged rows of a review file) is stored with an empty ``code``,
  decision ``change`` and the added code as ``corrected_code``, under
  ``tag_id = keys.tag_id(segment_key, corrected_code)``. ``accept`` on an untagged row
  confirms that no code applies; it is stored with empty code under
  ``keys.tag_id(segment_key, "")`` and produces no tag row. A later review of an added row
  stays segment-level: accept = ``change`` to the same code, reject = ``reject`` with empty
  code and the added code as ``corrected_code`` (the addition is taken back: status
  ``retracted``, no row), change to Y = that retraction plus an addition of Y.
- **Re-attaching.** A decision whose segment key vanished is moved to the one segment of the
  same document with the same normalised text, when there is exactly one (a re-extraction
  that only changed the section path); its status note says so.
- **Re-applying** (:func:`apply_decisions`): a decision whose tag the codebook still produces
  sets ``decision``/``final_code``/``source``/``status`` on that row (accepted, rejected,
  changed). A decision whose tag the codebook no longer produces but whose segment still exists
  is kept as an extra row: status ``conflict`` for accept/change (the human says the code
  applies, the codebook no longer gives it), status ``rejected`` for reject (human and codebook
  now agree; the row stays so the decision is visible). An added code becomes a row with status
  ``added`` (or ``accepted`` once the codebook produces that tag itself). A decision whose code
  or corrected code the current codebook does not know is status ``conflict`` (also for a
  reject: a renamed or dropped code needs a look) with the label ``[not in codebook: CODE]``
  and a note in ``decision_status``. Rows the current codebook does not produce carry
  ``n_matches = 0``. A decision whose segment no longer exists is **orphaned**: it produces no
  row, is counted, and is listed in the ``decision_status`` table (``konzept review status``).
  Nothing is ever deleted from ``decisions``; ``decision_status`` is rebuilt on each apply.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from .keys import normalise_text, tag_id
from .schema import columns

LEDGER_FILE = "decisions.sqlite"
DECISIONS = ("accept", "reject", "change")
COUNT_KEYS = ("auto", "accepted", "rejected", "changed", "added", "conflict", "orphaned")
_INT_COLUMNS = ("page", "start", "end", "n_matches")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS imports (
    import_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    file        TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    n_new       INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS decisions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    import_id      INTEGER REFERENCES imports(import_id),
    tag_id         TEXT NOT NULL,
    segment_key    TEXT NOT NULL,
    code           TEXT NOT NULL,
    decision       TEXT NOT NULL CHECK (decision IN ('accept', 'reject', 'change')),
    corrected_code TEXT NOT NULL DEFAULT '',
    comment        TEXT NOT NULL DEFAULT '',
    reviewer       TEXT NOT NULL CHECK (reviewer <> ''),
    doc_id         TEXT NOT NULL DEFAULT '',
    section_path   TEXT NOT NULL DEFAULT '',
    segment_text   TEXT NOT NULL DEFAULT '',
    rule           TEXT NOT NULL DEFAULT '',
    matched        TEXT NOT NULL DEFAULT '',
    decided_at     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_tag ON decisions (tag_id);
CREATE TRIGGER IF NOT EXISTS decisions_no_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'the decision ledger is append-only'); END;
CREATE TRIGGER IF NOT EXISTS decisions_no_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'the decision ledger is append-only'); END;
CREATE TABLE IF NOT EXISTS decision_status (
    tag_id      TEXT PRIMARY KEY,
    decision_id INTEGER NOT NULL REFERENCES decisions(id),
    segment_key TEXT NOT NULL,
    status      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    checked_at  TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Decision:
    """One reviewer decision on one tag (or on an untagged segment: ``code`` empty)."""

    tag_id: str
    segment_key: str
    code: str
    decision: str
    corrected_code: str = ""
    comment: str = ""
    reviewer: str = ""
    doc_id: str = ""
    section_path: str = ""
    segment_text: str = ""
    rule: str = ""
    matched: str = ""

    @property
    def final_code(self) -> str:
        """The code the human says applies ('' when none)."""
        if self.decision == "accept":
            return self.code
        if self.decision == "change":
            return self.corrected_code
        return ""


@dataclass(frozen=True)
class RecordResult:
    """What one import added to the ledger."""

    new: int
    unchanged: int
    import_id: int | None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Ledger:
    """The SQLite file of one results folder. Opening creates the tables when missing."""

    def __init__(self, results_dir: Path) -> None:
        self.path = Path(results_dir) / LEDGER_FILE

    @property
    def exists(self) -> bool:
        return self.path.is_file()

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection in autocommit mode; callers open transactions explicitly."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, isolation_level=None)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.executescript(_SCHEMA)
            yield conn
        finally:
            conn.close()

    # ------------------------------------------------------------------ writing
    def record(
        self, decisions: Iterable[Decision], *, file: str = "", file_sha256: str = ""
    ) -> RecordResult:
        """Append decisions in ONE transaction: all of them or, on any error, none."""
        with self.connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                latest = _latest_by_reviewer(conn)
                cur = conn.execute(
                    "INSERT INTO imports (file, file_sha256, imported_at, n_new) VALUES (?,?,?,0)",
                    (file, file_sha256, _now()),
                )
                import_id = cur.lastrowid
                new = unchanged = 0
                for d in decisions:
                    if d.decision not in DECISIONS:
                        raise ValueError(f"bad decision {d.decision!r} for tag {d.tag_id}")
                    key = (d.tag_id, d.reviewer)
                    if latest.get(key) == (d.decision, d.corrected_code, d.comment):
                        unchanged += 1
                        continue
                    _insert(conn, import_id, d)
                    latest[key] = (d.decision, d.corrected_code, d.comment)
                    new += 1
                if new:
                    # the imports row was inserted in this transaction; filling in its count
                    # is part of the same atomic write (imports is a log, not the ledger)
                    conn.execute(
                        "UPDATE imports SET n_new = ? WHERE import_id = ?", (new, import_id)
                    )
                else:
                    conn.execute("DELETE FROM imports WHERE import_id = ?", (import_id,))
                    import_id = None
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return RecordResult(new=new, unchanged=unchanged, import_id=import_id)

    # ------------------------------------------------------------------ reading
    def history(self) -> pd.DataFrame:
        """Every decision row, oldest first (empty frame when there is no ledger yet)."""
        cols = ["id", "import_id", *[f.name for f in fields(Decision)], "decided_at"]
        if not self.exists:
            return pd.DataFrame(columns=cols)
        with self.connect() as conn:
            rows = conn.execute(f"SELECT {', '.join(cols)} FROM decisions ORDER BY id").fetchall()
        return pd.DataFrame(rows, columns=cols)

    def effective(self) -> pd.DataFrame:
        """The effective decision per tag_id: the latest row, whoever decided."""
        hist = self.history()
        return hist.drop_duplicates("tag_id", keep="last").reset_index(drop=True)

    def latest_per_reviewer(self) -> pd.DataFrame:
        """Each reviewer's own latest decision per tag_id (the input of agreement figures)."""
        hist = self.history()
        return hist.drop_duplicates(["tag_id", "reviewer"], keep="last").reset_index(drop=True)

    def count(self) -> int:
        if not self.exists:
            return 0
        with self.connect() as conn:
            return conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0]

    def statuses(self) -> pd.DataFrame:
        """Status of each effective decision as of the last :func:`apply_decisions`."""
        cols = ["tag_id", "decision_id", "segment_key", "status", "note", "checked_at"]
        if not self.exists:
            return pd.DataFrame(columns=cols)
        with self.connect() as conn:
            rows = conn.execute(
                f"SELECT {', '.join(cols)} FROM decision_status ORDER BY decision_id"
            ).fetchall()
        return pd.DataFrame(rows, columns=cols)

    def write_statuses(self, rows: list[tuple[str, int, str, str, str]]) -> None:
        """Replace the derived status table (decision rows themselves are untouched)."""
        now = _now()
        with self.connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("DELETE FROM decision_status")
                conn.executemany(
                    "INSERT INTO decision_status "
                    "(tag_id, decision_id, segment_key, status, note, checked_at) "
                    "VALUES (?,?,?,?,?,?)",
                    [(*r, now) for r in rows],
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise


def _latest_by_reviewer(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple[str, str, str]]:
    rows = conn.execute(
        "SELECT tag_id, reviewer, decision, corrected_code, comment FROM decisions ORDER BY id"
    ).fetchall()
    return {(t, r): (d, c, m) for t, r, d, c, m in rows}


def _insert(conn: sqlite3.Connection, import_id: int | None, d: Decision) -> None:
    """Insert one decision row (separate so a test can inject a crash mid-import)."""
    data = asdict(d)
    names = ["import_id", *data, "decided_at"]
    conn.execute(
        f"INSERT INTO decisions ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        (import_id, *data.values(), _now()),
    )


# ---------------------------------------------------------------------- apply
_REATTACHED = "re-attached: same text in the same document, section path changed"


def _reattach(eff: pd.DataFrame, segments: pd.DataFrame) -> tuple[pd.DataFrame, set[int]]:
    """Move decisions whose segment key vanished to the one segment of the same document with
    the same normalised text (a re-extraction that changed only the section path). Ambiguous or
    missing matches stay as they are (orphaned)."""
    if "text" not in segments.columns or "doc_id" not in segments.columns:
        return eff, set()
    known = set(segments["segment_key"])
    lost = eff[~eff["segment_key"].isin(known) & (eff["segment_text"] != "")]
    if lost.empty:
        return eff, set()
    by_text: dict[tuple[str, str], set[str]] = {}
    for doc, key, text in zip(
        segments["doc_id"], segments["segment_key"], segments["text"], strict=True
    ):
        by_text.setdefault((str(doc), normalise_text(str(text))), set()).add(key)
    eff = eff.copy()
    moved: set[int] = set()
    for i, d in lost.iterrows():
        keys_ = by_text.get((d["doc_id"], normalise_text(d["segment_text"])), set())
        if len(keys_) != 1:
            continue
        new_key = next(iter(keys_))
        code = d["code"] or d["corrected_code"]  # an addition (or its retraction): the code
        eff.loc[i, "segment_key"] = new_key
        eff.loc[i, "tag_id"] = tag_id(new_key, code)
        moved.add(int(d["id"]))
    # a newer decision made directly on the new key wins over a re-attached older one
    eff = eff.sort_values("id").drop_duplicates("tag_id", keep="last")
    return eff.reset_index(drop=True), moved


def _label(code: str, labels: Mapping[str, tuple[str, str]]) -> tuple[str, str]:
    if code in labels:
        return labels[code]
    return f"[not in codebook: {code}]", ""


def apply_decisions(
    auto_tags: pd.DataFrame,
    segments: pd.DataFrame,
    results_dir: Path,
    labels: Mapping[str, tuple[str, str]],
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Merge the ledger into a fresh auto-coding; returns the tags.csv frame and counts.

    ``auto_tags`` has the tags.csv columns up to ``weight``; ``segments`` at least
    ``segment_key, doc_id, segment_id, section_path, section_kind, page``; ``labels`` maps
    code → (label, dimension) of the current codebook. See the module docstring for the rules.
    Counts: auto, accepted, rejected, changed, added, conflict (rows), orphaned (decisions).
    Side effect: rebuilds the ledger's ``decision_status`` table (decision rows are untouched).
    """
    ledger = Ledger(results_dir)
    eff = ledger.effective() if ledger.exists else pd.DataFrame()
    tags, counts, status_rows = merge_decisions(auto_tags, segments, eff, labels)
    if len(eff):
        ledger.write_statuses(status_rows)
    return tags, counts


def merge_decisions(
    auto_tags: pd.DataFrame,
    segments: pd.DataFrame,
    effective: pd.DataFrame,
    labels: Mapping[str, tuple[str, str]],
) -> tuple[pd.DataFrame, dict[str, int], list[tuple[str, int, str, str, str]]]:
    """The pure part of :func:`apply_decisions` (also used by the codebook audit to preview a
    codebook change): tags frame, counts and (tag_id, decision id, segment_key, status, note)."""
    cols = columns("tags.csv")
    tags = auto_tags.copy()
    for col in cols:
        if col not in tags.columns:
            tags[col] = ""
    tags = tags[cols].astype({"decision": object, "final_code": object, "source": object})
    tags["decision"] = ""
    tags["final_code"] = tags["code"].astype(str)
    tags["source"] = "auto"
    tags["status"] = "auto"
    tags["status"] = tags["status"].astype(object)

    eff = effective
    status_rows: list[tuple[str, int, str, str, str]] = []
    extra: list[dict] = []
    orphaned = 0
    reattached: set[int] = set()
    if len(eff):
        eff, reattached = _reattach(eff, segments)
        seg_info = segments.drop_duplicates("segment_key").set_index("segment_key")
        row_index: dict[str, list[int]] = {}
        for i, tid in enumerate(tags["tag_id"].astype(str)):
            row_index.setdefault(tid, []).append(i)
        pos = {name: tags.columns.get_loc(name) for name in cols}
        for d in eff.itertuples(index=False):
            if d.segment_key not in seg_info.index:
                orphaned += 1
                status_rows.append(
                    (d.tag_id, int(d.id), d.segment_key, "orphaned", "segment no longer exists")
                )
                continue
            if d.code == "" and d.decision == "accept":  # "no code applies" confirmation
                status_rows.append((d.tag_id, int(d.id), d.segment_key, "confirmed", ""))
                continue
            final = d.corrected_code if d.decision == "change" else ""
            final = d.code if d.decision == "accept" else final
            unknown = [c for c in {d.code, final} if c and c not in labels]
            note = ""
            if unknown:
                note = f"code not in the current codebook: {', '.join(sorted(unknown))}"
            if int(d.id) in reattached:
                note = "; ".join(filter(None, [note, _REATTACHED]))
            rows = row_index.get(d.tag_id)
            if rows:  # the codebook still produces the tag (or now produces an added code)
                status = {"accept": "accepted", "reject": "rejected", "change": "changed"}[
                    d.decision
                ]
                if d.code == "" and d.decision == "change":  # an addition now auto-coded
                    status = "accepted"
                if unknown:
                    status = "conflict"
                for i in rows:
                    tags.iat[i, pos["decision"]] = (
                        "accept" if d.code == "" and d.decision == "change" else d.decision
                    )
                    tags.iat[i, pos["final_code"]] = final
                    tags.iat[i, pos["source"]] = "human"
                    tags.iat[i, pos["status"]] = status
                status_rows.append((d.tag_id, int(d.id), d.segment_key, status, note))
                continue
            # the codebook does not produce this tag: keep the human's row
            if d.code == "" and d.decision == "reject":  # an addition taken back
                status_rows.append((d.tag_id, int(d.id), d.segment_key, "retracted", ""))
                continue
            if d.code == "":
                status = "conflict" if unknown else "added"
            elif d.decision == "reject" and not unknown:
                status = "rejected"
                note = "tag no longer produced by the codebook (agrees with the rejection)"
            else:
                status = "conflict"
                note = note or "tag no longer produced by the codebook"
            code = d.code or d.corrected_code
            label, dimension = _label(code, labels)
            seg = seg_info.loc[d.segment_key]
            extra.append(
                {
                    "tag_id": d.tag_id,
                    "doc_id": seg.get("doc_id", d.doc_id),
                    "segment_id": seg.get("segment_id", ""),
                    "segment_key": d.segment_key,
                    "page": seg.get("page", pd.NA),
                    "section_path": seg.get("section_path", d.section_path),
                    "section_kind": seg.get("section_kind", ""),
                    "code": code,
                    "label": label,
                    "dimension": dimension,
                    "rule": d.rule,
                    "matched": d.matched,
                    "start": pd.NA,
                    "end": pd.NA,
                    "n_matches": 0,
                    "weight": pd.NA,
                    "decision": d.decision,
                    "final_code": final,
                    "source": "human",
                    "status": status,
                }
            )
            status_rows.append((d.tag_id, int(d.id), d.segment_key, status, note))
    if extra:
        extra_df = pd.DataFrame(extra, columns=cols).sort_values(["doc_id", "segment_id"])
        tags = pd.concat([tags.astype(object), extra_df.astype(object)], ignore_index=True)
    for col in _INT_COLUMNS:
        tags[col] = pd.to_numeric(tags[col], errors="coerce").astype("Int64")
    tags["weight"] = pd.to_numeric(tags["weight"], errors="coerce")
    for col in ("decision", "final_code", "source", "status"):
        tags[col] = tags[col].astype(str)
    counts = {k: int((tags["status"] == k).sum()) for k in COUNT_KEYS if k != "orphaned"}
    counts["orphaned"] = orphaned
    return tags.reset_index(drop=True), counts, status_rows
