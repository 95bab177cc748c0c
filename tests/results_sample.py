"""A small hand-made results folder (schema.py columns) for the tests of the research outputs.

Six invented concepts with a few sentences each: enough variety (Land, town/country, quality
flags, understanding poles, reviewer decisions, a child measure code) to check every table,
cloud, KWIC hit and report section by hand. All texts are written for this fixture.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from konzeptanalyse.keys import segment_key, tag_id
from konzeptanalyse.schema import columns

LABELS = {
    "hf.sprache": "Sprache",
    "hf.arbeit": "Arbeit",
    "hf.wohnen": "Wohnen",
    "hf.bildung": "Bildung",
    "hf.partizipation": "Politische Partizipation",
    "m.sprachfoerderung": "Sprachförderung",
    "m.beratung": "Beratung",
    "m.ikoe": "Interkulturelle Öffnung",
    "m.ikoe.sprachmittlung": "Sprachmittlung",
    "m.pol_partizipation": "Politische Partizipation",
    "m.begegnung": "Begegnung",
    "zg.alle": "Alle",
    "zg.migranten": "Migranten",
    "v.teilhabe": "Teilhabe",
    "v.anpassung": "Anpassung",
    "s.beirat": "Integrationsbeirat",
}
TARGET_CODES = {"alle": ["zg.alle"], "migranten": ["zg.migranten"]}
DIMENSIONS = {
    "hf": "handlungsfeld",
    "m": "massnahme",
    "zg": "zielgruppe",
    "v": "verstaendnis",
    "s": "struktur",
}

# (file, kreis, ags, bundesland, type, year, urban_rural, quality_flag, pole, declares_all)
DOCS = [
    (
        "lk-waldau.pdf",
        "Landkreis Waldau",
        "09190",
        "Bayern",
        "Landkreis",
        2019,
        "ländlich",
        "ok",
        "anpassung",
        0,
    ),
    (
        "st-neckarbruck.pdf",
        "Stadt Neckarbruck",
        "05130",
        "Nordrhein-Westfalen",
        "kreisfreie Stadt",
        2021,
        "städtisch",
        "ok",
        "teilhabe",
        1,
    ),
    (
        "lk-saalegrund.pdf",
        "Landkreis Saalegrund",
        "14630",
        "Sachsen",
        "Landkreis",
        2018,
        "ländlich",
        "check",
        "gemischt",
        1,
    ),
    (
        "lk-kiefernheide.pdf",
        "Landkreis Kiefernheide",
        "06450",
        "Hessen",
        "Landkreis",
        2020,
        "ländlich",
        "ok",
        "teilhabe",
        1,
    ),
    (
        "st-emsberg.pdf",
        "Stadt Emsberg",
        "03110",
        "Niedersachsen",
        "kreisfreie Stadt",
        2017,
        "städtisch",
        "poor",
        "none",
        0,
    ),
    (
        "st-rebenheim.pdf",
        "Stadt Rebenheim",
        "12070",
        "Brandenburg",
        "kreisfreie Stadt",
        2022,
        "städtisch",
        "ok",
        "teilhabe",
        1,
    ),
]

UNDERSTANDING = {
    "teilhabe": [
        (
            "Integration ist ein wechselseitiger Prozess, an dem alle Menschen beteiligt sind.",
            ["v.teilhabe"],
        ),
        (
            "Wir wollen gleichberechtigte Teilhabe aller Einwohnerinnen und Einwohner "
            "unabhängig von Herkunft.",
            ["v.teilhabe"],
        ),
        ("Vielfalt ist für unsere Gesellschaft ein Gewinn.", ["v.teilhabe"]),
    ],
    "anpassung": [
        ("Zugewanderte sollen sich in die Aufnahmegesellschaft eingliedern.", ["v.anpassung"]),
        ("Die Integrationsbereitschaft der Neuzugewanderten ist eine Pflicht.", ["v.anpassung"]),
    ],
    "gemischt": [
        ("Integration bedeutet Teilhabe der Menschen an der Gesellschaft.", ["v.teilhabe"]),
        ("Neuzugewanderte müssen sich an unsere Werte anpassen.", ["v.anpassung"]),
    ],
    "none": [("Das Konzept beschreibt die Lage im Kreis.", [])],
}
SCORES = {
    "teilhabe": (1.0, "teilhabeorientiert"),
    "anpassung": (-1.0, "assimilativ"),
    "gemischt": (0.0, "gemischt"),
    "none": (0.0, "keine Evidenz"),
}

# per document index: the Handlungsfeld sections (heading, code, sentences with codes)
FIELD_SECTIONS = {
    "hf.sprache": (
        "Sprache",
        [
            (
                "Sprachkenntnisse sind der Schlüssel zur Bildung und zur Arbeit.",
                ["hf.sprache", "hf.bildung"],
            ),
            ("Die Sprachförderung der Kinder beginnt in der Kita.", ["hf.sprache"]),
        ],
    ),
    "hf.arbeit": (
        "Arbeit und Ausbildung",
        [
            ("Viele Geflüchtete suchen eine Ausbildung oder Arbeit.", ["hf.arbeit"]),
            ("Die Anerkennung ausländischer Abschlüsse dauert zu lange.", ["hf.arbeit"]),
        ],
    ),
    "hf.wohnen": (
        "Wohnen",
        [
            ("Bezahlbarer Wohnraum fehlt in der Stadt.", ["hf.wohnen"]),
        ],
    ),
    "hf.partizipation": (
        "Politische Partizipation",
        [
            (
                "Der Integrationsbeirat berät den Rat in allen Fragen.",
                ["hf.partizipation", "s.beirat"],
            ),
            ("Die Beiräte sollen mehr Einfluss bekommen.", ["hf.partizipation", "s.beirat"]),
        ],
    ),
}
DOC_FIELDS = [
    ["hf.sprache", "hf.arbeit"],
    ["hf.sprache", "hf.arbeit", "hf.wohnen", "hf.partizipation"],
    ["hf.sprache", "hf.wohnen"],
    ["hf.sprache", "hf.arbeit", "hf.partizipation"],
    ["hf.sprache"],
    ["hf.sprache", "hf.arbeit", "hf.wohnen"],
]
# measures per document: (text, measure codes, target group, evidence)
MEASURES = [
    [
        (
            "Integrationskurse für Neuzugewanderte ausbauen.",
            ["m.sprachfoerderung"],
            "migranten",
            "Neuzugewanderte",
        ),
        ("Beratung für Zugewanderte anbieten.", ["m.beratung"], "migranten", "Zugewanderte"),
    ],
    [
        (
            "Sprachkurse für alle Einwohnerinnen und Einwohner anbieten.",
            ["m.sprachfoerderung"],
            "alle",
            "alle Einwohnerinnen und Einwohner",
        ),
        ("Sprachmittlung in der Verwaltung einrichten.", ["m.beratung"], "unklar", ""),
        ("Den Integrationsbeirat stärken.", ["m.pol_partizipation"], "alle", ""),
        (
            "Ein Fest der Nachbarschaft für Jugendliche durchführen.",
            ["m.begegnung"],
            "spezifisch",
            "Jugendliche",
        ),
    ],
    [
        (
            "Sprachkurse für Geflüchtete fördern.",
            ["m.sprachfoerderung"],
            "migranten",
            "Geflüchtete",
        ),
        ("Beratungsangebote verbessern.", ["m.beratung"], "unklar", ""),
    ],
    [
        ("Sprachförderung in den Kitas ausbauen.", ["m.sprachfoerderung"], "unklar", ""),
        (
            "Wahlen zum Beirat bekannt machen und Beiräte stärken.",
            ["m.pol_partizipation"],
            "alle",
            "",
        ),
    ],
    [("Deutschkurse für Migranten anbieten.", ["m.sprachfoerderung"], "migranten", "Migranten")],
    [
        (
            "Mehrsprachige Formulare in der Verwaltung einführen.",
            ["m.ikoe.sprachmittlung"],
            "alle",
            "",
        ),
        ("Begegnungsorte für alle Menschen schaffen.", ["m.begegnung"], "alle", "alle Menschen"),
    ],
]


def _write(path: Path, name: str, rows: list[dict]) -> None:
    cols = columns(name)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=cols)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in cols})


def write_sample_results(root: Path) -> Path:
    """Write the sample results folder under ``root/results`` and return its path."""
    out = root / "results"
    out.mkdir(parents=True, exist_ok=True)
    documents, sections, segments, tags, measures, fields = [], [], [], [], [], []
    for i, (file, kreis, ags, land, typ, year, ur, flag, pole, declares) in enumerate(DOCS):
        sha = hashlib.sha256(file.encode()).hexdigest()
        doc_id = sha[:12]
        doc_sections: list[tuple[str, str, int, list[tuple[str, list[str]]]]] = [
            (
                "Vorwort",
                "foreword",
                1,
                [
                    ("Liebe Bürgerinnen und Bürger, der Landkreis legt sein Konzept vor.", []),
                    (f"Die {kreis.split()[-1]}er Vereine haben am Konzept mitgeschrieben.", []),
                ],
            ),
            ("Unser Verständnis von Integration", "understanding", 2, UNDERSTANDING[pole]),
        ]
        for code in DOC_FIELDS[i]:
            heading, sentences = FIELD_SECTIONS[code]
            doc_sections.append((heading, "action_field", 3 + len(doc_sections), sentences))
        measure_rows = MEASURES[i]
        doc_sections.append(
            (
                "Maßnahmen",
                "measures",
                3 + len(doc_sections),
                [
                    (text, codes + TARGET_CODES.get(group, []))
                    for text, codes, group, _ in measure_rows
                ],
            )
        )
        n_seg = 0
        field_mentions: dict[str, int] = {}
        doc_tags: list[dict] = []
        for s_idx, (heading, kind, page, sentences) in enumerate(doc_sections):
            path = f"{s_idx + 1} {heading}"
            sections.append(
                {
                    "doc_id": doc_id,
                    "section_index": s_idx,
                    "heading": heading,
                    "number": str(s_idx + 1),
                    "level": 1,
                    "page": page,
                    "kind": kind,
                    "path": path,
                    "n_paragraphs": len(sentences),
                    "n_words": sum(len(t.split()) for t, _ in sentences),
                    "fields": heading_field(heading),
                }
            )
            for text, codes in sentences:
                n_seg += 1
                seg_id = f"{doc_id}-{n_seg:05d}"
                key = segment_key(sha, path, text)
                score = {"v.teilhabe": 1.0, "v.anpassung": -1.0}
                seg_score = sum(score.get(c, 0.0) for c in codes)
                segments.append(
                    {
                        "doc_id": doc_id,
                        "segment_id": seg_id,
                        "segment_key": key,
                        "section_index": s_idx,
                        "section_path": path,
                        "section_kind": kind,
                        "page": page,
                        "kind": "list_item" if kind == "measures" else "sentence",
                        "start": 0,
                        "end": len(text),
                        "n_words": len(text.split()),
                        "understanding_score": max(-1.0, min(1.0, seg_score)),
                        "text": text,
                    }
                )
                for code in codes:
                    word = text.split()[0]
                    doc_tags.append(
                        {
                            "tag_id": tag_id(key, code),
                            "doc_id": doc_id,
                            "segment_id": seg_id,
                            "segment_key": key,
                            "page": page,
                            "section_path": path,
                            "section_kind": kind,
                            "code": code,
                            "label": LABELS[code],
                            "dimension": DIMENSIONS[code.split(".")[0]],
                            "rule": f"{code}/term",
                            "matched": word,
                            "start": 0,
                            "end": len(word),
                            "n_matches": 1,
                            "weight": 1.0,
                            "decision": "",
                            "final_code": code,
                            "source": "auto",
                            "status": "auto",
                        }
                    )
        _review(i, doc_tags)
        tags.extend(doc_tags)
        for code in {(t["segment_id"], t["final_code"]) for t in doc_tags}:
            if code[1].startswith("hf."):
                field_mentions[code[1]] = field_mentions.get(code[1], 0) + 1
        measure_segments = [
            s for s in segments if s["doc_id"] == doc_id and s["section_kind"] == "measures"
        ]
        for seg, (text, codes, group, evidence) in zip(measure_segments, measure_rows, strict=True):
            measures.append(
                {
                    "doc_id": doc_id,
                    "segment_id": seg["segment_id"],
                    "page": seg["page"],
                    "section_path": seg["section_path"],
                    "section_kind": "measures",
                    "kind": "list_item",
                    "action_verb": text.rstrip(".").split()[-1],
                    "measure_types": ";".join(codes),
                    "target_group": group,
                    "target_evidence": evidence,
                    "text": text,
                }
            )
        for code in sorted(set(DOC_FIELDS[i]) | set(field_mentions)):
            fields.append(
                {
                    "doc_id": doc_id,
                    "code": code,
                    "label": LABELS[code],
                    "chapter": int(code in DOC_FIELDS[i]),
                    "mentions": field_mentions.get(code, 0),
                    "share": round(field_mentions.get(code, 0) / n_seg, 4),
                }
            )
        n_meas = len(measure_rows)
        migr = sum(m[2] == "migranten" for m in measure_rows) / n_meas
        unclear = sum(m[2] == "unklar" for m in measure_rows) / n_meas
        score, klass = SCORES[pole]
        documents.append(
            {
                "doc_id": doc_id,
                "file": file,
                "sha256": sha,
                "title": f"Integrationskonzept {kreis}",
                "pages": 3 + len(doc_sections),
                "kreis": kreis,
                "ags": ags,
                "bundesland": land,
                "type": typ,
                "year": year,
                "urban_rural": ur,
                "quality_flag": flag,
                "ocr_pages": 1 if flag == "check" else 0,
                "empty_pages": 2 if flag == "poor" else 0,
                "replacement_chars": 0,
                "n_sections": len(doc_sections),
                "n_segments": n_seg,
                "n_measures": n_meas,
                "fields_chapters": ";".join(DOC_FIELDS[i]),
                "understanding_score": score,
                "understanding_class": klass,
                "understanding_source": "understanding sections" if pole != "none" else "none",
                "understanding_evidence": len([t for t in UNDERSTANDING[pole] if t[1]]),
                "declares_all": declares,
                "measures_migrants_share": round(migr, 4),
                "measures_unclear_share": round(unclear, 4),
                "goals_measures_flag": int(bool(declares) and migr + unclear > 0.5),
                "tags_auto": sum(t["source"] == "auto" for t in doc_tags),
                "tags_human": sum(t["source"] == "human" for t in doc_tags),
            }
        )
    for name, rows in [
        ("documents.csv", documents),
        ("sections.csv", sections),
        ("segments.csv", segments),
        ("tags.csv", tags),
        ("measures.csv", measures),
        ("fields.csv", fields),
    ]:
        _write(out / name, name, rows)
    (out / "run.json").write_text(
        json.dumps({"codebook": "sample", "documents": len(DOCS)}), encoding="utf-8"
    )
    return out


def heading_field(heading: str) -> str:
    """The Handlungsfeld code a sample heading names (empty for other headings)."""
    return next((code for code, (h, _) in FIELD_SECTIONS.items() if h == heading), "")


def _review(doc_index: int, doc_tags: list[dict]) -> None:
    """Reviewer decisions: Neckarbruck's 'Sprachmittlung' tag changed from m.beratung to the
    child code m.ikoe.sprachmittlung; Waldau's hf.bildung mention rejected."""
    for tag in doc_tags:
        if doc_index == 1 and tag["code"] == "m.beratung":
            tag.update(
                decision="change",
                final_code="m.ikoe.sprachmittlung",
                source="human",
                status="changed",
            )
        if doc_index == 0 and tag["code"] == "hf.bildung":
            tag.update(decision="reject", final_code="", source="human", status="rejected")
        if doc_index == 3 and tag["code"] == "m.sprachfoerderung":
            tag.update(decision="accept", source="human", status="accepted")
