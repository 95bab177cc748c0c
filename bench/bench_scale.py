"""National-size benchmark: cold classify, warm re-run after a codebook change, peak memory.

    python bench/bench_scale.py                 # 400 documents, >= 10,000 pages (about 5-10 min)
    python bench/bench_scale.py --docs 40 --pages 1000     # a quick look

Builds a synthetic corpus from the sample concepts in corpus/ (each synthetic document strings
together the pages of several sample concepts in a rotated order and carries its own title, so
every file has its own hash and nothing is deduplicated by the cache), then reports from this one
run, on this machine:
- pages/s of konzept's extractor next to pdfplumber's ``extract_text`` and pypdfium2's raw text
  on the same pages;
- segments/s of the compiled codebook matcher next to a naive loop of the same codebook terms as
  one regular expression each;
- wall time and peak memory (whole process tree) of ``konzept classify`` cold (empty caches) and
  warm after a codebook change (one term added), against the targets of issue 6.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"cold_s": 300.0, "warm_s": 30.0, "peak_gib": 2.0}


def build_corpus(samples: list[Path], n_docs: int, n_pages: int, out: Path) -> tuple[int, int]:
    """Write n_docs PDFs with n_pages pages in all; returns (documents, pages)."""
    import pikepdf

    out.mkdir(parents=True, exist_ok=True)
    sources = [pikepdf.open(p) for p in samples]
    per_doc = max(1, n_pages // n_docs)
    total = 0
    for i in range(n_docs):
        pdf = pikepdf.new()
        k = i % len(sources)
        while len(pdf.pages) < per_doc:
            pdf.pages.extend(sources[k].pages)
            k = (k + 1 + i // len(sources)) % len(sources)
        while len(pdf.pages) > per_doc:
            del pdf.pages[-1]
        pdf.docinfo["/Title"] = f"Synthetisches Integrationskonzept {i:04d}"
        pdf.save(out / f"synth-{i:04d}.pdf", deterministic_id=True)
        total += len(pdf.pages)
    return n_docs, total


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (Linux /proc)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def timed_run(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """(seconds, peak tree RSS in bytes, exit code) of a command."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0

    def watch() -> None:
        nonlocal peak
        while proc.poll() is None:
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    _, err = proc.communicate()
    watcher.join()
    if proc.returncode not in (0, 3):
        sys.stderr.write(err.decode(errors="replace")[-3000:])
    return time.perf_counter() - t0, peak, proc.returncode


def extraction_rates(pdfs: list[Path], max_pages: int) -> dict[str, float]:
    """pages/s of the three extractors on the same first max_pages pages."""
    import pdfplumber
    import pypdfium2

    from konzeptanalyse.ingest import load_document

    chosen, pages = [], 0
    for p in pdfs:
        n = len(pypdfium2.PdfDocument(p))
        chosen.append(p)
        pages += n
        if pages >= max_pages:
            break
    t0 = time.perf_counter()
    for p in chosen:
        load_document(p, use_cache=False)
    konzept = pages / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for p in chosen:
        pdf = pypdfium2.PdfDocument(p)
        for page in pdf:
            page.get_textpage().get_text_range()
        pdf.close()
    raw = pages / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    plumber_pages = 0
    for p in chosen:  # pdfplumber is slow: at most ~60 pages keep the bench short
        with pdfplumber.open(p) as pdf:
            for page in pdf.pages:
                page.extract_text()
                plumber_pages += 1
        if plumber_pages >= 60:
            break
    plumber = plumber_pages / (time.perf_counter() - t0)
    return {"pages": pages, "konzept": konzept, "pypdfium2_raw": raw, "pdfplumber": plumber}


