"""Leave-one-set-out check of the second reader: how the understanding side does on new text.

For each labelled set the codebook names as ``second_reader`` passages, the reader is trained
on all the other sets and the set is scored with markers alone and with markers checked by
that reader (evaluate.reader_crossval). The marker figures of sets the codebook was tuned on
are optimistic; the reader's are not (it never saw the left-out set). Run from the repository
root: ``python tools/reader_crossval.py [--codebook FILE]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from konzeptanalyse.codebook import DEFAULT_CODEBOOK, Matcher, load_codebook
from konzeptanalyse.evaluate import reader_crossval


def _shares(n: int, tally: tuple[int, int, int]) -> str:
    right, opposite, none = tally
    return f"{right / n:6.1%} {opposite:3d} ({opposite / n:5.1%}) {none / n:6.1%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codebook", type=Path, default=DEFAULT_CODEBOOK)
    folds = reader_crossval(Matcher(load_codebook(parser.parse_args().codebook)))
    if not folds:
        raise SystemExit("the codebook names no second_reader passages")
    print(f"{'left out':12} {'rows':>4}  markers: right / opposite / none   checked: same")
    for f in folds:
        markers, checked = _shares(f.polar, f.markers), _shares(f.polar, f.checked)
        print(f"{f.name:12} {f.polar:4d}  {markers}   {checked}")
    n = sum(f.polar for f in folds)
    total = [
        tuple(sum(getattr(f, k)[i] for f in folds) for i in range(3))
        for k in ("markers", "checked")
    ]
    print(f"{'all':12} {n:4d}  {_shares(n, total[0])}   {_shares(n, total[1])}")


if __name__ == "__main__":
    main()
