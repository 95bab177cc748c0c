"""Column lists of the files in the results folder: the contract between steps and users.

The README's "Results" section is generated from the same descriptions
(``konzept schema`` prints it), so code and documentation cannot drift apart.
"""

from __future__ import annotations

#: file name → ordered (column, description) pairs
RESULT_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "documents.csv": [
        ("doc_id", "first 12 hex digits of the PDF's sha256; the key of every other table"),
        ("file", "PDF file name"),
        ("sha256", "content hash of the PDF"),
        ("title", "title guessed from the first page"),
        ("pages", "page count"),
        ("kreis", "from corpus/manifest.csv (empty when the file is not listed)"),
        ("ags", "Amtlicher Gemeindeschlüssel of the Kreis (manifest)"),
        ("bundesland", "manifest"),
        ("type", "Landkreis or kreisfreie Stadt (manifest)"),
        ("year", "year of the concept (manifest)"),
        ("urban_rural", "städtisch / ländlich (manifest)"),
        ("quality_flag", "ok, check (OCR or repairs) or poor (empty pages, broken fonts)"),
        ("ocr_pages", "pages read by OCR"),
        ("empty_pages", "pages with no text layer that were not OCRed"),
        ("replacement_chars", "U+FFFD characters left in the text"),
        ("n_sections", "sections found"),
        ("n_segments", "segments coded"),
        ("n_measures", "segments that state a planned action"),
        ("fields_chapters", "Handlungsfeld codes with a chapter of their own, ';'-joined"),
        ("understanding_score", "position in [-1, 1]: -1 assimilativ ... +1 teilhabeorientiert"),
        (
            "understanding_class",
            "assimilativ, eher assimilativ, gemischt, eher teilhabeorientiert, "
            "teilhabeorientiert, or 'keine Evidenz'",
        ),
        ("understanding_source", "understanding sections, whole text, or none"),
        (
            "understanding_evidence",
            "number of segments with a side (pole markers the second reader does not dispute, "
            "or the second reader alone)",
        ),
        (
            "declares_all",
            "1 when the understanding position leans to Teilhabe and the understanding sections "
            "name all residents (zg.alle or v.teilhabe markers)",
        ),
        ("measures_migrants_share", "share of measures targeting migrants only"),
        ("measures_unclear_share", "share of measures with no clear target group"),
        (
            "goals_measures_flag",
            "1 when it declares all residents but under 20 % of its measures target all "
            "residents and >= 50 % target migrants only or >= 70 % leave the target open",
        ),
        ("tags_auto", "tags that carry the auto-coder's decision"),
        ("tags_human", "tags decided by a reviewer (accepted, rejected, changed)"),
    ],
    "sections.csv": [
        ("doc_id", "document key"),
        ("section_index", "position in the document, 0-based"),
        ("heading", "heading text without its number"),
        ("number", "printed numbering such as 3.2, empty if unnumbered"),
        ("level", "1 = chapter, 2 = subchapter, ...; 0 = front matter"),
        ("page", "page where the heading stands"),
        (
            "kind",
            "contents, foreword, introduction, understanding, action_field, measures, "
            "implementation, annex, front, other",
        ),
        ("path", "headings from the chapter down, joined by ' > '"),
        ("n_paragraphs", "paragraphs, list items and table rows in the section"),
        ("n_words", "words in the section body"),
        ("fields", "Handlungsfeld codes its heading names, ';'-joined"),
    ],
    "segments.csv": [
        ("doc_id", "document key"),
        ("segment_id", "doc_id-NNNNN in document order"),
        (
            "segment_key",
            "stable content key: hash of document sha256, section path and "
            "normalised text (keys.segment_key)",
        ),
        ("section_index", "section the segment belongs to"),
        ("section_path", "path of that section"),
        ("section_kind", "kind of that section"),
        ("page", "page of the paragraph"),
        ("kind", "heading, sentence, list_item or table_row"),
        ("start", "character offset inside its paragraph"),
        ("end", "end offset inside its paragraph"),
        ("n_words", "word count"),
        (
            "understanding_score",
            "segment's own score in [-1, 1]: its pole markers' balance, checked by the second "
            "reader (see understanding_by); 0 without a side",
        ),
        (
            "understanding_check",
            "the second reader's probability of the participation pole (empty where it did not "
            "read: segments without pole markers outside understanding sections, or no reader)",
        ),
        (
            "understanding_by",
            "who gave the side: markers, second reader (no marker side, understanding section, "
            "reader sure), disputed (the reader reads the other side: score 0) or empty",
        ),
        ("text", "the segment text"),
    ],
    "tags.csv": [
        (
            "tag_id",
            "stable id: hash of document sha256, section path, normalised segment text "
            "and code; a review decision is keyed by it",
        ),
        ("doc_id", "document key"),
        ("segment_id", "segment key"),
        ("segment_key", "stable content key of the segment"),
        ("page", "page"),
        ("section_path", "section path"),
        ("section_kind", "section kind"),
        ("code", "code the auto-coder assigned (for a reviewer-added tag: the added code)"),
        ("label", "German label of the code"),
        ("dimension", "handlungsfeld, massnahme, zielgruppe, verstaendnis, struktur"),
        ("rule", "id of the first rule that matched"),
        ("matched", "surface form of the first match"),
        ("start", "offset of the first match in the segment text"),
        ("end", "end offset of the first match"),
        ("n_matches", "matches of this code in the segment (counted once per tag)"),
        ("weight", "rule weight"),
        ("decision", "reviewer's decision: accept, reject, change, or empty"),
        (
            "final_code",
            "code used by all tables: the corrected code, the auto code, or empty when rejected",
        ),
        ("source", "auto or human"),
        (
            "status",
            "auto, accepted, rejected, changed, added (a reviewer's code the auto-coder "
            "did not assign) or conflict (a reviewer accepted a tag the codebook no longer gives)",
        ),
    ],
    "measures.csv": [
        ("doc_id", "document key"),
        ("segment_id", "segment key"),
        ("page", "page"),
        ("section_path", "section path"),
        ("section_kind", "section kind"),
        ("kind", "sentence, list_item or table_row"),
        ("action_verb", "the planned-action verb found, empty for list items without one"),
        ("measure_types", "massnahme codes, ';'-joined (empty: a measure of no listed type)"),
        ("target_group", "alle, migranten, spezifisch or unklar"),
        ("target_evidence", "the words that decided the target group"),
        ("text", "segment text"),
    ],
    "fields.csv": [
        ("doc_id", "document key"),
        ("code", "Handlungsfeld code"),
        ("label", "German label"),
        ("chapter", "1 when a heading (or contents entry) names the field"),
        ("mentions", "segments tagged with the field"),
        ("share", "mentions / segments of the document"),
    ],
}


def columns(name: str) -> list[str]:
    """Column names of one results file, in order."""
    return [c for c, _ in RESULT_COLUMNS[name]]


def column_reference(files: dict[str, list[tuple[str, str]]]) -> str:
    """A column reference (file name → (column, meaning) pairs) as Markdown tables."""
    out: list[str] = []
    for name, cols in files.items():
        out.append(f"**{name}**\n\n| column | meaning |\n|---|---|")
        out.extend(f"| `{c}` | {d} |" for c, d in cols)
        out.append("")
    return "\n".join(out)


def markdown() -> str:
    """The results column reference as Markdown, for the README."""
    return column_reference(RESULT_COLUMNS)
