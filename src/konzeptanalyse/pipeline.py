"""``konzept classify``: every PDF through ingest → segments → codebook, then the corpus tables.

Per document (in worker processes, or on a Dask cluster):
    ingest.load_document (cached by PDF hash) → segments.segment_document → Matcher.tag
The result of each document is stored in the part store as soon as it is done. Then, in the
main process, the parts are assembled, reviewer decisions are applied (ledger), document-level
measures are computed and all files are written atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, fields, is_dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__, keys
from .measures import document_measures, effective_codes, field_table, find_measures
from .schema import columns
from .store import PartStore, write_results
from .understanding import describe_reader, pole_dimensions

EXECUTORS = ("process", "dask")


@dataclass(frozen=True)
class RunConfig:
    """Everything a worker needs to process one document; plain values so it pickles."""

    codebook: str
    codebook_version: str
    unit: str = "sentence"
    ocr: bool = False
    password: str | None = None
    cache_dir: str | None = None
    use_cache: bool = True


@dataclass
class RunSummary:
    out_dir: Path
    documents: pd.DataFrame
    errors: list[str] = field(default_factory=list)
    decisions: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    reused: int = 0  # documents whose coding came from the part store
    processed: int = 0
    files: list[Path] = field(default_factory=list)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@lru_cache(maxsize=2)
def _codebook(codebook_path: str, version: str):
    from .codebook import load_codebook

    return load_codebook(Path(codebook_path))


def _canonical(obj: Any) -> Any:
    """A dataclass tree as plain data without source line numbers (they move on every edit)
    and without the paths of the second reader's passages (their digest says what was read)."""
    if is_dataclass(obj):
        skip = ("line", "second_reader")
        return {f.name: _canonical(getattr(obj, f.name)) for f in fields(obj) if f.name not in skip}
    if isinstance(obj, dict):
        return {k: _canonical(v) for k, v in sorted(obj.items())}
    if isinstance(obj, list | tuple):
        return [_canonical(v) for v in obj]
    return obj


@lru_cache(maxsize=4)
def _dimension_versions(codebook_path: str, version: str) -> dict[str, str]:
    return dimension_versions(_codebook(codebook_path, version))


def dimension_versions(codebook) -> dict[str, str]:
    """A fingerprint per dimension: its settings, codes, labels and rules.

    Dimensions are matched independently (docs/matching.md, "Overlaps"), so after a codebook
    change only the dimensions whose fingerprint changed need tagging again.
    """
    out = {}
    for name, dim in codebook.dimensions.items():
        codes = [_canonical(c) for c in codebook.codes.values() if c.dimension == name]
        payload = json.dumps([_canonical(dim), codes], sort_keys=True, ensure_ascii=False)
        out[name] = hashlib.sha256(payload.encode()).hexdigest()[:16]
    return out


@lru_cache(maxsize=8)
def _matcher(codebook_path: str, version: str, dimensions: tuple[str, ...] | None = None):
    """One compiled matcher per worker process, codebook version and set of dimensions.

    ``dimensions=None`` compiles the whole codebook; a tuple compiles only those dimensions'
    codes (the incremental re-tag). A per-process cache, not shared state.
    """
    from dataclasses import replace

    from .codebook import Matcher

    book = _codebook(codebook_path, version)
    if dimensions is not None:
        keep = set(dimensions)
        book = replace(
            book,
            dimensions={k: v for k, v in book.dimensions.items() if k in keep},
            codes={k: c for k, c in book.codes.items() if c.dimension in keep},
        )
    return Matcher(book)


def tag_segments(seg_rows: list[dict[str, Any]], matcher) -> list[dict[str, Any]]:
    """tags.csv rows (up to ``weight``) of segments.csv rows: one per (segment, code), with the
    evidence of the first match and the matches counted. Headings are tagged in the "heading"
    context, everything else in its section's kind."""
    rows: list[dict[str, Any]] = []
    for seg in seg_rows:
        context = "heading" if seg["kind"] == "heading" else seg["section_kind"]
        first: dict[str, dict[str, Any]] = {}
        for tag in matcher.tag(seg["text"], context=context):
            if tag.code in first:
                first[tag.code]["n_matches"] += 1
                continue
            first[tag.code] = {
                "tag_id": keys.tag_id(seg["segment_key"], tag.code),
                "doc_id": seg["doc_id"],
                "segment_id": seg["segment_id"],
                "segment_key": seg["segment_key"],
                "page": seg["page"],
                "section_path": seg["section_path"],
                "section_kind": seg["section_kind"],
                "code": tag.code,
                "label": tag.label,
                "dimension": tag.dimension,
                "rule": tag.rule,
                "matched": tag.matched,
                "start": tag.start,
                "end": tag.end,
                "n_matches": 1,
                "weight": tag.weight,
            }
        rows.extend(first.values())
    return rows


