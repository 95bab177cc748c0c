"""konzept report: one self-contained HTML file that renders in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from conftest import require_tool
from results_sample import DOCS, write_sample_results
from typer.testing import CliRunner

from konzeptanalyse.cli import app
from konzeptanalyse.report import build_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample_results(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def report(results: Path) -> Path:
    return build_report(results, by=["urban_rural"])


def render_check(page: Path, profile: Path) -> dict[str, str]:
    """Open ``page`` in headless Chromium; return the attributes and text of #render-check."""
    run = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-extensions",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    match = re.search(r'<pre id="render-check"([^>]*)>(.*?)</pre>', run.stdout, re.S)
    assert match, f"chromium returned no DOM (rc {run.returncode}): {run.stderr[-2000:]}"
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', match.group(1)))
    attrs["text"] = match.group(2)
    return attrs


def test_report_is_self_contained(report):
    page = report.read_text(encoding="utf-8")
    assert report.name == "report.html" and report.parent.name == "results"
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "url(" not in page and "@import" not in page
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert len(sources) >= 5
    assert all(s.startswith("data:image/png;base64,") for s in sources)


def test_report_has_overview_charts_clouds_and_profiles(results, report):
    page = report.read_text(encoding="utf-8")
    for heading in ("Corpus overview", "Shares", "Word clouds", "Document profiles"):
        assert f">{heading}</h2>" in page
    assert 'alt="chart: Handlungsfeld as own chapter"' in page
    assert 'alt="word cloud understanding"' in page
    docs = pd.read_csv(results / "documents.csv", dtype=str, keep_default_na=False)
    for doc in docs.to_dict("records"):
        assert f'id="doc-{doc["doc_id"]}"' in page
        assert f'class="flag-{doc["quality_flag"]}"' in page
    # evidence: segments with verstaendnis tags in understanding sections, marker highlighted
    tags = pd.read_csv(results / "tags.csv", dtype=str, keep_default_na=False)
    evidence = tags[
        tags["final_code"].str.startswith("v.") & (tags["section_kind"] == "understanding")
    ]
    segments = pd.read_csv(results / "segments.csv", dtype=str, keep_default_na=False)
    text = segments.set_index("segment_id").loc[evidence["segment_id"].iloc[0], "text"]
    matched = evidence["matched"].iloc[0]
    assert f'">{matched}</mark>' in page
    assert text.split(matched, 1)[1][:20] in page
    # measures with their target groups
    assert "Mehrsprachige Formulare in der Verwaltung einführen." in page
    assert "m.ikoe.sprachmittlung" in page


def test_report_flags_excluded_documents_when_asked(results, tmp_path):
    out = build_report(results, tmp_path / "clean.html", by=[], exclude_flagged=True)
    page = out.read_text(encoding="utf-8")
    assert "are excluded from the shares" in page
    for doc in DOCS:
        shown = f">{doc[1]}</a>" in page
        assert shown == (doc[7] == "ok"), doc[1]


def test_report_renders_in_headless_chromium_without_errors(report, tmp_path):
    require_tool("chromium")
    check = render_check(report, tmp_path / "profile")
    assert check.get("data-done") == "1", "the page's load handler did not run"
    assert check["data-errors"] == "0", check["text"]
    assert check["data-broken"] == "0", check["text"]
    assert int(check["data-images"]) == report.read_text(encoding="utf-8").count("<img ")


def test_render_check_catches_broken_images_and_script_errors(report, tmp_path):
    require_tool("chromium")
    page = report.read_text(encoding="utf-8").replace(
        '<pre id="render-check">',
        '<img src="data:image/png;base64,AAAA" alt="broken">'
        "<script>undefinedFunction();</script>"
        '<pre id="render-check">',
    )
    bad = tmp_path / "bad.html"
    bad.write_text(page, encoding="utf-8")
    check = render_check(bad, tmp_path / "profile")
    assert check["data-broken"] == "1"
    assert "broken" in check["text"] and "undefinedFunction" in check["text"]


def test_cli_report(results, tmp_path):
    out = tmp_path / "r.html"
    run = CliRunner().invoke(app, ["report", "--results", str(results), "--out", str(out)])
    assert run.exit_code == 0, run.output
    assert out.is_file() and "<!DOCTYPE html>" in out.read_text(encoding="utf-8")
    missing = CliRunner().invoke(app, ["report", "--results", str(tmp_path / "none")])
    assert missing.exit_code == 1
