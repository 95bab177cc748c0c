"""Characters → lines → columns, with pypdfium2's raw API (fast: no pdfminer on the main path).

One page at a time: the text page is loaded, its characters are grouped into line segments
(a segment ends at a line break, or at a wide gap between two text objects, which is how table
cells and columns on one baseline stay apart), each page and text page is closed again, and
only the small ``TextLine`` records survive. Running headers, footers and page numbers are
removed across pages; then each page is put into reading order (one or two columns).
"""

from __future__ import annotations

import ctypes
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from ..model import PageQuality
from .clean import clean_line
from .errors import IngestError


@dataclass(slots=True)
class TextLine:
    """One line segment on a page; coordinates in PDF points, ``top`` from the page top."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    page: int  # 1-based
    column: int = 0  # 0 = full width or left column, 1 = right column

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class PageText:
    number: int
    width: float
    height: float
    lines: list[TextLine]
    quality: PageQuality


@dataclass
class RawDocument:
    """What the PDF gives before sectioning."""

    page_count: int
    pages: list[PageText]
    outline: list[tuple[int, str, int | None]] = field(default_factory=list)  # level, title, page
    meta_title: str = ""
    warnings: list[str] = field(default_factory=list)


# a word ends at a space, a line break or pdfium's line-end hyphen mark (U+FFFE / U+0002),
# after which pdfium goes on with the next line without a break
_TOKEN = re.compile(r"[^ \r\n\ufffe\x02]+[\ufffe\x02]?|[\ufffe\x02]| +|\r\n|\r|\n")
# characters a broken font map leaves behind: U+FFFD and C0 controls (pdfium's own marks
# \x02 and \r\n excepted)
_BROKEN = re.compile("[\ufffd\x00\x01\x03-\x08\x0b\x0c\x0e-\x1f]")
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi|extrabold|-bd|,bd", re.I)
_PAGE_NUMBER = re.compile(
    r"^(?:(?:Seite|S\.|Page)\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:/|von|of)\s*\d{1,4})?$", re.I
)


# --------------------------------------------------------------------------- open
def open_pdf(path: Path, password: str | None) -> pdfium.PdfDocument:
    """Open with clear errors for the bad inputs people actually have."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(name, f"cannot read file ({exc.strerror})", "check the path") from exc
    if size == 0:
        raise IngestError(name, "empty file (0 bytes)", "re-download or re-export the PDF")
    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        kind = "HTML" if b"<html" in head.lower() else "unknown data"
        raise IngestError(
            name, f"not a PDF ({kind})", "check the file; convert it to PDF or remove it"
        )
    try:
        return pdfium.PdfDocument(path, password=password)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == raw.FPDF_ERR_PASSWORD:
            if password is None:
                raise IngestError(name, "encrypted", "pass --password") from exc
            raise IngestError(
                name, "encrypted, wrong password", "pass the right --password"
            ) from exc
        if code == raw.FPDF_ERR_SECURITY:
            raise IngestError(
                name, "unsupported encryption", "decrypt it with qpdf --decrypt"
            ) from exc
        raise IngestError(
            name, "damaged or truncated PDF", "re-download it or repair it with `qpdf IN OUT`"
        ) from exc


def looks_truncated(path: Path) -> bool:
    """A complete PDF ends with %%EOF (pdfium may still open a cut-off file by repairing it)."""
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 2048))
        return b"%%EOF" not in handle.read()


