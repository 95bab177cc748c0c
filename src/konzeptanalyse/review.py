"""Review files: export auto-tags for reviewers, import their decisions into the ledger.

A review file is what a reviewer opens in Excel or LibreOffice. CSV (default) is UTF-8 with a
BOM, ';' as separator and CRLF line ends, so German Excel opens it with umlauts and columns
intact; XLSX has a drop-down for ``decision``, a frozen header and grey read-only columns.

One row per tag (``tag_id`` set) and optionally rows for segments with no tag (``tag_id`` empty,
``segment_key`` set) so misses can be found: on such a row, ``change`` + ``corrected_code``
adds the missed code and ``accept`` confirms that no code applies.

Import is strict: every row is checked and each problem is reported with its spreadsheet row
number (header = row 1). A file with any problem imports nothing. A valid file goes into the
ledger in one transaction (see :mod:`konzeptanalyse.ledger` for idempotency and semantics).
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from . import keys
from .ledger import DECISIONS, Decision, Ledger

REVIEW_COLUMNS = [
    "tag_id",
    "segment_key",
    "doc",
    "page",
    "section_path",
    "left",
    "match",
    "right",
    "text",
    "code",
    "label",
    "rule",
    "matched",
    "decision",
    "corrected_code",
    "comment",
    "reviewer",
]
EDITABLE_COLUMNS = ("decision", "corrected_code", "comment", "reviewer")
#: read-only columns an import compares with the results (the others are derived or cosmetic)
CHECKED_COLUMNS = ("segment_key", "doc", "section_path", "text", "code", "rule", "matched")
REQUIRED_COLUMNS = ("tag_id", "segment_key", "decision", "corrected_code", "reviewer")
KWIC_WIDTH = 60
_FORMULA_START = ("=", "+", "-", "@")


class ReviewFileError(ValueError):
    """A review file that cannot be imported; ``problems`` lists each one with its row."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: {len(problems)} problem(s):\n" + "\n".join(problems))


