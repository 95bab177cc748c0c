"""The README's promises: its two commands, CI running the same test command, the schema."""

from pathlib import Path

from konzeptanalyse import schema, tables

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _command(marker: str) -> str:
    """The README line in the opening code block whose comment contains ``marker``."""
    block = README.split("```bash", 1)[1].split("```", 1)[0]
    for line in block.splitlines():
        if marker in line:
            return line.split("#", 1)[0].strip()
    raise AssertionError(f"README's first code block has no line with {marker!r}")


def test_readme_opens_with_install_and_run_commands():
    assert _command("code the bundled sample corpus") == (
        "pip install -e . && konzept classify corpus/"
    )
    assert _command("run the tests").startswith('pip install -e ".[dev]" && ')


def test_ci_runs_the_readme_test_command():
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert _command("run the tests") in [line.strip() for line in ci_lines]


def test_readme_documents_every_results_column():
    for name, cols in schema.RESULT_COLUMNS.items():
        assert f"**{name}**" in README, name
        for col, _ in cols:
            assert f"| `{col}` |" in README, f"{name}: {col}"


def test_readme_documents_every_table_column():
    assert tables.markdown() in README
