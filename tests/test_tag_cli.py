"""`konzept tag`: one JSON line per input line, stable shape."""

import json

from typer.testing import CliRunner

from konzeptanalyse.cli import app

BOOK = """
name: Tagbuch
dimensions:
  handlungsfeld: {label: Handlungsfelder}
  massnahme: {label: Maßnahmen, scope: [measures]}
  verstaendnis: {label: Verständnis, negation: true}
codes:
  - {code: hf.sprache, dimension: handlungsfeld, label: Sprache, terms: [Sprachkurs]}
  - {code: m.sprachfoerderung, dimension: massnahme, label: Sprachförderung, terms: [Sprachkurs]}
  - code: v.teilhabe
    dimension: verstaendnis
    label: Teilhabe
    terms: [gleichberechtigte Teilhabe]
"""


def run(tmp_path, text, *args):
    book = tmp_path / "book.yaml"
    book.write_text(BOOK, encoding="utf-8")
    result = CliRunner().invoke(app, ["tag", "-", "--codebook", str(book), *args], input=text)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_json_shape_per_line(tmp_path):
    lines = run(tmp_path, "Sprachkurse für gleichberechtigte Teilhabe\n\nnichts\n")
    assert len(lines) == 3
    first = lines[0]
    assert set(first) == {"text", "codes", "understanding"}
    assert first["text"] == "Sprachkurse für gleichberechtigte Teilhabe"
    codes = {c["code"]: c for c in first["codes"]}
    assert set(codes) == {"hf.sprache", "m.sprachfoerderung", "v.teilhabe"}
    assert codes["hf.sprache"]["label"] == "Sprache"
    assert codes["hf.sprache"]["dimension"] == "handlungsfeld"
    assert codes["hf.sprache"]["evidence"] == [
        {"matched": "Sprachkurse", "start": 0, "end": 11, "rule": "hf.sprache/word:Sprachkurs"}
    ]
    assert first["understanding"] == {
        "score": 1.0,
        "class": "teilhabeorientiert",
        "markers": ["v.teilhabe: gleichberechtigte Teilhabe"],
        "marker_score": 1.0,
        "second_reader": None,
        "by": "markers",
    }


def test_empty_line_gives_a_record_without_codes(tmp_path):
    _, empty, plain = run(tmp_path, "Sprachkurse\n\nnichts\n")
    assert empty == {
        "text": "",
        "codes": [],
        "understanding": {
            "score": 0.0,
            "class": "keine Evidenz",
            "markers": [],
            "marker_score": 0.0,
            "second_reader": None,
            "by": "",
        },
    }
    assert plain["codes"] == []


def test_context_restricts_rules(tmp_path):
    (line,) = run(tmp_path, "Sprachkurse\n", "--context", "understanding")
    assert [c["code"] for c in line["codes"]] == ["hf.sprache"]


def test_bad_context_and_bad_codebook_exit_1(tmp_path):
    result = CliRunner().invoke(app, ["tag", "-", "--context", "kapitel"], input="x\n")
    assert result.exit_code == 1
    bad = tmp_path / "bad.yaml"
    bad.write_text("dimensions: [\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["tag", "-", "--codebook", str(bad)], input="x\n")
    assert result.exit_code == 1 and "YAML syntax error" in result.output


def test_default_codebook_tags_a_measure(tmp_path):
    result = CliRunner().invoke(app, ["tag", "-"], input="Wir bauen die Sprachkurse aus.\n")
    assert result.exit_code == 0
    codes = {c["code"] for c in json.loads(result.stdout)["codes"]}
    assert {"hf.sprache", "m.sprachfoerderung", "a.verb"} <= codes


def test_default_codebook_says_which_reader_gave_the_side():
    text = (
        "Integration ist keine Einbahnstraße – aber sie beginnt beim Einzelnen, der zu uns "
        "kommt.\nDie Zugewanderten müssen sich an unsere Werte anpassen.\n"
    )
    result = CliRunner().invoke(app, ["tag", "-", "--context", "understanding"], input=text)
    assert result.exit_code == 0
    assert "second reader: character 3-5-gram tf-idf + logistic regression" in result.stderr
    conceded, duty = (json.loads(line)["understanding"] for line in result.stdout.splitlines())
    # a conceded marker alone holds nothing; the reader may still decide, and says so
    assert conceded["marker_score"] == 0.0 and conceded["by"] in ("", "second reader")
    assert 0.0 <= conceded["second_reader"] <= 1.0
    assert duty["by"] == "markers" and duty["score"] < 0 and duty["second_reader"] < 0.5


def test_without_a_reader_nothing_is_checked(tmp_path):
    [line] = run(tmp_path, "gleichberechtigte Teilhabe\n", "--context", "understanding")
    assert line["understanding"]["second_reader"] is None
    assert line["understanding"]["by"] == "markers"
