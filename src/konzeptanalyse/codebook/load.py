"""Read a codebook YAML file, validate it and say where every problem is.

Every error is one string ``"FILE:LINE: KEY: message"``; all errors of a file are collected and
raised together as :class:`CodebookError`, so a coder fixes them in one round. The YAML is
composed node by node (PyYAML's ``compose``) to keep the line of every key and list item.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from .model import COMPOUND_MODES, CONTEXTS, Code, Codebook, Dimension, Rule

__all__ = ["CodebookError", "load_codebook", "parse_codebook", "portable_text", "reader_path"]

_TOP_KEYS = {"name", "description", "dimensions", "codes"}
_DIM_KEYS = {
    "label",
    "description",
    "scope",
    "negation",
    "context_weights",
    "concession",
    "second_reader",
}
#: The second reader needs both poles; fewer passages than this per pole cannot train it.
MIN_READER_PASSAGES = 10
_CODE_KEYS = {
    "code",
    "label",
    "dimension",
    "parent",
    "description",
    "include",
    "exclude",
    "terms",
    "not",
    "not_near",
    "scope",
    "weight",
    "negation",
}
_TERM_KINDS = ("term", "word", "glob", "phrase", "regex", "near")
_TERM_OPTIONS = {"compound", "case", "not_in", "weight", "with", "within"}
_CODE_ID = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*$")


class CodebookError(ValueError):
    """A codebook that cannot be used; ``errors`` lists ``"file:line: key: message"``."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


