"""Sections → segments: the units the codebook is applied to.

Measures live in list items and table rows, so those are always segments of their own; running
text is split into sentences (``unit="sentence"``), kept as paragraphs (``"paragraph"``) or joined
per section (``"section"``). Headings are segments too: they decide which Handlungsfelder a concept
has as chapters.

Sentence splitting is a small rule set rather than a library: the German abbreviations of
administrative prose ("z. B.", "u. a.", "Abs.", "Nr.") and ordinals ("1. Januar") break generic
splitters, and the rules here run at hundreds of thousands of sentences per second.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .model import Document, Segment

UNITS = ("sentence", "paragraph", "section")

#: Abbreviations after which a period does not end a sentence (lower-cased, without the period).
ABBREVIATIONS = frozenset(
    """
    abs abb anm bspw bzgl bzw ca d dgl dr evtl f ff frau ggf h hr i inkl insb jh kap lt max min mio
    mrd nr o prof rd s sog st str tel u usw v vgl z zt zzgl ua uä od etc gem geb ca bzw
    jan feb mär apr jun jul aug sep sept okt nov dez
    """.split()
)

# A candidate boundary: sentence punctuation, optional closing quote/bracket, whitespace, then
# something that can start a sentence.
_BOUNDARY = re.compile(r"([.!?…])([\"“”»)\]]?)\s+(?=[„\"«(\[]?[A-ZÄÖÜ0-9])")
_LAST_WORD = re.compile(r"(\S+)$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (German rules, abbreviations kept)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group(1) == ".":
            before = _LAST_WORD.search(text, start, m.start())
            word = before.group(1) if before else ""
            stem = word.rstrip(".").lower()
            # "z. B." / "u. a.": a single letter or a known abbreviation; "1." / "3.2.": an ordinal
            # or a heading number. A year ("seit 2015.") does end a sentence.
            ordinal = stem.replace(".", "").isdigit() and (len(stem) <= 2 or "." in stem)
            if len(stem) <= 1 or stem in ABBREVIATIONS or ordinal:
                continue
        end = m.end(2)
        if text[start:end].strip():
            spans.append((start, end))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def _pieces(doc: Document, unit: str) -> Iterator[tuple[int, int, str, str, int, int]]:
    """(section_index, page, kind, text, start, end) in document order."""
    for si, section in enumerate(doc.sections):
        heading = section.heading.strip()
        if section.level > 0 and heading:
            yield si, section.page, "heading", heading, 0, len(heading)
        if section.kind == "contents":
            continue  # the contents page repeats the headings; counting it would double them
        pending: list[tuple[int, str]] = []  # running text held back for unit="section"
        for para in section.paragraphs:
            text = para.text.strip()
            if not text or para.kind == "caption":
                continue  # captions inflate counts (DOMAIN.md); they stay in the extraction output
            if para.kind in ("list_item", "table_row"):
                yield si, para.page, para.kind, text, 0, len(text)
            elif unit == "sentence":
                for s, e in split_sentences(text):
                    yield si, para.page, "sentence", text[s:e], s, e
            elif unit == "paragraph":
                yield si, para.page, "sentence", text, 0, len(text)
            else:
                pending.append((para.page, text))
        if pending:
            joined = " ".join(t for _, t in pending)
            yield si, pending[0][0], "sentence", joined, 0, len(joined)


def segment_document(doc: Document, unit: str = "sentence") -> list[Segment]:
    """All segments of a document in reading order, numbered ``doc_id-00000``, ``-00001``, …"""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    out: list[Segment] = []
    for n, (si, page, kind, text, start, end) in enumerate(_pieces(doc, unit)):
        section = doc.sections[si]
        out.append(
            Segment(
                doc_id=doc.doc_id,
                segment_id=f"{doc.doc_id}-{n:05d}",
                section_index=si,
                section_path=section.path or section.heading,
                section_kind=section.kind,
                page=page,
                kind=kind,
                text=text,
                start=start,
                end=end,
            )
        )
    return out
