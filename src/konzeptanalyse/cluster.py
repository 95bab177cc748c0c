"""Context groups of Kreise: Ward clustering of z-scored indicators (participation chances).

Research groups Kreise into a few types (e.g. six clusters from SGB-II rate, income, tax
revenue, school leavers without qualification, life expectancy, net migration of young adults,
a supply index) and compares concepts across them. ``konzept cluster`` writes
``results/clusters.csv`` (ags, cluster); ``konzept tables --by cluster`` then uses it.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

CLUSTER_COLUMNS = {
    "clusters.csv": [
        ("ags", "id of the Kreis (the --id-column of the indicators file)"),
        ("cluster", "group number 1..k, numbered in order of each group's first row"),
    ],
    "cluster_means.csv": [
        ("cluster", "group number"),
        ("n", "Kreise in the group"),
        ("<indicator>", "mean of the indicator in the group (original units)"),
        ("<indicator>_z", "mean z-score of the indicator in the group"),
    ],
}


def read_indicators(path: Path, id_column: str = "ags") -> pd.DataFrame:
    """Read an indicators CSV (lines starting with '#' are comments); ids stay strings.

    Errors name the file, the line and what to do.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: indicators file not found")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    kept = [
        (n, line)
        for n, line in enumerate(lines, start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not kept:
        raise ValueError(f"{path}: no header line")
    frame = pd.read_csv(
        io.StringIO("\n".join(line for _, line in kept)), dtype=str, keep_default_na=False
    )
    frame.attrs["lines"] = [n for n, _ in kept[1:]]
    if id_column not in frame.columns:
        raise ValueError(
            f"{path}:{kept[0][0]}: no column {id_column!r} (columns: "
            f"{', '.join(frame.columns)}); pass --id-column"
        )
    ids = frame[id_column].str.strip()
    for i, (value, dup) in enumerate(zip(ids, ids.duplicated(), strict=True)):
        if not value:
            raise ValueError(f"{path}:{frame.attrs['lines'][i]}: empty {id_column}")
        if dup:
            raise ValueError(f"{path}:{frame.attrs['lines'][i]}: {id_column} {value} appears twice")
    frame[id_column] = ids
    return frame


def _numeric(frame: pd.DataFrame, id_column: str, path: Path | str) -> pd.DataFrame:
    """The indicator columns as floats; a column with any text is an error (named cell)."""
    lines = frame.attrs.get("lines", list(range(2, len(frame) + 2)))
    out = {}
    for column in frame.columns:
        if column == id_column:
            continue
        raw = frame[column].str.strip().str.replace(",", ".", regex=False)
        values = pd.to_numeric(raw, errors="coerce")
        bad = values.isna()
        if bad.all():
            continue  # a label column (e.g. the Kreis name): not an indicator
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(
                f"{path}:{lines[i]}: column {column!r} has {frame[column].iloc[i]!r}, not a "
                "number; fill in a value or drop the row"
            )
        out[column] = values.astype(float)
    if not out:
        raise ValueError(f"{path}: no numeric indicator columns besides {id_column!r}")
    return pd.DataFrame(out, index=frame.index)


def cluster_indicators(
    frame: pd.DataFrame, k: int = 6, id_column: str = "ags", source: str = "indicators"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ward clustering of z-scored numeric columns into ``k`` groups.

    Returns (assignments: id_column, cluster) and (group means: cluster, n, each indicator's
    mean and mean z-score). Groups are numbered 1..k in order of their first row, so the
    numbering does not depend on scikit-learn's internal labels.
    """
    from sklearn.cluster import AgglomerativeClustering

    values = _numeric(frame, id_column, source)
    if not 2 <= k <= len(values):
        raise ValueError(f"{source}: --k {k} needs 2 <= k <= number of rows ({len(values)})")
    std = values.std(ddof=0).replace(0, 1.0)  # a constant column contributes nothing
    z = (values - values.mean()) / std
    labels = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(z.to_numpy())
    order = {label: n for n, label in enumerate(dict.fromkeys(labels), start=1)}
    cluster = pd.Series([order[label] for label in labels], index=frame.index, name="cluster")
    assignments = pd.DataFrame({id_column: frame[id_column], "cluster": cluster})
    means = values.groupby(cluster).mean()
    zmeans = z.groupby(cluster).mean().add_suffix("_z")
    table = pd.concat([cluster.value_counts().sort_index().rename("n"), means, zmeans], axis=1)
    return assignments.reset_index(drop=True), table.rename_axis("cluster").reset_index()


def write_clusters(
    indicators: Path, results_dir: Path, k: int = 6, id_column: str = "ags"
) -> list[Path]:
    """Cluster an indicators file; write results/clusters.csv and results/cluster_means.csv."""
    frame = read_indicators(indicators, id_column)
    assignments, means = cluster_indicators(frame, k, id_column, str(indicators))
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    clusters = results_dir / "clusters.csv"
    assignments.rename(columns={id_column: "ags"}).to_csv(clusters, index=False)
    means_path = results_dir / "cluster_means.csv"
    means.round(4).to_csv(means_path, index=False)
    return [clusters, means_path]
