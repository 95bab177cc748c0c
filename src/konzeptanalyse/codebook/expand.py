"""German forms of a codebook term: inflection, linking elements, gender forms, suspended hyphens.

The matcher looks words up in dictionaries keyed by these forms, so all German-specific
knowledge sits here, once per term, instead of in per-segment regular expressions.
"""

from __future__ import annotations

import re
from functools import lru_cache

import simplemma

from ..lemmas import lemma_of

__all__ = [
    "INFLECTION_ENDINGS",
    "compound_forms",
    "default_compound",
    "expand_suspended",
    "is_abbreviation",
    "separable",
    "whole_forms",
]

#: Endings a compound head may carry after the term ("Sprachkurs|e", "Beirät|en" via lemma).
INFLECTION_ENDINGS = frozenset({"", "e", "en", "n", "s", "es", "er", "ern", "in", "innen", "ns"})
#: Linking elements (Fugenelemente) a modifier may carry before the head ("Integration|s|kurs").
_LINKS = ("s", "es", "n", "en", "e", "er", "ns", "in", "innen")
_ABBREV = re.compile(r"^[A-ZÄÖÜ]{2,}s?$|^[A-Za-zÄÖÜäöü]+[A-ZÄÖÜ]\w*$")


def is_abbreviation(term: str) -> bool:
    """ "MSO", "ÖPNV", "DaZ", "KI": matched case-sensitively as whole tokens."""
    return bool(_ABBREV.match(term))


def default_compound(term: str) -> str:
    """Nouns of four letters or more match inside compounds; other terms only as whole words."""
    if is_abbreviation(term) or not term[:1].isupper() or len(term) < 4:
        return "none"
    return "both"


_ADJ_ENDINGS = ("e", "en", "er", "es", "em")


def whole_forms(term: str) -> set[str]:
    """Keys a whole token may have (lower-cased surface or lemma) to match the term.

    Lower-case terms also get the adjective endings simplemma does not always resolve
    ("kultursensibel" → "kultursensible", "kultursensiblen").
    """
    forms = {term.lower(), lemma_of(term)}
    if term[:1].islower() and term.isalpha():
        stem = term[:-2] + "l" if term.endswith("el") else term
        forms.update(stem + ending for ending in _ADJ_ENDINGS)
    return forms


def compound_forms(term: str) -> set[str]:
    """Lower-cased strings searched inside compounds: stem, inflected and linking variants."""
    stems = {term.lower(), lemma_of(term)}
    forms = set(stems)
    for stem in stems:
        forms.update(stem + link for link in _LINKS)
        if stem.endswith("e") and len(stem) > 4:
            forms.add(stem[:-1])  # Sprache → Sprach|förderung
    return {f for f in forms if len(f) >= 3}


@lru_cache(maxsize=50_000)
def expand_suspended(prefix: str, word: str) -> str | None:
    """ "Sprach-" + "Kulturmittler" → "Sprachmittler": the prefix joined to the word's head.

    The head is the longest proper suffix of ``word`` (three letters or more) that simplemma
    knows as a German word; ``None`` when there is none.
    """
    prefix = prefix.rstrip("-")
    if not prefix or len(word) < 5:
        return None
    for k in range(1, len(word) - 2):
        head = word[k:]
        if simplemma.is_known(head[:1].upper() + head[1:], lang="de"):
            return prefix + head.lower()
    return None


#: Separable verb particles ("anbieten" → "bieten ... an").
PARTICLES = (
    "entgegen",
    "zusammen",
    "voraus",
    "dazu",
    "zurück",
    "weiter",
    "bereit",
    "statt",
    "durch",
    "fort",
    "nach",
    "auf",
    "aus",
    "ein",
    "mit",
    "vor",
    "weg",
    "teil",
    "fest",
    "ab",
    "an",
    "bei",
    "um",
    "zu",
    "dar",
    "her",
    "hin",
)


@lru_cache(maxsize=10_000)
def separable(term: str) -> tuple[str, str] | None:
    """("an", "passen") for "anpassen": particle and the lemma of the verb it leaves behind."""
    if not term.islower() or not term.endswith("n") or " " in term:
        return None
    for particle in PARTICLES:
        rest = term[len(particle) :]
        if term.startswith(particle) and len(rest) >= 4 and simplemma.is_known(rest, lang="de"):
            return particle, lemma_of(rest)
    return None
