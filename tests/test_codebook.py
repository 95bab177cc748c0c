"""Codebook loading, validation errors with file and line, version hash, default codebook."""

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from konzeptanalyse.cli import app
from konzeptanalyse.codebook import (
    DEFAULT_CODEBOOK,
    CodebookError,
    default_codebook_path,
    load_codebook,
    parse_codebook,
    to_markdown,
)
from konzeptanalyse.codebook.load import portable_text

GOOD = """\
name: Mini
dimensions:
  handlungsfeld: {label: Handlungsfelder}
codes:
  - code: hf.sprache
    dimension: handlungsfeld
    label: Sprache
    terms: [Sprache]
  - code: hf.sprache.kurs
    parent: hf.sprache
    label: Kurse
    terms: [Sprachkurs]
"""


def errors_of(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "book.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    return info.value.errors


def test_good_codebook_loads_with_hierarchy():
    book = parse_codebook(GOOD)
    assert book.label("hf.sprache.kurs") == "Kurse"
    assert book.dimension("hf.sprache.kurs") == "handlungsfeld"  # inherited from the parent
    assert book.parent_chain("hf.sprache.kurs") == ["hf.sprache.kurs", "hf.sprache"]


def test_version_hash_ignores_layout_and_comments_but_not_content():
    reformatted = "# a comment\n" + GOOD.replace("terms: [Sprache]", "terms:\n      - Sprache")
    assert parse_codebook(reformatted).version == parse_codebook(GOOD).version
    changed = GOOD.replace("[Sprache]", "[Sprache, Deutsch]")
    assert parse_codebook(changed).version != parse_codebook(GOOD).version
    assert re.fullmatch(r"[0-9a-f]{64}", parse_codebook(GOOD).version)


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    (err,) = errors_of(GOOD.replace("label: Kurse", "label: [Kurse"), tmp_path)
    assert re.match(rf"{re.escape(str(tmp_path / 'book.yaml'))}:1[0-9]: -: YAML syntax error", err)


def test_unknown_parent_names_line_and_key(tmp_path):
    (err,) = errors_of(GOOD.replace("parent: hf.sprache", "parent: hf.sprach"), tmp_path)
    assert err.endswith("book.yaml:10: hf.sprache.kurs.parent: unknown code 'hf.sprach'")


def test_unknown_code_in_proximity_rule(tmp_path):
    text = GOOD.replace(
        "terms: [Sprachkurs]", "terms: [{near: [Kurs], with: ['@hf.nix'], within: 3}]"
    )
    (err,) = errors_of(text, tmp_path)
    assert ":12: hf.sprache.kurs.terms[0].with: unknown code reference '@hf.nix'" in err


def test_regex_that_does_not_compile(tmp_path):
    (err,) = errors_of(GOOD.replace("terms: [Sprachkurs]", "terms: ['re:Sprach(']"), tmp_path)
    assert ":12: hf.sprache.kurs.terms[0]: regex does not compile" in err


def test_empty_category(tmp_path):
    (err,) = errors_of(GOOD.replace("    terms: [Sprachkurs]\n", ""), tmp_path)
    assert ":9: hf.sprache.kurs.terms: empty category" in err


def test_concession_out_of_range(tmp_path):
    text = GOOD.replace("{label: Handlungsfelder}", "{label: Handlungsfelder, concession: 2}")
    (err,) = errors_of(text, tmp_path)
    assert ":3: dimensions.handlungsfeld.concession: 2 must be above 0 and at most 1" in err


READER_BOOK = """\
name: Leser
dimensions:
  verstaendnis:
    label: Verständnis
    second_reader: [passagen.csv]
codes:
  - {code: v.anpassung, dimension: verstaendnis, label: Anpassung, terms: [Assimilation]}
  - {code: v.teilhabe, dimension: verstaendnis, label: Teilhabe, terms: [Teilhabe]}
"""


def _passages(path: Path, n: int, text: str = "Satz") -> None:
    rows = [f"{text} {i},{pole}" for i in range(n) for pole in ("anpassung", "teilhabe")]
    path.write_text("text,pole\n" + "\n".join(rows) + "\n", encoding="utf-8")


def test_second_reader_needs_readable_passages_of_both_poles(tmp_path):
    [missing] = errors_of(READER_BOOK, tmp_path)
    assert re.match(
        r".*book\.yaml:5: dimensions\.verstaendnis\.second_reader: passagen\.csv: "
        r"cannot read",
        missing,
    )
    _passages(tmp_path / "passagen.csv", 3)
    [few] = errors_of(READER_BOOK, tmp_path)
    assert few.endswith("needs at least 10 passages of each pole (found anpassung 3, teilhabe 3)")
    assert ":5: dimensions.verstaendnis.second_reader:" in few


def test_version_counts_the_passages_by_content_not_by_path(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        _passages(tmp_path / folder / "passagen.csv", 10)
        (tmp_path / folder / "book.yaml").write_text(READER_BOOK, encoding="utf-8")
    a, b = (load_codebook(tmp_path / f / "book.yaml") for f in ("a", "b"))
    assert a.version == b.version
    _passages(tmp_path / "b" / "passagen.csv", 10, text="Anderer Satz")
    assert load_codebook(tmp_path / "b" / "book.yaml").version != a.version


def test_yaml_anchor_shares_a_word_list():
    shared = "terms: [{near: [Kurs], with: &w [Deutsch], within: 2}]"
    text = GOOD.replace("terms: [Sprache]", shared)
    text = text.replace("terms: [Sprachkurs]", "terms: [{near: [Test], with: *w, within: 2}]")
    book = parse_codebook(text)
    assert book.codes["hf.sprache.kurs"].rules[0].near == book.codes["hf.sprache"].rules[0].near


def test_duplicate_code(tmp_path):
    text = (
        GOOD + "  - code: hf.sprache\n    dimension: handlungsfeld\n    label: X\n    terms: [X]\n"
    )
    (err,) = errors_of(text, tmp_path)
    assert ":13: hf.sprache.code: duplicate code (first at line 5)" in err


def test_unknown_key_and_all_errors_together(tmp_path):
    text = GOOD.replace("label: Kurse", "lable: Kurse").replace(
        "dimension: handlungsfeld", "dimension: feld"
    )
    errors = errors_of(text, tmp_path)
    assert any(":11: hf.sprache.kurs.lable: unknown key" in e for e in errors)
    assert any(":6: hf.sprache.dimension: unknown dimension 'feld'" in e for e in errors)


def test_check_command_exit_codes(tmp_path):
    runner = CliRunner()
    ok = tmp_path / "ok.yaml"
    ok.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["codebook", "check", str(ok)])
    assert result.exit_code == 0 and "2 codes" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("parent: hf.sprache", "parent: hf.nix"), encoding="utf-8")
    result = runner.invoke(app, ["codebook", "check", str(bad)])
    assert result.exit_code == 1
    assert "bad.yaml:10: hf.sprache.kurs.parent" in result.output


