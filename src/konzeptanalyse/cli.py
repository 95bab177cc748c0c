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
review_app = typer.Typer(no_args_is_help=True, help="Export auto-tags for review; import decisions.")
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


# --------------------------------------------------------------------------- ingest
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


# --------------------------------------------------------------------------- classify (pipeline)
# owner: pipeline — `classify`


# --------------------------------------------------------------------------- codebook, tag, evaluate
# owner: codebook — `tag`, `evaluate`, `codebook check`, `codebook show`


# --------------------------------------------------------------------------- review, agreement, audit
# owner: review — `review export`, `review import`, `agreement`, `codebook audit`


# --------------------------------------------------------------------------- research outputs
# owner: outputs — `tables`, `kwic`, `report`, `cluster`
