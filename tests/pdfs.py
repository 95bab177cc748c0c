"""Small fixture PDFs for the ingest and sections tests, built with reportlab in tmp dirs.

Two builders: ``canvas_pdf`` places exact lines (for hyphen and layout rules that need a line
break at a known place), ``concept_pdf`` flows a small concept through platypus frames with a
running header, page numbers, one or two columns, lists and tables (closer to a real document).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

WIDTH, HEIGHT = A4


@dataclass
class Text:
    """One line placed at (x, y from the top) in a font."""

    x: float
    y: float
    text: str
    size: float = 10
    font: str = "Helvetica"


def canvas_pdf(
    path: Path,
    pages: list[list[Text]],
    *,
    header: str = "",
    numbers: bool = False,
    outline: list[tuple[str, int, int]] = (),
):
    """Write lines at exact positions; optional running header, "Seite N" footer and a PDF
    outline given as (title, level 0-based, page 1-based)."""
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    for n, lines in enumerate(pages, start=1):
        for i, (title, level, page) in enumerate(outline):
            if page == n:
                canvas.bookmarkPage(f"o{i}")
                canvas.addOutlineEntry(title, f"o{i}", level=level)
        if header:
            canvas.setFont("Helvetica", 8)
            canvas.drawString(56, HEIGHT - 30, header)
        if numbers:
            canvas.setFont("Helvetica", 8)
            canvas.drawRightString(WIDTH - 56, 30, f"Seite {n}")
        for line in lines:
            canvas.setFont(line.font, line.size)
            canvas.drawString(line.x, HEIGHT - line.y, line.text)
        canvas.showPage()
    canvas.save()
    return path


# --------------------------------------------------------------------------- platypus concept
@dataclass
class Block:
    """One element of a concept: heading (level 1-3), para, bullet, table, caption, break."""

    kind: str
    text: str = ""
    level: int = 1
    rows: list[list[str]] = field(default_factory=list)


def H(level: int, text: str) -> Block:  # noqa: N802 - reads like markup in the tests
    return Block("heading", text, level)


def P(text: str) -> Block:  # noqa: N802
    return Block("para", text)


def LI(text: str) -> Block:  # noqa: N802
    return Block("bullet", text)


def TABLE(rows: list[list[str]]) -> Block:  # noqa: N802
    return Block("table", rows=rows)


def CAPTION(text: str) -> Block:  # noqa: N802
    return Block("caption", text)


PAGEBREAK = Block("pagebreak")

_BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13, spaceAfter=6)
_JUST = ParagraphStyle(
    "just",
    parent=_BODY,
    alignment=4,
    hyphenationLang="de_DE",
    embeddedHyphenation=1,
    uriWasteReduce=0.3,
)
_BULLET = ParagraphStyle("bullet", parent=_BODY, leftIndent=14, bulletIndent=3, spaceAfter=3)
_CELL = ParagraphStyle("cell", parent=_BODY, fontSize=8.5, leading=10, spaceAfter=0)
_CAPTION = ParagraphStyle("caption", parent=_BODY, fontName="Helvetica-Oblique", fontSize=8.5)
_HEAD = {
    1: ParagraphStyle(
        "h1",
        parent=_BODY,
        fontName="Helvetica-Bold",
        fontSize=16,
        leading=20,
        spaceBefore=10,
        spaceAfter=8,
    ),
    2: ParagraphStyle(
        "h2",
        parent=_BODY,
        fontName="Helvetica-Bold",
        fontSize=13,
        leading=16,
        spaceBefore=8,
        spaceAfter=6,
    ),
    3: ParagraphStyle(
        "h3",
        parent=_BODY,
        fontName="Helvetica-Bold",
        fontSize=11,
        leading=14,
        spaceBefore=6,
        spaceAfter=4,
    ),
}


class _Contents(Flowable):
    """A printed contents page: indented titles, dot leaders, right-aligned page numbers."""

    def __init__(self, entries: list[tuple[int, str, int]], width: float) -> None:
        super().__init__()
        self.entries, self.width, self.height = entries, width, 18 * len(entries)

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFont("Helvetica", 10)
        dot = stringWidth(".", "Helvetica", 10)
        for n, (level, text, page) in enumerate(self.entries):
            y = self.height - 18 * (n + 1) + 4
            x = 14 * (level - 1)
            canvas.drawString(x, y, text)
            start = x + stringWidth(text + " ", "Helvetica", 10)
            end = self.width - 24
            canvas.drawString(start, y, "." * int((end - start) / dot))
            canvas.drawRightString(self.width, y, str(page))


def concept_pdf(
    path: Path,
    blocks: list[Block],
    *,
    columns: int = 1,
    header: str = "",
    page_numbers: str = "Seite {n}",
    numbered: bool = False,
    toc: list[tuple[int, str, int]] | None = None,
    title: str = "",
) -> Path:
    """Render a small concept: optional title page, contents page, then the blocks.

    ``toc`` is a list of (level, text, page) printed as a contents page with dot leaders;
    ``numbered`` prefixes headings with 1, 1.1, 1.1.1.
    """
    margin = 56

    def decorate(canvas, doc):
        canvas.saveState()
        if header and doc.page > (1 if title else 0):
            canvas.setFont("Helvetica", 8)
            canvas.drawString(margin, HEIGHT - 34, header)
        if page_numbers and doc.page > (1 if title else 0):
            canvas.setFont("Helvetica", 8)
            canvas.drawCentredString(WIDTH / 2, 30, page_numbers.format(n=doc.page))
        canvas.restoreState()

    body_h = HEIGHT - 2 * margin - 20
    one = Frame(margin, margin, WIDTH - 2 * margin, body_h, id="one")
    gutter = 24
    col_w = (WIDTH - 2 * margin - gutter) / 2
    left = Frame(margin, margin, col_w, body_h, id="left")
    right = Frame(margin + col_w + gutter, margin, col_w, body_h, id="right")
    doc = BaseDocTemplate(str(path), pagesize=A4, invariant=1)
    doc.addPageTemplates(
        [
            PageTemplate("one", [one], onPage=decorate),
            PageTemplate("two", [left, right], onPage=decorate),
        ]
    )
    story: list = []
    if title:
        story += [Spacer(1, 200), Paragraph(title, _HEAD[1]), PageBreak()]
    if toc:
        story.append(Paragraph("Inhaltsverzeichnis", _HEAD[1]))
        story.append(_Contents(toc, WIDTH - 2 * margin - 12))
        story.append(PageBreak())
    if columns == 2:
        story.insert(0, NextPageTemplate("two"))
    counters = [0, 0, 0]
    for block in blocks:
        if block.kind == "heading":
            text = block.text
            if numbered:
                counters[block.level - 1] += 1
                for i in range(block.level, 3):
                    counters[i] = 0
                text = ".".join(str(c) for c in counters[: block.level]) + " " + text
            story.append(Paragraph(text, _HEAD[block.level]))
        elif block.kind == "para":
            story.append(Paragraph(block.text, _JUST))
        elif block.kind == "bullet":
            story.append(Paragraph(block.text, _BULLET, bulletText="•"))
        elif block.kind == "caption":
            story.append(Paragraph(block.text, _CAPTION))
        elif block.kind == "table":
            data = [[Paragraph(c, _CELL) for c in row] for row in block.rows]
            table = Table(data, repeatRows=1)
            table.setStyle(
                TableStyle(
                    [("GRID", (0, 0), (-1, -1), 0.5, "grey"), ("VALIGN", (0, 0), (-1, -1), "TOP")]
                )
            )
            story += [table, Spacer(1, 8)]
        elif block.kind == "pagebreak":
            story.append(PageBreak())
    doc.build(story)
    return path


def filler(seed: int, words: int = 60) -> str:
    """Deterministic German-looking body text (own words) for filling columns."""
    vocab = (
        "Integration gelingt vor Ort wenn Verwaltung Vereine und Nachbarschaften gemeinsam "
        "Angebote entwickeln die allen Menschen offenstehen der Landkreis fördert Beratung "
        "Sprachkurse Begegnung und Teilhabe in Schule Ausbildung Arbeit und Wohnen dabei "
        "werden Erfahrungen aus den Gemeinden ausgewertet und regelmäßig fortgeschrieben "
        "Integrationskursträger Migrantenselbstorganisationen Beratungsangebote "
        "Willkommenskultur Sprachförderprogramme Ausbildungsplatzvermittlung"
    ).split()
    out = []
    state = seed * 7919 + 13
    for _ in range(words):
        state = (state * 1103515245 + 12345) % (2**31)
        out.append(vocab[state % len(vocab)])
    text = " ".join(out)
    return text[0].upper() + text[1:] + "."


# --------------------------------------------------------------------------- fonts and scans
def dejavu() -> str:
    """Register matplotlib's bundled DejaVu Sans (a TrueType font with ligature glyphs)."""
    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
        pdfmetrics.registerFont(TTFont("DejaVu", str(path)))
    return "DejaVu"


def image_pdf(path: Path, pages: list[list[str]]) -> Path:
    """An image-only ("scanned") PDF: each page's lines drawn into a 200 dpi bitmap."""
    import matplotlib
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader

    font_path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    font = ImageFont.truetype(str(font_path), 36)
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    for lines in pages:
        image = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
        draw = ImageDraw.Draw(image)
        for n, text in enumerate(lines):
            draw.text((160, 200 + 60 * n), text, fill=0, font=font)
        canvas.drawImage(ImageReader(image), 0, 0, width=WIDTH, height=HEIGHT)
        canvas.showPage()
    canvas.save()
    return path
