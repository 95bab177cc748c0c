"""Research tables: shares of documents (with bootstrap intervals), cross-tabulations, terms.

Reads a results folder (schema.py) and writes ``results/tables/*.csv`` plus one ``tables.xlsx``.
Every count rests on the reviewed codes: ``tags.final_code`` (empty = rejected), with child
codes rolled up to their parents (``m.ikoe.sprachmittlung`` counts as ``m.ikoe``). Each share
row says how many auto and human decisions it rests on (``tags_auto``/``tags_human``) and how
many of its documents carry an extraction-quality flag (``n_flagged``), so weak evidence shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from konzeptanalyse.schema import columns

#: quality flags that mark a document's text as less trustworthy (``--exclude-flagged``)
FLAGGED = frozenset({"check", "poor"})
#: understanding classes in order from one pole to the other (taxonomy)
UNDERSTANDING_CLASSES = (
    "assimilativ",
    "eher assimilativ",
    "gemischt",
    "eher teilhabeorientiert",
    "teilhabeorientiert",
    "keine Evidenz",
)
TARGET_GROUPS = ("alle", "migranten", "spezifisch", "unklar")
#: code prefix → dimension (a reviewer may change a code into another dimension)
PREFIX_DIMENSION = {
    "hf": "handlungsfeld",
    "m": "massnahme",
    "zg": "zielgruppe",
    "v": "verstaendnis",
    "s": "struktur",
    "a": "aktion",
}
ALL_GROUP = "alle"  # group label of the corpus-wide rows
EMPTY_GROUP = "(leer)"  # group label for an empty value of a --by column
N_BOOT = 1000
TOP_TERMS = 100

_SHARE_COLUMNS = [
    ("by", "documents.csv column the rows are grouped by; empty for the whole corpus"),
    (
        "group",
        f"value of that column ('{ALL_GROUP}' for the whole corpus, '{EMPTY_GROUP}' when empty)",
    ),
    ("code", "code id (child codes rolled up to their parent)"),
    ("label", "German label of the code"),
    ("n_documents", "documents in the group"),
    ("n_flagged", "of those, documents with quality_flag check or poor"),
    ("count", "documents in the group that have it"),
    ("share", "count / n_documents"),
    ("ci_low", "bootstrap 95 % interval, lower bound (documents resampled, seeded)"),
    ("ci_high", "bootstrap 95 % interval, upper bound"),
    ("tags_auto", "tags behind the count that carry the auto-coder's decision"),
    ("tags_human", "tags behind the count decided by a reviewer (incl. rejected ones)"),
]

#: file name (without .csv) → ordered (column, description) pairs; the README documents these
TABLE_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "documents": [
        ("doc_id", "document key"),
        ("file", "PDF file name"),
        ("kreis", "Kreis (manifest)"),
        ("ags", "Amtlicher Gemeindeschlüssel"),
        ("bundesland", "Land (manifest)"),
        ("type", "Landkreis or kreisfreie Stadt"),
        ("year", "year of the concept"),
        ("urban_rural", "städtisch / ländlich"),
        ("cluster", "group from results/clusters.csv (konzept cluster); empty without it"),
        ("quality_flag", "extraction quality: ok, check or poor"),
        ("ocr_pages", "pages read by OCR"),
        ("empty_pages", "pages without text"),
        ("replacement_chars", "U+FFFD characters left in the text"),
        ("fields_chapter", "Handlungsfelder with a chapter of their own, ';'-joined"),
        ("fields_mentioned", "Handlungsfelder with at least one tag (final codes), ';'-joined"),
        ("n_measures", "measures (rows of measures.csv)"),
        ("measure_types", "measure types among its measures (final codes, rolled up)"),
        ("measures_alle", "measures targeting all residents"),
        ("measures_migranten", "measures targeting migrants only"),
        ("measures_spezifisch", "measures targeting a specific group"),
        ("measures_unklar", "measures without a clear target group"),
        ("understanding_score", "position in [-1, 1]"),
        ("understanding_class", "understanding class"),
        ("declares_all", "1 when it declares participation of all residents"),
        ("goals_measures_flag", "1 when goals (all) and measures (migrants/unclear) diverge"),
        ("tags_auto", "tags carrying the auto-coder's decision"),
        ("tags_human", "tags decided by a reviewer"),
    ],
    "fields_chapter": _SHARE_COLUMNS,
    "fields_mention": _SHARE_COLUMNS,
    "measure_types": _SHARE_COLUMNS,
    "structures": _SHARE_COLUMNS,
    "understanding": [
        (c, d) if c != "code" else ("code", "understanding class") for c, d in _SHARE_COLUMNS
    ],
    "goals_measures": [
        (c, d) if c != "code" else ("code", "declares_all or goals_measures_flag")
        for c, d in _SHARE_COLUMNS
    ],
    "target_groups": [
        ("by", "documents.csv column the rows are grouped by; empty for the whole corpus"),
        ("group", "value of that column"),
        ("target_group", "alle, migranten, spezifisch or unklar"),
        ("n_documents", "documents in the group"),
        ("n_flagged", "of those, documents with quality_flag check or poor"),
        ("n_measures", "measures of the group's documents"),
        ("count", "measures with this target group"),
        ("share", "count / n_measures"),
        ("ci_low", "bootstrap 95 % interval (documents resampled with their measures)"),
        ("ci_high", "bootstrap 95 % interval, upper bound"),
        ("tags_auto", "zielgruppe tags on these measures with the auto-coder's decision"),
        ("tags_human", "zielgruppe tags on these measures decided by a reviewer"),
    ],
    "terms": [
        ("by", "documents.csv column the rows are grouped by; empty for the whole corpus"),
        ("group", "value of that column"),
        ("lemma", "lemma (konzeptanalyse.lemmas), stop words removed"),
        ("count", "occurrences in the group's documents (all segments but headings)"),
        ("n_documents", "documents it occurs in"),
        ("share_documents", "n_documents / documents in the group"),
    ],
    "_basis": [
        ("table", "table name"),
        ("n_documents", "documents the table counts"),
        ("n_flagged", "of those, documents with quality_flag check or poor"),
        ("n_excluded", "flagged documents left out (--exclude-flagged)"),
        ("tags_auto", "tags of the table's dimension carrying the auto-coder's decision"),
        ("tags_human", "tags of the table's dimension decided by a reviewer"),
        ("tags_rejected", "of the human ones, tags a reviewer rejected"),
    ],
}

_TABLE_DIMENSION = {
    "fields_chapter": "handlungsfeld",
    "fields_mention": "handlungsfeld",
    "measure_types": "massnahme",
    "structures": "struktur",
    "understanding": "verstaendnis",
    "goals_measures": "zielgruppe",
    "target_groups": "zielgruppe",
}


@dataclass
class Results:
    """The CSV files of one results folder as string-typed data frames (AGS keeps its zeros)."""

    dir: Path
    documents: pd.DataFrame
    sections: pd.DataFrame
    segments: pd.DataFrame
    tags: pd.DataFrame
    measures: pd.DataFrame
    fields: pd.DataFrame


def parent_code(code: str) -> str:
    """The code a child code counts as (first two dotted parts): m.ikoe.x → m.ikoe."""
    return ".".join(code.split(".")[:2]) if code else ""


def code_dimension(code: str, fallback: str = "") -> str:
    """Dimension of a code from its prefix; ``fallback`` for an unknown prefix."""
    return PREFIX_DIMENSION.get(code.split(".", 1)[0], fallback)


def _read_csv(path: Path, name: str) -> pd.DataFrame:
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: not found; run `konzept classify` first or pass --results DIR"
        )
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in columns(name) if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{path}: missing columns {', '.join(missing)} (expected the columns of schema.py; "
            "re-run `konzept classify` with this version)"
        )
    return frame


def load_results(results_dir: Path) -> Results:
    """Read a results folder; joins ``clusters.csv`` (by ags) as a ``cluster`` column if present."""
    results_dir = Path(results_dir)
    frames = {
        name: _read_csv(results_dir / f"{name}.csv", f"{name}.csv")
        for name in ("documents", "sections", "segments", "tags", "measures", "fields")
    }
    docs = frames["documents"]
    dup = docs["doc_id"][docs["doc_id"].duplicated()]
    if len(dup):
        raise ValueError(f"{results_dir / 'documents.csv'}: doc_id {dup.iloc[0]} appears twice")
    clusters_path = results_dir / "clusters.csv"
    if clusters_path.is_file():
        clusters = pd.read_csv(clusters_path, dtype=str, keep_default_na=False)
        if not {"ags", "cluster"} <= set(clusters.columns):
            raise ValueError(f"{clusters_path}: needs the columns ags and cluster")
        # "09190" and "9190" are the same Kreis (a spreadsheet may have dropped the zero)
        mapping = dict(
            zip(clusters["ags"].str.strip().str.lstrip("0"), clusters["cluster"], strict=True)
        )
        docs = docs.drop(columns=["cluster"], errors="ignore")
        docs["cluster"] = docs["ags"].str.strip().str.lstrip("0").map(mapping).fillna("")
        frames["documents"] = docs
    return Results(dir=results_dir, **frames)


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.replace("", np.nan), errors="coerce").fillna(0)


def final_tags(res: Results) -> pd.DataFrame:
    """All tags with ``final`` (rolled-up final code, '' when rejected) and its dimension."""
    tags = res.tags.copy()
    tags["final"] = tags["final_code"].map(parent_code)
    tags["original"] = tags["code"].map(parent_code)
    tags["final_dimension"] = [
        code_dimension(f, d) if f else code_dimension(o, d)
        for f, o, d in zip(
            tags["final"].tolist(),
            tags["original"].tolist(),
            tags["dimension"].tolist(),
            strict=True,
        )
    ]
    tags["human"] = tags["source"].str.strip().str.lower().eq("human")
    return tags


def _codebook_labels(res: Results) -> dict[str, str]:
    """Labels from the codebook named in run.json (for parent codes no tag carries itself)."""
    import json

    try:
        run = json.loads((res.dir / "run.json").read_text(encoding="utf-8"))
        path = Path(run.get("codebook", ""))
        if not path.is_file():
            return {}
        from konzeptanalyse.codebook import load_codebook

        return {c: code.label for c, code in load_codebook(path).codes.items()}
    except (OSError, ValueError, AttributeError, ImportError):
        return {}  # labels are cosmetic: fall back to the code ids


def _labels(res: Results) -> dict[str, str]:
    labels: dict[str, str] = {}
    for code, label in zip(res.fields["code"], res.fields["label"], strict=True):
        labels.setdefault(code, label)
    for code, label in zip(res.tags["code"], res.tags["label"], strict=True):
        if code == parent_code(code):
            labels.setdefault(code, label)
    for code, label in _codebook_labels(res).items():
        labels.setdefault(code, label)
    return labels


def _groups(docs: pd.DataFrame, by: Sequence[str]) -> list[tuple[str, str, pd.Index]]:
    """(by, group, doc ids): the whole corpus first, then each value of each --by column."""
    out = [("", ALL_GROUP, docs.index)]
    for column in by:
        values = docs[column].replace("", EMPTY_GROUP)
        for value in sorted(values.unique(), key=_sort_key):
            out.append((column, value, docs.index[values == value]))
    return out


def _sort_key(value: str) -> tuple[int, float, str]:
    try:
        return (0, float(value), value)
    except ValueError:
        return (1, 0.0, value)


def bootstrap_shares(
    hits: np.ndarray,
    rng: np.random.Generator,
    totals: np.ndarray | None = None,
    n_boot: int = N_BOOT,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile 95 % intervals of column shares, resampling rows (documents) with replacement.

    ``hits`` is documents × items. Without ``totals`` the share is the mean of each column;
    with ``totals`` (per document) it is sum(hits) / sum(totals), e.g. measures per target group.
    """
    n = hits.shape[0]
    if n == 0:
        nan = np.full(hits.shape[1], np.nan)
        return nan, nan
    weights = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float)
    num = weights @ hits
    if totals is None:
        boot = num / n
    else:
        den = weights @ totals
        with np.errstate(invalid="ignore", divide="ignore"):
            boot = num / den[:, None]
    low, high = np.nanpercentile(boot, [2.5, 97.5], axis=0)
    return low, high


