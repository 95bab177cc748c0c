"""Render the sample Integrationskonzepte (corpus/src/*.md) into realistic PDFs plus ground truth.

The PDFs exist to exercise the extractor, so they carry what real concepts carry: a title page,
a contents page with dot leaders, numbered or unnumbered headings, one or two columns, running
headers and page footers, justified text with German line-end hyphenation, lists, measure tables
and figures with captions. Next to every PDF the generator writes the truth the extractor should
recover (headings with their pages, body text in reading order, captions) and a manifest row.

Usage:
    python tools/build_corpus.py [--src corpus/src] [--out corpus] [--style default|alt]
                                 [--truth-dir DIR] [--only ID ...]
    python tools/build_corpus.py --src tests/data/heldout/src --out tests/data/heldout
                                 --style alt --truth-dir tests/data/heldout   # held-out look
    python tools/build_corpus.py --scanned OUT.pdf

Source format: YAML front matter (id, kreis, ags, bundesland, type, year, urban_rural, title,
subtitle, layout, numbered, toc, running_header, pole) and a small Markdown subset, see
``parse_source``. Two-column text is set with reportlab's BalancedColumns, so a chapter heading
spans the page and a new chapter may start mid-page; tables span both columns. Truth files:
{"headings": [{"text", "number", "level", "page"}], "body": [paragraphs, list items, table rows
as "a | b | c"], "captions", "running_header", "toc_pages", "pages", ...}. Rebuilding gives
byte-identical PDFs (reportlab ``invariant=1``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml
from reportlab.graphics.shapes import Drawing, Line, Rect
from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BalancedColumns,
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepInFrame,
    ListFlowable,
    ListItem,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

MANIFEST_COLUMNS = [
    "file",
    "kreis",
    "ags",
    "bundesland",
    "type",
    "year",
    "urban_rural",
    "layout",
    "pole",
]
REQUIRED_KEYS = [
    "id",
    "kreis",
    "ags",
    "bundesland",
    "type",
    "year",
    "urban_rural",
    "title",
    "layout",
    "numbered",
    "toc",
    "running_header",
    "pole",
]
ALLOWED_VALUES = {
    "type": {"Landkreis", "kreisfreie Stadt"},
    "urban_rural": {"ländlich", "städtisch"},
    "layout": {"one-column", "two-column"},
    "pole": {
        "assimilativ",
        "eher assimilativ",
        "gemischt",
        "eher teilhabeorientiert",
        "teilhabeorientiert",
    },
}
PAGE_RANGE = (6, 20)

HEADING_RE = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")
TYPED_NUMBER_RE = re.compile(r"^\d{1,2}(\.\d{1,2})*\.?\s")
BULLET_RE = re.compile(r"^[-*]\s+(.*\S)\s*$")
NUMBERED_RE = re.compile(r"^(\d{1,3})[.)]\s+(.*\S)\s*$")
FIGURE_RE = re.compile(r"^!\[(.*)\]\(([^)]*)\)\s*$")
TABLE_SEPARATOR_RE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


class SourceError(ValueError):
    """A problem in a source file, reported as ``path:line: message`` so it can be fixed there."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line


@dataclass
class Block:
    """One unit of the body: a heading, paragraph, list item, table or figure."""

    kind: str  # heading | para | bullet | numbered | table | figure
    text: str = ""
    line: int = 0
    level: int = 0
    number: str = ""  # printed heading number ("2.1") or list start number
    rows: list[list[str]] = field(default_factory=list)
    figure: str = "chart"


@dataclass
class Concept:
    """A parsed source file: validated front matter and the body blocks in reading order."""

    path: Path
    meta: dict[str, Any]
    blocks: list[Block]

    @property
    def id(self) -> str:
        return str(self.meta["id"])

    def truth_body(self) -> list[str]:
        """Body strings in reading order: paragraphs, list items, table rows as 'a | b | c'."""
        out: list[str] = []
        for b in self.blocks:
            if b.kind in ("para", "bullet", "numbered"):
                out.append(b.text)
            elif b.kind == "table":
                out.extend(" | ".join(row) for row in b.rows)
        return out

    def captions(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "figure"]

    def manifest_row(self) -> dict[str, str]:
        row = {k: str(self.meta[k]) for k in MANIFEST_COLUMNS if k != "file"}
        row["file"] = f"{self.id}.pdf"
        return row


# --------------------------------------------------------------------------- parsing