def _order_tags(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda t: (t["segment_id"], t["start"], t["code"]))


def _score_segments(seg_rows: list[dict[str, Any]], tag_rows: list[dict[str, Any]], reader) -> None:
    """Each segment's own understanding score from its pole markers (auto tags), checked by
    the second reader where the codebook has one (understanding.checked_score): it reads the
    segments with markers and the sentences of understanding sections."""
    from .understanding import checked_score, pole

    sums: dict[str, list[float]] = {}
    for t in tag_rows:
        sign = pole(t["code"]) if t["dimension"] == "verstaendnis" else 0
        if sign:
            acc = sums.setdefault(t["segment_id"], [0.0, 0.0])
            acc[sign < 0] += t["weight"]
    read = []
    for seg in seg_rows:
        toward, away = sums.get(seg["segment_id"], (0.0, 0.0))
        total = toward + away
        seg["understanding_score"] = round((toward - away) / total, 4) if total else 0.0
        seg["understanding_check"] = None
        seg["understanding_by"] = "markers" if seg["understanding_score"] else ""
        if reader is not None and (total or _alone(seg)):
            read.append(seg)
    if read:
        for seg, p in zip(read, reader.probability([s["text"] for s in read]), strict=True):
            seg["understanding_check"] = p
            seg["understanding_score"], seg["understanding_by"] = checked_score(
                seg["understanding_score"], p, _alone(seg)
            )


def _alone(seg: dict[str, Any]) -> bool:
    """May the second reader give this segment a side without markers? (understanding text)"""
    return seg["section_kind"] == "understanding" and seg["kind"] != "heading"


@lru_cache(maxsize=2)
def _reader(codebook_path: str, version: str):
    """The codebook's second reader, trained once per worker process and codebook version."""
    from .understanding import SecondReader

    return SecondReader.from_codebook(_codebook(codebook_path, version))


def _retag(previous: dict[str, Any], cfg: RunConfig, t0: float) -> dict[str, Any]:
    """Re-tag a stored part after a codebook change: only the dimensions that changed."""
    now = _dimension_versions(cfg.codebook, cfg.codebook_version)
    before = previous.get("dim_versions", {})
    changed = tuple(sorted(d for d, v in now.items() if before.get(d) != v))
    kept = [t for t in previous["tags"] if t["dimension"] in now and t["dimension"] not in changed]
    fresh = tag_segments(
        previous["segments"], _matcher(cfg.codebook, cfg.codebook_version, changed)
    )
    tags = _order_tags(kept + fresh)
    if pole_dimensions(_codebook(cfg.codebook, cfg.codebook_version)) & set(changed):
        _score_segments(previous["segments"], tags, _reader(cfg.codebook, cfg.codebook_version))
    return {
        **previous,
        "tags": tags,
        "dim_versions": now,
        "retagged": list(changed),
        "timings": {"extract": 0.0, "code": time.perf_counter() - t0},
    }


def code_document(
    path: str,
    sha256: str,
    cfg: RunConfig,
    previous: str | None = None,
    save_as: str | None = None,
) -> dict[str, Any]:
    """Ingest, segment and tag one PDF. Never raises: failures come back as ``error``.

    ``previous``: a stored part of the same PDF coded with another codebook version; then
    nothing is extracted or segmented and only the changed dimensions are tagged again.
    ``save_as``: store the result there before returning (workers on this machine store their
    own parts, so the main process does not serialise every document a second time).
    """
    result = _code_document(path, sha256, cfg, previous)
    if save_as and "error" not in result:
        from .store import PartStore

        PartStore.write(Path(save_as), result)
        result["saved"] = True
    return result


