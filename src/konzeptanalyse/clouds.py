"""Word clouds from lemmatised text, each PNG next to the frequency table it was drawn from.

Researchers draw clouds from the understanding sections (Leitbild, Grundsätze) to show the
vocabulary of a concept's Integrationsverständnis, and compare groups (town vs country).
Words are lemmas from ``konzeptanalyse.lemmas`` (gender forms folded to one base, inflection
removed), minus German and domain stop words (``lemmas.STOPWORDS`` plus
``codebook/stopwords.txt``). A fixed ``random_state`` makes the images reproducible.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from konzeptanalyse.tables import (
    EMPTY_GROUP,
    FLAGGED,
    Results,
    check_by,
    final_tags,
    load_results,
)

#: the domain stop word list shipped with the project (one word per line, '#' comments)
DEFAULT_STOPWORDS_FILE = Path(__file__).resolve().parents[2] / "codebook" / "stopwords.txt"
CLOUD_SIZE = (800, 450)
MAX_WORDS = 60
MAX_FONT_SIZE = 150  # caps the size search: the cloud of 60 words draws in well under 1 s
_UNSAFE = re.compile(r"[^0-9A-Za-z._-]+")
_INVISIBLE = str.maketrans({"\u00ad": None, "\ufffe": None})


def load_stopwords(path: Path | None = None) -> frozenset[str]:
    """German function words (lemmas.STOPWORDS) plus the domain list, case-folded, as lemmas."""
    from konzeptanalyse import lemmas

    words = {w.casefold() for w in lemmas.STOPWORDS}
    path = DEFAULT_STOPWORDS_FILE if path is None else Path(path)
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            word = line.split("#", 1)[0].strip()
            if word:
                words.add(word.casefold())
                words.update(lemma.casefold() for lemma in lemmas.lemmatise(word))
    elif path != DEFAULT_STOPWORDS_FILE:
        raise FileNotFoundError(f"{path}: stop word file not found")
    return frozenset(words)


def token_table(segments: pd.DataFrame, stop: frozenset[str]) -> pd.DataFrame:
    """One row per content word of the given segments: doc_id, segment_id, lemma.

    Tokenised once and reused for every cloud and the term table (tokenising is the cost).
    A lemma is shown capitalised when most of its occurrences are (German nouns: 'Teilhabe',
    not 'teilhabe'), so clouds read like the documents.
    """
    from konzeptanalyse import lemmas

    keep: dict[str, bool] = {}
    docs: list[str] = []
    segs: list[str] = []
    words: list[str] = []
    upper: list[bool] = []
    columns = (segments[c].tolist() for c in ("doc_id", "segment_id", "text"))
    for doc_id, seg_id, text in zip(*columns, strict=True):
        # soft hyphens (and U+FFFE, which some PDF fonts map them to) split words in two
        for token in lemmas.tokenize(text.translate(_INVISIBLE)):
            lemma = token.lemma
            ok = keep.get(lemma)
            if ok is None:
                folded = lemma.casefold()
                ok = keep[lemma] = (
                    len(folded) >= 2 and any(ch.isalpha() for ch in folded) and folded not in stop
                )
            if ok:
                docs.append(doc_id)
                segs.append(seg_id)
                words.append(lemma)
                upper.append(token.text[:1].isupper())
    frame = pd.DataFrame({"doc_id": docs, "segment_id": segs, "lemma": words, "upper": upper})
    caps = frame.groupby("lemma")["upper"].mean()
    display = {w: (w[:1].upper() + w[1:] if share > 0.5 else w) for w, share in caps.items()}
    frame["lemma"] = frame["lemma"].map(display)
    return frame.drop(columns="upper")


def frequencies(tokens: pd.DataFrame) -> pd.DataFrame:
    """Lemma frequency table (lemma, count, n_documents), most frequent first."""
    if tokens.empty:
        return pd.DataFrame(columns=["lemma", "count", "n_documents"])
    table = tokens.groupby("lemma").agg(count=("doc_id", "size"), n_documents=("doc_id", "nunique"))
    table = table.reset_index().sort_values(["count", "lemma"], ascending=[False, True])
    return table.reset_index(drop=True)


def draw_cloud(
    weights: Mapping[str, float],
    png: Path,
    seed: int = 0,
    max_words: int = MAX_WORDS,
    colormap: str | None = None,
) -> Path | None:
    """Draw one cloud from word → weight; None (nothing drawn) when there are no words."""
    from wordcloud import WordCloud

    weights = {w: float(v) for w, v in weights.items() if v > 0}
    if not weights:
        return None
    cloud = WordCloud(
        width=CLOUD_SIZE[0],
        height=CLOUD_SIZE[1],
        background_color="white",
        random_state=seed,
        max_words=max_words,
        collocations=False,
        prefer_horizontal=0.9,
        colormap=colormap,
        max_font_size=MAX_FONT_SIZE,
    ).generate_from_frequencies(weights)
    cloud.to_file(str(png))
    return png


def compare_frequencies(counts: Mapping[str, Counter]) -> pd.DataFrame:
    """Words over-represented in each group: share in the group minus the mean share over groups.

    Same idea as R's ``comparison.cloud``: each group keeps the words where its relative
    frequency exceeds the average of all groups (``excess`` > 0).
    """
    groups = list(counts)
    words = sorted(set().union(*[set(c) for c in counts.values()])) if groups else []
    if not words:
        return pd.DataFrame(columns=["group", "lemma", "count", "share", "mean_share", "excess"])
    matrix = np.array([[counts[g].get(w, 0) for w in words] for g in groups], dtype=float)
    totals = matrix.sum(axis=1, keepdims=True)
    shares = np.divide(matrix, totals, out=np.zeros_like(matrix), where=totals > 0)
    mean = shares.mean(axis=0)
    rows = []
    for i, group in enumerate(groups):
        for j, word in enumerate(words):
            excess = shares[i, j] - mean[j]
            if excess > 0:
                rows.append((group, word, int(matrix[i, j]), shares[i, j], mean[j], excess))
    frame = pd.DataFrame(rows, columns=["group", "lemma", "count", "share", "mean_share", "excess"])
    return frame.sort_values(
        ["group", "excess", "lemma"], ascending=[True, False, True], ignore_index=True
    )


def _draw_comparison(frame: pd.DataFrame, png: Path, seed: int, max_words: int) -> Path | None:
    """One figure, one panel per group, each showing the words over-represented there."""
    import math

    import matplotlib
    import matplotlib.colors
    from matplotlib.figure import Figure  # no pyplot: no global figure state, no backend switch
    from wordcloud import WordCloud

    groups = list(dict.fromkeys(frame["group"]))
    if not groups:
        return None
    colormaps = ["Blues", "Oranges", "Greens", "Purples", "Reds", "Greys"]

    def dark_colors(name: str):
        """Colours from the darker 55 % of a colormap: pale words are unreadable on white."""
        cmap = matplotlib.colormaps[name]

        def color(*_args, random_state, **_kwargs) -> str:
            return matplotlib.colors.to_hex(cmap(0.45 + 0.55 * random_state.random()))

        return color

    ncols = min(3, len(groups))
    nrows = math.ceil(len(groups) / ncols)
    fig = Figure(figsize=(5 * ncols, 3.6 * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[len(groups) :]:
        ax.axis("off")
    for k, (ax, group) in enumerate(zip(axes, groups, strict=False)):
        sub = frame[frame["group"] == group]
        cloud = WordCloud(
            width=600,
            height=420,
            background_color="white",
            random_state=seed,
            max_words=max_words,
            collocations=False,
            color_func=dark_colors(colormaps[k % len(colormaps)]),
            max_font_size=MAX_FONT_SIZE,
        ).generate_from_frequencies(dict(zip(sub["lemma"], sub["excess"], strict=True)))
        ax.imshow(cloud.to_array(), interpolation="bilinear")
        ax.set_title(str(group))
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(png, dpi=100, metadata={"Software": None})
    return png


def safe_name(text: str) -> str:
    """A file-name-safe form of a code or group value (umlauts transliterated)."""
    text = text.translate(
        str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
    )
    return _UNSAFE.sub("_", text).strip("_") or "leer"


def write_clouds(
    results_dir: Path,
    by: Sequence[str] = ("urban_rural",),
    seed: int = 0,
    max_words: int = MAX_WORDS,
    exclude_flagged: bool = False,
    stopwords_file: Path | None = None,
) -> list[Path]:
    """Write results/clouds/<name>.png + <name>.csv; return the paths written.

    Clouds: ``understanding`` (segments in understanding sections), ``corpus`` (all
    segments), ``field_<code>`` (segments tagged with that Handlungsfeld, final codes), and
    ``compare_<column>`` (one panel per value of each --by column). A cloud with no words
    gets its (empty) CSV but no PNG.
    """
    res = load_results(Path(results_dir))
    return write_clouds_for(res, by, seed, max_words, exclude_flagged, stopwords_file)


def place_names(res: Results) -> frozenset[str]:
    """Lemmas of the Kreis names in documents.csv and their -er adjectives ("Rebenheimer").

    Each concept names its own town on every page; in a comparison cloud these names would
    crowd out the vocabulary that actually differs between groups.
    """
    from konzeptanalyse import lemmas

    words: set[str] = set()
    for name in set(res.documents["kreis"]):
        for token in lemmas.tokenize(name):
            if token.is_word and token.text[:1].isupper():
                for form in (token.text, token.lemma):
                    folded = form.casefold()
                    words.update(
                        {folded, folded + "s", folded + ("r" if folded.endswith("e") else "er")}
                    )
    return frozenset(words)


def corpus_tokens(res: Results, stopwords_file: Path | None = None) -> pd.DataFrame:
    """The token table (see ``token_table``) of all documents' segments except headings,
    without stop words and the corpus's own place names."""
    segs = res.segments[res.segments["kind"] != "heading"]
    return token_table(segs, load_stopwords(stopwords_file) | place_names(res))


