"""Output shapes of ``konzept extract``: JSON (a public, stable contract), Markdown, text."""

from __future__ import annotations

from typing import Any

from ..model import Document


def document_json(document: Document) -> dict[str, Any]:
    """The Document dict with each section's ``paragraphs`` as a list of strings.

    Stable contract: ``sections`` is a list in document order of objects with ``heading``,
    ``level`` (1 = chapter, 0 = front matter), ``page``, ``kind``, ``number``, ``path``,
    ``source``, ``paragraphs`` (strings in reading order) and ``paragraph_kinds`` (parallel list:
    text, list_item, table_row, caption).
    """
    data = document.to_dict()
    data["doc_id"] = document.doc_id
    data["sections"] = [
        {
            "heading": s.heading,
            "level": s.level,
            "page": s.page,
            "kind": s.kind,
            "number": s.number,
            "path": s.path,
            "source": s.source,
            "paragraphs": [p.text for p in s.paragraphs],
            "paragraph_kinds": [p.kind for p in s.paragraphs],
            "paragraph_pages": [p.page for p in s.paragraphs],
        }
        for s in document.sections
    ]
    return data


def document_markdown(document: Document) -> str:
    """Readable Markdown: headings by level, list items as bullets, table rows as pipes."""
    out = [f"<!-- {document.file} sha256={document.sha256} pages={document.page_count} -->"]
    for section in document.sections:
        if section.level > 0:
            label = f"{section.number} {section.heading}".strip()
            out.append(f"{'#' * min(section.level, 6)} {label}  <!-- {section.kind} -->")
        for paragraph in section.paragraphs:
            if paragraph.kind == "list_item":
                out.append(f"- {paragraph.text}")
            elif paragraph.kind == "table_row":
                out.append(f"| {paragraph.text} |")
            elif paragraph.kind == "caption":
                out.append(f"*{paragraph.text}*")
            else:
                out.append(paragraph.text)
    return "\n\n".join(out) + "\n"


def document_text(document: Document) -> str:
    """Plain text: headings and paragraphs separated by blank lines."""
    out = []
    for section in document.sections:
        if section.level > 0:
            out.append(f"{section.number} {section.heading}".strip())
        out.extend(p.text for p in section.paragraphs)
    return "\n\n".join(out) + "\n"