def _code_document(path: str, sha256: str, cfg: RunConfig, previous: str | None) -> dict[str, Any]:
    from .ingest import IngestError, load_document
    from .segments import segment_document
    from .store import PartStore

    t0 = time.perf_counter()
    if previous:
        part = PartStore.read(Path(previous))
        if part is not None and "segments" in part:
            return {**_retag(part, cfg, t0), "path": path, "file": Path(path).name}
    try:
        doc = load_document(
            Path(path),
            ocr=cfg.ocr,
            password=cfg.password,
            cache_dir=Path(cfg.cache_dir) if cfg.cache_dir else None,
            use_cache=cfg.use_cache,
        )
    except IngestError as exc:
        return {"path": path, "file": Path(path).name, "sha256": sha256, "error": str(exc)}
    except Exception as exc:  # noqa: BLE001 - one broken PDF must never stop a corpus run
        return {
            "path": path,
            "file": Path(path).name,
            "sha256": sha256,
            "error": f"{Path(path).name}: unexpected {type(exc).__name__}: {exc} — "
            "please report this file",
        }
    t1 = time.perf_counter()
    seg_rows = [
        {
            "doc_id": seg.doc_id,
            "segment_id": seg.segment_id,
            "segment_key": keys.segment_key(doc.sha256, seg.section_path, seg.text),
            "section_index": seg.section_index,
            "section_path": seg.section_path,
            "section_kind": seg.section_kind,
            "page": seg.page,
            "kind": seg.kind,
            "start": seg.start,
            "end": seg.end,
            "n_words": len(seg.text.split()),
            "understanding_score": 0.0,
            "understanding_check": None,
            "understanding_by": "",
            "text": seg.text,
        }
        for seg in segment_document(doc, cfg.unit)
    ]
    tag_rows = _order_tags(tag_segments(seg_rows, _matcher(cfg.codebook, cfg.codebook_version)))
    _score_segments(seg_rows, tag_rows, _reader(cfg.codebook, cfg.codebook_version))
    section_rows = [
        {
            "doc_id": doc.doc_id,
            "section_index": i,
            "heading": s.heading,
            "number": s.number,
            "level": s.level,
            "page": s.page,
            "kind": s.kind,
            "path": s.path or s.heading,
            "n_paragraphs": len(s.paragraphs),
            "n_words": sum(len(p.text.split()) for p in s.paragraphs),
        }
        for i, s in enumerate(doc.sections)
    ]
    quality = doc.quality
    chars = sum(q.chars for q in quality)
    bad = sum(q.replacement_chars for q in quality)
    flag = "ok"
    if doc.empty_pages or (chars and bad / chars > 0.005):
        flag = "poor"
    elif doc.ocr_pages or bad:
        flag = "check"
    return {
        "path": path,
        "file": Path(path).name,
        "sha256": doc.sha256,
        "document": {
            "doc_id": doc.doc_id,
            "file": Path(path).name,
            "sha256": doc.sha256,
            "title": doc.title,
            "pages": doc.page_count,
            "quality_flag": flag,
            "ocr_pages": doc.ocr_pages,
            "empty_pages": doc.empty_pages,
            "replacement_chars": bad,
            "n_sections": len(doc.sections),
        },
        "warnings": list(doc.warnings),
        "sections": section_rows,
        "segments": seg_rows,
        "tags": tag_rows,
        "dim_versions": _dimension_versions(cfg.codebook, cfg.codebook_version),
        "timings": {"extract": t1 - t0, "code": time.perf_counter() - t1},
    }


def _part_key(sha256: str, cfg: RunConfig, codebook_version: str | None = None) -> str:
    """Everything a document's coding depends on; ``codebook_version="*"`` gives a glob."""
    from .ingest import EXTRACTOR

    extractor = EXTRACTOR.replace("/", "_")
    ocr = "ocr" if cfg.ocr else "noocr"
    version = codebook_version or cfg.codebook_version[:12]
    return f"{sha256}-{extractor}-{version}-{cfg.unit}-{ocr}"


def _run_parallel(
    todo: list[tuple[str, str, str | None, str | None]],
    cfg: RunConfig,
    workers: int,
    executor: str,
    scheduler: str | None,
) -> Iterator[dict[str, Any]]:
    """Yield document results as they finish, whatever engine computes them."""
    if not todo:
        return
    if executor == "dask":
        from dask.distributed import Client, LocalCluster
        from dask.distributed import as_completed as dask_completed

        cluster = None
        if scheduler:
            client = Client(scheduler)
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True)
            client = Client(cluster)
        try:
            paths, hashes, previous, _ = (list(col) for col in zip(*todo, strict=True))
            futures = client.map(
                code_document, paths, hashes, [cfg] * len(todo), previous, pure=False
            )
            for fut in dask_completed(futures):
                yield fut.result()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    elif workers <= 1:
        for path, sha, previous, save_as in todo:
            yield code_document(path, sha, cfg, previous, save_as)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(code_document, *item[:2], cfg, *item[2:]) for item in todo]
            for fut in as_completed(futures):
                yield fut.result()


