"""The default codebook must not regress on the two development sets.

Only development sets are asserted here; the held-out set (test_gold.csv) is measured by hand
for reports and never turned into a test, so nobody tunes against it by making a test pass.
"""

from pathlib import Path

import pytest

from konzeptanalyse.codebook import DEFAULT_CODEBOOK, Matcher, load_codebook
from konzeptanalyse.evaluate import evaluate, load_gold

EVAL = Path(__file__).resolve().parent / "data" / "eval"


@pytest.fixture(scope="module")
def book():
    return load_codebook(DEFAULT_CODEBOOK)


@pytest.mark.parametrize("name", ["gold.csv", "dev2.csv"])
def test_development_sets_keep_their_figures(book, name):
    result = evaluate(load_gold(EVAL / name, book), Matcher(book))
    poles = result.pole_shares()
    assert result.measure_right / result.measure_rows >= 0.95
    assert poles["right"] >= 0.90
    assert poles["opposite"] <= 0.02
    assert result.micro[2] >= 0.75  # micro F1
