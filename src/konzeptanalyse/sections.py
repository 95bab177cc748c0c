"""Ordered lines → a flat list of sections with levels, paths and kinds.

Headings come from four clues, strongest first: the PDF outline (bookmarks), the printed
contents page (parsed into ``TocEntry`` and reconciled with the body: an entry confirms a
heading and gives its level), printed numbering ("3.2 Sprache" is level 2) and the font
(larger or bold lines relative to the body text; styles ranked by size). The contents page is
its own section of kind "contents" and its lines never become body text. Each section's
``kind`` comes from the heading words in ``codebook/sections.yaml`` (data, not code).
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz

from .ingest.clean import BULLET_RE, is_caption, join_lines
from .ingest.paragraphs import build_paragraphs, group_rows, measure_layout
from .ingest.pdf import RawDocument, TextLine
from .model import SECTION_KINDS, Section, TocEntry

DEFAULT_KINDS_FILE = Path(__file__).resolve().parents[2] / "codebook" / "sections.yaml"

_NUMBER = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,4})\.?\s+(?P<title>\S.*)$")
_NUMBER_ONLY = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,4}\.?$")
_TOC_TITLE = re.compile(r"^(?:inhalt|inhaltsverzeichnis|inhaltsübersicht|gliederung)$", re.I)
_TOC_ENTRY = re.compile(
    r"^(?:(?P<num>\d{1,2}(?:\.\d{1,2}){0,4})\.?\s+)?(?P<title>.*?\w.*?)"
    r"(?P<leader>\s*(?:[.…·_]\s*){2,}|\s+)(?P<page>\d{1,4})$"
)
_ENTRY_END = re.compile(r"(?:[.…·_]\s*){3,}\d+$|\s\d+$")
_LEADER_END = re.compile(r"(?:[.…·_]\s*){4,}\d+$")
_META_JUNK = re.compile(r"^(?:\(anonymous\)|untitled|unbenannt|microsoft word.*|.*\.docx?)$", re.I)


# --------------------------------------------------------------------------- kinds (YAML)
@dataclass(frozen=True)
class SectionKinds:
    """Compiled heading patterns per kind, read from codebook/sections.yaml."""

    order: tuple[str, ...]
    patterns: dict[str, tuple[re.Pattern[str], ...]]
    inherit: dict[str, tuple[str, ...]]
    table_headers: tuple[re.Pattern[str], ...]

    def match(self, heading: str) -> str:
        """First kind in ``order`` whose pattern occurs in the heading; "" when none."""
        text = heading.casefold()
        for kind in self.order:
            if any(p.search(text) for p in self.patterns.get(kind, ())):
                return kind
        return ""


def _compile(pattern: str) -> re.Pattern[str]:
    words = []
    for word in pattern.casefold().split():
        if word == "*":
            words.append(r".+?")
        else:
            words.append(r"\w*".join(re.escape(part) for part in word.split("*")))
    return re.compile(r"(?<!\w)" + r"[\s-]+".join(words) + r"(?!\w)")


def load_section_kinds(path: Path | None = None) -> SectionKinds:
    """Read and check the section-kind keywords; errors name the file and the bad entry.

    Default: $KONZEPT_SECTIONS, else codebook/sections.yaml of the repository. Parsed once per
    file version (path and modification time)."""
    path = Path(path or os.environ.get("KONZEPT_SECTIONS") or DEFAULT_KINDS_FILE)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise ValueError(f"{path}: cannot read section kinds ({exc.strerror})") from exc
    return _load_section_kinds(path, stamp)


@lru_cache(maxsize=8)
def _load_section_kinds(path: Path, stamp: int) -> SectionKinds:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read section kinds ({exc})") from exc
    kinds = data.get("kinds") or {}
    for kind in [*kinds, *data.get("order", []), *(data.get("inherit") or {})]:
        if kind not in SECTION_KINDS:
            raise ValueError(f"{path}: unknown section kind {kind!r} (use one of {SECTION_KINDS})")
    return SectionKinds(
        order=tuple(data.get("order") or kinds),
        patterns={k: tuple(_compile(p) for p in v or ()) for k, v in kinds.items()},
        inherit={k: tuple(v or ()) for k, v in (data.get("inherit") or {}).items()},
        table_headers=tuple(_compile(p) for p in data.get("measures_table_headers") or ()),
    )


# --------------------------------------------------------------------------- headings
@dataclass
class _Heading:
    lines: list[TextLine]
    text: str
    number: str = ""
    level: int = 0
    source: str = "font"
    toc_level: int = 0

    @property
    def style(self) -> tuple[float, bool]:
        line = self.lines[0]
        return (round(line.size * 2) / 2, line.bold)

    @property
    def page(self) -> int:
        return self.lines[0].page


@dataclass
class Sectioned:
    """What ``section_lines`` gives back to ``load_document``."""

    sections: list[Section]
    toc: list[TocEntry]
    title: str
    repairs: Counter[int] = field(default_factory=Counter)


def split_number(text: str) -> tuple[str, str]:
    """("3.2 Sprache" → ("3.2", "Sprache")); unnumbered → ("", text)."""
    match = _NUMBER.match(text)
    if match and re.search(r"[^\W\d_]", match.group("title")):
        return match.group("num"), match.group("title").strip()
    return "", text.strip()


def _norm(text: str) -> str:
    text = split_number(text)[1].casefold()
    return re.sub(r"\W+", " ", text).strip()


def parse_toc_rows(rows: list[list[TextLine]]) -> list[TocEntry]:
    """Contents-page rows → entries; a title wrapped onto two rows is joined."""
    entries: list[TocEntry] = []
    xs: list[float] = []
    pending = ""
    pending_x: float | None = None
    for row in rows:
        text = " ".join(seg.text for seg in row).strip()
        if _TOC_TITLE.match(text):
            continue
        match = _TOC_ENTRY.match(text)
        if not match or (len(row) == 1 and not match.group("leader").strip(" ")):
            if re.search(r"[^\W\d_]", text) and len(text) < 120:
                pending, pending_x = (
                    (join_lines(pending, text)[0] if pending else text),
                    (pending_x if pending else row[0].x0),
                )
            continue
        title = match.group("title").rstrip(" .…·_")
        number = match.group("num") or ""
        x0 = row[0].x0
        if pending:
            title, number = join_lines(pending, title)[0], ""
            number, title = split_number(title)
            x0 = pending_x if pending_x is not None else x0
            pending, pending_x = "", None
        entries.append(TocEntry(title=title, page=int(match.group("page")), level=0, number=number))
        xs.append(x0)
    # level: printed numbering, else indentation rank
    indents = sorted({round(x / 4) for x in xs})
    for entry, x in zip(entries, xs, strict=True):
        if entry.number:
            entry.level = entry.number.count(".") + 1
        else:
            entry.level = indents.index(round(x / 4)) + 1 if indents else 1
            entry.level = min(entry.level, 4)
    return entries


def _is_toc_page(rows: list[list[TextLine]], continued: bool = False) -> tuple[bool, bool]:
    """(is a contents page, has the 'Inhalt' title); ``continued``: the page before was one."""
    texts = [" ".join(seg.text for seg in row) for row in rows]
    titled = any(_TOC_TITLE.match(t.strip()) for t in texts[:5])
    numbered = [t for t in texts if t[-1:].isdigit() and len(t) < 200]  # cheap pre-filter
    entries = sum(1 for t in numbered if _TOC_ENTRY.match(t) and _ENTRY_END.search(t))
    leaders = sum(1 for t in numbered if _LEADER_END.search(t))
    share = entries / max(len(texts), 1)
    if continued:
        return leaders >= 1 and share >= 0.5, titled
    return (titled and entries >= 2) or (leaders >= 4 and share >= 0.5), titled


def _heading_candidate(line: TextLine, body: float) -> bool:
    text = line.text
    if len(text) > 160 or not re.search(r"[^\W\d_]", text) or is_caption(text):
        return False
    big = line.size >= body * 1.12
    bold = line.bold and line.size >= body * 0.95
    if not (big or bold):
        return False
    number, title = split_number(text)
    if text.endswith((".", ",", ";")) and not number:
        return False
    if BULLET_RE.match(text) and not number:
        return False
    return len(title.split()) <= 18


def section_lines(raw: RawDocument, *, kinds: SectionKinds | None = None) -> Sectioned:
    """Split the ordered lines of a document into sections (see module docstring)."""
    kinds = kinds or load_section_kinds()
    all_lines = [line for page in raw.pages for line in page.lines]
    layout = measure_layout(all_lines)
    body = layout.body_size
    repairs: Counter[int] = Counter()

    # 1. contents pages
    toc_rows: list[list[TextLine]] = []
    toc_pages: list[int] = []
    toc_heading = ""
    for page in raw.pages[:8]:
        rows = group_rows(page.lines)
        if not rows:
            continue
        continued = bool(toc_pages) and page.number == toc_pages[-1] + 1
        is_toc, titled = _is_toc_page(rows, continued)
        if is_toc and (not toc_pages or page.number == toc_pages[-1] + 1):
            toc_pages.append(page.number)
            toc_rows += rows
            if titled and not toc_heading:
                toc_heading = next(
                    " ".join(s.text for s in r)
                    for r in rows
                    if _TOC_TITLE.match(" ".join(s.text for s in r).strip())
                )
        elif toc_pages:
            break
    toc = parse_toc_rows(toc_rows)
    first_content_page = toc_pages[-1] + 1 if toc_pages else 1
    if not toc_pages and raw.pages and raw.pages[0].quality.chars < 600 and len(raw.pages) > 1:
        first_content_page = 2  # a title page

    # 2. heading candidates in document order; merge multi-line headings
    events: list[_Heading | TextLine] = []
    for page in raw.pages:
        if page.number in toc_pages:
            continue
        for row in group_rows(page.lines):
            if len(row) == 2 and _NUMBER_ONLY.match(row[0].text) and row[1].x0 - row[0].x1 < 60:
                a, b = row
                row = [
                    TextLine(
                        f"{a.text.rstrip('.')} {b.text}",
                        a.x0,
                        b.x1,
                        b.top,
                        b.bottom,
                        b.size,
                        b.bold,
                        b.page,
                        b.column,
                    )
                ]
            if (
                len(row) == 1
                and page.number >= first_content_page
                and _heading_candidate(row[0], body)
            ):
                line = row[0]
                prev = events[-1] if events else None
                if (
                    isinstance(prev, _Heading)
                    and prev.lines[-1].page == line.page
                    and prev.lines[-1].column == line.column
                    and prev.style == (round(line.size * 2) / 2, line.bold)
                    and 0 < line.top - prev.lines[-1].top <= 1.6 * line.size
                    and not split_number(line.text)[0]
                ):
                    prev.lines.append(line)
                    prev.text = join_lines(prev.text, line.text)[0]
                    continue
                events.append(_Heading([line], line.text))
            else:
                events.extend(row)
    headings = [e for e in events if isinstance(e, _Heading)]
    for h in headings:
        h.number, h.text = split_number(h.text)

    # 3. reconcile with outline and contents page
    outline = [TocEntry(title=t, page=p, level=lv) for lv, t, p in raw.outline]
    for entries, source in ((outline, "outline"), (toc, "contents")):
        _reconcile(entries, headings, events, source, body)
    headings = [e for e in events if isinstance(e, _Heading)]
    for h in headings:
        if h.number == "" and h.source == "font":
            h.number, h.text = split_number(h.text)

    # 4. levels
    votes: dict[tuple[float, bool], Counter[int]] = defaultdict(Counter)
    for h in headings:
        if h.number:
            votes[h.style][h.number.count(".") + 1] += 1
        elif h.toc_level:
            votes[h.style][h.toc_level] += 1
    style_level = {style: c.most_common(1)[0][0] for style, c in votes.items()}
    styles = sorted({h.style for h in headings}, key=lambda s: (-s[0], not s[1]))
    for h in headings:
        if h.number:
            h.level = h.number.count(".") + 1
            if h.source == "font":
                h.source = "numbering"
        elif h.toc_level:
            h.level = h.toc_level
        elif h.style in style_level:
            h.level = style_level[h.style]
        else:
            bigger = [style_level[s] for s in styles[: styles.index(h.style)] if s in style_level]
            h.level = (max(bigger) + 1) if bigger else styles.index(h.style) + 1
        h.level = max(1, min(h.level, 6))

    # 5. sections
    sections: list[Section] = []
    current: Section | None = None
    current_lines: list[TextLine] = []

    def close() -> None:
        if current is not None:
            current.paragraphs = build_paragraphs(current_lines, layout, repairs)
            sections.append(current)

    title = _title(raw)
    inserted_toc = not toc_pages
    for event in events:
        if not inserted_toc and event.page > toc_pages[-1]:
            close()
            sections.append(
                Section(
                    toc_heading or "Inhaltsverzeichnis",
                    1,
                    toc_pages[0],
                    "contents",
                    source="contents",
                )
            )
            current, current_lines, inserted_toc = None, [], True
        if isinstance(event, _Heading):
            close()
            current = Section(
                event.text, event.level, event.page, number=event.number, source=event.source
            )
            current_lines = []
        else:
            if current is None:
                current = Section(title, 0, event.page, "front", source="front")
                current_lines = []
            current_lines.append(event)
    close()
    if not inserted_toc:
        sections.append(
            Section(
                toc_heading or "Inhaltsverzeichnis", 1, toc_pages[0], "contents", source="contents"
            )
        )
    _paths_and_kinds(sections, kinds)
    return Sectioned(sections, toc, title, repairs)


def _reconcile(
    entries: list[TocEntry],
    headings: list[_Heading],
    events: list[_Heading | TextLine],
    source: str,
    body: float,
) -> None:
    """Match entries to headings in order; promote a matching body line when no heading fits."""
    if not entries:
        return
    cursor = 0
    for entry in entries:
        target = _norm(entry.title)
        if not target:
            continue
        found = None
        # entries come in document order: look a bounded stretch ahead (long documents)
        for i in range(cursor, min(len(events), cursor + 4000)):
            event = events[i]
            text = event.text if isinstance(event, _Heading) else event.text
            if isinstance(event, TextLine) and (len(text) > 160 or event.size < body * 0.9):
                continue
            cand = _norm(text)
            if not cand:
                continue
            score = fuzz.ratio(cand, target)
            if score < 90 and len(cand) > 10 and len(target) > 10:
                shorter, longer = sorted((cand, target), key=len)
                if longer.startswith(shorter) and len(shorter) >= 0.6 * len(longer):
                    score = 90
            if score >= 90 and (isinstance(event, _Heading) or score >= 95):
                found = i
                break
        if found is None:
            continue
        event = events[found]
        if isinstance(event, TextLine):
            event = _Heading([event], event.text)
            event.number, event.text = split_number(event.text)
            events[found] = event
        entry.matched = True
        if event.source in ("font", "numbering") or source == "outline":
            event.source = source
        if not event.toc_level or source == "outline":
            event.toc_level = entry.level
        if entry.number and not event.number:
            event.number = entry.number
        cursor = found + 1


def _title(raw: RawDocument) -> str:
    if raw.meta_title and not _META_JUNK.match(raw.meta_title):
        return raw.meta_title
    if not raw.pages or not raw.pages[0].lines:
        return ""
    lines = raw.pages[0].lines
    biggest = max(line.size for line in lines)
    picked = [line.text for line in lines if line.size >= biggest - 0.5][:3]
    text = ""
    for part in picked:
        text = join_lines(text, part)[0]
    return text


def assign_kinds(sections: list[Section], kinds: SectionKinds | None = None) -> None:
    """(Re)compute every section's ``path`` and ``kind`` from the headings and the current
    codebook/sections.yaml; cached documents get it again on load, so editing the keywords
    needs no re-extraction."""
    _paths_and_kinds(sections, kinds or load_section_kinds())


def _paths_and_kinds(sections: list[Section], kinds: SectionKinds) -> None:
    stack: list[Section] = []
    for section in sections:
        if section.level == 0:
            section.kind, section.path = "front", ""
            continue
        while stack and stack[-1].level >= section.level:
            stack.pop()
        label = f"{section.number} {section.heading}".strip()
        section.path = " > ".join([*(f"{s.number} {s.heading}".strip() for s in stack), label])
        if section.kind != "contents":
            section.kind = _kind(section, stack[-1] if stack else None, kinds)
        stack.append(section)


def _kind(section: Section, parent: Section | None, kinds: SectionKinds) -> str:
    own = kinds.match(section.heading)
    if parent is not None and parent.kind in kinds.inherit:
        kind = own if own in kinds.inherit[parent.kind] else parent.kind
    else:
        kind = own or "other"
    if (
        kind in ("other", "action_field")
        and own != "action_field"
        and _has_measures_table(section, kinds)
    ):
        kind = "measures"
    return kind


def _has_measures_table(section: Section, kinds: SectionKinds) -> bool:
    for paragraph in section.paragraphs:
        if paragraph.kind == "table_row":
            cells = [c.strip().casefold() for c in paragraph.text.split("|")]
            if any(p.fullmatch(c) or p.match(c) for c in cells for p in kinds.table_headers):
                return True
    return False
