"""OCR of pages without a text layer: render with pypdfium2 at 300 dpi, read with the
``tesseract`` command (German model ``deu``), turn its TSV words into lines."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from collections import defaultdict

import pypdfium2 as pdfium

from .clean import clean_line
from .errors import IngestError
from .pdf import TextLine

DPI = 300
INSTALL_HINT = "install it: apt-get install tesseract-ocr-deu (then use --ocr)"


def check_tesseract(file: str, lang: str = "deu") -> str:
    """Path of the tesseract binary; a clear IngestError when it or the language is missing."""
    binary = shutil.which("tesseract")
    if binary is None:
        raise IngestError(file, "OCR requested but tesseract is not installed", INSTALL_HINT)
    langs = subprocess.run([binary, "--list-langs"], capture_output=True, text=True).stdout
    if lang not in langs.split():
        raise IngestError(file, f"tesseract has no language model {lang!r}", INSTALL_HINT)
    return binary


class PageOcr:
    """OCR for ``read_pdf``: finds tesseract on first use, so text PDFs never need it."""

    def __init__(self, file: str, lang: str = "deu") -> None:
        self.file, self.lang, self.binary = file, lang, ""

    def __call__(self, page: pdfium.PdfPage, number: int) -> list[TextLine]:
        if not self.binary:
            self.binary = check_tesseract(self.file, self.lang)
        try:
            return ocr_page(page, number, binary=self.binary, lang=self.lang)
        except IngestError as exc:
            raise IngestError(self.file, f"{exc.file}: {exc.cause}", exc.hint) from exc


def ocr_page(
    page: pdfium.PdfPage, number: int, *, binary: str, lang: str = "deu"
) -> list[TextLine]:
    """Lines of one rendered page, coordinates in PDF points like the text-layer lines."""
    scale = DPI / 72
    image = page.render(scale=scale).to_pil()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    result = subprocess.run(
        [binary, "stdin", "stdout", "-l", lang, "--psm", "3", "tsv"],
        input=buffer.getvalue(),
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise IngestError(
            f"page {number}",
            "tesseract failed: " + result.stderr.decode(errors="replace").strip()[:200],
            INSTALL_HINT,
        )
    words: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    reader = csv.DictReader(
        io.StringIO(result.stdout.decode("utf-8", "replace")),
        delimiter="\t",
        quoting=csv.QUOTE_NONE,
    )
    for row in reader:
        if row.get("level") == "5" and (row.get("text") or "").strip():
            words[(row["block_num"], row["par_num"], row["line_num"])].append(row)
    lines = []
    for group in words.values():
        left = min(int(w["left"]) for w in group) / scale
        right = max(int(w["left"]) + int(w["width"]) for w in group) / scale
        top = min(int(w["top"]) for w in group) / scale
        bottom = max(int(w["top"]) + int(w["height"]) for w in group) / scale
        text, _ = clean_line(" ".join(w["text"] for w in group))
        if text:
            size = round((bottom - top) / 1.15 * 2) / 2
            lines.append(TextLine(text, left, right, top, bottom, size, False, number))
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines
