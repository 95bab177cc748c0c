"""Extraction speed and memory: konzept's extractor next to pdfplumber and raw pypdfium2.

From one run over the same files (default: corpus/*.pdf) prints pages per second of
  * konzept: ``load_document(..., use_cache=False)`` — the full layout-aware extraction
    (lines, columns, headers, hyphens, paragraphs, tables, sections);
  * pdfplumber: ``page.extract_text()``;
  * pypdfium2 raw: ``textpage.get_text_range()``;
and the ratios, then the peak RSS of a child process that extracts a 1,000-page PDF assembled
from the corpus pages (target < 1 GiB). Everything runs on one core.

Usage: python bench/bench_extract.py [PDF ...] [--repeat N] [--big-pages 1000] [--no-memory]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _konzept(files: list[Path]) -> int:
    from konzeptanalyse.ingest import load_document

    return sum(load_document(f, use_cache=False).page_count for f in files)


def _pdfplumber(files: list[Path]) -> int:
    import pdfplumber

    pages = 0
    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
                pages += 1
    return pages


def _pdfium(files: list[Path]) -> int:
    import pypdfium2 as pdfium

    pages = 0
    for f in files:
        pdf = pdfium.PdfDocument(f)
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
            pages += 1
        pdf.close()
    return pages


def rate(fn, files: list[Path], repeat: int) -> tuple[float, int, float]:
    """(pages per second, pages, seconds) over ``repeat`` passes."""
    start = time.perf_counter()
    pages = sum(fn(files) for _ in range(repeat))
    seconds = time.perf_counter() - start
    return pages / seconds, pages, seconds


def build_big_pdf(files: list[Path], pages: int, target: Path) -> int:
    """Concatenate corpus pages until ``pages`` pages (pypdfium2 import_pages)."""
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    sources = [pdfium.PdfDocument(f) for f in files]
    while len(out) < pages:
        for src in sources:
            take = min(len(src), pages - len(out))
            if take <= 0:
                break
            out.import_pages(src, list(range(take)))
    out.save(target)
    count = len(out)
    out.close()
    for src in sources:
        src.close()
    return count


def peak_rss_child(pdf: Path) -> tuple[float, float]:
    """(peak RSS in MiB, seconds) of a fresh process extracting ``pdf`` without cache."""
    code = (
        "import sys; from pathlib import Path; from konzeptanalyse.ingest import load_document; "
        "d = load_document(Path(sys.argv[1]), use_cache=False); print(d.page_count)"
    )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(pdf)], check=True, capture_output=True)
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    return peak_kib / 1024, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="passes over the files (speed)")
    parser.add_argument("--big-pages", type=int, default=1000, help="pages of the memory test")
    parser.add_argument("--no-memory", action="store_true", help="skip the 1,000-page test")
    args = parser.parse_args(argv)
    files = args.pdfs or sorted((ROOT / "corpus").glob("*.pdf"))
    if not files:
        print("no PDFs (build the corpus: python tools/build_corpus.py)", file=sys.stderr)
        return 1
    print(f"{len(files)} files, {args.repeat} passes, one core")
    results = {}
    for name, fn in (
        ("konzept", _konzept),
        ("pdfplumber", _pdfplumber),
        ("pypdfium2 raw", _pdfium),
    ):
        fn(files[:1])  # warm imports
        results[name] = rate(fn, files, args.repeat)
        pps, pages, seconds = results[name]
        print(f"{name:14s} {pps:8.1f} pages/s   ({pages} pages in {seconds:.2f} s)")
    k = results["konzept"][0]
    print(f"konzept / pdfplumber    = {k / results['pdfplumber'][0]:.1f}x")
    print(f"konzept / pypdfium2 raw = {k / results['pypdfium2 raw'][0]:.2f}x")
    print(f"target >= 60 pages/s: {'met' if k >= 60 else 'NOT met'}")
    if not args.no_memory:
        with tempfile.TemporaryDirectory() as tmp:
            big = Path(tmp) / "big.pdf"
            count = build_big_pdf(files, args.big_pages, big)
            mib, seconds = peak_rss_child(big)
            print(
                f"{count}-page PDF: peak RSS {mib:.0f} MiB in {seconds:.1f} s "
                f"({count / seconds:.0f} pages/s incl. start-up); target < 1024 MiB: "
                f"{'met' if mib < 1024 else 'NOT met'}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