def read_manifest(folder: Path) -> pd.DataFrame | None:
    """corpus/manifest.csv next to the PDFs (optional): Kreis, AGS, Bundesland, type, year, ..."""
    path = folder / "manifest.csv"
    if not path.exists():
        return None
    manifest = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "file" not in manifest.columns:
        raise ValueError(f"{path}: needs a 'file' column naming each PDF")
    return manifest


def classify(
    paths: Iterable[Path],
    *,
    codebook_path: Path,
    out_dir: Path = Path("results"),
    unit: str = "sentence",
    workers: int | None = None,
    executor: str = "process",
    scheduler: str | None = None,
    ocr: bool = False,
    password: str | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    progress: Callable[[int, int, str], None] | None = None,
) -> RunSummary:
    """Code every PDF under ``paths`` and write the results folder. See the module docstring."""
    from .codebook import load_codebook
    from .ingest import EXTRACTOR, find_pdfs
    from .ledger import apply_decisions
    from .lemmas import LEMMATISER
    from .segments import UNITS

    if unit not in UNITS:
        raise ValueError(f"--unit must be one of {', '.join(UNITS)}")
    if executor not in EXECUTORS:
        raise ValueError(f"--executor must be one of {', '.join(EXECUTORS)}")
    t_start = time.perf_counter()
    paths = list(paths)
    codebook = load_codebook(codebook_path)
    pdfs = find_pdfs(paths)
    if not pdfs:
        raise FileNotFoundError(f"no PDF files in {', '.join(map(str, paths))}")
    cfg = RunConfig(
        codebook=str(codebook_path.resolve()),
        codebook_version=codebook.version,
        unit=unit,
        ocr=ocr,
        password=password,
        cache_dir=str(cache_dir) if cache_dir else None,
        use_cache=use_cache,
    )
    parts = PartStore(out_dir)
    hashes = {str(p): file_sha256(p) for p in pdfs}
    results: dict[str, dict[str, Any]] = {}
    todo = []
    for p in pdfs:
        part = parts.load(_part_key(hashes[str(p)], cfg)) if use_cache else None
        if part is not None:
            results[str(p)] = {**part, "file": p.name, "path": str(p)}
        else:
            earlier = parts.find(_part_key(hashes[str(p)], cfg, "*")) if use_cache else None
            save_as = str(parts.path(_part_key(hashes[str(p)], cfg)))
            todo.append((str(p), hashes[str(p)], str(earlier) if earlier else None, save_as))
    reused = len(results)
    done = reused
    if progress:
        progress(done, len(pdfs), "")
    n_workers = workers or os.cpu_count() or 1
    for res in _run_parallel(todo, cfg, min(n_workers, max(len(todo), 1)), executor, scheduler):
        if "error" not in res and not res.get("saved"):
            parts.save(_part_key(res["sha256"], cfg), res)  # e.g. from a remote Dask worker
        results[res["path"]] = res
        done += 1
        if progress:
            progress(done, len(pdfs), res["file"])
    t_docs = time.perf_counter()

    ok = [results[str(p)] for p in pdfs if "error" not in results[str(p)]]
    errors = [results[str(p)]["error"] for p in pdfs if "error" in results[str(p)]]
    frames = _assemble(ok)
    labels = {c: (code.label, code.dimension) for c, code in codebook.codes.items()}
    tags, decisions = apply_decisions(frames["tags"], frames["segments"], out_dir, labels)
    eff = effective_codes(tags, codebook)
    measures = find_measures(frames["segments"], eff)
    fields = field_table(frames["segments"], eff, codebook)
    documents = _documents_table(frames, fields, measures, eff, tags, paths, pdfs)
    sections = _sections_table(frames, eff)
    t_measure = time.perf_counter()

    out = {
        "documents.csv": documents,  # schema columns first, then any further manifest columns
        "sections.csv": sections[columns("sections.csv")],
        "segments.csv": frames["segments"][columns("segments.csv")],
        "tags.csv": tags[columns("tags.csv")],
        "measures.csv": measures[columns("measures.csv")],
        "fields.csv": fields[columns("fields.csv")],
    }
    timings = {
        "documents_s": round(t_docs - t_start, 3),
        "extract_s_sum": round(sum(r.get("timings", {}).get("extract", 0) for r in ok), 3),
        "code_s_sum": round(sum(r.get("timings", {}).get("code", 0) for r in ok), 3),
        "measures_s": round(t_measure - t_docs, 3),
    }
    run_info = {
        "tool": "konzeptanalyse",
        "version": __version__,
        "extractor": EXTRACTOR,
        "lemmatiser": LEMMATISER,
        "second_reader": describe_reader(codebook),
        "codebook": str(codebook_path),
        "codebook_version": codebook.version,
        "unit": unit,
        "executor": executor,
        "workers": n_workers,
        "ocr": ocr,
        "inputs": {Path(p).name: hashes[str(p)] for p in pdfs},
        "documents_reused": reused,
        "documents_processed": len(todo),
        "errors": errors,
        "decisions": decisions,
        "timings": timings,
    }
    files = write_results(out_dir, out, run_info)
    parts.prune({_part_key(hashes[str(p)], cfg) for p in pdfs})
    timings["total_s"] = round(time.perf_counter() - t_start, 3)
    return RunSummary(
        out_dir=out_dir,
        documents=documents,
        errors=errors,
        decisions=decisions,
        timings=timings,
        reused=reused,
        processed=len(todo),
        files=files,
    )