# ---------------------------------------------------------------------- results access
def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found — run `konzept classify` first")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def read_results(results_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """tags.csv, segments.csv and documents.csv (documents may be missing) as string frames."""
    tags = _read_csv(results_dir / "tags.csv")
    segments = _read_csv(results_dir / "segments.csv")
    docs_path = results_dir / "documents.csv"
    docs = _read_csv(docs_path) if docs_path.is_file() else pd.DataFrame(columns=["doc_id", "file"])
    return tags, segments, docs


def codebook_labels(
    results_dir: Path, codebook: Path | None = None
) -> tuple[dict[str, tuple[str, str]], str]:
    """Codes of the codebook (code → (label, dimension)) and where they came from.

    ``codebook`` given → that file (errors propagate). Otherwise the codebook named in
    ``run.json`` when it still loads; failing that, the codes seen in tags.csv.
    """
    path, explicit = codebook, codebook is not None
    if path is None:
        run = results_dir / "run.json"
        if run.is_file():
            try:
                value = json.loads(run.read_text(encoding="utf-8")).get("codebook")
            except ValueError:
                value = None
            if isinstance(value, dict):
                value = value.get("path")
            path = Path(value) if isinstance(value, str) and value else None
            if path is not None and not path.is_absolute() and not path.is_file():
                path = results_dir.parent / path  # run from another folder than classify
    if path is not None and (explicit or path.is_file()):
        try:
            from .codebook import load_codebook

            book = load_codebook(path)
            return {c: (code.label, code.dimension) for c, code in book.codes.items()}, str(path)
        except Exception:
            if explicit:
                raise
    tags_path = results_dir / "tags.csv"
    if not tags_path.is_file():
        return {}, "no codebook"
    tags = _read_csv(tags_path)
    found = tags[(tags["code"] != "") & ~tags["label"].str.startswith("[not in codebook")]
    found = found.drop_duplicates("code")
    labels = {r.code: (r.label, r.dimension) for r in found.itertuples(index=False)}
    return labels, f"codes seen in {tags_path}"


# ---------------------------------------------------------------------- export
def _kwic(text: str, start: str, end: str, width: int = KWIC_WIDTH) -> tuple[str, str, str]:
    """Left context, match and right context, cut at word boundaries."""
    try:
        s, e = int(float(start)), int(float(end))
    except ValueError:
        return "", "", ""
    if not 0 <= s <= e <= len(text):
        return "", "", ""
    left, right = text[max(0, s - width) : s], text[e : e + width]
    if s > width and " " in left:
        left = "…" + left[left.index(" ") + 1 :]
    if e + width < len(text) and " " in right:
        right = right[: right.rindex(" ")] + "…"
    return left.replace("\n", " "), text[s:e], right.replace("\n", " ")


def review_frame(
    results_dir: Path, *, sample: int | None = None, untagged: int = 0, seed: int = 0
) -> pd.DataFrame:
    """The rows of a review file: one per tag (optionally a seeded sample of N per code),
    then ``untagged`` seeded-random segments that carry no tag."""
    tags, segments, docs = read_results(results_dir)
    files = dict(zip(docs["doc_id"], docs["file"], strict=False))
    texts = segments.drop_duplicates("segment_key").set_index("segment_key")["text"]
    tagged_keys = set(tags["segment_key"])
    tags = tags[tags["code"] != ""]
    if sample is not None:
        picked = [
            i
            for _, g in tags.groupby("code")
            for i in g.sample(n=min(len(g), sample), random_state=seed).index
        ]
        tags = tags.loc[sorted(picked)]
    rows = []
    for t in tags.itertuples(index=False):
        text = texts.get(t.segment_key, "")
        left, match, right = _kwic(text, t.start, t.end)
        rows.append(
            {
                "tag_id": t.tag_id,
                "segment_key": t.segment_key,
                "doc": files.get(t.doc_id, t.doc_id),
                "page": t.page,
                "section_path": t.section_path,
                "left": left,
                "match": match,
                "right": right,
                "text": text,
                "code": t.code,
                "label": t.label,
                "rule": t.rule,
                "matched": t.matched,
            }
        )
    if untagged:
        free = segments[~segments["segment_key"].isin(tagged_keys)]
        free = free.drop_duplicates("segment_key")
        free = free.sample(n=min(untagged, len(free)), random_state=seed).sort_index()
        for s in free.itertuples(index=False):
            rows.append(
                {
                    "tag_id": "",
                    "segment_key": s.segment_key,
                    "doc": files.get(s.doc_id, s.doc_id),
                    "page": s.page,
                    "section_path": s.section_path,
                    "text": s.text,
                }
            )
    frame = pd.DataFrame(rows, columns=REVIEW_COLUMNS, dtype=object)
    return frame.fillna("").astype(str)


def _csv_safe(value: str) -> str:
    """Keep Excel from reading a cell as a formula or a number (ids like 1234e567...)."""
    if value.startswith(_FORMULA_START):
        return " " + value
    return value


def _id_safe(value: str) -> str:
    try:
        float(value.replace(",", "."))
    except ValueError:
        return value
    return "'" + value  # an all-digit hex id would lose digits as an Excel number


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 with BOM, ';', CRLF; cells with ';', quotes or line breaks are quoted."""
    out = frame.copy()
    for col in ("tag_id", "segment_key"):
        out[col] = out[col].map(_id_safe)
    for col in ("section_path", "left", "match", "right", "text", "matched", "comment"):
        out[col] = out[col].map(_csv_safe)
    out.to_csv(
        path,
        sep=";",
        index=False,
        encoding="utf-8-sig",
        lineterminator="\r\n",
        quoting=csv.QUOTE_MINIMAL,
    )


