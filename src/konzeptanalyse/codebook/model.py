"""The validated codebook: dimensions, hierarchical codes and their rules.

A ``Codebook`` is plain data built by :func:`konzeptanalyse.codebook.load.load_codebook`; the
``Matcher`` compiles it. Everything a coder reads (labels, description, inclusion and exclusion
notes) lives next to the rules the machine applies, so the manual and the matcher cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import SECTION_KINDS

#: Contexts a rule can be scoped to: the section kinds plus "heading".
CONTEXTS = (*SECTION_KINDS, "heading")
#: Rule kinds. ``word`` and ``glob`` look at one token, ``phrase`` at consecutive tokens,
#: ``regex`` at the raw text, ``near`` at two tokens at most ``within`` words apart.
RULE_KINDS = ("word", "glob", "phrase", "regex", "near")
#: How a word term may sit inside a compound.
COMPOUND_MODES = ("both", "head", "modifier", "none")


@dataclass(frozen=True)
class Rule:
    """One term of a code (or one exclusion term), as written in the codebook."""

    kind: str  # one of RULE_KINDS
    pattern: str  # the term as written; for ``near`` the A side joined by " | "
    rule_id: str  # "hf.sprache/word:Sprachförderung"
    code: str
    weight: float = 1.0
    compound: str | None = None  # None = default for the term (see docs/matching.md)
    case: bool | None = None  # None = case-sensitive only for abbreviations ("MSO", "DaZ")
    not_in: tuple[str, ...] = ()  # word globs of tokens this term must not match inside
    near: tuple[str, ...] = ()  # B side of a ``near`` rule
    within: int = 0  # max. words between A and B for ``near``
    line: int = 0


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str
    description: str = ""
    scope: tuple[str, ...] = ()  # contexts where its rules apply; () = everywhere
    negation: bool = False  # drop matches after "nicht", "kein", "ohne", ...
    context_weights: dict[str, float] = field(default_factory=dict)  # "default" key allowed
    concession: float = 1.0  # weight factor for a match before "aber", "jedoch", ... (see docs)
    # labelled passages (CSV files with text and pole) that train the second reader of the
    # understanding score, as written (relative to the codebook file), and their sha256
    second_reader: tuple[str, ...] = ()
    second_reader_digest: str = ""
    line: int = 0


@dataclass(frozen=True)
class Code:
    code: str
    label: str
    dimension: str
    parent: str | None = None
    description: str = ""
    include: str = ""  # inclusion note for coders
    exclude: str = ""  # exclusion note for coders
    rules: tuple[Rule, ...] = ()
    not_rules: tuple[Rule, ...] = ()  # a match overlapping one of these is dropped
    not_near: tuple[str, ...] = ()  # a match with one of these words nearby is dropped
    not_near_within: int = 0
    scope: tuple[str, ...] | None = None  # None = the dimension's scope
    weight: float = 1.0
    negation: bool | None = None  # None = the dimension's setting
    line: int = 0


@dataclass(frozen=True)
class Codebook:
    """A loaded, validated codebook. ``version`` is the sha256 of its canonical content."""

    name: str
    path: str
    version: str
    dimensions: dict[str, Dimension]
    codes: dict[str, Code]
    description: str = ""

    def label(self, code: str) -> str:
        return self.codes[code].label

    def dimension(self, code: str) -> str:
        return self.codes[code].dimension

    def parent_chain(self, code: str) -> list[str]:
        """``[code, parent, grandparent, ..., root]``: the code itself first."""
        chain = [code]
        while (parent := self.codes[chain[-1]].parent) is not None:
            chain.append(parent)
        return chain

    def root(self, code: str) -> str:
        return self.parent_chain(code)[-1]

    def children(self, code: str) -> list[str]:
        return [c.code for c in self.codes.values() if c.parent == code]

    def scope(self, code: str) -> tuple[str, ...]:
        """Contexts the code's rules apply in; () = everywhere."""
        c = self.codes[code]
        return c.scope if c.scope is not None else self.dimensions[c.dimension].scope

    def negatable(self, code: str) -> bool:
        c = self.codes[code]
        return c.negation if c.negation is not None else self.dimensions[c.dimension].negation

    def concession(self, code: str) -> float:
        return self.dimensions[self.codes[code].dimension].concession

    def context_weight(self, code: str, context: str | None) -> float:
        weights = self.dimensions[self.codes[code].dimension].context_weights
        return weights.get(context or "default", weights.get("default", 1.0))
