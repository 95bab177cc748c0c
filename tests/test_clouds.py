"""Word clouds: lemmatised, stop words out, PNG next to its CSV, reproducible, group comparison."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from results_sample import write_sample_results
from typer.testing import CliRunner

from konzeptanalyse.cli import app
from konzeptanalyse.clouds import compare_frequencies, load_stopwords, write_clouds


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample_results(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def written(results: Path) -> list[Path]:
    return write_clouds(results, by=["urban_rural"], seed=3)


def lemmas_of(csv: Path) -> set[str]:
    return set(pd.read_csv(csv, keep_default_na=False)["lemma"].str.casefold())


def test_every_png_has_its_frequency_table(written):
    pngs = [p for p in written if p.suffix == ".png"]
    assert pngs
    for png in pngs:
        assert png.with_suffix(".csv").is_file()
        with Image.open(png) as image:
            assert image.width > 100 and image.height > 100


def test_understanding_cloud_is_drawn_from_understanding_sections_only(results, written):
    segments = pd.read_csv(results / "segments.csv", dtype=str, keep_default_na=False)
    inside = " ".join(segments.loc[segments["section_kind"] == "understanding", "text"])
    words = lemmas_of(results / "clouds" / "understanding.csv")
    assert {"teilhabe", "gesellschaft", "integration"} <= words
    assert "wohnraum" not in words and "wohnraum" not in inside.casefold()
    assert "wohnraum" in lemmas_of(results / "clouds" / "corpus.csv")


def test_stop_words_and_inflection_are_removed(results, written):
    stop = load_stopwords()
    assert {"und", "der", "landkreis", "kapitel"} <= stop
    words = lemmas_of(results / "clouds" / "corpus.csv")
    assert not words & stop
    assert "beirat" in words and "beiräte" not in words
    # "Bürgerinnen und Bürger" is one word in the cloud
    assert "bürgerin" not in words and "bürger" in words


def test_one_cloud_per_handlungsfeld_from_its_tagged_segments(results, written):
    tags = pd.read_csv(results / "tags.csv", dtype=str, keep_default_na=False)
    fields = set(tags.loc[tags["final_code"].str.startswith("hf."), "final_code"])
    for code in fields:
        assert (results / "clouds" / f"field_{code}.png").is_file(), code
    assert "wohnraum" in lemmas_of(results / "clouds" / "field_hf.wohnen.csv")
    assert "wohnraum" not in lemmas_of(results / "clouds" / "field_hf.arbeit.csv")


def test_images_are_reproducible_with_a_fixed_seed(results, written, tmp_path):
    before = (results / "clouds" / "understanding.png").read_bytes()
    again = write_clouds(results, by=["urban_rural"], seed=3)
    assert (results / "clouds" / "understanding.png").read_bytes() == before
    assert again == written


def test_comparison_keeps_words_over_represented_in_each_group():
    counts = {
        "städtisch": Counter({"Vielfalt": 8, "Teilhabe": 4, "Sprache": 4}),
        "ländlich": Counter({"Ehrenamt": 6, "Teilhabe": 4, "Sprache": 6}),
    }
    frame = compare_frequencies(counts)
    town = set(frame.loc[frame["group"] == "städtisch", "lemma"])
    country = set(frame.loc[frame["group"] == "ländlich", "lemma"])
    assert town == {"Vielfalt"}  # Teilhabe: 0.25 vs 0.25, Sprache: 0.25 vs 0.375
    assert country == {"Ehrenamt", "Sprache"}
    assert (frame["excess"] > 0).all()


def test_comparison_cloud_per_group_column(results, written):
    frame = pd.read_csv(results / "clouds" / "compare_urban_rural.csv", keep_default_na=False)
    assert set(frame["group"]) == {"ländlich", "städtisch"}
    assert (results / "clouds" / "compare_urban_rural.png").is_file()


def test_cli_clouds(results):
    result = CliRunner().invoke(app, ["clouds", "--results", str(results), "--by", "type"])
    assert result.exit_code == 0, result.output
    assert (results / "clouds" / "compare_type.png").is_file()


def test_own_place_names_do_not_crowd_the_clouds(results, written):
    docs = pd.read_csv(results / "documents.csv", dtype=str, keep_default_na=False)
    names = {w.casefold() for kreis in docs["kreis"] for w in kreis.split()[1:]}
    assert names  # e.g. "waldau" from "Landkreis Waldau"
    segments = pd.read_csv(results / "segments.csv", dtype=str, keep_default_na=False)
    text = " ".join(segments["text"]).casefold()
    assert "neckarbrucker" in text  # the fixture uses a place adjective
    words = lemmas_of(results / "clouds" / "corpus.csv")
    assert not words & (names | {"neckarbrucker"})


def test_soft_hyphens_do_not_split_words_in_clouds():
    from konzeptanalyse.clouds import token_table

    segments = pd.DataFrame(
        {
            "doc_id": ["d"],
            "segment_id": ["d-1"],
            "text": ["Sprach\u00adkurse für Asylsu\ufffechende"],
        }
    )
    words = set(token_table(segments, load_stopwords())["lemma"].str.casefold())
    assert {"sprachkurs", "asylsuchende"} <= words or {"sprachkurs", "asylsuchender"} <= words
    assert not words & {"sprach", "asylsu", "chende", "kurse"}