def _check_printable(path: Path, lineno: int, text: str) -> None:
    """Standard PDF fonts only know WinAnsi (cp1252); anything else would print as a black box."""
    for ch in text:
        try:
            ch.encode("cp1252")
        except UnicodeEncodeError:
            raise SourceError(
                path,
                lineno,
                f"character U+{ord(ch):04X} {ch!r} cannot be printed with the standard PDF fonts; "
                "replace it (allowed: Latin-1 plus „ “ ‚ ‘ – — € …)",
            ) from None


def _validate_meta(path: Path, meta: Any) -> dict[str, Any]:
    if not isinstance(meta, dict):
        raise SourceError(path, 1, "front matter must be a YAML mapping (key: value lines)")
    missing = [k for k in REQUIRED_KEYS if k not in meta]
    if missing:
        raise SourceError(path, 1, f"front matter lacks {', '.join(missing)}; add them")
    if str(meta["id"]) != path.stem:
        raise SourceError(path, 1, f"id {meta['id']!r} must equal the file name stem {path.stem!r}")
    ags = meta["ags"]
    if not isinstance(ags, str) or not re.fullmatch(r"\d{5}", ags):
        raise SourceError(path, 1, f'ags must be a quoted 5-digit string like "09190", got {ags!r}')
    if not isinstance(meta["year"], int) or not 1990 <= meta["year"] <= 2100:
        raise SourceError(path, 1, f"year must be a four-digit number, got {meta['year']!r}")
    for key, allowed in ALLOWED_VALUES.items():
        if meta[key] not in allowed:
            raise SourceError(
                path, 1, f"{key} is {meta[key]!r}; use one of {', '.join(sorted(allowed))}"
            )
    for key in ("numbered", "toc"):
        if not isinstance(meta[key], bool):
            raise SourceError(path, 1, f"{key} must be true or false, got {meta[key]!r}")
    for key in ("kreis", "bundesland", "title", "running_header", "subtitle"):
        if key in meta and meta[key] is not None:
            meta[key] = str(meta[key])
            _check_printable(path, 1, meta[key])
    return meta


def _split_cells(line: str) -> list[str]:
    inner = line.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|"):
        inner = inner[:-1]
    return [c.strip() for c in inner.split("|")]


def parse_source(path: Path) -> Concept:
    """Parse one concept source: YAML front matter between '---' lines, then a Markdown subset.

    Body syntax: '#'/'##'/'###' headings (no typed numbers), paragraphs of one or more lines
    separated by blank lines, '- ' bullet items, '1. ' numbered items, pipe tables with a
    '|---|' separator after the header row, and '![caption](chart)' or '![caption](box)'
    figures. Raises SourceError naming file and line for anything else that cannot be rendered.
    """
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise SourceError(
            path, 1, "file must start with a '---' line opening the YAML front matter"
        )
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise SourceError(path, 1, "front matter is not closed by a '---' line") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        lineno = mark.line + 2 if mark is not None else 1
        raise SourceError(path, lineno, f"front matter is not valid YAML: {exc}") from None
    meta = _validate_meta(path, meta)

    blocks: list[Block] = []
    para: list[str] = []
    para_line = 0
    levels = [0, 0, 0]
    i = end + 1

    def flush() -> None:
        nonlocal para
        if para:
            blocks.append(Block("para", " ".join(para), para_line))
            para = []

    while i < len(lines):
        raw = lines[i]
        lineno = i + 1
        line = raw.strip()
        _check_printable(path, lineno, line)
        if not line:
            flush()
            i += 1
            continue
        if m := HEADING_RE.match(line):
            flush()
            level = len(m.group(1))
            title = m.group(2).strip()
            if level > 3:
                raise SourceError(path, lineno, "only #, ## and ### headings are supported")
            if TYPED_NUMBER_RE.match(title):
                raise SourceError(
                    path,
                    lineno,
                    f"heading {title!r} has a typed number; remove it (numbers are added)",
                )
            if level > 1 and levels[level - 2] == 0:
                raise SourceError(
                    path,
                    lineno,
                    f"level-{level} heading without a level-{level - 1} heading before",
                )
            levels[level - 1] += 1
            for k in range(level, 3):
                levels[k] = 0
            number = ".".join(str(n) for n in levels[:level]) if meta["numbered"] else ""
            blocks.append(Block("heading", title, lineno, level=level, number=number))
        elif line.startswith("|"):
            flush()
            start = lineno
            table_lines = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                _check_printable(path, i + 1, lines[i])
                table_lines.append(lines[i].strip())
                i += 1
            if len(table_lines) < 2 or not TABLE_SEPARATOR_RE.match(table_lines[1]):
                raise SourceError(
                    path, start, "table needs a header row followed by a '|---|---|' separator row"
                )
            header = _split_cells(table_lines[0])
            rows = [header]
            for k, tl in enumerate(table_lines[2:], start=start + 2):
                cells = _split_cells(tl)
                if len(cells) != len(header):
                    raise SourceError(
                        path, k, f"table row has {len(cells)} cells, header has {len(header)}"
                    )
                rows.append(cells)
            if len(rows) < 2:
                raise SourceError(path, start, "table has a header but no rows")
            blocks.append(Block("table", line=start, rows=rows))
            continue
        elif m := FIGURE_RE.match(line):
            flush()
            kind = m.group(2).strip() or "chart"
            if kind not in ("chart", "box"):
                raise SourceError(
                    path, lineno, f"figure target must be (chart) or (box), not {kind!r}"
                )
            blocks.append(Block("figure", m.group(1).strip(), lineno, figure=kind))
        elif m := BULLET_RE.match(line):
            flush()
            blocks.append(Block("bullet", m.group(1), lineno))
        elif m := NUMBERED_RE.match(line):
            flush()
            blocks.append(Block("numbered", m.group(2), lineno, number=m.group(1)))
        else:
            if not para:
                para_line = lineno
            para.append(line)
        i += 1
    flush()
    if not any(b.kind == "heading" for b in blocks):
        raise SourceError(path, end + 2, "body has no '#' heading")
    return Concept(path, meta, blocks)