def tagging_rates(segments_csv: Path, codebook: Path, n: int) -> dict[str, float]:
    """segments/s of Matcher.tag and of a naive regex-per-term loop on the same segments."""
    import pandas as pd

    from konzeptanalyse.codebook import Matcher, load_codebook

    segs = pd.read_csv(segments_csv, usecols=["text", "section_kind", "kind"]).head(n)
    texts = segs["text"].astype(str).tolist()
    cb = load_codebook(codebook)
    matcher = Matcher(cb)
    t0 = time.perf_counter()
    for text, kind in zip(texts, segs["section_kind"], strict=True):
        matcher.tag(text, context=kind)
    compiled = len(texts) / (time.perf_counter() - t0)
    terms = sorted(
        {
            rule.pattern.strip("*")
            for code in cb.codes.values()
            for rule in code.rules
            if rule.kind in ("word", "glob", "phrase")
        }
    )
    patterns = [re.compile(r"\b" + re.escape(t) + r"\b", re.IGNORECASE) for t in terms]
    t0 = time.perf_counter()
    for text in texts:
        for pat in patterns:
            pat.search(text)
    naive = len(texts) / (time.perf_counter() - t0)
    return {"segments": len(texts), "terms": len(terms), "matcher": compiled, "naive": naive}


def changed_codebook(src: Path, dst: Path) -> None:
    """A copy of the codebook with one more term for hf.sprache, so its version hash changes."""
    from konzeptanalyse.codebook.load import portable_text

    text = portable_text(src)  # the copy lives in another folder
    anchor = text.index("- code: hf.sprache\n")
    terms = text.index("    terms:\n", anchor) + len("    terms:\n")
    dst.write_text(text[:terms] + "      - Sprachpatenschaft\n" + text[terms:], encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()

    from konzeptanalyse.codebook import DEFAULT_CODEBOOK

    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    samples = sorted((ROOT / "corpus").glob("*.pdf"))
    if not samples:
        sys.exit("no sample PDFs in corpus/: run python tools/build_corpus.py first")
    t0 = time.perf_counter()
    n_docs, n_pages = build_corpus(samples, args.docs, args.pages, work / "corpus")
    print(
        f"synthetic corpus: {n_docs} documents, {n_pages} pages "
        f"({time.perf_counter() - t0:.1f} s to build)"
    )

    env = {**os.environ, "KONZEPT_CACHE": str(work / "cache")}
    base = [
        sys.executable,
        "-m",
        "konzeptanalyse",
        "classify",
        str(work / "corpus"),
        "--out",
        str(work / "results"),
        "--workers",
        str(args.workers),
        "--no-tables",
    ]
    cold_s, cold_peak, rc = timed_run([*base, "--codebook", str(DEFAULT_CODEBOOK)], env)
    print(
        f"cold classify: {cold_s:.1f} s ({n_pages / cold_s:.1f} pages/s), "
        f"peak {cold_peak / 2**30:.2f} GiB, exit {rc}"
    )
    changed = work / "codebook-changed.yaml"
    changed_codebook(DEFAULT_CODEBOOK, changed)
    warm_s, warm_peak, rc = timed_run([*base, "--codebook", str(changed)], env)
    print(
        f"warm re-run after a codebook change: {warm_s:.1f} s, "
        f"peak {warm_peak / 2**30:.2f} GiB, exit {rc}"
    )

    ext = extraction_rates(sorted((work / "corpus").glob("*.pdf")), 300)
    print(
        f"extraction on {ext['pages']} pages, one core: konzept {ext['konzept']:.1f} pages/s, "
        f"pypdfium2 raw {ext['pypdfium2_raw']:.1f}, pdfplumber {ext['pdfplumber']:.1f} "
        f"(konzept/pdfplumber = {ext['konzept'] / ext['pdfplumber']:.1f}x, "
        f"konzept/raw = {ext['konzept'] / ext['pypdfium2_raw']:.2f}x)"
    )
    tag = tagging_rates(work / "results" / "segments.csv", DEFAULT_CODEBOOK, 20_000)
    print(
        f"tagging {tag['segments']} segments, one core: matcher {tag['matcher']:.0f} seg/s, "
        f"naive loop of {tag['terms']} regexes {tag['naive']:.0f} seg/s "
        f"(ratio {tag['matcher'] / tag['naive']:.1f}x)"
    )
    peak = max(cold_peak, warm_peak) / 2**30
    checks = {
        f"cold < {TARGETS['cold_s']:.0f} s": cold_s < TARGETS["cold_s"],
        f"warm < {TARGETS['warm_s']:.0f} s": warm_s < TARGETS["warm_s"],
        f"peak < {TARGETS['peak_gib']:.0f} GiB": peak < TARGETS["peak_gib"],
    }
    for name, ok in checks.items():
        print(f"target {name}: {'met' if ok else 'MISSED'}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
