"""German tokens and lemmas for matching, word clouds and segmenting.

The lemmatiser is simplemma (dictionary lookups for German). spaCy's trained German pipelines
cannot be installed here, so there is no statistical lemmatiser and no silent fallback:
``LEMMATISER`` names exactly what is used, and it is part of every codebook run's provenance.

Tokens are found with one regular expression that keeps German gender forms ("Bürger:innen",
"Bürger*innen", "Bürger_innen", "BürgerInnen", "Bürger·innen", "Bürger/-innen") and hyphenated
words ("EU-Bürger") as one token, and keeps the hyphen of a suspended compound ("Sprach- und
Kulturmittler") on its token so the matcher can expand it. Lemma look-ups are cached per word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import simplemma

__all__ = [
    "LEMMATISER",
    "STOPWORDS",
    "Token",
    "gender_base",
    "lemma_of",
    "lemmatise",
    "tokenize",
]

LEMMATISER = f"simplemma {getattr(simplemma, '__version__', '?')} (de, dictionary lookup)"

_L = r"[^\W\d_]"  # a letter
_A = r"[^\W_]"  # a letter or digit
# Gender marker directly before "in"/"innen": colon, asterisk, underscore, middle dot, slash.
_MARK = r"(?:[:*_·•]|/-?)"
_TOKEN = re.compile(
    rf"""
    (?P<word>
        {_A}+
        (?:
            [-‐‑]{_A}+                       # EU-Bürger, 3-jährig
          | {_MARK}(?=in) {_L}+             # Bürger:innen, Migrant*innenselbstorganisation
        )*
        (?P<susp>-(?=[\s,/]))?              # suspended hyphen: "Sprach- und ..."
    )
    | (?P<punct>[^\w\s])
    """,
    re.VERBOSE,
)
_HAS_LETTER = re.compile(_L)
# Gender marker + in/innen at the end of a word, or inside a compound.
_GENDER_END = re.compile(rf"{_MARK}in(?:nen)?$|(?<=[a-zäöüß])In(?:nen)?$")
_GENDER_MID = re.compile(rf"{_MARK}(?=innen)|(?<=[a-zäöüß])I(?=nnen[a-zäöüß])")
# Feminine agent nouns ("Bürgerin", "Migrantin") share the base of the masculine form.
_FEM_STEM = re.compile(r"(?:er|ant|ent|ist|eur|or|at|ar|ier|ling)$")
_FEM_EXCEPTIONS = frozenset({"protein", "terrine", "vitamin", "kamin", "termin", "disziplin"})


@dataclass(frozen=True, slots=True)
class Token:
    """One token with its lemma (lower-cased) and character offsets into the input."""

    text: str
    lemma: str
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        """True for tokens with at least one letter (not punctuation, not a bare number)."""
        return bool(_HAS_LETTER.search(self.text))


def gender_base(word: str) -> str:
    """The word with its gender marker removed: "Bürger:innen" → "Bürger".

    Inside a compound only the marker goes ("Migrant*innenberatung" → "Migrantinnenberatung").
    """
    word = _GENDER_END.sub("", word)
    return _GENDER_MID.sub(lambda m: "i" if m.group(0) == "I" else "", word)


@lru_cache(maxsize=200_000)
def lemma_of(word: str) -> str:
    """Lower-cased simplemma lemma with gender forms normalised to one base (cached)."""
    base = gender_base(word.rstrip("-"))
    if not base:
        return word.lower()
    if "-" in base[1:]:
        # Hyphenated compound: lemmatise the last part only ("EU-Bürgern" → "eu-bürger").
        head, _, last = base.rpartition("-")
        return f"{head.lower()}-{lemma_of(last)}" if last else base.lower()
    lemma = simplemma.lemmatize(base, lang="de").lower()
    if (
        lemma.endswith("in")
        and base[:1].isupper()
        and lemma not in _FEM_EXCEPTIONS
        and _FEM_STEM.search(lemma[:-2])
    ):
        lemma = lemma[:-2]
    return lemma


def tokenize(text: str) -> list[Token]:
    """Words (with gender forms and hyphenated compounds whole) and punctuation marks."""
    out: list[Token] = []
    append = out.append
    for m in _TOKEN.finditer(text):
        s = m.group(0)
        if m.group("punct") is not None:
            append(Token(s, s, m.start(), m.end()))
        else:
            append(Token(s, lemma_of(s), m.start(), m.end()))
    return out


def lemmatise(text: str) -> list[str]:
    """Lemmas of the word tokens of ``text`` (no punctuation, no numbers)."""
    return [t.lemma for t in tokenize(text) if t.is_word]


_FUNCTION_WORDS = """
aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes
auch auf aus bei beide beiden beim bereits bin bis bisher bist bzw ca da dabei dadurch dafür
dagegen daher damit dann darauf daraus darin darüber darum das dass dazu dem den denen denn der
deren derer des deshalb dessen dich die dies diese diesem diesen dieser dieses dir doch dort du
durch ein eine einem einen einer eines einige einigen einiger einmal er es etc etwa euch euer
für gegen gegenüber gibt habe haben hat hatte hatten hier hierbei hierfür hierzu hin hinaus ich
ihm ihn ihnen ihr ihre ihrem ihren ihrer ihres im immer in indem ins insbesondere ist ja je
jede jedem jeden jeder jedes jedoch jene jenem jenen jener jenes jeweils kann kein keine keinem
keinen keiner können könnte man manche mehr mit muss müssen nach neben nicht nichts noch nun nur
ob oder ohne per sehr sein seine seinem seinen seiner seines seit sich sie sind so sodass solche
soll sollen sollte sollten somit sondern sowie sowohl über um und uns unser unsere unserem
unseren unserer unter usw viel viele vom von vor wann war waren warum was weil weitere weiteren
weiterer welche welchem welchen welcher welches wenn wer werden wie wieder will wir wird wo
wurde wurden zu zum zur zwar zwischen z b u a ggf vgl bspw sog evtl inkl bzgl o ä d h s
werden worden sein wurde gewesen haben hat habe können kann müssen soll sollen
"""
# Words that fill every page of a municipal concept without saying anything about its content.
_DOMAIN_WORDS = """
landkreis kreis stadt kommune gemeinde seite abbildung abb tabelle kapitel anhang quelle
vgl ziel ziele maßnahme maßnahmen bereich bereiche rahmen thema jahr jahre jahren prozent
"""
STOPWORDS: frozenset[str] = frozenset((_FUNCTION_WORDS + _DOMAIN_WORDS).split())