def _frame(rows: list[dict[str, Any]], name: str) -> pd.DataFrame:
    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=columns(name))


def _assemble(ok: list[dict[str, Any]]) -> dict[str, pd.DataFrame]:
    auto_cols = columns("tags.csv")[: columns("tags.csv").index("weight") + 1]
    tags = pd.DataFrame([t for r in ok for t in r["tags"]], columns=auto_cols)
    return {
        "documents": pd.DataFrame([r["document"] for r in ok]),
        "sections": _frame([s for r in ok for s in r["sections"]], "sections.csv"),
        "segments": _frame([s for r in ok for s in r["segments"]], "segments.csv"),
        "tags": tags,
    }


def _sections_table(frames: dict[str, pd.DataFrame], eff: pd.DataFrame) -> pd.DataFrame:
    """sections.csv: the section rows plus the Handlungsfelder their headings name."""
    sections = frames["sections"].copy()
    segs = frames["segments"]
    heads = segs[segs["kind"] == "heading"][["segment_id", "doc_id", "section_index"]]
    hf = eff[eff["dimension"] == "handlungsfeld"].merge(heads, on=["segment_id", "doc_id"])
    named: dict[tuple[str, int], set[str]] = {}
    for doc, index, code in zip(hf["doc_id"], hf["section_index"], hf["code"], strict=True):
        named.setdefault((doc, int(index)), set()).add(code)
    key = zip(sections["doc_id"], sections["section_index"].astype(int), strict=True)
    sections["fields"] = [";".join(sorted(named.get(k, ()))) for k in key]
    return sections


def _documents_table(frames, fields, measures, eff, tags, paths, pdfs) -> pd.DataFrame:
    docs = frames["documents"]
    if docs.empty:
        return pd.DataFrame(columns=columns("documents.csv"))
    doc_measures = document_measures(frames["segments"], eff, measures)
    docs = docs.merge(doc_measures, on="doc_id", how="left")
    chapters = fields[fields["chapter"] == 1].groupby("doc_id")["code"].agg(";".join)
    docs["fields_chapters"] = docs["doc_id"].map(chapters).fillna("")
    human = tags["source"].eq("human")
    docs["tags_auto"] = docs["doc_id"].map(tags[~human].groupby("doc_id").size()).fillna(0)
    docs["tags_human"] = docs["doc_id"].map(tags[human].groupby("doc_id").size()).fillna(0)
    manifests = []
    for folder in {p.parent for p in pdfs}:
        manifest = read_manifest(folder)
        if manifest is not None:
            manifests.append(manifest)
    meta_cols = ["kreis", "ags", "bundesland", "type", "year", "urban_rural"]
    if manifests:
        manifest = pd.concat(manifests).drop_duplicates("file")
        extra = [c for c in manifest.columns if c != "file" and c not in docs.columns]
        docs = docs.merge(manifest[["file", *extra]], on="file", how="left")
    for col in meta_cols:
        if col not in docs.columns:
            docs[col] = ""
    order = columns("documents.csv")
    extra_cols = [c for c in docs.columns if c not in order]
    docs = docs[[*order, *extra_cols]]
    for col in ("tags_auto", "tags_human", "n_segments", "n_measures"):
        docs[col] = docs[col].fillna(0).astype(int)
    return docs.fillna("")
