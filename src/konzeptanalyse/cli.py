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


def _fail(message: str) -> typer.Exit:
    from rich.console import Console

    Console(stderr=True).print(f"[red]error:[/red] {message}", highlight=False)
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
    """Read PDFs in reading order and split them into their sections."""
    raise _fail("extract: not implemented yet")  # owner: ingest


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

    console, err = Console(), Console(stderr=True)
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
    raise typer.Exit(EXIT_PARTIAL if summary.errors else EXIT_OK)


# ---- codebook, tag, evaluate
# owner: codebook — `tag`, `evaluate`, `codebook check`, `codebook show`


# ---- review, agreement, audit
# owner: review — `review export`, `review import`, `agreement`, `codebook audit`


# ---- research outputs
# owner: outputs — `tables`, `kwic`, `report`, `cluster`
