"""`konzept extract`: JSON shape on stdout, --out files, formats and exit codes."""

from __future__ import annotations

import json

import pytest
from pdfs import LI, H, P, concept_pdf, filler
from typer.testing import CliRunner

from konzeptanalyse.cli import app


@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.setenv("KONZEPT_CACHE", str(tmp_path / "cache"))
    return CliRunner()


@pytest.fixture
def concept(tmp_path):
    blocks = [H(1, "Leitbild"), P(filler(1, 50)), H(1, "Maßnahmen"), LI("Sprachcafé einrichten")]
    return concept_pdf(tmp_path / "konzept.pdf", blocks)


def test_json_on_stdout_has_the_public_shape(runner, concept):
    result = runner.invoke(app, ["extract", str(concept), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["file"] == "konzept.pdf" and data["page_count"] == 1
    assert len(data["sha256"]) == 64 and data["quality"][0]["page"] == 1
    sections = data["sections"]
    assert [(s["heading"], s["level"], s["kind"]) for s in sections] == [
        ("Leitbild", 1, "understanding"),
        ("Maßnahmen", 1, "measures"),
    ]
    for section in sections:
        assert {"heading", "level", "page", "kind", "paragraphs", "number", "path"} <= set(section)
        assert all(isinstance(p, str) for p in section["paragraphs"])
    assert sections[1]["paragraphs"] == ["Sprachcafé einrichten"]
    assert sections[1]["paragraph_kinds"] == ["list_item"]


def test_out_folder_gets_one_file_per_pdf_in_each_format(runner, concept, tmp_path):
    for fmt, probe in (("json", '"sections"'), ("md", "# Leitbild"), ("txt", "Leitbild")):
        out = tmp_path / f"out-{fmt}"
        result = runner.invoke(app, ["extract", str(concept), "--out", str(out), "--format", fmt])
        assert result.exit_code == 0, result.output
        written = out / f"konzept.{fmt}"
        assert probe in written.read_text(encoding="utf-8")


def test_bad_files_are_reported_and_the_rest_goes_on(runner, concept, tmp_path):
    folder = tmp_path / "mappe"
    folder.mkdir()
    (folder / "gut.pdf").write_bytes(concept.read_bytes())
    (folder / "leer.pdf").write_bytes(b"")
    (folder / "kaputt.pdf").write_text("kein PDF", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["extract", str(folder), "--out", str(out)])
    assert result.exit_code == 3
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert any("leer.pdf: empty" in line for line in errors)
    assert any("kaputt.pdf: not a PDF" in line for line in errors)
    assert (out / "gut.json").is_file()


def test_nothing_to_do_exits_1(runner, tmp_path):
    empty = tmp_path / "leer"
    empty.mkdir()
    result = runner.invoke(app, ["extract", str(empty)])
    assert result.exit_code == 1
    assert "no PDF files" in result.stderr


def test_unknown_format_exits_1(runner, concept):
    result = runner.invoke(app, ["extract", str(concept), "--format", "xml"])
    assert result.exit_code == 1
