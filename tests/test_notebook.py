"""The researcher's notebook runs top to bottom on a results folder (so it never rots)."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient
from results_sample import DOCS, write_sample_results

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "konzept_analyse.ipynb"


def test_notebook_reproduces_the_key_tables_and_a_chart(tmp_path, monkeypatch):
    results = write_sample_results(tmp_path)
    monkeypatch.setenv("KONZEPT_RESULTS", str(results))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    outputs = [
        out
        for cell in notebook.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
    ]
    errors = [out for out in outputs if out.get("output_type") == "error"]
    assert not errors
    text = "\n".join(
        out.get("text", "") + out.get("data", {}).get("text/plain", "") for out in outputs
    )
    assert f"{len(DOCS)} documents" in text
    assert "Sprachförderung" in text and "teilhabeorientiert" in text
    assert any("image/png" in out.get("data", {}) for out in outputs)


def test_notebook_reads_the_results_path_from_the_environment():
    source = "".join(cell.source for cell in nbformat.read(NOTEBOOK, as_version=4).cells)
    assert 'os.environ.get("KONZEPT_RESULTS", "../results")' in source