def _share_rows(
    docs: pd.DataFrame,
    hits: pd.DataFrame,
    basis_auto: pd.DataFrame,
    basis_human: pd.DataFrame,
    by: Sequence[str],
    labels: dict[str, str],
    seed: int,
) -> pd.DataFrame:
    """Share of documents with each item, per group, with bootstrap intervals and basis counts."""
    items = list(hits.columns)
    rows = []
    for column, group, ids in _groups(docs, by):
        matrix = hits.loc[ids].to_numpy(dtype=float)
        low, high = bootstrap_shares(matrix, np.random.default_rng(seed))
        n = len(ids)
        flagged = int(docs.loc[ids, "quality_flag"].isin(FLAGGED).sum())
        for j, item in enumerate(items):
            count = int(matrix[:, j].sum()) if n else 0
            rows.append(
                {
                    "by": column,
                    "group": group,
                    "code": item,
                    "label": labels.get(item, item),
                    "n_documents": n,
                    "n_flagged": flagged,
                    "count": count,
                    "share": count / n if n else np.nan,
                    "ci_low": low[j],
                    "ci_high": high[j],
                    "tags_auto": int(basis_auto.loc[ids, item].sum()),
                    "tags_human": int(basis_human.loc[ids, item].sum()),
                }
            )
    return pd.DataFrame(rows, columns=[c for c, _ in _SHARE_COLUMNS])


