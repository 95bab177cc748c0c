"""Extraction quality on the held-out concept (never used for tuning): the issue's targets."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HELDOUT = ROOT / "tests" / "data" / "heldout" / "lk-boddenland.pdf"
TRUTH = HELDOUT.with_suffix(".json")


def _evaluate():
    spec = importlib.util.spec_from_file_location(
        "eval_extraction", ROOT / "bench" / "eval_extraction.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("eval_extraction", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.evaluate(HELDOUT, TRUTH)


def test_heldout_meets_the_targets():
    score = _evaluate()
    assert score.headings >= 0.90, score.line()
    assert score.words >= 0.98, score.line()
    assert score.leaks == 0, score.line()
