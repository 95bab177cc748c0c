"""Text repairs on extracted lines: ligatures, soft hyphens, odd spaces, line-end hyphens.

German rules for a hyphen at the end of a line (``a`` ends with "-", ``b`` is the next line):
  * continuation starts lowercase → a syllable break: join without hyphen
    ("Integrations-" + "konzept" → "Integrationskonzept");
  * continuation is a conjunction ("und", "oder", "bzw.", "sowie", "noch", "bis") → a
    suspended hyphen:
    keep it with a space ("Sprach-" + "und Kulturmittler" → "Sprach- und Kulturmittler");
  * continuation starts uppercase or with a digit → a real hyphen: keep it
    ("EU-" + "Staaten" → "EU-Staaten").
"""

from __future__ import annotations

import re
import unicodedata

#: pdfium marks a hyphen at a line end with U+0002 or U+FFFE; soft hyphens and Unicode
#: hyphens count too.
LINE_END_HYPHENS = ("-", "\x02", "\ufffe", "\u00ad", "\u2010", "\u2011")

LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
_SPACES = dict.fromkeys(
    map(
        ord,
        "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
        "\u2009\u200a\u202f\u205f\u3000\t",
    ),
    " ",
)
_DROP = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_CONTROL = re.compile(r"[\x00\x01\x03-\x08\x0b-\x1f\x7f]")
_MULTISPACE = re.compile(r" {2,}")
_COMPAT = re.compile("[\ufb00-\ufb4f\uff00-\uffef]")  # presentation forms, full width
_SUSPENDED_NEXT = {
    "und",
    "oder",
    "bzw",
    "bzw.",
    "sowie",
    "noch",
    "bis",
    "beziehungsweise",
    "&",
    "u.",
    "o.",
}

BULLET_RE = re.compile(r"^(?:[•▪◦·●○■□►▸‣⁃*–—-]|\d{1,2}[.)]|[a-z][)]|\(\d{1,2}\)|[ivx]{1,4}[.)])\s")
BULLET_ONLY_RE = re.compile(r"^(?:[•▪◦·●○■□►▸‣⁃*–—-]|\d{1,2}[.)]|[a-z][)]|\(\d{1,2}\))$")
CAPTION_RE = re.compile(
    r"^(?:Abbildung|Abb\.|Tabelle|Tab\.|Grafik|Diagramm|Karte|Foto|Bild|Schaubild|Quelle|"
    r"Quellen|Darstellung)(?:\s*\d+(?:\.\d+)*)?\s*[:.–-]",
)


def clean_line(text: str) -> tuple[str, int]:
    """Normalise one extracted line; returns the text and the number of repairs made.

    Ligatures and presentation forms are unfolded (NFKC for them only: NFKC on everything
    would turn "½" or superscripts into other text), odd spaces become spaces, soft hyphens
    inside a line vanish, the rest is NFC. A soft hyphen or pdfium hyphen mark at the very
    end is kept as "-" so the line join can apply the hyphen rules.
    """
    repairs = 0
    end_hyphen = text.endswith(LINE_END_HYPHENS[1:])
    if end_hyphen:
        text = text[:-1]
    for lig, plain in LIGATURES.items():
        if lig in text:
            repairs += text.count(lig)
            text = text.replace(lig, plain)
    if "\u00ad" in text:
        repairs += text.count("\u00ad")
        text = text.replace("\u00ad", "")
    text = text.translate(_SPACES).translate(_DROP)
    text = _CONTROL.sub("", text)
    if _COMPAT.search(text):
        text = _COMPAT.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    text = unicodedata.normalize("NFC", text)
    text = _MULTISPACE.sub(" ", text).strip()
    if end_hyphen:
        text += "-"
    return text, repairs


def join_lines(a: str, b: str) -> tuple[str, bool]:
    """Join two consecutive lines of one paragraph; True when a line-end hyphen was resolved."""
    if not a:
        return b, False
    if not b:
        return a, False
    if a.endswith("-") and len(a) >= 2 and a[-2].isalnum():
        first = b.split(" ", 1)[0]
        if first.lower() in _SUSPENDED_NEXT:
            return f"{a} {b}", True
        if first[:1].islower():
            return a[:-1] + b, True
        return a + b, True
    return f"{a} {b}", False


STRONG_BULLETS = "•▪◦●○■□►▸‣⁃"


def split_bullet(text: str) -> tuple[str, str]:
    """("• Text" → ("•", "Text")); no bullet → ("", text)."""
    match = BULLET_RE.match(text)
    if not match:
        return "", text
    return match.group(0).strip(), text[match.end() :].strip()


def is_caption(text: str) -> bool:
    """Figure/table captions and source lines ("Abbildung 3: …", "Quelle: …")."""
    return bool(CAPTION_RE.match(text))
