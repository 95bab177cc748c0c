"""The short summary ``konzept classify`` prints when it is done."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table

from .pipeline import RunSummary


def _top_fields(out_dir, n: int = 3) -> dict[str, str]:
    """Per document the n Handlungsfelder with the most mentions (chapters first)."""
    path = out_dir / "fields.csv"
    if not path.exists():
        return {}
    fields = pd.read_csv(path)
    fields = fields[(fields["mentions"] > 0) | (fields["chapter"] == 1)]
    fields = fields.sort_values(["doc_id", "chapter", "mentions"], ascending=[True, False, False])
    return {
        doc: ", ".join(c.removeprefix("hf.") for c in g["code"].head(n))
        for doc, g in fields.groupby("doc_id", sort=False)
    }


def print_summary(console: Console, summary: RunSummary) -> None:
    docs = summary.documents
    top = _top_fields(summary.out_dir)
    table = Table(title=f"{len(docs)} documents coded", show_lines=False)
    for col in (
        "document",
        "pages",
        "quality",
        "Verständnis",
        "measures",
        "top fields",
    ):
        table.add_column(col, overflow="fold")
    for d in docs.itertuples(index=False):
        flag = " ⚑" if int(d.goals_measures_flag or 0) else ""
        table.add_row(
            str(d.kreis or d.file),
            str(d.pages),
            str(d.quality_flag),
            f"{d.understanding_class} ({float(d.understanding_score or 0):+.2f})",
            f"{d.n_measures}{flag}",
            top.get(d.doc_id, ""),
        )
    console.print(table)
    if docs["goals_measures_flag"].astype(int).any():
        console.print(
            "⚑ declares participation of all, but its measures target migrants only "
            "or leave the target group open (goals_measures_flag)"
        )
    dec = summary.decisions
    human = sum(dec.get(k, 0) for k in ("accepted", "rejected", "changed", "added", "conflict"))
    console.print(
        f"tags: {dec.get('auto', 0)} auto, {human} with a reviewer's decision"
        + (f", {dec['orphaned']} orphaned decisions" if dec.get("orphaned") else "")
        + (f", {dec['conflict']} conflicts" if dec.get("conflict") else "")
    )
    console.print(
        f"{summary.processed} documents processed, {summary.reused} reused from the last run, "
        f"{len(summary.errors)} failed; {summary.timings.get('total_s', 0):.1f} s"
    )
    console.print(
        f"results in [bold]{summary.out_dir}/[/bold]: "
        + ", ".join(sorted({p.name for p in summary.files if p.parent == summary.out_dir}))
    )
