"""konzept cluster: Ward groups of z-scored indicators, usable with --by cluster."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from results_sample import DOCS, write_sample_results
from typer.testing import CliRunner

from konzeptanalyse.cli import app
from konzeptanalyse.cluster import cluster_indicators, read_indicators, write_clusters
from konzeptanalyse.tables import compute_tables, load_results

EXAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "indicators_example.csv"
EXAMPLE_AGS = "09190 05130 14630 03110 06450 08130 12070 01060 07320 16070 05520".split()


def two_blobs() -> pd.DataFrame:
    """Three rich and three poor Kreise; the income column is in euros (large numbers)."""
    return pd.DataFrame(
        {
            "ags": ["01001", "01002", "01003", "02001", "02002", "02003"],
            "sgb2_quote": ["3.0", "3.2", "2.9", "11.0", "10.5", "11.4"],
            "haushaltseinkommen": ["27000", "27400", "26800", "20100", "19900", "20300"],
            "name": ["a", "b", "c", "d", "e", "f"],  # a label column, not an indicator
        }
    )


def test_ward_separates_clearly_different_kreise():
    assignments, means = cluster_indicators(two_blobs(), k=2)
    groups = dict(zip(assignments["ags"], assignments["cluster"], strict=True))
    assert groups["01001"] == groups["01002"] == groups["01003"] == 1
    assert groups["02001"] == groups["02002"] == groups["02003"] == 2
    assert list(means["n"]) == [3, 3]
    assert means.loc[means["cluster"] == 1, "sgb2_quote"].item() == pytest.approx(3.0333, 1e-3)
    assert "name" not in means.columns


def test_z_scores_make_units_irrelevant():
    frame = two_blobs()
    base, _ = cluster_indicators(frame, k=3)
    scaled = frame.assign(
        haushaltseinkommen=(frame["haushaltseinkommen"].astype(float) * 1000).astype(str)
    )
    again, _ = cluster_indicators(scaled, k=3)
    assert list(base["cluster"]) == list(again["cluster"])


def test_example_file_covers_the_sample_ags_and_clusters(tmp_path):
    frame = read_indicators(EXAMPLE)
    assert list(frame["ags"]) == EXAMPLE_AGS  # leading zeros kept
    assert EXAMPLE.read_text(encoding="utf-8").lower().count("invented") >= 1
    paths = write_clusters(EXAMPLE, tmp_path, k=4)
    clusters = pd.read_csv(paths[0], dtype=str)
    assert list(clusters.columns) == ["ags", "cluster"]
    assert sorted(set(clusters["cluster"])) == ["1", "2", "3", "4"]
    means = pd.read_csv(paths[1])
    assert means["n"].sum() == len(EXAMPLE_AGS)


def test_bad_cells_name_the_line(tmp_path):
    path = tmp_path / "ind.csv"
    path.write_text("# comment\nags,quote\n01001,3.1\n01002,viel\n01003,2.0\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"ind\.csv:4: column 'quote' has 'viel'"):
        write_clusters(path, tmp_path, k=2)
    path.write_text("ags,quote\n01001,3.1\n01001,2.0\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"ind\.csv:3: ags 01001 appears twice"):
        read_indicators(path)
    with pytest.raises(ValueError, match="no column 'kreis'"):
        read_indicators(path, id_column="kreis")


def test_cli_cluster_then_tables_by_cluster(tmp_path):
    results = write_sample_results(tmp_path)
    run = CliRunner().invoke(app, ["cluster", str(EXAMPLE), "--k", "3", "--results", str(results)])
    assert run.exit_code == 0, run.output
    clusters = pd.read_csv(results / "clusters.csv", dtype=str)
    frame = compute_tables(load_results(results), by=["cluster"])["understanding"]
    groups = frame[frame["by"] == "cluster"].drop_duplicates("group")
    sample_ags = {d[2] for d in DOCS}
    expected = clusters[clusters["ags"].isin(sample_ags)]["cluster"].value_counts()
    assert dict(zip(groups["group"], groups["n_documents"], strict=True)) == expected.to_dict()
    bad = CliRunner().invoke(app, ["cluster", str(EXAMPLE), "--k", "50"])
    assert bad.exit_code == 1 and "--k 50" in bad.output
