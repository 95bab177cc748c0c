"""Ordered lines → paragraphs: running text, list items, table rows and captions.

Measures live in list items and table rows, so these never melt into the running text:
a bullet ("•", "–", "-", "1.", "a)") starts a list item; a row of two or more aligned cells
becomes one paragraph "cell | cell | cell" of kind ``table_row``; "Abbildung 3: …",
"Tabelle 2: …", "Quelle: …" become captions. Running text breaks at a vertical gap larger than
the usual line spacing, at a first-line indent, at a change of font, and after a short line
that ends a sentence. A paragraph continues across a column or page break when the line before
the break runs to the right edge or does not end a sentence.
"""

from __future__ import annotations

import bisect
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..model import Paragraph
from .clean import BULLET_ONLY_RE, STRONG_BULLETS, is_caption, join_lines, split_bullet
from .pdf import TextLine

_TERMINAL = (".", "!", "?", ":", "“", '"', ")")


@dataclass
class Layout:
    """Document-wide geometry the paragraph rules compare against."""

    body_size: float
    steps: dict[float, float]  # usual distance between line tops, per font size
    edges: dict[tuple[int, int], tuple[float, float]]  # (page, column) → (left, right)
    vocabulary: Counter[str] = field(default_factory=Counter)  # casefolded words, counted
    sorted_words: tuple[str, ...] = ()  # the same, sorted, for prefix look-ups

    def completes(self, part: str) -> bool:
        """Is ``part`` a word of the document or the start of a longer one?"""
        if part in self.vocabulary:
            return True
        i = bisect.bisect_left(self.sorted_words, part)
        return i < len(self.sorted_words) and self.sorted_words[i].startswith(part)

    def step(self, size: float) -> float:
        return self.steps.get(size) or self.steps.get(self.body_size) or size * 1.25

    def edge(self, line: TextLine) -> tuple[float, float]:
        return self.edges.get((line.page, line.column), (line.x0, line.x1))