def write_clouds_for(
    res: Results,
    by: Sequence[str] = ("urban_rural",),
    seed: int = 0,
    max_words: int = MAX_WORDS,
    exclude_flagged: bool = False,
    stopwords_file: Path | None = None,
    tokens: pd.DataFrame | None = None,
) -> list[Path]:
    """``write_clouds`` on already loaded results (``tokens``: a ``corpus_tokens`` table to
    reuse)."""
    check_by(res, by)
    out = res.dir / "clouds"
    out.mkdir(parents=True, exist_ok=True)
    if tokens is None:
        tokens = corpus_tokens(res, stopwords_file)
    docs = res.documents
    if exclude_flagged:
        docs = docs[~docs["quality_flag"].isin(FLAGGED)]
    tokens = tokens[tokens["doc_id"].isin(set(docs["doc_id"]))]
    segs = res.segments
    understanding = set(segs.loc[segs["section_kind"] == "understanding", "segment_id"])
    selections: dict[str, pd.DataFrame] = {
        "understanding": tokens[tokens["segment_id"].isin(understanding)],
        "corpus": tokens,
    }
    tags = final_tags(res)
    fields = tags[(tags["final_dimension"] == "handlungsfeld") & (tags["final"] != "")]
    for code, ids in fields.groupby("final")["segment_id"]:
        selections[f"field_{safe_name(code)}"] = tokens[tokens["segment_id"].isin(set(ids))]

    paths: list[Path] = []
    for name, selection in selections.items():
        table = frequencies(selection)
        csv = out / f"{name}.csv"
        table.to_csv(csv, index=False, encoding="utf-8")
        paths.append(csv)
        weights = dict(zip(table["lemma"], table["count"], strict=True))
        png = draw_cloud(weights, out / f"{name}.png", seed, max_words)
        if png:
            paths.append(png)

    for column in by:
        group_of = docs.set_index("doc_id")[column].replace("", EMPTY_GROUP)
        grouped = tokens.assign(group=tokens["doc_id"].map(group_of))
        counts = {
            str(group): Counter(dict(sub["lemma"].value_counts().items()))
            for group, sub in grouped.groupby("group", sort=True)
        }
        frame = compare_frequencies(counts)
        name = f"compare_{safe_name(column)}"
        csv = out / f"{name}.csv"
        frame.to_csv(csv, index=False, encoding="utf-8")
        paths.append(csv)
        png = _draw_comparison(frame, out / f"{name}.png", seed, max_words)
        if png:
            paths.append(png)
    return paths