def write_xlsx(frame: pd.DataFrame, path: Path, labels: dict[str, tuple[str, str]]) -> None:
    """XLSX with a decision drop-down, a codes sheet, a frozen header, grey read-only cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "review"
    ws.append(REVIEW_COLUMNS)
    grey = PatternFill("solid", fgColor="EDEDED")
    head_ro = PatternFill("solid", fgColor="BFBFBF")
    head_rw = PatternFill("solid", fgColor="FFE699")
    for values in frame.itertuples(index=False):
        ws.append(list(values))
    ro_idx = [i + 1 for i, c in enumerate(REVIEW_COLUMNS) if c not in EDITABLE_COLUMNS]
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, not a formula
            if cell.column in ro_idx:
                cell.fill = grey
    for i, name in enumerate(REVIEW_COLUMNS, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = head_ro if i in ro_idx else head_rw
        width = {"text": 60, "left": 30, "right": 30, "section_path": 30, "comment": 30}
        ws.column_dimensions[get_column_letter(i)].width = width.get(name, 14)
    text_col = get_column_letter(REVIEW_COLUMNS.index("text") + 1)
    for cell in ws[text_col][1:]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    last = max(ws.max_row, 2)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(REVIEW_COLUMNS))}{last}"
    dec = get_column_letter(REVIEW_COLUMNS.index("decision") + 1)
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(DECISIONS) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="decision",
        error="accept, reject or change",
    )
    dv.add(f"{dec}2:{dec}{last}")
    ws.add_data_validation(dv)
    codes = wb.create_sheet("codes")
    codes.append(["code", "label", "dimension"])
    for code, (label, dimension) in sorted(labels.items()):
        codes.append([code, label, dimension])
    codes["A1"].font = codes["B1"].font = codes["C1"].font = Font(bold=True)
    if labels:
        cc = get_column_letter(REVIEW_COLUMNS.index("corrected_code") + 1)
        dv2 = DataValidation(
            type="list",
            formula1=f"codes!$A$2:$A${len(labels) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="corrected_code",
            error="not a code of the codebook (see sheet 'codes')",
        )
        dv2.add(f"{cc}2:{cc}{last}")
        ws.add_data_validation(dv2)
    wb.save(path)


def export_review(
    results_dir: Path,
    out: Path | None = None,
    fmt: str | None = None,
    *,
    sample: int | None = None,
    untagged: int = 0,
    seed: int = 0,
    codebook: Path | None = None,
) -> tuple[Path, int]:
    """Write a review file; returns its path and the number of rows.

    ``out`` may be a file (overwritten) or a folder (then a new ``review-DATE-TIME.csv`` or
    ``.xlsx`` inside; default ``<results>/review/``). ``fmt`` defaults to the suffix of
    ``out``, else csv.
    """
    if fmt is None:
        fmt = out.suffix.lstrip(".").lower() if out is not None and out.suffix else "csv"
    fmt = fmt.lower()
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"--format must be csv or xlsx, not {fmt!r}")
    if out is None:
        out = results_dir / "review"
    if out.is_dir() or not out.suffix:
        # a new name each time: never overwrite a file a reviewer may be filling in
        out = out / f"review-{datetime.now():%Y%m%d-%H%M%S}.{fmt}"
    out.parent.mkdir(parents=True, exist_ok=True)
    frame = review_frame(results_dir, sample=sample, untagged=untagged, seed=seed)
    if fmt == "csv":
        write_csv(frame, out)
    else:
        write_xlsx(frame, out, codebook_labels(results_dir, codebook)[0])
    return out, len(frame)


# ---------------------------------------------------------------------- import
def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_review_file(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and (spreadsheet row number, cells) of a review file in any supported format."""
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(path)
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise ReviewFileError(path, ["old Excel .xls format: save as .xlsx or 'CSV UTF-8'"])
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise ReviewFileError(
                path,
                [
                    f"line {line}: the file is not UTF-8 (probably saved by Excel as 'CSV "
                    "(Trennzeichen-getrennt)' in Windows-1252). Save it as 'CSV UTF-8 "
                    "(durch Trennzeichen getrennt)' or as .xlsx and import again."
                ],
            ) from None
    if any(ord(ch) > 127 for ch in text):
        try:
            if text.encode("cp1252").decode("utf-8") != text:
                raise ReviewFileError(
                    path,
                    [
                        "the text is double-encoded (UTF-8 read as Windows-1252, e.g. 'Ã¤' "
                        "for 'ä'): open the original export with UTF-8 and save again"
                    ],
                )
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    first = text.splitlines()[0] if text else ""
    for sep in (";", ",", "\t"):
        header = [h.strip().lower() for h in next(csv.reader([first], delimiter=sep), [])]
        if set(REQUIRED_COLUMNS) <= set(header):
            break
    else:
        raise ReviewFileError(
            path,
            [
                f"row 1: the header does not name the review columns ({', '.join(REQUIRED_COLUMNS)}"
                f"); found {first[:120]!r}. Use a file written by `konzept review export`, "
                "separated by ';' or ','."
            ],
        )
    rows, problems = [], []
    for number, record in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=sep), 1):
        if number == 1:
            continue
        if len(record) != len(header):
            extra = record[len(header) :]
            if len(record) < len(header) or any(c.strip() for c in extra):
                problems.append(
                    f"row {number}: {len(record)} cells, the header has {len(header)} — a "
                    f"'{sep}' inside an unquoted cell, or a different separator?"
                )
                continue
        rows.append((number, dict(zip(header, record, strict=False))))
    if problems:
        raise ReviewFileError(path, problems)
    return header, rows


