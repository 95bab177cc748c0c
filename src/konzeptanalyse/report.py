"""One self-contained HTML report of a results folder: overview, charts, clouds, profiles.

Everything is inside the file (images as base64 data URIs, CSS inline, no external URL), so
it can be mailed, archived and opened offline. A tiny inline script records script errors and
images that did not load into the ``#render-check`` element; the test suite opens the report
in headless Chromium and reads it.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from konzeptanalyse.tables import (
    FLAGGED,
    TARGET_GROUPS,
    Results,
    compute_tables,
    final_tags,
    load_results,
)

MAX_MEASURES_SHOWN = 200  # per document; the full list is in measures.csv
MAX_EVIDENCE_SHOWN = 30

_CHECK_SCRIPT = """
window.__reportErrors = [];
window.addEventListener('error', function (e) {
  var t = e.target;
  if (t && t.tagName === 'IMG') { __reportErrors.push('image failed: ' + (t.alt || '')); }
  else { __reportErrors.push('script error: ' + e.message); }
}, true);
window.addEventListener('unhandledrejection', function (e) {
  __reportErrors.push('unhandled rejection: ' + e.reason);
});
(function () {
  var original = console.error;
  console.error = function () {
    __reportErrors.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
    return original.apply(console, arguments);
  };
})();
window.addEventListener('load', function () {
  var images = document.images, broken = 0;
  for (var i = 0; i < images.length; i++) {
    if (!images[i].complete || images[i].naturalWidth === 0) {
      broken++; __reportErrors.push('image not loaded: ' + images[i].alt);
    }
  }
  var el = document.getElementById('render-check');
  el.setAttribute('data-images', String(images.length));
  el.setAttribute('data-broken', String(broken));
  el.setAttribute('data-errors', String(__reportErrors.length));
  el.textContent = __reportErrors.join('\\n');
  el.setAttribute('data-done', '1');
});
"""

_CSS = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1em 2em;
       color: #222; line-height: 1.4; }
h1 { border-bottom: 3px solid #2a6f97; padding-bottom: .2em; }
h2 { margin-top: 2em; color: #2a6f97; }
table { border-collapse: collapse; margin: .5em 0 1em; font-size: .9em; display: block;
        overflow-x: auto; max-width: 100%; }
th, td { border: 1px solid #ccc; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #eef3f7; }
td.num { text-align: right; }
img { max-width: 100%; height: auto; }
figure { margin: 1em 0; } figcaption { font-size: .85em; color: #555; }
.flag-ok { color: #1b7f3b; } .flag-check { color: #b8860b; } .flag-poor { color: #b22222; }
mark.v-teilhabe { background: #cdebd3; } mark.v-anpassung { background: #f7d4c6; }
details { margin: .3em 0 1em; } nav a { margin-right: 1em; }
.doc { border-top: 1px solid #ddd; padding-top: .5em; }
#render-check { display: none; }
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _img(png: bytes, alt: str, caption: str = "") -> str:
    cap = f"<figcaption>{_e(caption)}</figcaption>" if caption else ""
    return f'<figure><img src="{_data_uri(png)}" alt="{_e(alt)}">{cap}</figure>'


def _table(frame: pd.DataFrame, num: Sequence[str] = (), raw: Sequence[str] = ()) -> str:
    """An HTML table; ``raw`` columns hold HTML already escaped by the caller."""
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row, strict=True):
            cls = ' class="num"' if column in num else ""
            if isinstance(value, float):
                value = "" if pd.isna(value) else f"{value:.2f}"
            cells.append(f"<td{cls}>{value if column in raw else _e(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _bar_chart(frame: pd.DataFrame, label: str, title: str, xlabel: str = "share") -> bytes:
    """Horizontal bars of ``share`` with bootstrap interval whiskers, as PNG bytes."""
    from matplotlib.figure import Figure  # no pyplot: no global figure state, no backend switch

    frame = frame.iloc[::-1]
    share = frame["share"].fillna(0).to_numpy()
    low = (share - frame["ci_low"].fillna(0).to_numpy()).clip(min=0)
    high = (frame["ci_high"].fillna(0).to_numpy() - share).clip(min=0)
    fig = Figure(figsize=(9, 0.3 * len(frame) + 1.2))
    ax = fig.subplots()
    ax.barh(
        frame[label].astype(str), share, xerr=[low, high], color="#2a6f97", ecolor="#555", capsize=3
    )
    ax.set_xlim(0, 1)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
    return buf.getvalue()


def _share_section(tables: dict[str, pd.DataFrame], name: str, title: str, label: str) -> str:
    frame = tables[name]
    corpus = frame[frame["by"] == ""]
    if corpus.empty:
        return f"<h3>{_e(title)}</h3><p>No data.</p>"
    chart = _img(
        _bar_chart(corpus, label, title),
        f"chart: {title}",
        "Bars: share of documents (of measures for target groups); whiskers: "
        "bootstrap 95 % interval.",
    )
    parts = [f"<h3>{_e(title)}</h3>", chart]
    grouped = frame[frame["by"] != ""]
    if not grouped.empty:
        key = "code" if "code" in frame.columns else "target_group"
        cell = grouped.assign(
            value=[
                f"{s:.0%} ({c}/{n})" if pd.notna(s) else "–"
                for s, c, n in zip(
                    grouped["share"],
                    grouped["count"],
                    grouped["n_measures" if key == "target_group" else "n_documents"],
                    strict=True,
                )
            ]
        )
        for column, sub in cell.groupby("by", sort=False):
            wide = sub.pivot(index=key, columns="group", values="value")
            wide = wide.reindex(list(dict.fromkeys(sub[key]))).reset_index()
            parts.append(f"<p>By <b>{_e(column)}</b>:</p>" + _table(wide))
    basis = frame.loc[frame["by"] == "", ["tags_auto", "tags_human"]].sum()
    parts.append(
        f"<p><small>Rests on {int(basis['tags_auto'])} auto and "
        f"{int(basis['tags_human'])} human decisions.</small></p>"
    )
    return "\n".join(parts)


def _overview(res: Results, tables: dict[str, pd.DataFrame]) -> str:
    docs = tables["documents"]
    counts = []
    for column in ("bundesland", "type", "urban_rural", "quality_flag"):
        values = docs[column].replace("", "(leer)").value_counts().sort_index()
        counts.append(
            f"<b>{_e(column)}</b>: " + ", ".join(f"{_e(k)} {v}" for k, v in values.items())
        )
    run = res.dir / "run.json"
    info = ""
    if run.is_file():
        try:
            data = json.loads(run.read_text(encoding="utf-8"))
            info = (
                "<details><summary>run.json</summary><pre>"
                + _e(json.dumps(data, ensure_ascii=False, indent=1))
                + "</pre></details>"
            )
        except json.JSONDecodeError:
            info = "<p>run.json could not be read.</p>"
    overview = docs[
        [
            "kreis",
            "bundesland",
            "type",
            "year",
            "urban_rural",
            "quality_flag",
            "n_measures",
            "understanding_class",
            "goals_measures_flag",
        ]
    ]
    links = [
        f'<a href="#doc-{_e(d)}">{_e(k or f)}</a>'
        for d, k, f in zip(docs["doc_id"], docs["kreis"], docs["file"], strict=True)
    ]
    overview = overview.assign(kreis=links)
    table = _table(overview, num=["n_measures"], raw=["kreis"])
    return f"<p>{len(docs)} documents. " + "; ".join(counts) + "</p>" + info + table


def _highlight(text: str, start: int | None, end: int | None, pole: str) -> str:
    if start is None or end is None or not 0 <= start < end <= len(text):
        return _e(text)
    css = "v-teilhabe" if pole == "v.teilhabe" else "v-anpassung"
    return _e(text[:start]) + f'<mark class="{css}">{_e(text[start:end])}</mark>' + _e(text[end:])


def _int_or_none(value: str) -> int | None:
    return int(value) if str(value).isdigit() else None


def _profiles(res: Results, tables: dict[str, pd.DataFrame]) -> str:
    tags = final_tags(res)
    kept = tags[tags["final"] != ""]
    empty_fields = res.fields.iloc[0:0]
    fields = dict(iter(res.fields.groupby("doc_id")))
    measures = dict(iter(res.measures.groupby("doc_id")))
    mtypes = dict(iter(kept[kept["final_dimension"] == "massnahme"].groupby("doc_id")))
    markers = dict(iter(kept[kept["final_dimension"] == "verstaendnis"].groupby("doc_id")))
    seg_text = res.segments.set_index("segment_id")["text"]
    out = []
    for doc in tables["documents"].to_dict("records"):
        doc_id = doc["doc_id"]
        flag = doc["quality_flag"] or "?"
        quality = (
            f'<p>Extraction quality: <b class="flag-{_e(flag)}">{_e(flag)}</b> — OCR pages '
            f"{_e(doc['ocr_pages'])}, empty pages {_e(doc['empty_pages'])}, replacement "
            f"characters {_e(doc['replacement_chars'])}"
            + (" (counts from this document are less certain)" if flag in FLAGGED else "")
            + "</p>"
        )
        meta = (
            f"<p>{_e(doc['file'])} · {_e(doc['bundesland'])} · {_e(doc['type'])} · "
            f"{_e(doc['year'])} · {_e(doc['urban_rural'])}"
            + (f" · cluster {_e(doc['cluster'])}" if doc.get("cluster") else "")
            + "</p>"
        )
        f = fields.get(doc_id, empty_fields)[["code", "label", "chapter", "mentions"]]
        f = f.assign(chapter=f["chapter"].map({"1": "yes", "0": ""}).fillna(f["chapter"]))
        field_html = _table(f, num=["mentions"]) if len(f) else "<p>No Handlungsfeld found.</p>"

        meas = measures.get(doc_id, res.measures.iloc[0:0])
        mtags = mtypes.get(doc_id, kept.iloc[0:0])
        types = mtags.groupby("segment_id")["final_code"].agg(lambda s: "; ".join(sorted(set(s))))
        meas_view = pd.DataFrame(
            {
                "page": meas["page"],
                "measure": meas["text"],
                "types (final codes)": meas["segment_id"].map(types).fillna(""),
                "target group": meas["target_group"],
                "evidence": meas["target_evidence"],
            }
        )
        mix = meas["target_group"].value_counts()
        mix_text = ", ".join(f"{g} {int(mix.get(g, 0))}" for g in TARGET_GROUPS)
        shown = meas_view.head(MAX_MEASURES_SHOWN)
        more = (
            f"<p>… {len(meas_view) - len(shown)} more in measures.csv</p>"
            if len(meas_view) > len(shown)
            else ""
        )
        meas_html = (
            f"<details><summary>{len(meas)} measures — target groups: {_e(mix_text)}"
            f"</summary>{_table(shown)}{more}</details>"
        )

        vt = markers.get(doc_id, kept.iloc[0:0])
        scope = "understanding sections"
        evidence = vt[vt["section_kind"] == "understanding"]
        if evidence.empty and not vt.empty:
            evidence, scope = vt, "whole text (no markers in understanding sections)"
        items = []
        for tag in evidence.head(MAX_EVIDENCE_SHOWN).to_dict("records"):
            text = seg_text.get(tag["segment_id"], "")
            items.append(
                f"<li><b>{_e(tag['final_code'])}</b> (p. {_e(tag['page'])}): "
                + _highlight(
                    text, _int_or_none(tag["start"]), _int_or_none(tag["end"]), tag["final"]
                )
                + "</li>"
            )
        evidence_html = (
            f"<p>Evidence ({_e(scope)}):</p><ul>{''.join(items)}</ul>"
            if items
            else "<p>No understanding markers.</p>"
        )
        understanding = (
            f"<p>Integrationsverständnis: <b>{_e(doc['understanding_class'])}</b> "
            f"(score {_e(doc['understanding_score'])}); declares all residents: "
            f"{_e(doc['declares_all'])}; goals-vs-measures flag: "
            f"{_e(doc['goals_measures_flag'])}</p>"
        )
        out.append(
            f'<section class="doc" id="doc-{_e(doc_id)}"><h3>{_e(doc["kreis"] or doc["file"])}'
            f"</h3>{meta}{quality}<h4>Handlungsfelder</h4>{field_html}<h4>Maßnahmen</h4>"
            f"{meas_html}<h4>Integrationsverständnis</h4>{understanding}{evidence_html}"
            f"<p><small>Tags: {_e(doc['tags_auto'])} auto, {_e(doc['tags_human'])} "
            f"human.</small></p></section>"
        )
    return "\n".join(out)


def build_report(
    results_dir: Path,
    out: Path | None = None,
    by: Sequence[str] = ("urban_rural",),
    exclude_flagged: bool = False,
    seed: int = 0,
) -> Path:
    """Write the HTML report (default ``results/report.html``) and return its path.

    Also (re)writes the word clouds under results/clouds, which the report embeds.
    """
    from konzeptanalyse.clouds import corpus_tokens, write_clouds_for

    res = load_results(Path(results_dir))
    by = list(by)
    tokens = corpus_tokens(res)
    tables = compute_tables(res, by, exclude_flagged, seed, tokens=tokens)
    written = write_clouds_for(res, by, seed, exclude_flagged=exclude_flagged, tokens=tokens)
    clouds = [p for p in written if p.suffix == ".png"]
    out = Path(out) if out else res.dir / "report.html"

    cloud_html = (
        "".join(
            _img(
                p.read_bytes(),
                f"word cloud {p.stem}",
                f"{p.stem}: frequencies in clouds/{p.stem}.csv",
            )
            for p in clouds
        )
        or "<p>No words to draw.</p>"
    )
    sections = [
        ("overview", "Corpus overview", _overview(res, tables)),
        (
            "shares",
            "Shares",
            _share_section(tables, "fields_chapter", "Handlungsfeld as own chapter", "label")
            + _share_section(tables, "fields_mention", "Handlungsfeld mentioned", "label")
            + _share_section(tables, "measure_types", "Measure types", "label")
            + _share_section(tables, "target_groups", "Target groups of measures", "target_group")
            + _share_section(tables, "understanding", "Integrationsverständnis", "code")
            + _share_section(tables, "goals_measures", "Goals vs measures", "code"),
        ),
        ("clouds", "Word clouds", cloud_html),
        ("documents", "Document profiles", _profiles(res, tables)),
    ]
    note = (
        "Flagged documents (quality check/poor) are excluded from the shares."
        if exclude_flagged
        else "Shares include documents with quality flags; see n_flagged in the tables."
    )
    nav = "".join(f'<a href="#{key}">{_e(title)}</a>' for key, title, _ in sections)
    body = "".join(
        f'<section id="{key}"><h2>{_e(title)}</h2>{content}</section>'
        for key, title, content in sections
    )
    page = (
        '<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8">'
        "<title>Konzeptanalyse report</title>"
        f"<script>{_CHECK_SCRIPT}</script><style>{_CSS}</style></head><body>"
        f"<h1>Konzeptanalyse: {_e(res.dir.name)}</h1><nav>{nav}</nav><p>{_e(note)}</p>"
        f'{body}<pre id="render-check"></pre></body></html>\n'
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out
