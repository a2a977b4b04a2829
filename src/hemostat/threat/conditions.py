"""The restricted condition language of threat rules (``when:``; docs/threat-rules.md).

Parsed with ``ast`` and compiled into closures by walking a whitelist of nodes — never ``eval``.
Everything is checked when a rule is loaded: names allowed for the rule's target, attributes of
each name, the two functions, and string literals compared with an enumerated field (so
``via.kind == "bluetooth"`` is an error, not a rule that silently never fires). Evaluation
never raises: an attribute of ``None`` is ``None``; ordering or ``in`` across types is false.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from hemostat.domain.threat import RuleTarget
from hemostat.threat.model_schema import enum

Record = Mapping[str, object]
Env = Mapping[str, Record | None]
_Fn = Callable[[Env], Any]

MAX_TEXT = 4000
FIELDS: Mapping[str, frozenset[str]] = {
    "element": frozenset({"id", "kind", "name", "boundary", "tags", "interfaces", "attr"}),
    "interface": frozenset(
        {"id", "kind", "authentication", "encryption", "enabled_in_field", "exposed", "tags"}
        | {"attr"}
    ),
    "flow": frozenset(
        {"id", "protocol", "transport", "port", "bidirectional", "authentication", "encryption"}
        | {"data", "tags", "attr", "crosses_boundary"}
    ),
    "model": frozenset({"multi_patient"}),
}
NAMES: Mapping[RuleTarget, Mapping[str, str]] = {
    RuleTarget.ELEMENT: {"element": "element", "model": "model"},
    RuleTarget.INTERFACE: {"interface": "interface", "element": "element", "model": "model"},
    RuleTarget.FLOW: {
        "flow": "flow",
        "source": "element",
        "target": "element",
        "via": "interface",
        "model": "model",
    },
}
_VOCABULARY = {  # (record kind, field) → enumeration in threat-model.schema.json
    ("element", "kind"): "element_kind",
    ("element", "interfaces"): "interface_kind",
    ("interface", "kind"): "interface_kind",
    ("interface", "authentication"): "authentication",
    ("interface", "encryption"): "encryption",
    ("flow", "authentication"): "authentication",
    ("flow", "encryption"): "encryption",
    ("flow", "transport"): "transport",
    ("flow", "data"): "data_class",
}
_REFUSED = {
    ast.Call: "function call",
    ast.Subscript: "subscript",
    ast.Slice: "slice",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehension",
    ast.SetComp: "comprehension",
    ast.DictComp: "comprehension",
    ast.GeneratorExp: "comprehension",
    ast.BinOp: "arithmetic",
    ast.IfExp: "conditional expression",
    ast.Dict: "dict literal",
    ast.Set: "set literal",
    ast.Tuple: "tuple",
    ast.NamedExpr: "assignment expression",
    ast.JoinedStr: "f-string",
    ast.Starred: "starred expression",
}


class ConditionError(ValueError):
    """A condition outside the language; the message names the offending construct."""


@dataclass(frozen=True, slots=True)
class Condition:
    text: str
    target: RuleTarget
    _fn: _Fn = field(repr=False, compare=False)

    def evaluate(self, env: Env) -> bool:
        return bool(self._fn(env))


@lru_cache(maxsize=4096)  # conditions are immutable; rules are compiled at load and again per run
def compile_condition(text: str, target: RuleTarget) -> Condition:
    """Compile ``text`` for rules on ``target``; ``ConditionError`` if it leaves the language."""
    if len(text) > MAX_TEXT:
        raise ConditionError(f"condition is longer than {MAX_TEXT} characters")
    source = " ".join(text.splitlines()).strip()  # YAML block scalars may span lines
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ConditionError(f"syntax error at column {exc.offset}: {exc.msg}") from None
    return Condition(text, target, _Compiler(source, NAMES[target]).expr(tree.body))


def _get(record: object, name: str) -> object:
    return record.get(name) if isinstance(record, Mapping) else None


def _attr(record: object, name: str) -> object:
    return _get(_get(record, "attr"), name)


def _contains(item: object, container: object) -> bool:
    try:
        return container is not None and item in container  # type: ignore[operator]
    except TypeError:
        return False


def _ordered(op: Callable[[Any, Any], bool]) -> Callable[[object, object], bool]:
    def compare(a: object, b: object) -> bool:
        try:
            return a is not None and b is not None and op(a, b)
        except TypeError:
            return False

    return compare


def _sequence(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []


_OPS: Mapping[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: _ordered(operator.lt),
    ast.LtE: _ordered(operator.le),
    ast.Gt: _ordered(operator.gt),
    ast.GtE: _ordered(operator.ge),
    ast.In: _contains,
    ast.NotIn: lambda a, b: not _contains(a, b),
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}
_FUNCTIONS: Mapping[str, Callable[[list[object], list[object]], bool]] = {
    "any_in": lambda values, wanted: any(w in values for w in wanted),
    "all_in": lambda values, wanted: bool(values) and all(w in values for w in wanted),
}


@dataclass(frozen=True, slots=True)
class _Compiler:
    source: str
    names: Mapping[str, str]  # allowed name → record kind

    def refuse(self, node: ast.AST, what: str = "", why: str = "") -> ConditionError:
        what = what or _REFUSED.get(type(node), f"`{type(node).__name__}` expression")
        text = ast.get_source_segment(self.source, node) or ""
        text = text if len(text) <= 60 else text[:60] + "…"
        col = getattr(node, "col_offset", 0) + 1
        why = f": {why}" if why else ""
        return ConditionError(f"{what} `{text}` is not allowed at column {col}{why}")

    def expr(self, node: ast.expr) -> _Fn:
        handler = self.handlers().get(type(node))
        if handler is None:
            raise self.refuse(node)
        return handler(node)

    def handlers(self) -> Mapping[type[ast.expr], Callable[[Any], _Fn]]:
        return {
            ast.BoolOp: self.boolean,
            ast.UnaryOp: self.unary,
            ast.Constant: lambda node: self.constant(node, node.value),
            ast.List: self.sequence,
            ast.Name: self.reference,
            ast.Attribute: self.reference,
            ast.Compare: self.compare,
            ast.Call: self.call,
        }

    def boolean(self, node: ast.BoolOp) -> _Fn:
        fns = [self.expr(v) for v in node.values]
        if isinstance(node.op, ast.And):
            return lambda env: all(f(env) for f in fns)
        return lambda env: any(f(env) for f in fns)

    def unary(self, node: ast.UnaryOp) -> _Fn:
        match node:
            case ast.UnaryOp(op=ast.Not(), operand=operand):
                fn = self.expr(operand)
                return lambda env: not fn(env)
            case ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=int() | float() as v)):
                return self.constant(node, -v)
        raise self.refuse(node, "operator")

    def sequence(self, node: ast.List) -> _Fn:
        fns = [self.expr(e) for e in node.elts]
        return lambda env: [f(env) for f in fns]

    def constant(self, node: ast.expr, value: object) -> _Fn:
        if isinstance(value, bool) or value is None or isinstance(value, str | int | float):
            return lambda env: value
        raise self.refuse(node, "literal")

    def reference(self, node: ast.Name | ast.Attribute) -> _Fn:
        """``name``, ``name.field`` or ``name.attr.NAME``."""
        parts: list[str] = []
        current: ast.expr = node
        while isinstance(current, ast.Attribute):
            parts.insert(0, current.attr)
            current = current.value
        if not isinstance(current, ast.Name):
            raise self.refuse(node, "attribute of an expression")
        if any(p.startswith("_") for p in [current.id, *parts]):
            raise self.refuse(node, "dunder or private name")
        kind = self.names.get(current.id)
        if kind is None:
            allowed = ", ".join(self.names)
            raise self.refuse(node, "unknown name", f"this rule target allows {allowed}")
        name = current.id
        match parts:
            case []:
                return lambda env: env.get(name)
            case [str(f)] if f in FIELDS[kind] and f != "attr":
                return lambda env: _get(env.get(name), f)
            case ["attr", str(a)] if "attr" in FIELDS[kind]:
                return lambda env: _attr(env.get(name), a)
        known = ", ".join(sorted(f if f != "attr" else "attr.NAME" for f in FIELDS[kind]))
        raise self.refuse(node, "unknown attribute", f"a {kind} has {known}")

    def compare(self, node: ast.Compare) -> _Fn:
        steps: list[tuple[Callable[[Any, Any], bool], _Fn]] = []
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            is_op = isinstance(op, ast.Is | ast.IsNot)
            if is_op and not (isinstance(right, ast.Constant) and right.value is None):
                raise self.refuse(node, "`is` comparison", "`is` compares only with None")
            self.check_vocabulary(left, op, right)
            steps.append((_OPS[type(op)], self.expr(right)))
            left = right
        first = self.expr(node.left)

        def run(env: Env) -> bool:
            a = first(env)
            for op, fn in steps:
                b = fn(env)
                if not op(a, b):
                    return False
                a = b
            return True

        return run

    def call(self, node: ast.Call) -> _Fn:
        func = node.func
        if not isinstance(func, ast.Name) or func.id not in _FUNCTIONS:
            raise self.refuse(node, "function call", "the only functions are any_in and all_in")
        if len(node.args) != 2 or node.keywords:
            raise self.refuse(node, "call", f"{func.id} takes two arguments: (list, [values])")
        self.check_vocabulary(node.args[0], ast.In(), node.args[1], reverse=True)
        values, wanted = self.expr(node.args[0]), self.expr(node.args[1])
        impl = _FUNCTIONS[func.id]
        return lambda env: impl(_sequence(values(env)), _sequence(wanted(env)))

    def field_of(self, node: ast.expr) -> tuple[str, str] | None:
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            kind = self.names.get(node.value.id)
            return (kind, node.attr) if kind else None
        return None

    def check_vocabulary(
        self, left: ast.expr, op: ast.cmpop, right: ast.expr, *, reverse: bool = False
    ) -> None:
        """String literals compared with an enumerated field must be values it can take."""
        if isinstance(op, ast.In | ast.NotIn) and not reverse:
            left, right = right, left  # `"phi" in flow.data` / `flow.kind in ["a", "b"]`
        target, other = self.field_of(left), right
        if target is None:
            target, other = self.field_of(right), left
        vocabulary = _VOCABULARY.get(target) if target else None
        if target is None or vocabulary is None:
            return
        literals = other.elts if isinstance(other, ast.List) else [other]
        allowed = enum(vocabulary)
        for lit in literals:
            if (
                isinstance(lit, ast.Constant)
                and isinstance(lit.value, str)
                and lit.value not in allowed
            ):
                why = f"{target[0]}.{target[1]} is one of {', '.join(sorted(allowed))}"
                raise self.refuse(lit, "unknown value", why)