def _read_xlsx(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook gets the same answer
        raise ReviewFileError(path, [f"not a readable .xlsx file: {exc}"]) from None
    ws = wb["review"] if "review" in wb.sheetnames else wb.active
    it = ws.iter_rows(values_only=True)
    header = [_cell(h).strip().lower() for h in next(it, ())]
    if not set(REQUIRED_COLUMNS) <= set(header):
        wb.close()
        raise ReviewFileError(
            path, [f"row 1: the header does not name the review columns ({', '.join(header)})"]
        )
    rows = [
        (n, dict(zip(header, (_cell(v) for v in values), strict=False)))
        for n, values in enumerate(it, start=2)
    ]
    wb.close()
    return header, rows


@dataclass(frozen=True)
class ImportSummary:
    file: Path
    rows: int  # data rows read
    decisions: int  # rows with a decision
    skipped: int  # rows without a decision
    new: int  # rows appended to the ledger
    unchanged: int  # decisions already in the ledger (idempotent re-import)
    import_id: int | None


def _strip_id(value: str) -> str:
    return value.strip().lstrip("'").strip()


_NOT_LETTERS = re.compile(r"[\W\d_]+")


def _same(a: str, b: str) -> bool:
    """Equal as far as an edit by a person matters: the letters, case-folded.

    Spreadsheets rewrite numbers and dates in cells ("12.000" → 12000, "1.5" → "1,5") and
    may keep a leading apostrophe or space; that must not count as an edit of the text."""
    return _NOT_LETTERS.sub("", keys.normalise_text(a)) == _NOT_LETTERS.sub(
        "", keys.normalise_text(b)
    )


def validate_review(
    header: list[str],
    rows: list[tuple[int, dict[str, str]]],
    results_dir: Path,
    known_codes: set[str],
    reviewer: str | None = None,
) -> tuple[list[Decision], list[str], int]:
    """Check every row; returns (decisions, problems by row, rows without decision)."""
    tags, segments, docs = read_results(results_dir)
    tag_by_id = tags.drop_duplicates("tag_id").set_index("tag_id").to_dict("index")
    seg_by_key = segments.drop_duplicates("segment_key").set_index("segment_key").to_dict("index")
    files = dict(zip(docs["doc_id"], docs["file"], strict=False))
    # rows of tags.csv that exist only because a reviewer added the code (n_matches 0)
    led = Ledger(results_dir)
    eff = led.effective() if led.exists else pd.DataFrame(columns=["tag_id", "code"])
    segment_level = set(eff.loc[eff["code"] == "", "tag_id"])
    human_added = {
        t for t, row in tag_by_id.items() if t in segment_level and row["n_matches"] in ("0", "")
    }
    decisions: list[Decision] = []
    problems: list[str] = []
    seen: dict[tuple[str, str], tuple[int, tuple[str, str, str]]] = {}
    skipped = 0
    for n, cells in rows:

        def get(col: str, cells: dict[str, str] = cells) -> str:
            return cells.get(col, "").strip()

        if not any(v.strip() for v in cells.values()):
            continue
        decision, corrected = get("decision").lower(), get("corrected_code")
        if not decision:
            if corrected:
                problems.append(
                    f"row {n}: corrected_code is filled but decision is empty — "
                    "set decision to 'change'"
                )
            else:
                skipped += 1
            continue
        bad = len(problems)
        if decision not in DECISIONS:
            problems.append(f"row {n}: decision {decision!r} is not one of {', '.join(DECISIONS)}")
        tid, skey = _strip_id(get("tag_id")), _strip_id(get("segment_key"))
        code = rule = matched = ""
        if tid:
            if tid not in tag_by_id:
                problems.append(
                    f"row {n}: tag_id {tid!r} is not in {results_dir / 'tags.csv'} (a file "
                    "from another results folder, an edited id, or classify re-run since the "
                    "export with a codebook that no longer gives this tag: delete the row)"
                )
                continue
            t = tag_by_id[tid]
            code, rule, matched = t["code"], t["rule"], t["matched"]
            expected = {
                "segment_key": t["segment_key"],
                "code": code,
                "rule": rule,
                "matched": matched,
            }
            skey = t["segment_key"]
        else:
            if not skey or skey not in seg_by_key:
                problems.append(
                    f"row {n}: neither a known tag_id nor a known segment_key "
                    f"({skey!r}) — was the row edited or copied from another file?"
                )
                continue
            expected = {}
        seg = seg_by_key.get(skey)
        if seg is not None:
            expected |= {
                "doc": files.get(seg["doc_id"], seg["doc_id"]),
                "section_path": seg["section_path"],
                "text": seg["text"],
            }
        for col, want in expected.items():
            if col not in header:
                continue
            if col == "segment_key":
                edited = bool(get(col)) and _strip_id(get(col)) != want
            elif col == "code":
                edited = get(col) != want
            else:
                edited = not _same(get(col), want)
            if edited:
                problems.append(
                    f"row {n}: read-only column {col!r} was edited "
                    f"(exported: {want[:80]!r}); undo the edit or re-export"
                )
        if decision == "change":
            if not corrected:
                problems.append(f"row {n}: decision 'change' needs a corrected_code")
            elif corrected not in known_codes:
                near = difflib.get_close_matches(corrected, sorted(known_codes), n=1)
                hint = f" — did you mean {near[0]!r}?" if near else ""
                problems.append(
                    f"row {n}: corrected_code {corrected!r} is not a code of the codebook{hint}"
                )
        elif corrected:
            problems.append(
                f"row {n}: corrected_code only goes with decision 'change' "
                f"(decision is {decision!r})"
            )
        if not tid and decision == "reject":
            problems.append(
                f"row {n}: a row without tag_id (untagged segment) takes 'change' + "
                "corrected_code to add a missed code, or 'accept' to confirm no code"
            )
        who = get("reviewer") or (reviewer or "").strip()
        if not who:
            problems.append(f"row {n}: reviewer is empty — fill the column or pass --reviewer")
        if len(problems) > bad:
            continue
        if tid and decision == "change" and corrected == code:
            decision, corrected = "accept", ""
        if tid in human_added:  # a reviewer's addition: decisions are about the segment
            if decision == "accept":
                targets = [(tid, "change", code)]
            elif decision == "reject":
                targets = [(tid, "reject", code)]  # retraction: keeps the code it takes back
            else:
                targets = [
                    (tid, "reject", code),
                    (keys.tag_id(skey, corrected), "change", corrected),
                ]
            code = ""
        elif not tid:
            targets = [
                (keys.tag_id(skey, corrected if decision == "change" else ""), decision, corrected)
            ]
        else:
            targets = [(tid, decision, corrected)]
        for t_id, dec, corr in targets:
            value = (dec, corr, get("comment"))
            if (t_id, who) in seen:
                first, prev = seen[(t_id, who)]
                if prev != value:
                    problems.append(f"row {n}: contradicts row {first} (same tag, same reviewer)")
                continue
            seen[(t_id, who)] = (n, value)
            decisions.append(
                Decision(
                    tag_id=t_id,
                    segment_key=skey,
                    code=code,
                    decision=dec,
                    corrected_code=corr,
                    comment=get("comment"),
                    reviewer=who,
                    doc_id=seg["doc_id"] if seg is not None else "",
                    section_path=seg["section_path"] if seg is not None else "",
                    segment_text=seg["text"] if seg is not None else "",
                    rule=rule,
                    matched=matched,
                )
            )
    return decisions, problems, skipped


def import_review(
    path: Path,
    results_dir: Path,
    *,
    reviewer: str | None = None,
    known_codes: set[str] | None = None,
    codebook: Path | None = None,
) -> ImportSummary:
    """Validate a review file and append its decisions to the ledger in one transaction.

    Raises :class:`ReviewFileError` (nothing imported) when any row has a problem.
    ``reviewer`` fills empty reviewer cells (a filled cell wins).
    """
    path = Path(path)
    if known_codes is None:
        known_codes = set(codebook_labels(results_dir, codebook)[0])
    header, rows = read_review_file(path)
    decisions, problems, skipped = validate_review(header, rows, results_dir, known_codes, reviewer)
    if problems:
        raise ReviewFileError(path, problems)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    result = Ledger(results_dir).record(decisions, file=path.name, file_sha256=sha)
    return ImportSummary(
        file=path,
        rows=len(rows),
        decisions=len(decisions),
        skipped=skipped,
        new=result.new,
        unchanged=result.unchanged,
        import_id=result.import_id,
    )
