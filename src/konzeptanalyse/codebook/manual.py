"""The codebook as the coders' manual: Markdown for ``konzept codebook show``."""

from __future__ import annotations

from .model import Codebook, Rule

__all__ = ["to_markdown"]


def _term(rule: Rule) -> str:
    if rule.kind == "near":
        a = rule.pattern.replace(" | ", ", ")
        text = f"[{a}] ≤ {rule.within} Wörter von [{', '.join(rule.near)}]"
    elif rule.kind == "regex":
        text = f"re:`{rule.pattern}`"
    else:
        text = rule.pattern
    extras = []
    if rule.weight != 1.0:
        extras.append(f"Gewicht {rule.weight:g}")
    if rule.compound:
        extras.append(f"Kompositum: {rule.compound}")
    if rule.not_in:
        extras.append("nicht in " + ", ".join(rule.not_in))
    return f"{text} ({'; '.join(extras)})" if extras else text


def to_markdown(book: Codebook) -> str:
    """Dimensions, then each code with label, description, notes and terms, children indented."""
    out = [f"# {book.name}", "", f"Version (sha256): `{book.version}`", ""]
    if book.description:
        out += [book.description, ""]
    for dim in book.dimensions.values():
        out += [f"## {dim.label} (`{dim.name}`)", ""]
        if dim.description:
            out += [dim.description, ""]
        notes = []
        if dim.scope:
            notes.append("nur in Abschnitten: " + ", ".join(dim.scope))
        if dim.negation:
            notes.append("verneinte Treffer zählen nicht")
        if dim.context_weights:
            notes.append(
                "Gewichte: " + ", ".join(f"{k} {v:g}" for k, v in dim.context_weights.items())
            )
        if notes:
            out += ["*" + "; ".join(notes) + "*", ""]
        roots = [c for c in book.codes.values() if c.dimension == dim.name and c.parent is None]
        for root in roots:
            out += _code(book, root.code, 3)
    return "\n".join(out).rstrip() + "\n"


def _code(book: Codebook, cid: str, level: int) -> list[str]:
    code = book.codes[cid]
    out = [f"{'#' * min(level, 6)} `{code.code}` {code.label}", ""]
    if code.description:
        out += [code.description, ""]
    if code.include:
        out += [f"- **Einschluss:** {code.include}"]
    if code.exclude:
        out += [f"- **Ausschluss:** {code.exclude}"]
    if code.scope is not None:
        out += [f"- **Abschnitte:** {', '.join(code.scope) or 'alle'}"]
    if code.rules:
        out += ["- **Begriffe:** " + " · ".join(_term(r) for r in code.rules)]
    if code.not_rules:
        out += ["- **Ausgeschlossen:** " + " · ".join(_term(r) for r in code.not_rules)]
    if code.not_near:
        out += [
            f"- **Nicht in der Nähe von** ({code.not_near_within} Wörter): "
            + ", ".join(code.not_near)
        ]
    out.append("")
    for child in book.children(cid):
        out += _code(book, child, level + 1)
    return out
