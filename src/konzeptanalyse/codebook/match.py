"""The compiled matcher: codebook rules → tags on one text segment.

Design for speed (≈500,000 segments per national corpus): every single-token term ("atom") is
compiled into dictionaries keyed by its German forms; each distinct token is analysed once and
the result cached, so tagging a segment is a tokenisation, one dictionary look-up per token and
a few regexes. The semantics (longest match, exclusions, negation, scope) are documented case by
case in docs/matching.md.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ..lemmas import Token, gender_base, lemma_of, tokenize
from ..model import Tag
from .expand import (
    INFLECTION_ENDINGS,
    compound_forms,
    default_compound,
    expand_suspended,
    is_abbreviation,
    separable,
    whole_forms,
)
from .load import classify_term, glob_to_regex
from .model import CONTEXTS, Codebook, Rule

__all__ = ["CONCESSIVES", "NEGATORS", "Matcher", "segment_record"]

#: Words that negate a marker when they stand up to four words before it, in the same clause.
NEGATORS = frozenset(
    "nicht kein keine keinen keinem keiner keines ohne weder statt anstatt anstelle nie niemals "
    "keinesfalls keineswegs niemand nirgends".split()
)
#: "nicht nur", "nicht allein", "nicht zuletzt": no negation.
_NOT_NEGATING_AFTER_NICHT = frozenset({"nur", "allein", "zuletzt", "lediglich", "bloß"})
#: A marker before one of these in the same sentence is conceded, not held: "Integration ist
#: keine Einbahnstraße – entscheidend ist aber, dass die Zugewanderten den ersten Schritt tun."
CONCESSIVES = frozenset(
    "aber jedoch allerdings dennoch trotzdem gleichwohl nichtsdestotrotz".split()
)
#: Concede the sentence before only when they open a sentence ("Doch …"); mid-sentence "doch"
#: is a particle ("das ist doch klar").
_CONCESSIVE_OPENERS = frozenset({"doch"})
#: A sentence opening "So sehr …, so …", "So wichtig …, …", "Bei aller …, …" concedes its
#: first clause.
_CONCESSIVE_CLAUSE_OPENERS = frozenset(
    {
        ("so", "sehr"),
        ("so", "wichtig"),
        ("so", "richtig"),
        ("so", "wünschenswert"),
        ("bei", "aller"),
        ("bei", "allem"),
        ("so", "erfreulich"),
        ("so", "gut"),
    }
)
#: "aber auch" adds rather than concedes.
_ADDITIVE_AFTER_CONCESSIVE = frozenset({"auch", "ebenso", "gleichermaßen"})
_SENTENCE_END = frozenset(".!?;")
_CLAUSE_BREAK = frozenset(",;:.!?()[]–—") | {"sondern"}
_CLAUSE_END = frozenset(",;:.!?()[]–—") | {"und", "oder", "sowie", "sondern", "aber"}
_PAIR_JOINERS = frozenset({"und", "oder", "bzw", "sowie", "/", "&"})
_SUSPENDED_JOINERS = frozenset({"und", "oder", "sowie", "bzw", ",", "/", "bis"})
_CACHE_LIMIT = 300_000


@dataclass(frozen=True)
class _Atom:
    """A single-token pattern: a word term with its compound mode, or a glob."""

    kind: str  # "word" | "glob"
    pattern: str
    compound: str
    case: bool
    not_in: tuple[str, ...]


@dataclass
class _Cand:
    code: int
    rule: Rule
    start: int
    end: int
    k0: int  # first and last token index
    k1: int


class Matcher:
    """Compile a codebook once; ``tag`` a text segment many times (see docs/matching.md)."""

    def __init__(self, codebook: Codebook):
        self.codebook = codebook
        self._codes = list(codebook.codes.values())
        self._code_index = {c.code: i for i, c in enumerate(self._codes)}
        self._atoms: list[_Atom] = []
        self._atom_ids: dict[_Atom, int] = {}
        # lower form / lemma → atoms; nouns (capitalised terms) only match capitalised tokens
        self._whole: dict[str, list[int]] = {}
        self._whole_noun: dict[str, list[int]] = {}
        self._whole_case: dict[str, list[int]] = {}  # exact surface → atoms (abbreviations)
        self._comp: dict[str, list[int]] = {}  # compound form → atoms (capitalised tokens)
        self._comp_lengths: list[int] = []
        self._globs: list[tuple[int, bool, re.Pattern[str]]] = []  # (atom, noun only, regex)
        # all globs in one pattern: most tokens match none, so one test replaces one per glob
        self._glob_any: re.Pattern[str] | None = None
        self._glob_star: list[int] = []
        self._glob_any_n = -1
        self._not_in: dict[int, re.Pattern[str]] = {}
        # positive and exclusion rules, per kind
        self._atom_rules: dict[int, list[tuple[int, Rule]]] = {}
        self._atom_not: dict[int, list[int]] = {}  # atom → codes whose "not" list has it
        self._phrases: dict[int, list[tuple[int, Rule | None, tuple[int, ...]]]] = {}
        self._regexes: list[tuple[int, Rule | None, re.Pattern[str]]] = []
        self._near: list[tuple[int, Rule, frozenset[int], frozenset[int]]] = []
        self._not_near: dict[int, tuple[frozenset[int], int]] = {}
        self._separable: dict[str, list[tuple[int, str]]] = {}  # verb stem lemma → (atom, particle)
        # token text → (hits, atoms that cover the whole token)
        self._cache: dict[str, tuple[tuple[tuple[int, int, int], ...], frozenset[int]]] = {}
        self._compile()
        # which codes are active in which context
        self._active: dict[str | None, list[bool]] = {None: [True] * len(self._codes)}
        for ctx in CONTEXTS:
            self._active[ctx] = [
                not codebook.scope(c.code) or ctx in codebook.scope(c.code) for c in self._codes
            ]
        self._negatable = [codebook.negatable(c.code) for c in self._codes]
        self._concession = [codebook.concession(c.code) for c in self._codes]

    def __reduce__(self):
        # Rebuild in a worker instead of shipping the caches.
        return (Matcher, (self.codebook,))

    # ------------------------------------------------------------------ compile
    def _atom(self, kind: str, pattern: str, rule: Rule | None, whole_only: bool = False) -> int:
        if kind == "glob":
            atom = _Atom("glob", pattern.lower(), "none", False, ())
        else:
            case = rule.case if rule is not None and rule.case is not None else None
            if case is None:
                case = is_abbreviation(pattern)
            compound = rule.compound if rule is not None and rule.compound else None
            if whole_only:
                compound = "none"
            elif compound is None:
                compound = default_compound(pattern)
            not_in = rule.not_in if rule is not None else ()
            atom = _Atom("word", pattern, compound, case, tuple(not_in))
        if atom in self._atom_ids:
            return self._atom_ids[atom]
        aid = len(self._atoms)
        self._atoms.append(atom)
        self._atom_ids[atom] = aid
        noun = pattern[:1].isupper()
        if atom.kind == "glob":
            self._globs.append((aid, noun, re.compile(glob_to_regex(pattern))))
        elif atom.case:
            for form in (pattern, pattern + "s"):
                self._whole_case.setdefault(form, []).append(aid)
        else:
            target = self._whole_noun if noun else self._whole
            for form in whole_forms(pattern):
                target.setdefault(form, []).append(aid)
            split = separable(pattern)
            if split is not None:  # "anpassen": also "passt ... an"
                particle, stem = split
                self._separable.setdefault(stem, []).append((aid, particle))
            if atom.compound != "none":
                for form in compound_forms(pattern):
                    self._comp.setdefault(form, []).append(aid)
        if atom.not_in:
            self._not_in[aid] = re.compile("|".join(f"(?:{glob_to_regex(g)})" for g in atom.not_in))
        return aid

    def _word_atoms(self, terms: tuple[str, ...], rule: Rule | None) -> frozenset[int]:
        """Atoms of a list of words/globs; "@code" stands for that code's word and glob terms."""
        out: set[int] = set()
        for term in terms:
            if term.startswith("@"):
                for r in self.codebook.codes[term[1:]].rules:
                    if r.kind in ("word", "glob"):
                        out.add(self._atom(r.kind, r.pattern, r))
                continue
            kind, pattern = classify_term(term)
            if kind in ("word", "glob"):
                out.add(self._atom(kind, pattern, rule))
        return frozenset(out)

    def _compile_rule(self, ci: int, rule: Rule, positive: bool) -> None:
        if rule.kind in ("word", "glob"):
            aid = self._atom(rule.kind, rule.pattern, rule)
            if positive:
                self._atom_rules.setdefault(aid, []).append((ci, rule))
            else:
                self._atom_not.setdefault(aid, []).append(ci)
        elif rule.kind == "phrase":
            elems = []
            for word in rule.pattern.split():
                kind, pattern = classify_term(word)
                elems.append(self._atom("glob" if kind == "glob" else "word", pattern, None, True))
            entry = (ci, rule if positive else None, tuple(elems))
            self._phrases.setdefault(elems[0], []).append(entry)
        elif rule.kind == "regex":
            flags = 0 if rule.case else re.IGNORECASE
            self._regexes.append((ci, rule if positive else None, re.compile(rule.pattern, flags)))
        elif rule.kind == "near" and positive:
            a_side = tuple(rule.pattern.split(" | "))
            self._near.append(
                (ci, rule, self._word_atoms(a_side, rule), self._word_atoms(rule.near, rule))
            )

    def _compile(self) -> None:
        for ci, code in enumerate(self._codes):
            for rule in code.rules:
                self._compile_rule(ci, rule, True)
            for rule in code.not_rules:
                self._compile_rule(ci, rule, False)
            if code.not_near:
                self._not_near[ci] = (self._word_atoms(code.not_near, None), code.not_near_within)
        self._comp_lengths = sorted({len(f) for f in self._comp})
        self._near_by_atom: dict[int, list[int]] = {}
        for idx, (_, _, a_side, _) in enumerate(self._near):
            for aid in a_side:
                self._near_by_atom.setdefault(aid, []).append(idx)

    # ------------------------------------------------------------------ one token
    def _analyse(self, word: str) -> tuple[tuple[int, int, int], ...]:
        """(atom, start, end) hits inside one token, offsets relative to the token (cached)."""
        return self._analyse_full(word)[0]

    def _analyse_full(self, word: str) -> tuple[tuple[tuple[int, int, int], ...], frozenset[int]]:
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        if len(self._cache) > _CACHE_LIMIT:
            self._cache.clear()
        hits = self._analyse_uncached(word)
        n = len(word.rstrip("-"))
        result = (hits, frozenset(a for a, i, j in hits if i == 0 and j == n))
        self._cache[word] = result
        return result

    def _analyse_uncached(self, word: str) -> tuple[tuple[int, int, int], ...]:
        surface = word.rstrip("-")
        n = len(surface)
        if not n:
            return ()
        lower = surface.lower()
        lemma = lemma_of(surface)
        best: dict[tuple[int, int], int] = {}  # (atom, start) → end, longest wins

        def add(aid: int, i: int, j: int) -> None:
            if best.get((aid, i), -1) < j:
                best[(aid, i)] = j

        capital = surface[:1].isupper()
        keys = {lower, lemma, gender_base(lower)}
        for key in keys:
            if capital:
                for aid in self._whole_noun.get(key, ()):
                    add(aid, 0, n)
        if capital:
            # a capitalised adjective or verb ("Mehrsprachige ...", "Leichter Sprache")
            keys.add(lemma_of(lower))
        for key in keys:
            for aid in self._whole.get(key, ()):
                add(aid, 0, n)
        for aid in self._whole_case.get(surface, ()):
            add(aid, 0, n)
        if self._glob_any_n != len(self._globs):
            # a bare "*" (a phrase element: any word) would make the pre-test always true
            self._glob_star = [aid for aid, _, _ in self._globs if self._atoms[aid].pattern == "*"]
            rest = [rx.pattern for aid, _, rx in self._globs if aid not in self._glob_star]
            self._glob_any = re.compile("|".join(f"(?:{r})" for r in rest)) if rest else None
            self._glob_any_n = len(self._globs)
        for aid in self._glob_star:
            add(aid, 0, n)
        if self._glob_any is not None and (
            self._glob_any.fullmatch(lower) or self._glob_any.fullmatch(lemma)
        ):
            for aid, noun, rx in self._globs:
                if (capital or not noun) and (rx.fullmatch(lower) or rx.fullmatch(lemma)):
                    add(aid, 0, n)
        if self._comp and capital:
            self._compounds(lower, lemma, n, add)
        if "-" in surface[1:]:
            # hyphenated compound: each part is a word of its own ("ÖPNV-Ticket", "EU-Bürger")
            pos = 0
            for part in surface.split("-"):
                if part and len(part) < n:
                    for aid, i, j in self._analyse(part):
                        add(aid, pos + i, pos + j)
                pos += len(part) + 1
        hits = []
        for (aid, i), j in best.items():
            rx = self._not_in.get(aid)
            if rx is not None and (rx.fullmatch(lower) or rx.fullmatch(lemma)):
                continue
            hits.append((aid, i, j))
        return tuple(sorted(hits, key=lambda h: (h[1], -h[2])))

    def _compounds(self, lower: str, lemma: str, n: int, add) -> None:
        # gender markers inside a compound are removed; keep a map back to surface offsets
        norm = gender_base(lower)
        if len(norm) == n:
            back = list(range(n + 1))
        else:
            back, k = [], 0
            for idx, ch in enumerate(lower):
                if k < len(norm) and norm[k] == ch:
                    back.append(idx)
                    k += 1
            back.append(n)
        candidates = [(norm, False)]
        if lemma != norm and "-" not in lemma:
            candidates.append((lemma, True))
        for text, is_lemma in candidates:
            m = len(text)
            for i in range(m - 2):
                for length in self._comp_lengths:
                    j = i + length
                    if j > m:
                        break
                    aids = self._comp.get(text[i:j])
                    if not aids:
                        continue
                    for aid in aids:
                        mode = self._atoms[aid].compound
                        rest = text[j:]
                        if i == 0 and not rest:
                            ok = True
                        elif i == 0:
                            ok = mode in ("both", "modifier") and len(rest) >= 3
                        elif i < 3 or mode not in ("both", "head"):
                            ok = False
                        elif rest in INFLECTION_ENDINGS:
                            ok = True
                        else:
                            ok = mode == "both" and len(rest) >= 3
                        if not ok:
                            continue
                        if is_lemma:
                            # map lemma offsets onto the surface: only where they agree
                            if norm[:i] != lemma[:i]:
                                continue
                            end = n if j == m else (j if norm[i:j] == text[i:j] else -1)
                            if end < 0:
                                continue
                            add(aid, back[i] if i < len(back) else i, end)
                        else:
                            add(aid, back[i], back[j] if j < len(back) else n)

    # ------------------------------------------------------------------ one segment
    def tag(self, text: str, context: str | None = None) -> list[Tag]:
        """Tags of one segment, sorted by start. ``context``: a section kind, "heading" or None."""
        if context is not None and context not in self._active:
            raise ValueError(f"unknown context {context!r}; use one of {', '.join(CONTEXTS)}")
        active = self._active[context]
        tokens = tokenize(text)
        if not tokens:
            return []
        cands: list[_Cand] = []
        excluded: dict[int, list[tuple[int, int]]] = {}
        positions: dict[int, list[int]] = {}  # atom → token indices
        whole_at: list[frozenset[int]] = []
        word_pos: list[int] = []
        wp = 0
        atom_rules, atom_not, analyse = self._atom_rules, self._atom_not, self._analyse_full
        empty: frozenset[int] = frozenset()
        for k, tok in enumerate(tokens):
            word_pos.append(wp)
            text_k = tok.text
            if text_k == tok.lemma and not text_k[:1].isalnum():
                whole_at.append(empty)
                continue  # punctuation
            wp += 1
            hits, whole = analyse(text_k)
            whole_at.append(whole)
            start = tok.start
            for aid, i, j in hits:
                if aid in positions:
                    positions[aid].append(k)
                else:
                    positions[aid] = [k]
                s, e = start + i, start + j
                for ci, rule in atom_rules.get(aid, ()):
                    if active[ci]:
                        cands.append(_Cand(ci, rule, s, e, k, k))
                for ci in atom_not.get(aid, ()):
                    excluded.setdefault(ci, []).append((s, e))
            if text_k[-1] == "-":
                self._suspended(tokens, k, active, cands)
            sep = self._separable.get(tok.lemma)
            if sep is not None:
                self._separated(tokens, k, sep, positions, active, cands)
        if self._phrases:
            self._match_phrases(tokens, whole_at, active, cands, excluded)
        if self._regexes:
            starts = [t.start for t in tokens]
            for ci, rule, rx in self._regexes:
                if not active[ci]:
                    continue
                for m in rx.finditer(text):
                    if m.end() <= m.start():
                        continue
                    if rule is None:
                        excluded.setdefault(ci, []).append((m.start(), m.end()))
                    else:
                        k0 = max(0, bisect_right(starts, m.start()) - 1)
                        k1 = max(k0, bisect_right(starts, m.end() - 1) - 1)
                        cands.append(_Cand(ci, rule, m.start(), m.end(), k0, k1))
        near_idx = {i for aid in positions for i in self._near_by_atom.get(aid, ())}
        for idx in sorted(near_idx):
            ci, rule, a_side, b_side = self._near[idx]
            if active[ci]:
                self._match_near(ci, rule, a_side, b_side, positions, word_pos, tokens, cands)
        if not cands:
            return []
        cands = [c for c in cands if self._keep(c, excluded, positions, word_pos, tokens)]
        return self._resolve(cands, tokens, text, context)

    def _suspended(self, tokens: list[Token], k: int, active: list[bool], cands: list[_Cand]):
        """ "Sprach- und Kulturmittler": match the virtual word "Sprachmittler" on the span."""
        j = k + 1
        joiners = 0
        while j < len(tokens):
            if tokens[j].lemma in _SUSPENDED_JOINERS:
                joiners += 1
            elif not tokens[j].text.endswith("-"):
                break
            j += 1
        if not joiners or j >= len(tokens) or not tokens[j].text[:1].isalpha():
            return
        virtual = expand_suspended(tokens[k].text, tokens[j].text)
        if virtual is None:
            return
        prefix_len = len(tokens[k].text) - 1
        s, e = tokens[k].start, tokens[j].end
        for aid, i, jj in self._analyse(virtual):
            if i == 0 and jj > prefix_len:
                for ci, rule in self._atom_rules.get(aid, ()):
                    if active[ci]:
                        cands.append(_Cand(ci, rule, s, e, k, j))

    def _separated(self, tokens, k, sep, positions, active, cands) -> None:
        """A separable verb whose particle closes the clause: "passt ... an" = "anpassen"."""
        j = k + 1
        while j < len(tokens) and tokens[j].text not in _CLAUSE_END:
            j += 1
        last = tokens[j - 1].text.lower() if j - 1 > k else ""
        for aid, particle in sep:
            if last != particle:
                continue
            positions.setdefault(aid, []).append(k)
            tok = tokens[k]
            for ci, rule in self._atom_rules.get(aid, ()):
                if active[ci]:
                    cands.append(_Cand(ci, rule, tok.start, tok.end, k, k))

    def _match_phrases(self, tokens, whole_at, active, cands, excluded) -> None:
        phrases = self._phrases
        for k, whole in enumerate(whole_at):
            for aid in whole:
                for ci, rule, elems in phrases.get(aid, ()):
                    if not active[ci] or k + len(elems) > len(tokens):
                        continue
                    if all(elems[x] in whole_at[k + x] for x in range(1, len(elems))):
                        k1 = k + len(elems) - 1
                        s, e = tokens[k].start, tokens[k1].end
                        if rule is None:
                            excluded.setdefault(ci, []).append((s, e))
                        else:
                            cands.append(_Cand(ci, rule, s, e, k, k1))

    @staticmethod
    def _match_near(ci, rule, a_side, b_side, positions, word_pos, tokens, cands) -> None:
        a_ks = sorted({k for a in a_side for k in positions.get(a, ())})
        if not a_ks:
            return
        b_ks = sorted({k for b in b_side for k in positions.get(b, ())})
        for ka in a_ks:
            best = None
            for kb in b_ks:
                if kb == ka:
                    continue
                dist = abs(word_pos[ka] - word_pos[kb])
                if dist <= rule.within and (best is None or dist < best[0]):
                    best = (dist, kb)
            if best is not None:
                k0, k1 = min(ka, best[1]), max(ka, best[1])
                cands.append(_Cand(ci, rule, tokens[k0].start, tokens[k1].end, k0, k1))

    # ------------------------------------------------------------------ filters
    def _keep(self, c: _Cand, excluded, positions, word_pos, tokens) -> bool:
        for s, e in excluded.get(c.code, ()):
            if s < c.end and c.start < e:
                return False
        nn = self._not_near.get(c.code)
        if nn is not None:
            atoms, within = nn
            lo, hi = word_pos[c.k0] - within, word_pos[c.k1] + within
            for a in atoms:
                for k in positions.get(a, ()):
                    if lo <= word_pos[k] <= hi and not (c.k0 <= k <= c.k1):
                        return False
        if self._negatable[c.code] and self._negated(tokens, c):
            return False
        return True

    @staticmethod
    def _negated(tokens: list[Token], c: _Cand) -> bool:
        """A negator up to four words before the match (or between near partners); in a
        "dass" clause, also a negator in the clause that governs it: "bedeutet nicht, dass
        sich die Zugewanderten anpassen müssen", "statt zu erwarten, dass sie sich einfügen".
        """
        seen = 0
        k = c.k0 - 1
        while k >= 0 and seen < 4:
            lemma = tokens[k].lemma
            low = tokens[k].text.lower()
            if low in _CLAUSE_BREAK or lemma in _CLAUSE_BREAK:
                break
            if _negator_at(tokens, k):
                return True
            seen += 1
            k -= 1
        if c.rule.kind == "near" and any(
            tokens[k].text.lower() in NEGATORS for k in range(c.k0 + 1, c.k1)
        ):
            return True
        # walk back to the start of the clause; a "dass" clause looks into its governor
        k = c.k0 - 1
        while k >= 0 and tokens[k].text not in _CLAUSE_BREAK:
            k -= 1
        if k < 0 or tokens[k].text != "," or tokens[k + 1].text.lower() != "dass":
            return False
        j = k - 1
        while j >= 0 and k - j <= 6 and tokens[j].text not in _CLAUSE_BREAK:
            if _negator_at(tokens, j):
                return True
            j -= 1
        return False

    def _resolve(self, cands: list[_Cand], tokens, text: str, context: str | None) -> list[Tag]:
        # 1. same code: longest match wins, overlapping matches count once
        cands.sort(key=lambda c: (-(c.end - c.start), c.start))
        kept: list[_Cand] = []
        by_code: dict[int, list[_Cand]] = {}
        for c in cands:
            same = by_code.setdefault(c.code, [])
            if any(o.start < c.end and c.start < o.end for o in same):
                continue
            same.append(c)
            kept.append(c)
        # 2. same dimension: a match inside a longer literal term of another code is dropped
        codes = self._codes
        final = []
        for c in kept:
            dim = codes[c.code].dimension
            shadowed = any(
                o.code != c.code
                and o.rule.kind in ("word", "phrase")
                and codes[o.code].dimension == dim
                and o.start <= c.start
                and c.end <= o.end
                and (o.end - o.start) > (c.end - c.start)
                for o in kept
            )
            if not shadowed:
                final.append(c)
        final.sort(key=lambda c: (c.start, c.code))
        # 3. "Bürgerinnen und Bürger": one evidence for a gender pair of the same word
        merged: list[_Cand] = []
        for c in final:
            prev = next((m for m in reversed(merged) if m.code == c.code), None)
            if (
                prev is not None
                and c.k0 == prev.k1 + 2
                and tokens[prev.k1 + 1].lemma in _PAIR_JOINERS
                and tokens[prev.k1].lemma == tokens[c.k0].lemma
            ):
                prev.end, prev.k1 = c.end, c.k1
                continue
            merged.append(c)
        book = self.codebook
        conceded_before = (
            _last_concession(tokens) if any(self._concession[c.code] < 1 for c in merged) else []
        )
        conceded = [self._concession[c.code] < 1 and c.k1 < conceded_before[c.k1] for c in merged]
        # a dimension whose every match is conceded holds nothing: "keine Einbahnstraße – aber
        # sie beginnt beim Einzelnen" grants a marker and holds what no marker names
        holds = {codes[c.code].dimension for c, x in zip(merged, conceded, strict=True) if not x}
        tags = []
        for c, is_conceded in zip(merged, conceded, strict=True):
            code = codes[c.code]
            weight = c.rule.weight * code.weight * book.context_weight(code.code, context)
            if is_conceded:
                weight *= self._concession[c.code] if code.dimension in holds else 0.0
            tags.append(
                Tag(
                    code=code.code,
                    label=code.label,
                    dimension=code.dimension,
                    rule=c.rule.rule_id,
                    matched=text[c.start : c.end],
                    start=c.start,
                    end=c.end,
                    weight=weight,
                )
            )
        tags.sort(key=lambda t: (t.start, t.code))
        return tags


