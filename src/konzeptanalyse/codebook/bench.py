"""Speed check of ``Matcher.tag``: ``python -m konzeptanalyse.codebook.bench [N]``.

Builds N synthetic ~20-word German sentences (administrative vocabulary, codebook terms,
random compounds, so the per-token cache sees new words as a real corpus does) and reports
segments per CPU second on one core, cold (fresh matcher) and warm (later passes).
"""

from __future__ import annotations

import random
import sys
import time

from . import DEFAULT_CODEBOOK, Matcher, load_codebook

_FILLER = (
    "der die das und für mit den dem im zur zum von auf bei sowie wird werden soll sollen "
    "weiter gemeinsam neue bestehende kommunalen regelmäßig alle vor Ort im Landkreis bis 2025 "
    "in Kooperation mit Trägern Ziel ist es dass insbesondere darüber hinaus Rahmen"
).split()
_CONTENT = (
    "Sprachkurse Integrationskurse Kita Schule Ausbildung Arbeitsmarkt Wohnungen Beratung "
    "Beratungsstelle Geflüchtete Zugewanderte Frauen Jugendliche Eltern Ehrenamtliche Vereine "
    "Integrationsbeirat Sprachmittler Dolmetscher Begegnungscafé Nachbarschaft Quartier Sport "
    "Gesundheit Pflege Teilhabe Vielfalt Netzwerk Jobcenter Monitoring Zusammenarbeit "
    "Öffentlichkeitsarbeit Rassismus Diskriminierung Fahrräder Tickets Digitalisierung"
).split()
_VERBS = "ausbauen anbieten einrichten fördern stärken schaffen durchführen verbessern".split()
_PARTS = "Stadt Kreis Bildung Sprach Beratung Angebot Projekt Fach Stelle Netz Haus Plan".split()


def sentences(n: int, seed: int = 1) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        words = [rnd.choice(_FILLER) for _ in range(13)]
        words += [rnd.choice(_CONTENT) for _ in range(4)]
        words.append(rnd.choice(_PARTS) + rnd.choice(_PARTS).lower() + rnd.choice(["", "e", "en"]))
        rnd.shuffle(words)
        words.append(rnd.choice(_VERBS))
        out.append(" ".join(words).capitalize() + ".")
    return out


def main(n: int = 20_000) -> None:
    book = load_codebook(DEFAULT_CODEBOOK)
    texts = sentences(n)
    t0 = time.perf_counter()
    matcher = Matcher(book)
    compile_s = time.perf_counter() - t0
    for label in ("cold", "warm", "warm"):
        # CPU time of this process: one core, robust against other load on the machine
        t0 = time.process_time()
        tags = sum(len(matcher.tag(t)) for t in texts)
        dt = time.process_time() - t0
        print(f"{label}: {n / dt:,.0f} segments/s ({n} segments, {tags} tags, {dt:.2f} s CPU)")
    print(
        f"compile: {compile_s * 1000:.0f} ms; words per segment: "
        f"{sum(len(t.split()) for t in texts) / n:.1f}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
