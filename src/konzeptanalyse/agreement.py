"""How good is the coding? The auto-coder against reviewers, and reviewers against each other.

Units and values (one reviewer's latest decision per tag counts, see the ledger):

- A reviewed auto-tag is a unit (its ``tag_id``); a reviewer's value is the code they say applies
  there: the tag's code (accept), the corrected code (change) or ``none`` (reject).
- The untagged rows of a segment are one unit (``seg:<segment_key>``); the value is the
  ';'-joined codes the reviewer added, or ``none`` when they confirmed that no code applies.

Auto-coder vs reviewers (effective decision per tag = truth): for each code c and segment s,
the pair (s, c) is *asserted* when a reviewer accepted c, changed a tag to c or added c.
TP = asserted pairs the current auto-coder produces; FP = reviewed auto-tags it produces that are
not asserted (rejected or changed away); FN = asserted pairs it does not produce.

Reviewers vs each other, on units at least two reviewers decided: Krippendorff's alpha (nominal)
overall (values as categories) and per code (value contains c: 1/0), Cohen's kappa per pair,
percent agreement — each with all shared units and without the units nobody coded (overall:
every reviewer said ``none``; per code: nobody gave c). Undefined figures (one category only)
are NaN.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .ledger import Ledger

NONE = "none"


def _value(decision: str, code: str, corrected: str) -> str:
    if decision == "accept":
        return code or NONE
    if decision == "change":
        return corrected
    return NONE


def reviewer_values(latest: pd.DataFrame) -> pd.DataFrame:
    """One row per (unit, reviewer): unit, reviewer, value, tag_id, segment_key, code."""
    cols = ["unit", "reviewer", "value", "tag_id", "segment_key", "code", "comment"]
    if latest.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for d in latest.itertuples(index=False):
        unit = d.tag_id if d.code else f"seg:{d.segment_key}"
        value = _value(d.decision, d.code, d.corrected_code)
        rows.append((unit, d.reviewer, value, d.tag_id, d.segment_key, d.code, d.comment))
    frame = pd.DataFrame(rows, columns=cols)
    # untagged segment units: all codes a reviewer added there form one value
    seg = frame["unit"].str.startswith("seg:")

    def join(values: pd.Series) -> str:
        codes = sorted({v for v in values if v != NONE})
        return ";".join(codes) if codes else NONE

    if seg.any():
        merged = (
            frame[seg]
            .groupby(["unit", "reviewer"], as_index=False)
            .agg(
                value=("value", join),
                tag_id=("tag_id", "first"),
                segment_key=("segment_key", "first"),
                code=("code", "first"),
                comment=("comment", lambda c: " | ".join(x for x in c if x)),
            )
        )
        merged["tag_id"] = ""
        frame = pd.concat([frame[~seg], merged[cols]], ignore_index=True)
    return frame


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else math.nan
    r = tp / (tp + fn) if tp + fn else math.nan
    f = 2 * p * r / (p + r) if tp and (p + r) else (0.0 if tp + fp and tp + fn else math.nan)
    return p, r, f


def auto_vs_human(
    tags: pd.DataFrame, effective: pd.DataFrame, segment_keys: set[str] | None = None
) -> pd.DataFrame:
    """Precision, recall, F1 per code of the current auto-coding against effective decisions.

    ``segment_keys``: segments of the current run; decisions on other (orphaned) segments are
    left out, since the auto-coder never saw them.
    """
    if segment_keys is not None:
        effective = effective[effective["segment_key"].isin(segment_keys)]
    produced = tags[pd.to_numeric(tags["n_matches"], errors="coerce").fillna(0) > 0]
    auto = set(zip(produced["segment_key"], produced["code"], strict=True))
    asserted: set[tuple[str, str]] = set()
    reviewed: set[tuple[str, str]] = set()
    for d in effective.itertuples(index=False):
        if d.code:
            reviewed.add((d.segment_key, d.code))
        value = _value(d.decision, d.code, d.corrected_code)
        if value != NONE:
            asserted.add((d.segment_key, value))
    reviewed &= auto
    codes = sorted({c for _, c in asserted | reviewed})
    rows = []
    for code in codes:
        a = {p for p in asserted if p[1] == code}
        r = {p for p in reviewed if p[1] == code}
        tp, fp, fn = len(a & auto), len(r - a), len(a - auto)
        rows.append((code, tp, fp, fn, *_prf(tp, fp, fn)))
    cols = ["code", "tp", "fp", "fn", "precision", "recall", "f1"]
    frame = pd.DataFrame(rows, columns=cols)
    if len(frame):
        tp, fp, fn = (int(frame[c].sum()) for c in ("tp", "fp", "fn"))
        micro = ("(micro)", tp, fp, fn, *_prf(tp, fp, fn))
        macro = (
            "(macro)",
            tp,
            fp,
            fn,
            frame["precision"].mean(),
            frame["recall"].mean(),
            frame["f1"].mean(),
        )
        frame = pd.concat([frame, pd.DataFrame([micro, macro], columns=cols)], ignore_index=True)
    return frame


def _alpha(matrix: np.ndarray) -> float:
    """Nominal Krippendorff's alpha of a reviewers × units matrix (NaN = missing)."""
    import krippendorff

    pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
    values = matrix[:, pairable]
    if values.size == 0 or len(np.unique(values[~np.isnan(values)])) < 2:
        return math.nan
    return float(krippendorff.alpha(reliability_data=values, level_of_measurement="nominal"))