def _negator_at(tokens: list[Token], k: int) -> bool:
    """Token k negates ("nicht nur" does not)."""
    low = tokens[k].text.lower()
    return low in NEGATORS and not (
        low == "nicht"
        and k + 1 < len(tokens)
        and tokens[k + 1].text.lower() in _NOT_NEGATING_AFTER_NICHT
    )


def _last_concession(tokens: list[Token]) -> list[int]:
    """For each token, the index of the concessive word that concedes it (or -1).

    A match ending at token k is conceded when ``k < result[k]``: a concessive word concedes
    what stands before it in its sentence, and one in the first clause of a sentence ("Doch
    …", "Aber …", "Entscheidend ist jedoch, …") also concedes the whole sentence before. "aber
    auch" does not concede.
    """
    result = [-1] * len(tokens)
    sentences: list[tuple[int, int]] = []  # [start, end) token ranges, end mark included
    start = 0
    for k, tok in enumerate(tokens):
        if tok.text in _SENTENCE_END:
            sentences.append((start, k + 1))
            start = k + 1
    if start < len(tokens):
        sentences.append((start, len(tokens)))
    for n, (lo, hi) in enumerate(sentences):
        if tokens[hi - 1].text == "?":  # a question raises a topic; the answer holds it
            for i in range(lo, hi):
                result[i] = max(result[i], hi)
        if _concessive_clause(tokens, lo, hi):  # "So sehr wir X schätzen, so klar ist ..."
            comma = next(j for j in range(lo, hi) if tokens[j].text == ",")
            for i in range(lo, comma):
                result[i] = max(result[i], comma)
        last = -1
        for j in range(lo, hi):
            low = tokens[j].text.lower()
            if (low in CONCESSIVES or (j == lo and low in _CONCESSIVE_OPENERS)) and not (
                j + 1 < len(tokens) and tokens[j + 1].text.lower() in _ADDITIVE_AFTER_CONCESSIVE
            ):
                last = j
                # "Doch …", "Aber …", "Entscheidend ist jedoch, …": a concessive in the
                # first clause turns the sentence against the one before it
                if n > 0 and not any(tokens[i].text in _CLAUSE_BREAK for i in range(lo, j)):
                    for i in range(*sentences[n - 1]):
                        result[i] = max(result[i], j)
        for j in range(lo, hi):
            result[j] = max(result[j], last)
    return result