# --------------------------------------------------------------------------- characters → lines
class _TextReader:
    """Holds the ctypes buffers reused for every page (no per-call allocation)."""

    def __init__(self) -> None:
        self.rect = raw.FS_RECTF()
        self.rect_ptr = ctypes.byref(self.rect)
        self.name_buf = ctypes.create_string_buffer(128)
        self.flags = ctypes.c_int()

    def font(self, textpage, index: int) -> tuple[float, bool]:
        size = raw.FPDFText_GetFontSize(textpage, index)
        n = raw.FPDFText_GetFontInfo(textpage, index, self.name_buf, 128, ctypes.byref(self.flags))
        name = self.name_buf.raw[: max(0, n - 1)].decode("latin-1") if n else ""
        weight = raw.FPDFText_GetFontWeight(textpage, index)
        bold = bool(_BOLD_NAME.search(name)) or weight >= 600 or bool(self.flags.value & (1 << 18))
        return size, bold

    def page_lines(
        self, textpage, height: float, number: int
    ) -> tuple[list[TextLine], int, int, int]:
        """Segments of one page, plus (non-space characters, broken characters, repairs)."""
        n = raw.FPDFText_CountChars(textpage)
        if n <= 0:
            return [], 0, 0, 0
        buf = (ctypes.c_ushort * (n + 1))()
        raw.FPDFText_GetText(textpage, 0, n, buf)
        text = bytes(buf)[: 2 * n].decode("utf-16-le", "replace")
        if len(text) != n:  # characters outside the BMP: one index, two UTF-16 units
            text = "".join(chr(raw.FPDFText_GetUnicode(textpage, i)) for i in range(n))
        get_box = raw.FPDFText_GetLooseCharBox
        get_obj = raw.FPDFText_GetTextObject
        rect, rect_ptr = self.rect, self.rect_ptr
        # boxes only at word edges: inside a word the characters sit next to each other
        segments: list[tuple[list[str], list[int], int, float, float, float, float]] = []
        words: list[str] = []
        starts: list[int] = []
        x0 = x1 = top = bottom = 0.0
        space = False
        space_at = last = -1
        for match in _TOKEN.finditer(text):
            token = match.group()
            first = token[0]
            if first == "\r" or first == "\n":
                if words:
                    segments.append((words, starts, last, x0, x1, top, bottom))
                    words, starts = [], []
                space = False
                continue
            if first == " ":
                space = True
                space_at = match.start()
                continue
            i, j = match.start(), match.end() - 1
            get_box(textpage, i, rect_ptr)
            left, right, t, b = rect.left, rect.right, rect.top, rect.bottom
            if j > i:
                get_box(textpage, j, rect_ptr)
                right = rect.right
            if words:
                cur_h = top - bottom
                new = abs((t + b) - (top + bottom)) > 0.9 * max(cur_h, 1.0)
                if not new:
                    gap = left - x1
                    if gap < -max(cur_h, 1.0) * 1.5:
                        new = True
                    elif gap > 0.4 * cur_h:
                        # a wide gap splits (table cells, columns) unless the text itself has a
                        # space there (justified words set one by one) or one object spans it
                        typed = space and not raw.FPDFText_IsGenerated(textpage, space_at)
                        same_obj = ctypes.cast(get_obj(textpage, i), ctypes.c_void_p).value == (
                            ctypes.cast(get_obj(textpage, last), ctypes.c_void_p).value
                        )
                        new = gap > 4 * cur_h or not (same_obj or typed)
                if new:
                    segments.append((words, starts, last, x0, x1, top, bottom))
                    words, starts = [], []
                    space = False
            if not words:
                x0, x1, top, bottom = left, right, t, b
            else:
                if space:
                    words.append(" ")
                if right > x1:
                    x1 = right
                if t > top:
                    top = t
                if b < bottom:
                    bottom = b
            space = False
            words.append(token)
            starts.append(i)
            last = j
        if words:
            segments.append((words, starts, last, x0, x1, top, bottom))

        lines: list[TextLine] = []
        visible = fixed = 0
        for words, starts, end, sx0, sx1, stop, sbottom in segments:
            raw_text = "".join(words)
            clean, repairs = clean_line(raw_text)
            fixed += repairs
            if not clean:
                continue
            visible += len(raw_text) - raw_text.count(" ")
            picks = {starts[0], starts[len(starts) // 2], end}
            fonts = [self.font(textpage, i) for i in picks]
            box_h = stop - sbottom
            size = min(f[0] for f in fonts)
            if size <= 0 or size > 3 * box_h or size < box_h / 3:
                size = box_h / 1.15
            bold = all(f[1] for f in fonts)
            lines.append(
                TextLine(
                    clean, sx0, sx1, height - stop, height - sbottom, round(size, 1), bold, number
                )
            )
        return lines, visible, len(_BROKEN.findall(text)), fixed


def read_pdf(
    path: Path,
    *,
    password: str | None = None,
    ocr: bool = False,
    ocr_page: Callable[[pdfium.PdfPage, int], list[TextLine]] | None = None,
) -> RawDocument:
    """Read every page into ordered, cleaned lines; headers/footers/page numbers removed."""
    pdf = open_pdf(path, password)
    warnings: list[str] = []
    if looks_truncated(path):
        warnings.append(
            "file looks truncated (no %%EOF at the end): text may be missing — re-download it"
        )
    try:
        reader = _TextReader()
        pages: list[PageText] = []
        count = len(pdf)
        for i in range(count):
            number = i + 1
            try:
                page = pdf[i]
            except pdfium.PdfiumError:
                warnings.append(f"page {number}: cannot be loaded, skipped")
                pages.append(PageText(number, 0, 0, [], PageQuality(page=number, no_text=True)))
                continue
            try:
                width, height = page.get_size()
                textpage = raw.FPDFText_LoadPage(page.raw)
                try:
                    lines, visible, fffd, fixed = reader.page_lines(textpage, height, number)
                finally:
                    raw.FPDFText_ClosePage(textpage)
                quality = PageQuality(
                    page=number, chars=visible, replacement_chars=fffd, repairs=fixed
                )
                if visible == 0 or (visible < 80 and _scanned(page, width, height)):
                    if ocr and ocr_page is not None:
                        lines = ocr_page(page, number)
                        quality.ocr = True
                        quality.chars = sum(len(line.text) for line in lines)
                        if not lines:
                            warnings.append(f"page {number}: OCR found no text")
                    else:
                        quality.no_text = True
                        warnings.append(
                            f"page {number}: no text layer, not OCRed — install "
                            "tesseract-ocr-deu and use --ocr"
                        )
                pages.append(PageText(number, width, height, lines, quality))
            finally:
                page.close()
        outline = _outline(pdf)
        meta_title = (pdf.get_metadata_dict(skip_empty=True).get("Title") or "").strip()
    finally:
        pdf.close()
    remove_running_lines(pages)
    for page in pages:
        page.lines, page.quality.columns = order_page(page.lines, page.width)
    return RawDocument(count, pages, outline, meta_title, warnings)


def _scanned(page: pdfium.PdfPage, width: float, height: float) -> bool:
    """A page whose little text sits on an image covering most of it (a scan with a stamp or
    a page number as text): its real content needs OCR."""
    try:
        for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
            left, bottom, right, top = obj.get_bounds()
            if (right - left) * (top - bottom) >= 0.5 * width * height:
                return True
    except pdfium.PdfiumError:
        return False
    return False


def _outline(pdf: pdfium.PdfDocument) -> list[tuple[int, str, int | None]]:
    items = []
    try:
        for item in pdf.get_toc():
            title = clean_line(item.get_title() if hasattr(item, "get_title") else item.title)[0]
            index = item.page_index if hasattr(item, "page_index") else item.get_dest()
            if hasattr(index, "get_index"):
                index = index.get_index()
            items.append((item.level + 1, title, None if index is None else index + 1))
    except (pdfium.PdfiumError, AttributeError, TypeError):
        return []
    return items


# --------------------------------------------------------------------------- running lines
def _running_key(line: TextLine) -> str:
    return re.sub(r"\d+", "#", line.text.casefold()).strip()


def _margin_position(line: TextLine, page: PageText) -> tuple[str, float]:
    """("t", distance from the top) or ("b", distance from the bottom) inside the margin
    zones (14 % of the page height), else ("", 0)."""
    zone = 0.14 * page.height
    if line.top < zone:
        return "t", line.top
    if line.bottom > page.height - zone:
        return "b", page.height - line.bottom
    return "", 0.0


def _running_text(line: TextLine) -> bool:
    """Page numbers or text with some substance (a lone bullet repeats too, but is no header)."""
    return bool(_PAGE_NUMBER.match(line.text)) or sum(ch.isalnum() for ch in line.text) >= 3


def remove_running_lines(pages: list[PageText]) -> None:
    """Drop running headers/footers (same text at the same height on several pages) and page
    numbers in the top/bottom margin zone. Works on all pages at once: repetition is the clue."""
    with_text = [p for p in pages if p.lines and p.height]
    if not with_text:
        return
    sizes = Counter()
    for page in with_text:
        for line in page.lines:
            sizes[line.size] += len(line.text)
    body = sizes.most_common(1)[0][0]
    # a running line repeats its text at the same distance from the page edge
    seen: dict[tuple[str, str, int], set[int]] = defaultdict(set)
    for page in with_text:
        for line in page.lines:
            band, pos = _margin_position(line, page)
            if band:
                seen[(_running_key(line), band, round(pos / 4))].add(page.number)
    need = max(2, int(0.25 * len(with_text)))

    def repeated(line: TextLine, page: PageText) -> bool:
        band, pos = _margin_position(line, page)
        key, bucket = _running_key(line), round(pos / 4)
        pages = set().union(
            *(seen.get((key, band, b), set()) for b in (bucket - 1, bucket, bucket + 1))
        )
        return len(pages) >= need

    for page in with_text:
        zone = 0.14 * page.height

        def running(line: TextLine, page: PageText = page) -> bool:
            if any(
                other is not line
                and abs(other.mid - line.mid) < 2
                and _running_text(other)
                and not repeated(other, page)
                and not _PAGE_NUMBER.match(other.text)
                for other in page.lines
            ):
                return False  # shares its baseline with body text (a table row, a bullet)
            return bool(_PAGE_NUMBER.match(line.text)) or (
                repeated(line, page) and line.size < body * 1.25 and _running_text(line)
            )

        drop: set[int] = set()
        # only the outermost lines of the page can be running lines: walk in from each edge
        for band, ordered in (
            ("t", sorted(page.lines, key=lambda ln: ln.top)),
            ("b", sorted(page.lines, key=lambda ln: -ln.bottom)),
        ):
            for line in ordered:
                inside = line.top < zone if band == "t" else line.bottom > page.height - zone
                if not inside or not running(line):
                    break
                drop.add(id(line))
        page.lines = [line for line in page.lines if id(line) not in drop]


# --------------------------------------------------------------------------- columns
def find_gutter(lines: list[TextLine], width: float) -> tuple[float, float, float] | None:
    """(gutter x, right edge of the left column, left edge of the right column), or None
    for a one-column page.

    Lines are weighted by their length; the gutter lies in the middle band of the page where
    the fewest lines cross, accepted when both sides hold a fair share of the text. The column
    edges are where most lines end/start, so a heading that spans into the gutter still counts
    as full width.
    """
    if len(lines) < 6 or width <= 0:
        return None
    total = sum(len(line.text) for line in lines)
    spans = [(line.x0, line.x1, len(line.text)) for line in lines]
    lo, hi = int(width * 0.3), int(width * 0.7)
    # weight of the lines crossing each candidate x (a < x - 1 and b > x + 1): prefix sums
    xs = list(range(lo, hi, 2))
    diff = [0] * (len(xs) + 1)
    for a, b, w in spans:
        first = max(0, math.floor((a + 1 - lo) / 2) + 1)  # smallest index with x > a + 1
        last = min(len(xs), math.ceil((b - 1 - lo) / 2))  # indexes below have x < b - 1
        if first < last:
            diff[first] += w
            diff[last] -= w
    scores, running = [], 0
    for i, x in enumerate(xs):
        running += diff[i]
        scores.append((running, x))
    least = min(score for score, _ in scores)
    run = [x for score, x in scores if score == least]
    # the middle of the first run of best positions
    first = [run[0]]
    for x in run[1:]:
        if x - first[-1] > 2:
            break
        first.append(x)
    x = first[len(first) // 2]
    left = [(a, b, w) for a, b, w in spans if b <= x + 1]
    right = [(a, b, w) for a, b, w in spans if a >= x - 1]
    if least > 0.2 * total or len(left) < 3 or len(right) < 3:
        return None
    if sum(w for *_, w in left) < 0.2 * total or sum(w for *_, w in right) < 0.2 * total:
        return None
    solo_long = []
    for side in ([ln for ln in lines if ln.x1 <= x + 1], [ln for ln in lines if ln.x0 >= x - 1]):
        rows = Counter(round(ln.mid) for ln in side)
        solo_long.append(sum(1 for ln in side if len(ln.text) >= 20 and rows[round(ln.mid)] == 1))
    if max(solo_long) < 3:
        return None  # only short cells on both sides: a table on a one-column page
    left_edge = _edge([b for _, b, w in left if w > 15], high=True)
    right_edge = _edge([a for a, _, w in right if w > 15], high=False)
    gutter = x
    if left_edge is not None and right_edge is not None and right_edge > left_edge:
        gutter = (left_edge + right_edge) / 2
    return gutter, left_edge if left_edge is not None else gutter, right_edge or gutter


def _edge(values: list[float], *, high: bool) -> float | None:
    """Column edge: the outermost x that at least three lines share (justified or flush
    text); None when the lines are ragged (then only the gutter centre separates)."""
    counts = Counter(round(v) for v in values)
    shared = [v for v, n in counts.items() if n >= 3]
    if not shared:
        return None
    value = max(shared) if high else min(shared)
    near = [v for v in values if abs(v - value) <= 1]
    return max(near) if high else min(near)


def order_page(lines: list[TextLine], width: float) -> tuple[list[TextLine], int]:
    """Reading order: bands separated by full-width lines; in a band, left column then right."""
    if not lines:
        return lines, 1
    found = find_gutter(lines, width)
    if found is None:
        for line in lines:
            line.column = 0
        return _reading_sorted(lines), 1
    gutter, left_edge, right_edge = found
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    body = sizes.most_common(1)[0][0]
    right = [ln for ln in lines if ln.x0 >= gutter - 1]
    left = [ln for ln in lines if ln.x1 <= gutter + 1]
    rows = _rows(lines)
    spanning = _spanning_rows(rows, gutter, left_edge, right_edge)
    ordered: list[TextLine] = []
    band: list[TextLine] = []
    for row, span in zip(rows, spanning, strict=True):
        if span or (len(row) == 1 and _separator(row[0], band, left, right, gutter, body)):
            ordered += _band(band, gutter)
            band = []
            for line in row:
                line.column = 0
            ordered += sorted(row, key=lambda ln: ln.x0)
        else:
            band += row
    ordered += _band(band, gutter)
    return ordered, 2


def _rows(lines: list[TextLine]) -> list[list[TextLine]]:
    """Lines grouped by baseline, top to bottom."""
    rows: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda ln: ln.mid):
        if rows and line.mid - rows[-1][0].mid <= 0.35 * max(
            rows[-1][0].bottom - rows[-1][0].top, 1
        ):
            rows[-1].append(line)
        else:
            rows.append([line])
    return rows


def _spanning_rows(
    rows: list[list[TextLine]], gutter: float, left_edge: float, right_edge: float
) -> list[bool]:
    """Rows that run across both columns: a line reaching well into or across the gutter, and
    the rows of a table whose cells line up with such a row (a full-width table's cells mostly
    avoid the gutter)."""
    reach = min(left_edge + max(2.0, 0.3 * (right_edge - left_edge)), gutter + 1)
    span = [any(ln.x0 < gutter - 1 and ln.x1 > reach for ln in row) for row in rows]
    for i, row in enumerate(list(rows)):
        if not span[i] or len(row) < 2:
            continue
        anchors = [ln.x0 for ln in row]
        for step in (1, -1):
            j, prev = i + step, row
            while 0 <= j < len(rows) and not span[j]:
                cand = rows[j]
                size = max(ln.size for ln in cand)
                gap = (
                    cand[0].top - max(ln.bottom for ln in prev)
                    if step == 1
                    else prev[0].top - max(ln.bottom for ln in cand)
                )
                aligned = all(any(abs(ln.x0 - a) <= 1.5 for a in anchors) for ln in cand)
                if not aligned or gap > 1.5 * size:
                    break
                span[j] = True
                prev, j = cand, j + step
    return span


def _separator(
    line: TextLine,
    band: list[TextLine],
    left: list[TextLine],
    right: list[TextLine],
    gutter: float,
    body: float,
) -> bool:
    """A heading in the left column that starts a new pair of balanced columns.

    Layouts that balance each chapter over both columns put the chapter heading at the left,
    with the columns above it ending at about the same height and the right column going on
    below it; reading left-then-right across the heading would jump chapters.
    """
    if line.x1 > gutter or line.size < body * 0.95 or not (line.size >= body * 1.1 or line.bold):
        return False
    if any(r.top < line.bottom + body and r.bottom > line.top - body for r in right):
        return False
    below_right = [r.top for r in right if r.top > line.bottom]
    if not below_right:
        return False
    above_left = [ln.bottom for ln in band if ln.x1 <= gutter]
    above_right = [ln.bottom for ln in band if ln.x0 >= gutter - 1]
    if not above_left or not above_right:
        return False
    imbalance = abs(max(above_left) - max(above_right))
    if imbalance <= 1.5 * body:
        return True
    if imbalance > 6 * body:
        return False
    # roughly balanced: the new columns must start together below the heading (a figure
    # beside a heading in flowing columns also leaves the right column empty there)
    first_right = min(below_right)
    below_left = sorted(ln.top for ln in left if ln.top > line.bottom)[:3]
    return any(abs(top - first_right) <= 0.6 * body for top in below_left)


def _band(lines: list[TextLine], gutter: float) -> list[TextLine]:
    left = [ln for ln in lines if ln.x1 <= gutter + 1]
    right = [ln for ln in lines if ln.x1 > gutter + 1]
    for line in left:
        line.column = 0
    for line in right:
        line.column = 1
    return _reading_sorted(left) + _reading_sorted(right)


def _reading_sorted(lines: list[TextLine]) -> list[TextLine]:
    """Top to bottom; lines whose middles lie within a third of their height share a row and
    go left to right (table cells, a bullet and its text)."""
    out: list[TextLine] = []
    row: list[TextLine] = []
    for line in sorted(lines, key=lambda ln: ln.mid):
        if row and line.mid - row[0].mid > 0.35 * max(row[0].bottom - row[0].top, 1.0):
            out += sorted(row, key=lambda ln: ln.x0)
            row = []
        row.append(line)
    out += sorted(row, key=lambda ln: ln.x0)
    return out