# --------------------------------------------------------------------------- styles


@dataclass(frozen=True)
class Look:
    """Everything that differs between the default and the alternative ('alt') rendering."""

    regular: str
    bold: str
    italic: str
    bolditalic: str
    body_size: float
    leading: float
    heading_sizes: tuple[float, float, float]
    margins: tuple[float, float, float, float]  # left, right, top, bottom
    gutter: float
    header_align: str  # left | center | right
    footer: str  # format with {n}
    footer_align: str
    bullet: str
    number_format: str
    heading_color: colors.Color
    table_size: float


LOOKS = {
    "default": Look(
        regular="Helvetica",
        bold="Helvetica-Bold",
        italic="Helvetica-Oblique",
        bolditalic="Helvetica-BoldOblique",
        body_size=10,
        leading=13.5,
        heading_sizes=(16, 13, 11),
        margins=(2.5 * cm, 2.2 * cm, 2.6 * cm, 2.3 * cm),
        gutter=0.8 * cm,
        header_align="left",
        footer="Seite {n}",
        footer_align="right",
        bullet="•",
        number_format="%s.",
        heading_color=colors.HexColor("#1f3d6b"),
        table_size=8.5,
    ),
    "alt": Look(
        regular="Times-Roman",
        bold="Times-Bold",
        italic="Times-Italic",
        bolditalic="Times-BoldItalic",
        body_size=11,
        leading=14,
        heading_sizes=(18, 14, 12),
        margins=(2.0 * cm, 2.0 * cm, 3.0 * cm, 2.0 * cm),
        gutter=1.0 * cm,
        header_align="right",
        footer="{n}",
        footer_align="center",
        bullet="–",
        number_format="%s)",
        heading_color=colors.black,
        table_size=9,
    ),
}