def _concessive_clause(tokens: list[Token], lo: int, hi: int) -> bool:
    """The sentence [lo, hi) opens with a conceding clause and goes on after a comma."""
    if hi - lo < 4:
        return False
    opener = (tokens[lo].text.lower(), tokens[lo + 1].text.lower())
    return opener in _CONCESSIVE_CLAUSE_OPENERS and any(
        tokens[j].text == "," for j in range(lo + 2, hi - 1)
    )


def segment_record(matcher: Matcher, text: str, context: str | None = None, reader=None) -> dict:
    """The stable JSON shape of ``konzept tag`` for one segment (see docs/matching.md).

    With a second ``reader`` (understanding.SecondReader), ``score`` is checked by it and
    ``by`` says who gave the side (understanding.checked_score).
    """
    from ..understanding import checked_score, score_segment, understanding_class

    tags = matcher.tag(text, context) if text.strip() else []
    codes: dict[str, dict] = {}
    for t in tags:
        entry = codes.setdefault(
            t.code, {"code": t.code, "label": t.label, "dimension": t.dimension, "evidence": []}
        )
        entry["evidence"].append(
            {"matched": t.matched, "start": t.start, "end": t.end, "rule": t.rule}
        )
    marker_score, markers = score_segment(tags)
    alone = context == "understanding"
    read = reader is not None and text.strip() and (markers or alone)
    check = reader.probability([text])[0] if read else None
    score, by = checked_score(marker_score, check, alone)
    return {
        "text": text,
        "codes": list(codes.values()),
        "understanding": {
            "score": score,
            "class": understanding_class(score, len(markers)),
            "markers": markers,
            "marker_score": marker_score,
            "second_reader": check,
            "by": by,
        },
    }