def measure_layout(lines: list[TextLine]) -> Layout:
    """Body size, line spacing per size and text-block edges per page column."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    by_size: dict[float, list[float]] = defaultdict(list)
    for prev, line in zip(lines, lines[1:], strict=False):
        if (prev.page, prev.column, prev.size) == (line.page, line.column, line.size):
            step = line.top - prev.top
            if 0.8 * line.size < step < 2.5 * line.size:
                by_size[line.size].append(round(step, 1))
    steps = {size: Counter(v).most_common(1)[0][0] for size, v in by_size.items() if v}
    xs: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)
    for line in lines:
        if abs(line.size - body) < 0.6:
            xs[(line.page, line.column)].append((line.x0, line.x1))
    edges = {
        key: (
            min(a for a, _ in v),
            statistics.quantiles([b for _, b in v], n=10)[-1]
            if len(v) >= 3
            else max(b for _, b in v),
        )
        for key, v in xs.items()
    }
    words: Counter[str] = Counter()
    for prev, line in zip([None, *lines], lines, strict=False):
        tokens = line.text.split()
        words.update(_word(t) for t in tokens)
        if prev is not None and prev.text.endswith("-") and tokens:
            joined, _ = join_lines(prev.text.rsplit(" ", 1)[-1], tokens[0])
            words[_word(joined)] += 1
    del words[""]
    return Layout(body, steps, edges, words, tuple(sorted(words)))


def _word(token: str) -> str:
    return token.strip(".,;:!?()[]„“‚‘\"'").casefold()


@dataclass
class _Open:
    kind: str
    text: str
    page: int
    last: TextLine
    text_x0: float


@dataclass
class _Table:
    visual: list[list[TextLine]] = field(default_factory=list)

    @property
    def last(self) -> TextLine:
        return self.visual[-1][0]


def group_rows(lines: list[TextLine]) -> list[list[TextLine]]:
    """Consecutive lines on one baseline (same page and column) form a row."""
    rows: list[list[TextLine]] = []
    for line in lines:
        if rows:
            first = rows[-1][0]
            height = max(first.bottom - first.top, 1.0)
            if (
                (first.page, first.column) == (line.page, line.column)
                and abs(line.mid - first.mid) <= 0.35 * height
                and line.x0 >= rows[-1][-1].x0
            ):
                rows[-1].append(line)
                continue
        rows.append([line])
    # words set as separate text objects with wide (justified) spaces are no table: a row
    # whose pieces line up with no neighbouring row, and which lie close together or run from
    # margin to margin like the text lines around it, is one line
    for i, row in enumerate(rows):
        if len(row) < 2:
            continue
        window = rows[max(0, i - 3) : i + 4]
        near = [r for r in window if r is not row and len(r) >= 2]
        starts = [seg.x0 for r in near for seg in r[1:]]
        spans = any(
            abs(row[0].x0 - r[0].x0) <= 2 and abs(row[-1].x1 - r[0].x1) <= 2
            for r in window
            if len(r) == 1
        )
        if (_close(row) or spans) and not any(
            abs(seg.x0 - x) <= 2 for seg in row[1:] for x in starts
        ):
            first, last = row[0], row[-1]
            main = max(row, key=lambda seg: len(seg.text))
            rows[i] = [
                TextLine(
                    " ".join(seg.text for seg in row),
                    first.x0,
                    last.x1,
                    main.top,
                    max(seg.bottom for seg in row),
                    main.size,
                    main.bold,
                    first.page,
                    first.column,
                )
            ]
    # a bullet drawn apart from its text belongs to it
    for row in rows:
        if len(row) >= 2 and BULLET_ONLY_RE.match(row[0].text):
            bullet, item = row[0], row[1]
            if item.x0 - bullet.x1 < 3 * item.size:
                merged = TextLine(
                    f"{bullet.text} {item.text}",
                    bullet.x0,
                    item.x1,
                    item.top,
                    item.bottom,
                    item.size,
                    item.bold,
                    item.page,
                    item.column,
                )
                row[:2] = [merged]
    return rows


def _close(row: list[TextLine]) -> bool:
    return all(b.x0 - a.x1 < 1.0 * b.size for a, b in zip(row, row[1:], strict=False))


def build_paragraphs(
    lines: list[TextLine], layout: Layout, repairs: Counter[int] | None = None
) -> list[Paragraph]:
    """Paragraphs of one section, in reading order; ``repairs`` counts hyphen joins per page."""
    repairs = repairs if repairs is not None else Counter()
    out: list[Paragraph] = []
    cur: _Open | None = None
    table: _Table | None = None

    def close_text() -> None:
        nonlocal cur
        if cur is not None and cur.text:
            out.append(Paragraph(cur.text, cur.page, cur.kind))
        cur = None

    headers: set[str] = set()

    def close_table() -> None:
        nonlocal table
        if table is not None:
            rows = _table_rows(table, repairs, layout)
            if rows and rows[0].text in headers:
                rows = rows[1:]  # the header row repeated after a page or column break
            elif rows:
                headers.add(rows[0].text)
            out.extend(rows)
        table = None

    for row in group_rows(lines):
        if len(row) >= 2:
            if table is None or not _same_block(table.last, row[0], layout, 2.6):
                close_text()
                close_table()
                table = _Table()
            table.visual.append(row)
            continue
        line = row[0]
        if table is not None:
            if _cell_continuation(table, line, layout):
                table.visual.append(row)
                continue
            close_table()
        bullet, rest = split_bullet(line.text)
        if bullet and (bullet in STRONG_BULLETS or _may_start_item(cur, line, layout)):
            close_text()
            text_x0 = line.x0 + (line.x1 - line.x0) * (len(line.text) - len(rest)) / max(
                len(line.text), 1
            )
            cur = _Open("list_item", rest, line.page, line, text_x0)
            continue
        if is_caption(line.text):
            close_text()
            cur = _Open("caption", line.text, line.page, line, line.x0)
            continue
        if cur is None or _breaks(cur, line, layout):
            close_text()
            cur = _Open("text", line.text, line.page, line, line.x0)
            continue
        cur.text, repaired = join_lines(cur.text, line.text)
        if repaired:
            repairs[line.page] += 1
        cur.last = line
    close_text()
    close_table()
    return out


def _may_start_item(cur: _Open | None, line: TextLine, layout: Layout) -> bool:
    """A number, letter or dash at a line start is a list marker only where a new paragraph
    could start: "12. September" wrapped to the start of a line is running text."""
    if cur is None or cur.kind != "text":
        return True
    prev = cur.last
    if (prev.page, prev.column) != (line.page, line.column):
        return prev.text.endswith((".", ":", "!", "?", ";"))
    step = line.top - prev.top
    return (
        prev.text.endswith((".", ":", "!", "?", ";"))
        or step > 1.15 * layout.step(line.size)
        or abs(line.x0 - prev.x0) > 2
    )


def _same_block(prev: TextLine, line: TextLine, layout: Layout, factor: float) -> bool:
    if (prev.page, prev.column) != (line.page, line.column):
        return False
    step = line.top - prev.top
    return 0 < step <= factor * max(layout.step(line.size), line.size)


def _cell_continuation(table: _Table, line: TextLine, layout: Layout) -> bool:
    """A single line right under a table row that fits inside one cell wraps that cell."""
    if not _same_block(table.last, line, layout, 1.6):
        return False
    anchors = _anchors(table)
    own = max((i for i, a in enumerate(anchors) if a <= line.x0 + 4), default=0)
    return own + 1 >= len(anchors) or line.x1 <= anchors[own + 1] + 2


def _anchors(table: _Table) -> list[float]:
    widest = max(table.visual, key=len)
    return sorted(seg.x0 for seg in widest)


def _table_rows(table: _Table, repairs: Counter[int], layout: Layout) -> list[Paragraph]:
    anchors = _anchors(table)
    tops = [v[0].top for v in table.visual]
    gaps = [b - a for a, b in zip(tops, tops[1:], strict=False)]
    threshold = 0.0
    if gaps and max(gaps) > 1.25 * min(gaps):
        threshold = 1.25 * min(gaps)
    groups: list[list[list[TextLine]]] = []
    for i, visual in enumerate(table.visual):
        if not groups or i == 0 or gaps[i - 1] > threshold or _page_break(table, i):
            groups.append([])
        groups[-1].append(visual)
    rows = []
    for group in groups:
        cells = [""] * len(anchors)
        for visual in group:
            for seg in visual:
                col = max((j for j, a in enumerate(anchors) if a <= seg.x0 + 4), default=0)
                cells[col], repaired = _join_cell(cells[col], seg.text, layout)
                if repaired:
                    repairs[seg.page] += 1
        rows.append(Paragraph(" | ".join(c.strip() for c in cells), group[0][0].page, "table_row"))
    return rows


def _join_cell(a: str, b: str, layout: Layout) -> tuple[str, bool]:
    """Like join_lines, for the lines of one table cell. Narrow cells make layout programs
    break words without a hyphen ("2019–20" + "22", "Kirchengemein" + "den"): glue the parts
    when neither part is a word of the document but together they are (or start one)."""
    if a and b[:1].isdigit() and re.search(r"\d[–-]\d+$", a):
        return a + b, True
    if a and b and a[-1].isalpha() and b[0].islower():
        head, tail = _word(a.rsplit(" ", 1)[-1]), _word(b.split(" ", 1)[0])
        count = layout.vocabulary
        whole = head + tail
        rare = count[head] <= 1 or count[tail] <= 1  # a fragment occurs only here
        if (count[whole] and rare) or (
            count[head] <= 1 and count[tail] <= 1 and layout.completes(whole)
        ):
            return a + b, True
    return join_lines(a, b)


def _page_break(table: _Table, i: int) -> bool:
    a, b = table.visual[i - 1][0], table.visual[i][0]
    return (a.page, a.column) != (b.page, b.column)


def _breaks(cur: _Open, line: TextLine, layout: Layout) -> bool:
    """Does ``line`` start a new paragraph after the open one?"""
    prev = cur.last
    left, right = layout.edge(prev)
    width = max(right - left, 1.0)
    short = prev.x1 < right - 0.3 * width
    terminal = prev.text.endswith(_TERMINAL)
    if abs(line.size - prev.size) > 0.6 or line.bold != prev.bold:
        return True
    if (prev.page, prev.column) != (line.page, line.column) or line.top <= prev.top:
        # column or page break: continue a paragraph that did not visibly end
        # a sentence end that stops short of the right edge (justified lines reach it) ends
        # the paragraph; a full line or an open sentence goes on in the next column
        return short or (terminal and line.text[:1].isupper() and prev.x1 < right - 3)
    step = line.top - prev.top
    usual = layout.step(line.size)
    if cur.kind == "caption":
        return step > 1.3 * max(usual, line.size)
    if step > 1.3 * usual + 0.5:
        return True
    if cur.kind == "list_item":
        return line.x0 < cur.text_x0 - 2 and (terminal or short or step > 1.1 * usual)
    if line.x0 > prev.x0 + 0.8 * line.size and line.x0 > left + 0.8 * line.size:
        return True  # first-line indent
    return short and terminal