def make_styles(look: Look, two_column: bool) -> dict[str, ParagraphStyle]:
    """Paragraph styles; body text is justified and hyphenated with pyphen's de_DE patterns."""
    body = ParagraphStyle(
        "body",
        fontName=look.regular,
        fontSize=look.body_size,
        leading=look.leading,
        alignment=TA_JUSTIFY,
        spaceAfter=look.body_size * 0.6,
        hyphenationLang="de_DE",
        embeddedHyphenation=1,
        uriWasteReduce=0.3,
    )
    styles = {"body": body}
    styles["item"] = ParagraphStyle("item", parent=body, spaceAfter=look.body_size * 0.25)
    for level, size in enumerate(look.heading_sizes, start=1):
        size = size - (1 if two_column and level > 1 else 0)
        styles[f"h{level}"] = ParagraphStyle(
            f"h{level}",
            fontName=look.bold if level < 3 else look.bolditalic,
            fontSize=size,
            leading=size * 1.25,
            textColor=look.heading_color,
            spaceBefore=size * (0.4 if level == 1 else 0.9),
            spaceAfter=size * 0.5,
            alignment=TA_LEFT,
        )
    tsize = look.table_size
    styles["cell"] = ParagraphStyle(
        "cell",
        fontName=look.regular,
        fontSize=tsize,
        leading=tsize * 1.2,
        alignment=TA_LEFT,
        hyphenationLang="de_DE",
        embeddedHyphenation=1,
    )
    styles["cellhead"] = ParagraphStyle("cellhead", parent=styles["cell"], fontName=look.bold)
    styles["caption"] = ParagraphStyle(
        "caption",
        fontName=look.italic,
        fontSize=look.body_size - 1.5,
        leading=(look.body_size - 1.5) * 1.25,
        alignment=TA_LEFT,
        spaceBefore=3,
        spaceAfter=look.body_size,
    )
    styles["title"] = ParagraphStyle(
        "title",
        fontName=look.bold,
        fontSize=26,
        leading=32,
        textColor=look.heading_color,
        alignment=TA_LEFT,
        spaceAfter=18,
    )
    styles["subtitle"] = ParagraphStyle(
        "subtitle", fontName=look.regular, fontSize=16, leading=20, spaceAfter=48
    )
    styles["titleinfo"] = ParagraphStyle(
        "titleinfo", fontName=look.regular, fontSize=13, leading=18, spaceAfter=6
    )
    styles["tochead"] = ParagraphStyle(
        "tochead",
        fontName=look.bold,
        fontSize=look.heading_sizes[0],
        leading=look.heading_sizes[0] * 1.3,
        textColor=look.heading_color,
        spaceAfter=14,
    )
    return styles


def toc_styles(look: Look) -> list[ParagraphStyle]:
    """Contents entries indented by level; level 1 bold, deeper levels regular."""
    out = []
    for level in range(3):
        out.append(
            ParagraphStyle(
                f"toc{level}",
                fontName=look.bold if level == 0 else look.regular,
                fontSize=look.body_size + (0.5 if level == 0 else 0),
                leading=look.leading + (2 if level == 0 else 0),
                leftIndent=(level + 1) * 0.9 * cm,
                firstLineIndent=-0.9 * cm,
                rightIndent=1.2 * cm,
                spaceBefore=5 if level == 0 else 1,
            )
        )
    return out


# --------------------------------------------------------------------------- flowables


class HeadingPara(Paragraph):
    """A heading paragraph that remembers its index, so its page can be recorded after layout."""

    def __init__(self, markup: str, style: ParagraphStyle, index: int, level: int, toc_text: str):
        super().__init__(markup, style)
        self.truth_index = index
        self.truth_level = level
        self.toc_text = toc_text


