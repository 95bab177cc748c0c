"""`konzept evaluate`: figures on a five-row gold file computed by hand."""

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from konzeptanalyse.cli import app
from konzeptanalyse.codebook import Matcher, parse_codebook
from konzeptanalyse.evaluate import GoldError, evaluate, load_gold

BOOK = """
name: Evalbuch
dimensions:
  handlungsfeld: {label: Handlungsfelder}
  massnahme: {label: Maßnahmen, scope: [measures]}
  verstaendnis: {label: Verständnis, negation: true}
codes:
  - {code: hf.sprache, dimension: handlungsfeld, label: Sprache, terms: [Sprachkurs]}
  - {code: hf.arbeit, dimension: handlungsfeld, label: Arbeit, terms: [Arbeit]}
  - {code: m.sprachfoerderung, dimension: massnahme, label: Sprachförderung, terms: [Sprachkurs]}
  - code: m.sprachfoerderung.kurs
    parent: m.sprachfoerderung
    label: Kurse
    terms: [Integrationskurs]
  - {code: v.anpassung, dimension: verstaendnis, label: Anpassung, terms: [Assimilation]}
  - {code: v.teilhabe, dimension: verstaendnis, label: Teilhabe, terms: [Teilhabe]}
"""

GOLD = """id,text,context,codes,pole
1,Wir bieten Sprachkurse an.,measures,hf.sprache;m.sprachfoerderung,
2,Integrationskurse für alle.,measures,m.sprachfoerderung,
3,Arbeit und Ausbildung.,,hf.arbeit;hf.sprache,
4,Teilhabe durch Sprachkurse.,understanding,,teilhabe
5,"Nicht Teilhabe, sondern Assimilation.",understanding,,teilhabe
"""
# By hand, at the level of the gold codes (m.sprachfoerderung.kurs counts as its parent):
#   hf.sprache          tp 1 (row 1)  fp 1 (row 4)  fn 1 (row 3)  -> P .5, R .5, F1 .5
#   hf.arbeit           tp 1 (row 3)                             -> P 1,  R 1,  F1 1
#   m.sprachfoerderung  tp 2 (rows 1, 2)                         -> P 1,  R 1,  F1 1
#   micro: tp 4, fp 1, fn 1 -> P = R = F1 = .8; macro: (.5 + 1 + 1) / 3 = .8333
#   poles: row 4 teilhabe -> teilhabe, row 5 teilhabe -> anpassung ("Nicht Teilhabe" negated)
#   measure rows 1, 2: both have the right type, exactly


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    book = tmp_path / "book.yaml"
    book.write_text(BOOK, encoding="utf-8")
    gold = tmp_path / "gold.csv"
    gold.write_text(GOLD, encoding="utf-8")
    return book, gold


def test_figures_match_the_hand_computation(files):
    book_path, gold = files
    book = parse_codebook(book_path.read_text(encoding="utf-8"), str(book_path))
    result = evaluate(load_gold(gold, book), Matcher(book))
    by_code = {s.code: s for s in result.codes}
    assert set(by_code) == {"hf.sprache", "hf.arbeit", "m.sprachfoerderung"}
    s = by_code["hf.sprache"]
    assert (s.tp, s.fp, s.fn, s.precision, s.recall, s.f1, s.support) == (1, 1, 1, 0.5, 0.5, 0.5, 2)
    assert (by_code["m.sprachfoerderung"].tp, by_code["m.sprachfoerderung"].fp) == (2, 0)
    assert result.micro == pytest.approx((0.8, 0.8, 0.8))
    assert result.macro == pytest.approx((2.5 / 3, 2.5 / 3, 2.5 / 3))
    assert dict(result.pole_confusion["teilhabe"]) == {"teilhabe": 1, "anpassung": 1}
    shares = result.pole_shares()
    assert (shares["right"], shares["opposite"], shares["none"]) == (0.5, 0.5, 0.0)
    assert (result.measure_rows, result.measure_right, result.measure_exact) == (2, 2, 2)


def _evaluate(files, *args: str):
    """`konzept evaluate GOLD --codebook BOOK ARGS`, checked to exit 0."""
    book, gold = files
    result = CliRunner().invoke(app, ["evaluate", str(gold), "--codebook", str(book), *args])
    assert result.exit_code == 0, result.output
    return result


def test_cli_prints_table_and_writes_csv(files, tmp_path):
    out = tmp_path / "codes.csv"
    result = _evaluate(files, "--out", str(out))
    assert "right side 50.0%" in result.output and "opposite pole 50.0%" in result.output
    assert "right measure type 100.0%" in result.output
    rows = {r["code"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows["hf.sprache"]["precision"] == "0.5" and rows["hf.arbeit"]["support"] == "1"


def test_errors_file_lists_exactly_the_wrong_rows(files, tmp_path):
    # By hand: row 3 misses hf.sprache, row 4 has an extra hf.sprache, row 5 is on the wrong side;
    # rows 1 and 2 are right.
    errors = tmp_path / "errors.csv"
    result = _evaluate(files, "--errors", str(errors))
    assert "3 wrongly coded rows" in result.output
    reader = csv.DictReader(errors.open(encoding="utf-8"))
    rows = {r["id"]: r for r in reader}
    assert reader.fieldnames == [
        *("id", "line", "context", "text", "missing", "extra", "pole", "predicted_side"),
        *("score", "markers", "second_reader", "by"),
    ]
    assert set(rows) == {"3", "4", "5"}
    assert (rows["3"]["missing"], rows["3"]["extra"]) == ("hf.sprache", "")
    assert (rows["4"]["missing"], rows["4"]["extra"]) == ("", "hf.sprache")
    assert (rows["5"]["pole"], rows["5"]["predicted_side"]) == ("teilhabe", "anpassung")
    assert rows["5"]["markers"] == "v.anpassung: Assimilation"
    assert (rows["5"]["second_reader"], rows["5"]["by"]) == ("", "markers")
    assert "second reader: none in this codebook" in result.output


def test_a_set_the_second_reader_learned_from_is_flagged():
    gold = Path(__file__).parent / "data" / "eval" / "dev4.csv"
    result = CliRunner().invoke(app, ["evaluate", str(gold)])
    assert result.exit_code == 0, result.output
    assert "note: the second reader was trained on dev4.csv" in result.output
    assert "understanding passages by who gave the side: " in result.output


def test_missing_column_is_reported(files, tmp_path):
    book, _ = files
    gold = tmp_path / "bad.csv"
    gold.write_text("id,text,codes\n1,x,hf.arbeit\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", str(gold), "--codebook", str(book)])
    assert result.exit_code == 1
    assert "bad.csv:1: missing column(s) context, pole" in " ".join(result.output.split())


def test_unknown_code_names_the_row(files, tmp_path):
    book_path, _ = files
    book = parse_codebook(book_path.read_text(encoding="utf-8"), str(book_path))
    gold = tmp_path / "bad.csv"
    gold.write_text(GOLD.replace("hf.arbeit;hf.sprache", "hf.arbeit;hf.wohnen"), encoding="utf-8")
    with pytest.raises(GoldError, match=r"bad.csv:4: row '3': unknown code\(s\) hf.wohnen"):
        load_gold(gold, book)
