"""Plain data that flows between the pipeline steps.

ingest → ``Document`` (pages of ``Line``) → sections → ``Section`` with ``Paragraph`` →
segments → ``Segment`` → codebook matching → ``Tag``.

Everything here is a dataclass with ``to_dict``/``from_dict`` so it can be cached as JSON,
shipped to a worker process and inspected in a REPL. No behaviour beyond (de)serialisation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

#: Section kinds, in the order a typical concept has them.
SECTION_KINDS = (
    "front",  # title page and anything before the first heading
    "contents",  # Inhaltsverzeichnis
    "foreword",  # Vorwort, Grußwort
    "introduction",  # Einleitung, Ausgangslage, Daten
    "understanding",  # Leitbild, Leitlinien, Integrationsverständnis, Grundsätze, Präambel
    "action_field",  # one chapter per Handlungsfeld
    "measures",  # Maßnahmen lists and tables
    "implementation",  # Umsetzung, Steuerung, Monitoring, Evaluation, Beteiligungsprozess
    "annex",  # Anhang, Quellen, Glossar, Impressum
    "other",
)

#: Paragraph kinds: measures live in list items and table rows, so they stay separate.
PARAGRAPH_KINDS = ("text", "list_item", "table_row", "caption")

#: Segment kinds.
SEGMENT_KINDS = ("heading", "sentence", "list_item", "table_row")


def _from_dict(cls, data: dict[str, Any]):
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Line:
    """One visual text line of a page, already cleaned (ligatures, soft hyphens)."""

    text: str
    x0: float
    x1: float
    top: float  # distance from the top of the page, in PDF points
    bottom: float
    size: float  # dominant font size of the line
    bold: bool = False
    column: int = 0  # 0 = full width or left column, 1 = right column

    to_dict = asdict

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Line:
        return _from_dict(cls, data)


@dataclass
class PageQuality:
    """How trustworthy the text of one page is; travels into every table."""

    page: int  # 1-based
    chars: int = 0
    replacement_chars: int = 0  # U+FFFD: broken font maps
    repairs: int = 0  # hyphen joins, ligatures and soft hyphens fixed
    columns: int = 1
    ocr: bool = False
    no_text: bool = False  # no text layer and no OCR: reported, never silently empty

    to_dict = asdict

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PageQuality:
        return _from_dict(cls, data)


@dataclass
class Paragraph:
    text: str
    page: int
    kind: str = "text"  # one of PARAGRAPH_KINDS

    to_dict = asdict

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paragraph:
        return _from_dict(cls, data)


@dataclass
class Section:
    """A heading and the paragraphs up to the next heading (flat list; ``level`` gives the tree)."""

    heading: str
    level: int  # 1 = chapter; 0 = front matter before any heading
    page: int
    kind: str = "other"  # one of SECTION_KINDS
    number: str = ""  # printed numbering such as "3.2", empty when unnumbered
    path: str = ""  # "3 Handlungsfelder > 3.2 Sprache": headings of the ancestors and itself
    source: str = ""  # how the heading was found: font, numbering, contents, outline
    paragraphs: list[Paragraph] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Section:
        section = _from_dict(cls, data)
        section.paragraphs = [Paragraph.from_dict(p) for p in data.get("paragraphs", [])]
        return section


@dataclass
class TocEntry:
    """One line of the printed contents page."""

    title: str
    page: int | None
    level: int
    number: str = ""
    matched: bool = False  # reconciled with a heading found in the body

    to_dict = asdict

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TocEntry:
        return _from_dict(cls, data)


@dataclass
class Document:
    """One PDF after ingest and sectioning. ``doc_id`` is the first 12 hex digits of sha256."""

    file: str  # file name as given (not the full path: results must not depend on where)
    sha256: str
    page_count: int
    title: str = ""
    quality: list[PageQuality] = field(default_factory=list)
    toc: list[TocEntry] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    extractor: str = ""  # extractor name and version, part of the cache key

    @property
    def doc_id(self) -> str:
        return self.sha256[:12]

    @property
    def ocr_pages(self) -> int:
        return sum(q.ocr for q in self.quality)

    @property
    def empty_pages(self) -> int:
        return sum(q.no_text for q in self.quality)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "page_count": self.page_count,
            "title": self.title,
            "extractor": self.extractor,
            "warnings": list(self.warnings),
            "quality": [q.to_dict() for q in self.quality],
            "toc": [t.to_dict() for t in self.toc],
            "sections": [s.to_dict() for s in self.sections],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        return cls(
            file=data["file"],
            sha256=data["sha256"],
            page_count=data["page_count"],
            title=data.get("title", ""),
            extractor=data.get("extractor", ""),
            warnings=list(data.get("warnings", [])),
            quality=[PageQuality.from_dict(q) for q in data.get("quality", [])],
            toc=[TocEntry.from_dict(t) for t in data.get("toc", [])],
            sections=[Section.from_dict(s) for s in data.get("sections", [])],
        )


@dataclass
class Segment:
    """The unit that is coded: a sentence, list item, table row or heading."""

    doc_id: str
    segment_id: str  # f"{doc_id}-{n:05d}", n in document order
    section_index: int  # index into Document.sections
    section_path: str
    section_kind: str
    page: int
    kind: str  # one of SEGMENT_KINDS
    text: str
    start: int = 0  # character offset of text inside its paragraph
    end: int = 0

    to_dict = asdict

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Segment:
        return _from_dict(cls, data)


@dataclass
class Tag:
    """One code assigned to a span of a segment's text by one codebook rule."""

    code: str
    label: str
    dimension: str  # handlungsfeld, massnahme, zielgruppe, verstaendnis, struktur, ...
    rule: str  # rule id from the codebook, e.g. "hf.sprache/term:Sprachförderung"
    matched: str  # the surface form as it stands in the text
    start: int  # character offsets inside the segment text
    end: int
    weight: float = 1.0

    to_dict = asdict

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tag:
        return _from_dict(cls, data)