def _percent(matrix: np.ndarray) -> float:
    agree = []
    for col in matrix.T:
        vals = col[~np.isnan(col)]
        if len(vals) >= 2:
            agree.append(len(set(vals)) == 1)
    return float(np.mean(agree)) if agree else math.nan


@dataclass
class AgreementReport:
    auto: pd.DataFrame  # per code: tp, fp, fn, precision, recall, f1 (+ micro/macro)
    reviewers: pd.DataFrame  # per code and overall: alpha and percent agreement, with/without
    pairs: pd.DataFrame  # per reviewer pair: kappa and percent agreement, with/without
    disagreements: pd.DataFrame  # shared units where reviewers differ
    n_decisions: int
    n_reviewers: int


def reviewer_agreement(values: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(per-code/overall table, pair table, disagreements) on units ≥ 2 reviewers decided."""
    rev_cols = [
        "code",
        "units",
        "units_coded",
        "alpha",
        "alpha_without_uncoded",
        "percent",
        "percent_without_uncoded",
    ]
    pair_cols = [
        "reviewer_a",
        "reviewer_b",
        "units",
        "units_coded",
        "kappa",
        "kappa_without_uncoded",
        "percent",
        "percent_without_uncoded",
    ]
    shared_units = values.groupby("unit")["reviewer"].nunique()
    shared = values[values["unit"].isin(shared_units[shared_units >= 2].index)]
    if shared.empty:
        return pd.DataFrame(columns=rev_cols), pd.DataFrame(columns=pair_cols), pd.DataFrame()
    wide = shared.pivot(index="unit", columns="reviewer", values="value")
    reviewers = list(wide.columns)
    categories = sorted(set(shared["value"]))
    cat_id = {c: float(i) for i, c in enumerate(categories)}
    overall = wide.apply(lambda col: col.map(cat_id)).to_numpy(dtype=float).T
    coded = ~wide.apply(lambda row: row.dropna().eq(NONE).all(), axis=1).to_numpy()
    rows = [
        (
            "(overall)",
            overall.shape[1],
            int(coded.sum()),
            _alpha(overall),
            _alpha(overall[:, coded]),
            _percent(overall),
            _percent(overall[:, coded]),
        )
    ]
    all_codes = sorted({c for v in shared["value"] for c in v.split(";") if c != NONE})
    all_codes = sorted(set(all_codes) | {c for c in shared["code"] if c})
    for code in all_codes:
        has = wide.apply(lambda col, code=code: col.map(_has(code)))
        m = has.to_numpy(dtype=float).T
        coded_c = np.nansum(m, axis=0) > 0
        rows.append(
            (
                code,
                m.shape[1],
                int(coded_c.sum()),
                _alpha(m),
                _alpha(m[:, coded_c]),
                _percent(m),
                _percent(m[:, coded_c]),
            )
        )
    rev = pd.DataFrame(rows, columns=rev_cols)

    from sklearn.metrics import cohen_kappa_score

    def kappa(a: pd.Series, b: pd.Series) -> float:
        if len(a) == 0 or len(set(a) | set(b)) < 2:
            return math.nan
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return float(cohen_kappa_score(list(a), list(b)))

    pair_rows = []
    for a, b in itertools.combinations(reviewers, 2):
        both = wide[[a, b]].dropna()
        keep = ~(both[a].eq(NONE) & both[b].eq(NONE))
        pair_rows.append(
            (
                a,
                b,
                len(both),
                int(keep.sum()),
                kappa(both[a], both[b]),
                kappa(both[a][keep], both[b][keep]),
                float((both[a] == both[b]).mean()) if len(both) else math.nan,
                float((both[a][keep] == both[b][keep]).mean()) if keep.any() else math.nan,
            )
        )
    pairs = pd.DataFrame(pair_rows, columns=pair_cols)

    differ = wide.apply(lambda row: row.dropna().nunique() > 1, axis=1)
    info = shared.drop_duplicates("unit").set_index("unit")[["tag_id", "segment_key", "code"]]
    dis = info.loc[differ[differ].index].join(wide.loc[differ[differ].index]).reset_index()
    return rev, pairs, dis


def _has(code: str):
    def f(value: object) -> float:
        if not isinstance(value, str):
            return math.nan
        return 1.0 if code in value.split(";") else 0.0

    return f


def agreement_report(results_dir: Path) -> AgreementReport:
    """All figures from ``results/tags.csv`` and the ledger of the same folder."""
    tags_path = results_dir / "tags.csv"
    if not tags_path.is_file():
        raise FileNotFoundError(f"{tags_path} not found — run `konzept classify` first")
    tags = pd.read_csv(tags_path, dtype=str, keep_default_na=False)
    ledger = Ledger(results_dir)
    latest = ledger.latest_per_reviewer()
    segs_path = results_dir / "segments.csv"
    segs = pd.read_csv(segs_path, dtype=str, keep_default_na=False) if segs_path.is_file() else None
    keys = set(segs["segment_key"]) if segs is not None else None
    auto = auto_vs_human(tags, ledger.effective(), keys)
    values = reviewer_values(latest)
    rev, pairs, dis = reviewer_agreement(values)
    if len(dis):
        # from the ledger's snapshot, so orphaned segments keep their text too
        snap = latest.drop_duplicates("segment_key").set_index("segment_key")
        dis.insert(3, "doc_id", dis["segment_key"].map(snap["doc_id"]))
        dis.insert(4, "text", dis["segment_key"].map(snap["segment_text"]))
    return AgreementReport(
        auto=auto,
        reviewers=rev,
        pairs=pairs,
        disagreements=dis,
        n_decisions=len(latest),
        n_reviewers=latest["reviewer"].nunique() if len(latest) else 0,
    )


def write_agreement(report: AgreementReport, out_dir: Path) -> list[Path]:
    """CSV files: agreement_auto, agreement_reviewers, agreement_pairs, disagreements."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for name, frame in (
        ("agreement_auto.csv", report.auto),
        ("agreement_reviewers.csv", report.reviewers),
        ("agreement_pairs.csv", report.pairs),
        ("disagreements.csv", report.disagreements),
    ):
        path = out_dir / name
        frame.to_csv(path, index=False, encoding="utf-8", float_format="%.4f")
        files.append(path)
    return files