class PageMarker(Flowable):
    """A zero-size flowable whose page number is recorded (start/end of the contents pages)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return (0, 0)

    def draw(self) -> None:  # nothing visible
        pass


def figure_drawing(caption: str, kind: str, width: float, look: Look) -> Drawing:
    """A small bar chart (heights derived from the caption: rebuilds stay identical) or grey box."""
    height = 4.2 * cm
    d = Drawing(width, height)
    if kind == "box":
        d.add(Rect(0, 0, width, height, fillColor=colors.HexColor("#d9d9d9"), strokeColor=None))
        return d
    digest = hashlib.sha256(caption.encode("utf-8")).digest()
    n = 6 + digest[0] % 4
    values = [0.25 + 0.75 * (digest[k + 1] / 255) for k in range(n)]
    values = sorted(values) if digest[-1] % 2 else values
    x0, y0 = 0.6 * cm, 0.3 * cm
    plot_w, plot_h = width - x0 - 0.2 * cm, height - y0 - 0.3 * cm
    d.add(Line(x0, y0, x0 + plot_w, y0, strokeColor=colors.black, strokeWidth=0.6))
    d.add(Line(x0, y0, x0, y0 + plot_h, strokeColor=colors.black, strokeWidth=0.6))
    for k in range(1, 4):
        y = y0 + plot_h * k / 4
        d.add(Line(x0, y, x0 + plot_w, y, strokeColor=colors.HexColor("#cccccc"), strokeWidth=0.3))
    slot = plot_w / n
    fill = look.heading_color if look.heading_color != colors.black else colors.HexColor("#555555")
    for k, v in enumerate(values):
        d.add(
            Rect(
                x0 + k * slot + slot * 0.18,
                y0,
                slot * 0.64,
                plot_h * v,
                fillColor=fill,
                strokeColor=None,
            )
        )
    return d


class Figure(Flowable):
    """A chart with its caption below, moved as one unsplittable block (no KeepTogether, which
    would emit frame breaks that balanced columns cannot take)."""

    def __init__(self, caption: str, kind: str, width: float, look: Look, style: ParagraphStyle):
        super().__init__()
        self.drawing = figure_drawing(caption, kind, width * 0.95, look)
        self.caption = Paragraph(escape(caption), style)
        self.spaceBefore = 4
        self.spaceAfter = style.spaceAfter
        self._gap = style.spaceBefore

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        _, self._cap_h = self.caption.wrap(availWidth, availHeight)
        self.width = availWidth
        self.height = self.drawing.height + self._gap + self._cap_h
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        return []

    def draw(self) -> None:
        self.drawing.drawOn(self.canv, 0, self._cap_h + self._gap)
        self.caption.drawOn(self.canv, 0, 0)


def measure_table(rows: list[list[str]], width: float, styles: dict[str, ParagraphStyle]) -> Table:
    """A measures table: header row repeated on each page, grid lines, wrapped Paragraph cells."""
    ncol = len(rows[0])
    pad = 6.5
    # every column at least as wide as its longest word (else reportlab breaks words letter by
    # letter); what is left is shared by the amount of text in each column
    min_w = []
    for col in range(ncol):
        widest = 0.0
        for r, row in enumerate(rows):
            st = styles["cellhead" if r == 0 else "cell"]
            for word in row[col].split():
                widest = max(widest, stringWidth(word, st.fontName, st.fontSize))
        min_w.append(min(widest + pad, width * 0.45))
    text_len = [sum(len(row[col]) for row in rows) + 20 for col in range(ncol)]
    spare = width - sum(min_w)
    if spare > 0:
        col_widths = [m + spare * t / sum(text_len) for m, t in zip(min_w, text_len, strict=True)]
    else:
        col_widths = [m * width / sum(min_w) for m in min_w]
    data = [[Paragraph(escape(c), styles["cellhead"]) for c in rows[0]]]
    data += [[Paragraph(escape(c), styles["cell"]) for c in row] for row in rows[1:]]
    table = Table(data, colWidths=col_widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#555555")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde3ec")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


# --------------------------------------------------------------------------- document


class ConceptDoc(BaseDocTemplate):
    """Doc template that records heading pages and feeds the contents page (afterFlowable hook)."""

    def __init__(self, filename: Any, concept: Concept, look: Look, **kw: Any) -> None:
        meta = concept.meta
        super().__init__(
            filename,
            pagesize=A4,
            leftMargin=look.margins[0],
            rightMargin=look.margins[1],
            topMargin=look.margins[2],
            bottomMargin=look.margins[3],
            title=meta["title"],
            author=meta["kreis"],
            subject="Integrationskonzept",
            creator="konzeptanalyse tools/build_corpus.py",
            invariant=1,
            **kw,
        )
        self.concept = concept
        self.look = look
        self.heading_pages: dict[int, int] = {}
        self.marker_pages: dict[str, int] = {}
        self._make_templates()

    def _make_templates(self) -> None:
        """Title page without decoration; all other pages one frame with header and footer.

        Two-column text is laid out inside that frame by BalancedColumns (see build_story).
        """
        x, y, w, h = self.leftMargin, self.bottomMargin, self.width, self.height

        def frame(fid: str) -> Frame:
            return Frame(x, y, w, h, id=fid, leftPadding=0, rightPadding=0)

        self.addPageTemplates(
            [
                PageTemplate("title", [frame("title")]),
                PageTemplate("single", [frame("main")], onPage=self._decorate),
            ]
        )

    def _decorate(self, canv: Any, doc: BaseDocTemplate) -> None:
        """Running header with a rule below it, and the page number footer."""
        look = self.look
        page_w = A4[0]
        left, right = self.leftMargin, page_w - self.rightMargin
        top_y = A4[1] - self.topMargin + 1.0 * cm
        canv.saveState()
        canv.setFont(look.italic if look.header_align == "right" else look.regular, 8.5)
        canv.setFillColor(colors.HexColor("#444444"))
        header = self.concept.meta["running_header"]
        if look.header_align == "left":
            canv.drawString(left, top_y, header)
        elif look.header_align == "right":
            canv.drawRightString(right, top_y, header)
        else:
            canv.drawCentredString((left + right) / 2, top_y, header)
        canv.setStrokeColor(colors.HexColor("#888888"))
        canv.setLineWidth(0.5)
        canv.line(left, top_y - 4, right, top_y - 4)
        foot_y = self.bottomMargin - 1.1 * cm
        canv.setFont(look.regular, 9)
        label = look.footer.format(n=canv.getPageNumber())
        if look.footer_align == "right":
            canv.drawRightString(right, foot_y, label)
        else:
            canv.drawCentredString((left + right) / 2, foot_y, label)
        canv.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab hook name)
        page = self.page
        if isinstance(flowable, KeepInFrame):
            # BalancedColumns draws each column's content inside a KeepInFrame
            for inner in flowable._content:
                self.afterFlowable(inner)
        elif isinstance(flowable, HeadingPara):
            self.heading_pages[flowable.truth_index] = page
            self.notify("TOCEntry", (flowable.truth_level - 1, flowable.toc_text, page))
        elif isinstance(flowable, PageMarker):
            self.marker_pages[flowable.name] = page


def build_story(doc: ConceptDoc, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Title page, optional contents page, then the body blocks as flowables."""
    c, look = doc.concept, doc.look
    meta = c.meta
    two = meta["layout"] == "two-column"
    frame_w = (doc.width - look.gutter) / 2 if two else doc.width

    story: list[Flowable] = [Spacer(1, 5 * cm), Paragraph(escape(meta["title"]), styles["title"])]
    if meta.get("subtitle"):
        story.append(Paragraph(escape(meta["subtitle"]), styles["subtitle"]))
    else:
        story.append(Spacer(1, 48))
    story += [
        Paragraph(escape(meta["kreis"]), styles["titleinfo"]),
        Paragraph(f"Stand: {meta['year']}", styles["titleinfo"]),
    ]
    if meta["toc"]:
        story += [NextPageTemplate("single"), PageBreak()]
        toc = TableOfContents(dotsMinLevel=0)
        toc.levelStyles = toc_styles(look)
        story += [
            Paragraph("Inhalt", styles["tochead"]),
            PageMarker("toc_start"),
            toc,
            PageMarker("toc_end"),
        ]
    story += [NextPageTemplate("single"), PageBreak()]

    # two-column: each chapter heading spans the page, the chapter's content follows in two
    # balanced columns (so a new chapter can start mid-page below the previous one's columns)
    chapter: list[Flowable] = []
    flow = chapter if two else story
    pending_list: list[Block] = []

    def flush_chapter() -> None:
        if two and chapter:
            story.append(
                BalancedColumns(list(chapter), nCols=2, innerPadding=look.gutter, spaceAfter=6)
            )
            chapter.clear()

    def flush_list() -> None:
        if not pending_list:
            return
        kind = pending_list[0].kind
        items = [
            ListItem(Paragraph(escape(b.text), styles["item"]), leftIndent=14) for b in pending_list
        ]
        if kind == "bullet":
            lf = ListFlowable(
                items,
                bulletType="bullet",
                start=look.bullet,
                leftIndent=14,
                bulletFontSize=9,
                bulletFontName=look.regular,
            )
        else:
            lf = ListFlowable(
                items,
                bulletType="1",
                start=int(pending_list[0].number),
                bulletFormat=look.number_format,
                leftIndent=16,
                bulletFontName=look.regular,
                bulletFontSize=look.body_size,
            )
        flow.append(lf)
        flow.append(Spacer(1, look.body_size * 0.5))
        pending_list.clear()

    seen_first_heading = False
    for index, b in enumerate(c.blocks):
        if b.kind in ("bullet", "numbered"):
            if pending_list and pending_list[0].kind != b.kind:
                flush_list()
            pending_list.append(b)
            continue
        flush_list()
        if b.kind == "heading":
            label = f"{b.number} {b.text}" if b.number else b.text
            head = HeadingPara(escape(label), styles[f"h{b.level}"], index, b.level, escape(label))
            if b.level == 1:
                flush_chapter()
                if seen_first_heading:
                    story.append(CondPageBreak(0.25 * doc.height))
                story.append(head)
            else:
                # keep a heading off the bottom of a column: break the frame unless the heading
                # and a few lines below it fit (cheaper in space than keepWithNext)
                # (inside balanced columns frame breaks are not allowed, so no CondPageBreak or
                # keepWithNext there: a heading may end a column, as in many real layouts)
                if two:
                    flow.append(head)
                else:
                    if c.blocks[index - 1].kind != "heading":  # first of a run of headings
                        need = 6 * look.leading
                        for nb in c.blocks[index:]:
                            if nb.kind != "heading":
                                break
                            need += styles[f"h{nb.level}"].leading * 2
                        flow.append(CondPageBreak(need))
                    flow.append(head)
            seen_first_heading = True
        elif b.kind == "para":
            flow.append(Paragraph(escape(b.text), styles["body"]))
        elif b.kind == "table":
            if two:  # tables span both columns, between two blocks of balanced columns
                flush_chapter()
                story.append(Spacer(1, 4))
                story.append(measure_table(b.rows, doc.width, styles))
                story.append(Spacer(1, look.body_size))
            else:
                flow.append(measure_table(b.rows, doc.width, styles))
                flow.append(Spacer(1, look.body_size))
        elif b.kind == "figure":
            flow.append(Figure(b.text, b.figure, frame_w, look, styles["caption"]))
    flush_list()
    flush_chapter()
    return story