def _order(hits: pd.DataFrame) -> list[str]:
    counts = hits.sum(axis=0)
    return sorted(hits.columns, key=lambda c: (-counts[c], c))


def _code_tables(
    res: Results,
    docs: pd.DataFrame,
    tags: pd.DataFrame,
    dimension: str,
    segments: set[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """documents × codes: has the (final) code; auto and human tags behind each cell."""
    sel = tags[tags["doc_id"].isin(docs.index) & tags["final_dimension"].eq(dimension)]
    if segments is not None:
        sel = sel[sel["segment_id"].isin(segments)]
    kept = sel[sel["final"] != ""]
    hits = pd.crosstab(kept["doc_id"], kept["final"]).gt(0)
    # a rejected tag is a human decision behind the code it was rejected for
    sel = sel.assign(basis_code=sel["final"].where(sel["final"] != "", sel["original"]))
    auto = pd.crosstab(sel.loc[~sel["human"], "doc_id"], sel.loc[~sel["human"], "basis_code"])
    human = pd.crosstab(sel.loc[sel["human"], "doc_id"], sel.loc[sel["human"], "basis_code"])
    codes = _order(hits) if len(hits.columns) else []
    shape = {"index": docs.index, "columns": codes}
    return (
        hits.reindex(**shape, fill_value=False).astype(bool),
        auto.reindex(**shape, fill_value=0),
        human.reindex(**shape, fill_value=0),
    )


def _doc_level_basis(
    docs: pd.DataFrame, tags: pd.DataFrame, hits: pd.DataFrame, dimension: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Basis of document-level items: the dimension's tags of each document that has the item."""
    sel = tags[tags["doc_id"].isin(docs.index) & tags["final_dimension"].eq(dimension)]
    auto = sel[~sel["human"]].groupby("doc_id").size().reindex(docs.index, fill_value=0)
    human = sel[sel["human"]].groupby("doc_id").size().reindex(docs.index, fill_value=0)
    return (
        hits.astype(int).mul(auto, axis=0),
        hits.astype(int).mul(human, axis=0),
    )


def _measure_segments(res: Results, docs: pd.DataFrame) -> set[str]:
    return set(res.measures.loc[res.measures["doc_id"].isin(docs.index), "segment_id"])


def _target_groups(
    res: Results, docs: pd.DataFrame, tags: pd.DataFrame, by: Sequence[str], seed: int
) -> pd.DataFrame:
    meas = res.measures[res.measures["doc_id"].isin(docs.index)]
    unknown = sorted(set(meas["target_group"]) - set(TARGET_GROUPS))
    groups = list(TARGET_GROUPS) + unknown
    counts = pd.crosstab(meas["doc_id"], meas["target_group"]).reindex(
        index=docs.index, columns=groups, fill_value=0
    )
    zg = tags[
        tags["segment_id"].isin(set(meas["segment_id"])) & tags["final_dimension"].eq("zielgruppe")
    ]
    group_of = dict(zip(meas["segment_id"], meas["target_group"], strict=True))
    zg = zg.assign(target_group=zg["segment_id"].map(group_of))
    rows = []
    for column, group, ids in _groups(docs, by):
        matrix = counts.loc[ids].to_numpy(dtype=float)
        totals = matrix.sum(axis=1)
        low, high = bootstrap_shares(matrix, np.random.default_rng(seed), totals=totals)
        n_meas = int(totals.sum())
        in_group = zg[zg["doc_id"].isin(ids)]
        for j, target in enumerate(groups):
            count = int(matrix[:, j].sum())
            basis = in_group[in_group["target_group"] == target]
            rows.append(
                {
                    "by": column,
                    "group": group,
                    "target_group": target,
                    "n_documents": len(ids),
                    "n_flagged": int(docs.loc[ids, "quality_flag"].isin(FLAGGED).sum()),
                    "n_measures": n_meas,
                    "count": count,
                    "share": count / n_meas if n_meas else np.nan,
                    "ci_low": low[j],
                    "ci_high": high[j],
                    "tags_auto": int((~basis["human"]).sum()),
                    "tags_human": int(basis["human"].sum()),
                }
            )
    return pd.DataFrame(rows, columns=[c for c, _ in TABLE_COLUMNS["target_groups"]])


def _documents_table(
    res: Results,
    docs: pd.DataFrame,
    tags: pd.DataFrame,
    chapter: pd.DataFrame,
    mention: pd.DataFrame,
    mtypes: pd.DataFrame,
) -> pd.DataFrame:
    out = docs.copy()
    if "cluster" not in out.columns:
        out["cluster"] = ""

    def joined(frame: pd.DataFrame) -> pd.Series:
        return frame.apply(lambda row: ";".join(c for c in frame.columns if row[c]), axis=1)

    out["fields_chapter"] = joined(chapter) if len(chapter.columns) else ""
    out["fields_mentioned"] = joined(mention) if len(mention.columns) else ""
    out["measure_types"] = joined(mtypes) if len(mtypes.columns) else ""
    meas = res.measures[res.measures["doc_id"].isin(docs.index)]
    counts = pd.crosstab(meas["doc_id"], meas["target_group"]).reindex(
        index=docs.index, columns=list(TARGET_GROUPS), fill_value=0
    )
    out["n_measures"] = meas.groupby("doc_id").size().reindex(docs.index, fill_value=0)
    for target in TARGET_GROUPS:
        out[f"measures_{target}"] = counts[target]
    mine = tags[tags["doc_id"].isin(docs.index)]
    out["tags_auto"] = (
        mine[~mine["human"]].groupby("doc_id").size().reindex(docs.index, fill_value=0)
    )
    out["tags_human"] = (
        mine[mine["human"]].groupby("doc_id").size().reindex(docs.index, fill_value=0)
    )
    return out.reset_index()[[c for c, _ in TABLE_COLUMNS["documents"]]]


def _terms(docs: pd.DataFrame, by: Sequence[str], tokens: pd.DataFrame) -> pd.DataFrame:
    """Top lemmas per group: occurrences and documents they occur in."""
    rows = []
    for column, group, ids in _groups(docs, by):
        sub = tokens[tokens["doc_id"].isin(set(ids))]
        table = sub.groupby("lemma").agg(
            count=("doc_id", "size"), n_documents=("doc_id", "nunique")
        )
        table = table.reset_index().sort_values(["count", "lemma"], ascending=[False, True])
        for lemma, count, n_docs in table.head(TOP_TERMS).itertuples(index=False):
            rows.append(
                {
                    "by": column,
                    "group": group,
                    "lemma": lemma,
                    "count": int(count),
                    "n_documents": int(n_docs),
                    "share_documents": n_docs / len(ids),
                }
            )
    return pd.DataFrame(rows, columns=[c for c, _ in TABLE_COLUMNS["terms"]])


def check_by(res: Results, by: Sequence[str]) -> None:
    """Fail early, and helpfully, on a --by column documents.csv does not have."""
    for column in by:
        if column in res.documents.columns:
            continue
        if column == "cluster":
            raise ValueError(
                f"--by cluster: {res.dir / 'clusters.csv'} not found; run "
                "`konzept cluster INDICATORS.csv` first"
            )
        raise ValueError(
            f"--by {column}: not a column of {res.dir / 'documents.csv'}; choose one of "
            f"{', '.join(res.documents.columns)}"
        )


def compute_tables(
    res: Results,
    by: Sequence[str] = (),
    exclude_flagged: bool = False,
    seed: int = 0,
    tokens: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """All research tables as data frames (name → frame), in the order they are written.

    ``tokens``: a ``clouds.corpus_tokens`` table to reuse (tokenising is the slow part).
    """
    check_by(res, by)
    if tokens is None:
        from konzeptanalyse.clouds import corpus_tokens

        tokens = corpus_tokens(res)
    all_docs = res.documents.set_index("doc_id", drop=False).rename_axis(None)
    docs = all_docs[~all_docs["quality_flag"].isin(FLAGGED)] if exclude_flagged else all_docs
    tags = final_tags(res)
    labels = _labels(res)

    chap = res.fields[res.fields["doc_id"].isin(docs.index)]
    chap = chap.assign(code=chap["code"].map(parent_code), chapter=_num(chap["chapter"]) > 0)
    chapter = chap.pivot_table(index="doc_id", columns="code", values="chapter", aggfunc="max")
    chapter = chapter.reindex(index=docs.index, fill_value=False).fillna(False).astype(bool)
    chapter = chapter[_order(chapter)] if len(chapter.columns) else chapter
    mention, m_auto, m_human = _code_tables(res, docs, tags, "handlungsfeld")
    c_auto, c_human = (
        m_auto.reindex(columns=chapter.columns, fill_value=0),
        m_human.reindex(columns=chapter.columns, fill_value=0),
    )
    mtypes, t_auto, t_human = _code_tables(
        res, docs, tags, "massnahme", _measure_segments(res, docs)
    )
    struct, s_auto, s_human = _code_tables(res, docs, tags, "struktur")

    klass = docs["understanding_class"].replace("", "keine Evidenz")
    classes = list(UNDERSTANDING_CLASSES) + sorted(set(klass) - set(UNDERSTANDING_CLASSES))
    und = pd.DataFrame({c: klass.eq(c) for c in classes}, index=docs.index)
    u_auto, u_human = _doc_level_basis(docs, tags, und, "verstaendnis")
    goals = pd.DataFrame(
        {
            "declares_all": _num(docs["declares_all"]) > 0,
            "goals_measures_flag": _num(docs["goals_measures_flag"]) > 0,
        },
        index=docs.index,
    )
    g_auto, g_human = _doc_level_basis(docs, tags, goals, "zielgruppe")

    return {
        "documents": _documents_table(res, docs, tags, chapter, mention, mtypes),
        "fields_chapter": _share_rows(docs, chapter, c_auto, c_human, by, labels, seed),
        "fields_mention": _share_rows(docs, mention, m_auto, m_human, by, labels, seed),
        "measure_types": _share_rows(docs, mtypes, t_auto, t_human, by, labels, seed),
        "target_groups": _target_groups(res, docs, tags, by, seed),
        "understanding": _share_rows(docs, und, u_auto, u_human, by, {}, seed),
        "goals_measures": _share_rows(docs, goals, g_auto, g_human, by, {}, seed),
        "structures": _share_rows(docs, struct, s_auto, s_human, by, labels, seed),
        "terms": _terms(docs, by, tokens),
        "_basis": _basis(all_docs, docs, tags),
    }


def _basis(all_docs: pd.DataFrame, docs: pd.DataFrame, tags: pd.DataFrame) -> pd.DataFrame:
    rows = []
    mine = tags[tags["doc_id"].isin(docs.index)]
    n_flagged = int(docs["quality_flag"].isin(FLAGGED).sum())
    for table in TABLE_COLUMNS:
        if table == "_basis":
            continue
        dimension = _TABLE_DIMENSION.get(table)
        sel = mine if dimension is None else mine[mine["final_dimension"] == dimension]
        if table == "terms":
            sel = sel.iloc[0:0]
        rows.append(
            {
                "table": table,
                "n_documents": len(docs),
                "n_flagged": n_flagged,
                "n_excluded": len(all_docs) - len(docs),
                "tags_auto": int((~sel["human"]).sum()),
                "tags_human": int(sel["human"].sum()),
                "tags_rejected": int((sel["human"] & sel["final"].eq("")).sum()),
            }
        )
    return pd.DataFrame(rows, columns=[c for c, _ in TABLE_COLUMNS["_basis"]])


def write_tables(
    results_dir: Path, by: Sequence[str] = (), exclude_flagged: bool = False, seed: int = 0
) -> list[Path]:
    """Write ``results/tables/*.csv`` and ``tables.xlsx`` (a sheet per table); return the paths."""
    results_dir = Path(results_dir)
    tables = compute_tables(load_results(results_dir), by, exclude_flagged, seed)
    out_dir = results_dir / "tables"
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in tables.items():
        path = out_dir / f"{name}.csv"
        frame.to_csv(path, index=False, encoding="utf-8")
        paths.append(path)
    xlsx = out_dir / "tables.xlsx"
    with pd.ExcelWriter(xlsx, engine="openpyxl") as writer:
        for name, frame in tables.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
        pd.DataFrame(
            [(t, c, d) for t, cols in TABLE_COLUMNS.items() for c, d in cols],
            columns=["table", "column", "meaning"],
        ).to_excel(writer, sheet_name="_columns", index=False)
    paths.append(xlsx)
    return paths


def markdown() -> str:
    """The table column reference as Markdown, for the README."""
    from .schema import column_reference

    return column_reference({f"tables/{n}.csv": cols for n, cols in TABLE_COLUMNS.items()})
