"""The ``konzept`` command: parses options, calls the pipeline steps, prints summaries.

Nothing here computes anything; each command wires one or two step functions. Heavy imports
happen inside the commands so ``konzept --help`` stays fast.

Exit codes (documented in the README):
  0  everything processed
  1  the command could not run at all (bad options, unreadable codebook, no input files)
  2  usage error (typer)
  3  ran, but some input files could not be processed (each one reported on stderr)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Extract, section, code and count German integration concepts.",
)
codebook_app = typer.Typer(no_args_is_help=True, help="Validate, render and audit codebooks.")
review_app = typer.Typer(
    no_args_is_help=True, help="Export auto-tags for review; import decisions."
)
app.add_typer(codebook_app, name="codebook")
app.add_typer(review_app, name="review")

EXIT_OK, EXIT_FATAL, EXIT_PARTIAL = 0, 1, 3

ResultsDir = Annotated[Path, typer.Option("--out", help="Results folder.")]
CodebookOpt = Annotated[
    Path | None, typer.Option("--codebook", help="Codebook YAML (default: codebook/default.yaml).")
]


def _stderr():
    """Console for errors and warnings: never wrapped, so each problem stays one grep-able line."""
    from rich.console import Console

    return Console(stderr=True, soft_wrap=True, highlight=False)


def _fail(message: str) -> typer.Exit:
    _stderr().print(f"[red]error:[/red] {message}")
    return typer.Exit(EXIT_FATAL)


# ---- ingest
@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="PDF files or folders.")],
    out: Annotated[Path | None, typer.Option("--out", help="Write one file per PDF here.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="json, md or txt.")] = "json",
    ocr: Annotated[bool, typer.Option("--ocr", help="OCR pages without a text layer.")] = False,
    password: Annotated[str | None, typer.Option(help="Password of encrypted PDFs.")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Ignore the cache.")] = False,
) -> None:
    """Read PDFs in reading order and split them into their sections.

    One file without --out: printed to stdout (json: the Document with "sections"). Several
    files without --out: one document per line (JSON Lines) or concatenated md/txt. With --out:
    DIR/<stem>.<format> per PDF. Bad files: one line each on stderr; exit 3. No PDFs: exit 1.
    """
    # owner: ingest
    import json
    import sys

    from rich.progress import Progress

    from .ingest import IngestError, find_pdfs, load_document
    from .ingest.export import document_json, document_markdown, document_text

    if fmt not in ("json", "md", "txt"):
        raise _fail(f"--format {fmt!r}: use json, md or txt")
    missing = [p for p in paths if not p.exists()]
    files = find_pdfs(p for p in paths if p.exists())
    err = _stderr()
    failed = 0
    for path in missing:
        err.print(f"[red]error:[/red] {path}: not found — check the path")
        failed += 1
    if not files:
        raise _fail("no PDF files found in " + ", ".join(map(str, paths)))
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)

    def render(doc, compact: bool) -> str:
        if fmt == "json":
            return json.dumps(document_json(doc), ensure_ascii=False, indent=None if compact else 2)
        return document_markdown(doc) if fmt == "md" else document_text(doc)

    with Progress(console=err, transient=True, disable=len(files) < 3) as progress:
        task = progress.add_task("extracting", total=len(files))
        for path in files:
            try:
                doc = load_document(path, ocr=ocr, password=password, use_cache=not no_cache)
            except IngestError as exc:
                err.print(f"[red]error:[/red] {exc}")
                failed += 1
            else:
                for warning in doc.warnings:
                    err.print(f"[yellow]warning:[/yellow] {path.name}: {warning}")
                if out is not None:
                    (out / f"{path.stem}.{fmt}").write_text(render(doc, False) + "\n", "utf-8")
                else:
                    sys.stdout.write(render(doc, len(files) > 1) + "\n")
            progress.advance(task)
    if failed:
        raise typer.Exit(EXIT_PARTIAL)


# ---- classify (pipeline)
# owner: pipeline — `classify`
@app.command()
def classify(
    paths: Annotated[list[Path], typer.Argument(help="PDF files or folders (e.g. corpus/).")],
    codebook: CodebookOpt = None,
    out: ResultsDir = Path("results"),
    unit: Annotated[str, typer.Option(help="sentence, paragraph or section.")] = "sentence",
    workers: Annotated[
        int | None, typer.Option("--workers", help="Parallel documents (default: all cores).")
    ] = None,
    executor: Annotated[str, typer.Option(help="process (this machine) or dask.")] = "process",
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address, e.g. tcp://host:8786.")
    ] = None,
    ocr: Annotated[bool, typer.Option("--ocr", help="OCR pages without a text layer.")] = False,
    password: Annotated[str | None, typer.Option(help="Password of encrypted PDFs.")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Re-extract and re-tag.")] = False,
    tables: Annotated[bool, typer.Option(help="Write the corpus tables at the end.")] = True,
) -> None:
    """Extract, segment and code every PDF; write the results folder and print a summary."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from .codebook import DEFAULT_CODEBOOK, CodebookError
    from .pipeline import classify as run_classify
    from .summary import print_summary

    console, err = Console(), _stderr()
    try:
        with Progress(
            TextColumn("[bold]coding"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task("", total=None)

            def progress(done: int, total: int, name: str) -> None:
                bar.update(task, completed=done, total=total, description=name)

            summary = run_classify(
                paths,
                codebook_path=codebook or DEFAULT_CODEBOOK,
                out_dir=out,
                unit=unit,
                workers=workers,
                executor=executor,
                scheduler=scheduler,
                ocr=ocr,
                password=password,
                use_cache=not no_cache,
                progress=progress,
            )
    except CodebookError as exc:
        raise _fail(str(exc)) from exc
    except (FileNotFoundError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    for line in summary.errors:
        err.print(f"[red]error:[/red] {line}", highlight=False)
    if tables:
        from .tables import write_tables

        summary.files.extend(write_tables(out))
    print_summary(console, summary)
    run_info = json.loads((summary.out_dir / "run.json").read_text(encoding="utf-8"))
    reader = run_info.get("second_reader") or "none (understanding = marker balance)"
    err.print(f"lemmatiser: {run_info['lemmatiser']}; second reader: {reader}", highlight=False)
    raise typer.Exit(EXIT_PARTIAL if summary.errors else EXIT_OK)


# ---- codebook, tag, evaluate
# owner: codebook — `tag`, `evaluate`, `codebook check`, `codebook show`
def _load_codebook_or_fail(path: Path | None):
    """The codebook at ``path`` (default codebook when None); exit 1 listing every error."""
    from konzeptanalyse.codebook import DEFAULT_CODEBOOK, CodebookError, load_codebook

    try:
        return load_codebook(path or DEFAULT_CODEBOOK)
    except CodebookError as exc:
        # plain lines (no wrapping): each is "file:line: key: message", easy to jump to
        typer.echo(f"error: invalid codebook ({len(exc.errors)} problem(s)):", err=True)
        for line in exc.errors:
            typer.echo(line, err=True)
        raise typer.Exit(EXIT_FATAL) from exc


def _second_reader(book, gold: Path | None = None):
    """The codebook's second reader of the understanding score, announced on stderr."""
    from konzeptanalyse.codebook.load import reader_path
    from konzeptanalyse.understanding import SecondReader

    reader = SecondReader.from_codebook(book)
    if reader is None:
        typer.echo("second reader: none in this codebook; scores are the marker balance", err=True)
        return None
    typer.echo(f"second reader: {reader.description}", err=True)
    trained_on = {
        reader_path(book.path, f) for d in book.dimensions.values() for f in d.second_reader
    }
    if gold is not None and gold.resolve() in trained_on:
        typer.echo(
            f"note: the second reader was trained on {gold.name}; its understanding figures "
            "here are not a test on new text",
            err=True,
        )
    return reader


@app.command()
def tag(
    file: Annotated[
        str, typer.Argument(help="Text file with one segment per line, or - for stdin.")
    ] = "-",
    codebook: CodebookOpt = None,
    context: Annotated[
        str | None,
        typer.Option(
            "--context",
            help="Apply only the rules of this section kind (measures, understanding, heading…).",
        ),
    ] = None,
) -> None:
    """Code text lines: one JSON line out per input line (docs/matching.md).

    Each line gets {"text", "codes": [{"code","label","dimension","evidence": [{"matched","start",
    "end","rule"}]}], "understanding": {"score","class","markers"}}. Without --context every
    dimension applies, as for a list item in a measures section. Lemmas come from simplemma
    (German dictionary lookup); spaCy's German pipelines are not used.
    """
    import json
    import sys

    from konzeptanalyse.codebook import Matcher, segment_record
    from konzeptanalyse.codebook.model import CONTEXTS

    if context is not None and context not in CONTEXTS:
        kinds = ", ".join(CONTEXTS)
        raise _fail(f"--context {context!r} is not a section kind; use one of {kinds}")
    book = _load_codebook_or_fail(codebook)
    matcher = Matcher(book)
    reader = _second_reader(book)
    if file == "-":
        stream = sys.stdin
    else:
        try:
            stream = open(file, encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise _fail(f"{file}: cannot read ({exc.strerror or exc})") from exc
    try:
        for line in stream:
            text = line.rstrip("\r\n")
            record = segment_record(matcher, text, context, reader)
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    except UnicodeDecodeError as exc:
        raise _fail(f"{file}: not UTF-8 text ({exc.reason})") from exc
    finally:
        if stream is not sys.stdin:
            stream.close()


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Argument(help="Gold CSV: id, text, context, codes, pole.")],
    codebook: CodebookOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the per-code table to this CSV file.")
    ] = None,
    errors: Annotated[
        Path | None,
        typer.Option(
            "--errors",
            help="Write the wrongly coded rows (missing/extra codes, side found) to this CSV.",
        ),
    ] = None,
) -> None:
    """Precision, recall and F1 per code, understanding poles and measure types against GOLD."""
    from collections import Counter

    from rich.console import Console
    from rich.table import Table

    from konzeptanalyse.codebook import Matcher
    from konzeptanalyse.evaluate import (
        POLES,
        SIDES,
        GoldError,
        evaluate,
        load_gold,
        write_errors,
        write_table,
    )

    book = _load_codebook_or_fail(codebook)
    try:
        rows = load_gold(gold, book)
    except GoldError as exc:
        raise _fail(str(exc)) from exc
    result = evaluate(rows, Matcher(book), _second_reader(book, gold))
    console = Console()

    def pct(x: float | None) -> str:
        return "–" if x is None else f"{x:.2f}"

    table = Table(title=f"{gold.name}: {result.rows} rows, codebook {book.version[:12]}")
    for col in ("code", "label", "P", "R", "F1", "support", "tp", "fp", "fn"):
        table.add_column(col, justify="left" if col in ("code", "label") else "right")
    for s in result.codes:
        table.add_row(
            s.code,
            s.label,
            pct(s.precision),
            pct(s.recall),
            pct(s.f1),
            str(s.support),
            str(s.tp),
            str(s.fp),
            str(s.fn),
        )
    table.add_section()
    for name, (p, r, f) in (("micro", result.micro), ("macro", result.macro)):
        table.add_row(name, "", pct(p), pct(r), pct(f), "", "", "", "")
    console.print(table)
    if result.pole_confusion:
        poles = Table(title="Integrationsverständnis: gold pole × predicted side")
        poles.add_column("gold")
        for side in SIDES:
            poles.add_column(side, justify="right")
        for gold_pole, counts in result.pole_confusion.items():
            poles.add_row(gold_pole, *(str(counts[s]) for s in SIDES))
        console.print(poles)
        shares = result.pole_shares()
        if shares["n"]:
            console.print(
                f"polar rows (anpassung/teilhabe): {shares['n']}; right side "
                f"{shares['right']:.1%}, opposite pole {shares['opposite']:.1%}, "
                f"no side {shares['none']:.1%}"
            )
            by = Counter(r.by or "no side" for r in result.row_results if r.row.pole in POLES)
            console.print(
                "understanding passages by who gave the side: "
                + ", ".join(f"{k} {v}" for k, v in sorted(by.items()))
            )
    if result.measure_rows:
        console.print(
            f"measure rows: {result.measure_rows}; right measure type "
            f"{result.measure_right / result.measure_rows:.1%} (all gold types found), exact "
            f"{result.measure_exact / result.measure_rows:.1%}"
        )
    if out is not None:
        write_table(result, out)
        console.print(f"per-code table written to {out}")
    if errors is not None:
        n_wrong = write_errors(result, errors)
        console.print(f"{n_wrong} wrongly coded rows written to {errors}")


@codebook_app.command("check")
def codebook_check(
    file: Annotated[Path, typer.Argument(help="Codebook YAML to validate.")],
) -> None:
    """Validate a codebook; every error names file, line and key. Exit 1 on errors."""
    book = _load_codebook_or_fail(file)
    n_rules = sum(len(c.rules) for c in book.codes.values())
    typer.echo(
        f"ok: {file}: {len(book.dimensions)} dimensions, {len(book.codes)} codes, "
        f"{n_rules} terms; version {book.version}"
    )


@codebook_app.command("show")
def codebook_show(
    file: Annotated[Path | None, typer.Argument(help="Codebook YAML (default codebook).")] = None,
) -> None:
    """Print the codebook as the coders' manual (Markdown)."""
    import sys

    from konzeptanalyse.codebook import to_markdown

    sys.stdout.write(to_markdown(_load_codebook_or_fail(file)))


# ---- review, agreement, audit
# owner: review — `review export`, `review import`, `agreement`, `codebook audit`
ReviewResults = Annotated[Path, typer.Option("--results", help="Results folder.")]


def _print_frame(title: str, frame, floats: int = 3) -> None:
    """A rich table of a small data frame (NaN shown as '–')."""
    import math

    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for col in frame.columns:
        table.add_column(str(col), overflow="fold")
    for row in frame.itertuples(index=False):
        cells = []
        for v in row:
            if isinstance(v, float):
                cells.append("–" if math.isnan(v) else f"{v:.{floats}f}")
            else:
                cells.append(str(v))
        table.add_row(*cells)
    Console().print(table)


@review_app.command("export")
def review_export(
    results: ReviewResults = Path("results"),
    out: Annotated[
        Path | None, typer.Option("--out", help="File or folder (default: RESULTS/review/).")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv (UTF-8 BOM, ';') or xlsx.")
    ] = None,
    sample: Annotated[
        int | None, typer.Option("--sample", help="Stratified sample: N tags per code.")
    ] = None,
    untagged: Annotated[
        int, typer.Option("--untagged", help="Add N random segments without any tag.")
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the samples.")] = 0,
) -> None:
    """Write a review file: one row per tag with keyword in context and empty decision columns."""
    from .review import export_review

    try:
        path, n = export_review(results, out, fmt, sample=sample, untagged=untagged, seed=seed)
    except (FileNotFoundError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"{n} rows → {path}")


@review_app.command("import")
def review_import(
    file: Annotated[Path, typer.Argument(help="Filled review file (.csv or .xlsx).")],
    results: ReviewResults = Path("results"),
    reviewer: Annotated[
        str | None, typer.Option("--reviewer", help="Name for rows with an empty reviewer cell.")
    ] = None,
    codebook: Annotated[
        Path | None,
        typer.Option("--codebook", help="Codebook for corrected codes (default: the run's)."),
    ] = None,
) -> None:
    """Validate a review file and add its decisions to the ledger (all or nothing)."""

    from .review import ReviewFileError, import_review

    if not file.is_file():
        raise _fail(f"{file} not found")
    try:
        summary = import_review(file, results, reviewer=reviewer, codebook=codebook)
    except ReviewFileError as exc:
        err = _stderr()
        for problem in exc.problems:
            err.print(f"[red]{file}:[/red] {problem}", highlight=False)
        raise _fail(f"{len(exc.problems)} problem(s) — nothing imported") from exc
    except (FileNotFoundError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    typer.echo(
        f"{summary.decisions} decisions in {summary.rows} rows: {summary.new} new, "
        f"{summary.unchanged} already in the ledger, {summary.skipped} rows without decision"
    )


@review_app.command("status")
def review_status(results: ReviewResults = Path("results")) -> None:
    """Count the ledger's decisions by status; list orphaned and conflicting ones."""
    from .ledger import Ledger

    ledger = Ledger(results)
    if not ledger.exists:
        raise _fail(f"no decision ledger in {results}")
    st = ledger.statuses()
    typer.echo(f"{ledger.count()} decision rows; effective decisions by status (last classify):")
    for status, n in st["status"].value_counts().items():
        typer.echo(f"  {status}: {n}")
    issues = st[st["status"].isin(["orphaned", "conflict"])]
    if len(issues):
        hist = ledger.history().set_index("id")
        issues = issues.join(
            hist[["code", "decision", "corrected_code", "reviewer", "doc_id", "segment_text"]],
            on="decision_id",
        )
        typer.echo("orphaned and conflicting decisions (never deleted):")
        for r in issues.itertuples(index=False):
            what = f"{r.decision} {r.code}" + (f" → {r.corrected_code}" if r.corrected_code else "")
            text = " ".join(r.segment_text.split())[:70]
            typer.echo(f"  {r.status:9} {r.tag_id} {what} ({r.reviewer}; {r.note}): {text}")


@app.command()
def agreement(
    results: ReviewResults = Path("results"),
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for the CSVs (default RESULTS/agreement).")
    ] = None,
) -> None:
    """Auto-coder vs reviewers (P/R/F1) and reviewers vs each other (alpha, kappa, %)."""
    from .agreement import agreement_report, write_agreement

    try:
        report = agreement_report(results)
    except FileNotFoundError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"{report.n_decisions} decisions by {report.n_reviewers} reviewer(s)")
    _print_frame("auto-coder vs reviewers", report.auto)
    if len(report.reviewers):
        _print_frame("reviewers: Krippendorff's alpha (nominal), % agreement", report.reviewers)
        _print_frame("reviewer pairs: Cohen's kappa, % agreement", report.pairs)
    else:
        typer.echo("no unit was decided by two reviewers: no inter-reviewer figures")
    files = write_agreement(report, out or results / "agreement")
    typer.echo(f"{len(report.disagreements)} disagreements; wrote {', '.join(map(str, files))}")


@codebook_app.command("audit")
def codebook_audit(
    results: ReviewResults = Path("results"),
    against: Annotated[
        Path | None, typer.Option("--against", help="Preview this codebook's effect.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for the CSVs (default RESULTS/audit).")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Rows to print per table.")] = 25,
) -> None:
    """Per rule and term: tags produced and share accepted; with --against: what would change."""
    import pandas as pd

    from .audit import audit_against, rule_audit, write_audit

    try:
        tags = pd.read_csv(results / "tags.csv", dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise _fail(f"{results / 'tags.csv'} not found — run `konzept classify` first") from None
    by_rule, by_term = rule_audit(tags)
    worst = by_rule.assign(_undone=by_rule["rejected"] + by_rule["changed"]).sort_values(
        ["_undone", "n_tags"], ascending=False
    )
    _print_frame(
        f"rules most often rejected or changed by reviewers ({min(top, len(worst))} of "
        f"{len(by_rule)}; all in audit_rules.csv)",
        worst[
            ["rule", "n_tags", "reviewed", "accepted", "rejected", "changed", "accept_share"]
        ].head(top),
    )
    diff = None
    if against is not None:
        try:
            diff = audit_against(results, against)
        except Exception as exc:  # noqa: BLE001 - codebook errors are reported, not raised
            raise _fail(f"{against}: {exc}") from exc
        changed = diff.by_code[(diff.by_code["appear"] > 0) | (diff.by_code["disappear"] > 0)]
        _print_frame(f"codes changed by {against.name}", changed.head(top))
        typer.echo(
            f"{len(diff.appear)} tags would appear, {len(diff.disappear)} disappear, "
            f"{len(diff.decisions)} decisions change status "
            f"({int((diff.decisions['status_new'] == 'conflict').sum())} become conflicts)"
        )
    files = write_audit(out or results / "audit", by_rule, by_term, diff)
    typer.echo(f"wrote {', '.join(map(str, files))}")


# ---- research outputs
# owner: outputs — `tables`, `kwic`, `report`, `cluster`
ResultsIn = Annotated[
    Path, typer.Option("--results", help="Results folder written by `konzept classify`.")
]
ByOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--by",
        help="documents.csv column to cross-tabulate by (bundesland, urban_rural, type, year, "
        "cluster, ...); repeatable.",
    ),
]
ExcludeFlaggedOpt = Annotated[
    bool,
    typer.Option(
        "--exclude-flagged", help="Leave out documents whose quality_flag is check or poor."
    ),
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed of the bootstrap and the clouds.")]


@app.command()
def tables(
    results: ResultsIn = Path("results"),
    by: ByOpt = None,
    exclude_flagged: ExcludeFlaggedOpt = False,
    seed: SeedOpt = 0,
) -> None:
    """Shares of documents with bootstrap intervals, cross-tabulated; CSV and XLSX.

    Per corpus and per --by group: Handlungsfelder (chapter, mention), measure types, target
    groups of measures, understanding classes, goals-vs-measures flag, top lemmas. Written to
    RESULTS/tables/*.csv and tables.xlsx; counts use the reviewed codes (final_code).
    """
    from rich.console import Console

    from konzeptanalyse.tables import write_tables

    try:
        paths = write_tables(results, by or (), exclude_flagged, seed)
    except (FileNotFoundError, ValueError) as exc:
        raise _fail(str(exc)) from None
    Console().print(f"wrote {len(paths)} files to {paths[0].parent}", highlight=False)


@app.command()
def clouds(
    results: ResultsIn = Path("results"),
    by: ByOpt = None,
    exclude_flagged: ExcludeFlaggedOpt = False,
    seed: SeedOpt = 0,
    stopwords: Annotated[
        Path | None,
        typer.Option("--stopwords", help="Domain stop words (default: codebook/stopwords.txt)."),
    ] = None,
) -> None:
    """Word clouds, each PNG next to its frequency CSV under RESULTS/clouds/.

    Clouds of the understanding sections, the whole corpus, each Handlungsfeld, and one
    comparison per --by column (words over-represented in each group; default urban_rural).
    """
    from rich.console import Console

    from konzeptanalyse.clouds import write_clouds

    try:
        paths = write_clouds(
            results,
            by if by is not None else ("urban_rural",),
            seed,
            exclude_flagged=exclude_flagged,
            stopwords_file=stopwords,
        )
    except (FileNotFoundError, ValueError) as exc:
        raise _fail(str(exc)) from None
    pngs = sum(p.suffix == ".png" for p in paths)
    Console().print(f"wrote {pngs} clouds to {results / 'clouds'}", highlight=False)


@app.command()
def kwic(
    term: Annotated[
        str | None, typer.Argument(help="Word or phrase; * and ? are globs within a word.")
    ] = None,
    code: Annotated[
        str | None, typer.Option("--code", help="List the passages tagged with this code.")
    ] = None,
    results: ResultsIn = Path("results"),
    width: Annotated[int, typer.Option("--width", help="Characters of context each side.")] = 40,
    exact: Annotated[
        bool, typer.Option("--exact", help="Match word forms only, not lemmas.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write all hits to this CSV file.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Rows shown on the terminal.")] = 50,
) -> None:
    """Keyword in context across the corpus, with document, page and section.

    TERM matches whole words, case-insensitively and by lemma (--exact: word forms only); a
    phrase matches consecutive words; * and ? are globs inside a word ("*beirat"). --code
    lists the passages tagged with a final code (a parent includes its children).
    """
    from rich.console import Console
    from rich.table import Table

    from konzeptanalyse.kwic import kwic_dir

    try:
        hits = kwic_dir(results, term, code, width, use_lemma=not exact)
    except (FileNotFoundError, ValueError) as exc:
        raise _fail(str(exc)) from None
    if out:
        hits.to_csv(out, index=False, encoding="utf-8")
    console = Console()
    table = Table(title=f"{len(hits)} hits", show_lines=False)
    shown = ["kreis", "page", "section_path"] + (["code"] if code else [])
    for column in shown + ["left", "match", "right"]:
        table.add_column(
            column,
            justify="right" if column in ("left", "page") else "left",
            style="bold" if column == "match" else None,
            overflow="fold",
        )
    for row in hits.head(limit).to_dict("records"):
        cells = [row["kreis"] or row["file"], str(row["page"]), row["section_path"]]
        cells += [row["code"]] if code else []
        table.add_row(*cells, row["left"], row["match"], row["right"])
    console.print(table)
    if hits.empty and code:
        console.print(f"no tag carries the final code {code} (see tags.csv)", highlight=False)
    if len(hits) > limit:
        console.print(f"… {len(hits) - limit} more (--limit, --out FILE.csv)", highlight=False)


@app.command()
def report(
    results: ResultsIn = Path("results"),
    out: Annotated[
        Path | None, typer.Option("--out", help="HTML file (default: RESULTS/report.html).")
    ] = None,
    by: ByOpt = None,
    exclude_flagged: ExcludeFlaggedOpt = False,
    seed: SeedOpt = 0,
) -> None:
    """One self-contained HTML report: overview, share charts, word clouds, document profiles."""
    from rich.console import Console

    from konzeptanalyse.report import build_report

    try:
        path = build_report(
            results, out, by if by is not None else ("urban_rural",), exclude_flagged, seed
        )
    except (FileNotFoundError, ValueError) as exc:
        raise _fail(str(exc)) from None
    Console().print(f"wrote {path}", highlight=False)


@app.command()
def cluster(
    indicators: Annotated[Path, typer.Argument(help="CSV with an id column and indicators.")],
    k: Annotated[int, typer.Option("--k", help="Number of groups.")] = 6,
    id_column: Annotated[
        str, typer.Option("--id-column", help="Column with the Kreis id (AGS).")
    ] = "ags",
    results: ResultsIn = Path("results"),
) -> None:
    """Group Kreise by z-scored indicators (Ward) for `konzept tables --by cluster`.

    Writes RESULTS/clusters.csv (ags, cluster) and RESULTS/cluster_means.csv.
    """
    from rich.console import Console

    from konzeptanalyse.cluster import write_clusters

    try:
        paths = write_clusters(indicators, results, k, id_column)
    except (FileNotFoundError, ValueError) as exc:
        raise _fail(str(exc)) from None
    Console().print(f"wrote {', '.join(str(p) for p in paths)}", highlight=False)