def test_show_renders_the_manual(tmp_path):
    markdown = to_markdown(parse_codebook(GOOD))
    assert "## Handlungsfelder (`handlungsfeld`)" in markdown
    assert "#### `hf.sprache.kurs` Kurse" in markdown  # child one level deeper
    path = tmp_path / "ok.yaml"
    path.write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(app, ["codebook", "show", str(path)])
    assert result.exit_code == 0 and result.output == markdown


def test_default_codebook_path_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("KONZEPT_CODEBOOK", str(tmp_path / "x.yaml"))
    assert default_codebook_path() == tmp_path / "x.yaml"
    monkeypatch.delenv("KONZEPT_CODEBOOK")
    assert default_codebook_path().parts[-2:] == ("codebook", "default.yaml")


TAXONOMY_CODES = """
hf.arbeit hf.bildung hf.fruehkindlich hf.sprache hf.wohnen hf.gesundheit hf.partizipation
hf.ehrenamt hf.kultur hf.freizeit_sport hf.ikoe hf.familie hf.kinder_jugend hf.frauen
hf.senioren hf.religion
hf.antidiskriminierung hf.sicherheit hf.flucht hf.zusammenleben hf.oeffentlichkeit hf.mobilitaet
hf.digitalisierung hf.querschnitt
m.sprachfoerderung m.beratung m.begegnung m.ikoe m.zivil_partizipation m.pol_partizipation
m.antidiskriminierung m.freizeit_sport m.mobilitaet
zg.alle zg.migranten zg.spezifisch v.anpassung v.teilhabe
s.beauftragte s.beirat s.ki_zentrum s.integrationsmanagement s.mso s.monitoring
s.beteiligungsprozess s.netzwerk a.verb
""".split()


def test_default_codebook_has_the_taxonomy():
    book = load_codebook(DEFAULT_CODEBOOK)
    assert set(TAXONOMY_CODES) <= set(book.codes)
    roots = [c for c in book.codes.values() if c.parent is None]
    assert sum(c.dimension == "handlungsfeld" for c in roots) >= 24
    assert sum(c.dimension == "massnahme" for c in roots) == 9
    assert any(c.parent and c.dimension == "massnahme" for c in book.codes.values())
    assert book.label("hf.sprache") == "Sprache und Sprachförderung"
    for code in book.codes.values():  # every code documented for coders
        assert code.description, code.code