class _Map(dict):
    """A mapping that remembers the line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]


class _Seq(list):
    line: int = 0
    item_lines: list[int]


def _plain(node: yaml.Node, file: str, errors: list[str], ctor: yaml.SafeLoader) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = _Map()
        out.line, out.key_lines = line, {}
        for key_node, value_node in node.value:
            key = _plain(key_node, file, errors, ctor)
            key_line = key_node.start_mark.line + 1
            if not isinstance(key, str | int | float | bool) or key is None:
                errors.append(f"{file}:{key_line}: {key!r}: keys must be plain words")
                continue
            key = str(key)
            if key in out:
                errors.append(f"{file}:{key_line}: {key}: duplicate key")
            out[key] = _plain(value_node, file, errors, ctor)
            out.key_lines[key] = key_line
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = _Seq(_plain(n, file, errors, ctor) for n in node.value)
        seq.line, seq.item_lines = line, [n.start_mark.line + 1 for n in node.value]
        return seq
    return ctor.construct_object(node, deep=True)


def _canonical(data: Any) -> Any:
    if isinstance(data, dict):
        return {str(k): _canonical(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_canonical(v) for v in data]
    return data


def version_hash(data: Any) -> str:
    """sha256 of the canonical JSON of the codebook content (comments and layout don't count)."""
    text = json.dumps(_canonical(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def classify_term(text: str) -> tuple[str, str]:
    """Kind and pattern of a term written as a string (see docs/matching.md)."""
    text = text.strip()
    if text.startswith("re:"):
        return "regex", text[3:].strip()
    if re.search(r"\s", text):
        return "phrase", text
    if "*" in text or "?" in text:
        return "glob", text
    return "word", text


def glob_to_regex(glob: str) -> str:
    """``Sprach*`` → ``sprach\\w*`` (matched against a whole lower-cased token)."""
    parts = []
    for ch in glob.lower():
        parts.append(r"[\w\-:*·]*" if ch == "*" else r"\w" if ch == "?" else re.escape(ch))
    return "".join(parts)


def reader_path(codebook_file: str, name: str) -> Path:
    """A second-reader file as written in the codebook, relative to the codebook's folder."""
    base = Path(codebook_file).parent if not codebook_file.startswith("<") else Path.cwd()
    return (base / name).resolve()


def portable_text(path: Path | str) -> str:
    """The codebook's YAML with its second reader's passages named by absolute path: the text
    to write when a copy (an edited codebook) is kept in another folder."""
    book = load_codebook(path)
    text = Path(path).read_text(encoding="utf-8")
    for name in {f for d in book.dimensions.values() for f in d.second_reader}:
        text = text.replace(name, str(reader_path(book.path, name)))
    return text


def load_codebook(path: Path | str) -> Codebook:
    """Read and validate ``path``; raise :class:`CodebookError` listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CodebookError([f"{path}:0: -: cannot read the file ({exc.strerror or exc})"]) from exc
    except UnicodeDecodeError as exc:
        raise CodebookError([f"{path}:0: -: not UTF-8 text ({exc.reason})"]) from exc
    return parse_codebook(text, str(path))


def parse_codebook(text: str, file: str = "<codebook>") -> Codebook:
    """Validate codebook YAML given as text; ``file`` names it in error messages."""
    errors: list[str] = []
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 0
        problem = getattr(exc, "problem", None) or str(exc)
        raise CodebookError([f"{file}:{line}: -: YAML syntax error: {problem}"]) from exc
    if node is None:
        raise CodebookError([f"{file}:1: -: the file is empty"])
    data = _plain(node, file, errors, yaml.SafeLoader(""))
    if not isinstance(data, _Map):
        raise CodebookError(
            [f"{file}:1: -: the top level must be a mapping (name, dimensions, codes)"]
        )
    book = _Builder(file, errors).build(data)
    if errors:
        raise CodebookError(errors)
    return book


class _Builder:
    def __init__(self, file: str, errors: list[str]):
        self.file, self.errors = file, errors
        self._pending_refs: list[tuple[tuple[str, ...], int, str]] = []

    def err(self, line: int, key: str, message: str) -> None:
        self.errors.append(f"{self.file}:{line}: {key}: {message}")

    # ---------------------------------------------------------------- helpers
    def _str(self, m: _Map, key: str, where: str, required: bool = False) -> str:
        value = m.get(key)
        if value is None:
            if required:
                self.err(m.line, f"{where}.{key}" if where else key, "missing")
            return ""
        if not isinstance(value, str | int | float):
            self.err(m.key_lines.get(key, m.line), f"{where}.{key}", "must be text")
            return ""
        return str(value).strip()

    def _number(self, m: _Map, key: str, where: str, default: float) -> float:
        value = m.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            self.err(m.key_lines.get(key, m.line), f"{where}.{key}", "must be a number ≥ 0")
            return default
        return float(value)

    def _scope(self, m: _Map, where: str) -> tuple[str, ...] | None:
        if "scope" not in m:
            return None
        value = m["scope"]
        line = m.key_lines["scope"]
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            self.err(line, f"{where}.scope", "must be a list of section kinds")
            return ()
        bad = [s for s in items if s not in CONTEXTS and s != "all"]
        if bad:
            self.err(line, f"{where}.scope", f"unknown context {bad}; use {', '.join(CONTEXTS)}")
        return () if "all" in items else tuple(s for s in items if s in CONTEXTS)

    def _unknown_keys(self, m: _Map, allowed: set[str], where: str) -> None:
        for key in m:
            if key not in allowed:
                self.err(m.key_lines[key], f"{where}.{key}" if where else key, "unknown key")

    # ---------------------------------------------------------------- top level
    def build(self, data: _Map) -> Codebook:
        self._unknown_keys(data, _TOP_KEYS, "")
        dims_raw = data.get("dimensions")
        codes_raw = data.get("codes")
        dimensions: dict[str, Dimension] = {}
        if not isinstance(dims_raw, _Map) or not dims_raw:
            self.err(data.key_lines.get("dimensions", data.line), "dimensions", "missing or empty")
        else:
            for name, dim in dims_raw.items():
                dimensions[name] = self.dimension(name, dim, dims_raw.key_lines[name])
        codes: dict[str, Code] = {}
        code_maps: dict[str, _Map] = {}
        if not isinstance(codes_raw, _Seq) or not codes_raw:
            self.err(data.key_lines.get("codes", data.line), "codes", "missing or empty list")
        else:
            for i, item in enumerate(codes_raw):
                line = codes_raw.item_lines[i]
                if not isinstance(item, _Map):
                    self.err(line, f"codes[{i}]", "must be a mapping with code, label, terms")
                    continue
                cid = self._str(item, "code", f"codes[{i}]", required=True)
                if not cid:
                    continue
                if not _CODE_ID.match(cid):
                    self.err(
                        item.key_lines["code"], f"{cid}.code", "use lower-case ids like hf.sprache"
                    )
                if cid in code_maps:
                    first = code_maps[cid].line
                    self.err(item.line, f"{cid}.code", f"duplicate code (first at line {first})")
                    continue
                code_maps[cid] = item
            for cid, item in code_maps.items():
                codes[cid] = self.code(cid, item, code_maps, dimensions)
            self.check_graph(codes, code_maps, dimensions)
        # the second reader's passages count by content (they change results as much as the
        # rules do), not by the paths that name them: a copy of the codebook elsewhere that
        # reads the same passages is the same codebook
        content = _Map(data)
        if isinstance(dims_raw, _Map):
            content["dimensions"] = {
                name: {k: v for k, v in dim.items() if k != "second_reader"}
                if isinstance(dim, dict)
                else dim
                for name, dim in dims_raw.items()
            }
        version = version_hash(content)
        digests = [d.second_reader_digest for d in dimensions.values() if d.second_reader]
        if digests:
            version = hashlib.sha256("".join([version, *digests]).encode()).hexdigest()
        return Codebook(
            name=self._str(data, "name", "") or Path(self.file).stem,
            path=self.file,
            version=version,
            dimensions=dimensions,
            codes=codes,
            description=self._str(data, "description", ""),
        )

    def dimension(self, name: str, m: Any, line: int) -> Dimension:
        where = f"dimensions.{name}"
        if not isinstance(m, _Map):
            self.err(line, where, "must be a mapping with label, description, scope")
            return Dimension(name=name, label=name, line=line)
        self._unknown_keys(m, _DIM_KEYS, where)
        weights_raw = m.get("context_weights") or {}
        weights: dict[str, float] = {}
        if not isinstance(weights_raw, dict):
            self.err(
                m.key_lines.get("context_weights", line), f"{where}.context_weights", "mapping"
            )
        else:
            for ctx, w in weights_raw.items():
                if ctx not in CONTEXTS and ctx != "default":
                    self.err(
                        m.key_lines["context_weights"],
                        f"{where}.context_weights",
                        f"unknown context {ctx!r}",
                    )
                elif isinstance(w, bool) or not isinstance(w, int | float):
                    self.err(
                        m.key_lines["context_weights"],
                        f"{where}.context_weights",
                        f"{ctx}: not a number",
                    )
                else:
                    weights[ctx] = float(w)
        concession = m.get("concession", 1.0)
        if isinstance(concession, bool) or not isinstance(concession, int | float):
            self.err(m.key_lines.get("concession", line), f"{where}.concession", "not a number")
            concession = 1.0
        elif not 0 < concession <= 1:
            self.err(
                m.key_lines.get("concession", line),
                f"{where}.concession",
                f"{concession} must be above 0 and at most 1",
            )
            concession = 1.0
        reader, digest = self._second_reader(m, where, line)
        return Dimension(
            name=name,
            label=self._str(m, "label", where, required=True) or name,
            description=self._str(m, "description", where),
            scope=self._scope(m, where) or (),
            negation=bool(m.get("negation", False)),
            context_weights=weights,
            concession=float(concession),
            second_reader=reader,
            second_reader_digest=digest,
            line=line,
        )

    def _second_reader(self, m: _Map, where: str, line: int) -> tuple[tuple[str, ...], str]:
        """Check the labelled passages of ``second_reader``: files, columns, both poles."""
        raw = m.get("second_reader")
        if raw is None:
            return (), ""
        key, line = f"{where}.second_reader", m.key_lines.get("second_reader", line)
        if not isinstance(raw, list) or not raw or not all(isinstance(x, str) for x in raw):
            self.err(line, key, "a list of CSV files (columns text, pole)")
            return (), ""
        h = hashlib.sha256()
        counts = {"anpassung": 0, "teilhabe": 0}
        n_errors = len(self.errors)
        for name in raw:
            path = reader_path(self.file, name)
            try:
                data = path.read_bytes()
                rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
            except (OSError, UnicodeDecodeError, csv.Error) as exc:
                self.err(
                    line,
                    key,
                    f"{name}: cannot read {path} ({exc}); paths are relative to the codebook "
                    "file: copy the passages along with it or write absolute paths",
                )
                continue
            if rows and not {"text", "pole"} <= set(rows[0]):
                self.err(line, key, f"{name}: needs the columns text and pole")
                continue
            for row in rows:
                if row["pole"] in counts:
                    counts[row["pole"]] += 1
            h.update(data)
        if len(self.errors) == n_errors and any(n < MIN_READER_PASSAGES for n in counts.values()):
            self.err(
                line,
                key,
                f"needs at least {MIN_READER_PASSAGES} passages of each pole "
                f"(found anpassung {counts['anpassung']}, teilhabe {counts['teilhabe']})",
            )
        return tuple(raw), h.hexdigest()

    def code(
        self, cid: str, m: _Map, code_maps: dict[str, _Map], dims: dict[str, Dimension]
    ) -> Code:
        self._unknown_keys(m, _CODE_KEYS, cid)
        parent = self._str(m, "parent", cid) or None
        dimension = self._str(m, "dimension", cid)
        if not dimension and parent in code_maps:
            seen = {cid}
            p: str | None = parent
            while p in code_maps and p not in seen and not dimension:
                seen.add(p)
                dimension = str(code_maps[p].get("dimension") or "")
                p = code_maps[p].get("parent")
        if not dimension:
            if parent is None or parent in code_maps:  # an unknown parent is reported by itself
                self.err(m.line, f"{cid}.dimension", "missing (and no parent to inherit it from)")
        elif dimension not in dims and dims:
            self.err(
                m.key_lines.get("dimension", m.line),
                f"{cid}.dimension",
                f"unknown dimension {dimension!r}",
            )
        rules = self.rules(cid, m, "terms")
        not_rules = self.rules(cid, m, "not")
        not_near: tuple[str, ...] = ()
        within = 0
        if "not_near" in m:
            nn = m["not_near"]
            line = m.key_lines["not_near"]
            if not isinstance(nn, _Map) or not isinstance(nn.get("terms"), list):
                self.err(line, f"{cid}.not_near", "needs terms: [...] and within: N")
            else:
                not_near = tuple(str(t) for t in nn["terms"])
                within = self._within(nn, f"{cid}.not_near")
                self.check_refs(not_near, line, f"{cid}.not_near", code_maps)
        return Code(
            code=cid,
            label=self._str(m, "label", cid, required=True) or cid,
            dimension=dimension,
            parent=parent,
            description=self._str(m, "description", cid),
            include=self._str(m, "include", cid),
            exclude=self._str(m, "exclude", cid),
            rules=rules,
            not_rules=not_rules,
            not_near=not_near,
            not_near_within=within,
            scope=self._scope(m, cid),
            weight=self._number(m, "weight", cid, 1.0),
            negation=m.get("negation") if isinstance(m.get("negation"), bool) else None,
            line=m.line,
        )

    def _within(self, m: _Map, where: str) -> int:
        within = m.get("within")
        if isinstance(within, bool) or not isinstance(within, int) or within < 1:
            self.err(
                m.key_lines.get("within", m.line), f"{where}.within", "must be a whole number ≥ 1"
            )
            return 1
        return within

    def check_refs(self, terms: tuple[str, ...], line: int, where: str, code_maps: dict) -> None:
        for t in terms:
            if t.startswith("@") and t[1:] not in code_maps:
                self.err(line, where, f"unknown code reference {t!r}")

    def rules(self, cid: str, m: _Map, key: str) -> tuple[Rule, ...]:
        if key not in m:
            return ()
        items = m[key]
        where = f"{cid}.{key}"
        if not isinstance(items, _Seq):
            self.err(m.key_lines[key], where, "must be a list of terms")
            return ()
        out: list[Rule] = []
        seen: set[str] = set()
        for i, item in enumerate(items):
            rule = self.rule(cid, item, items.item_lines[i], f"{where}[{i}]", key == "terms")
            if rule is None:
                continue
            if rule.rule_id in seen:  # keep rule ids unique within a code
                rule = replace(rule, rule_id=f"{rule.rule_id}#{i}")
            seen.add(rule.rule_id)
            out.append(rule)
        return tuple(out)

    def rule(self, cid: str, item: Any, line: int, where: str, positive: bool) -> Rule | None:
        options: _Map | None = None
        if isinstance(item, str):
            kind, pattern = classify_term(item)
        elif isinstance(item, _Map):
            options = item
            kinds = [k for k in _TERM_KINDS if k in item]
            if len(kinds) != 1:
                self.err(line, where, f"needs exactly one of {', '.join(_TERM_KINDS)}")
                return None
            self._unknown_keys(item, set(_TERM_KINDS) | _TERM_OPTIONS, where)
            kind = kinds[0]
            raw = item[kind]
            if kind == "near":
                if not isinstance(raw, list) or not raw:
                    self.err(line, f"{where}.near", "must be a list of words")
                    return None
                pattern = " | ".join(str(x) for x in raw)
            elif not isinstance(raw, str | int) or not str(raw).strip():
                self.err(line, f"{where}.{kind}", "must be a non-empty text")
                return None
            elif kind == "term":
                kind, pattern = classify_term(str(raw))
            else:
                pattern = str(raw).strip()
        else:
            self.err(line, where, "must be a text or a mapping")
            return None
        if not pattern:
            self.err(line, where, "empty term")
            return None
        if kind == "regex":
            try:
                re.compile(pattern)
            except re.error as exc:
                self.err(line, where, f"regex does not compile: {exc}")
                return None
        kw: dict[str, Any] = {}
        if options is not None:
            if "compound" in options:
                if options["compound"] not in COMPOUND_MODES:
                    self.err(line, f"{where}.compound", f"use one of {', '.join(COMPOUND_MODES)}")
                else:
                    kw["compound"] = options["compound"]
            if "case" in options:
                kw["case"] = bool(options["case"])
            if "weight" in options:
                kw["weight"] = self._number(options, "weight", where, 1.0)
            if "not_in" in options:
                ni = options["not_in"]
                kw["not_in"] = tuple(str(x) for x in (ni if isinstance(ni, list) else [ni]))
            if kind == "near":
                partner = options.get("with")
                if not isinstance(partner, list) or not partner:
                    self.err(line, f"{where}.with", "a near rule needs with: [words or @code]")
                    return None
                kw["near"] = tuple(str(x) for x in partner)
                kw["within"] = self._within(options, where)
                code_refs = tuple(str(x) for x in (*options["near"], *partner))
                self._pending_refs.append((code_refs, line, f"{where}.with"))
        elif kind == "near":
            return None
        label = pattern
        if kind == "near":
            label = f"{pattern.split(' | ')[0]}~{kw['near'][0]}"
        rule_id = f"{cid}/{kind}:{label}" if positive else f"{cid}/not-{kind}:{label}"
        return Rule(
            kind=kind,
            pattern=pattern,
            rule_id=rule_id,
            code=cid,
            line=line,
            **kw,
        )

    def check_graph(self, codes: dict[str, Code], code_maps: dict[str, _Map], dims: dict) -> None:
        for refs, line, where in self._pending_refs:
            self.check_refs(refs, line, where, code_maps)
        for cid, code in codes.items():
            m = code_maps[cid]
            if code.parent is not None:
                if code.parent not in codes:
                    self.err(
                        m.key_lines.get("parent", m.line),
                        f"{cid}.parent",
                        f"unknown code {code.parent!r}",
                    )
                else:
                    seen, p = {cid}, code.parent
                    while p is not None and p in codes:
                        if p in seen:
                            self.err(
                                m.key_lines.get("parent", m.line), f"{cid}.parent", "parent cycle"
                            )
                            break
                        seen.add(p)
                        p = codes[p].parent
                    if codes[code.parent].dimension != code.dimension and code.dimension:
                        self.err(
                            m.key_lines.get("parent", m.line),
                            f"{cid}.parent",
                            "parent is in another dimension",
                        )
            has_children = any(c.parent == cid for c in codes.values())
            written = m.get("terms")
            if not (isinstance(written, list) and written) and not has_children:
                self.err(m.line, f"{cid}.terms", "empty category: no terms and no child codes")
        used = {c.dimension for c in codes.values()}
        for name, dim in dims.items():
            if name not in used:
                self.err(
                    dim.line, f"dimensions.{name}", "empty category: no codes in this dimension"
                )