def render(concept: Concept, out_pdf: Path, look: Look) -> dict[str, Any]:
    """Render one concept to out_pdf and return its truth dict (headings with pages etc.)."""
    buf = io.BytesIO()
    doc = ConceptDoc(buf, concept, look)
    styles = make_styles(look, concept.meta["layout"] == "two-column")
    story = build_story(doc, styles)
    if concept.meta["toc"]:
        doc.multiBuild(story, maxPasses=10)
    else:
        doc.build(story)
    data = buf.getvalue()
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    out_pdf.write_bytes(data)

    headings = []
    for index, b in enumerate(concept.blocks):
        if b.kind == "heading":
            headings.append(
                {
                    "text": b.text,
                    "number": b.number,
                    "level": b.level,
                    "page": doc.heading_pages[index],
                }
            )
    toc_pages: list[int] = []
    if concept.meta["toc"]:
        toc_pages = list(range(doc.marker_pages["toc_start"], doc.marker_pages["toc_end"] + 1))
    return {
        "id": concept.id,
        "file": out_pdf.name,
        "title": concept.meta["title"],
        "subtitle": concept.meta.get("subtitle") or "",
        "pages": doc.page,
        "toc_pages": toc_pages,
        "running_header": concept.meta["running_header"],
        "headings": headings,
        "body": concept.truth_body(),
        "captions": concept.captions(),
    }