@pytest.fixture(scope="module")
def default_matcher():
    from konzeptanalyse.codebook import Matcher

    return Matcher(load_codebook(DEFAULT_CODEBOOK))


def measure_types(matcher, text: str) -> set[str]:
    """Measure types of a segment in a measures section, children counted as their root."""
    book = matcher.codebook
    return {
        book.parent_chain(t.code)[-1]
        for t in matcher.tag(text, "measures")
        if t.dimension == "massnahme"
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # m.ikoe: Dolmetsch*, Sprachmittl*, Übersetz*, -sprachig, language names, -sensibel
        ("Gedolmetscht wird über einen Telefondienst.", "m.ikoe"),
        ("Merkblätter werden ins Rumänische übertragen.", "m.ikoe"),
        ("Zweisprachige Aushänge in den Bürgerbüros", "m.ikoe"),
        ("Schulung der Sachbearbeitenden im Sozialamt", "m.ikoe"),
        ("Religionssensible Angebote in der Altenhilfe", "m.ikoe"),
        ("Die Sportvereine öffnen sich interkulturell.", "m.ikoe"),
        # m.mobilitaet: Bus/Rad/Bike/Fahrerlaubnis/Fahrgemeinschaft/Verkehr
        ("Linienbusse fahren künftig auch sonntags.", "m.mobilitaet"),
        ("Radfahrschule für Erwachsene", "m.mobilitaet"),
        ("Pedelec-Leihstation am Marktplatz", "m.mobilitaet"),
        ("Zuschuss zur Fahrerlaubnis für Auszubildende", "m.mobilitaet"),
        ("Verkehrserziehung in den Grundschulen", "m.mobilitaet"),
        # m.sprachfoerderung, m.beratung, m.begegnung, m.zivil_partizipation
        ("Deutschlerngruppen in den Ortsteilen", "m.sprachfoerderung"),
        ("Prüfungstraining für das Zertifikat B1", "m.sprachfoerderung"),
        ("Infoblätter zum Mietrecht", "m.beratung"),
        ("Feste Ansprechpartnerinnen im Jobcenter benennen", "m.beratung"),
        ("Kochnachmittage im Quartier", "m.begegnung"),
        ("Tag der offenen Synagoge", "m.begegnung"),
        ("Engagierte aus den Helferkreisen fortbilden", "m.zivil_partizipation"),
        ("Nachwuchswerbung der Jugendfeuerwehr", "m.zivil_partizipation"),
        # m.pol_partizipation, m.antidiskriminierung, m.freizeit_sport
        ("Kandidierende für den Integrationsrat gewinnen", "m.pol_partizipation"),
        ("Bewohnerräte in allen Unterkünften", "m.pol_partizipation"),
        ("Meldungen antisemitischer Vorfälle auswerten", "m.antidiskriminierung"),
        ("Diskriminierungsfreie Wohnungsvergabe", "m.antidiskriminierung"),
        ("Tanzworkshops für Jugendliche", "m.freizeit_sport"),
        ("Ferienbetreuung mit Ausflügen", "m.freizeit_sport"),
    ],
)
def test_default_codebook_synonym_families(default_matcher, text, expected):
    assert expected in measure_types(default_matcher, text)


@pytest.mark.parametrize(
    ("text", "not_expected"),
    [
        ("Mieterführerschein für neue Mieterinnen", "m.mobilitaet"),
        ("Sprechzeiten für Publikumsverkehr verlängern", "m.mobilitaet"),
        ("Lehrkräfte an Schulen beraten Eltern.", "m.ikoe"),
        ("Fortbildung zum Atemschutz", "m.ikoe"),
        ("Beratung zur freiwilligen Rückkehr", "m.zivil_partizipation"),
    ],
)
def test_default_codebook_false_friends(default_matcher, text, not_expected):
    assert not_expected not in measure_types(default_matcher, text)


def test_portable_text_keeps_a_copy_elsewhere_the_same_codebook(tmp_path):
    (tmp_path / "a").mkdir()
    _passages(tmp_path / "a" / "passagen.csv", 10)
    original = tmp_path / "a" / "book.yaml"
    original.write_text(READER_BOOK, encoding="utf-8")
    copy = tmp_path / "copy.yaml"
    copy.write_text(portable_text(original), encoding="utf-8")
    assert load_codebook(copy).version == load_codebook(original).version