def write_manifest(concepts: list[Concept], path: Path) -> None:
    """manifest.csv, one row per concept sorted by id, UTF-8, comma separated."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for c in sorted(concepts, key=lambda c: c.id):
            writer.writerow(c.manifest_row())


def write_truth(truth: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def build_corpus(
    src: Path,
    out: Path,
    style: str = "default",
    truth_dir: Path | None = None,
    only: list[str] | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Render every src/*.md into out/<id>.pdf, out/manifest.csv and truth_dir/<id>.json.

    Returns (truth dicts of the rendered files, error messages). A bad source file is reported
    and skipped; the others are still rendered and listed in the manifest.
    """
    look = LOOKS[style]
    truth_dir = truth_dir if truth_dir is not None else out / "truth"
    sources = sorted(src.glob("*.md"))
    concepts: list[Concept] = []
    errors: list[str] = []
    for path in sources:
        try:
            concepts.append(parse_source(path))
        except SourceError as exc:
            errors.append(str(exc))
    results = []
    for c in concepts:
        if only and c.id not in only:
            continue
        try:
            truth = render(c, out / f"{c.id}.pdf", look)
        except Exception as exc:  # layout errors from reportlab: name the file
            errors.append(f"{c.path}: rendering failed: {type(exc).__name__}: {exc}")
            continue
        write_truth(truth, truth_dir / f"{c.id}.json")
        results.append(truth)
    if concepts:
        write_manifest(concepts, out / "manifest.csv")
    return results, errors


# --------------------------------------------------------------------------- scanned sample

SCANNED_TEXT = [
    ("h", "3 Sprache und Bildung"),
    (
        "p",
        "Die Sprachförderung ist ein zentraler Baustein des Integrationskonzepts. Im Landkreis "
        "bestehen Integrationskurse an vier Standorten, ergänzt durch ehrenamtliche Sprachcafés "
        "und berufsbezogene Deutschkurse.",
    ),
    (
        "p",
        "Ziel ist es, allen Einwohnerinnen und Einwohnern einen wohnortnahen Zugang zu "
        "Bildungsangeboten zu ermöglichen, unabhängig von ihrer Herkunft.",
    ),
    ("b", "Kinderbetreuung während der Kurszeiten anbieten"),
    ("b", "Sprach- und Kulturmittler für Elterngespräche in Schulen einsetzen"),
    ("b", "Beratung zur Anerkennung ausländischer Abschlüsse ausbauen"),
]


def build_scanned(out_pdf: Path, dpi: int = 200) -> dict[str, Any]:
    """Write a one-page image-only PDF (text rendered to a grey image) plus OUT.json with its text.

    The page is typeset with reportlab, rasterised with pypdfium2, slightly rotated like a
    scanner would, and placed as a single image, so the PDF has no text layer at all.
    """
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    look = LOOKS["default"]
    styles = make_styles(look, two_column=False)
    story: list[Flowable] = []
    for kind, text in SCANNED_TEXT:
        if kind == "h":
            story.append(Paragraph(escape(text), styles["h1"]))
        elif kind == "p":
            story.append(Paragraph(escape(text), styles["body"]))
        else:
            story.append(
                ListFlowable(
                    [ListItem(Paragraph(escape(text), styles["item"]), leftIndent=14)],
                    bulletType="bullet",
                    start="•",
                    leftIndent=14,
                )
            )
    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=A4, invariant=1)
    doc.addPageTemplates(
        [PageTemplate("p", [Frame(2.5 * cm, 2.5 * cm, A4[0] - 5 * cm, A4[1] - 5 * cm)])]
    )
    doc.build(story)

    pdf = pdfium.PdfDocument(buf.getvalue())
    try:
        page = pdf[0]
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        page.close()
    finally:
        pdf.close()
    image = image.rotate(0.4, fillcolor=255, expand=False)

    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    img_buf = io.BytesIO()
    image.save(img_buf, format="PNG", optimize=True)
    pdf_buf = io.BytesIO()
    canv = canvas.Canvas(pdf_buf, pagesize=A4, invariant=1)
    canv.drawImage(ImageReader(io.BytesIO(img_buf.getvalue())), 0, 0, width=A4[0], height=A4[1])
    canv.showPage()
    canv.save()
    out_pdf.write_bytes(pdf_buf.getvalue())
    truth = {
        "file": out_pdf.name,
        "pages": 1,
        "dpi": dpi,
        "lines": [text for _, text in SCANNED_TEXT],
    }
    write_truth(truth, out_pdf.with_suffix(".json"))
    return truth


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", type=Path, default=Path("corpus/src"), help="folder of <id>.md")
    parser.add_argument("--out", type=Path, default=Path("corpus"), help="folder for PDFs+manifest")
    parser.add_argument(
        "--truth-dir", type=Path, default=None, help="folder for <id>.json (default: OUT/truth)"
    )
    parser.add_argument("--style", choices=sorted(LOOKS), default="default")
    parser.add_argument(
        "--only", action="append", default=None, metavar="ID", help="render only ID"
    )
    parser.add_argument(
        "--scanned",
        type=Path,
        default=None,
        metavar="OUT.pdf",
        help="write an image-only sample PDF (for OCR tests) and stop",
    )
    args = parser.parse_args(argv)

    if args.scanned is not None:
        build_scanned(args.scanned)
        print(f"{args.scanned}: 1 page, {args.scanned.stat().st_size / 1024:.0f} KB (image only)")
        return 0
    if not args.src.is_dir():
        print(
            f"error: {args.src}: no such folder — pass --src with the folder of <id>.md files",
            file=sys.stderr,
        )
        return 2
    results, errors = build_corpus(args.src, args.out, args.style, args.truth_dir, args.only)
    for t in results:
        pdf = args.out / t["file"]
        note = ""
        if not PAGE_RANGE[0] <= t["pages"] <= PAGE_RANGE[1]:
            note = f"  (warning: outside {PAGE_RANGE[0]}–{PAGE_RANGE[1]} pages)"
        print(f"{t['file']:<28} {t['pages']:>3} pages {pdf.stat().st_size / 1024:>7.1f} KB{note}")
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    if not results and not errors:
        print(f"error: {args.src}: no *.md sources found", file=sys.stderr)
        return 1
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
